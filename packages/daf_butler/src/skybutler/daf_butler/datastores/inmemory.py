"""`InMemoryDatastore`: Python objects kept in this process, keyed by dataset ID.

``get`` returns a copy (made by the storage class delegate) so that callers
cannot change what is stored; ``copy: false`` in the configuration returns
the stored object itself. URIs are ``mem://`` URIs that name the dataset
but hold nothing.
"""

from __future__ import annotations

__all__ = ["InMemoryDatastore"]

import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from skybutler.resources import ResourcePath

from .._storage_class import StorageClass
from .._storage_class_factory import StorageClassFactory
from ..errors import DatasetAlreadyStoredError, DatastoreError, StorageClassComponentError
from ._base import DatasetRefURIs, Datastore

if TYPE_CHECKING:
    from .._dataset_ref import DatasetRef


class InMemoryDatastore(Datastore):
    """Datasets held as Python objects in memory.

    Parameters
    ----------
    config
        The ``datastore`` section: ``name``, ``constraints``, ``copy``.
    """

    short_name: ClassVar[str] = "inmemory"
    isEphemeral: ClassVar[bool] = True

    def __init__(self, config: Mapping[str, Any] | None = None, **_ignored: Any) -> None:
        config = dict(config or {})
        super().__init__(config, str(config.get("name") or f"InMemoryDatastore@{id(self):x}"))
        self._copy = bool(config.get("copy", True))
        self._objects: dict[uuid.UUID, tuple[Any, str]] = {}
        self._trash: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def knows_these(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """See `Datastore.knows_these`."""
        return {ref: ref.id in self._objects and ref.id not in self._trash for ref in refs}

    def mexists(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """See `Datastore.mexists`."""
        return self.knows_these(refs)

    def get(
        self,
        ref: DatasetRef,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> Any:
        """See `Datastore.get`."""
        entry = self._objects.get(ref.id)
        if entry is None or ref.id in self._trash:
            raise self._missing(ref)
        obj, stored_name = entry
        factory = StorageClassFactory()
        stored = factory.getStorageClass(stored_name)
        delegate = stored.delegate()
        component = ref.datasetType.component()
        params = dict(parameters or {})
        stored.validateParameters(params)
        if component is not None:
            if component not in stored.allComponents():
                raise StorageClassComponentError(
                    f"Storage class {stored.name!r} of {ref} has no component {component!r}."
                )
            result = delegate.getComponent(obj, component)
            result = delegate.handleParameters(result, params)
            if self._copy and result is obj:
                result = delegate.copy(result)
        else:
            result = delegate.handleParameters(obj, params)
            if self._copy and result is obj:
                result = delegate.copy(obj)
        target = storageClass or ref.datasetType.storageClass
        if isinstance(target, str):
            target = factory.getStorageClass(target)
        return target.coerce_type(result)

    def getURIs(self, ref: DatasetRef, predict: bool = False) -> DatasetRefURIs:
        """See `Datastore.getURIs`."""
        if not predict and not self.knows(ref):
            raise self._missing(ref)
        suffix = "#predicted" if not self.knows(ref) else ""
        return DatasetRefURIs(ResourcePath(f"mem://{self.name}/{ref.id}{suffix}"), {})

    def put_many(self, items: Iterable[tuple[Any, DatasetRef]]) -> list[DatasetRef]:
        """See `Datastore.put_many`."""
        accepted = []
        with self._lock:
            staged: dict[uuid.UUID, tuple[Any, str]] = {}
            for obj, ref in items:
                if not self.constraints.accepts(ref):
                    continue
                if ref.isComponent():
                    raise DatastoreError(f"Cannot put component {ref} on its own.")
                if (ref.id in self._objects and ref.id not in self._trash) or ref.id in staged:
                    raise DatasetAlreadyStoredError(
                        f"Datastore {self.name!r} already holds {ref}; remove it first."
                    )
                storage_class = ref.datasetType.storageClass
                value = storage_class.coerce_type(obj)
                staged[ref.id] = (
                    storage_class.delegate().copy(value) if self._copy else value,
                    storage_class.name,
                )
                accepted.append(ref)
            self._objects.update(staged)
            self._trash.difference_update(staged)
        ids = [ref.id for ref in accepted]
        self._register_undo("put", lambda: self._drop(ids))
        return accepted

    def _drop(self, ids: Iterable[uuid.UUID]) -> None:
        with self._lock:
            for dataset_id in ids:
                self._objects.pop(dataset_id, None)
                self._trash.discard(dataset_id)

    def trash(self, refs: DatasetRef | Iterable[DatasetRef], ignore_errors: bool = True) -> None:
        """See `Datastore.trash`."""
        from .._dataset_ref import DatasetRef

        wanted = [refs] if isinstance(refs, DatasetRef) else list(refs)
        with self._lock:
            for ref in wanted:
                if ref.id not in self._objects or ref.id in self._trash:
                    if not ignore_errors:
                        raise self._missing(ref)
                    continue
                self._trash.add(ref.id)

    def emptyTrash(self, ignore_errors: bool = True) -> None:
        """See `Datastore.emptyTrash`."""
        self._drop(list(self._trash))

    def forget(self, refs: Iterable[DatasetRef]) -> None:
        """See `Datastore.forget`."""
        self._drop([ref.id for ref in refs])

    def export_records(self, refs: Iterable[DatasetRef]) -> dict[str, list[dict[str, Any]]]:
        """See `Datastore.export_records`."""
        return {self.name: []}

    def import_records(self, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Ignore records: objects cannot be rebuilt from them."""
