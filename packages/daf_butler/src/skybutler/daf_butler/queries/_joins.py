"""Building the FROM clause of a query from the relationships of the universe.

`JoinBuilder` keeps one SQL column per dimension key (the first relation
that provided it) and joins each new relation on equality of the keys it
shares with what is already there. Relations are element tables (each
joined at most once, on demand when a field of it is needed), dataset
searches, overlap subqueries and ``SELECT DISTINCT`` subqueries for
dimensions without a table (``band``).

`join_dimensions` adds what a set of dimensions needs, in this order:
always-join combinations (``visit_definition`` relates exposures to visits),
then the tables of dimensions whose key or implied values no relation
provides yet, most derived first; a dimension whose key another table
already carries (``instrument`` beside ``visit``) is not joined unless one
of its fields is used. Skypix dimensions have no table: their values come
from constraints or are computed from regions after the query (see
``_postprocess.py``).
"""

from __future__ import annotations

__all__ = ["JoinBuilder"]

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from ..dimensions import DimensionElement, DimensionGroup, DimensionUniverse, SkyPixDimension
from ..registry.databases import TimespanRepresentation
from ..registry.dimensions import DimensionRecordManager

_Column = sa.ColumnElement[Any]


class JoinBuilder:
    """Accumulates the relations, join conditions and WHERE terms of one SELECT.

    Parameters
    ----------
    dimensions
        The dimension record manager (tables and layouts).
    """

    def __init__(self, dimensions: DimensionRecordManager) -> None:
        self.manager = dimensions
        self.universe: DimensionUniverse = dimensions.universe
        self.db = dimensions.db
        self.keys: dict[str, _Column] = {}
        """The SQL column of each dimension key provided so far."""
        self.where: list[sa.ColumnElement[bool]] = []
        self._from: sa.FromClause | None = None
        self._elements: dict[str, sa.FromClause] = {}
        self._count = 0

    @property
    def from_clause(self) -> sa.FromClause | None:
        """The joined relations, or `None` if there are none."""
        return self._from

    def _alias_name(self, stem: str) -> str:
        self._count += 1
        return f"{stem}_{self._count}"

    def join(self, relation: sa.FromClause, keys: Mapping[str, _Column]) -> None:
        """Join a relation on the dimension keys it shares with those already present.

        Parameters
        ----------
        relation
            A table alias or subquery.
        keys
            Its columns holding dimension key values, by dimension name.
        """
        conditions = []
        for name, column in keys.items():
            existing = self.keys.get(name)
            if existing is None:
                self.keys[name] = column
            else:
                conditions.append(existing == column)
        if self._from is None:
            self._from = relation
            self.where.extend(conditions)
        else:
            onclause = sa.and_(*conditions) if conditions else sa.true()
            self._from = self._from.join(relation, onclause)

    # ------------------------------------------------------------ elements

    def element_keys(self, element: DimensionElement, table: sa.FromClause) -> dict[str, _Column]:
        """Return the key columns of an element's table (required and implied dimensions)."""
        layout = self.manager.layout(element)
        keys: dict[str, _Column] = {
            dim: table.c[col]
            for dim, col in zip(layout.key_dimensions, layout.key_columns, strict=True)
        }
        for implied in element.implied.names:
            keys[implied] = table.c[implied]
        return keys

    def element_table(self, element: str | DimensionElement) -> sa.FromClause:
        """Return the alias of an element's table, joining it first if needed."""
        resolved = self.universe[element if isinstance(element, str) else element.name]
        found = self._elements.get(resolved.name)
        if found is not None:
            return found
        table = self.manager.table(resolved).alias(self._alias_name(resolved.name))
        self._elements[resolved.name] = table
        self.join(table, self.element_keys(resolved, table))
        return table

    def has_element(self, name: str) -> bool:
        """Return whether an element's table is joined."""
        return name in self._elements

    def field(self, element: str, field: str) -> _Column:
        """Return the column of a (non-timespan) record field, joining its table if needed."""
        return self.element_table(element).c[field]

    def timespan(self, element: str) -> TimespanRepresentation:
        """Return the timespan of an element's records, joining its table if needed."""
        return self.db.timespan(self.element_table(element).c, "timespan")

    # ------------------------------------------------------------ dimensions

    def join_dimensions(self, dimensions: DimensionGroup) -> list[str]:
        """Join what ``dimensions`` need; return the skypix dimensions left without a column."""
        universe = self.universe
        for name in dimensions.elements:
            element = universe[name]
            if element.alwaysJoin and element.hasTable():
                self.element_table(element)
        for name in reversed(tuple(dimensions.names)):
            dimension = universe.dimensions[name]
            if not dimension.hasTable():
                continue
            provided = name in self.keys and all(i in self.keys for i in dimension.implied.names)
            if not provided:
                self.element_table(dimension)
        missing = []
        for name in dimensions.names:
            if name in self.keys:
                continue
            dimension = universe.dimensions[name]
            if isinstance(dimension, SkyPixDimension):
                missing.append(name)
                continue
            target = dimension.implied_union_target
            assert target is not None, f"{name} has no table and no union target"
            table = self.manager.table(target)
            distinct = (
                sa.select(table.c[name].label(name)).distinct().subquery(self._alias_name(name))
            )
            self.join(distinct, {name: distinct.c[name]})
        return missing
