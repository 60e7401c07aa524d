"""`DataCoordinate`: a data ID, i.e. values for the dimensions of a group.

A data ID holds either only the *required* values of its group or all of
them (*full*: implied values too), and may additionally carry the dimension
records of every element of the group (*expanded*). Values are stored as one
tuple in ``data_coordinate_keys`` order, so required-only and full data IDs
share the same layout and comparisons only look at the required prefix.
"""

from __future__ import annotations

__all__ = ["DataCoordinate", "DataId", "DataIdValue"]

import numbers
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeAlias

from ..errors import DimensionError, DimensionNameError, DimensionValueError
from ._group import DimensionGroup

if TYPE_CHECKING:
    from .._timespan import Timespan
    from ..sphgeom import Region
    from ._records import DimensionRecord
    from ._universe import DimensionUniverse

DataIdValue: TypeAlias = int | str
"""The type of one data ID value."""

DataId: TypeAlias = "DataCoordinate | Mapping[str, Any]"
"""Anything `DataCoordinate.standardize` accepts as a data ID."""


def _new(
    dimensions: DimensionGroup,
    values: tuple[Any, ...],
    records: dict[str, DimensionRecord | None] | None = None,
) -> DataCoordinate:
    self = object.__new__(DataCoordinate)
    self._dimensions = dimensions
    self._values = values
    self._records = records
    return self


def _is_bool(value: object) -> bool:
    return type(value) is bool


def _convert_values(group: DimensionGroup, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """Check and normalize values whose type is not exactly the key type."""
    result = []
    for name, value, expected in zip(group._dc_keys, values, group._key_types, strict=False):
        if type(value) is not expected:
            if expected is int and isinstance(value, numbers.Integral) and not _is_bool(value):
                value = int(value)
            elif expected is str and isinstance(value, str):
                value = str(value)
            else:
                raise DimensionValueError(
                    f"Data ID value {value!r} ({type(value).__name__}) for dimension {name!r} "
                    f"has the wrong type; {name!r} values are {expected.__name__}s."
                )
        result.append(value)
    return tuple(result)


class DataCoordinate:
    """An immutable data ID: dimension values identifying a dataset or record.

    Build data IDs with `standardize` (from mappings and keyword arguments),
    `from_required_values`, `from_full_values` or `make_empty`; never call the
    class directly.
    """

    __slots__ = ("_dimensions", "_records", "_values")

    _dimensions: DimensionGroup
    _values: tuple[Any, ...]
    _records: dict[str, DimensionRecord | None] | None

    def __init__(self) -> None:
        raise TypeError("Build data IDs with DataCoordinate.standardize or its from_* methods.")

    # Construction --------------------------------------------------------------

    @staticmethod
    def make_empty(universe: DimensionUniverse) -> DataCoordinate:
        """Return the data ID with no dimensions (it has full values and records)."""
        return _new(universe.empty, (), {})

    @staticmethod
    def from_required_values(
        dimensions: DimensionGroup, values: tuple[DataIdValue, ...]
    ) -> DataCoordinate:
        """Build a data ID from its required values, in ``dimensions.required`` order.

        Values are not type-checked: this is the fast path for trusted input.
        """
        if len(values) != dimensions._n_required:
            raise DimensionValueError(
                f"A data ID of {dimensions} needs {dimensions._n_required} required values "
                f"({', '.join(dimensions.required)}), got {len(values)}: {values!r}."
            )
        return _new(dimensions, tuple(values))

    @staticmethod
    def from_full_values(
        dimensions: DimensionGroup, values: tuple[DataIdValue, ...]
    ) -> DataCoordinate:
        """Build a data ID from all values, in ``dimensions.data_coordinate_keys`` order.

        Values are not type-checked: this is the fast path for trusted input.
        """
        if len(values) != len(dimensions._dc_keys):
            raise DimensionValueError(
                f"A full data ID of {dimensions} needs {len(dimensions._dc_keys)} values "
                f"({', '.join(dimensions._dc_keys)}), got {len(values)}: {values!r}."
            )
        return _new(dimensions, tuple(values))

    @staticmethod
    def _from_full_rows(
        dimensions: DimensionGroup, rows: Iterable[tuple[DataIdValue, ...]]
    ) -> list[DataCoordinate]:
        """Build data IDs from tuples of all values, trusted as they are (query results).

        The bulk form of `from_full_values` without its checks: the tuples
        must have the ``dimensions.data_coordinate_keys`` values, in order.
        """
        new = object.__new__
        cls = DataCoordinate
        made = []
        for values in rows:
            self = new(cls)
            self._dimensions = dimensions
            self._values = values
            self._records = None
            made.append(self)
        return made

    @staticmethod
    def standardize(
        mapping: DataId | None = None,
        *,
        dimensions: DimensionGroup | Iterable[str] | None = None,
        universe: DimensionUniverse | None = None,
        defaults: DataId | None = None,
        **kwargs: Any,
    ) -> DataCoordinate:
        """Return a `DataCoordinate` for a mapping and/or keyword arguments.

        Parameters
        ----------
        mapping
            Data ID values keyed by dimension name (or an existing data ID).
        dimensions
            Dimensions of the result; inferred from the keys if not given.
        universe
            Universe of the dimensions; inferred when possible, else the default.
        defaults
            Values used for keys missing from ``mapping`` and ``kwargs``.
        **kwargs
            More values; they override those of ``mapping``.

        Returns
        -------
        DataCoordinate
            A full data ID if every key of the group is known, else one with
            only the required values.

        Raises
        ------
        DimensionNameError
            If a key is not a dimension, or a required value is missing.
        DimensionValueError
            If a value has the wrong type for its dimension.
        """
        if isinstance(mapping, DataCoordinate):
            if not kwargs:
                if dimensions is None:
                    return mapping
                group = mapping._dimensions._universe.conform(dimensions)
                if group is mapping._dimensions:
                    return mapping
                if group._frozen <= mapping._dimensions._frozen:
                    try:
                        return mapping.subset(group)
                    except DimensionNameError:
                        pass  # missing implied values; defaults may still supply them
            universe = mapping._dimensions._universe
            merged = mapping.mapping
            merged.update(kwargs)
        elif mapping is None:
            merged = kwargs
        else:
            merged = dict(mapping)
            if kwargs:
                merged.update(kwargs)

        if isinstance(dimensions, DimensionGroup):
            group = dimensions
            if not group._frozen.issuperset(merged):
                _check_extra_keys(group, merged)
        else:
            if universe is None:
                universe = _infer_universe(defaults)
            if dimensions is not None:
                group = universe.conform(dimensions)
                if not group._frozen.issuperset(merged):
                    _check_extra_keys(group, merged)
            else:
                group = universe._groups.get(frozenset(merged)) or universe.conform(merged)
        if defaults is not None:
            for key in group._dc_keys:
                if key not in merged and key in defaults:
                    merged[key] = defaults[key]
        try:
            # Raising KeyError costs more than the length test on the common
            # required-only path, so only try the full keys when they can all be there.
            if len(merged) >= len(group._dc_keys):
                try:
                    values = group._full_getter(merged)
                except KeyError:
                    values = group._required_getter(merged)
            else:
                values = group._required_getter(merged)
        except KeyError:
            missing = [name for name in group._required if name not in merged]
            raise DimensionNameError(
                f"No value for required dimension {missing[0]!r} in data ID "
                f"{_format(merged)}; a data ID of {group} needs values for "
                f"{', '.join(group._required)}."
            ) from None
        for value, expected in zip(values, group._key_types, strict=False):
            if type(value) is not expected:
                values = _convert_values(group, values)
                break
        self = object.__new__(DataCoordinate)
        self._dimensions = group
        self._values = values
        self._records = None
        return self

    # State ---------------------------------------------------------------------

    @property
    def dimensions(self) -> DimensionGroup:
        """The dimensions identified by this data ID."""
        return self._dimensions

    @property
    def universe(self) -> DimensionUniverse:
        """The universe of the dimensions."""
        return self._dimensions._universe

    def hasFull(self) -> bool:
        """Return whether implied values are known as well as required ones."""
        return len(self._values) == len(self._dimensions._dc_keys)

    def hasRecords(self) -> bool:
        """Return whether this data ID carries the records of all its elements."""
        return self._records is not None

    @property
    def required(self) -> Mapping[str, DataIdValue]:
        """Required values keyed by dimension name."""
        group = self._dimensions
        return dict(zip(group._dc_keys[: group._n_required], self._values, strict=False))

    @property
    def mapping(self) -> dict[str, DataIdValue]:
        """Every known value (required, plus implied if full) keyed by dimension name."""
        return dict(zip(self._dimensions._dc_keys, self._values, strict=False))

    @property
    def full(self) -> Mapping[str, DataIdValue]:
        """All values keyed by dimension name; the data ID must have full values."""
        self._require_full("full")
        return self.mapping

    @property
    def required_values(self) -> tuple[DataIdValue, ...]:
        """Required values, in ``dimensions.required`` order."""
        return self._values[: self._dimensions._n_required]

    @property
    def full_values(self) -> tuple[DataIdValue, ...]:
        """All values, in ``dimensions.data_coordinate_keys`` order (full data IDs only)."""
        self._require_full("full_values")
        return self._values

    def _require_full(self, what: str) -> None:
        if len(self._values) != len(self._dimensions._dc_keys):
            raise DimensionNameError(
                f"Data ID {self} has no implied values ({', '.join(self._dimensions.implied)}), "
                f"so {what} is not available; expand it with Registry.expandDataId first."
            )

    # Mapping-like access -------------------------------------------------------

    def __getitem__(self, key: str | Any) -> DataIdValue:
        group = self._dimensions
        index = group._key_index.get(key)
        if index is None:
            raise DimensionNameError(
                f"{key!r} is not a dimension of data ID {self}; its dimensions are "
                f"{', '.join(group._dc_keys)}."
            )
        if index >= len(self._values):
            raise DimensionNameError(
                f"The value of implied dimension {key!r} is not known in data ID {self}; expand "
                "it with Registry.expandDataId first."
            )
        return self._values[index]  # type: ignore[no-any-return]

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value for ``key``, or ``default`` if it is absent or unknown."""
        index = self._dimensions._key_index.get(key)
        if index is None or index >= len(self._values):
            return default
        return self._values[index]

    def keys(self) -> tuple[str, ...]:
        """Return the names of the known values."""
        return self._dimensions._dc_keys[: len(self._values)]

    def values(self) -> tuple[DataIdValue, ...]:
        """Return the known values, in key order."""
        return self._values

    def items(self) -> Iterator[tuple[str, DataIdValue]]:
        """Iterate over ``(name, value)`` pairs of the known values."""
        return zip(self._dimensions._dc_keys, self._values, strict=False)

    def __contains__(self, key: object) -> bool:
        index = self._dimensions._key_index.get(key)  # type: ignore[call-overload]
        return index is not None and index < len(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._values)

    # Comparison ----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DataCoordinate):
            group = self._dimensions
            if group is not other._dimensions and group != other._dimensions:
                return False
            n = group._n_required
            return self._values[:n] == other._values[:n]
        if isinstance(other, Mapping):
            try:
                other = DataCoordinate.standardize(other, universe=self.universe)
            except DimensionError:
                return False
            return self == other
        return NotImplemented

    def __hash__(self) -> int:
        group = self._dimensions
        return hash((group._hash, self._values[: group._n_required]))

    def __lt__(self, other: DataCoordinate) -> bool:
        if not isinstance(other, DataCoordinate):
            return NotImplemented
        mine, theirs = self._dimensions, other._dimensions
        if mine != theirs:
            return mine._names.as_tuple() < theirs._names.as_tuple()
        n = mine._n_required
        mine_values: tuple[Any, ...] = self._values[:n]
        return bool(mine_values < other._values[:n])

    def __str__(self) -> str:
        return "{" + ", ".join(f"{k}: {v!r}" for k, v in self.items()) + "}"

    def __repr__(self) -> str:
        return repr(self.mapping)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_new, (self._dimensions, self._values, self._records))

    # Derived data IDs: see _coordinate_ops for the implementations ------------------

    def subset(self, dimensions: DimensionGroup | Iterable[str]) -> DataCoordinate:
        """Return the data ID restricted to a subset of its dimensions."""
        from ._coordinate_ops import subset

        return subset(self, dimensions)

    def union(self, other: DataCoordinate) -> DataCoordinate:
        """Return a data ID with the values of both data IDs (which must agree)."""
        from ._coordinate_ops import union

        return union(self, other)

    def expanded(self, records: Mapping[str, DimensionRecord | None]) -> DataCoordinate:
        """Return a copy of this (full) data ID carrying records for all its elements."""
        from ._coordinate_ops import expanded

        return expanded(self, records)

    @property
    def records(self) -> Mapping[str, DimensionRecord | None]:
        """Records of the group's elements, keyed by element name (expanded only)."""
        if self._records is None:
            raise DimensionError(
                f"Data ID {self} has no records; expand it with Registry.expandDataId first."
            )
        return MappingProxyType(self._records)

    @property
    def region(self) -> Region | None:
        """Intersection of the regions of the chosen spatial elements (expanded only)."""
        from ._coordinate_ops import region

        result: Region | None = region(self)
        return result

    @property
    def timespan(self) -> Timespan | None:
        """Intersection of the timespans of the chosen temporal elements (expanded only)."""
        from ._coordinate_ops import timespan

        result: Timespan | None = timespan(self)
        return result

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        records = self._records
        if records is not None and name in records:
            return records[name]
        if name in self._dimensions._elements:
            raise AttributeError(
                f"Data ID {self} has no records, so {name!r} is not available; expand it with "
                "Registry.expandDataId first."
            )
        raise AttributeError(f"'DataCoordinate' object has no attribute {name!r}")

    # Serialization -------------------------------------------------------------

    def to_simple(self, minimal: bool = False) -> dict[str, Any]:
        """Return ``{"dataId": {...}, "records": {element: record} | None}``."""
        records = None
        if self._records is not None and not minimal:
            records = {
                name: (record.to_simple() if record is not None else None)
                for name, record in self._records.items()
            }
        return {"dataId": self.mapping, "records": records}

    @classmethod
    def from_simple(
        cls,
        simple: Mapping[str, Any],
        universe: DimensionUniverse | None = None,
        registry: Any = None,
    ) -> DataCoordinate:
        """Rebuild a data ID from `to_simple` output."""
        from ._records import DimensionRecord

        if universe is None and registry is not None:
            universe = registry.dimensions
        data_id = cls.standardize(simple["dataId"], universe=universe)
        records = simple.get("records")
        if records is not None:
            data_id = data_id.expanded(
                {
                    name: (
                        DimensionRecord.from_simple(r, data_id.universe) if r is not None else None
                    )
                    for name, r in records.items()
                }
            )
        return data_id


def _format(mapping: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in mapping.items()) + "}"


def _infer_universe(defaults: object) -> DimensionUniverse:
    if isinstance(defaults, DataCoordinate):
        return defaults.universe
    from ._universe import DimensionUniverse

    return DimensionUniverse()


def _check_extra_keys(group: DimensionGroup, merged: Mapping[Any, Any]) -> None:
    """Reject keys that are not dimensions; keys of other dimensions are ignored."""
    universe = group._universe
    for key in merged:
        name = getattr(key, "name", key)
        if name not in universe._closures:
            raise DimensionNameError(universe._unknown_message(name, "name"))
