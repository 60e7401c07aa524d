"""Writing datasets as files: choose the files, write each, and leave nothing when that fails.

A failed write (a formatter that raises, a full disk, a lost connection)
leaves neither a file nor a record. On local roots, bytes serialized in
memory go straight to the new file (created exclusively, removed if the
write fails); a formatter writing the file itself writes under a hidden
temporary name in the destination directory, renamed into place once
complete. On remote roots objects appear whole or not at all. Anything
already written for the batch is removed, and the write journal covers a
writer killed part way.
"""

from __future__ import annotations

__all__ = ["CREATE_NEW", "Artifact", "FileWriter", "checksum_file"]

import contextlib
import dataclasses
import hashlib
import os
import tempfile
import uuid
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourceError, ResourcePath

from ...errors import (
    DatasetAlreadyStoredError,
    DatastoreUnavailableError,
    FileTemplateError,
    FormatterError,
    FormatterWriteError,
)
from .._records import StoredFileInfo

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ...formatters import Formatter, FormatterFactory
    from ._composites import CompositesMap
    from ._templates import FileTemplates

_MAX_PATH = 256
_BLOCK = 8192


@dataclasses.dataclass(slots=True)
class Artifact:
    """One file to write for a dataset."""

    ref: DatasetRef
    component: str | None
    obj: Any
    formatter_name: str
    formatter: Formatter
    storage_class: str
    path: str


def checksum_file(path: str) -> str:
    """Return the blake2b hex digest of a local file, read in 8 KiB blocks."""
    digest = hashlib.blake2b()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
"""Flags creating a new file, failing if anything is at the path already."""


class FileWriter:
    """Turns datasets into files under a datastore root.

    Parameters
    ----------
    root
        The datastore root.
    templates
        Where each dataset goes.
    formatters
        How each dataset is written.
    composites
        Which composites are written one file per component.
    checksum
        Whether to record a checksum of every file.
    """

    def __init__(
        self,
        root: ResourcePath,
        templates: FileTemplates,
        formatters: FormatterFactory,
        composites: CompositesMap,
        checksum: bool,
    ) -> None:
        self.root = root
        self.templates = templates
        self.formatters = formatters
        self.composites = composites
        self.checksum = checksum
        self._local_root = root.ospath if root.isLocal else None

    # ------------------------------------------------------------ planning

    def plan(self, obj: Any, ref: DatasetRef) -> list[Artifact]:
        """Return the files to write for a dataset (one per component if disassembled)."""
        storage_class = ref.datasetType.storageClass
        if self.composites.shouldBeDisassembled(ref):
            components = storage_class.delegate().disassemble(obj)
            return [
                self.artifact(ref.makeComponentRef(name), value, name)
                for name, value in components.items()
            ]
        return [self.artifact(ref, obj, None)]

    def artifact(self, ref: DatasetRef, obj: Any, component: str | None) -> Artifact:
        """Return the file to write for one dataset or component."""
        choice = self.formatters.lookup(ref)
        try:
            formatter = choice.make()
        except FormatterError as exc:
            raise FormatterError(f"Cannot write {ref}: {exc}") from exc
        template = self.templates.getTemplate(ref)
        path = template.format(ref, component) + formatter.extension()
        if len(path) > _MAX_PATH:
            raise FileTemplateError(
                f"The path {path!r} of {ref} is {len(path)} characters long; the records hold "
                f"at most {_MAX_PATH}. Use a shorter file template for this dataset type."
            )
        return Artifact(
            ref, component, obj, choice.name, formatter, ref.datasetType.storageClass_name, path
        )

    def uri(self, path: str) -> ResourcePath:
        """Return the URI of a path relative to the root."""
        return self.root.join(path, forceDirectory=False)

    # ------------------------------------------------------------ writing

    def write(self, artifact: Artifact) -> tuple[StoredFileInfo, ResourcePath]:
        """Write one file; return its record and URI.

        Raises
        ------
        DatasetAlreadyStoredError
            A file is already at the destination.
        FormatterWriteError
            The formatter cannot write the object (nothing is left behind).
        DatastoreUnavailableError
            The root cannot be written.
        """
        uri = self.uri(artifact.path)
        if self._local_root is not None:
            target = os.path.join(self._local_root, artifact.path)
            size, digest = self._write_local(artifact, target)
        else:
            size, digest = self._write_remote(artifact, uri)
        info = StoredFileInfo(
            dataset_id=artifact.ref.id,
            path=artifact.path,
            formatter=artifact.formatter_name,
            storage_class=artifact.storage_class,
            component=artifact.component,
            checksum=digest,
            file_size=size,
        )
        return info, uri

    def _serialize(self, artifact: Artifact, path: str | None) -> bytes | None:
        """Return the bytes of the file, or write it to ``path`` when the formatter needs to."""
        formatter = artifact.formatter
        try:
            if formatter.writes_bytes():
                return formatter.to_bytes(artifact.obj)
            assert path is not None
            formatter.write_local_file(artifact.obj, path)
            return None
        except Exception as exc:
            raise FormatterWriteError(
                f"Formatter {artifact.formatter_name!r} cannot write the "
                f"{type(artifact.obj).__name__} given for {artifact.ref}: {exc}. Put an object "
                f"of storage class {artifact.storage_class!r} or configure another formatter "
                f"for dataset type {artifact.ref.datasetType.name!r}."
            ) from exc

    def _write_local(self, artifact: Artifact, target: str) -> tuple[int, str | None]:
        if artifact.formatter.writes_bytes():
            return self._write_local_bytes(artifact, target)
        if os.path.lexists(target):
            raise self._exists(artifact, target)
        directory = self._make_directory(artifact, os.path.dirname(target))
        # Formatters writing files themselves may leave a partial one when they fail, so
        # they write to a temporary sibling, named after the target so that recovery after
        # a kill finds it (see _journal), which is renamed into place once complete.
        temporary = os.path.join(
            directory, f".{os.path.basename(target)}.{uuid.uuid4().hex[:12]}.tmp"
        )
        try:
            self._serialize(artifact, temporary)
            size = os.stat(temporary).st_size
            digest = checksum_file(temporary) if self.checksum else None
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return size, digest

    def _write_local_bytes(self, artifact: Artifact, target: str) -> tuple[int, str | None]:
        """Write serialized bytes straight to the target, which must not exist yet.

        No temporary file is needed: the bytes are complete before the file is
        created, a failed write removes the file it created (``O_EXCL`` makes
        it ours), and a writer killed mid-write is covered by the journal. The
        directory is made only when the first open says it is missing.
        """
        data = self._serialize(artifact, None)
        assert data is not None
        # os.open, not open(): no buffer, so none of the fstat, ioctl and lseek it makes.
        try:
            try:
                fd = os.open(target, CREATE_NEW, 0o666)
            except FileNotFoundError:
                self._make_directory(artifact, os.path.dirname(target))
                fd = os.open(target, CREATE_NEW, 0o666)
        except FileExistsError:
            raise self._exists(artifact, target) from None
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            raise
        return len(data), self._digest(data)

    def _digest(self, data: bytes) -> str | None:
        """Return the checksum of a file's bytes, if this datastore keeps checksums."""
        return hashlib.blake2b(data).hexdigest() if self.checksum else None

    @staticmethod
    def _exists(artifact: Artifact, target: str) -> DatasetAlreadyStoredError:
        return DatasetAlreadyStoredError(
            f"Cannot write {artifact.ref}: the file {target} already exists. Remove it if it "
            "is left over from an earlier failure, or use another run."
        )

    @staticmethod
    def _make_directory(artifact: Artifact, directory: str) -> str:
        try:
            if not os.path.isdir(directory):  # a stat is cheaper than a failing mkdir
                os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise DatastoreUnavailableError(
                f"Cannot create directory {directory} for {artifact.ref}: {exc}."
            ) from exc
        return directory

    def _write_remote(self, artifact: Artifact, uri: ResourcePath) -> tuple[int, str | None]:
        try:
            if uri.exists():
                raise DatasetAlreadyStoredError(
                    f"Cannot write {artifact.ref}: {uri} already exists. Remove it if it is "
                    "left over from an earlier failure, or use another run."
                )
            if artifact.formatter.writes_bytes():
                data = self._serialize(artifact, None)
                assert data is not None
                uri.write(data, overwrite=False)
                return len(data), self._digest(data)
            with tempfile.TemporaryDirectory(prefix="skybutler-put-") as tmpdir:
                local = os.path.join(tmpdir, "file" + artifact.formatter.extension())
                self._serialize(artifact, local)
                digest = checksum_file(local) if self.checksum else None
                size = os.stat(local).st_size
                uri.transfer_from(ResourcePath(local), transfer="copy")
            return size, digest
        except ResourceError as exc:
            raise DatastoreUnavailableError(f"Cannot write {artifact.ref} to {uri}: {exc}") from exc
