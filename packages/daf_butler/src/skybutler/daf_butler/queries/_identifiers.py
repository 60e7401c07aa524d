"""Resolving the names written in a ``where`` expression or an ``order_by`` term.

The rules, in order (upstream's):

1. a bare name given in ``bind`` is a bind value (legacy colon-less binds),
   unless the same expression also writes it ``:name``: in ``band = :band``
   the bare ``band`` is the dimension and ``:band`` the value;
2. ``NULL`` (any case) is the null value;
3. a dimension name is that dimension's key;
4. a bare field name that exactly one element of the query (or one dataset
   search) has is that field; several is ambiguous;
5. ``element.field``: ``visit.id`` is ``visit``, ``visit.instrument`` is
   ``instrument``, otherwise a metadata field, alternate key, ``region`` or
   ``timespan`` of the element;
6. ``<dataset type>.<field>`` for ``dataset_id``, ``ingest_date``, ``run``,
   ``collection`` and ``timespan``;
7. ``X.timespan.begin`` / ``X.timespan.end`` and bare ``timespan.begin|end``.

Names are resolved against the whole universe, so a ``where`` may refer to
dimensions the query does not return: those are joined in and projected away.
"""

from __future__ import annotations

__all__ = ["NULL", "IdentifierResolver", "suggest"]

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from ..dimensions import Dimension, DimensionGroup, DimensionUniverse
from ..errors import InvalidQueryError
from ._columns import DATASET_FIELDS, ColumnRef, DatasetField, DimensionField, DimensionKey

NULL = object()
"""What ``NULL`` resolves to."""

_BOUNDS = ("begin", "end")


def suggest(name: str, candidates: Iterable[str]) -> str:
    """Return " (close names: ...)" for close candidates, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (close names: " + ", ".join(repr(c) for c in close) + ")"


class IdentifierResolver:
    """Resolves names for one query.

    Parameters
    ----------
    universe
        The repository's dimension universe.
    dimensions
        The dimensions the query returns (bare field names are looked up
        among the elements of these).
    dataset_types
        Names of the dataset types the query searches.
    bind
        Bind values by name.
    colon_binds
        Names the expression writes as ``:name``; a bare name among these is
        not a legacy bind.
    """

    def __init__(
        self,
        universe: DimensionUniverse,
        dimensions: DimensionGroup,
        dataset_types: Sequence[str] = (),
        bind: Mapping[str, Any] | None = None,
        colon_binds: Collection[str] = (),
    ) -> None:
        self.universe = universe
        self.dimensions = dimensions
        self.dataset_types = tuple(dataset_types)
        self.bind = dict(bind or {})
        self.colon_binds = frozenset(colon_binds)

    def resolve(self, name: str) -> ColumnRef | object:
        """Return what ``name`` refers to: a `ColumnRef`, `NULL` or a bind value holder.

        Bind values come back wrapped in a one-element tuple ``(value,)``.

        Raises
        ------
        InvalidQueryError
            The name is unknown or ambiguous; the message suggests close names.
        """
        parts = name.split(".")
        if len(parts) == 1:
            return self._resolve_bare(name)
        if len(parts) == 2:
            return self._resolve_qualified(parts[0], parts[1], name)
        head, middle, last = parts
        if middle != "timespan" or last not in _BOUNDS:
            raise InvalidQueryError(
                f"Unknown name {name!r}: three-part names are '<element>.timespan.begin' or "
                "'<element>.timespan.end'."
            )
        ref = self._resolve_qualified(head, middle, name)
        return _with_bound(ref, last, name)

    def _resolve_bare(self, name: str) -> ColumnRef | object:
        if name in self.bind and name not in self.colon_binds:
            return (self.bind[name],)
        if name.upper() == "NULL":
            return NULL
        if name in self.universe.dimensions:
            return DimensionKey(name)
        matches = self._field_owners(name)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            owners = ", ".join(str(m) for m in matches)
            raise InvalidQueryError(
                f"Name {name!r} is ambiguous: it could be any of {owners}; qualify it."
            )
        candidates = list(self.universe.dimensions.names) + list(self.bind)
        candidates += [f for e in self._elements() for f in self._fields(e)]
        if name in self.universe.elements:
            raise InvalidQueryError(
                f"{name!r} is a dimension element, not a dimension: refer to one of its fields "
                f"({', '.join(f'{name}.{f}' for f in self._fields(name))})."
            )
        raise InvalidQueryError(
            f"Unknown name {name!r} in query expression." + suggest(name, candidates)
        )

    def _elements(self) -> list[str]:
        return list(self.dimensions.elements)

    def _fields(self, element: str) -> list[str]:
        return list(self.universe[element].schema.remainder.names)

    def _field_owners(self, name: str) -> list[ColumnRef]:
        owners: list[ColumnRef] = [
            DimensionField(element, name)
            for element in self._elements()
            if name in self._fields(element)
        ]
        if name in DATASET_FIELDS:
            owners.extend(DatasetField(d, name) for d in self.dataset_types)
        return owners

    def _resolve_qualified(self, head: str, field: str, name: str) -> ColumnRef:
        universe = self.universe
        if head in universe.elements:
            element = universe[head]
            if isinstance(element, Dimension) and field == element.primaryKey.name:
                return DimensionKey(head)
            if field in element.dimensions.names:
                return DimensionKey(field)
            if field in element.schema.remainder.names:
                return DimensionField(head, field)
            fields = [
                *([element.primaryKey.name] if isinstance(element, Dimension) else []),
                *element.dimensions.names,
                *element.schema.remainder.names,
            ]
            raise InvalidQueryError(
                f"Element {head!r} has no field {field!r}; its fields are "
                f"{', '.join(fields)}." + suggest(field, fields)
            )
        if head in self.dataset_types:
            if field in DATASET_FIELDS:
                return DatasetField(head, field)
            raise InvalidQueryError(
                f"Datasets have no field {field!r}; dataset fields are "
                f"{', '.join(DATASET_FIELDS)}." + suggest(field, DATASET_FIELDS)
            )
        if head == "timespan" and field in _BOUNDS:
            ref = self._resolve_bare("timespan")
            if isinstance(ref, (DimensionField, DatasetField)):
                return _with_bound(ref, field, name)
        candidates = list(universe.elements.names) + list(self.dataset_types)
        raise InvalidQueryError(
            f"Unknown name {name!r}: {head!r} is neither a dimension element nor a dataset type "
            "searched by this query." + suggest(head, candidates)
        )


def _with_bound(ref: ColumnRef, bound: str, name: str) -> ColumnRef:
    if isinstance(ref, DimensionField) and ref.field == "timespan":
        return DimensionField(ref.element, "timespan", bound)
    if isinstance(ref, DatasetField) and ref.field == "timespan":
        return DatasetField(ref.dataset_type, "timespan", bound)
    raise InvalidQueryError(f"{name!r}: only timespans have '.begin' and '.end'.")
