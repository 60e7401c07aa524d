"""What a query asks for, before it is turned into SQL."""

from __future__ import annotations

__all__ = ["QuerySpec", "ResultKind"]

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

from ..dimensions import DimensionGroup
from ._datasets import DatasetSearch
from ._general import GeneralFields
from ._uploads import DataIdUpload

ResultKind = Literal["data_ids", "datasets", "records", "general"]


@dataclasses.dataclass(frozen=True)
class QuerySpec:
    """A query: what it returns and every constraint on it.

    Specs are immutable; the query builders and result objects derive new
    ones with `dataclasses.replace`.
    """

    kind: ResultKind
    dimensions: DimensionGroup
    """Dimensions of the data IDs returned (of the dataset type or element for those kinds)."""
    where: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    """Expressions (with their bind values), all of which must hold."""
    joined: tuple[str, ...] = ()
    """Further dimensions joined into the query (and projected away)."""
    data_id: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Required values of dimensions."""
    searches: tuple[DatasetSearch, ...] = ()
    """Dataset searches constraining the query (joined, not returned)."""
    result_search: DatasetSearch | None = None
    """The dataset search returned by a ``datasets`` query."""
    element: str | None = None
    """The element whose records a ``records`` query returns."""
    uploads: tuple[DataIdUpload, ...] = ()
    """Data IDs given by the caller, joined like a relation."""
    general: GeneralFields | None = None
    """The fields a ``general`` query returns."""
    order_by: tuple[str, ...] = ()
    limit: int | None = None
    offset: int = 0
    with_records: bool = False

    @property
    def all_searches(self) -> tuple[DatasetSearch, ...]:
        """Every dataset search, the returned one first."""
        first = (self.result_search,) if self.result_search is not None else ()
        return first + self.searches
