"""Statements compiled once and run straight on the driver, for the hottest lookups.

Running a cached SQLAlchemy statement still costs tens of microseconds of
Python per execution (parameter processing, result wrapping); a dataset
lookup must take a fraction of a millisecond in all. `PreparedStatements`
compiles a statement once per shape (the number of values of its ``IN``
lists is part of the shape) into the driver's SQL and parameter order, and
runs it on the driver connection of the transaction open on the
`Database`. Only for statements whose parameters and results need no type
conversion by SQLAlchemy (integers and strings in; the caller converts
UUIDs out).
"""

from __future__ import annotations

__all__ = ["PreparedStatements"]

import dataclasses
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import sqlalchemy as sa

from ._database import Database


@dataclasses.dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    order: tuple[str, ...] | None
    """Parameter names in positional order, or `None` for named parameters."""


class PreparedStatements:
    """A cache of statements compiled for one database's driver.

    Parameters
    ----------
    db
        The database whose dialect compiles the statements.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[Hashable, _Prepared] = {}

    def clear(self) -> None:
        """Forget every compiled statement."""
        self._cache.clear()

    def execute(
        self,
        connection: sa.Connection,
        key: Hashable,
        build: Callable[[], sa.ClauseElement],
        params: Mapping[str, Any],
    ) -> list[tuple[Any, ...]]:
        """Run the statement cached under ``key`` (built and compiled on first use).

        Parameters
        ----------
        connection
            The connection of the open transaction.
        key
            Identifies the statement's shape.
        build
            Returns the statement, with a named bind parameter for every value.
        params
            Values of the bind parameters.
        """
        prepared = self._cache.get(key)
        if prepared is None:
            compiled = build().compile(dialect=self._db.engine.dialect)
            assert isinstance(compiled, sa.sql.compiler.SQLCompiler)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            prepared = self._cache[key] = _Prepared(str(compiled), order)
        args: Any = (
            params if prepared.order is None else tuple(params[name] for name in prepared.order)
        )
        driver: Any = connection.connection.driver_connection
        return list(driver.execute(prepared.sql, args).fetchall())
