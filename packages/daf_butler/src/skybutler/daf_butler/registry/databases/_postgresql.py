"""PostgreSQL backend, through psycopg 3 (``postgresql+psycopg://``).

A repository may live in its own schema (the ``namespace``), created when
missing. Write transactions run at READ COMMITTED, the server default;
deadlocks and serialization failures are reported as retryable. Read
transactions run at REPEATABLE READ READ ONLY, which gives every read block
one consistent snapshot and can never fail on serialization. The extension
``btree_gist`` is required, for the exclusion constraints that keep
calibration validity ranges of one dataset type and data ID from overlapping;
it is checked when connecting.
"""

from __future__ import annotations

__all__ = ["PostgresqlDatabase"]

from typing import Any, ClassVar, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ...errors import DatabaseConnectionError
from ._database import AnySelect, Database
from ._pg_timespans import RangeTimespan
from ._specs import TableSpec
from ._transactions import RetryPolicy

_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
_SCHEMA_LOCK_KEY = 0x5B_B7_1E_12  # any constant shared by every skybutler process


class PostgresqlDatabase(Database):
    """A registry database in a PostgreSQL server, optionally in its own schema."""

    dialect_name: ClassVar[str] = "postgresql"
    max_identifier_length: ClassVar[int] = 63
    timespan_representation = RangeTimespan

    connect_timeout: ClassVar[int] = 10
    """Seconds to wait for the server to answer a connection attempt."""

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
        if parsed.get_backend_name() != "postgresql":
            raise DatabaseConnectionError(f"{parsed.render_as_string()} is not a PostgreSQL URL.")
        if parsed.get_driver_name() != "psycopg":
            # psycopg 3 is the only driver shipped with the postgres extra.
            parsed = parsed.set(drivername="postgresql+psycopg")
        url = parsed.render_as_string(hide_password=False)
        engine = sa.create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={"connect_timeout": cls.connect_timeout, "application_name": "skybutler"},
        )
        db = cls(
            engine, url=url, namespace=namespace, writeable=writeable, retry_policy=retry_policy
        )
        db._check_server()
        return db

    def connection_hint(self) -> str:
        url = sa.make_url(self._url)
        return (
            f"Check that a PostgreSQL server is running and accepts connections at "
            f"{url.host or 'the default socket'}:{url.port or 5432}, that database "
            f"{url.database!r} exists, and that user {url.username!r} and its password "
            "(from the URL or ~/.pgpass) are right."
        )

    def _check_server(self) -> None:
        def check() -> tuple[bool, bool]:
            connection = self._frame_connection()
            has_gist = connection.execute(
                sa.text("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
            ).first()
            has_schema = self._namespace is None or bool(
                connection.execute(
                    sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :ns"),
                    {"ns": self._namespace},
                ).first()
            )
            return has_gist is not None, has_schema

        has_gist, has_schema = self.run(check)
        database = sa.make_url(self._url).database
        if not has_gist:
            raise DatabaseConnectionError(
                f"The PostgreSQL database {database!r} at {self.display_url} lacks the "
                "btree_gist extension, which the registry needs for its calibration validity "
                "constraints. Ask a database administrator to run "
                f'"CREATE EXTENSION btree_gist;" in database {database!r} (it ships with '
                "PostgreSQL's contrib modules)."
            )
        if not has_schema and self._writeable:
            self.run(self._create_schema, write=True)

    def _create_schema(self) -> None:
        connection = self._frame_connection()
        self._lock_schema(connection)
        quoted = connection.dialect.identifier_preparer.quote_identifier(self._namespace or "")
        connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {quoted}")

    def server_version(self) -> tuple[int, ...]:
        """Return the server's version, e.g. ``(15, 18)``."""
        with self._engine.connect() as connection:
            return tuple(int(part) for part in connection.dialect.server_version_info or ())

    def is_retryable(self, error: BaseException) -> bool:
        orig = getattr(error, "orig", error)
        return getattr(orig, "sqlstate", None) in _RETRYABLE_SQLSTATES

    def _begin(self, connection: sa.Connection, write: bool) -> sa.RootTransaction:
        transaction = connection.begin()
        if not write:
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return transaction

    def _lock_schema(self, connection: sa.Connection) -> None:
        # Concurrent CREATE TABLE/SCHEMA of one name fail instead of waiting: take turns.
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))

    def _for_update(self, query: AnySelect, exclusive: bool) -> AnySelect:
        return query.with_for_update(read=not exclusive)

    def _insert_construct(self, table: sa.Table) -> Any:
        return postgresql.insert(table)

    def _exclusion_constraint(
        self, table: str, spec: TableSpec, fields: tuple[str, ...]
    ) -> sa.Constraint | None:
        elements = [
            (name, "&&" if spec.field(name).dtype == "timespan" else "=") for name in fields
        ]
        return postgresql.ExcludeConstraint(
            *elements, using="gist", name=self.shrink_name(f"{table}_excl_{'_'.join(fields)}")
        )
