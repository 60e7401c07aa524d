"""Reading datasets back: whole, by component, with parameters and storage class conversion.

The formatter recorded beside each file reads it, whatever the current
configuration says. Components of a composite written whole are read alone
when the formatter can (a FITS plane), else extracted by the storage class
delegate; components of a disassembled composite are their own files, and
derived components are computed from the stored component the delegate
chooses. Read parameters are applied by the formatter when it can
(`Formatter.handled_parameters`), the rest by the delegate. Files of remote
roots go through the local cache when it is enabled for the dataset.
"""

from __future__ import annotations

__all__ = ["FileReader"]

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourceError, ResourceNotFoundError, ResourcePath

from ..._storage_class import StorageClass
from ..._storage_class_factory import StorageClassFactory
from ...errors import FileIntegrityError, FileNotFoundInDatastoreError
from ...formatters import FORMATTERS, Formatter, ReadRequest

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from .._records import StoredFileInfo
    from ._cache import DatastoreCacheManager


def _storage_class(value: StorageClass | str | None) -> StorageClass | None:
    if value is None or isinstance(value, StorageClass):
        return value
    return StorageClassFactory().getStorageClass(value)


class FileReader:
    """Reads the files of a datastore root.

    Parameters
    ----------
    root
        The datastore root.
    cache
        Local cache for remote files.
    """

    def __init__(self, root: ResourcePath, cache: DatastoreCacheManager) -> None:
        self.root = root
        self.cache = cache
        self._local_root = root.ospath if root.isLocal else None
        self._formatters: dict[str, Formatter] = {}
        self._factory = StorageClassFactory()

    def uri(self, info: StoredFileInfo) -> ResourcePath:
        """Return the URI of a recorded file (a Zip member's: the Zip's, with a fragment)."""
        if "#zip-path=" in info.path:
            from ._zip import member_uri

            return member_uri(self.root, info.path)
        if "://" in info.path or info.path.startswith("/"):
            return ResourcePath(info.path, forceDirectory=False)
        return self.root.join(info.path, forceDirectory=False)

    def _formatter(self, name: str) -> Formatter:
        formatter = self._formatters.get(name)
        if formatter is None:
            formatter = self._formatters[name] = FORMATTERS.load(name)()
        return formatter

    # ------------------------------------------------------------ datasets

    def read(
        self,
        ref: DatasetRef,
        infos: Sequence[StoredFileInfo],
        parameters: Mapping[str, Any] | None,
        storageClass: StorageClass | str | None,
    ) -> Any:
        """Return a dataset or component read from its recorded files."""
        dataset_type = ref.datasetType
        component = dataset_type.component()
        parent_sc = dataset_type.parentStorageClass if component else dataset_type.storageClass
        assert parent_sc is not None
        params = dict(parameters or {})
        parent_sc.validateParameters(params)
        target = _storage_class(storageClass) or dataset_type.storageClass
        by_component = {info.component: info for info in infos}
        if None in by_component:
            result = self._read_single(ref, by_component[None], component, params)
        else:
            result = self._read_disassembled(ref, by_component, component, parent_sc, params)
        return target.coerce_type(result)

    def _read_single(
        self,
        ref: DatasetRef,
        info: StoredFileInfo,
        component: str | None,
        params: dict[str, Any],
    ) -> Any:
        formatter = self._formatter(info.formatter)
        stored_sc = self._factory.getStorageClass(info.storage_class)
        delegate = stored_sc.delegate()
        if component is not None:
            if component in formatter.readable_components(stored_sc):
                value = self._read_file(ref, info, formatter, ReadRequest(stored_sc, component))
            else:
                whole = self._read_file(ref, info, formatter, ReadRequest(stored_sc))
                value = delegate.getComponent(whole, component)
            return delegate.handleParameters(value, params)
        handled = {k: v for k, v in params.items() if k in formatter.handled_parameters}
        rest = {k: v for k, v in params.items() if k not in handled}
        value = self._read_file(ref, info, formatter, ReadRequest(stored_sc, None, handled))
        return delegate.handleParameters(value, rest)

    def _read_disassembled(
        self,
        ref: DatasetRef,
        by_component: dict[str | None, StoredFileInfo],
        component: str | None,
        parent_sc: StorageClass,
        params: dict[str, Any],
    ) -> Any:
        delegate = parent_sc.delegate()

        def read_component(name: str) -> Any:
            info = by_component[name]
            sc = self._factory.getStorageClass(info.storage_class)
            return self._read_file(ref, info, self._formatter(info.formatter), ReadRequest(sc))

        if component is None:
            parts = {str(name): read_component(str(name)) for name in by_component}
            return delegate.handleParameters(delegate.assemble(parts), params)
        if component in by_component:
            return delegate.handleParameters(read_component(component), params)
        if component not in parent_sc.allComponents():
            from ...errors import StorageClassComponentError

            raise StorageClassComponentError(
                f"Storage class {parent_sc.name!r} has no component {component!r}."
            )
        if component in parent_sc.components:
            raise FileNotFoundInDatastoreError(
                f"Component {component!r} of {ref} was not stored (it was empty when written)."
            )
        responsible = delegate.selectResponsibleComponent(component, list(by_component))
        value = delegate.getComponent(read_component(responsible), component)
        return delegate.handleParameters(value, params)

    # ------------------------------------------------------------ files

    def _read_file(
        self, ref: DatasetRef, info: StoredFileInfo, formatter: Formatter, request: ReadRequest
    ) -> Any:
        if "#zip-path=" in info.path:
            from ._zip import read_member

            return read_member(self, ref, info, formatter, request)
        if self._local_root is not None and "://" not in info.path:
            path = os.path.join(self._local_root, info.path)
            try:
                size = os.stat(path).st_size
            except FileNotFoundError:
                raise self._gone(ref, path) from None
            if info.file_size is not None and size != info.file_size:
                raise FileIntegrityError(
                    f"The file {path} of {ref} has {size} bytes, but {info.file_size} were "
                    "written; it was changed or truncated. Restore it or remove the dataset."
                )
            return self._read_local(formatter, path, request)
        uri = self.uri(info)
        try:
            if uri.isLocal:
                return self._read_local(formatter, uri.ospath, request)
            return self._read_remote(ref, info, uri, formatter, request)
        except ResourceNotFoundError:
            raise self._gone(ref, str(uri)) from None
        except FileNotFoundError:
            raise self._gone(ref, str(uri)) from None

    @staticmethod
    def _read_local(formatter: Formatter, path: str, request: ReadRequest) -> Any:
        if formatter.prefers_local_file or not formatter.writes_bytes():
            return formatter.read_local_file(path, request)
        with open(path, "rb") as stream:
            return formatter.from_bytes(stream.read(), request)

    def _read_remote(
        self,
        ref: DatasetRef,
        info: StoredFileInfo,
        uri: ResourcePath,
        formatter: Formatter,
        request: ReadRequest,
    ) -> Any:
        extension = uri.getExtension()
        cached = self.cache.find(info.dataset_id, info.component, extension)
        if cached is not None:
            try:
                return self._read_local(formatter, str(cached), request)
            except FileNotFoundError:
                pass  # expired under us by another process: read from the datastore
        try:
            if self.cache.should_cache(ref):
                with uri.as_local() as local:
                    self.cache.add(local.ospath, info.dataset_id, info.component, extension)
                    return self._read_local(formatter, local.ospath, request)
            if formatter.prefers_local_file or not formatter.writes_bytes():
                with uri.as_local() as local:
                    return formatter.read_local_file(local.ospath, request)
            return formatter.from_bytes(uri.read(), request)
        except ResourceNotFoundError:
            raise
        except ResourceError as exc:
            from ...errors import DatastoreUnavailableError

            raise DatastoreUnavailableError(f"Cannot read {uri} for {ref}: {exc}") from exc

    @staticmethod
    def _gone(ref: DatasetRef, where: str) -> FileNotFoundInDatastoreError:
        return FileNotFoundInDatastoreError(
            f"The file {where} of {ref} is recorded but missing; it was deleted outside the "
            "butler. Remove the dataset or restore the file."
        )
