"""The files of exported datasets: a `FileDatastore`'s side of ``Butler.export``.

`ExportedFiles` is the ``file_exporter`` the Butler gives
`~skybutler.daf_butler.transfers.export_yaml`: for each dataset it returns a
`FileDataset` whose path is the file's path in the datastore, after putting
the file at that path under the export directory with the transfer mode.
Without a transfer mode the paths stay relative to the datastore root (an
export that only this repository, or one sharing its root, can use);
``direct`` writes each file's absolute URI. Files recorded with an absolute
URI (ingested with ``direct``) keep it and are not transferred.
"""

from __future__ import annotations

__all__ = ["ExportedFiles"]

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from skybutler.resources import ResourcePath

from ... import _progress as progress
from ...errors import DatastoreError, FileNotFoundInDatastoreError
from ...transfers import FileDataset
from ._file_copy import FileMover, Place, is_absolute_path
from ._formatter_names import exported_formatter_name

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from .._records import StoredFileInfo
    from ._datastore import FileDatastore


class ExportedFiles:
    """Gives the files of exported datasets, transferring them to the export directory.

    Parameters
    ----------
    datastore
        The datastore exported from.
    directory
        Where files go; needed with a transfer mode other than ``direct``.
    transfer
        How files get there (see ``Butler.export``), or `None`.
    """

    def __init__(
        self, datastore: FileDatastore, directory: ResourcePath | None, transfer: str | None
    ) -> None:
        self._datastore = datastore
        self._directory = directory
        self._transfer = transfer
        self._placed: dict[str, str] = {}
        self._formatters: dict[str, str] = {}
        # Between local directories paths are joined as strings (thousands of them).
        self._local_dirs: tuple[str, str] | None = None
        if directory is not None and directory.isLocal and datastore.root.isLocal:
            self._local_dirs = (datastore.root.ospath, directory.ospath)
        self.mover = FileMover()
        """What was put in the export directory (removed again if the export fails)."""

    def __call__(self, refs: Sequence[DatasetRef]) -> list[FileDataset]:
        """Return one `FileDataset` per file of ``refs``, transferring the files."""
        infos = self._datastore._infos(list(refs))
        missing = [str(ref) for ref in refs if not infos.get(ref.id)]
        if missing:
            raise FileNotFoundInDatastoreError(
                f"Datastore {self._datastore.name!r} holds no file for {len(missing)} of the "
                f"datasets to export ({', '.join(missing[:3])}{' ...' if len(missing) > 3 else ''})"
                "; export them with butler.export on a repository that stores them, or leave "
                "them out."
            )
        by_path: dict[str, FileDataset] = {}
        pending: list[tuple[Place, Place]] = []
        for ref in progress.iterate(refs, desc="Saving datasets"):
            files = infos[ref.id]
            if len(files) != 1 or files[0].component is not None:
                raise DatastoreError(
                    f"{ref} is stored as {len(files)} component files; the export format holds "
                    "one file per dataset. Configure the datastore not to disassemble its "
                    "storage class, or export it without files (without_datastore)."
                )
            info = files[0]
            exported = by_path.get(info.path)
            if exported is None:
                exported = by_path[info.path] = FileDataset(
                    self._place(info, pending), [ref], self._formatter(info.formatter)
                )
            else:
                exported.refs.append(ref)
        if pending:
            assert self._transfer is not None
            self.mover.transfer_many(pending, self._transfer, "Exporting files")
        return list(by_path.values())

    def _formatter(self, short: str) -> str:
        name = self._formatters.get(short)
        if name is None:
            name = self._formatters[short] = exported_formatter_name(short)
        return name

    def _place(self, info: StoredFileInfo, pending: list[tuple[Place, Place]]) -> str:
        placed = self._placed.get(info.path)
        if placed is not None:  # one file holding datasets exported by separate calls
            return placed
        if is_absolute_path(info.path) or self._transfer is None:
            placed = info.path
        elif self._transfer == "direct":
            placed = self._datastore._reader.uri(info).geturl()
        elif self._local_dirs is not None:
            root, directory = self._local_dirs
            pending.append((os.path.join(root, info.path), os.path.join(directory, info.path)))
            placed = info.path
        else:
            assert self._directory is not None
            source = self._datastore._reader.uri(info)
            target = self._directory.join(info.path, forceDirectory=False)
            pending.append((source, target))
            placed = info.path
        self._placed[info.path] = placed
        return placed
