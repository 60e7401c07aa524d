"""The registry: what exists in a repository, in a SQL database.

Layers, bottom up:

- `databases`: the `Database` API (transactions with retries, table specs,
  bulk row operations) with its SQLite and PostgreSQL backends;
- managers, each owning some tables and a schema version stored in
  ``butler_attributes`` (`ButlerAttributeManager`, `CollectionManager`;
  dimension records, dataset types and datasets are added the same way, see
  ``_foundation.py``);
- `RegistryManagers`, which creates or opens the schema of a repository.

This package does not import ``skybutler.daf_butler.dimensions``: the
dimension-record manager will receive the universe from its caller.
"""

from ._attributes import ButlerAttributeManager
from ._config import RegistryConfig
from ._defaults import RegistryDefaults
from ._foundation import RegistryManagers
from ._registry import Registry
from ._versioning import VersionedManager, VersionTuple, check_compatible
from .collections import CollectionManager, CollectionRecord, RunRecord
from .databases import Database, open_database

__all__ = [
    "ButlerAttributeManager",
    "CollectionManager",
    "CollectionRecord",
    "Database",
    "Registry",
    "RegistryConfig",
    "RegistryDefaults",
    "RegistryManagers",
    "RunRecord",
    "VersionTuple",
    "VersionedManager",
    "check_compatible",
    "open_database",
]
