"""`DatastoreBridgeManager`: which datastores hold which datasets, and their trash.

``dataset_location(datastore_name, dataset_id)`` has a row for every dataset
a datastore holds; its foreign key to ``dataset`` means a dataset cannot be
removed from the registry while a datastore still holds it (trash it first).
``dataset_location_trash`` (no foreign key) lists datasets a datastore was
asked to forget and whose artifacts it has yet to delete.
"""

from __future__ import annotations

__all__ = ["DatastoreBridge", "DatastoreBridgeManager"]

import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from .._versioning import VersionedManager, VersionTuple
from ..databases import Database, FieldSpec, ForeignKeySpec, TableSpec

if TYPE_CHECKING:
    from ..opaque import OpaqueTable
    from ._records import RegistryDatastoreRecords

_LOCATION = "dataset_location"
_TRASH = "dataset_location_trash"
_CHUNK = 5_000
_PG_CHUNK = 50_000


def _fields() -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("datastore_name", "string", length=256, primary_key=True),
        FieldSpec("dataset_id", "uuid", primary_key=True),
    )


class DatastoreBridge:
    """The location rows of one datastore.

    Parameters
    ----------
    db
        The registry database.
    location, trash
        The two bridge tables.
    datastore_name
        Name of the datastore.
    """

    def __init__(
        self, db: Database, location: sa.Table, trash: sa.Table, datastore_name: str
    ) -> None:
        self._db = db
        self._location = location
        self._trash = trash
        self.datastore_name = datastore_name
        self._select_in = sa.select(location.c.dataset_id).where(
            location.c.datastore_name == datastore_name,
            location.c.dataset_id.in_(sa.bindparam("ids", expanding=True)),
        )

    def _rows(self, ids: Iterable[uuid.UUID]) -> list[dict[str, object]]:
        return [{"datastore_name": self.datastore_name, "dataset_id": i} for i in ids]

    def insert(self, ids: Iterable[uuid.UUID]) -> None:
        """Record that the datastore holds these datasets (already recorded ones are kept)."""
        self._db.ensure(self._location, self._rows(ids))

    def check(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Return those of the IDs the datastore holds."""
        wanted = list(ids)
        found: set[uuid.UUID] = set()
        for start in range(0, len(wanted), _CHUNK):
            rows = self._db.fetch_all(self._select_in.params(ids=wanted[start : start + _CHUNK]))
            found.update(row[0] for row in rows)
        return found

    def move_to_trash(self, ids: Iterable[uuid.UUID]) -> None:
        """Move datasets from the locations to the trash, in one transaction.

        The rows are copied by ``INSERT ... SELECT`` key lookups handed to
        the driver in one call, then deleted the same way: no statement per
        dataset is compiled. IDs the datastore does not hold are ignored.
        """
        from ..datasets._bulk import bulk_delete, uuid_encoder

        encode = uuid_encoder(self._db)
        values = [encode(i) for i in dict.fromkeys(ids)]
        if not values:
            return
        name = self.datastore_name

        def work() -> None:
            with self._db.transaction(write=True) as connection:
                preparer = connection.dialect.identifier_preparer
                trash = preparer.format_table(self._trash)
                location = preparer.format_table(self._location)
                driver = connection.connection.driver_connection
                copy = (
                    f"INSERT INTO {trash} (datastore_name, dataset_id) SELECT datastore_name, "
                    f"dataset_id FROM {location} WHERE datastore_name = "
                )
                if self._db.dialect_name == "postgresql":
                    with driver.cursor() as cursor:  # type: ignore[union-attr]
                        for start in range(0, len(values), _PG_CHUNK):
                            chunk = values[start : start + _PG_CHUNK]
                            cursor.execute(copy + "%s AND dataset_id = ANY(%s)", (name, chunk))
                else:
                    driver.executemany(  # type: ignore[union-attr]
                        copy + "? AND dataset_id = ?", [(name, v) for v in values]
                    )
            bulk_delete(
                self._db, self._location, "dataset_id", values, where=("datastore_name", name)
            )

        self._db.run(work, write=True)

    def move_selected_to_trash(self, selected: sa.Select[Any]) -> None:
        """Move the datasets a query selects (one column of IDs) to the trash, as set statements.

        One ``INSERT ... SELECT`` and one ``DELETE``, whatever the number of
        datasets (a whole RUN, say); IDs the datastore does not hold are ignored.
        """
        location = self._location
        held = sa.and_(
            location.c.datastore_name == self.datastore_name,
            location.c.dataset_id.in_(selected),
        )
        copy = sa.insert(self._trash).from_select(
            ["datastore_name", "dataset_id"],
            sa.select(location.c.datastore_name, location.c.dataset_id).where(held),
        )

        def work() -> None:
            with self._db.transaction(write=True) as connection:
                connection.execute(copy)
                connection.execute(sa.delete(location).where(held))

        self._db.run(work, write=True)

    def trashed(self) -> set[uuid.UUID]:
        """Return the IDs in this datastore's trash."""
        table = self._trash
        statement = sa.select(table.c.dataset_id).where(
            table.c.datastore_name == self.datastore_name
        )
        return {row[0] for row in self._db.fetch_all(statement)}

    def empty_trash(self, ids: Iterable[uuid.UUID]) -> None:
        """Forget trashed datasets whose artifacts are gone."""
        rows = self._rows(ids)
        if rows:
            self._db.delete(self._trash, ["datastore_name", "dataset_id"], rows)

    def forget(self, ids: Iterable[uuid.UUID]) -> None:
        """Remove location rows without trashing (the artifacts are not the datastore's)."""
        rows = self._rows(ids)
        if rows:
            self._db.delete(self._location, ["datastore_name", "dataset_id"], rows)


class DatastoreBridgeManager(VersionedManager):
    """Owns ``dataset_location`` and ``dataset_location_trash``.

    Parameters
    ----------
    db
        The registry database.
    tables
        The static tables.
    """

    short_name: ClassVar[str] = "datastores"
    schema_version: ClassVar[VersionTuple] = VersionTuple(0, 2, 2)

    def __init__(self, db: Database, tables: Mapping[str, sa.Table]) -> None:
        self._db = db
        self._location = tables[_LOCATION]
        self._trash = tables[_TRASH]

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return {
            _LOCATION: TableSpec(
                fields=_fields(),
                foreign_keys=(ForeignKeySpec("dataset", ("dataset_id",), ("id",)),),
                # Deleting a dataset checks its foreign key here by dataset_id alone: without
                # this index every deleted dataset scans the table (a RUN's removal quadratic).
                indexes=(("dataset_id",),),
                doc="Datasets each datastore holds.",
            ),
            _TRASH: TableSpec(
                fields=_fields(), doc="Datasets each datastore must delete the artifacts of."
            ),
        }

    def register(self, datastore_name: str) -> DatastoreBridge:
        """Return the bridge of one datastore."""
        return DatastoreBridge(self._db, self._location, self._trash, datastore_name)

    def datastore_records(
        self, datastore_name: str, records: OpaqueTable
    ) -> RegistryDatastoreRecords:
        """Return the records and locations of one datastore, kept in step."""
        from ._records import RegistryDatastoreRecords

        return RegistryDatastoreRecords(self._db, records, self.register(datastore_name))

    def find_locations(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[str]]:
        """Return the names of the datastores holding each of the datasets."""
        wanted = list(ids)
        table = self._location
        result: dict[uuid.UUID, set[str]] = {i: set() for i in wanted}
        for start in range(0, len(wanted), _CHUNK):
            statement = sa.select(table.c.dataset_id, table.c.datastore_name).where(
                table.c.dataset_id.in_(wanted[start : start + _CHUNK])
            )
            for dataset_id, name in self._db.fetch_all(statement):
                result[dataset_id].add(str(name))
        return result
