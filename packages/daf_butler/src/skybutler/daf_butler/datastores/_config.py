"""`DatastoreConfig` and the shipped defaults of file datastores.

The defaults live in ``configs/datastores/file.yaml`` (with
``templates.yaml``, ``formatters.yaml``, ``composites.yaml`` and
``cache.yaml`` beside it) and apply under whatever a repository sets.
"""

from __future__ import annotations

__all__ = ["DatastoreConfig", "file_datastore_defaults"]

import copy
import functools
from typing import Any, ClassVar

from .._config import Config, ConfigSubset


class DatastoreConfig(ConfigSubset):
    """The ``datastore`` part of a butler configuration (``cls`` defaults to ``file``)."""

    component: ClassVar[str | None] = "datastore"
    requiredKeys: ClassVar[tuple[str, ...]] = ("cls",)
    defaultConfigFile: ClassVar[str | None] = "datastore.yaml"


@functools.cache
def _file_defaults() -> dict[str, Any]:
    from skybutler.resources import ResourcePath

    uri = ResourcePath("resource://skybutler.daf_butler/configs/datastores/file.yaml")
    data = Config(uri).toDict()
    return dict(data.get("datastore", data))


def file_datastore_defaults() -> dict[str, Any]:
    """Return (a copy of) the default configuration of a file datastore."""
    return copy.deepcopy(_file_defaults())
