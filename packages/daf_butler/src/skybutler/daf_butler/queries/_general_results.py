"""`GeneralQueryResults`: rows of dimension keys, record fields and dataset fields.

Iterating yields one dict per row, keyed by dimension name (``visit``;
required and implied dimensions), ``element.field``
(``visit.exposure_time``, ``visit.region``, ``exposure.timespan``) and
``dataset_type.field`` (``raw.dataset_id``, ``raw.run``, ``raw.collection``,
``raw.ingest_date``, ``bias.timespan``). Timespans come back as `Timespan`,
regions as regions, ingest dates as `astropy.time.Time` (TAI), and a
dataset's validity is `None` when it was found in a RUN or TAGGED
collection. `GeneralQueryResults.iter_tuples` pairs each row with its data
ID and the refs of chosen dataset types.
"""

from __future__ import annotations

__all__ = ["GeneralQueryResults", "GeneralResultTuple", "general_results"]

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..dimensions import DataCoordinate, DimensionGroup
from ..errors import InvalidQueryError
from ..registry.collections import is_pattern
from ._general import DatasetFieldsArg, DimensionFieldsArg, resolve_fields
from ._plan import Plan
from ._results import QueryResultsBase

if TYPE_CHECKING:
    from ._query import Query

_BATCH = 1_000


class GeneralResultTuple(NamedTuple):
    """One row of a general query, as `GeneralQueryResults.iter_tuples` yields it."""

    data_id: DataCoordinate
    """The row's data ID (of the query's dimensions, with implied values)."""
    refs: list[DatasetRef]
    """One ref per dataset type asked for, in the order asked."""
    raw_row: dict[str, Any]
    """The row as iteration yields it."""


class GeneralQueryResults(QueryResultsBase):
    """Rows of a ``Query.general`` query (see the module docstring for their keys)."""

    @property
    def dimensions(self) -> DimensionGroup:
        """The dimensions of the rows' data IDs."""
        return self._spec.dimensions

    @property
    def dataset_types(self) -> tuple[str, ...]:
        """Names of the dataset types whose fields the rows carry."""
        assert self._spec.general is not None
        return self._spec.general.dataset_types

    def _dicts(self, plan: Plan) -> Iterator[dict[str, Any]]:
        driver = self._driver
        decode = driver.general_decoder(plan)
        rows = driver.rows(plan)
        if plan.statement is not None and not plan.post and not plan.constants:
            labels = [str(c.key) for c in plan.statement.selected_columns]
            rows = (dict(zip(labels, row, strict=True)) for row in rows)
        return map(decode, rows)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._dicts(self._driver.plan(self._spec))

    def iter_tuples(self, *dataset_types: DatasetType | str) -> Iterator[GeneralResultTuple]:
        """Yield each row with its data ID and the refs of these dataset types.

        Parameters
        ----------
        *dataset_types
            Dataset types whose fields the query returns (``dataset_fields``
            or ``'type.field'`` names given to ``Query.general``).

        Raises
        ------
        InvalidQueryError
            A dataset type's fields are not among the results.
        """
        searches = {s.name: s for s in self._spec.searches}
        wanted = []
        for dataset_type in dataset_types:
            name = dataset_type if isinstance(dataset_type, str) else dataset_type.name
            if name not in self.dataset_types:
                raise InvalidQueryError(
                    f"The rows carry no fields of dataset type {name!r} (they have "
                    f"{list(self.dataset_types) or 'none'}); name it in dataset_fields of "
                    "Query.general."
                )
            wanted.append(searches[name].dataset_type)
        group = self.dimensions
        keys = group.data_coordinate_keys
        rows = iter(self)
        expand = self._driver.managers.dimensions.expand_data_ids
        while batch := list(itertools.islice(rows, _BATCH)):
            make = DataCoordinate.from_full_values
            data_ids = [make(group, tuple(r[k] for k in keys)) for r in batch]
            if self._spec.with_records:
                data_ids = expand(data_ids)
            for row, data_id in zip(batch, data_ids, strict=True):
                refs = [
                    DatasetRef(
                        dataset_type,
                        data_id.subset(dataset_type.dimensions),
                        run=row[f"{dataset_type.name}.run"],
                        id=row[f"{dataset_type.name}.dataset_id"],
                    )
                    for dataset_type in wanted
                ]
                yield GeneralResultTuple(data_id, refs, row)


def general_results(
    query: Query,
    dimensions: Iterable[str] | DimensionGroup | str,
    names: Iterable[str],
    dimension_fields: DimensionFieldsArg,
    dataset_fields: DatasetFieldsArg,
    find_first: bool | None,
) -> GeneralQueryResults:
    """Return the results of ``query.general(...)`` (see `Query.general`)."""
    universe = query._registry.dimensions
    if isinstance(dimensions, str):
        dimensions = [dimensions]
    try:
        group = (
            dimensions if isinstance(dimensions, DimensionGroup) else universe.conform(dimensions)
        )
    except (KeyError, ValueError) as err:
        raise InvalidQueryError(f"Bad dimensions for a general query: {err}") from None
    searched = tuple(s.name for s in query._searches)
    dataset_dimensions = {s.name: s.dataset_type.dimensions for s in query._searches}
    group, fields = resolve_fields(
        universe, group, names, dimension_fields, dataset_fields, dataset_dimensions
    )
    with_fields = fields.dataset_types
    searches = list(query._searches)
    patterns = {
        s.name: [n for n in s.collection_names if n == "*" or is_pattern(n)] for s in searches
    }
    if find_first is None:
        # By default, find-first when it can be done: one dataset type, ordered collections.
        find_first = len(with_fields) == 1 and not patterns[with_fields[0]]
    if find_first:
        if len(with_fields) != 1:
            raise InvalidQueryError(
                "find_first=True needs exactly one dataset type with fields in the results, "
                f"not {list(with_fields) or 'none'}; pass find_first=False."
            )
        index = searched.index(with_fields[0])
        search = searches[index]
        if patterns[search.name]:
            raise InvalidQueryError(
                f"find_first=True needs an ordered list of collections, but {search.name!r} is "
                f"searched in {patterns[search.name][0]!r}; list the collections or pass "
                "find_first=False."
            )
        searches[index] = dataclasses.replace(search, find_first=True)
    spec = query._spec("general", group, general=fields, searches=tuple(searches))
    return GeneralQueryResults(query._driver, spec)
