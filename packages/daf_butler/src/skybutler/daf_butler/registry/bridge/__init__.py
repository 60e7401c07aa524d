"""The datastore bridge: dataset locations and the datastore trash in the registry."""

from ._manager import DatastoreBridge, DatastoreBridgeManager
from ._records import RegistryDatastoreRecords

__all__ = ["DatastoreBridge", "DatastoreBridgeManager", "RegistryDatastoreRecords"]
