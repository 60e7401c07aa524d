"""Dataset results of several dataset types, as ``registry.queryDatasets(...)`` returns."""

from __future__ import annotations

__all__ = ["ChainedDatasetQueryResults"]

import itertools
from collections.abc import Iterator, Sequence

from .._dataset_ref import DatasetRef
from ._results import DatasetRefQueryResults


class ChainedDatasetQueryResults:
    """The results of one query per dataset type, one after the other.

    Parameters
    ----------
    parts
        Results of each dataset type.
    """

    def __init__(self, parts: Sequence[DatasetRefQueryResults], limit: int | None = None) -> None:
        self._parts = list(parts)
        self._limit = limit

    def __iter__(self) -> Iterator[DatasetRef]:
        refs = itertools.chain.from_iterable(self._parts)
        if self._limit is not None:
            # Stops reading (and querying further types) once enough refs are found.
            return itertools.islice(refs, self._limit)
        return refs

    def limit(self, limit: int | None = None) -> ChainedDatasetQueryResults:
        """Return at most ``limit`` refs in all (`None` for all of them)."""
        return ChainedDatasetQueryResults(self._parts, limit)

    def order_by(self, *args: str) -> ChainedDatasetQueryResults:
        """Return results with each dataset type's refs sorted by these fields."""
        return ChainedDatasetQueryResults([p.order_by(*args) for p in self._parts], self._limit)

    def byParentDatasetType(self) -> Iterator[DatasetRefQueryResults]:
        """Yield the results of each dataset type."""
        yield from self._parts

    def count(self, *, exact: bool = True, discard: bool = False) -> int:
        """Return the number of datasets of every type."""
        total = sum(part.count(exact=exact, discard=discard) for part in self._parts)
        return total if self._limit is None else min(total, self._limit)

    def any(self, *, execute: bool = True, exact: bool = True) -> bool:
        """Return whether any dataset is found."""
        return any(part.any(execute=execute, exact=exact) for part in self._parts)

    def explain_no_results(self, execute: bool = True) -> list[str]:
        """Return why each dataset type finds nothing."""
        if not self._parts:
            return ["No dataset type matches the expression."]
        return [reason for part in self._parts for reason in part.explain_no_results(execute)]

    def expanded(self) -> ChainedDatasetQueryResults:
        """Return results whose data IDs carry their dimension records."""
        return ChainedDatasetQueryResults([part.expanded() for part in self._parts], self._limit)

    def with_dimension_records(self) -> ChainedDatasetQueryResults:
        """Return results whose data IDs carry their dimension records."""
        return self.expanded()
