"""`RegistryDatastoreRecords`: one datastore's records table and bridge rows, used together.

This is what a datastore running against a registry gets: rows of its
opaque records table (plain dicts with upstream's columns) kept in step with
its ``dataset_location`` rows, in one transaction per call.
"""

from __future__ import annotations

__all__ = ["RegistryDatastoreRecords"]

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ...errors import ConflictingDefinitionError, DatasetNotFoundError
from ..databases import PreparedStatements
from ..datasets._bulk import uuid_encoder

if TYPE_CHECKING:
    from ..databases import Database
    from ..opaque import OpaqueTable
    from ._manager import DatastoreBridge

_CHUNK = 5_000


class RegistryDatastoreRecords:
    """Records and locations of one datastore in the registry database.

    Parameters
    ----------
    db
        The registry database.
    records
        The datastore's opaque records table.
    bridge
        The datastore's bridge.
    """

    def __init__(self, db: Database, records: OpaqueTable, bridge: DatastoreBridge) -> None:
        self._db = db
        self._records = records
        self._bridge = bridge
        self.datastore_name = bridge.datastore_name
        table = records._table
        not_trashed = ~table.c.dataset_id.in_(self._trashed_ids())
        # Run through PreparedStatements: every value is a named parameter.
        self._fetch_one = sa.select(table).where(
            table.c.dataset_id == sa.bindparam("id"),
            ~table.c.dataset_id.in_(self._trashed_ids(sa.bindparam("name"))),
        )
        self._columns = tuple(column.name for column in table.columns)
        self._prepared = PreparedStatements(db)
        self._encode_uuid = uuid_encoder(db)
        self._fetch_in = sa.select(table).where(
            table.c.dataset_id.in_(sa.bindparam("ids", expanding=True)), not_trashed
        )
        self._fetch_trashed = sa.select(table).where(table.c.dataset_id.in_(self._trashed_ids()))

    def _trashed_ids(self, name: Any = None) -> sa.Select[Any]:
        """Return a query of the IDs in this datastore's trash (``name`` may be a parameter)."""
        trash = self._bridge._trash
        return sa.select(trash.c.dataset_id).where(
            trash.c.datastore_name == (self.datastore_name if name is None else name)
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several calls in one registry transaction."""
        with self._db.transaction(write=True, savepoint=True):
            yield

    def when_resolved(self, hook: Callable[[bool], None]) -> None:
        """Call ``hook(True)`` when the open transaction commits, ``hook(False)`` if it rolls back.

        Without an open transaction, what was written is already committed.
        """
        if not self._db.in_transaction():
            hook(True)
            return
        self._db.on_commit(lambda: hook(True))
        self._db.on_rollback(lambda: hook(False))

    def is_writeable(self) -> bool:
        """Return whether the registry database may be written."""
        return self._db.is_writeable()

    def paths_in_use(self, paths: Iterable[str]) -> set[str]:
        """Return those of the paths that a record of a held (not trashed) dataset names.

        One statement finds every path shared between a trashed and a held
        dataset (a file backing several datasets), whatever the number of paths.
        """
        table = self._records._table
        trashed_ids = self._trashed_ids()
        statement = (
            sa.select(table.c.path)
            .distinct()
            .where(
                table.c.path.in_(
                    sa.select(table.c.path).where(table.c.dataset_id.in_(trashed_ids))
                ),
                ~table.c.dataset_id.in_(trashed_ids),
            )
        )
        shared = {str(row[0]) for row in self._db.fetch_all(statement)}
        return shared.intersection(paths) if shared else set()

    def held_under(self, directory: str) -> bool:
        """Return whether a record of a held (not trashed) dataset names a path under a directory.

        Paths are compared by their first characters (no ``LIKE``: its
        wildcards may be in the name).
        """
        table = self._records._table
        prefix = directory.rstrip("/") + "/"
        statement = (
            sa.select(table.c.path)
            .where(
                sa.func.substr(table.c.path, 1, len(prefix)) == prefix,
                ~table.c.dataset_id.in_(self._trashed_ids()),
            )
            .limit(1)
        )
        return bool(self._db.fetch_all(statement))

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert record rows and the location of each dataset, in one transaction."""
        if not rows:
            return
        ids = list(dict.fromkeys(row["dataset_id"] for row in rows))

        def work() -> None:
            self._records.insert(rows)
            self._bridge.insert(ids)

        try:
            self._db.run(work, write=True)
        except sa.exc.IntegrityError as exc:
            shown = ", ".join(str(i) for i in ids[:3]) + (" ..." if len(ids) > 3 else "")
            if "foreign key" in str(exc.orig).lower():
                raise DatasetNotFoundError(
                    f"Cannot record files of datasets {shown} in datastore "
                    f"{self.datastore_name!r}: they are not in the registry. Register the "
                    "datasets (insertDatasets / _importDatasets) before storing them."
                ) from None
            raise ConflictingDefinitionError(
                f"Datastore {self.datastore_name!r} already has records of {shown}: {exc.orig}"
            ) from None

    def fetch(self, ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
        """Return the record rows of datasets held (not trashed)."""
        wanted = list(ids)
        if len(wanted) == 1:
            return self._fetch_single(wanted[0])
        result: list[dict[str, Any]] = []
        for start in range(0, len(wanted), _CHUNK):
            statement = self._fetch_in.params(ids=wanted[start : start + _CHUNK])
            result.extend(dict(row._mapping) for row in self._db.fetch_all(statement))
        return result

    def _fetch_single(self, dataset_id: uuid.UUID) -> list[dict[str, Any]]:
        """Return the rows of one dataset (the hot case: a get or exists by ref).

        Run on the driver through a statement compiled once; the other
        columns are strings and integers, which need no conversion.
        """
        params = {"id": self._encode_uuid(dataset_id), "name": self.datastore_name}

        def read() -> list[tuple[Any, ...]]:
            with self._db.transaction() as connection:
                return self._prepared.execute(
                    connection, "records-of-one", lambda: self._fetch_one, params
                )

        return [
            {**dict(zip(self._columns, row, strict=True)), "dataset_id": dataset_id}
            for row in self._db.run(read)
        ]

    def known(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Return those of the IDs the datastore holds."""
        return self._bridge.check(ids)

    def trash(self, ids: Iterable[uuid.UUID]) -> None:
        """Move datasets to the trash (their rows stay until `remove`)."""
        self._bridge.move_to_trash(ids)

    def trash_selected(self, selected: sa.Select[Any]) -> None:
        """Move the datasets a query of IDs selects to the trash, with set statements."""
        self._bridge.move_selected_to_trash(selected)

    def trashed(self) -> list[dict[str, Any]]:
        """Return the record rows of trashed datasets."""
        return [dict(row._mapping) for row in self._db.fetch_all(self._fetch_trashed)]

    def trashed_paths(self) -> dict[uuid.UUID, list[str]]:
        """Return the paths of the files of trashed datasets, read straight from the driver."""
        table = self._records._table
        trash = self._bridge._trash
        result: dict[uuid.UUID, list[str]] = {}
        with self._db.transaction() as connection:
            preparer = connection.dialect.identifier_preparer
            records = preparer.format_table(table)
            trashed = preparer.format_table(trash)
            mark = "%s" if self._db.dialect_name == "postgresql" else "?"
            sql = (
                f"SELECT r.dataset_id, r.path FROM {records} r JOIN {trashed} t ON "
                f"t.dataset_id = r.dataset_id WHERE t.datastore_name = {mark}"
            )
            driver = connection.connection.driver_connection
            cursor = driver.cursor()  # type: ignore[union-attr]
            try:
                cursor.execute(sql, (self.datastore_name,))
                for raw_id, path in cursor.fetchall():
                    key = raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(bytes=raw_id)
                    result.setdefault(key, []).append(str(path))
            finally:
                cursor.close()
        return result

    def remove(self, ids: Iterable[uuid.UUID]) -> None:
        """Delete the records, locations and trash rows of datasets.

        Each table is hit with key lookups handed to the driver in one call
        (`bulk_delete`), so tens of thousands of datasets go in well under a second.
        """
        from ..datasets._bulk import bulk_delete, uuid_encoder

        encode = uuid_encoder(self._db)
        values = [encode(i) for i in dict.fromkeys(ids)]
        if not values:
            return
        name = ("datastore_name", self.datastore_name)

        def work() -> None:
            bulk_delete(self._db, self._records._table, "dataset_id", values)
            bulk_delete(self._db, self._bridge._location, "dataset_id", values, where=name)
            bulk_delete(self._db, self._bridge._trash, "dataset_id", values, where=name)

        self._db.run(work, write=True)
