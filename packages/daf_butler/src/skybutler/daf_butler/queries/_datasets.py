"""Dataset searches: which datasets of one type are in which collections.

A search becomes one subquery over the dataset type's tag table (RUN and
TAGGED collections) and, for calibration types, its calibration table
(CALIBRATION collections, with the validity range), each joined to
``dataset`` for the run and ingest date (in RUN collections the run is the
collection, and the ingest date a correlated subquery the database drops
when it is not selected). A ``rank`` column gives each
collection's position in the search path; find-first keeps, for each
result row's data ID, the rows of the lowest rank (`FIND_FIRST_RANK`, a
window function applied by the driver after every other constraint).

Collections are resolved (chains flattened) and pruned with the collection
summaries first: one that cannot hold the dataset type, or holds none of
the governor values asked for, is left out, and the reason is kept for
`explain_no_results`.
"""

from __future__ import annotations

__all__ = ["DatasetSearch", "resolve_search", "search_relation"]

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from .._collection_type import CollectionType
from .._dataset_type import DatasetType
from ..errors import CollectionNameError, DatasetTypeError
from ..registry import RegistryManagers
from ..registry.collections import CollectionRecord, is_pattern
from ..registry.datasets import DatasetTypeRecord

_SEARCHABLE = (CollectionType.RUN, CollectionType.TAGGED, CollectionType.CALIBRATION)


@dataclasses.dataclass
class DatasetSearch:
    """A resolved search for datasets of one type."""

    record: DatasetTypeRecord
    dataset_type: DatasetType
    """The (parent) dataset type, as registered."""
    collections: list[CollectionRecord]
    """Collections searched, in order, chains flattened, pruned by summaries."""
    find_first: bool
    collection_names: tuple[str, ...]
    """The collections as given (for messages)."""
    messages: list[str] = dataclasses.field(default_factory=list)
    """Why collections were left out."""
    component: str | None = None

    @property
    def name(self) -> str:
        """The parent dataset type name."""
        return self.dataset_type.name

    @property
    def has_calibrations(self) -> bool:
        """Whether a CALIBRATION collection is searched."""
        return any(c.type is CollectionType.CALIBRATION for c in self.collections)


def _flatten(
    managers: RegistryManagers, collections: Sequence[str] | str | Any, find_first: bool
) -> tuple[list[CollectionRecord], tuple[str, ...]]:
    if collections is ... or collections == "*":
        if find_first:
            raise CollectionNameError(
                "find_first=True needs an ordered list of collections, not a wildcard; pass "
                "find_first=False to search every collection."
            )
        records = managers.collections.query(..., flatten_chains=True, include_chains=False)
        return records, ("*",)
    names = (collections,) if isinstance(collections, str) else tuple(collections)
    patterns = [n for n in names if not isinstance(n, str) or is_pattern(n)]
    if patterns:
        if find_first:
            raise CollectionNameError(
                f"find_first=True needs an ordered list of collections, but {patterns[0]!r} is "
                "a pattern; list the collections or pass find_first=False."
            )
        records = managers.collections.query(names, flatten_chains=True, include_chains=False)
        return records, tuple(str(n) for n in names)
    return managers.collections.flatten(names), names


def resolve_search(
    managers: RegistryManagers,
    dataset_type: DatasetType | str,
    collections: Sequence[str] | str | Any,
    find_first: bool,
    governors: Mapping[str, Iterable[Any]] | None = None,
) -> DatasetSearch:
    """Resolve a dataset type and a collection expression into a search.

    Raises
    ------
    MissingDatasetTypeError
        The dataset type is not registered.
    MissingCollectionError
        A named collection does not exist.
    CollectionNameError
        A pattern was given with ``find_first``.
    """
    name = dataset_type if isinstance(dataset_type, str) else dataset_type.name
    parent, component = DatasetType.splitDatasetTypeName(name)
    record, registered = managers.dataset_types.resolve(
        parent if isinstance(dataset_type, str) or component else dataset_type
    )
    flattened, given = _flatten(managers, collections, find_first)
    search = DatasetSearch(record, record.dataset_type, [], find_first, given, component=component)
    if component is not None and component not in (
        registered.storageClass.allComponents() if registered.storageClass_name else {}
    ):
        raise DatasetTypeError(
            f"Dataset type {parent!r} has no component {component!r}."
        )  # pragma: no cover (resolve refuses unknown components)
    summaries = managers.dataset_types.summaries
    for collection in flattened:
        if collection.type not in _SEARCHABLE:
            continue
        if collection.type is CollectionType.CALIBRATION and record.calibs is None:
            search.messages.append(
                f"Collection {collection.name!r} is a CALIBRATION collection, which cannot hold "
                f"datasets of the non-calibration type {search.name!r}."
            )
            continue
        summary = summaries.get(collection.name)
        if record.key not in summary.dataset_type_keys:
            search.messages.append(
                f"No datasets of type {search.name!r} in collection {collection.name!r}."
            )
            continue
        mismatch = _governor_mismatch(summary.governors, governors or {}, record)
        if mismatch:
            search.messages.append(
                f"No datasets of type {search.name!r} with {mismatch} in collection "
                f"{collection.name!r}."
            )
            continue
        search.collections.append(collection)
    if not flattened:
        search.messages.append(f"No collections match {list(given)}.")
    return search


def _governor_mismatch(
    stored: Mapping[str, frozenset[object]],
    wanted: Mapping[str, Iterable[Any]],
    record: DatasetTypeRecord,
) -> str | None:
    for governor, values in wanted.items():
        if governor not in record.dataset_type.dimensions.names:
            continue
        have = stored.get(governor, frozenset())
        asked = set(values)
        if not asked & have:
            shown = sorted(str(v) for v in asked)
            return f"{governor} in {shown}"
    return None


def search_relation(
    managers: RegistryManagers, search: DatasetSearch, alias: str
) -> tuple[sa.Subquery, dict[str, sa.ColumnElement[Any]]]:
    """Return the subquery of a search and its dimension key columns.

    Its columns: ``dataset_id``, ``collection_id``, ``run_id``,
    ``ingest_date``, ``rank``, one per required dimension of the dataset
    type, and the validity timespan columns (``validity``; NULL for datasets
    found in RUN and TAGGED collections).
    """
    db = managers.db
    record = search.record
    dataset = managers.datasets.table
    dims = record.dimensions
    positions = {c.key: i for i, c in enumerate(search.collections)}
    representation = db.timespan_representation
    validity_names = representation.column_names("validity")

    def rank(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        if len(positions) <= 1 or not search.find_first:
            return sa.literal(0).label("rank")
        return sa.case(positions, value=column, else_=len(positions)).label("rank")

    parts: list[sa.Select[Any]] = []
    certified = [c.key for c in search.collections if c.type is CollectionType.CALIBRATION]
    if certified and record.calibs is not None:
        c = record.calibs.c
        parts.append(
            sa.select(
                c.dataset_id,
                c.collection_id,
                dataset.c.run_id,
                dataset.c.ingest_date,
                rank(c.collection_id),
                *(c[d] for d in dims),
                *(c[n] for n in representation.column_names("validity")),
            )
            .join_from(record.calibs, dataset, dataset.c.id == c.dataset_id)
            .where(c.dataset_type_id == record.key, c.collection_id.in_(certified))
        )
    runs = [c.key for c in search.collections if c.type is CollectionType.RUN]
    tagged = [c.key for c in search.collections if c.type is CollectionType.TAGGED]
    if runs or tagged or not parts:
        t = record.tags.c
        validity_types = (
            [record.calibs.c[n].type for n in validity_names] if record.calibs is not None else []
        )
        nulls = [
            sa.cast(sa.null(), validity_types[i]).label(n) if validity_types else sa.null().label(n)
            for i, n in enumerate(validity_names)
        ]
        if runs or not (tagged or parts):
            # In a RUN collection a dataset's run is the collection itself: no join to
            # ``dataset`` (a random lookup per row) unless the ingest date is asked for.
            ingest_date = (
                sa.select(dataset.c.ingest_date)
                .where(dataset.c.id == t.dataset_id)
                .scalar_subquery()
                .label("ingest_date")
            )
            parts.append(
                sa.select(
                    t.dataset_id,
                    t.collection_id,
                    t.collection_id.label("run_id"),
                    ingest_date,
                    rank(t.collection_id),
                    *(t[d] for d in dims),
                    *nulls,
                ).where(t.dataset_type_id == record.key, t.collection_id.in_(runs))
            )
        if tagged:
            parts.append(
                sa.select(
                    t.dataset_id,
                    t.collection_id,
                    dataset.c.run_id,
                    dataset.c.ingest_date,
                    rank(t.collection_id),
                    *(t[d] for d in dims),
                    *nulls,
                )
                .join_from(record.tags, dataset, dataset.c.id == t.dataset_id)
                .where(t.dataset_type_id == record.key, t.collection_id.in_(tagged))
            )
    union: sa.Select[Any] | sa.CompoundSelect[Any] = (
        parts[0] if len(parts) == 1 else sa.union_all(*parts)
    )
    subquery = union.subquery(alias)
    return subquery, {d: subquery.c[d] for d in dims}
