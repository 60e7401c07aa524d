"""SQLite backend: the embedded default registry database.

Each connection runs in write-ahead-log mode (readers never block the
writer), waits up to ``busy_timeout`` for locks, and enforces foreign keys.
The driver's own transaction handling is switched off and transactions are
begun by hand: ``BEGIN`` for reads and ``BEGIN IMMEDIATE`` for writes, so a
writer takes the write lock before reading anything and concurrent writers
queue instead of deadlocking on a lock upgrade (SQLite's "database is locked"
that no amount of waiting cures). ``sqlite://`` and ``sqlite:///:memory:``
give an in-memory database on a single shared connection: use it from one
thread at a time, and not from other processes (it cannot be pickled).
"""

from __future__ import annotations

__all__ = ["SqliteDatabase"]

import sqlite3
from pathlib import Path
from typing import Any, ClassVar, Self

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import sqlite
from sqlalchemy.pool import QueuePool, StaticPool

from ...errors import DatabaseConnectionError
from ._database import Database
from ._specs import FieldSpec
from ._timespans import CompoundTimespan
from ._transactions import RetryPolicy

_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class SqliteDatabase(Database):
    """A registry database in one SQLite file (or in memory)."""

    dialect_name: ClassVar[str] = "sqlite"
    timespan_representation = CompoundTimespan

    busy_timeout: ClassVar[float] = 60.0
    """Seconds a connection waits for another's lock before reporting busy."""

    def __init__(self, engine: sa.Engine, *, path: str | None, **kwargs: Any) -> None:
        super().__init__(engine, **kwargs)
        self._path = path

    @property
    def path(self) -> str | None:
        """The database file, or `None` in memory."""
        return self._path

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str | None = None,
        writeable: bool = True,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() != "sqlite":
            raise DatabaseConnectionError(f"{parsed.render_as_string()} is not a SQLite URL.")
        if parsed.query:
            raise DatabaseConnectionError(
                f"SQLite URL {url!r} has query options {dict(parsed.query)}; none are allowed "
                "(uri=true in particular): give sqlite:///<path> or sqlite:// for memory."
            )
        if namespace is not None:
            raise DatabaseConnectionError(
                f"SQLite has no namespaces (schemas); got namespace={namespace!r} for {url}."
            )
        path = parsed.database or None
        if path == ":memory:":
            path = None
        timeout = cls.busy_timeout

        def connect() -> sqlite3.Connection:
            if path is None:
                target, uri = ":memory:", False
            elif writeable:
                target, uri = path, False
            else:
                target, uri = f"{Path(path).absolute().as_uri()}?mode=ro", True
            # isolation_level=None: we issue BEGIN ourselves (see module docstring).
            return sqlite3.connect(
                target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
            )

        if path is None:
            engine = sa.create_engine("sqlite://", creator=connect, poolclass=StaticPool)
        else:
            engine = sa.create_engine(
                "sqlite://", creator=connect, poolclass=QueuePool, pool_size=8, max_overflow=32
            )

        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if path is not None and writeable:
                cursor.execute("PRAGMA journal_mode = WAL")
                # Safe with WAL: a crash may lose the last commits, never corrupt.
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def on_begin(connection: sa.Connection) -> None:
            # Straight on the driver: SQLAlchemy's statement machinery costs more than BEGIN.
            driver: Any = connection.connection.driver_connection
            driver.execute(connection.info.get("skybutler_begin", "BEGIN"))

        db = cls(
            engine,
            path=path,
            url=url,
            namespace=None,
            writeable=writeable,
            retry_policy=retry_policy,
        )
        with db.transaction():
            pass  # connect now, so that a bad path fails here with a clear message
        return db

    def __reduce__(self) -> tuple[Any, ...]:
        if self._path is None:
            raise TypeError(
                "An in-memory SQLite registry cannot be pickled: another process would get an "
                "empty database. Use a file."
            )
        return super().__reduce__()

    def connection_hint(self) -> str:
        if self._path is None:
            return "An in-memory database should always open; this is a bug."
        where = Path(self._path).absolute()
        if not self._writeable:
            return f"Check that {where} exists and is readable."
        return f"Check that the directory {where.parent} exists and is writable."

    def is_retryable(self, error: BaseException) -> bool:
        orig = getattr(error, "orig", error)
        if not isinstance(orig, sqlite3.OperationalError):
            return False
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return (code & 0xFF) in _BUSY_CODES
        message = str(orig)
        return "database is locked" in message or "database table is locked" in message

    def _begin(self, connection: sa.Connection, write: bool) -> sa.RootTransaction:
        connection.info["skybutler_begin"] = "BEGIN IMMEDIATE" if write else "BEGIN"
        return connection.begin()

    def _insert_construct(self, table: sa.Table) -> Any:
        return sqlite.insert(table)

    def _field_constraints(self, table: str, field: FieldSpec) -> list[sa.Constraint]:
        if field.dtype != "string":
            return []
        # SQLite ignores VARCHAR lengths; enforce them (and refuse empty strings) as upstream does.
        return [
            sa.CheckConstraint(
                f'length("{field.name}") BETWEEN 1 AND {field.length}',
                name=self.shrink_name(f"{table}_len_{field.name}"),
            )
        ]
