"""Collections in the registry: tables, records, expressions and the manager.

`CollectionManager` registers RUN, TAGGED, CHAINED and CALIBRATION
collections, edits chains atomically (safe under concurrent writers), flattens
and searches them, and removes collections following the rules of the
registry: a RUN takes its datasets with it, a collection inside a chain stays
until it is unchained.
"""

from ._expressions import CollectionExpression, check_collection_name, is_pattern
from ._manager import CollectionManager
from ._tables import (
    CollectionRecord,
    RunRecord,
    collection_field,
    collection_foreign_key,
    collection_table_specs,
    run_foreign_key,
)

__all__ = [
    "CollectionExpression",
    "CollectionManager",
    "CollectionRecord",
    "RunRecord",
    "check_collection_name",
    "collection_field",
    "collection_foreign_key",
    "collection_table_specs",
    "is_pattern",
    "run_foreign_key",
]
