"""The files of imported datasets: a `FileDatastore`'s side of ``Butler.import_``.

`ImportedFiles` is the ``ingest_files`` hook the Butler gives
`~skybutler.daf_butler.transfers.import_yaml`; it runs inside the import's
transaction, so a file that is missing or cannot be transferred undoes the
registry work, and the files already transferred are removed again.

Paths in the export file are relative to the export directory (or, without
one, to the datastore root) or absolute URIs. Transfer modes:

- `None`: the files are already under the datastore root and are recorded
  where they are;
- ``auto``: the same for files under the root, others are copied;
- ``direct``: each file's absolute URI is recorded; the datastore never
  deletes it;
- ``copy``, ``move``, ``link``, ``symlink``, ``relsymlink``, ``hardlink``: the
  file is put under the root at the path the export gives it (the path it
  had in the exporting datastore), or at ``<run>/<dataset type>/<name>``
  for absolute URIs. ``move`` copies, and deletes the sources only once the
  import succeeded.
"""

from __future__ import annotations

__all__ = ["ImportedFiles"]

import contextlib
import dataclasses
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from skybutler.resources import ResourceError, ResourcePath

from ... import _progress as progress
from ...errors import RepoTransferError
from .._records import StoredFileInfo
from ._file_copy import FileMover, Place, is_absolute_path
from ._formatter_names import imported_formatter_name
from ._put import checksum_file

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ...transfers import FileDataset
    from ._datastore import FileDatastore

_COPIES = ("copy", "move")


@dataclasses.dataclass(slots=True)
class _Placed:
    """Where an imported file went, and what its record says of it."""

    path: str
    size: int | None
    checksum: str | None
    transfer: int = -1
    """Index of its transfer among the pending ones (-1: none)."""


class ImportedFiles:
    """Records (and transfers) the files of imported datasets.

    Parameters
    ----------
    datastore
        The datastore imported into.
    directory
        The export directory that relative paths start from; the datastore
        root when `None`.
    transfer
        How files get into the datastore (see the module docstring), or `None`.
    record_validation_info
        Record each file's size (and checksum, when the datastore keeps them).
    """

    def __init__(
        self,
        datastore: FileDatastore,
        directory: ResourcePath | None,
        transfer: str | None,
        record_validation_info: bool,
    ) -> None:
        self._datastore = datastore
        self._root = datastore.root
        self._directory = directory if directory is not None else datastore.root
        self._transfer = transfer
        self._validate = record_validation_info
        self._checksum = datastore._writer.checksum
        self._formatters: dict[tuple[str | None, str], str] = {}
        self._moved: list[ResourcePath] = []
        # Between local directories paths are joined as strings (thousands of them).
        self._local_dirs: tuple[str, str] | None = None
        if self._directory.isLocal and self._root.isLocal:
            self._local_dirs = (self._directory.ospath, self._root.ospath)
        self.mover = FileMover()
        """Files put under the datastore root (removed again if the import fails)."""

    def __call__(self, files: Sequence[FileDataset]) -> None:
        """Record the files of imported datasets, transferring them as asked."""
        self._datastore._register_undo("import", self.mover.undo)
        placed: dict[str, _Placed] = {}
        order: list[tuple[_Placed, FileDataset]] = []
        pending: list[tuple[Place, Place]] = []
        waiting: list[_Placed] = []  # sizes counted by the copies
        try:
            for file in progress.iterate(files, desc="Checking files to import"):
                if file.path is None:
                    raise RepoTransferError(
                        f"The export gives no file for {file.refs[0]} (it was made without a "
                        "datastore); import it with without_datastore=True."
                    )
                key = str(file.path)
                where = placed.get(key)
                if where is None:
                    where = placed[key] = self._place(key, file.refs[0], pending, waiting)
                order.append((where, file))
            if pending:
                assert self._transfer is not None
                sizes = self.mover.transfer_many(pending, self._transfer, "Importing files")
                for where in waiting:
                    where.size = sizes[where.transfer]
            infos: list[StoredFileInfo] = []
            for where, file in order:
                for ref in file.refs:
                    formatter = self._formatter(file.formatter_name, ref)
                    storage_class = ref.datasetType.storageClass_name
                    infos.append(
                        StoredFileInfo(
                            ref.id,
                            where.path,
                            formatter,
                            storage_class,
                            None,
                            where.checksum,
                            where.size,
                        )
                    )
            self._datastore._store.add(infos)
        except BaseException:
            self.mover.undo()
            raise

    def finish(self) -> None:
        """Delete the sources of ``move`` (call once the import is committed)."""
        for source in self._moved:
            with contextlib.suppress(FileNotFoundError, ResourceError, OSError):
                source.remove()
        self._moved.clear()

    def _formatter(self, given: str | None, ref: DatasetRef) -> str:
        key = (given, ref.datasetType.name)
        name = self._formatters.get(key)
        if name is None:
            if given is None:
                name = self._datastore.formatterFactory.lookup(ref).name
            else:
                name = imported_formatter_name(given)
            self._formatters[key] = name
        return name

    def _source(self, path: str) -> ResourcePath:
        if is_absolute_path(path):
            return ResourcePath(path, forceDirectory=False)
        return self._directory.join(path, forceDirectory=False)

    def _place(
        self,
        path: str,
        ref: DatasetRef,
        pending: list[tuple[Place, Place]],
        waiting: list[_Placed],
    ) -> _Placed:
        mode = self._transfer
        if mode in _COPIES and self._local_dirs is not None and not is_absolute_path(path):
            # A local copy counts the bytes it writes: no separate look at the source.
            directory, root = self._local_dirs
            pending.append((os.path.join(directory, path), os.path.join(root, path)))
            if mode == "move":
                self._moved.append(self._directory.join(path, forceDirectory=False))
            where = _Placed(path, None, None, len(pending) - 1)
            if self._validate:
                if self._checksum:
                    where.size, where.checksum = self._measure(self._source(path))
                else:
                    waiting.append(where)
            return where
        source = self._source(path)
        size, checksum = self._measure(source)
        inside = source.relative_to(self._root) if mode in (None, "auto") else None
        if mode is None or (mode == "auto" and inside is not None):
            if inside is None:
                raise RepoTransferError(
                    f"{source} is outside the datastore root {self._root}; import with a "
                    "transfer mode (transfer='copy', say) or give the directory the files are in."
                )
            return _Placed(inside, size, checksum)
        if mode == "direct":
            return _Placed(source.geturl(), size, checksum)
        relative = (
            f"{ref.run}/{ref.datasetType.name}/{source.basename()}"
            if is_absolute_path(path)
            else path
        )
        pending.append((source, self._root.join(relative, forceDirectory=False)))
        if mode == "move":
            self._moved.append(source)
        return _Placed(relative, size, checksum, len(pending) - 1)

    def _measure(self, source: ResourcePath) -> tuple[int | None, str | None]:
        if not self._validate:
            return None, None
        try:
            if source.isLocal:
                local = source.ospath
                size = os.stat(local).st_size
                return size, checksum_file(local) if self._checksum else None
            return source.size(), None
        except (OSError, ResourceError) as exc:
            raise RepoTransferError(
                f"Cannot read the file {source} of an imported dataset: {exc}. Check that the "
                "export directory holds the files its export file names."
            ) from exc
