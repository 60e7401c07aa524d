"""What the parts of the dataset manager share: tables, lookups and checks."""

from __future__ import annotations

__all__ = ["DatasetStore", "chunked", "tai_now_nsec"]

import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ..._dataset_ref import DatasetRef
from ...dimensions import DataCoordinate, DimensionGroup
from ...errors import ConflictingDefinitionError, DatasetNotFoundError
from ..collections import CollectionManager, CollectionRecord
from ..databases import Database, PreparedStatements
from ._bulk import integrity_errors, uuid_encoder
from ._tables import DATASET_TABLE
from ._type_manager import DatasetTypeManager, DatasetTypeRecord

_T = TypeVar("_T")

_CHUNK = 10_000
"""Most values bound in one statement (SQLite allows 32766)."""

_LAST_KNOWN_TAI_MINUS_UTC = 37
"""TAI - UTC in seconds since the leap second of 2016-12-31, the last one so far."""


Values = tuple[Any, ...]
"""Required data ID values, in the dataset type's ``dimensions.required`` order."""


def tai_now_nsec() -> int:
    """Return the current time in TAI nanoseconds since 1970-01-01 TAI.

    Ingest dates are the only users, so whole-second accuracy is enough and
    loading astropy (a second on a cold start, paid by the first put of a
    process) is not worth it.
    """
    return time.time_ns() + _tai_minus_utc_nsec()


def _tai_minus_utc_nsec() -> int:
    """Return TAI - UTC: the kernel's figure when the host's time daemon set one.

    Read at every call (two clock reads, well under a microsecond), so a
    long-lived writer picks up a leap second when the kernel does.

    Linux's ``CLOCK_TAI`` runs ahead of the system clock by the offset that
    chrony or ntpd hand the kernel (a host that is told nothing keeps 0). A
    figure below the last known offset means it was not set, so the known
    offset is used; a later leap second is then picked up from any host that
    tracks them.
    """
    try:
        kernel = time.clock_gettime_ns(time.CLOCK_TAI) - time.time_ns()
    except (AttributeError, OSError):  # not Linux
        kernel = 0
    seconds = max(round(kernel / 1_000_000_000), _LAST_KNOWN_TAI_MINUS_UTC)
    return seconds * 1_000_000_000


def chunked(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    """Yield consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def describe_data_id(dims: Sequence[str], values: Values) -> str:
    """Return required values as ``{name: value, ...}`` for messages."""
    return "{" + ", ".join(f"{d}: {v!r}" for d, v in zip(dims, values, strict=True)) + "}"


def _examples(items: Sequence[str], limit: int = 5) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


class DatasetStore:
    """Tables, helpers and checks shared by the dataset manager's parts.

    Parameters
    ----------
    db
        The registry database.
    tables
        Static tables by name, including ``dataset``.
    dataset_types
        The dataset type manager.
    collections
        The collection manager.
    """

    def __init__(
        self,
        db: Database,
        tables: Mapping[str, sa.Table],
        dataset_types: DatasetTypeManager,
        collections: CollectionManager,
    ) -> None:
        self._db = db
        self._dataset = tables[DATASET_TABLE]
        self._types = dataset_types
        self._collections = collections
        self._encode_uuid = uuid_encoder(db)
        self._integrity_errors = integrity_errors(db)
        self._statement_cache: dict[tuple[str, int], Any] = {}
        self._prepared = PreparedStatements(db)

    @staticmethod
    def _decode_uuid(value: Any) -> uuid.UUID:
        """Return a UUID read by the driver (raw bytes on SQLite) as a `uuid.UUID`."""
        return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))

    @property
    def dataset_types(self) -> DatasetTypeManager:
        """The dataset type manager."""
        return self._types

    @property
    def collections(self) -> CollectionManager:
        """The collection manager."""
        return self._collections

    @property
    def table(self) -> sa.Table:
        """The ``dataset`` table."""
        return self._dataset

    # ------------------------------------------------------------ inputs

    def _collection(self, name: str, expected: CollectionType) -> CollectionRecord:
        record = self._collections.find(name)
        self._collections.check_type(record, expected)
        return record

    @staticmethod
    def _standardize(group: DimensionGroup, data_ids: Iterable[Any]) -> list[DataCoordinate]:
        standardize = DataCoordinate.standardize
        return [standardize(data_id, dimensions=group) for data_id in data_ids]

    def _by_type(
        self, refs: Iterable[DatasetRef]
    ) -> dict[int, tuple[DatasetTypeRecord, list[DatasetRef]]]:
        """Group references by registered dataset type (components become composites)."""
        groups: dict[int, tuple[DatasetTypeRecord, list[DatasetRef]]] = {}
        for ref in refs:
            if ref.datasetType.isComponent():
                ref = ref.makeCompositeRef()
            record, _ = self._types.resolve(ref.datasetType)
            groups.setdefault(record.key, (record, []))[1].append(ref)
        return groups

    @staticmethod
    def _values(record: DatasetTypeRecord, refs: Sequence[DatasetRef]) -> list[Values]:
        group = record.dataset_type.dimensions
        return [
            DataCoordinate.standardize(ref.dataId, dimensions=group).required_values for ref in refs
        ]

    # ------------------------------------------------------------ SQL helpers

    def _fetch(
        self, statement: sa.Executable, params: Mapping[str, Any] | None = None
    ) -> list[Any]:
        """Run a (prepared) query with parameters and return its rows."""

        def read() -> list[Any]:
            with self._db.transaction() as connection:
                return list(connection.execute(statement, dict(params or {})))

        return self._db.run(read)

    def _key_condition(
        self, table: sa.Table, dims: Sequence[str], keys: Sequence[Values]
    ) -> sa.ColumnElement[bool]:
        """Return ``(dims) IN keys`` (true when there are no dimensions)."""
        if not dims:
            return sa.true()
        if len(dims) == 1:
            return table.c[dims[0]].in_([key[0] for key in keys])
        return sa.tuple_(*(table.c[d] for d in dims)).in_(list(keys))

    def _stored_refs(
        self, record: DatasetTypeRecord, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[int, int, Values | None]]:
        """Return ``id -> (dataset type key, run key, values in its run or None)``.

        Values are those of the dataset's row in the tag table of
        ``record`` in its run, so `None` when the dataset is of another type.
        """
        d, t = self._dataset.c, record.tags.c
        dims = record.dimensions
        found: dict[uuid.UUID, tuple[int, int, Values | None]] = {}
        query = (
            sa.select(d.id, d.dataset_type_id, d.run_id, t.dataset_id, *(t[n] for n in dims))
            .select_from(
                self._dataset.outerjoin(
                    record.tags, sa.and_(t.dataset_id == d.id, t.collection_id == d.run_id)
                )
            )
            .where(d.id.in_(sa.bindparam("ids", expanding=True)))
        )
        for chunk in chunked(ids):
            for row in self._fetch(query, {"ids": list(chunk)}):
                values = None if row[3] is None else tuple(row[4:])
                found[row[0]] = (int(row[1]), int(row[2]), values)
        return found

    def _check_known(
        self, record: DatasetTypeRecord, refs: Sequence[DatasetRef], values: Sequence[Values]
    ) -> None:
        """Refuse references that are not stored as given (unknown ID, other type or data ID).

        Raises
        ------
        DatasetNotFoundError
            Some IDs are unknown.
        ConflictingDefinitionError
            A stored dataset has another type, run or data ID than its reference.
        """
        stored = self._stored_refs(record, list(dict.fromkeys(ref.id for ref in refs)))
        missing = [str(ref) for ref in refs if ref.id not in stored]
        if missing:
            raise DatasetNotFoundError(
                f"{len(missing)} dataset(s) are not in the registry: {_examples(missing)}. "
                "Insert or import them first."
            )
        runs = self._collections.by_keys({run for _, run, _ in stored.values()})
        wrong = []
        for ref, value in zip(refs, values, strict=True):
            type_key, run_key, stored_values = stored[ref.id]
            run = runs[run_key].name if run_key in runs else str(run_key)
            if type_key != record.key:
                other = self._types.record_by_key(type_key).name
                wrong.append(f"{ref} is stored as a dataset of type {other!r}")
            elif run != ref.run:
                wrong.append(f"{ref} is stored in run {run!r}")
            elif stored_values != value:
                shown = describe_data_id(record.dimensions, stored_values or ())
                wrong.append(f"{ref} is stored with data ID {shown}")
        if wrong:
            raise ConflictingDefinitionError(
                f"References do not match the stored datasets: {_examples(wrong)}. Use the "
                "references the registry returned."
            )

    def _members(
        self, record: DatasetTypeRecord, collection_key: int, values: Sequence[Values]
    ) -> dict[Values, uuid.UUID]:
        """Return the IDs of datasets of a type in one RUN or TAGGED collection, by data ID."""
        t = record.tags.c
        found: dict[Values, uuid.UUID] = {}
        for chunk in chunked(values, max(1, 10_000 // max(1, len(record.dimensions)))):
            query = sa.select(t.dataset_id, *(t[d] for d in record.dimensions)).where(
                t.dataset_type_id == record.key,
                t.collection_id == collection_key,
                self._key_condition(record.tags, record.dimensions, chunk),
            )
            for row in self._db.fetch_all(query):
                found[tuple(row[1:])] = row[0]
        return found
