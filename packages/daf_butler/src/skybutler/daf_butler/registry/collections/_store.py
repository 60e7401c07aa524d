"""Looking collections up, with a small in-process cache keyed by name.

The cache holds `CollectionRecord` objects (key, name, type), which never
change while a collection exists. It is filled by reads, emptied when a
transaction that filled it is rolled back, updated by this process's own
registrations and removals, and can be emptied by hand (`refresh`) to forget
collections other processes removed. Chain contents and documentation are
never cached: other processes change them.
"""

from __future__ import annotations

__all__ = ["CollectionStore"]

import difflib
from collections.abc import Iterable, Mapping

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ...errors import CollectionTypeError, MissingCollectionError
from ..databases import AnyRow, AnySelect, Database
from ._tables import CHAIN_TABLE, COLLECTION_TABLE, RUN_TABLE, CollectionRecord


class CollectionStore:
    """Tables, cache and lookups shared by the collection manager's parts.

    Parameters
    ----------
    db
        The registry database.
    tables
        The tables of `collection_table_specs`, by name.
    """

    def __init__(self, db: Database, tables: Mapping[str, sa.Table]) -> None:
        self._db = db
        self._collection = tables[COLLECTION_TABLE]
        self._run = tables[RUN_TABLE]
        self._chain = tables[CHAIN_TABLE]
        self._by_name: dict[str, CollectionRecord] = {}
        self._by_key: dict[int, CollectionRecord] = {}

    @property
    def tables(self) -> dict[str, sa.Table]:
        """The manager's tables, by name."""
        return {
            COLLECTION_TABLE: self._collection,
            RUN_TABLE: self._run,
            CHAIN_TABLE: self._chain,
        }

    # ------------------------------------------------------------ cache

    def refresh(self) -> None:
        """Forget every cached record (they are read again when needed)."""
        self._by_name = {}
        self._by_key = {}

    def _remember(self, records: Iterable[CollectionRecord]) -> None:
        for record in records:
            self._by_name[record.name] = record
            self._by_key[record.key] = record
        # What an undone transaction taught us may not exist.
        self._db.on_rollback(self.refresh)

    def _forget(self, record: CollectionRecord) -> None:
        self._by_name.pop(record.name, None)
        self._by_key.pop(record.key, None)

    # ------------------------------------------------------------ lookups

    def _select_records(self) -> AnySelect:
        c = self._collection.c
        return sa.select(c.collection_id, c.name, c.type)

    @staticmethod
    def _record(row: AnyRow) -> CollectionRecord:
        return CollectionRecord(key=row[0], name=row[1], type=CollectionType(row[2]))

    def find(self, name: str) -> CollectionRecord:
        """Return the record of a collection.

        Raises
        ------
        MissingCollectionError
            There is no such collection; the message suggests close names.
        """
        return self.find_many([name])[0]

    def find_many(self, names: Iterable[str]) -> list[CollectionRecord]:
        """Return the records of several collections, in order, in at most one query.

        Raises
        ------
        MissingCollectionError
            One is missing; the message names it and suggests close names.
        """
        names = list(names)
        missing = [name for name in dict.fromkeys(names) if name not in self._by_name]
        if missing:
            rows = self._db.fetch_all(
                self._select_records().where(self._collection.c.name.in_(missing))
            )
            self._remember(self._record(row) for row in rows)
        for name in names:
            if name not in self._by_name:
                raise self._missing(name)
        return [self._by_name[name] for name in names]

    def get(self, name: str) -> CollectionRecord | None:
        """Return the record of a collection, or `None` if there is none."""
        try:
            return self.find(name)
        except MissingCollectionError:
            return None

    def by_keys(self, keys: Iterable[int]) -> dict[int, CollectionRecord]:
        """Return the records of collection keys (unknown keys are left out)."""
        keys = set(keys)
        missing = [key for key in keys if key not in self._by_key]
        if missing:
            rows = self._db.fetch_all(
                self._select_records().where(self._collection.c.collection_id.in_(missing))
            )
            self._remember(self._record(row) for row in rows)
        return {key: self._by_key[key] for key in keys if key in self._by_key}

    def all_records(self) -> list[CollectionRecord]:
        """Return every collection, ordered by name (and refresh the cache)."""
        rows = self._db.fetch_all(self._select_records().order_by(self._collection.c.name))
        records = [self._record(row) for row in rows]
        self.refresh()
        self._remember(records)
        return records

    def _missing(self, name: str) -> MissingCollectionError:
        names = self._db.fetch_all(sa.select(self._collection.c.name))
        close = difflib.get_close_matches(name, [row[0] for row in names], n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return MissingCollectionError(f"No collection named {name!r} exists.{hint}")

    def _lock(self, name: str, *, expected: CollectionType | None = None) -> CollectionRecord:
        """Read a collection afresh and lock its row until the transaction ends."""
        c = self._collection.c
        query = self._select_records().where(c.name == name)
        row = self._db.lock_rows(query).first()
        if row is None:
            self.refresh()
            raise self._missing(name)
        record = self._record(row)
        self._remember([record])
        if expected is not None and record.type is not expected:
            raise CollectionTypeError(
                f"Collection {name!r} is {record.type.name}, not {expected.name}; this "
                f"operation needs a {expected.name} collection."
            )
        return record

    def check_type(self, record: CollectionRecord, *allowed: CollectionType) -> None:
        """Refuse a collection whose type is not one of ``allowed``.

        Raises
        ------
        CollectionTypeError
            The message names the collection, its type and the allowed ones.
        """
        if record.type not in allowed:
            names = " or ".join(t.name for t in allowed)
            raise CollectionTypeError(
                f"Collection {record.name!r} is {record.type.name}; this operation needs a "
                f"{names} collection."
            )
