"""Operations deriving one `DataCoordinate` from others (subset, union, expansion)."""

from __future__ import annotations

__all__ = ["expanded", "region", "subset", "timespan", "union"]

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import DimensionError, DimensionNameError, InconsistentDataIdError
from ._coordinate import DataCoordinate, _new
from ._group import DimensionGroup

if TYPE_CHECKING:
    from ._records import DimensionRecord


def subset(data_id: DataCoordinate, dimensions: DimensionGroup | Iterable[str]) -> DataCoordinate:
    """Return ``data_id`` restricted to ``dimensions`` (records kept when present)."""
    own = data_id._dimensions
    group = own._universe.conform(dimensions)
    if group is own:
        return data_id
    if not group._frozen <= own._frozen:
        raise DimensionNameError(
            f"Cannot take the {group} subset of data ID {data_id}: "
            f"{', '.join(sorted(group._frozen - own._frozen))} not among its dimensions {own}."
        )
    values = own._subset_extractor(group, data_id.hasFull())(data_id._values)
    records = None
    if data_id._records is not None:
        records = {name: data_id._records[name] for name in group._elements}
    return _new(group, values, records)


def union(data_id: DataCoordinate, other: DataCoordinate) -> DataCoordinate:
    """Return a data ID with the dimensions and values of both arguments.

    Raises
    ------
    InconsistentDataIdError
        If the two data IDs give different values for a shared dimension.
    DimensionNameError
        If a required value of the combined group is known by neither.
    """
    group = data_id._dimensions.union(other._dimensions)
    mine, theirs = data_id.mapping, other.mapping
    for key in mine.keys() & theirs.keys():
        if mine[key] != theirs[key]:
            raise InconsistentDataIdError(
                f"Data IDs {data_id} and {other} disagree on {key!r} "
                f"({mine[key]!r} vs {theirs[key]!r}); they cannot be combined."
            )
    if group is data_id._dimensions and (data_id.hasFull() or not other.hasFull()):
        return data_id
    if group is other._dimensions and (other.hasFull() or not data_id.hasFull()):
        return other
    merged = {**theirs, **mine}
    try:
        values = group._full_getter(merged)
        full = True
    except KeyError:
        full = False
        try:
            values = group._required_getter(merged)
        except KeyError:
            missing = [name for name in group._required if name not in merged]
            raise DimensionNameError(
                f"The union of data IDs {data_id} and {other} has no value for required "
                f"dimension(s) {', '.join(missing)}."
            ) from None
    records = None
    if full and data_id._records is not None and other._records is not None:
        available = {**other._records, **data_id._records}
        if all(name in available for name in group._elements):
            records = {name: available[name] for name in group._elements}
    return _new(group, values, records)


def expanded(
    data_id: DataCoordinate, records: Mapping[str, DimensionRecord | None]
) -> DataCoordinate:
    """Return ``data_id`` carrying one record (or `None`) per element of its group.

    Raises
    ------
    DimensionError
        If the data ID has no implied values.
    DimensionNameError
        If ``records`` lacks an element of the group.
    """
    if not data_id.hasFull():
        raise DimensionError(
            f"Data ID {data_id} needs its implied values before it can carry records."
        )
    result: dict[str, DimensionRecord | None] = {}
    for name in data_id._dimensions._elements:
        try:
            result[name] = records[name]
        except KeyError:
            raise DimensionNameError(
                f"No record given for element {name!r} when expanding data ID {data_id}; "
                f"records are needed for {', '.join(data_id._dimensions._elements)}."
            ) from None
    return _new(data_id._dimensions, data_id._values, result)


def _chosen_values(data_id: DataCoordinate, spatial: bool) -> list[Any] | None:
    records = data_id._records
    if records is None:
        raise DimensionError(
            f"Data ID {data_id} has no records, so its "
            f"{'region' if spatial else 'timespan'} is not known; expand it first."
        )
    group = data_id._dimensions
    families = group.spatial if spatial else group.temporal
    values = []
    for family in families:
        record = records.get(family.choose(group).name)
        value = None if record is None else getattr(record, "region" if spatial else "timespan")
        if value is None:
            return None
        values.append(value)
    return values


def region(data_id: DataCoordinate) -> Any:
    """Return the intersection of the regions of the group's spatial families."""
    regions = _chosen_values(data_id, spatial=True)
    if not regions:
        return None
    if len(regions) == 1:
        return regions[0]
    from ..sphgeom import IntersectionRegion

    return IntersectionRegion(*regions)


def timespan(data_id: DataCoordinate) -> Any:
    """Return the intersection of the timespans of the group's temporal families."""
    timespans = _chosen_values(data_id, spatial=False)
    if not timespans:
        return None
    first, *rest = timespans
    return first.intersection(*rest) if rest else first
