"""Expanding data IDs: implied values and records of every element, checked.

Elements are visited in the group's lookup order, so the key of each is
known when it is reached: required values come from the data ID, implied
ones from the records of the elements implying them. A value the caller gave
for an implied dimension must agree with that record. Implied-union
dimensions (``band``) and skypix dimensions have no table; their records are
made from the value (and, for skypix, the pixel's region).

Many data IDs are expanded together (`~DimensionRecordExpansion.expand_data_ids`):
for each element, the distinct keys of all data IDs of one group are looked
up at once, with chunked ``IN`` queries, instead of one query per data ID.
"""

from __future__ import annotations

__all__ = ["DimensionRecordExpansion"]

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from ...dimensions import (
    DataCoordinate,
    DataId,
    Dimension,
    DimensionElement,
    DimensionGroup,
    DimensionRecord,
    SkyPixDimension,
)
from ...errors import InconsistentDataIdError, MissingDimensionRecordError
from ._reads import DimensionRecordReads


def _describe(values: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in values.items()) + "}"


@dataclasses.dataclass(slots=True)
class _Pending:
    """One data ID being expanded."""

    given: dict[str, Any]
    """Values as the caller gave them (for messages and consistency checks)."""
    values: dict[str, Any]
    """Known values: required ones, then implied ones as they are found."""
    supplied: Mapping[str, DimensionRecord | None]
    """Records given by the caller, used instead of looking them up."""
    found: dict[str, DimensionRecord | None] = dataclasses.field(default_factory=dict)


class DimensionRecordExpansion(DimensionRecordReads):
    """`expand_data_id` and `expand_data_ids` for the dimension-record manager."""

    def expand_data_id(
        self,
        data_id: DataId | None = None,
        *,
        records: Mapping[str, DimensionRecord | None] | None = None,
        dimensions: DimensionGroup | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> DataCoordinate:
        """Return a data ID with every implied value and the record of every element.

        Parameters
        ----------
        data_id
            Values keyed by dimension name, or a `DataCoordinate`.
        records
            Records to use instead of looking them up, keyed by element name.
        dimensions
            Dimensions of the result; inferred from the keys if not given.
        **kwargs
            More values; they override those of ``data_id``.

        Returns
        -------
        data_id
            An expanded `DataCoordinate` (``hasFull()`` and ``hasRecords()``).

        Raises
        ------
        MissingDimensionRecordError
            No record is stored for a dimension of the data ID; the message
            names the element and the values looked up.
        InconsistentDataIdError
            A given value of an implied dimension, or a given record,
            disagrees with the stored records.
        DimensionNameError
            A required value is missing or a key is not a dimension.
        """
        if (
            isinstance(data_id, DataCoordinate)
            and data_id.hasRecords()
            and not kwargs
            and not records
            and (dimensions is None or data_id.dimensions == data_id.universe.conform(dimensions))
        ):
            return data_id
        standardized = DataCoordinate.standardize(
            data_id, dimensions=dimensions, universe=self._universe, **kwargs
        )
        pending = self._pending(data_id, standardized, _given_values(data_id, kwargs), records)
        self._db.run(self._expand_group, standardized.dimensions, [pending])
        return self._finish(standardized.dimensions, pending)

    def expand_data_ids(self, data_ids: Iterable[DataId | DataCoordinate]) -> list[DataCoordinate]:
        """Expand many data IDs, looking records up in bulk.

        Data IDs that are already expanded are returned as they are; the
        others are expanded as by `expand_data_id` (same errors).
        """
        result: list[DataCoordinate | None] = []
        groups: dict[DimensionGroup, list[tuple[int, DataCoordinate, _Pending]]] = {}
        for data_id in data_ids:
            if isinstance(data_id, DataCoordinate) and data_id.hasRecords():
                result.append(data_id)
                continue
            standardized = DataCoordinate.standardize(data_id, universe=self._universe)
            pending = self._pending(data_id, standardized, _given_values(data_id, {}), None)
            groups.setdefault(standardized.dimensions, []).append(
                (len(result), standardized, pending)
            )
            result.append(None)

        def read() -> None:  # one snapshot for all the lookups
            for group, items in groups.items():
                self._expand_group(group, [pending for _, _, pending in items])

        self._db.run(read)
        for group, items in groups.items():
            for index, _, pending in items:
                result[index] = self._finish(group, pending)
        return [data_id for data_id in result if data_id is not None]

    # ------------------------------------------------------------ the work

    @staticmethod
    def _pending(
        data_id: DataId | None,
        standardized: DataCoordinate,
        given: dict[str, Any],
        records: Mapping[str, DimensionRecord | None] | None,
    ) -> _Pending:
        values: dict[str, Any] = dict(standardized.mapping)
        for name in standardized.dimensions.implied:  # checked against the records later
            if name in given:
                values.setdefault(name, given[name])
        supplied: Mapping[str, DimensionRecord | None] = records or {}
        if isinstance(data_id, DataCoordinate) and data_id.hasRecords():
            supplied = {**data_id.records, **supplied}
        return _Pending(given, values, supplied)

    @staticmethod
    def _finish(group: DimensionGroup, pending: _Pending) -> DataCoordinate:
        full = tuple(pending.values[key] for key in group.data_coordinate_keys)
        return DataCoordinate.from_full_values(group, full).expanded(pending.found)

    def _expand_group(self, group: DimensionGroup, items: list[_Pending]) -> None:
        for name in group.lookup_order:
            element = self._universe[name]
            looked_up = [item for item in items if name not in item.supplied]
            for item in items:
                if name in item.supplied:
                    record = item.supplied[name]
                    self._check_supplied(element, record, item.values)
                    item.found[name] = record
            if looked_up:
                self._look_up(element, looked_up)
            for item in items:
                record = item.found[name]
                if record is not None:
                    self._take_implied(element, record, item)

    def _look_up(self, element: DimensionElement, items: list[_Pending]) -> None:
        dims = element.required.names
        if isinstance(element, SkyPixDimension) or element.implied_union_target is not None:
            made: dict[Any, DimensionRecord] = {}
            for item in items:
                value = item.values[element.name]
                record = made.get(value)
                if record is None:
                    record = made[value] = self._computed_record(element, value)
                item.found[element.name] = record
            return
        layout = self.layout(element)
        keys = [self._key_of(layout, {d: item.values[d] for d in dims}) for item in items]
        found = self._lookup_many(layout, keys)
        for item, key in zip(items, keys, strict=True):
            record = found.get(key)
            if record is None and isinstance(element, Dimension):
                # A missing combination row (say visit_detector_region) leaves a valid data ID.
                raise MissingDimensionRecordError(
                    f"No {element.name} record is stored for "
                    f"{_describe({d: item.values[d] for d in dims})}. Check the values, or "
                    f"insert the {element.name} record first."
                )
            item.found[element.name] = record

    @staticmethod
    def _computed_record(element: DimensionElement, value: Any) -> DimensionRecord:
        if isinstance(element, SkyPixDimension):
            return element.RecordClass(id=value, region=element.pixelization.pixel(value))
        return element.RecordClass(**{element.name: value})

    @staticmethod
    def _take_implied(element: DimensionElement, record: DimensionRecord, item: _Pending) -> None:
        for implied in element.implied:
            value = getattr(record, implied.name)
            previous = item.values.setdefault(implied.name, value)
            if previous != value:
                key = {d: item.values[d] for d in element.required.names}
                raise InconsistentDataIdError(
                    f"Data ID {_describe(item.given)} has {implied.name}={previous!r}, but the "
                    f"{element.name} record {_describe(key)} has {implied.name}={value!r}. Give "
                    f"the stored value or leave {implied.name!r} out."
                )
            item.values[implied.name] = value

    @staticmethod
    def _check_supplied(
        element: DimensionElement, record: DimensionRecord | None, values: Mapping[str, Any]
    ) -> None:
        if record is None:
            return
        if record.definition.name != element.name:
            raise InconsistentDataIdError(
                f"A {record.definition.name} record was given for element {element.name!r}."
            )
        for dimension, column in zip(
            element.required.names, element.schema.required.names, strict=True
        ):
            if getattr(record, column) != values[dimension]:
                raise InconsistentDataIdError(
                    f"The {element.name} record given has {dimension}="
                    f"{getattr(record, column)!r}, but the data ID has {dimension}="
                    f"{values[dimension]!r}."
                )


def _given_values(data_id: DataId | None, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if isinstance(data_id, DataCoordinate):
        given.update(data_id.mapping)
    elif data_id is not None:
        given.update({getattr(k, "name", k): v for k, v in data_id.items()})
    given.update(kwargs)
    return given
