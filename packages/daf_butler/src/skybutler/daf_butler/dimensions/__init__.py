"""Dimensions: the universe of dimension elements, groups of them, data IDs and records.

A `DimensionUniverse` is loaded from a YAML definition (the packaged default is
upstream's version 8). `DimensionGroup` is a dependency-closed set of
dimensions, `DataCoordinate` a data ID for a group, and `DimensionRecord` the
typed row of one element.
"""

from ._column_spec import COLUMN_TYPES, ColumnSpec, ColumnType
from ._coordinate import DataCoordinate, DataId, DataIdValue
from ._elements import (
    DatabaseDimension,
    DatabaseDimensionCombination,
    Dimension,
    DimensionCombination,
    DimensionElement,
    GovernorDimension,
    SkyPixDimension,
)
from ._group import DimensionGroup
from ._named import NamedValueAbstractSet, SortedSequenceSet
from ._record_containers import DimensionRecordSet, DimensionRecordTable
from ._records import DimensionRecord
from ._schema import DimensionRecordSchema
from ._topology import (
    DatabaseTopologicalFamily,
    SkyPixSystem,
    TopologicalFamily,
    TopologicalSpace,
)
from ._universe import DimensionUniverse, default_dimension_config_path

__all__ = [
    "COLUMN_TYPES",
    "ColumnSpec",
    "ColumnType",
    "DataCoordinate",
    "DataId",
    "DataIdValue",
    "DatabaseDimension",
    "DatabaseDimensionCombination",
    "DatabaseTopologicalFamily",
    "Dimension",
    "DimensionCombination",
    "DimensionElement",
    "DimensionGroup",
    "DimensionRecord",
    "DimensionRecordSchema",
    "DimensionRecordSet",
    "DimensionRecordTable",
    "DimensionUniverse",
    "GovernorDimension",
    "NamedValueAbstractSet",
    "SkyPixDimension",
    "SkyPixSystem",
    "SortedSequenceSet",
    "TopologicalFamily",
    "TopologicalSpace",
    "default_dimension_config_path",
]
