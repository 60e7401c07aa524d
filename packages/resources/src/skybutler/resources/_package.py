"""The ``resource`` scheme: read-only files inside installed Python packages.

``resource://skybutler.daf_butler/configs/dimensions.yaml`` names the file
``configs/dimensions.yaml`` of the package ``skybutler.daf_butler``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable

from ._file import FileResourcePath
from ._path import ResourceInfo, ResourcePath
from ._utils import compile_filter
from .errors import ResourceNotFoundError, ResourcePermissionError

__all__ = ["PackageResourcePath"]


class PackageResourcePath(ResourcePath):
    """A file shipped inside an installed Python package (read-only)."""

    __slots__ = ()

    transferModes = ()

    def _node(self) -> Traversable:
        try:
            node = resources.files(self.netloc)
        except (ModuleNotFoundError, TypeError) as exc:
            raise ResourceNotFoundError(
                f"Cannot open {self}: no installed package {self.netloc!r}."
            ) from exc
        for part in self.unquoted_path.strip("/").split("/"):
            if part:
                node = node.joinpath(part)
        return node

    def _read_only(self, what: str) -> ResourcePermissionError:
        return ResourcePermissionError(f"Cannot {what} {self}: package resources are read-only.")

    def exists(self) -> bool:
        """Return whether the package holds this file or directory."""
        try:
            return self._node().is_file() or self._node().is_dir()
        except ResourceNotFoundError:
            return False

    def _probe_isdir(self) -> bool:
        return self._node().is_dir()

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        return 0 if self.isdir() else len(self.read())

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes."""
        node = self._node()
        if not node.is_file():
            raise ResourceNotFoundError(f"Cannot read {self}: the package has no such file.")
        data = node.read_bytes()
        return data if size < 0 else data[:size]

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Refuse: package resources are read-only."""
        raise self._read_only("write")

    def mkdir(self) -> None:
        """Refuse: package resources are read-only."""
        raise self._read_only("create")

    def remove(self) -> None:
        """Refuse: package resources are read-only."""
        raise self._read_only("remove")

    def get_info(self) -> ResourceInfo:
        """Return size and kind."""
        if not self.exists():
            raise ResourceNotFoundError(f"Cannot get information about {self}: it does not exist.")
        return ResourceInfo(self.geturl(), not self.isdir(), self.size(), None, {})

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the package directory tree, top down."""
        keep = compile_filter(file_filter)
        start = self._node()
        if not start.is_dir():
            raise ResourceNotFoundError(
                f"Cannot walk {self}: it is not a directory in the package."
            )
        pending: list[tuple[ResourcePath, Traversable]] = [
            (ResourcePath(self, forceDirectory=True), start)
        ]
        while pending:
            uri, node = pending.pop(0)
            children = sorted(node.iterdir(), key=lambda c: c.name)
            dirs = [c.name for c in children if c.is_dir() and c.name != "__pycache__"]
            files = [c.name for c in children if c.is_file() and keep(c.name)]
            yield uri, dirs, files
            pending.extend((uri.join(d, forceDirectory=True), node.joinpath(d)) for d in dirs)

    @contextlib.contextmanager
    def as_local(
        self, multithreaded: bool = True, tmpdir: ResourcePath | None = None
    ) -> Iterator[FileResourcePath]:
        """Give a local file with the content (the package's own file when it is on disk)."""
        with resources.as_file(self._node()) as path:
            local = ResourcePath(path)
            assert isinstance(local, FileResourcePath)
            yield local
