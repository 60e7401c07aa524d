"""The one-call query functions behind the Butler's ``query_*`` methods.

`query_data_ids`, `query_datasets` and `query_dimension_records` build a
`Query` from a data ID, keywords and a ``where`` string, and apply
upstream's ``limit`` rules: a negative limit caps the results and warns
when the cap is reached; with ``explain=True``, an empty result raises
`EmptyQueryResultError` with the reasons. `legacy_query` is the query of a
``registry.query*`` call.
"""

from __future__ import annotations

__all__ = ["legacy_query", "query_data_ids", "query_datasets", "query_dimension_records"]

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..dimensions import DataCoordinate, DimensionElement, DimensionGroup, DimensionRecord
from ..errors import EmptyQueryResultError, InvalidQueryError
from ._query import Query, normalize_data_id

if TYPE_CHECKING:
    from ..registry import Registry

_LOG = logging.getLogger(__name__)


def _with_defaults(registry: Registry, data_id: dict[str, Any]) -> dict[str, Any]:
    defaults = registry.defaults.dataId
    merged = {k: v for k, v in defaults.items() if k not in data_id} if defaults else {}
    merged.update(data_id)
    return merged


def _query(
    registry: Registry,
    data_id: DataCoordinate | Mapping[str, Any] | None,
    where: str,
    bind: Mapping[str, Any] | None,
    kwargs: Mapping[str, Any],
) -> Query:
    expressions: list[tuple[str, Mapping[str, Any]]] = []
    values = normalize_data_id(registry, data_id, kwargs, expressions)
    if where:
        expressions.append((where, dict(bind or {})))
    elif bind:
        raise InvalidQueryError(
            f"Bind values {sorted(bind)} were given without a where expression."
        )
    return Query(registry, where=tuple(expressions), data_id=_with_defaults(registry, values))


def _finish(results: Any, limit: int | None, order_by: Any, explain: bool, what: str) -> list[Any]:
    if order_by:
        results = results.order_by(*([order_by] if isinstance(order_by, str) else order_by))
    cap = None
    if limit is not None and limit < 0:
        cap = -limit
        results = results.limit(cap + 1)
    elif limit is not None:
        results = results.limit(limit)
    items = list(results)
    if cap is not None and len(items) > cap:
        _LOG.warning(
            "The query returned more than %d %s; only the first %d are kept. Pass a larger "
            "limit, or limit=None for all.",
            cap,
            what,
            cap,
        )
        items = items[:cap]
    if explain and not items and limit != 0:
        reasons = results.explain_no_results()
        raise EmptyQueryResultError(reasons)
    return items


def query_data_ids(
    registry: Registry,
    dimensions: Iterable[str] | str | DimensionGroup,
    *,
    data_id: DataCoordinate | Mapping[str, Any] | None = None,
    where: str = "",
    bind: Mapping[str, Any] | None = None,
    with_dimension_records: bool = False,
    order_by: Iterable[str] | str | None = None,
    limit: int | None = -20_000,
    explain: bool = True,
    **kwargs: Any,
) -> list[DataCoordinate]:
    """Return the data IDs of ``dimensions`` matching the constraints."""
    results = _query(registry, data_id, where, bind, kwargs).data_ids(dimensions)
    if with_dimension_records:
        results = results.with_dimension_records()
    return _finish(results, limit, order_by, explain, "data IDs")


def query_datasets(
    registry: Registry,
    dataset_type: DatasetType | str,
    collections: Any = None,
    *,
    find_first: bool = True,
    data_id: DataCoordinate | Mapping[str, Any] | None = None,
    where: str = "",
    bind: Mapping[str, Any] | None = None,
    with_dimension_records: bool = False,
    order_by: Iterable[str] | str | None = None,
    limit: int | None = -20_000,
    explain: bool = True,
    **kwargs: Any,
) -> list[DatasetRef]:
    """Return the datasets of a type matching the constraints (see `Butler.query_datasets`)."""
    query = _query(registry, data_id, where, bind, kwargs)
    results = query.datasets(dataset_type, collections, find_first=find_first)
    if with_dimension_records:
        results = results.with_dimension_records()
    return _finish(results, limit, order_by, explain, "datasets")


def query_dimension_records(
    registry: Registry,
    element: str | DimensionElement,
    *,
    data_id: DataCoordinate | Mapping[str, Any] | None = None,
    where: str = "",
    bind: Mapping[str, Any] | None = None,
    order_by: Iterable[str] | str | None = None,
    limit: int | None = -20_000,
    explain: bool = True,
    **kwargs: Any,
) -> list[DimensionRecord]:
    """Return the records of an element matching the constraints."""
    results = _query(registry, data_id, where, bind, kwargs).dimension_records(element)
    return _finish(results, limit, order_by, explain, "records")


def legacy_query(
    registry: Registry,
    data_id: DataCoordinate | Mapping[str, Any] | None,
    where: str,
    bind: Mapping[str, Any] | None,
    kwargs: Mapping[str, Any],
    datasets: Any,
    collections: Any,
) -> Query:
    """Return the query of a ``registry.query*`` call (``datasets`` become constraints)."""
    query = _query(registry, data_id, where, bind, kwargs)
    if datasets is not None:
        names = [datasets] if isinstance(datasets, (str, DatasetType)) else datasets
        types = registry._managers.dataset_types.query(names)
        for dataset_type in types:
            query = query.join_dataset_search(dataset_type, collections)
    return query
