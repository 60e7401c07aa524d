"""Datastores: where datasets' artifacts live, and how they are read back.

- `FileDatastore` (plugin ``file``): files under any root URI, written by
  formatters at paths given by file templates, with records beside them;
- `InMemoryDatastore` (``inmemory``): Python objects in this process;
- `ChainedDatastore` (``chained``): several datastores used as one.

`datastore_from_config` builds any of them from a ``datastore`` section;
other packages add kinds through the ``skybutler.butler.datastores``
entry-point group. Records live in a `DatastoreRecordStore`: the registry's
(`registry_record_stores`) or, for jobs without a registry, one in memory
filled from exported records.
"""

from ._base import (
    DatasetRefURIs,
    Datastore,
    DatastoreReader,
    DatastoreRecordIO,
    DatastoreRemover,
    DatastoreWriter,
)
from ._config import DatastoreConfig, file_datastore_defaults
from ._constraints import Constraints
from ._factory import DATASTORES, RecordStoreFactory, datastore_from_config, registry_record_stores
from ._records import (
    NULL_COMPONENT,
    DatastoreRecordStore,
    InMemoryRecordStore,
    RegistryRecordStore,
    StoredFileInfo,
)
from ._transaction import DatastoreTransaction
from .chained import ChainedDatastore
from .file import DatastoreCacheManager, FileDatastore, FileTemplate, FileTemplates
from .inmemory import InMemoryDatastore

__all__ = [
    "DATASTORES",
    "NULL_COMPONENT",
    "ChainedDatastore",
    "Constraints",
    "DatasetRefURIs",
    "Datastore",
    "DatastoreCacheManager",
    "DatastoreConfig",
    "DatastoreReader",
    "DatastoreRecordIO",
    "DatastoreRecordStore",
    "DatastoreRemover",
    "DatastoreTransaction",
    "DatastoreWriter",
    "FileDatastore",
    "FileTemplate",
    "FileTemplates",
    "InMemoryDatastore",
    "InMemoryRecordStore",
    "RecordStoreFactory",
    "RegistryRecordStore",
    "StoredFileInfo",
    "datastore_from_config",
    "file_datastore_defaults",
    "registry_record_stores",
]
