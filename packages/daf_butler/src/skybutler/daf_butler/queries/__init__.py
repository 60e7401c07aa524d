"""The query system: ``where`` expressions, their translation to SQL and the query APIs.

- `Query` (``with butler.query() as q:``) builds a query from constraints
  and returns lazy results: `DataCoordinateQueryResults`,
  `DatasetRefQueryResults`, `DimensionRecordQueryResults`, `GeneralQueryResults`;
- `query_data_ids`, `query_datasets`, `query_dimension_records` and
  `query_all_datasets` are the one-call forms behind the Butler's methods;
- ``expressions`` parses the ``where`` language.

See ``docs/daf_butler/queries.rst`` for the language and how queries run.
"""

from ._all_datasets import query_all_datasets
from ._chained import ChainedDatasetQueryResults
from ._driver import QueryDriver
from ._general_results import GeneralQueryResults, GeneralResultTuple
from ._one_call import legacy_query, query_data_ids, query_datasets, query_dimension_records
from ._query import Query
from ._results import (
    DataCoordinateQueryResults,
    DatasetRefQueryResults,
    DimensionRecordQueryResults,
)
from ._spec import QuerySpec

__all__ = [
    "ChainedDatasetQueryResults",
    "DataCoordinateQueryResults",
    "DatasetRefQueryResults",
    "DimensionRecordQueryResults",
    "GeneralQueryResults",
    "GeneralResultTuple",
    "Query",
    "QueryDriver",
    "QuerySpec",
    "legacy_query",
    "query_all_datasets",
    "query_data_ids",
    "query_datasets",
    "query_dimension_records",
]
