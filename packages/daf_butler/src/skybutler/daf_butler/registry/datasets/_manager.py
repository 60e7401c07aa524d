"""The dataset manager: inserting, importing, reading and removing datasets.

Bulk operations make one statement per table for the whole batch (or per
10,000 keys for lookups), in one write transaction: new rows go to the
driver directly (``executemany`` on SQLite, ``COPY`` on PostgreSQL, see
``_bulk.py``) and removals delete by primary key, never scanning a table.
Lookups are in ``_find.py``, TAGGED and CALIBRATION memberships in
``_associations.py``.
"""

from __future__ import annotations

__all__ = ["DatasetManager"]

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import ClassVar

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ..._dataset_ref import DatasetRef
from ..._dataset_type import DatasetType
from ..._uuid import DatasetIdGenEnum, make_dataset_id
from ...dimensions import DataCoordinate, DataId
from ...errors import ConflictingDefinitionError, RegistryError
from .._versioning import VersionedManager, VersionTuple
from ..collections import CollectionManager, CollectionRecord
from ..databases import Database, TableSpec
from ._associations import AssociationOperations
from ._bulk import bulk_delete, bulk_insert
from ._find import FindOperations
from ._ids import unique_ids
from ._store import Values, chunked, describe_data_id, tai_now_nsec
from ._tables import dataset_table_specs
from ._type_manager import DatasetTypeManager, DatasetTypeRecord

_DATASET_COLUMNS = ("id", "dataset_type_id", "ingest_date", "run_id")


class DatasetManager(FindOperations, AssociationOperations, VersionedManager):
    """Datasets of a repository: their rows, collection memberships and lookups.

    Parameters
    ----------
    db
        The registry database.
    tables
        The repository's static tables by name.
    dataset_types
        The dataset type manager.
    collections
        The collection manager.
    """

    short_name: ClassVar[str] = "datasets"
    schema_version: ClassVar[VersionTuple] = VersionTuple(2, 0, 0)

    def __init__(
        self,
        db: Database,
        tables: Mapping[str, sa.Table],
        dataset_types: DatasetTypeManager,
        collections: CollectionManager,
    ) -> None:
        super().__init__(db, tables, dataset_types, collections)

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return dataset_table_specs()

    def refresh(self) -> None:
        """Forget cached dataset types, collections and statements."""
        self._statement_cache.clear()
        self._prepared.clear()
        self._types.refresh()
        self._collections.refresh()

    # ------------------------------------------------------------ insertion

    def insert(
        self,
        dataset_type: DatasetType | str,
        run: str,
        data_ids: Iterable[DataId],
        id_generation_mode: DatasetIdGenEnum = DatasetIdGenEnum.UNIQUE,
    ) -> list[DatasetRef]:
        """Insert new datasets into a RUN collection.

        Parameters
        ----------
        dataset_type
            A registered dataset type (or its name); another storage class the
            registered one converts to is allowed and kept in the references.
        run
            The RUN collection.
        data_ids
            Data IDs (values of dimensions the dataset type lacks are ignored).
        id_generation_mode
            ``UNIQUE`` for new time-ordered IDs, or a deterministic mode.

        Returns
        -------
        refs
            The new datasets, in the order of ``data_ids``.

        Raises
        ------
        MissingDatasetTypeError
            The dataset type is not registered.
        MissingCollectionError
            The run does not exist.
        CollectionTypeError
            The collection is not a RUN.
        ConflictingDefinitionError
            A data ID is repeated, or the run already has a dataset of this
            type and data ID, or (deterministic IDs) the ID is taken; the
            message names them. Nothing is inserted.
        """
        record, ref_type = self._types.resolve(dataset_type)
        run_record = self._collection(run, CollectionType.RUN)
        coordinates = self._standardize(record.dataset_type.dimensions, data_ids)
        values = [c.required_values for c in coordinates]
        self._refuse_repeats(record, run, values)
        if id_generation_mode is DatasetIdGenEnum.UNIQUE:
            ids = unique_ids(len(coordinates))
        else:
            ids = [
                make_dataset_id(run, record.name, c.required, id_generation_mode)
                for c in coordinates
            ]
        self._db.run(self._write_new, record, run_record, ids, values, write=True)
        return [
            DatasetRef(ref_type, c, run, id=i, conform=False)
            for c, i in zip(coordinates, ids, strict=True)
        ]

    @staticmethod
    def _refuse_repeats(record: DatasetTypeRecord, run: str, values: Sequence[Values]) -> None:
        if len(set(values)) == len(values):
            return
        repeated = [v for v, n in Counter(values).items() if n > 1]
        shown = ", ".join(describe_data_id(record.dimensions, v) for v in repeated[:5])
        raise ConflictingDefinitionError(
            f"Cannot insert datasets of type {record.name!r} into run {run!r}: data ID(s) "
            f"{shown} are given more than once, and a run holds one dataset per dataset type "
            "and data ID."
        )

    def _write_new(
        self,
        record: DatasetTypeRecord,
        run: CollectionRecord,
        ids: Sequence[uuid.UUID],
        values: Sequence[Values],
    ) -> None:
        """Add dataset and RUN membership rows (call in a write transaction)."""
        if not ids:
            return
        governors = self._governor_values(record, values)
        now = tai_now_nsec()
        encode = self._encode_uuid
        type_key, run_key = record.key, run.key
        encoded = [encode(i) for i in ids]
        datasets = [(i, type_key, now, run_key) for i in encoded]
        tags = [(type_key, i, run_key, *v) for i, v in zip(encoded, values, strict=True)]
        try:
            with self._db.transaction(write=True, savepoint=True):
                self._types.summaries.ensure(run.key, record, governors)
                bulk_insert(self._db, self._dataset, _DATASET_COLUMNS, datasets)
                tag_columns = ("dataset_type_id", "dataset_id", "collection_id", *record.dimensions)
                bulk_insert(self._db, record.tags, tag_columns, tags)
        except self._integrity_errors as err:
            raise self._insert_conflict(record, run, ids, values, err) from err

    def _insert_conflict(
        self,
        record: DatasetTypeRecord,
        run: CollectionRecord,
        ids: Sequence[uuid.UUID],
        values: Sequence[Values],
        error: Exception,
    ) -> RegistryError | ConflictingDefinitionError:
        """Explain why new rows were refused (the savepoint was rolled back)."""
        problems: list[str] = []
        taken = self._stored_refs(record, ids)
        if taken:
            runs = self._collections.by_keys(r for _, r, _ in taken.values())
            problems.extend(
                f"ID {i} is already used by a dataset in run {runs[r].name if r in runs else r!r}"
                for i, (_, r, _) in list(taken.items())[:5]
            )
        existing = self._members(record, run.key, values)
        problems.extend(
            f"data ID {describe_data_id(record.dimensions, v)} already has dataset {i}"
            for v, i in list(existing.items())[:5]
        )
        if not problems:
            return RegistryError(
                f"Cannot insert datasets of type {record.name!r} into run {run.name!r}: the "
                f"database refused them ({error}). If dataset tables have foreign keys to "
                "dimension tables, a data ID may name a dimension record that does not exist."
            )
        count = len(taken) + len(existing)
        return ConflictingDefinitionError(
            f"Cannot insert datasets of type {record.name!r} into run {run.name!r}: "
            f"{count} conflict(s) with existing datasets: {'; '.join(problems[:5])}. A run "
            "holds one dataset per dataset type and data ID, and dataset IDs are unique; "
            "nothing was inserted."
        )

    def import_(
        self, dataset_type: DatasetType | str, run: str, refs: Iterable[DatasetRef]
    ) -> list[DatasetRef]:
        """Insert datasets with the IDs they already have.

        References already stored exactly as given are skipped, so importing
        twice does nothing the second time.

        Returns
        -------
        refs
            The datasets, with the registered dataset type (or the given one,
            if its storage class differs).

        Raises
        ------
        ConflictingDefinitionError
            A reference's run or dataset type differs from those given, an ID
            is stored with another type, run or data ID, two references share
            an ID or a data ID, or the run has another dataset of a type and
            data ID.
        """
        record, ref_type = self._types.resolve(dataset_type)
        run_record = self._collection(run, CollectionType.RUN)
        refs = list(refs)
        wrong = [str(r) for r in refs if r.run != run or r.datasetType.name != record.name]
        if wrong:
            raise ConflictingDefinitionError(
                f"Cannot import into run {run!r} as {record.name!r} references of another run "
                f"or dataset type: {'; '.join(wrong[:5])}."
            )
        group = record.dataset_type.dimensions
        coordinates = self._standardize(group, (r.dataId for r in refs))
        by_id: dict[uuid.UUID, tuple[DataCoordinate, Values]] = {}
        for ref, coordinate in zip(refs, coordinates, strict=True):
            value = coordinate.required_values
            previous = by_id.setdefault(ref.id, (coordinate, value))
            if previous[1] != value:
                raise ConflictingDefinitionError(
                    f"Dataset ID {ref.id} is given twice with different data IDs "
                    f"({previous[0]} and {coordinate}); IDs are unique."
                )
        ids = list(by_id)
        values = [v for _, v in by_id.values()]
        self._refuse_repeats(record, run, values)

        def work() -> None:
            stored = self._stored_refs(record, ids)
            conflicts = [
                f"{i} is stored in another run, type or data ID"
                for i, v in zip(ids, values, strict=True)
                if i in stored and stored[i] != (record.key, run_record.key, v)
            ]
            if conflicts:
                raise ConflictingDefinitionError(
                    f"Cannot import datasets of type {record.name!r} into run {run!r}: dataset "
                    f"ID(s) {'; '.join(conflicts[:5])}; IDs are unique across the repository."
                )
            new = [(i, v) for i, v in zip(ids, values, strict=True) if i not in stored]
            self._write_new(record, run_record, [i for i, _ in new], [v for _, v in new])

        self._db.run(work, write=True)
        return [DatasetRef(ref_type, by_id[i][0], run, id=i, conform=False) for i in ids]

    # ------------------------------------------------------------ reading

    def get_ref(self, id: uuid.UUID | str) -> DatasetRef | None:
        """Return the dataset with this ID, or `None`.

        Two statements compiled once (the dataset row, then its row in the
        run's tag table) run straight on the driver in one read transaction.
        """
        dataset_id = id if isinstance(id, uuid.UUID) else uuid.UUID(str(id))
        encoded = self._encode_uuid(dataset_id)
        d = self._dataset.c

        def read() -> DatasetRef | None:
            with self._db.transaction() as connection:
                rows = self._prepared.execute(
                    connection,
                    ("dataset",),
                    lambda: sa.select(d.dataset_type_id, d.run_id).where(
                        d.id == sa.bindparam("id")
                    ),
                    {"id": encoded},
                )
                if not rows:
                    return None
                type_key, run_key = int(rows[0][0]), int(rows[0][1])
                record = self._types.record_by_key(type_key)
                t = record.tags.c
                tagged = self._prepared.execute(
                    connection,
                    ("run-tags", record.key),
                    lambda: sa.select(t.dataset_id, *(t[n] for n in record.dimensions)).where(
                        t.dataset_id == sa.bindparam("id"), t.collection_id == sa.bindparam("run")
                    ),
                    {"id": encoded, "run": run_key},
                )
                if not tagged:  # pragma: no cover (a damaged repository)
                    return None
                run = self._collections.by_keys([run_key])[run_key].name
            group = record.dataset_type.dimensions
            return DatasetRef(
                record.dataset_type,
                DataCoordinate.from_required_values(group, tuple(tagged[0][1:])),
                run,
                id=dataset_id,
                conform=False,
            )

        return self._db.run(read)

    def known_ids(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Return those of these dataset IDs the registry has (one indexed lookup per chunk)."""
        unique = list(dict.fromkeys(ids))
        d = self._dataset.c
        if len(unique) == 1:
            # The hot case (Butler.exists): one statement compiled once, run on the driver.
            encoded = self._encode_uuid(unique[0])

            def read_one() -> set[uuid.UUID]:
                with self._db.transaction() as connection:
                    rows = self._prepared.execute(
                        connection,
                        ("dataset-known",),
                        lambda: sa.select(d.id).where(d.id == sa.bindparam("id")),
                        {"id": encoded},
                    )
                return set(unique) if rows else set()

            return self._db.run(read_one)
        query = sa.select(d.id).where(d.id.in_(sa.bindparam("ids", expanding=True)))

        def read() -> set[uuid.UUID]:
            return {
                row[0] for chunk in chunked(unique) for row in self._fetch(query, {"ids": chunk})
            }

        return self._db.run(read)

    def get_refs(self, ids: Iterable[uuid.UUID | str]) -> list[DatasetRef]:
        """Return the datasets with these IDs, in order, leaving out unknown ones."""
        wanted = [i if isinstance(i, uuid.UUID) else uuid.UUID(str(i)) for i in ids]
        unique = list(dict.fromkeys(wanted))
        d = self._dataset.c
        query = sa.select(d.id, d.dataset_type_id, d.run_id).where(
            d.id.in_(sa.bindparam("ids", expanding=True))
        )

        def read() -> dict[uuid.UUID, DatasetRef]:
            by_type: dict[int, list[uuid.UUID]] = {}
            runs: dict[uuid.UUID, int] = {}
            for chunk in chunked(unique):
                for dataset_id, type_key, run_key in self._fetch(query, {"ids": list(chunk)}):
                    by_type.setdefault(int(type_key), []).append(dataset_id)
                    runs[dataset_id] = int(run_key)
            names = self._collections.by_keys(set(runs.values()))
            found: dict[uuid.UUID, DatasetRef] = {}
            for type_key, type_ids in by_type.items():
                record = self._types.record_by_key(type_key)
                group = record.dataset_type.dimensions
                for dataset_id, (_, _, value) in self._stored_refs(record, type_ids).items():
                    if value is None:  # pragma: no cover (a damaged repository)
                        continue
                    found[dataset_id] = DatasetRef(
                        record.dataset_type,
                        DataCoordinate.from_required_values(group, value),
                        names[runs[dataset_id]].name,
                        id=dataset_id,
                        conform=False,
                    )
            return found

        found = self._db.run(read)
        return [found[i] for i in wanted if i in found]

    # ------------------------------------------------------------ collections

    def filter_collections_with_type(
        self, names: Iterable[str], dataset_type: DatasetType | str
    ) -> list[str]:
        """Return the collections (in order) that may hold datasets of a type.

        A chain qualifies when one of the collections it contains does. The
        answer comes from the collection summaries, so a collection whose
        datasets of the type were all removed may still be listed.
        """
        name = dataset_type if isinstance(dataset_type, str) else dataset_type.name
        record = self._types.record(DatasetType.splitDatasetTypeName(name)[0])
        names = list(names)
        leaves: dict[str, set[int]] = {}
        for collection in self._collections.find_many(names):
            if collection.type is CollectionType.CHAINED:
                leaves[collection.name] = {
                    r.key for r in self._collections.flatten(collection.name)
                }
            else:
                leaves[collection.name] = {collection.key}
        keys = sorted(set().union(*leaves.values())) if leaves else []
        table = self._types.summaries.table
        present: set[int] = set()
        for chunk in chunked(keys):
            rows = self._db.fetch_all(
                sa.select(table.c.collection_id).where(
                    table.c.dataset_type_id == record.key, table.c.collection_id.in_(chunk)
                )
            )
            present.update(int(row[0]) for row in rows)
        return [n for n in names if leaves[n] & present]

    def before_collection_removal(self, name: str) -> None:
        """Prepare for the removal of a collection by the collection manager.

        Nothing needs refusing: tag and calibration rows (and a RUN's
        datasets, with their memberships everywhere) go with the collection
        through ``ON DELETE CASCADE``. Cached summary rows are forgotten.
        """
        self._collections.find(name)  # a clear error for an unknown name, before any work
        self._types.summaries.refresh()

    # ------------------------------------------------------------ removal

    def remove(self, refs: Iterable[DatasetRef]) -> int:
        """Remove datasets from the registry, with all their collection memberships.

        Unknown datasets are ignored.

        Returns
        -------
        count
            The number of datasets removed.
        """
        groups = self._by_type(refs)

        def work() -> int:
            removed = 0
            encode = self._encode_uuid
            for record, type_refs in groups.values():
                ids = list(dict.fromkeys(encode(ref.id) for ref in type_refs))
                bulk_delete(self._db, record.tags, "dataset_id", ids)
                if record.calibs is not None:
                    bulk_delete(self._db, record.calibs, "dataset_id", ids)
                removed += bulk_delete(self._db, self._dataset, "id", ids)
            return removed

        return self._db.run(work, write=True)
