"""The dimension records of many data IDs, looked up once per distinct key.

Expanding every data ID of an export costs time per data ID, though ten
thousand datasets name only a few hundred exposures and detectors. Here each
data ID is cut down to the keys of each element with a table it names
directly (its required dimensions, and the combinations of them such as
``visit_detector_region``); the distinct pieces are expanded, which brings
the records of implied elements too (an exposure's ``physical_filter``,
``day_obs`` and ``group``).
"""

from __future__ import annotations

__all__ = ["record_key", "records_of"]

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..dimensions import (
    DataCoordinate,
    Dimension,
    DimensionElement,
    DimensionGroup,
    DimensionRecord,
)

if TYPE_CHECKING:
    from ..registry import Registry

_KEY_FIELDS: dict[type[DimensionRecord], tuple[str, ...]] = {}
"""Fields identifying the records of each record class (one per element and universe)."""


def record_key(record: DimensionRecord) -> tuple[Any, ...]:
    """Return the values identifying a record (its required dimensions), sortable."""
    element = record.definition
    fields = _KEY_FIELDS.get(type(record))
    if fields is None:
        own = element.primaryKey.name if isinstance(element, Dimension) else element.name
        fields = tuple(own if d == element.name else d for d in element.minimal_group.required)
        _KEY_FIELDS[type(record)] = fields
    # Values of one key are all int or all str; None sorts first.
    return tuple((v is not None, v) for v in (getattr(record, f) for f in fields))


def _targets(group: DimensionGroup, universe: Any) -> list[DimensionElement] | None:
    """Return the elements with a table whose keys are all required values of ``group``.

    Implied dimensions come with the records of the dimensions implying
    them; `None` if another element has keys that are not required values
    (data IDs of such a group are expanded whole).
    """
    required = set(group.required)
    targets = []
    for name in group.elements:
        element: DimensionElement = universe[name]
        if not element.hasTable():
            continue
        keys = set(element.minimal_group.required)
        if keys <= required:
            targets.append(element)
        elif not isinstance(element, Dimension) or name not in group.implied:
            return None  # pragma: no cover (no such element in the default universe)
    return targets


def records_of(
    registry: Registry, data_ids: Iterable[DataCoordinate | Mapping[str, Any]], names: set[str]
) -> dict[str, list[DimensionRecord]]:
    """Return the records of the elements ``names`` that data IDs name, by element."""
    manager = registry._managers.dimensions
    universe = registry.dimensions
    found: dict[str, dict[tuple[Any, ...], DimensionRecord]] = {}
    whole: list[DataCoordinate] = []
    pieces: dict[DimensionGroup, set[tuple[Any, ...]]] = {}

    seen: set[int] = set()  # expanded data IDs share record objects: look at each once
    # Data IDs of one dataset type share a group: work out its elements once.
    targets_of: dict[DimensionGroup, list[tuple[DimensionGroup, tuple[int, ...]]] | None] = {}

    def take(data_id: DataCoordinate) -> None:
        for name, record in data_id.records.items():
            if record is None or id(record) in seen or name not in names:
                continue
            seen.add(id(record))
            found.setdefault(name, {}).setdefault(record_key(record), record)

    for given in data_ids:
        data_id = DataCoordinate.standardize(given, universe=universe)
        if data_id.hasRecords():
            take(data_id)
            continue
        group = data_id.dimensions
        if group in targets_of:
            targets = targets_of[group]
        else:
            elements = _targets(group, universe)
            order = list(group.required)
            targets = targets_of[group] = (
                None
                if elements is None
                else [
                    (e.minimal_group, tuple(order.index(d) for d in e.minimal_group.required))
                    for e in elements
                ]
            )
        if targets is None:  # pragma: no cover (no such element in the default universe)
            whole.append(data_id)
            continue
        values = data_id.required_values
        for piece, indexes in targets:
            pieces.setdefault(piece, set()).add(tuple(values[i] for i in indexes))
    coordinates = [
        DataCoordinate.from_required_values(group, values)
        for group, keys in pieces.items()
        for values in keys
    ]
    for data_id in manager.expand_data_ids(coordinates + whole):
        take(data_id)
    return {name: list(by_key.values()) for name, by_key in found.items()}
