"""Fresh planner statistics on PostgreSQL before a query runs.

PostgreSQL plans from statistics that ``ANALYZE`` gathers, and autovacuum
runs it only a while after a table changes. A query right after a bulk
insert is planned as if the tables held a handful of rows: a nested loop
that rescans 500 visits for each of 100,000 datasets turns 0.1 s into
7.5 s. So before a query runs, `ensure_statistics` asks the catalog, in one
round trip, whether any table the statement reads was never analyzed or has
changed more than autovacuum's own threshold since, and analyzes those
first (a sample of at most 30,000 rows each, whatever the table's size).

Each table is checked at most once every `RECHECK_SECONDS` per engine, so
a burst of small queries pays one catalog read. A database user who may
not analyze a table gets a debug message and the query runs as before.
SQLite has no such statistics to go stale: nothing is done there.
"""

from __future__ import annotations

__all__ = ["RECHECK_SECONDS", "ensure_statistics", "forget", "stale_tables"]

import logging
import time
import weakref
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

_LOG = logging.getLogger(__name__)

RECHECK_SECONDS = 10.0
"""How long a table's statistics are trusted after a check, per engine."""

_BASE_THRESHOLD = 50
_SCALE_FACTOR = 0.1
"""Autovacuum's defaults: analyze after 50 + 10 % of the rows changed."""

_checked: weakref.WeakKeyDictionary[sa.Engine, dict[str, float]] = weakref.WeakKeyDictionary()

_STALE = sa.text(
    "SELECT c.oid::regclass::text FROM pg_class c "
    "LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid "
    "WHERE c.oid = ANY(CAST(:oids AS regclass[])) AND (c.reltuples < 0 "
    "OR COALESCE(s.n_mod_since_analyze, 0) > :base + :scale * c.reltuples)"
)


def _table_names(engine: sa.Engine, statement: sa.ClauseElement) -> list[str]:
    preparer = engine.dialect.identifier_preparer
    tables = find_tables(statement, include_aliases=False, include_joins=False)
    return sorted({preparer.format_table(t) for t in tables if isinstance(t, sa.Table)})


def stale_tables(connection: sa.Connection, names: Iterable[str]) -> list[str]:
    """Return which of these (quoted) tables have missing or stale statistics."""
    wanted = list(names)
    if not wanted:
        return []
    rows = connection.execute(
        _STALE, {"oids": wanted, "base": _BASE_THRESHOLD, "scale": _SCALE_FACTOR}
    )
    return sorted(str(name) for (name,) in rows)


def ensure_statistics(engine: sa.Engine, statement: sa.ClauseElement) -> list[str]:
    """Analyze the tables ``statement`` reads whose statistics are missing or stale.

    Returns
    -------
    analyzed
        The tables analyzed (empty on SQLite, or when every table is fresh or
        was checked less than `RECHECK_SECONDS` ago).
    """
    if engine.dialect.name != "postgresql":
        return []
    now = time.monotonic()
    checked = _checked.setdefault(engine, {})
    due = [
        name
        for name in _table_names(engine, statement)
        if now - checked.get(name, -RECHECK_SECONDS) >= RECHECK_SECONDS
    ]
    if not due:
        return []
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        stale = stale_tables(connection, due)
        if stale:
            _analyze(connection, stale)
    for name in due:
        checked[name] = now
    return stale


def _analyze(connection: sa.Connection, tables: list[str]) -> None:
    try:
        connection.exec_driver_sql(f"ANALYZE {', '.join(tables)}")
    except sa.exc.DBAPIError as err:  # e.g. not the owner of the tables
        _LOG.debug("Could not analyze %s before a query: %s", tables, err)


def forget(engine: Any) -> None:
    """Drop what is remembered about an engine's tables (the next query checks them all)."""
    _checked.pop(engine, None)
