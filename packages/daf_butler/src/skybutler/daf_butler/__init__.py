"""The Data Butler: dimensions, data IDs, dataset types, storage classes and more.

Code written for upstream ports by changing ``lsst.daf.butler`` to
``skybutler.daf_butler``: the public names below are upstream's.

Names are loaded on first use (PEP 562), so ``import skybutler.daf_butler``
and its light subpackages (the command line, for one) do not pay for astropy,
numpy or SQLAlchemy until something needs them.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ._butler import Butler
    from ._butler_collections import ButlerCollections, CollectionInfo
    from ._butler_config import ButlerConfig
    from ._collection_type import CollectionType
    from ._config import Config, ConfigSubset
    from ._dataset_existence import DatasetExistence
    from ._dataset_ref import DatasetRef
    from ._dataset_type import DatasetType
    from ._deferred import DeferredDatasetHandle
    from ._lookup_key import LookupKey
    from ._storage_class import StorageClass
    from ._storage_class_delegate import StorageClassDelegate
    from ._storage_class_factory import StorageClassConfig, StorageClassFactory
    from ._timespan import Timespan
    from ._uuid import DatasetIdFactory, DatasetIdGenEnum
    from .datastores import DatasetRefURIs, Datastore
    from .dimensions import (
        DataCoordinate,
        DataId,
        DataIdValue,
        Dimension,
        DimensionElement,
        DimensionGroup,
        DimensionRecord,
        DimensionRecordSet,
        DimensionRecordTable,
        DimensionUniverse,
        GovernorDimension,
        SkyPixDimension,
    )
    from .errors import (
        ButlerError,
        CalibrationLookupError,
        CollectionCycleError,
        CollectionTypeError,
        ConfigError,
        ConflictingDefinitionError,
        DatasetNotFoundError,
        DatasetTypeError,
        DimensionNameError,
        DimensionValueError,
        EmptyQueryResultError,
        InconsistentDataIdError,
        InvalidQueryError,
        MissingCollectionError,
        MissingDatasetTypeError,
        MissingDimensionRecordError,
        MissingStorageClassError,
        OrphanedRecordError,
        ValidationError,
    )
    from .registry import Registry, RegistryConfig, RegistryDefaults
    from .transfers import DatasetAssociation, FileDataset

_LAZY: dict[str, str] = {
    "Butler": "._butler",
    "ButlerCollections": "._butler_collections",
    "ButlerConfig": "._butler_config",
    "ButlerError": ".errors",
    "CalibrationLookupError": ".errors",
    "CollectionCycleError": ".errors",
    "CollectionInfo": "._butler_collections",
    "CollectionType": "._collection_type",
    "CollectionTypeError": ".errors",
    "Config": "._config",
    "ConfigError": ".errors",
    "ConfigSubset": "._config",
    "ConflictingDefinitionError": ".errors",
    "DataCoordinate": ".dimensions",
    "DataId": ".dimensions",
    "DataIdValue": ".dimensions",
    "DatasetAssociation": ".transfers",
    "DatasetExistence": "._dataset_existence",
    "DatasetIdFactory": "._uuid",
    "DatasetIdGenEnum": "._uuid",
    "DatasetNotFoundError": ".errors",
    "DatasetRef": "._dataset_ref",
    "DatasetRefURIs": ".datastores",
    "DatasetType": "._dataset_type",
    "DatasetTypeError": ".errors",
    "Datastore": ".datastores",
    "DeferredDatasetHandle": "._deferred",
    "Dimension": ".dimensions",
    "DimensionElement": ".dimensions",
    "DimensionGroup": ".dimensions",
    "DimensionNameError": ".errors",
    "DimensionRecord": ".dimensions",
    "DimensionRecordSet": ".dimensions",
    "DimensionRecordTable": ".dimensions",
    "DimensionUniverse": ".dimensions",
    "DimensionValueError": ".errors",
    "EmptyQueryResultError": ".errors",
    "FileDataset": ".transfers",
    "GovernorDimension": ".dimensions",
    "InconsistentDataIdError": ".errors",
    "InvalidQueryError": ".errors",
    "LookupKey": "._lookup_key",
    "MissingCollectionError": ".errors",
    "MissingDatasetTypeError": ".errors",
    "MissingDimensionRecordError": ".errors",
    "MissingStorageClassError": ".errors",
    "OrphanedRecordError": ".errors",
    "ValidationError": ".errors",
    "Registry": ".registry",
    "RegistryConfig": ".registry",
    "RegistryDefaults": ".registry",
    "SkyPixDimension": ".dimensions",
    "StorageClass": "._storage_class",
    "StorageClassConfig": "._storage_class_factory",
    "StorageClassDelegate": "._storage_class_delegate",
    "StorageClassFactory": "._storage_class_factory",
    "Timespan": "._timespan",
}

__all__ = [
    "Butler",
    "ButlerCollections",
    "ButlerConfig",
    "ButlerError",
    "CalibrationLookupError",
    "CollectionCycleError",
    "CollectionInfo",
    "CollectionType",
    "CollectionTypeError",
    "Config",
    "ConfigError",
    "ConfigSubset",
    "ConflictingDefinitionError",
    "DataCoordinate",
    "DataId",
    "DataIdValue",
    "DatasetAssociation",
    "DatasetExistence",
    "DatasetIdFactory",
    "DatasetIdGenEnum",
    "DatasetNotFoundError",
    "DatasetRef",
    "DatasetRefURIs",
    "DatasetType",
    "DatasetTypeError",
    "Datastore",
    "DeferredDatasetHandle",
    "Dimension",
    "DimensionElement",
    "DimensionGroup",
    "DimensionNameError",
    "DimensionRecord",
    "DimensionRecordSet",
    "DimensionRecordTable",
    "DimensionUniverse",
    "DimensionValueError",
    "EmptyQueryResultError",
    "FileDataset",
    "GovernorDimension",
    "InconsistentDataIdError",
    "InvalidQueryError",
    "LookupKey",
    "MissingCollectionError",
    "MissingDatasetTypeError",
    "MissingDimensionRecordError",
    "MissingStorageClassError",
    "OrphanedRecordError",
    "Registry",
    "RegistryConfig",
    "RegistryDefaults",
    "SkyPixDimension",
    "StorageClass",
    "StorageClassConfig",
    "StorageClassDelegate",
    "StorageClassFactory",
    "Timespan",
    "ValidationError",
]

assert set(__all__) == set(_LAZY), "every lazily loaded name is exported"


def __getattr__(name: str) -> _typing.Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
