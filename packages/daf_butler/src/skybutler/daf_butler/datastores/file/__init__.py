"""The file datastore: datasets as files under any root URI, with templates and a cache."""

from ._cache import DatastoreCacheManager
from ._composites import CompositesMap
from ._datastore import FileDatastore
from ._templates import FileTemplate, FileTemplates

__all__ = [
    "CompositesMap",
    "DatastoreCacheManager",
    "FileDatastore",
    "FileTemplate",
    "FileTemplates",
]
