"""Reading what a collection holds, for exports: its datasets and their associations.

These read the dataset manager's tables directly (one query per dataset type
the collection's summary lists), so exports need neither the query system
nor changes to the managers.
"""

from __future__ import annotations

__all__ = ["DatasetAssociation", "collection_associations", "collection_datasets"]

import dataclasses
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._timespan import Timespan

if TYPE_CHECKING:
    from ..registry import Registry
    from ..registry.datasets import DatasetTypeRecord


@dataclasses.dataclass(frozen=True)
class DatasetAssociation:
    """A dataset's membership of a collection (upstream's name and fields)."""

    ref: DatasetRef
    """The dataset."""
    collection: str
    """The collection's name."""
    timespan: Timespan | None
    """The validity range in a CALIBRATION collection, otherwise `None`."""


def _type_records(registry: Registry, collection_key: int) -> list[DatasetTypeRecord]:
    """Return the dataset types the summary of a collection lists."""
    managers = registry._managers
    table = managers.dataset_types.summaries.table
    rows = managers.db.fetch_all(
        sa.select(table.c.dataset_type_id).where(table.c.collection_id == collection_key)
    )
    records = [managers.dataset_types.record_by_key(int(row[0])) for row in rows]
    return sorted(records, key=lambda r: r.name)


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(bytes=bytes(value))


def _rows(
    registry: Registry, collection: str
) -> tuple[CollectionType, list[tuple[uuid.UUID, Timespan | None]]]:
    """Return a collection's type and its (dataset ID, validity) memberships."""
    managers = registry._managers
    record = managers.collections.find(collection)
    found: list[tuple[uuid.UUID, Timespan | None]] = []
    if record.type is CollectionType.CHAINED:
        return record.type, found

    def read() -> None:
        for type_record in _type_records(registry, record.key):
            if record.type is CollectionType.CALIBRATION:
                calibs = type_record.calibs
                if calibs is None:
                    continue
                query = sa.select(calibs).where(
                    calibs.c.collection_id == record.key,
                    calibs.c.dataset_type_id == type_record.key,  # tables are per dimensions
                )
                for row in managers.db.fetch_all(query):
                    values = managers.db.decode_row(calibs, row)
                    found.append((_as_uuid(values["dataset_id"]), values["validity"]))
            else:
                tags = type_record.tags
                query = sa.select(tags.c.dataset_id).where(
                    tags.c.collection_id == record.key,
                    tags.c.dataset_type_id == type_record.key,
                )
                found.extend((_as_uuid(row[0]), None) for row in managers.db.fetch_all(query))

    managers.db.run(read)
    return record.type, found


def collection_datasets(registry: Registry, collection: str) -> list[DatasetRef]:
    """Return the datasets of a RUN, TAGGED or CALIBRATION collection (none for a chain).

    Raises
    ------
    MissingCollectionError
        There is no such collection.
    """
    _, rows = _rows(registry, collection)
    ids = list(dict.fromkeys(dataset_id for dataset_id, _ in rows))
    return registry._managers.datasets.get_refs(ids)


def collection_associations(
    registry: Registry,
    collection: str,
    refs: Iterable[DatasetRef] | None = None,
) -> list[DatasetAssociation]:
    """Return the memberships of a TAGGED or CALIBRATION collection.

    Parameters
    ----------
    registry
        The registry.
    collection
        The collection's name.
    refs
        Only the memberships of these datasets (all when `None`).

    Returns
    -------
    associations
        Ordered by dataset, then validity range; empty for other collection types.
    """
    kind, rows = _rows(registry, collection)
    if kind not in (CollectionType.TAGGED, CollectionType.CALIBRATION):
        return []
    if refs is None:
        by_id = {ref.id: ref for ref in registry._managers.datasets.get_refs({i for i, _ in rows})}
    else:
        by_id = {ref.id: ref for ref in refs}
    result = [
        DatasetAssociation(by_id[dataset_id], collection, timespan)
        for dataset_id, timespan in rows
        if dataset_id in by_id
    ]
    result.sort(
        key=lambda a: (a.ref.datasetType.name, a.ref.id, a.timespan.nsec if a.timespan else ())
    )
    return result
