"""Building datastores from configuration.

The ``cls`` key of a datastore section is a short plugin name resolved
through `DATASTORES`: the built-ins ``file``, ``inmemory`` and ``chained``,
then the ``skybutler.butler.datastores`` entry-point group. Upstream's
class paths (``lsst.daf.butler.datastores.fileDatastore.FileDatastore``...)
are accepted as aliases.
"""

from __future__ import annotations

__all__ = ["DATASTORES", "RecordStoreFactory", "datastore_from_config", "registry_record_stores"]

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import DatastoreConfigError
from ..formatters import PluginTable
from ._base import Datastore
from ._records import DatastoreRecordStore, InMemoryRecordStore, RegistryRecordStore

if TYPE_CHECKING:
    from skybutler.resources import ResourcePath

    from ..dimensions import DimensionUniverse
    from ..registry._foundation import RegistryManagers

_MODULE = "skybutler.daf_butler.datastores"

DATASTORES: PluginTable[Datastore] = PluginTable(
    "skybutler.butler.datastores",
    Datastore,
    {
        "chained": f"{_MODULE}.chained:ChainedDatastore",
        "file": f"{_MODULE}.file:FileDatastore",
        "inmemory": f"{_MODULE}.inmemory:InMemoryDatastore",
    },
    {
        "lsst.daf.butler.datastores.fileDatastore.FileDatastore": "file",
        "lsst.daf.butler.datastores.inMemoryDatastore.InMemoryDatastore": "inmemory",
        "lsst.daf.butler.datastores.chainedDatastore.ChainedDatastore": "chained",
    },
    DatastoreConfigError,
)
"""Datastore classes by short name."""

RecordStoreFactory = Callable[[str, str], DatastoreRecordStore]
"""Makes the record store of a datastore from its name and records table name."""


def registry_record_stores(managers: RegistryManagers) -> RecordStoreFactory:
    """Return a record-store factory keeping records in a registry's database."""

    def make(datastore_name: str, table: str) -> DatastoreRecordStore:
        opaque = managers.opaque.file_records(table)
        return RegistryRecordStore(managers.datastores.datastore_records(datastore_name, opaque))

    return make


def _in_memory(datastore_name: str, table: str) -> DatastoreRecordStore:
    return InMemoryRecordStore()


def datastore_from_config(
    config: Mapping[str, Any],
    record_stores: RecordStoreFactory | None = None,
    *,
    butlerRoot: str | ResourcePath | None = None,
    universe: DimensionUniverse | None = None,
) -> Datastore:
    """Build a datastore (and its members) from a ``datastore`` section.

    Parameters
    ----------
    config
        The section; ``cls`` names the datastore kind (default ``file``).
    record_stores
        Where file datastores keep records; default in memory (no registry).
    butlerRoot
        Replaces ``<butlerRoot>`` in roots.
    universe
        Lets file datastores validate templates keyed by dimensions at once.

    Raises
    ------
    DatastoreConfigError
        ``cls`` is unknown or the section is malformed.
    """
    section = config.get("datastore", config) if "cls" not in config else config
    if not isinstance(section, Mapping):
        raise DatastoreConfigError(f"A datastore section must be a mapping, not {section!r}.")
    kind = DATASTORES.canonical(str(section.get("cls") or "file"))
    cls = DATASTORES.load(kind)
    stores = record_stores or _in_memory
    if kind == "chained":
        from .chained import ChainedDatastore

        def member(sub: Mapping[str, Any]) -> Datastore:
            return datastore_from_config(sub, stores, butlerRoot=butlerRoot, universe=universe)

        return ChainedDatastore(section, member)
    if kind == "inmemory":
        return cls(section)  # type: ignore[call-arg]
    from .file import FileDatastore

    if issubclass(cls, FileDatastore):
        full = _with_file_defaults(section)
        root = str(full.get("root"))
        name = str(full.get("name") or f"FileDatastore@{root}")
        table = str((full.get("records") or {}).get("table") or "file_datastore_records")
        return cls(full, stores(name, table), butlerRoot=butlerRoot, universe=universe)
    return cls(section)  # type: ignore[call-arg]


def _with_file_defaults(section: Mapping[str, Any]) -> dict[str, Any]:
    from ._config import file_datastore_defaults

    merged = file_datastore_defaults()
    for key, value in section.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged
