"""`Database`: the row operations every registry manager builds on.

Each operation takes a table declared through `DatabaseCore.define_table` or
`DatabaseCore.ensure_tables` and rows as mappings from field names to Python
values; ``timespan`` fields are converted to the backend's columns on the way
in (`Database.encode_rows`) and back with `Database.decode_row`. Bulk
operations make one statement execution per table (an executemany, which
SQLAlchemy turns into multi-row INSERTs where the driver needs it), never one
per row. Outside a transaction each operation runs in its own, retried on
conflicts; inside one it joins it.
"""

from __future__ import annotations

__all__ = ["AnyResult", "AnyRow", "AnySelect", "Database", "SyncResult"]

import contextlib
import dataclasses
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Self, TypeAlias

import sqlalchemy as sa

from ...errors import ConflictingDefinitionError, RegistryError
from ._schema import DatabaseSchema
from ._timespans import TimespanRepresentation
from ._transactions import RetryPolicy

_DELETE_CHUNK = 10_000

AnyRow: TypeAlias = sa.Row[*tuple[Any, ...]]
"""A result row of any shape."""
AnySelect: TypeAlias = sa.Select[*tuple[Any, ...]]
"""A SELECT of any shape."""
AnyResult: TypeAlias = sa.CursorResult[*tuple[Any, ...]]
"""A query result of any shape."""


@dataclasses.dataclass(frozen=True, slots=True)
class SyncResult:
    """What `Database.sync` did."""

    inserted: bool
    """Whether a new row was inserted."""
    updated: Mapping[str, Any] | None = None
    """Old values of the fields that were overwritten (``update=True``), else `None`."""
    returned: Mapping[str, Any] | None = None
    """Values of the ``returning`` fields of the row."""


def _reopen(dialect: str, url: str, namespace: str | None, writeable: bool) -> Database:
    from ._open import open_database

    return open_database(url, namespace=namespace, writeable=writeable, engine=dialect)


class Database(DatabaseSchema):
    """A registry database: transactions, tables and bulk row operations.

    Backends are found by short name (see `open_database`); a Database can be
    pickled (it reopens the same URL in the other process) unless it lives in
    memory.
    """

    @classmethod
    @abstractmethod
    def from_url(
        cls,
        url: str,
        *,
        namespace: str | None = None,
        writeable: bool = True,
        retry_policy: RetryPolicy | None = None,
    ) -> Self:
        """Connect to the database at ``url`` and check it can be used.

        Raises
        ------
        DatabaseConnectionError
            The database cannot be reached or opened; the message shows the URL
            (without password) and what to check.
        """

    @abstractmethod
    def _insert_construct(self, table: sa.Table) -> Any:
        """Return the dialect's INSERT construct (with ``on_conflict_do_*``)."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (_reopen, (self.dialect_name, self._url, self._namespace, self._writeable))

    # ------------------------------------------------------------ conversions

    def timespan(
        self, columns: sa.ColumnCollection[str, Any] | Mapping[str, Any], name: str
    ) -> TimespanRepresentation:
        """Return the SQL form of a ``timespan`` field of a table or subquery."""
        return self.timespan_representation.from_columns(columns, name)

    def encode_rows(
        self, table: sa.Table, rows: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Return rows with ``timespan`` fields turned into the backend's columns."""
        fields: tuple[str, ...] = table.info.get("timespans", ())
        if not fields:
            return [dict(row) for row in rows]
        encode = self.timespan_representation.encode
        result = []
        for row in rows:
            encoded = dict(row)
            for name in fields:
                if name in encoded:
                    encode(name, encoded.pop(name), encoded)
            result.append(encoded)
        return result

    def decode_row(self, table: sa.Table, row: AnyRow | Mapping[str, Any]) -> dict[str, Any]:
        """Return a row as a dict of fields, ``timespan`` fields rebuilt."""
        mapping = dict(row._mapping if isinstance(row, sa.Row) else row)
        representation = self.timespan_representation
        for name in table.info.get("timespans", ()):
            columns = representation.column_names(name)
            if all(column in mapping for column in columns):
                value = representation.decode(name, mapping)
                for column in columns:
                    del mapping[column]
                mapping[name] = value
        return mapping

    def _field_columns(self, table: sa.Table, names: Iterable[str]) -> list[sa.Column[Any]]:
        fields = set(table.info.get("timespans", ()))
        columns: list[sa.Column[Any]] = []
        for name in names:
            if name in fields:
                columns.extend(table.c[c] for c in self.timespan_representation.column_names(name))
            else:
                columns.append(table.c[name])
        return columns

    # ------------------------------------------------------------ reads

    def fetch_all(self, statement: sa.Executable) -> list[AnyRow]:
        """Run a query and return all its rows."""
        return self.run(lambda: list(self._frame_connection().execute(statement)))

    def fetch_one(self, statement: sa.Executable) -> AnyRow | None:
        """Run a query and return its first row, or `None`."""
        return self.run(lambda: self._frame_connection().execute(statement).first())

    def fetch_scalar(self, statement: sa.Executable) -> Any:
        """Run a query and return the first column of its first row, or `None`."""
        return self.run(lambda: self._frame_connection().execute(statement).scalar())

    @contextlib.contextmanager
    def query(self, statement: sa.Executable) -> Iterator[AnyResult]:
        """Run a query and yield its result for streaming (no retry)."""
        with self.transaction() as connection:
            yield connection.execute(statement)

    def lock_rows(self, query: AnySelect, *, exclusive: bool = True) -> AnyResult:
        """Run a SELECT that locks the rows it returns until the transaction ends.

        Must be called inside a write transaction. On PostgreSQL this is
        ``SELECT ... FOR UPDATE`` (``FOR SHARE`` when not ``exclusive``); on
        SQLite a write transaction already excludes every other writer, so the
        query runs as is.
        """
        frame = self._frame()
        if frame is None or not frame.write:
            raise RegistryError("lock_rows must be called inside a write transaction.")
        return frame.connection.execute(self._for_update(query, exclusive))

    def _for_update(self, query: AnySelect, exclusive: bool) -> AnySelect:
        return query

    # ------------------------------------------------------------ writes

    def insert(
        self, table: sa.Table, rows: Iterable[Mapping[str, Any]], *, returning: str | None = None
    ) -> list[Any]:
        """Insert rows in one statement execution (per distinct set of columns given).

        Parameters
        ----------
        table
            Target table.
        rows
            Rows to insert.
        returning
            A column whose values to return in row order (typically an
            autoincrement key).

        Returns
        -------
        values
            The ``returning`` values, or an empty list.
        """
        encoded = self.encode_rows(table, rows)
        if not encoded:
            return []
        groups = _group_by_columns(encoded)

        def work() -> list[Any]:
            connection = self._frame_connection()
            if returning is None:
                for indices in groups:
                    group = [encoded[i] for i in indices]
                    if self._driver_insert(connection, table, group, conflict=False) is None:
                        connection.execute(table.insert(), group)
                return []
            statement = table.insert().returning(table.c[returning], sort_by_parameter_order=True)
            values: list[Any] = [None] * len(encoded)
            for indices in groups:
                result = connection.execute(statement, [encoded[i] for i in indices])
                for index, value in zip(indices, result.scalars(), strict=True):
                    values[index] = value
            return values

        return self.run(work, write=True)

    def ensure(self, table: sa.Table, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert rows, skipping those that conflict with existing ones.

        Returns
        -------
        count
            The number of rows actually inserted.
        """
        encoded = self.encode_rows(table, rows)
        if not encoded:
            return 0

        def work() -> int:
            connection = self._frame_connection()
            count = 0
            for indices in _group_by_columns(encoded):
                group = [encoded[i] for i in indices]
                inserted = self._driver_insert(connection, table, group, conflict=True)
                if inserted is None:
                    statement = self._ensure_statement(table)
                    inserted = len(connection.execute(statement, group).all())
                count += inserted
            return count

        return self.run(work, write=True)

    def _ensure_statement(self, table: sa.Table) -> Any:
        """Return the SQLAlchemy INSERT skipping conflicts (for rows the driver path refuses)."""
        key = next(iter(table.primary_key.columns), None)
        if key is None:
            key = next(iter(table.columns))
        return self._insert_construct(table).on_conflict_do_nothing().returning(key)

    def _driver_insert(
        self, connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]], conflict: bool
    ) -> int | None:
        """Insert rows sharing one set of columns straight on the driver; return how many.

        The statement is compiled once per table, columns and conflict
        handling, and values go through the columns' own bind processors, so
        the driver receives what SQLAlchemy would send, without its
        per-execution work. Returns `None` (nothing done) for a statement that
        needs SQLAlchemy (defaults computed in Python, renamed parameters).
        Driver errors are raised as SQLAlchemy's (`sa.exc.IntegrityError`...).
        """
        columns = tuple(rows[0])
        key = (table, columns, conflict)
        prepared = self._driver_inserts.get(key, _UNPREPARED)
        if prepared is _UNPREPARED:
            prepared = self._driver_inserts[key] = self._prepare_insert(table, columns, conflict)
        if prepared is None:
            return None
        assert isinstance(prepared, _DriverInsert)
        params = prepared.parameters(rows)
        driver: Any = connection.connection.driver_connection
        try:
            cursor = driver.cursor()
            try:
                # Listeners (statement logging, the tests' statement counts) still see it.
                if connection.dispatch.before_cursor_execute:
                    connection.dispatch.before_cursor_execute(
                        connection, cursor, prepared.sql, params, None, True
                    )
                cursor.executemany(prepared.sql, params)
                count = int(cursor.rowcount)
            finally:
                cursor.close()
        except self._engine.dialect.loaded_dbapi.Error as err:
            raise sa.exc.DBAPIError.instance(
                prepared.sql, params, err, self._engine.dialect.loaded_dbapi.Error
            ) from err
        return count if count >= 0 else len(rows)

    def _prepare_insert(
        self, table: sa.Table, columns: tuple[str, ...], conflict: bool
    ) -> _DriverInsert | None:
        statement = self._insert_construct(table)
        if conflict:
            statement = statement.on_conflict_do_nothing()
        dialect = self._engine.dialect
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        names = (
            tuple(compiled.positiontup or ())
            if compiled.positional
            else tuple(compiled.bind_names.values())
        )
        if sorted(names) != sorted(columns) or compiled.escaped_bind_names:
            return None
        processors = tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
        )
        return _DriverInsert(str(compiled), names, processors, bool(compiled.positional))

    def replace(self, table: sa.Table, rows: Iterable[Mapping[str, Any]]) -> None:
        """Insert rows, overwriting existing rows with the same primary key."""
        encoded = self.encode_rows(table, rows)
        if not encoded:
            return
        keys = [column.name for column in table.primary_key.columns]

        def work() -> None:
            connection = self._frame_connection()
            for indices in _group_by_columns(encoded):
                group = [encoded[i] for i in indices]
                insert = self._insert_construct(table)
                # Overwrite only the columns given, as an UPDATE would.
                others = {name: insert.excluded[name] for name in group[0] if name not in keys}
                statement = (
                    insert.on_conflict_do_update(index_elements=keys, set_=others)
                    if others
                    else insert.on_conflict_do_nothing()
                )
                connection.execute(statement, group)

        self.run(work, write=True)

    def sync(
        self,
        table: sa.Table,
        *,
        keys: Mapping[str, Any],
        compared: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        returning: Sequence[str] = (),
        update: bool = False,
    ) -> SyncResult:
        """Insert a row unless one with the same ``keys`` exists, then compare.

        Parameters
        ----------
        table
            Target table.
        keys
            Fields identifying the row (a unique or primary key).
        compared
            Fields that must equal the stored ones when the row exists.
        extra
            Fields used only when inserting.
        returning
            Fields whose stored values to return.
        update
            Overwrite differing ``compared`` fields instead of failing.

        Raises
        ------
        ConflictingDefinitionError
            The row exists with other ``compared`` values (and ``update`` is
            false), or another unique key of the table conflicts; the message
            names each differing field with both values.
        """
        compared = dict(compared or {})
        extra = dict(extra or {})
        names = list(dict.fromkeys([*compared, *returning]))
        selected = self._field_columns(table, names) or list(table.primary_key.columns)
        encoded_keys = self.encode_rows(table, [keys])[0]
        where = sa.and_(*(table.c[column] == value for column, value in encoded_keys.items()))
        query = sa.select(*selected).where(where)

        def work() -> SyncResult:
            connection = self._frame_connection()
            row = connection.execute(query).first()
            if row is None:
                values = self.encode_rows(table, [{**keys, **compared, **extra}])[0]
                insert = self._insert_construct(table).values(values).on_conflict_do_nothing()
                inserted = connection.execute(insert.returning(*selected)).first()
                if inserted is not None:
                    stored = self.decode_row(table, inserted)
                    return SyncResult(True, None, {k: stored[k] for k in returning} or None)
                row = connection.execute(query).first()
                if row is None:
                    raise ConflictingDefinitionError(
                        f"Cannot insert into table {table.name!r} the row with {dict(keys)}: it "
                        "conflicts with an existing row on another unique key."
                    )
            stored = self.decode_row(table, row)
            differing = {k: stored[k] for k in compared if not _same(stored[k], compared[k])}
            if differing and not update:
                details = "; ".join(
                    f"{k}: stored {stored[k]!r}, given {compared[k]!r}" for k in differing
                )
                raise ConflictingDefinitionError(
                    f"A row of table {table.name!r} with {dict(keys)} already exists with "
                    f"different values ({details}). Use the stored definition, or update it "
                    "explicitly."
                )
            if differing:
                new_values = self.encode_rows(table, [{k: compared[k] for k in differing}])[0]
                connection.execute(table.update().where(where).values(new_values))
            returned = {k: (compared[k] if k in differing else stored[k]) for k in returning}
            return SyncResult(False, differing or None, returned or None)

        return self.run(work, write=True)

    def update(
        self, table: sa.Table, where: Mapping[str, str], rows: Iterable[Mapping[str, Any]]
    ) -> int:
        """Update rows, one statement execution for all of them.

        Parameters
        ----------
        table
            Target table.
        where
            Maps each column to compare to the row key holding its value.
        rows
            Each holds the ``where`` keys and the new values of other columns.

        Returns
        -------
        count
            Rows matched (may be unknown, -1, on some drivers for many rows).
        """
        encoded = self.encode_rows(table, rows)
        if not encoded:
            return 0
        where_keys = set(where.values())

        def work() -> int:
            connection = self._frame_connection()
            count = 0
            for indices in _group_by_columns(encoded):
                updated = [name for name in encoded[indices[0]] if name not in where_keys]
                # Bound names must differ from column names, which SQLAlchemy reserves for SET.
                params = [{f"b_{k}": v for k, v in encoded[i].items()} for i in indices]
                statement = (
                    table.update()
                    .where(*(table.c[c] == sa.bindparam(f"b_{key}") for c, key in where.items()))
                    .values({name: sa.bindparam(f"b_{name}") for name in updated})
                )
                rowcount = connection.execute(statement, params).rowcount
                count = -1 if rowcount < 0 or count < 0 else count + rowcount
            return count

        return self.run(work, write=True)

    def delete(
        self, table: sa.Table, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
    ) -> int:
        """Delete the rows whose ``columns`` equal those of any of ``rows``.

        Runs ``IN`` queries of up to 10,000 keys each rather than one per row.

        Returns
        -------
        count
            The number of rows deleted.
        """
        keys = list(dict.fromkeys(tuple(row[c] for c in columns) for row in rows))
        if not keys:
            return 0
        chunk = max(1, _DELETE_CHUNK // len(columns))
        if len(columns) == 1:
            target: sa.ColumnElement[Any] = table.c[columns[0]]
            keys_or_values: list[Any] = [key[0] for key in keys]
        else:
            target = sa.tuple_(*(table.c[c] for c in columns))
            keys_or_values = keys

        def work() -> int:
            connection = self._frame_connection()
            count = 0
            for start in range(0, len(keys_or_values), chunk):
                part = keys_or_values[start : start + chunk]
                count += connection.execute(table.delete().where(target.in_(part))).rowcount
            return count

        return self.run(work, write=True)

    def delete_where(self, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
        """Delete the rows matching a SQL condition and return how many went."""
        return self.run(
            lambda: int(self._frame_connection().execute(table.delete().where(where)).rowcount),
            write=True,
        )


_UNPREPARED = object()


@dataclasses.dataclass(frozen=True, slots=True)
class _DriverInsert:
    """An INSERT compiled for the driver, with the processors of its parameters."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    positional: bool

    def parameters(self, rows: list[dict[str, Any]]) -> list[Any]:
        """Return the driver's parameters of each row."""
        pairs = tuple(zip(self.names, self.processors, strict=True))

        def value(row: dict[str, Any], name: str, process: Callable[[Any], Any] | None) -> Any:
            given = row[name]
            return given if process is None or given is None else process(given)

        if self.positional:
            return [tuple([value(row, n, p) for n, p in pairs]) for row in rows]
        return [{n: value(row, n, p) for n, p in pairs} for row in rows]


def _group_by_columns(rows: list[dict[str, Any]]) -> list[list[int]]:
    """Return indices of rows grouped by their set of columns (executemany needs one set)."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(tuple(sorted(row)), []).append(index)
    return list(groups.values())


def _same(stored: Any, given: Any) -> bool:
    try:
        return bool(stored == given)
    except Exception:  # e.g. array-valued comparisons
        return False
