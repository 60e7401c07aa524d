"""Dataset types and datasets in the registry: tables and managers.

`DatasetTypeManager` registers dataset types (creating the tables their
datasets need), finds, queries and removes them; `DatasetManager` inserts,
imports, finds, tags, certifies and removes datasets, in bulk. Both plug into
`RegistryManagers` like the other managers (see ``_foundation.py``).
"""

from ._manager import DatasetManager
from ._summaries import CollectionSummaries, CollectionSummary
from ._tables import (
    DimensionForeignKeys,
    calibs_table_name,
    dataset_table_specs,
    dataset_type_table_specs,
    dimension_foreign_keys,
    tags_table_name,
)
from ._type_manager import DatasetTypeManager, DatasetTypeRecord

__all__ = [
    "CollectionSummaries",
    "CollectionSummary",
    "DatasetManager",
    "DatasetTypeManager",
    "DatasetTypeRecord",
    "DimensionForeignKeys",
    "calibs_table_name",
    "dataset_table_specs",
    "dataset_type_table_specs",
    "dimension_foreign_keys",
    "tags_table_name",
]
