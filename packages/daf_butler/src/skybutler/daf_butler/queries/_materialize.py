"""``Query.materialize``: run a query once and continue from the data IDs it found.

Upstream writes the rows to a temporary table. Here rows stream on a
connection of their own (``_rows.py``), where another connection's
temporary table is not visible, so the data IDs are read and joined into
the new query as an upload (``_uploads.py``): one bound JSON value, however
many rows.
"""

from __future__ import annotations

__all__ = ["materialize"]

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..dimensions import DimensionGroup
from ..errors import InvalidQueryError
from ._uploads import DataIdUpload, upload_from_data_ids

if TYPE_CHECKING:
    from ._query import Query


def materialize(
    query: Query,
    dimensions: Iterable[str] | DimensionGroup | None,
    datasets: Iterable[str] | None,
) -> Query:
    """Return a query constrained to the data IDs ``query`` finds (see `Query.materialize`)."""
    group = query._dimension_group(dimensions)
    searches = {s.name: s for s in query._searches}
    if datasets is None:
        kept = [s for s in query._searches if s.dataset_type.dimensions.names <= group.names]
    else:
        names = [datasets] if isinstance(datasets, str) else list(datasets)
        kept = []
        for name in names:
            search = searches.get(name)
            if search is None:
                raise InvalidQueryError(
                    f"Dataset type {name!r} is not searched by this query, so materialize "
                    f"cannot keep it (searched: {sorted(searches) or 'none'})."
                )
            if not search.dataset_type.dimensions.names <= group.names:
                raise InvalidQueryError(
                    f"Dataset type {name!r} has dimensions "
                    f"{list(search.dataset_type.dimensions.names)}, not all among the "
                    f"materialized dimensions {list(group.names)}."
                )
            kept.append(search)
    upload = upload_from_data_ids(group.universe, query.data_ids(group))
    if upload is None:
        upload = DataIdUpload(group, tuple(group.required), ())
    data_id = {k: v for k, v in query._data_id.items() if k in group.names}
    return query._copy(
        where=(), data_id=data_id, searches=tuple(kept), joined=(), uploads=(upload,)
    )
