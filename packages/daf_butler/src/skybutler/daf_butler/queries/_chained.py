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

    def __init__(self, parts: Sequence[DatasetRefQueryResults]) -> None:
        self._parts = list(parts)

    def __iter__(self) -> Iterator[DatasetRef]:
        return itertools.chain.from_iterable(self._parts)

    def byParentDatasetType(self) -> Iterator[DatasetRefQueryResults]:
        """Yield the results of each dataset type."""
        yield from self._parts

    def count(self, *, exact: bool = True, discard: bool = False) -> int:
        """Return the number of datasets of every type."""
        return sum(part.count(exact=exact, discard=discard) for part in self._parts)

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
        return ChainedDatasetQueryResults([part.expanded() for part in self._parts])

    def with_dimension_records(self) -> ChainedDatasetQueryResults:
        """Return results whose data IDs carry their dimension records."""
        return self.expanded()
