"""Collection summaries: which dataset types and governor values a collection may hold.

``collection_summary_dataset_type`` and one ``collection_summary_<governor>``
table per governor dimension are kept up to date by every insertion,
association and certification (tag and calibration rows refer to them, so
they cannot fall behind). They may hold more than a collection has after
removals: a summary says where to look, never what is there.
"""

from __future__ import annotations

__all__ = ["CollectionSummaries", "CollectionSummary"]

import dataclasses
from collections.abc import Iterable, Mapping, Set
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ...dimensions import DimensionUniverse
from ..collections import CollectionManager
from ..databases import Database, TableSpec
from ._tables import (
    COLLECTION_SUMMARY_TABLE,
    DimensionForeignKeys,
    governor_summary_spec,
    governor_summary_table_name,
)

if TYPE_CHECKING:
    from ._type_manager import DatasetTypeRecord


@dataclasses.dataclass(frozen=True, slots=True)
class CollectionSummary:
    """What a collection (with, for a chain, its children) may hold."""

    dataset_type_keys: frozenset[int]
    """Keys of the dataset types."""
    governors: Mapping[str, frozenset[object]]
    """Values of each governor dimension (a governor absent here has no values)."""


class CollectionSummaries:
    """Reads and updates the collection summary tables.

    Parameters
    ----------
    db
        The registry database.
    tables
        Static tables by name, including ``collection_summary_dataset_type``.
    universe
        The repository's dimension universe.
    collections
        The collection manager (to flatten chains).
    hook
        Foreign keys to dimension tables (see `DatasetTypeManager`).
    """

    def __init__(
        self,
        db: Database,
        tables: Mapping[str, sa.Table],
        universe: DimensionUniverse,
        collections: CollectionManager,
        hook: DimensionForeignKeys | None = None,
    ) -> None:
        self._db = db
        self._hook = hook
        self._types = tables[COLLECTION_SUMMARY_TABLE]
        self._universe = universe
        self._collections = collections
        self._existing: set[str] | None = None
        self._ensured: set[tuple[object, ...]] = set()

    @property
    def table(self) -> sa.Table:
        """The ``collection_summary_dataset_type`` table."""
        return self._types

    def refresh(self) -> None:
        """Forget what is cached about existing tables and rows."""
        self._existing = None
        self._ensured = set()

    def governor_specs(self, governors: Iterable[str]) -> dict[str, TableSpec]:
        """Return the specs of the summary tables of governor dimensions, by table name."""
        return {
            governor_summary_table_name(g): governor_summary_spec(self._universe, g, self._hook)
            for g in governors
        }

    def governor_table(self, governor: str) -> sa.Table:
        """Return (declare) the summary table of a governor dimension."""
        ((name, spec),) = self.governor_specs([governor]).items()
        return self._db.define_table(name, spec)

    def ensure(
        self,
        collection_key: int,
        record: DatasetTypeRecord,
        governor_values: Mapping[str, Set[object]],
    ) -> None:
        """Record that a collection holds datasets of a type with these governor values.

        One statement per table, none for what this process already recorded
        in this transaction's lifetime. Call inside the write transaction
        that adds the datasets.
        """
        marker = (collection_key, record.key)
        if marker not in self._ensured:
            self._db.ensure(
                self._types, [{"collection_id": collection_key, "dataset_type_id": record.key}]
            )
            self._remember(marker)
        for governor, values in governor_values.items():
            new = [v for v in values if (collection_key, governor, v) not in self._ensured]
            if not new:
                continue
            self._db.ensure(
                self.governor_table(governor),
                [{"collection_id": collection_key, governor: value} for value in new],
            )
            for value in new:
                self._remember((collection_key, governor, value))

    def _remember(self, marker: tuple[object, ...]) -> None:
        # Summary rows go only with their collection or dataset type, which
        # refresh() the caches of this process; an undone transaction undoes them too.
        self._ensured.add(marker)
        self._db.on_rollback(self.refresh)

    def _governor_tables(self) -> dict[str, sa.Table]:
        if self._existing is None:
            self._existing = self._db.table_names()
        return {
            name: self.governor_table(name)
            for name in self._universe.governor_dimensions.names
            if governor_summary_table_name(name) in self._existing
        }

    def get(self, names: str | Iterable[str]) -> CollectionSummary:
        """Return the summary of collections, chains flattened.

        Raises
        ------
        MissingCollectionError
            A collection does not exist.
        """
        keys = [r.key for r in self._collections.flatten(names)]

        def read() -> CollectionSummary:
            c = self._types.c
            rows = self._db.fetch_all(
                sa.select(c.dataset_type_id).where(c.collection_id.in_(keys)).distinct()
            )
            governors: dict[str, frozenset[object]] = {}
            for governor, table in self._governor_tables().items():
                values = self._db.fetch_all(
                    sa.select(table.c[governor]).where(table.c.collection_id.in_(keys)).distinct()
                )
                if values:
                    governors[governor] = frozenset(row[0] for row in values)
            return CollectionSummary(frozenset(int(row[0]) for row in rows), governors)

        return self._db.run(read)
