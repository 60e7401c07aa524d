"""How a `Timespan` is stored and compared in SQL, per backend.

A ``timespan`` field is a half-open ``[begin, end)`` pair of TAI nanoseconds.
SQLite stores it as two BIGINT columns ``<name>_begin`` and ``<name>_end``
(`CompoundTimespan`); PostgreSQL as one ``int8range`` column ``<name>``
(`RangeTimespan`) whose unbounded sides are NULL bounds and whose empty value
is ``'empty'``, which is what a gist exclusion constraint needs.

Query code gets an instance from `TimespanRepresentation.from_columns` (a
table's columns) or `TimespanRepresentation.from_literal` and builds
predicates with `overlaps` and `contains`, without caring which backend runs.
"""

from __future__ import annotations

__all__ = ["CompoundTimespan", "TimespanRepresentation"]

from abc import ABC, abstractmethod
from collections.abc import Mapping, MutableMapping
from typing import Any, Self

import sqlalchemy as sa

from ..._timespan import MAX_NSEC, MIN_NSEC, Timespan
from ._specs import FieldSpec

_Columns = sa.ColumnCollection[str, Any] | Mapping[str, sa.ColumnElement[Any]]


class TimespanRepresentation(ABC):
    """SQL form of one timespan: columns of a table or a literal value."""

    @classmethod
    @abstractmethod
    def make_columns(cls, field: FieldSpec) -> list[sa.Column[Any]]:
        """Return the columns that store a ``timespan`` field."""

    @classmethod
    @abstractmethod
    def column_names(cls, name: str) -> tuple[str, ...]:
        """Return the names of the columns of a timespan field."""

    @classmethod
    @abstractmethod
    def encode(cls, name: str, value: Timespan | None, row: MutableMapping[str, Any]) -> None:
        """Write the column values of a timespan (or `None`) into a row."""

    @classmethod
    @abstractmethod
    def decode(cls, name: str, row: Mapping[str, Any]) -> Timespan | None:
        """Read a timespan back from the column values of a row."""

    @classmethod
    @abstractmethod
    def from_columns(cls, columns: _Columns, name: str) -> Self:
        """Return the representation of a field of a table (or subquery)."""

    @classmethod
    @abstractmethod
    def from_literal(cls, value: Timespan) -> Self:
        """Return the representation of a literal timespan."""

    @abstractmethod
    def lower(self) -> sa.ColumnElement[int]:
        """Return the begin in nanoseconds (``MIN_NSEC`` when unbounded)."""

    @abstractmethod
    def upper(self) -> sa.ColumnElement[int]:
        """Return the end in nanoseconds (``MAX_NSEC`` when unbounded)."""

    @abstractmethod
    def isnull(self) -> sa.ColumnElement[bool]:
        """Return whether the timespan is NULL."""

    @abstractmethod
    def overlaps(self, other: Self | Timespan) -> sa.ColumnElement[bool]:
        """Return whether the two timespans share at least one instant."""

    @abstractmethod
    def contains(self, other: Self | Timespan) -> sa.ColumnElement[bool]:
        """Return whether ``other`` lies entirely inside this timespan."""

    @abstractmethod
    def contains_nsec(self, nsec: sa.ColumnElement[int] | int) -> sa.ColumnElement[bool]:
        """Return whether an instant (TAI nanoseconds) lies inside this timespan."""

    @abstractmethod
    def flatten(self, name: str) -> list[sa.ColumnElement[Any]]:
        """Return labelled columns for a SELECT list, named as a table's would be."""

    def _coerce(self, other: Self | Timespan) -> Self:
        return self.from_literal(other) if isinstance(other, Timespan) else other


class CompoundTimespan(TimespanRepresentation):
    """A timespan as two BIGINT nanosecond columns (SQLite)."""

    def __init__(self, begin: sa.ColumnElement[int], end: sa.ColumnElement[int]) -> None:
        self.begin = begin
        self.end = end

    @classmethod
    def make_columns(cls, field: FieldSpec) -> list[sa.Column[Any]]:
        begin, end = cls.column_names(field.name)
        # Non-nullable fields default to unbounded; nullable ones store NULL for None,
        # as PostgreSQL's single column does.
        return [
            sa.Column(
                begin,
                sa.BigInteger,
                nullable=field.nullable,
                server_default=None if field.nullable else sa.text(str(MIN_NSEC)),
                comment=field.doc or None,
            ),
            sa.Column(
                end,
                sa.BigInteger,
                nullable=field.nullable,
                server_default=None if field.nullable else sa.text(str(MAX_NSEC)),
            ),
        ]

    @classmethod
    def column_names(cls, name: str) -> tuple[str, ...]:
        return (f"{name}_begin", f"{name}_end")

    @classmethod
    def encode(cls, name: str, value: Timespan | None, row: MutableMapping[str, Any]) -> None:
        begin, end = cls.column_names(name)
        if value is None:
            row[begin] = row[end] = None
        else:
            row[begin], row[end] = value.nsec

    @classmethod
    def decode(cls, name: str, row: Mapping[str, Any]) -> Timespan | None:
        begin, end = (row[column] for column in cls.column_names(name))
        if begin is None or end is None:
            return None
        return Timespan(None, None, _nsec=(begin, end))

    @classmethod
    def from_columns(cls, columns: _Columns, name: str) -> CompoundTimespan:
        begin, end = cls.column_names(name)
        return cls(columns[begin], columns[end])

    @classmethod
    def from_literal(cls, value: Timespan) -> CompoundTimespan:
        begin, end = value.nsec
        return cls(sa.literal(begin, sa.BigInteger), sa.literal(end, sa.BigInteger))

    def lower(self) -> sa.ColumnElement[int]:
        return self.begin

    def upper(self) -> sa.ColumnElement[int]:
        return self.end

    def isnull(self) -> sa.ColumnElement[bool]:
        return self.begin.is_(None)

    def overlaps(self, other: CompoundTimespan | Timespan) -> sa.ColumnElement[bool]:
        other = self._coerce(other)
        # Empty timespans are stored as (max, min), so they overlap nothing here too.
        return sa.and_(self.begin < other.end, other.begin < self.end)

    def contains(self, other: CompoundTimespan | Timespan) -> sa.ColumnElement[bool]:
        other = self._coerce(other)
        return sa.and_(self.begin <= other.begin, other.end <= self.end)

    def contains_nsec(self, nsec: sa.ColumnElement[int] | int) -> sa.ColumnElement[bool]:
        return sa.and_(self.begin <= nsec, self.end > nsec)

    def flatten(self, name: str) -> list[sa.ColumnElement[Any]]:
        begin, end = self.column_names(name)
        return [self.begin.label(begin), self.end.label(end)]
