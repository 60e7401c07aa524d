"""Adding datasets to TAGGED and CALIBRATION collections, and taking them out.

Every operation runs in one write transaction and checks its references
first (they must be stored as given), then makes one statement per table
for the whole batch. Overlapping validity ranges are refused with a message
naming both datasets and ranges: PostgreSQL's exclusion constraint catches
them (the message is built after the fact), SQLite has no such constraint
so they are looked for before inserting, which the write transaction makes
safe (SQLite runs one writer at a time).
"""

from __future__ import annotations

__all__ = ["AssociationOperations"]

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ..._dataset_ref import DatasetRef
from ..._dataset_type import DatasetType
from ..._timespan import Timespan
from ...dimensions import DataId
from ...errors import CollectionTypeError, ConflictingDefinitionError, TimespanError
from ..collections import CollectionRecord
from ._bulk import bulk_delete, bulk_insert
from ._store import DatasetStore, Values, chunked, describe_data_id
from ._type_manager import DatasetTypeRecord


class AssociationOperations(DatasetStore):
    """Tagging, certification and their reversal, for the dataset manager."""

    # ------------------------------------------------------------ shared

    def _governor_values(
        self, record: DatasetTypeRecord, values: Iterable[Values]
    ) -> dict[str, set[Any]]:
        dims = record.dimensions
        positions = {g: dims.index(g) for g in record.dataset_type.dimensions.governors}
        result: dict[str, set[Any]] = {g: set() for g in positions}
        for value in values:
            for governor, position in positions.items():
                result[governor].add(value[position])
        return result

    def _unique_refs(
        self, record: DatasetTypeRecord, refs: Sequence[DatasetRef], action: str, where: str
    ) -> tuple[list[DatasetRef], list[Values]]:
        """Drop repeated references; refuse two datasets with one data ID."""
        values = self._values(record, refs)
        by_id: dict[uuid.UUID, tuple[DatasetRef, Values]] = {}
        by_values: dict[Values, DatasetRef] = {}
        for ref, value in zip(refs, values, strict=True):
            if ref.id in by_id:
                continue
            other = by_values.setdefault(value, ref)
            if other.id != ref.id:
                raise ConflictingDefinitionError(
                    f"Cannot {action} both {other} and {ref} {where}: they have the same dataset "
                    f"type and data ID {describe_data_id(record.dimensions, value)}, and a "
                    "collection holds at most one such dataset (at a time)."
                )
            by_id[ref.id] = (ref, value)
        return [r for r, _ in by_id.values()], [v for _, v in by_id.values()]

    # ------------------------------------------------------------ TAGGED

    def associate(self, collection: str, refs: Iterable[DatasetRef]) -> None:
        """Add datasets to a TAGGED collection (those already in it are left alone).

        Raises
        ------
        CollectionTypeError
            The collection is not TAGGED.
        DatasetNotFoundError
            A reference is not in the registry.
        ConflictingDefinitionError
            Another dataset of the same type and data ID is in the collection
            (or among ``refs``), or a reference differs from the stored dataset.
        """
        tagged = self._collection(collection, CollectionType.TAGGED)
        groups = self._by_type(refs)

        def work() -> None:
            for record, type_refs in groups.values():
                self._associate(tagged, record, type_refs)

        self._db.run(work, write=True)

    def _associate(
        self, tagged: CollectionRecord, record: DatasetTypeRecord, refs: list[DatasetRef]
    ) -> None:
        where = f"in TAGGED collection {tagged.name!r}"
        refs, values = self._unique_refs(record, refs, "tag", where)
        self._check_known(record, refs, values)

        def check() -> list[tuple[DatasetRef, Values]]:
            existing = self._members(record, tagged.key, values)
            conflicts = [
                f"{ref} (the collection has {existing[value]})"
                for ref, value in zip(refs, values, strict=True)
                if existing.get(value, ref.id) != ref.id
            ]
            if conflicts:
                raise ConflictingDefinitionError(
                    f"Cannot tag {len(conflicts)} dataset(s) {where}: another dataset of the "
                    f"same type and data ID is already there: {'; '.join(conflicts[:5])}. "
                    "Disassociate it first."
                )
            return [(r, v) for r, v in zip(refs, values, strict=True) if v not in existing]

        new = check()
        if not new:
            return
        self._types.summaries.ensure(
            tagged.key, record, self._governor_values(record, (v for _, v in new))
        )
        encode = self._encode_uuid
        rows = [(record.key, encode(ref.id), tagged.key, *value) for ref, value in new]
        columns = ("dataset_type_id", "dataset_id", "collection_id", *record.dimensions)
        try:
            with self._db.transaction(write=True, savepoint=True):
                bulk_insert(self._db, record.tags, columns, rows)
        except self._integrity_errors:
            check()  # a concurrent writer tagged a conflicting dataset: name it
            raise

    def disassociate(self, collection: str, refs: Iterable[DatasetRef]) -> None:
        """Remove datasets from a TAGGED collection (those not in it are ignored).

        Raises
        ------
        CollectionTypeError
            The collection is not TAGGED.
        """
        tagged = self._collection(collection, CollectionType.TAGGED)
        groups = self._by_type(refs)

        def work() -> None:
            for record, type_refs in groups.values():
                ids = list(dict.fromkeys(self._encode_uuid(ref.id) for ref in type_refs))
                bulk_delete(
                    self._db, record.tags, "dataset_id", ids, where=("collection_id", tagged.key)
                )

        self._db.run(work, write=True)

    # ------------------------------------------------------------ CALIBRATION

    @staticmethod
    def _calibs(record: DatasetTypeRecord) -> sa.Table:
        if record.calibs is None:
            raise CollectionTypeError(
                f"Dataset type {record.name!r} is not a calibration dataset type "
                "(isCalibration=False), so its datasets cannot be certified in (or decertified "
                "from) CALIBRATION collections; register a calibration dataset type for them."
            )
        return record.calibs

    def _overlapping(
        self,
        record: DatasetTypeRecord,
        collection_key: int,
        values: Sequence[Values] | None,
        timespan: Timespan,
        *,
        lock: bool = False,
    ) -> list[dict[str, Any]]:
        """Return calibration rows of a type and collection whose validity overlaps a timespan.

        Only rows with the given data ID values, unless `None`. With
        ``lock``, the rows are locked until the transaction ends.
        """
        calibs = self._calibs(record)
        c = calibs.c
        validity = self._db.timespan(c, "validity")
        base = sa.select(calibs).where(
            c.dataset_type_id == record.key,
            c.collection_id == collection_key,
            validity.overlaps(timespan),
        )
        if values is None:
            queries = [base]
        else:
            size = max(1, 10_000 // max(1, len(record.dimensions)))
            queries = [
                base.where(self._key_condition(calibs, record.dimensions, chunk))
                for chunk in chunked(values, size)
            ]
        rows: list[dict[str, Any]] = []
        for query in queries:
            result = self._db.lock_rows(query) if lock else self._db.fetch_all(query)
            rows.extend(self._db.decode_row(calibs, row) for row in result)
        return rows

    def certify(self, collection: str, refs: Iterable[DatasetRef], timespan: Timespan) -> None:
        """Certify datasets in a CALIBRATION collection for a validity range.

        Raises
        ------
        CollectionTypeError
            The collection is not CALIBRATION, or a dataset type is not a
            calibration type.
        DatasetNotFoundError
            A reference is not in the registry.
        ConflictingDefinitionError
            A dataset of the same type and data ID is already certified there
            for an overlapping range (the message names it and both ranges),
            or two references share a data ID, or a reference differs from
            the stored dataset.
        TimespanError
            The timespan is empty.
        """
        calib = self._collection(collection, CollectionType.CALIBRATION)
        if timespan.isEmpty():
            raise TimespanError(
                f"Cannot certify datasets in {collection!r} for an empty validity range; give "
                "a timespan with begin < end (None for unbounded)."
            )
        groups = self._by_type(refs)
        for record, _ in groups.values():
            self._calibs(record)

        def work() -> None:
            for record, type_refs in groups.values():
                self._certify(calib, record, type_refs, timespan)

        self._db.run(work, write=True)

    def _certify(
        self,
        calib: CollectionRecord,
        record: DatasetTypeRecord,
        refs: list[DatasetRef],
        timespan: Timespan,
    ) -> None:
        where = f"in CALIBRATION collection {calib.name!r} for the same validity range"
        refs, values = self._unique_refs(record, refs, "certify", where)
        self._check_known(record, refs, values)

        def check() -> None:
            conflicts = self._overlapping(record, calib.key, values, timespan)
            if conflicts:
                raise self._certify_conflict(calib, record, conflicts, timespan)

        if self._db.dialect_name != "postgresql":
            check()  # PostgreSQL's exclusion constraint does this (see the module docstring)
        self._types.summaries.ensure(calib.key, record, self._governor_values(record, values))
        rows = [
            {
                "dataset_type_id": record.key,
                "dataset_id": ref.id,
                "collection_id": calib.key,
                **dict(zip(record.dimensions, value, strict=True)),
                "validity": timespan,
            }
            for ref, value in zip(refs, values, strict=True)
        ]
        try:
            with self._db.transaction(write=True, savepoint=True):
                self._db.insert(self._calibs(record), rows)
        except self._integrity_errors:
            check()
            raise

    def _certify_conflict(
        self,
        calib: CollectionRecord,
        record: DatasetTypeRecord,
        conflicts: list[dict[str, Any]],
        timespan: Timespan,
    ) -> ConflictingDefinitionError:
        described = [
            f"dataset {row['dataset_id']} with data ID "
            f"{describe_data_id(record.dimensions, tuple(row[d] for d in record.dimensions))} "
            f"is certified for {row['validity']}"
            for row in conflicts
        ]
        return ConflictingDefinitionError(
            f"Cannot certify datasets of type {record.name!r} in CALIBRATION collection "
            f"{calib.name!r} for {timespan}: that range overlaps existing certifications of "
            f"the same data ID: {'; '.join(described[:5])}"
            f"{f'; and {len(described) - 5} more' if len(described) > 5 else ''}. Decertify "
            "the overlap first, or choose a validity range that does not overlap."
        )

    def decertify(
        self,
        collection: str,
        dataset_type: DatasetType | str,
        timespan: Timespan,
        *,
        data_ids: Iterable[DataId] | None = None,
    ) -> None:
        """Remove a validity range from the certifications of a dataset type.

        Certifications inside ``timespan`` are removed, those partly inside
        are trimmed, and one spanning it entirely is split in two.

        Parameters
        ----------
        collection
            A CALIBRATION collection.
        dataset_type
            A calibration dataset type (or its name).
        timespan
            The range to remove; ``Timespan(None, None)`` removes everything.
        data_ids
            Only the certifications of these data IDs (default: all).

        Raises
        ------
        CollectionTypeError
            The collection is not CALIBRATION, or the dataset type is not a
            calibration type.
        """
        calib = self._collection(collection, CollectionType.CALIBRATION)
        record, _ = self._types.resolve(dataset_type)
        calibs = self._calibs(record)
        values = None
        if data_ids is not None:
            group = record.dataset_type.dimensions
            values = list(
                dict.fromkeys(d.required_values for d in self._standardize(group, data_ids))
            )

        def work() -> None:
            rows = self._overlapping(record, calib.key, values, timespan, lock=True)
            if not rows:
                return
            self._db.delete(calibs, ["id"], [{"id": row["id"]} for row in rows])
            pieces = [
                {**{k: v for k, v in row.items() if k != "id"}, "validity": piece}
                for row in rows
                for piece in row["validity"].difference(timespan)
            ]
            self._db.insert(calibs, pieces)

        self._db.run(work, write=True)
