"""Inserting many new rows fast, below SQLAlchemy's per-row work.

`Database.insert` converts every row through SQLAlchemy's parameter
processing, which costs several microseconds a row; a million datasets make
two million rows. For plain new rows (no timespans, no conflict handling)
`bulk_insert` hands tuples straight to the driver, inside the transaction
open on the `Database`: ``executemany`` on SQLite, ``COPY ... FROM STDIN``
on PostgreSQL. `bulk_delete` likewise deletes rows by key: an
``executemany`` of primary-key lookups on SQLite, ``= ANY(array)`` on
PostgreSQL, never a scan. Values must already be in the form the driver
stores: `uuid_encoder` gives that of a UUID.

Driver errors come out as the driver's own exceptions; `integrity_errors`
lists the classes that mean a violated constraint.
"""

from __future__ import annotations

__all__ = ["bulk_delete", "bulk_insert", "integrity_errors", "uuid_encoder"]

import functools
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from ..databases import Database


def uuid_encoder(db: Database) -> Callable[[uuid.UUID], Any]:
    """Return the function turning a UUID into the value the driver stores.

    SQLite stores the 16 raw bytes (as the `GUID` column type does);
    PostgreSQL takes `uuid.UUID` objects as they are.
    """
    if db.dialect_name == "postgresql":
        return _identity
    return _uuid_bytes


def _identity(value: uuid.UUID) -> Any:
    return value


def _uuid_bytes(value: uuid.UUID) -> bytes:
    return value.bytes


def integrity_errors(db: Database) -> tuple[type[Exception], ...]:
    """Return the exception classes that report a violated constraint, raw or wrapped."""
    dbapi = db.engine.dialect.loaded_dbapi
    return (sa.exc.IntegrityError, dbapi.IntegrityError)


def bulk_insert(
    db: Database, table: sa.Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows (tuples in ``columns`` order) in one driver call.

    Must run inside a write transaction of ``db``; the rows become part of it.
    """
    if not rows:
        return
    with db.transaction(write=True) as connection:
        driver = connection.connection.driver_connection
        statement = _insert_text(connection.dialect, table, tuple(columns))
        if db.dialect_name == "postgresql":
            with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                for row in rows:
                    copy.write_row(row)
        else:
            driver.executemany(statement, rows)  # type: ignore[union-attr]


@functools.lru_cache(maxsize=256)
def _insert_text(dialect: sa.Dialect, table: sa.Table, columns: tuple[str, ...]) -> str:
    """Return the driver statement inserting ``columns`` (made once: a put inserts twice)."""
    preparer = dialect.identifier_preparer
    target = preparer.format_table(table)
    names = ", ".join(preparer.quote(column) for column in columns)
    if dialect.name == "postgresql":
        return f"COPY {target} ({names}) FROM STDIN"
    return f"INSERT INTO {target} ({names}) VALUES ({', '.join('?' for _ in columns)})"


_PG_DELETE_CHUNK = 50_000


def bulk_delete(
    db: Database,
    table: sa.Table,
    column: str,
    values: Sequence[Any],
    *,
    where: tuple[str, Any] | None = None,
) -> int:
    """Delete the rows whose ``column`` is one of ``values`` and return how many went.

    Parameters
    ----------
    db
        The database; must be inside a write transaction.
    table
        The table.
    column
        An indexed column (so that each value is a lookup, not a scan).
    values
        Values in the driver's form.
    where
        An extra ``(column, value)`` equality the rows must satisfy.
    """
    if not values:
        return 0
    with db.transaction(write=True) as connection:
        preparer = connection.dialect.identifier_preparer
        target = preparer.format_table(table)
        driver = connection.connection.driver_connection
        extra = ""
        if db.dialect_name == "postgresql":
            if where is not None:
                extra = f" AND {preparer.quote(where[0])} = %s"
            sql = f"DELETE FROM {target} WHERE {preparer.quote(column)} = ANY(%s){extra}"
            count = 0
            with driver.cursor() as cursor:  # type: ignore[union-attr]
                for start in range(0, len(values), _PG_DELETE_CHUNK):
                    chunk = list(values[start : start + _PG_DELETE_CHUNK])
                    params = (chunk,) if where is None else (chunk, where[1])
                    cursor.execute(sql, params)
                    count += cursor.rowcount
            return count
        if where is not None:
            extra = f" AND {preparer.quote(where[0])} = ?"
        sql = f"DELETE FROM {target} WHERE {preparer.quote(column)} = ?{extra}"
        rows = [(v,) for v in values] if where is None else [(v, where[1]) for v in values]
        cursor = driver.executemany(sql, rows)  # type: ignore[union-attr]
        return int(cursor.rowcount)
