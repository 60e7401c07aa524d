"""What the names in a query refer to: dimension keys, record fields and dataset fields.

A resolved name is one of three frozen references. Each knows its value type
(one of `ValueType`), which the translator uses to check operators and to
coerce literals (a time literal compared with a ``datetime`` column becomes
TAI nanoseconds, a string compared with an integer key is refused).
"""

from __future__ import annotations

__all__ = [
    "DATASET_FIELDS",
    "ColumnRef",
    "DatasetField",
    "DimensionField",
    "DimensionKey",
    "ValueType",
    "value_type_of_field",
]

import dataclasses
from typing import Literal

from ..dimensions import DimensionUniverse

ValueType = Literal[
    "int", "float", "string", "bool", "uuid", "hash", "region", "timespan", "datetime"
]

DATASET_FIELDS: dict[str, ValueType] = {
    "dataset_id": "uuid",
    "ingest_date": "datetime",
    "run": "string",
    "collection": "string",
    "timespan": "timespan",
}
"""Fields every dataset search has, with their types."""


@dataclasses.dataclass(frozen=True, slots=True)
class DimensionKey:
    """The key value of a dimension (``visit``, ``visit.id``, ``instrument``)."""

    dimension: str

    def __str__(self) -> str:
        return self.dimension


@dataclasses.dataclass(frozen=True, slots=True)
class DimensionField:
    """A non-key field of an element's records (``visit.exposure_time``, ``patch.region``).

    ``attribute`` is ``begin`` or ``end`` for one bound of a timespan field.
    """

    element: str
    field: str
    attribute: str | None = None

    def __str__(self) -> str:
        suffix = f".{self.attribute}" if self.attribute else ""
        return f"{self.element}.{self.field}{suffix}"


@dataclasses.dataclass(frozen=True, slots=True)
class DatasetField:
    """A field of a dataset search (``raw.ingest_date``, ``bias.timespan.begin``)."""

    dataset_type: str
    field: str
    attribute: str | None = None

    def __str__(self) -> str:
        suffix = f".{self.attribute}" if self.attribute else ""
        return f"{self.dataset_type}.{self.field}{suffix}"


ColumnRef = DimensionKey | DimensionField | DatasetField


def value_type_of_field(universe: DimensionUniverse, ref: ColumnRef) -> ValueType:
    """Return the type of the values a reference stands for."""
    if isinstance(ref, DimensionKey):
        return _checked(universe.dimensions[ref.dimension].primaryKey.type)
    if isinstance(ref, DatasetField):
        base = DATASET_FIELDS[ref.field]
    else:
        base = _checked(universe[ref.element].schema.all[ref.field].type)
    if ref.attribute is not None:
        return "datetime"
    return base


def _checked(name: str) -> ValueType:
    allowed: tuple[ValueType, ...] = (
        "int",
        "float",
        "string",
        "bool",
        "uuid",
        "hash",
        "region",
        "timespan",
        "datetime",
    )
    for value in allowed:
        if value == name:
            return value
    raise TypeError(f"Unknown column type {name!r}.")  # pragma: no cover (universe-checked)
