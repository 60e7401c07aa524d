"""``Butler.query_all_datasets``: the datasets of every type matching a name, in collections.

One query per dataset type (types sorted by name), each constrained by the
same data ID, keywords and ``where`` expression, and the refs chained. A
dimension the ``where`` names that a dataset type lacks is joined in, as in
any query: ``where="visit = 12"`` keeps the raws of exposure 12 and every
dataset without exposure or visit dimensions, provided visit 12 exists.
Dataset types the collection summaries rule out are not queried at all.

``order_by`` sorts the refs of each dataset type whose dimensions have every
field named; types without them keep their usual order (sorting a type
by a dimension it does not have would join that dimension in and repeat its
refs). The ``limit`` applies to all refs together, with upstream's rule for
negative limits (see `query_datasets`).
"""

from __future__ import annotations

__all__ = ["query_all_datasets"]

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..dimensions import DataCoordinate
from ..errors import InvalidQueryError
from ._chained import ChainedDatasetQueryResults
from ._columns import DatasetField, DimensionField, DimensionKey
from ._identifiers import IdentifierResolver
from ._one_call import _finish, _query
from ._query import collections_or_default
from ._results import DatasetRefQueryResults

if TYPE_CHECKING:
    from ..registry import Registry


def _orderable(dataset_type: DatasetType, order_by: tuple[str, ...]) -> bool:
    """Return whether every ``order_by`` term refers to the dataset type's own dimensions."""
    group = dataset_type.dimensions
    resolver = IdentifierResolver(group.universe, group, [dataset_type.name])
    for term in order_by:
        try:
            ref = resolver.resolve(term.removeprefix("-"))
        except InvalidQueryError:
            return False
        if isinstance(ref, DimensionKey) and ref.dimension not in group.names:
            return False
        if isinstance(ref, DimensionField) and ref.element not in group.elements:
            return False
        if not isinstance(ref, (DimensionKey, DimensionField, DatasetField)):
            return False
    return True


def query_all_datasets(
    registry: Registry,
    collections: Any = None,
    *,
    name: str | Iterable[str] = "*",
    find_first: bool = True,
    data_id: DataCoordinate | Mapping[str, Any] | None = None,
    where: str = "",
    bind: Mapping[str, Any] | None = None,
    limit: int | None = -20_000,
    order_by: Iterable[str] | str | None = None,
    with_dimension_records: bool = False,
    **kwargs: Any,
) -> list[DatasetRef]:
    """Return the datasets of every dataset type matching ``name`` in the collections.

    Parameters
    ----------
    registry
        The registry queried.
    collections
        Collections to search (default: the registry's default collections).
        Patterns need ``find_first=False``.
    name
        Dataset type names or glob patterns (``*`` for all).
    find_first
        Keep, for each dataset type and data ID, only the dataset of the
        first collection that has one.
    data_id, where, bind, **kwargs
        Constraints, as for `query_datasets`.
    limit
        At most this many refs in all; negative: at most ``-limit``, with a
        warning when more were found; `None`: all of them.
    order_by
        Fields to sort each dataset type's refs by (see the module docstring).
    with_dimension_records
        Give the refs' data IDs their dimension records.

    Raises
    ------
    InvalidQueryError
        A constraint is malformed, or an ``order_by`` term is a field of
        none of the dataset types found.
    CollectionNameError
        ``find_first`` with collection patterns (as `query_datasets`).
    MissingCollectionError
        A collection does not exist, or none were given and there are no
        defaults.
    """
    collections = collections_or_default(registry, collections)
    query = _query(registry, data_id, where, bind, kwargs)
    terms = (order_by,) if isinstance(order_by, str) else tuple(order_by or ())
    parts: list[DatasetRefQueryResults] = []
    sorted_by: set[str] = set()
    for dataset_type in registry._managers.dataset_types.query(name):
        if dataset_type.isComponent():
            continue
        results = query.datasets(dataset_type, collections, find_first=find_first)
        search = results.spec.result_search
        if search is not None and not search.collections:
            continue  # the collection summaries say there are none
        if with_dimension_records:
            results = results.with_dimension_records()
        orderable = [t for t in terms if _orderable(dataset_type, (t,))]
        sorted_by.update(orderable)
        if terms and len(orderable) == len(terms):
            results = results.order_by(*terms)
        parts.append(results)
    unknown = [t for t in terms if t not in sorted_by]
    if parts and unknown:
        names = sorted(p.dataset_type.name for p in parts)
        raise InvalidQueryError(
            f"Cannot order by {unknown[0]!r}: it is a field of none of the dataset types found "
            f"({', '.join(names)})."
        )
    return _finish(ChainedDatasetQueryResults(parts), limit, None, False, "datasets")
