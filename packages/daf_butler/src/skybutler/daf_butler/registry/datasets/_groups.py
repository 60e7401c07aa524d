"""Dimension groups of dataset types, stored under synthetic integer keys.

``dimension_graph_key`` holds one row per group and
``dimension_graph_definition`` its required dimension names; the empty group
has key 0. Groups are few and never change once stored, so all of them are
read at once and cached; a group another process stored is found by reading
them again.
"""

from __future__ import annotations

__all__ = ["DimensionGroupStore", "serialize_writers"]

import threading
from collections.abc import Mapping

import sqlalchemy as sa

from ...dimensions import DimensionGroup, DimensionUniverse
from ...errors import RegistryError
from ..databases import Database
from ._tables import GROUP_DEFINITION_TABLE, GROUP_KEY_TABLE

EMPTY_KEY = 0


def serialize_writers(db: Database, table: sa.Table) -> None:
    """Make concurrent writers of ``table`` take turns until the transaction ends.

    Must run inside a write transaction. SQLite write transactions already
    exclude each other; on PostgreSQL the table is locked in EXCLUSIVE mode,
    which blocks other writers but not readers.
    """
    if db.dialect_name != "postgresql":
        return
    with db.transaction(write=True) as connection:
        name = connection.dialect.identifier_preparer.format_table(table)
        connection.exec_driver_sql(f"LOCK TABLE {name} IN EXCLUSIVE MODE")


class DimensionGroupStore:
    """Keys of the dimension groups of dataset types.

    Parameters
    ----------
    db
        The registry database.
    tables
        Tables by name, including ``dimension_graph_key`` and
        ``dimension_graph_definition``.
    universe
        The repository's dimension universe.
    """

    def __init__(
        self, db: Database, tables: Mapping[str, sa.Table], universe: DimensionUniverse
    ) -> None:
        self._db = db
        self._keys = tables[GROUP_KEY_TABLE]
        self._definitions = tables[GROUP_DEFINITION_TABLE]
        self._universe = universe
        self._by_names: dict[frozenset[str], int] = {}
        self._by_key: dict[int, DimensionGroup] = {}
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Read every stored group again."""
        c = self._definitions.c
        rows = self._db.fetch_all(sa.select(c.dimension_graph_id, c.dimension_name))
        names: dict[int, set[str]] = {}
        for key, name in rows:
            names.setdefault(int(key), set()).add(str(name))
        by_key = {EMPTY_KEY: self._universe.empty}
        by_names: dict[frozenset[str], int] = {frozenset(): EMPTY_KEY}
        for key, members in names.items():
            group = self._universe.conform(members)
            by_key[key] = group
            by_names[frozenset(group.required)] = key
        with self._lock:
            self._by_key = by_key
            self._by_names = by_names

    def group(self, key: int) -> DimensionGroup:
        """Return the group stored under a key.

        Raises
        ------
        RegistryError
            No group has this key (the repository is damaged).
        """
        group = self._by_key.get(key)
        if group is None:
            self.refresh()
            group = self._by_key.get(key)
            if group is None:
                raise RegistryError(
                    f"No dimension group has key {key} in {GROUP_KEY_TABLE!r}; the registry "
                    "is damaged."
                )
        return group

    def find(self, group: DimensionGroup) -> int | None:
        """Return the key of a stored group, or `None`."""
        names = frozenset(group.required)
        key = self._by_names.get(names)
        if key is None:
            self.refresh()
            key = self._by_names.get(names)
        return key

    def ensure(self, group: DimensionGroup) -> int:
        """Return the key of a group, storing it first if needed (in a write transaction)."""
        names = frozenset(group.required)
        key = self._by_names.get(names)
        if key is not None and key != EMPTY_KEY:
            return key

        def work() -> int:
            serialize_writers(self._db, self._keys)
            if not names:
                self._db.ensure(self._keys, [{"id": EMPTY_KEY}])
                return EMPTY_KEY
            self.refresh()
            existing = self._by_names.get(names)
            if existing is not None:
                return existing
            (new_key,) = self._db.insert(self._keys, [{}], returning="id")
            self._db.insert(
                self._definitions,
                [{"dimension_graph_id": new_key, "dimension_name": n} for n in sorted(names)],
            )
            return int(new_key)

        key = self._db.run(work, write=True)
        with self._lock:
            self._by_names[names] = key
            self._by_key[key] = group
        self._db.on_rollback(self._forget_all)
        return key

    def _forget_all(self) -> None:
        with self._lock:
            self._by_names = {}
            self._by_key = {}
