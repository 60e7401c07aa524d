"""Lazy query results: nothing runs until they are iterated, counted or tested.

Each result object holds a `QuerySpec` and the driver; the methods that
refine a query (`order_by`, `limit`, `with_dimension_records`...) return a
new object, and iterating streams rows from the database.
"""

from __future__ import annotations

__all__ = [
    "DataCoordinateQueryResults",
    "DatasetRefQueryResults",
    "DimensionRecordQueryResults",
    "QueryResultsBase",
]

import dataclasses
import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Self

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..dimensions import (
    DataCoordinate,
    DimensionGroup,
    DimensionRecord,
    DimensionRecordSet,
    DimensionRecordTable,
)
from ..errors import InvalidQueryError
from ._driver import QueryDriver
from ._explain import explain_no_results
from ._spec import QuerySpec


class QueryResultsBase:
    """What every kind of result can do."""

    def __init__(self, driver: QueryDriver, spec: QuerySpec) -> None:
        self._driver = driver
        self._spec = spec

    def _replace(self, **changes: Any) -> Self:
        return type(self)(self._driver, dataclasses.replace(self._spec, **changes))

    @property
    def spec(self) -> QuerySpec:
        """The query these results come from."""
        return self._spec

    def count(self, *, exact: bool = True, discard: bool = False) -> int:
        """Return the number of results.

        Parameters
        ----------
        exact
            Count exactly, even when regions must be tested after the query
            (which means reading every row); otherwise an upper bound may be
            returned.
        discard
            Accepted for upstream compatibility (rows are never kept).
        """
        return self._driver.count(self._driver.plan(self._spec), exact=exact)

    def any(self, *, execute: bool = True, exact: bool = True) -> bool:
        """Return whether there is at least one result."""
        return self._driver.any(self._driver.plan(self._spec), execute=execute, exact=exact)

    def explain_no_results(self, execute: bool = True) -> list[str]:
        """Return the reasons the query finds nothing (an empty list if it finds something)."""
        return explain_no_results(self._driver, self._spec)

    def order_by(self, *args: str) -> Self:
        """Return results sorted by these fields (``-`` in front for descending)."""
        return self._replace(order_by=tuple(args))

    def limit(self, limit: int | None = None, offset: int = 0) -> Self:
        """Return at most ``limit`` results, after skipping ``offset``."""
        return self._replace(limit=limit, offset=offset)

    def with_dimension_records(self) -> Self:
        """Return results whose data IDs carry their dimension records."""
        return self._replace(with_records=True)

    def expanded(self) -> Self:
        """Return results whose data IDs carry their dimension records (upstream's older name)."""
        return self.with_dimension_records()


class DataCoordinateQueryResults(QueryResultsBase):
    """Data IDs of a query."""

    @property
    def dimensions(self) -> DimensionGroup:
        """The dimensions of the data IDs."""
        return self._spec.dimensions

    def __iter__(self) -> Iterator[DataCoordinate]:
        driver = self._driver
        return driver.data_ids(driver.plan(self._spec))

    def hasFull(self) -> bool:
        """Return `True`: data IDs always have their implied values."""
        return True

    def hasRecords(self) -> bool:
        """Return whether the data IDs carry their dimension records."""
        return self._spec.with_records

    def subset(
        self, dimensions: DimensionGroup | Iterable[str] | None = None, *, unique: bool = True
    ) -> DataCoordinateQueryResults:
        """Return the distinct data IDs of fewer dimensions, keeping every constraint."""
        universe = self._driver.universe
        group = self.dimensions if dimensions is None else universe.conform(dimensions)
        joined = self._spec.joined + tuple(self.dimensions.names)
        spec = dataclasses.replace(self._spec, dimensions=group, joined=joined)
        return DataCoordinateQueryResults(self._driver, spec)

    def materialize(self) -> DataCoordinateQueryResults:
        """Return these results (queries are cheap to run again; nothing is materialized)."""
        return self

    def findDatasets(
        self, datasetType: DatasetType | str, collections: Any, *, findFirst: bool = True
    ) -> DatasetRefQueryResults:
        """Return the datasets of a type found for these data IDs, in the collections."""
        from ._datasets import resolve_search

        search = resolve_search(self._driver.managers, datasetType, collections, findFirst)
        spec = dataclasses.replace(
            self._spec,
            kind="datasets",
            dimensions=search.dataset_type.dimensions,
            joined=self._spec.joined + tuple(self.dimensions.names),
            result_search=search,
        )
        return DatasetRefQueryResults(self._driver, spec)


class DatasetRefQueryResults(QueryResultsBase):
    """Dataset references of a query (one dataset type)."""

    @property
    def dataset_type(self) -> DatasetType:
        """The dataset type of the results."""
        search = self._spec.result_search
        assert search is not None
        if search.component is not None:
            return search.dataset_type.makeComponentDatasetType(search.component)
        return search.dataset_type

    def __iter__(self) -> Iterator[DatasetRef]:
        driver = self._driver
        return driver.datasets(driver.plan(self._spec))

    def byParentDatasetType(self) -> Iterator[DatasetRefQueryResults]:
        """Yield results per parent dataset type (here, these results)."""
        yield self

    @property
    def dataIds(self) -> DataCoordinateQueryResults:
        """The data IDs of these datasets."""
        spec = dataclasses.replace(self._spec, kind="data_ids")
        return DataCoordinateQueryResults(self._driver, spec)

    def materialize(self) -> DatasetRefQueryResults:
        """Return these results (nothing is materialized)."""
        return self


class DimensionRecordQueryResults(QueryResultsBase):
    """Dimension records of a query (one element)."""

    @property
    def element(self) -> str:
        """The name of the element whose records these are."""
        assert self._spec.element is not None
        return self._spec.element

    def __iter__(self) -> Iterator[DimensionRecord]:
        driver = self._driver
        return driver.records(driver.plan(self._spec))

    def _pages(self, page_size: int) -> Iterator[list[DimensionRecord]]:
        if page_size < 1:
            raise InvalidQueryError(f"A page holds at least one record (page_size={page_size}).")
        rows = iter(self)
        while page := list(itertools.islice(rows, page_size)):
            yield page

    def iter_table_pages(self, page_size: int = 50_000) -> Iterator[DimensionRecordTable]:
        """Yield the records as tables of at most ``page_size`` rows each, in result order.

        One query streams under all the pages: only a page is in memory at a time.
        """
        universe = self._driver.universe
        for page in self._pages(page_size):
            yield DimensionRecordTable(self.element, page, universe=universe)

    def iter_set_pages(self, page_size: int = 50_000) -> Iterator[DimensionRecordSet]:
        """Yield the records as sets of at most ``page_size`` records each."""
        universe = self._driver.universe
        for page in self._pages(page_size):
            yield DimensionRecordSet(self.element, page, universe=universe)
