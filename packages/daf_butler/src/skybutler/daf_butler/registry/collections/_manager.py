"""The collection manager: registering, documenting, searching and removing collections.

Other managers plug in through the tables: dataset, tag and calibration
tables refer to ``collection.collection_id`` (or ``run.collection_id``) with
`collection_foreign_key` / `run_foreign_key`, whose ``ON DELETE CASCADE``
makes `CollectionManager.remove` take the collection's memberships (and a
RUN's datasets) with it. A manager that must refuse a removal (say, a
calibration collection still certified) checks before calling `remove`
inside the same transaction.
"""

from __future__ import annotations

__all__ = ["CollectionManager"]

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ..._timespan import Timespan
from ...errors import (
    CollectionTypeError,
    ConflictingDefinitionError,
    MissingCollectionError,
    OrphanedRecordError,
)
from .._versioning import VersionedManager, VersionTuple
from ..databases import Database, TableSpec
from ._chains import ChainOperations
from ._expressions import CollectionExpression, check_collection_name
from ._tables import CollectionRecord, RunRecord, collection_table_specs

_ALL_TYPES = CollectionType.all()


class CollectionManager(ChainOperations, VersionedManager):
    """Collections of a repository: RUN, TAGGED, CHAINED and CALIBRATION.

    Parameters
    ----------
    db
        The registry database.
    tables
        The tables of `table_specs`, as returned by `Database.ensure_tables`.
    """

    short_name: ClassVar[str] = "collections"
    schema_version: ClassVar[VersionTuple] = VersionTuple(2, 0, 0)

    def __init__(self, db: Database, tables: Mapping[str, sa.Table]) -> None:
        super().__init__(db, tables)

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return collection_table_specs()

    # ------------------------------------------------------------ registration

    def register(
        self, name: str, type: CollectionType = CollectionType.RUN, *, doc: str | None = None
    ) -> tuple[CollectionRecord, bool]:
        """Create a collection unless it exists with this type.

        Returns
        -------
        record
            The collection.
        registered
            Whether it was created now (false if it already existed; its
            documentation is then left as it was).

        Raises
        ------
        CollectionNameError
            The name is not allowed.
        CollectionTypeError
            A collection of this name exists with another type.
        """
        check_collection_name(name)
        type = CollectionType(type)

        def work() -> tuple[CollectionRecord, bool]:
            try:
                result = self._db.sync(
                    self._collection,
                    keys={"name": name},
                    compared={"type": int(type)},
                    extra={"doc": doc},
                    returning=["collection_id"],
                )
            except ConflictingDefinitionError:
                existing = self._lock(name)
                raise CollectionTypeError(
                    f"Collection {name!r} already exists as {existing.type.name}; it cannot be "
                    f"registered as {type.name}. Choose another name or remove it first."
                ) from None
            assert result.returned is not None
            record = CollectionRecord(int(result.returned["collection_id"]), name, type)
            if result.inserted and type is CollectionType.RUN:
                self._db.insert(self._run, [{"collection_id": record.key, "timespan": None}])
            self._remember([record])
            return record, result.inserted

        return self._db.run(work, write=True)

    def get_type(self, name: str) -> CollectionType:
        """Return the type of a collection.

        Raises
        ------
        MissingCollectionError
            There is no such collection; the message suggests close names.
        """
        return self.find(name).type

    # ------------------------------------------------------------ documentation and runs

    def get_doc(self, name: str) -> str | None:
        """Return the documentation string of a collection, or `None`."""
        record = self.find(name)
        c = self._collection.c
        doc = self._db.fetch_scalar(sa.select(c.doc).where(c.collection_id == record.key))
        return None if doc is None else str(doc)

    def set_doc(self, name: str, doc: str | None) -> None:
        """Set (or with `None`, clear) the documentation string of a collection."""
        record = self.find(name)
        self._db.update(
            self._collection, {"collection_id": "key"}, [{"key": record.key, "doc": doc}]
        )

    def get_run(self, name: str) -> RunRecord:
        """Return what is recorded about a RUN collection.

        Raises
        ------
        CollectionTypeError
            The collection is not a RUN.
        """
        record = self.find(name)
        self.check_type(record, CollectionType.RUN)
        row = self._db.fetch_one(
            sa.select(self._run).where(self._run.c.collection_id == record.key)
        )
        if row is None:
            raise MissingCollectionError(f"RUN collection {name!r} has no run record.")
        values = self._db.decode_row(self._run, row)
        return RunRecord(name=name, host=values["host"], timespan=values["timespan"])

    def update_run(
        self, name: str, *, host: str | None = None, timespan: Timespan | None = None
    ) -> None:
        """Record where and when a RUN was made."""
        record = self.find(name)
        self.check_type(record, CollectionType.RUN)
        self._db.update(
            self._run,
            {"collection_id": "key"},
            [{"key": record.key, "host": host, "timespan": timespan}],
        )

    # ------------------------------------------------------------ search

    def query(
        self,
        expression: Any = ...,
        *,
        types: CollectionType | Iterable[CollectionType] = _ALL_TYPES,
        flatten_chains: bool = False,
        include_chains: bool | None = None,
    ) -> list[CollectionRecord]:
        """Return the collections matching an expression.

        Parameters
        ----------
        expression
            Names, globs, compiled regular expressions or ``...`` (see
            `CollectionExpression`); results keep the expression's order, the
            matches of each pattern sorted by name, without duplicates.
        types
            Only collections of these types are returned.
        flatten_chains
            Also return what matching CHAINED collections contain, after them.
        include_chains
            Return matching CHAINED collections themselves; by default, when
            not flattening.

        Raises
        ------
        MissingCollectionError
            A plain name (not a pattern) is unknown; the message suggests close names.
        """
        parsed = CollectionExpression.parse(expression)
        allowed = {types} if isinstance(types, CollectionType) else set(types)
        if include_chains is None:
            include_chains = not flatten_chains

        def read() -> list[CollectionRecord]:
            matched: list[CollectionRecord] = []
            everything = self.all_records() if parsed.has_patterns else []
            if parsed.everything:
                matched.extend(everything)
            for item in parsed.items:
                if isinstance(item, str):
                    matched.append(self.find(item))
                else:
                    matched.extend(r for r in everything if item.fullmatch(r.name))
            unique = list({r.key: r for r in matched}.values())
            if flatten_chains:
                graph = self._chain_graph(r.key for r in unique if r.type is CollectionType.CHAINED)
                unique = list(self._walk(unique, graph, include_chains=True))
            return [
                r
                for r in unique
                if r.type in allowed and (include_chains or r.type is not CollectionType.CHAINED)
            ]

        return self._db.run(read)

    # ------------------------------------------------------------ removal

    def remove(self, name: str) -> None:
        """Remove a collection and, through cascades, everything that belongs to it.

        Removing a RUN removes its datasets; removing a CHAINED collection
        removes only the chain itself, never its children.

        Raises
        ------
        MissingCollectionError
            There is no such collection.
        OrphanedRecordError
            The collection is a child of chains (named in the message), or
            something else still refers to it.
        """

        def work() -> CollectionRecord:
            record = self._lock(name)
            parents = self.get_parents(name)
            if parents:
                raise OrphanedRecordError(
                    f"Collection {name!r} cannot be removed: it is in chained collection(s) "
                    f"{parents}. Remove it from those chains first."
                )
            try:
                with self._db.transaction(write=True, savepoint=True):
                    self._db.delete(
                        self._collection, ["collection_id"], [{"collection_id": record.key}]
                    )
            except sa.exc.IntegrityError as err:
                raise OrphanedRecordError(
                    f"Collection {name!r} cannot be removed: other records still refer to it "
                    f"({err.orig})."
                ) from None
            return record

        record = self._db.run(work, write=True)
        self._forget(record)
