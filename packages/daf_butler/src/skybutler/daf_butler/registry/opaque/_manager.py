"""`OpaqueTableManager`: tables whose rows only a datastore understands.

The registry stores them without interpreting them. ``opaque_meta`` lists
every such table; `OpaqueTableManager.file_records` creates (or opens) a
table with upstream's ``file_datastore_records`` columns under any name.
"""

from __future__ import annotations

__all__ = ["FILE_RECORDS_SPEC", "OpaqueTable", "OpaqueTableManager"]

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

import sqlalchemy as sa

from .._versioning import VersionedManager, VersionTuple
from ..databases import Database, FieldSpec, TableSpec

_META = "opaque_meta"
_CHUNK = 5_000

FILE_RECORDS_SPEC = TableSpec(
    fields=(
        FieldSpec("dataset_id", "uuid", primary_key=True),
        FieldSpec("component", "string", length=32, primary_key=True),
        FieldSpec("path", "string", length=256, nullable=False),
        FieldSpec("formatter", "string", length=128, nullable=False),
        FieldSpec("storage_class", "string", length=64, nullable=False),
        FieldSpec("checksum", "string", length=128),
        FieldSpec("file_size", "int"),
    ),
    doc="Files of a file datastore: one row per dataset and component.",
)
"""Columns of upstream's ``file_datastore_records`` table."""


class OpaqueTable:
    """One opaque table: bulk insert, fetch and delete by dataset ID.

    Parameters
    ----------
    db
        The registry database.
    table
        The table.
    """

    def __init__(self, db: Database, table: sa.Table) -> None:
        self._db = db
        self._table = table
        self.name = table.name
        key = table.c.dataset_id
        self._select_in = sa.select(table).where(key.in_(sa.bindparam("ids", expanding=True)))
        self._select_one = sa.select(table).where(key == sa.bindparam("id"))

    def insert(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows in one statement execution."""
        self._db.insert(self._table, rows)

    def fetch(self, ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]:
        """Return the rows of the given dataset IDs."""
        wanted = list(ids)
        if len(wanted) == 1:
            statement = self._select_one.params(id=wanted[0])
            return [dict(row._mapping) for row in self._db.fetch_all(statement)]
        result: list[dict[str, Any]] = []
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            rows = self._db.fetch_all(self._select_in.params(ids=chunk))
            result.extend(dict(row._mapping) for row in rows)
        return result

    def delete(self, ids: Iterable[uuid.UUID]) -> int:
        """Delete the rows of the given dataset IDs; return how many went."""
        rows = [{"dataset_id": dataset_id} for dataset_id in ids]
        return self._db.delete(self._table, ["dataset_id"], rows) if rows else 0


class OpaqueTableManager(VersionedManager):
    """Creates and opens opaque tables, listed in ``opaque_meta``.

    Parameters
    ----------
    db
        The registry database.
    tables
        The static tables (``opaque_meta``).
    """

    short_name: ClassVar[str] = "opaque"
    schema_version: ClassVar[VersionTuple] = VersionTuple(0, 2, 0)

    def __init__(self, db: Database, tables: Mapping[str, sa.Table]) -> None:
        self._db = db
        self._meta = tables[_META]
        self._open: dict[str, OpaqueTable] = {}

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return {
            _META: TableSpec(
                fields=(FieldSpec("table_name", "string", length=128, primary_key=True),),
                doc="Names of the opaque tables datastores keep in the registry.",
            )
        }

    def file_records(self, name: str) -> OpaqueTable:
        """Return the file-records table ``name``, creating it if needed."""
        found = self._open.get(name)
        if found is None:
            if self._db.is_writeable():
                table = self._db.ensure_tables({name: FILE_RECORDS_SPEC})[name]
                self._db.ensure(self._meta, [{"table_name": name}])
            else:
                existing = self._db.get_existing_tables({name: FILE_RECORDS_SPEC})
                known = existing.get(name)
                table = (
                    known if known is not None else self._db.define_table(name, FILE_RECORDS_SPEC)
                )
            found = self._open[name] = OpaqueTable(self._db, table)
        return found

    def names(self) -> list[str]:
        """Return the names of the opaque tables of the repository."""
        rows = self._db.fetch_all(sa.select(self._meta.c.table_name))
        return sorted(str(row[0]) for row in rows)
