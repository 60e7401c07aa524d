"""Query datasets, data IDs and dimension records: the work behind the ``query-*`` commands.

Each function returns a `QueryTables`: the tables to print and, when
nothing was found, the reasons the query system gives. A ``limit`` follows
the command line's rule: ``0`` means no limit, a negative value caps the
results and warns when the cap is reached.
"""

from __future__ import annotations

__all__ = [
    "QueryTables",
    "dataset_table",
    "find_refs",
    "query_data_ids",
    "query_datasets",
    "query_dimension_records",
]

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .. import _progress as progress
from ..errors import CollectionNameError, InvalidQueryError, MissingDatasetTypeError
from ._repo import open_butler
from ._table import Table

if TYPE_CHECKING:
    from .._butler import Butler
    from .._dataset_ref import DatasetRef
    from .._dataset_type import DatasetType
    from ..queries import Query

_LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class QueryTables:
    """What a query command prints: tables, or why there are none.

    ``tables`` holds one table per dataset type for `query_datasets` and a
    single table otherwise; ``reasons`` the explanations of an empty result
    (empty when something was found).
    """

    tables: tuple[Table, ...]
    reasons: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether no table has a row."""
        return not any(table.rows for table in self.tables)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _collections(collections: Sequence[str], find_first: bool) -> Any:
    if collections:
        return list(collections)
    if find_first:
        raise CollectionNameError(
            "Searching with --find-first needs an ordered list of collections: pass --collections."
        )
    return ...


def _dataset_types(butler: Butler, names: Sequence[str]) -> list[DatasetType]:
    """Return the registered dataset types matching names and globs (all when empty)."""
    missing: list[str] = []
    found = butler.registry.queryDatasetTypes(list(names) if names else ..., missing=missing)
    if missing:
        raise MissingDatasetTypeError(
            f"Dataset type(s) {missing} are not registered; 'butler query-dataset-types REPO' "
            "lists those that are."
        )
    return list(found)


def _limited(results: Any, limit: int, offset: int, what: str) -> list[Any]:
    """Run ``results`` with the command line's ``limit`` rule (0: all; negative: cap and warn)."""
    desc = f"Reading {what}"
    if limit > 0:
        return list(progress.iterate(results.limit(limit, offset), desc=desc))
    if limit == 0:
        return list(progress.iterate(results.limit(None, offset) if offset else results, desc=desc))
    cap = -limit
    items = list(progress.iterate(results.limit(cap + 1, offset), desc=desc))
    if len(items) > cap:
        _LOG.warning(
            "The query returned more than %d %s; only the first %d are shown. Pass a larger "
            "--limit, or --limit 0 for all.",
            cap,
            what,
            cap,
        )
        items = items[:cap]
    return items


def _base_query(butler: Butler, where: str) -> Query:
    query: Query = butler.query()
    return query.where(where) if where else query


def _constrained(
    butler: Butler, query: Query, datasets: Sequence[str], collections: Sequence[str]
) -> Query:
    for dataset_type in _dataset_types(butler, datasets) if datasets else ():
        query = query.join_dataset_search(dataset_type, _collections(collections, False))
    return query


def find_refs(
    butler: Butler,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
    order_by: Sequence[str] = (),
) -> list[DatasetRef]:
    """Return the datasets of the types matching ``dataset_type`` (all when empty).

    The query options of the commands that act on datasets
    (``transfer-datasets``, ``retrieve-artifacts``, ``prune-datasets``):
    ``limit`` and ``order_by`` apply to each dataset type.
    """
    search = _collections(collections, find_first)
    query = _base_query(butler, where)
    refs: list[DatasetRef] = []
    for definition in _dataset_types(butler, dataset_type):
        results = query.datasets(definition, search, find_first=find_first)
        if order_by:
            results = results.order_by(*order_by)
        refs.extend(_limited(results, limit, 0, f"datasets of type {definition.name!r}"))
    return refs


def dataset_table(refs: Sequence[DatasetRef]) -> Table:
    """Return a table of datasets: type, run, ID and data ID (as ``key=value`` text)."""
    rows = tuple(
        (
            ref.datasetType.name,
            ref.run,
            str(ref.id),
            ", ".join(f"{k}={v}" for k, v in ref.dataId.required.items()),
        )
        for ref in refs
    )
    return Table(("type", "run", "id", "data ID"), rows)


def _uri_rows(butler: Butler, ref: DatasetRef, row: tuple[str, ...]) -> list[tuple[str, ...]]:
    if not butler.datastore.knows(ref):
        return [(*row, "(not stored)")]
    primary, components = butler.datastore.getURIs(ref)
    if primary is not None:
        return [(*row, str(primary))]
    name = ref.datasetType.name
    return [
        (f"{name}.{component}", *row[1:], str(uri)) for component, uri in sorted(components.items())
    ]


def query_datasets(
    repo: str,
    glob: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = -20_000,
    order_by: Sequence[str] = (),
    show_uri: bool = False,
) -> QueryTables:
    """Return the datasets of the dataset types matching ``glob``, one table per type.

    Parameters
    ----------
    repo
        The repository.
    glob
        Dataset type names and glob patterns; every dataset type when empty.
    collections
        Collections to search (names or globs); every collection when
        empty (not with ``find_first``).
    where
        A ``where`` expression.
    find_first
        Keep, for each data ID, only the dataset in the first collection
        that has one (needs an ordered list of collections).
    limit
        The most datasets per type: ``0`` for all, negative to cap and warn.
    order_by
        Fields to sort by (``-`` in front for descending).
    show_uri
        Add a column with the URI of each file (one row per component for
        datasets stored as several files).

    Raises
    ------
    MissingDatasetTypeError
        A dataset type named without a pattern is not registered.
    MissingCollectionError
        A named collection does not exist.
    InvalidQueryError
        The ``where`` expression is malformed (the message shows where).
    """
    search = _collections(collections, find_first)
    with open_butler(repo, without_datastore=not show_uri) as butler:
        query = _base_query(butler, where)
        tables: list[Table] = []
        reasons: list[str] = []
        for dataset_type in _dataset_types(butler, glob):
            results = query.datasets(dataset_type, search, find_first=find_first)
            if order_by:
                results = results.order_by(*order_by)
            refs = _limited(results, limit, 0, f"datasets of type {dataset_type.name!r}")
            if not refs:
                reasons.extend(results.explain_no_results())
                continue
            dimensions = list(dataset_type.dimensions.required)
            columns = ("type", "run", "id", *dimensions) + (("URI",) if show_uri else ())
            rows: list[tuple[str, ...]] = []
            for ref in refs:
                row = (
                    dataset_type.name,
                    ref.run,
                    str(ref.id),
                    *(_cell(ref.dataId.required[d]) for d in dimensions),
                )
                rows.extend(_uri_rows(butler, ref, row) if show_uri else [row])
            tables.append(Table(columns, tuple(rows)))
        if not tables and not reasons:
            reasons.append("No dataset types match.")
        return QueryTables(tuple(tables), tuple(reasons) if not tables else ())


def query_data_ids(
    repo: str,
    dimensions: Sequence[str] = (),
    collections: Sequence[str] = (),
    datasets: Sequence[str] = (),
    where: str = "",
    order_by: Sequence[str] = (),
    limit: int = -20_000,
    offset: int = 0,
) -> QueryTables:
    """Return data IDs of ``dimensions`` (by default, those of ``datasets``) matching a query.

    Parameters
    ----------
    repo
        The repository.
    dimensions
        Dimensions of the data IDs (their implied dimensions are added).
    collections
        Collections searched for ``datasets``; every collection when empty.
    datasets
        Dataset types (names or globs): keep the data IDs that have a
        dataset of each type in ``collections``.
    where
        A ``where`` expression.
    order_by
        Fields to sort by (``-`` in front for descending).
    limit
        The most data IDs: ``0`` for all, negative to cap and warn.
    offset
        Data IDs to skip first.

    Raises
    ------
    InvalidQueryError
        Neither dimensions nor datasets are given, or the expression is bad.
    """
    if not dimensions and not datasets:
        raise InvalidQueryError(
            "Nothing to query: name DIMENSIONS (e.g. 'visit detector') or dataset types with "
            "--datasets."
        )
    with open_butler(repo, without_datastore=True) as butler:
        query = _constrained(butler, _base_query(butler, where), datasets, collections)
        results = query.data_ids(list(dimensions) if dimensions else None)
        if order_by:
            results = results.order_by(*order_by)
        data_ids = _limited(results, limit, offset, "data IDs")
        group = results.dimensions
        columns = tuple(group.required) + tuple(group.implied)
        rows = tuple(tuple(_cell(d.mapping.get(c)) for c in columns) for d in data_ids)
        reasons = () if rows else tuple(results.explain_no_results())
        return QueryTables((Table(columns, rows),), reasons)


def _record_columns(records: Iterable[Any], element: Any) -> tuple[str, ...]:
    first = next(iter(records), None)
    if first is not None:
        return tuple(first.toDict())
    return tuple(element.minimal_group.required)


def query_dimension_records(
    repo: str,
    element: str,
    datasets: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    order_by: Sequence[str] = (),
    limit: int = -20_000,
    offset: int = 0,
) -> QueryTables:
    """Return the records of a dimension element matching a query.

    Parameters
    ----------
    repo
        The repository.
    element
        The dimension element (``detector``, ``visit``...).
    datasets
        Dataset types (names or globs): keep records of data IDs that have
        a dataset of each type in ``collections``.
    collections
        Collections searched for ``datasets``; every collection when empty.
    where
        A ``where`` expression.
    order_by
        Fields to sort by (``-`` in front for descending).
    limit
        The most records: ``0`` for all, negative to cap and warn.
    offset
        Records to skip first.

    Raises
    ------
    DimensionNameError
        ``element`` is not in the repository's universe.
    """
    with open_butler(repo, without_datastore=True) as butler:
        definition = butler.dimensions[element]
        query = _constrained(butler, _base_query(butler, where), datasets, collections)
        results = query.dimension_records(element)
        if order_by:
            results = results.order_by(*order_by)
        records = _limited(results, limit, offset, f"{element} records")
        columns = _record_columns(records, definition)
        rows = tuple(tuple(_cell(v) for v in record.toDict().values()) for record in records)
        reasons = () if rows else tuple(results.explain_no_results())
        return QueryTables((Table(columns, rows),), reasons)
