"""Datastore records: `StoredFileInfo` and the stores that keep them.

A datastore keeps one `StoredFileInfo` per dataset and component, and knows
which datasets it holds and which it has trashed, through a
`DatastoreRecordStore`. Two stores exist: `InMemoryRecordStore` (for batch
jobs without a registry, filled from refs and exported records) and
`RegistryRecordStore` (the registry's opaque records table and
``dataset_location`` rows). Only `DatasetRef` IDs cross between them.
"""

from __future__ import annotations

__all__ = [
    "NULL_COMPONENT",
    "DatastoreRecordStore",
    "InMemoryRecordStore",
    "RegistryRecordStore",
    "StoredFileInfo",
]

import contextlib
import dataclasses
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Protocol

from ..errors import ConflictingDefinitionError

NULL_COMPONENT = "__NULL_STRING__"
"""What the ``component`` column holds for a whole (not disassembled) dataset."""


@dataclasses.dataclass(frozen=True, slots=True)
class StoredFileInfo:
    """Where and how one file of a dataset was written."""

    dataset_id: uuid.UUID
    """ID of the dataset."""
    path: str
    """Path relative to the datastore root (or an absolute URI)."""
    formatter: str
    """Short name of the formatter that wrote the file."""
    storage_class: str
    """Name of the storage class the file was written with."""
    component: str | None = None
    """Component held by the file, `None` for a whole dataset."""
    checksum: str | None = None
    """blake2b hex digest of the file, if checksums are on."""
    file_size: int | None = None
    """Size in bytes."""

    def to_record(self) -> dict[str, Any]:
        """Return the row of upstream's ``file_datastore_records`` table."""
        return {
            "dataset_id": self.dataset_id,
            "component": NULL_COMPONENT if self.component is None else self.component,
            "path": self.path,
            "formatter": self.formatter,
            "storage_class": self.storage_class,
            "checksum": self.checksum,
            "file_size": self.file_size,
        }

    @classmethod
    def from_record(cls, row: Mapping[str, Any]) -> StoredFileInfo:
        """Rebuild from a row (``dataset_id`` may be a string)."""
        component = row.get("component")
        dataset_id = row["dataset_id"]
        return cls(
            dataset_id=dataset_id if isinstance(dataset_id, uuid.UUID) else uuid.UUID(dataset_id),
            path=str(row["path"]),
            formatter=str(row["formatter"]),
            storage_class=str(row["storage_class"]),
            component=None if component in (None, NULL_COMPONENT) else str(component),
            checksum=row.get("checksum"),
            file_size=None if row.get("file_size") is None else int(row["file_size"]),
        )

    def to_simple(self) -> dict[str, Any]:
        """Return a JSON-compatible row."""
        record = self.to_record()
        record["dataset_id"] = str(self.dataset_id)
        return record


class DatastoreRecordStore(ABC):
    """Records of one datastore and which datasets it holds."""

    persistent: ClassVar[bool] = False
    """Whether records outlive the process (files without records are then orphans)."""

    @abstractmethod
    def add(self, infos: Sequence[StoredFileInfo]) -> None:
        """Store records, and mark their datasets held, in one step.

        Raises
        ------
        ConflictingDefinitionError
            Some datasets already have records (nothing is stored then).
        """

    @abstractmethod
    def fetch(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[StoredFileInfo]]:
        """Return the records of held (not trashed) datasets; others are left out."""

    @abstractmethod
    def known(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Return those of the IDs that are held."""

    @abstractmethod
    def trash(self, ids: Iterable[uuid.UUID]) -> None:
        """Mark datasets trashed: no longer held, artifacts still to delete."""

    @abstractmethod
    def trashed(self) -> dict[uuid.UUID, list[StoredFileInfo]]:
        """Return the records of trashed datasets."""

    @abstractmethod
    def remove(self, ids: Iterable[uuid.UUID]) -> None:
        """Forget datasets entirely (records, held and trashed marks)."""

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Group calls so that they succeed or fail together."""
        return contextlib.nullcontext()

    def when_resolved(self, hook: Callable[[bool], None]) -> None:
        """Call ``hook(True)`` once records added now are committed, ``hook(False)`` if undone."""
        hook(True)

    def is_writeable(self) -> bool:
        """Return whether records can be changed."""
        return True

    def paths_in_use(self, paths: Iterable[str]) -> set[str]:
        """Return those of the paths that a held (not trashed) dataset's record names."""
        wanted = set(paths)
        held = self.fetch(self.held_ids())
        return {info.path for infos in held.values() for info in infos if info.path in wanted}

    def trash_selected(self, selected: Any) -> bool:
        """Trash the datasets a registry query of IDs selects, if this store can; return whether.

        Stores outside the registry cannot, and return `False`: the caller
        trashes by ID instead.
        """
        return False

    def held_under(self, directory: str) -> bool:
        """Return whether a held (not trashed) dataset's record names a path under a directory."""
        prefix = directory.rstrip("/") + "/"
        held = self.fetch(self.held_ids())
        return any(info.path.startswith(prefix) for infos in held.values() for info in infos)

    def held_ids(self) -> set[uuid.UUID]:
        """Return the IDs of every held dataset (used by the default `paths_in_use`)."""
        return set()

    def trashed_paths(self) -> dict[uuid.UUID, list[str]]:
        """Return the paths of the files of each trashed dataset."""
        return {i: [info.path for info in infos] for i, infos in self.trashed().items()}


def _group(infos: Iterable[StoredFileInfo]) -> dict[uuid.UUID, list[StoredFileInfo]]:
    result: dict[uuid.UUID, list[StoredFileInfo]] = {}
    for info in infos:
        result.setdefault(info.dataset_id, []).append(info)
    return result


class InMemoryRecordStore(DatastoreRecordStore):
    """Records kept in this process only (batch jobs, in-memory repositories)."""

    def __init__(self) -> None:
        self._records: dict[uuid.UUID, list[StoredFileInfo]] = {}
        self._trash: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def add(self, infos: Sequence[StoredFileInfo]) -> None:
        with self._lock:
            grouped = _group(infos)
            taken = [str(i) for i in grouped if i in self._records]
            if taken:
                raise ConflictingDefinitionError(
                    f"Records of datasets {taken[:5]} are already stored (or trashed but not "
                    "yet emptied); remove them first."
                )
            self._records.update(grouped)

    def fetch(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[StoredFileInfo]]:
        records, trash = self._records, self._trash
        return {i: list(records[i]) for i in ids if i in records and i not in trash}

    def known(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return {i for i in ids if i in self._records and i not in self._trash}

    def held_ids(self) -> set[uuid.UUID]:
        return set(self._records) - self._trash

    def trash(self, ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            self._trash.update(i for i in ids if i in self._records)

    def trashed(self) -> dict[uuid.UUID, list[StoredFileInfo]]:
        return {i: list(self._records[i]) for i in self._trash}

    def remove(self, ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            for dataset_id in ids:
                self._records.pop(dataset_id, None)
                self._trash.discard(dataset_id)


class RegistryRecordsProtocol(Protocol):
    """What the registry offers a datastore (see ``registry.bridge.RegistryDatastoreRecords``)."""

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None: ...
    def fetch(self, ids: Iterable[uuid.UUID]) -> list[dict[str, Any]]: ...
    def known(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]: ...
    def trash(self, ids: Iterable[uuid.UUID]) -> None: ...
    def trashed(self) -> list[dict[str, Any]]: ...
    def remove(self, ids: Iterable[uuid.UUID]) -> None: ...
    def transaction(self) -> contextlib.AbstractContextManager[None]: ...
    def when_resolved(self, hook: Callable[[bool], None]) -> None: ...
    def is_writeable(self) -> bool: ...
    def paths_in_use(self, paths: Iterable[str]) -> set[str]: ...
    def trashed_paths(self) -> dict[uuid.UUID, list[str]]: ...
    def held_under(self, directory: str) -> bool: ...
    def trash_selected(self, selected: Any) -> None: ...


class RegistryRecordStore(DatastoreRecordStore):
    """Records in the registry database, through its opaque table and bridge.

    Parameters
    ----------
    storage
        The registry's records of this datastore.
    """

    persistent: ClassVar[bool] = True

    def __init__(self, storage: RegistryRecordsProtocol) -> None:
        self._storage = storage

    def when_resolved(self, hook: Callable[[bool], None]) -> None:
        self._storage.when_resolved(hook)

    def is_writeable(self) -> bool:
        return self._storage.is_writeable()

    def paths_in_use(self, paths: Iterable[str]) -> set[str]:
        return self._storage.paths_in_use(paths)

    def trashed_paths(self) -> dict[uuid.UUID, list[str]]:
        return self._storage.trashed_paths()

    def held_under(self, directory: str) -> bool:
        return self._storage.held_under(directory)

    def trash_selected(self, selected: Any) -> bool:
        self._storage.trash_selected(selected)
        return True

    def add(self, infos: Sequence[StoredFileInfo]) -> None:
        self._storage.add([info.to_record() for info in infos])

    def fetch(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[StoredFileInfo]]:
        return _group(StoredFileInfo.from_record(row) for row in self._storage.fetch(ids))

    def known(self, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        return self._storage.known(ids)

    def trash(self, ids: Iterable[uuid.UUID]) -> None:
        self._storage.trash(ids)

    def trashed(self) -> dict[uuid.UUID, list[StoredFileInfo]]:
        return _group(StoredFileInfo.from_record(row) for row in self._storage.trashed())

    def remove(self, ids: Iterable[uuid.UUID]) -> None:
        self._storage.remove(ids)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._storage.transaction():
            yield
