"""PostgreSQL's timespan representation: one ``int8range`` column.

Kept with the PostgreSQL backend so that SQLite users never import
SQLAlchemy's PostgreSQL dialect (a tenth of a second at every start).
"""

from __future__ import annotations

__all__ = ["RangeTimespan"]

from collections.abc import Mapping, MutableMapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ..._timespan import MAX_NSEC, MIN_NSEC, Timespan
from ._specs import FieldSpec
from ._timespans import TimespanRepresentation

_Columns = sa.ColumnCollection[str, Any] | Mapping[str, sa.ColumnElement[Any]]


class RangeTimespan(TimespanRepresentation):
    """A timespan as one ``int8range`` column (PostgreSQL)."""

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        self.column = column

    @classmethod
    def make_columns(cls, field: FieldSpec) -> list[sa.Column[Any]]:
        return [
            sa.Column(
                field.name,
                postgresql.INT8RANGE,
                nullable=field.nullable,
                server_default=None if field.nullable else sa.text("'(,)'::int8range"),
                comment=field.doc or None,
            )
        ]

    @classmethod
    def column_names(cls, name: str) -> tuple[str, ...]:
        return (name,)

    @classmethod
    def _to_range(cls, value: Timespan) -> postgresql.Range[int]:
        if value.isEmpty():
            return postgresql.Range(empty=True)
        begin, end = value.nsec
        return postgresql.Range(
            None if begin <= MIN_NSEC else begin, None if end >= MAX_NSEC else end, bounds="[)"
        )

    @classmethod
    def encode(cls, name: str, value: Timespan | None, row: MutableMapping[str, Any]) -> None:
        row[name] = None if value is None else cls._to_range(value)

    @classmethod
    def decode(cls, name: str, row: Mapping[str, Any]) -> Timespan | None:
        value = row[name]
        if value is None:
            return None
        if value.isempty:
            return Timespan.makeEmpty()
        # int8range values come back canonical, '[)' whenever a bound is finite.
        begin = MIN_NSEC if value.lower is None else value.lower
        end = MAX_NSEC if value.upper is None else value.upper
        return Timespan(None, None, _nsec=(begin, end))

    @classmethod
    def from_columns(cls, columns: _Columns, name: str) -> RangeTimespan:
        return cls(columns[name])

    @classmethod
    def from_literal(cls, value: Timespan) -> RangeTimespan:
        return cls(sa.literal(cls._to_range(value), postgresql.INT8RANGE))

    def lower(self) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.lower(self.column), MIN_NSEC)

    def upper(self) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.upper(self.column), MAX_NSEC)

    def isnull(self) -> sa.ColumnElement[bool]:
        return self.column.is_(None)

    def overlaps(self, other: RangeTimespan | Timespan) -> sa.ColumnElement[bool]:
        return self.column.op("&&", is_comparison=True)(self._coerce(other).column)

    def contains(self, other: RangeTimespan | Timespan) -> sa.ColumnElement[bool]:
        return self.column.op("@>", is_comparison=True)(self._coerce(other).column)

    def contains_nsec(self, nsec: sa.ColumnElement[int] | int) -> sa.ColumnElement[bool]:
        value = nsec if isinstance(nsec, sa.ColumnElement) else sa.literal(nsec, sa.BigInteger)
        return self.column.op("@>", is_comparison=True)(value)

    def flatten(self, name: str) -> list[sa.ColumnElement[Any]]:
        return [self.column.label(name)]
