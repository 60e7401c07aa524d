"""The ``mem`` scheme: a process-wide in-memory store, handy for tests and scratch data.

Unlike upstream's placeholder, which does no I/O, this is a real store: what
is written can be read back, listed and removed by anyone in the process.
Directories are implied by the keys below them, or made with `mkdir`.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from ._path import ResourceInfo, ResourcePath
from ._utils import compile_filter
from .errors import ResourceError, ResourceExistsError, ResourceNotFoundError

__all__ = ["InMemoryResourcePath"]

_files: dict[tuple[str, str], tuple[bytes, float]] = {}
_dirs: set[tuple[str, str]] = set()
_lock = threading.RLock()


class InMemoryResourcePath(ResourcePath):
    """A resource held in this process's memory (``mem://bucket/path``)."""

    __slots__ = ()

    transferModes = ("copy", "move", "auto")

    def _key(self) -> tuple[str, str]:
        return self.netloc, self.unquoted_path

    def _has_children(self) -> bool:
        netloc, path = self._key()
        prefix = path if path.endswith("/") else path + "/"
        return any(
            n == netloc and p.startswith(prefix) and p != prefix for n, p in (*_files, *_dirs)
        )

    def exists(self) -> bool:
        """Return whether the file exists, or the directory has been made or holds files."""
        key = self._key()
        with _lock:
            if self.dirLike:
                return self.is_root or key in _dirs or self._has_children()
            return key in _files or (
                self.dirLike is None and (key in _dirs or self._has_children())
            )

    def _probe_isdir(self) -> bool:
        with _lock:
            return self._key() not in _files and (self._key() in _dirs or self._has_children())

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        return len(self.read()) if not self.isdir() else 0

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes."""
        with _lock:
            entry = _files.get(self._key())
        if entry is None:
            raise ResourceNotFoundError(f"Cannot read {self}: it does not exist.")
        return entry[0] if size < 0 else entry[0][:size]

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Store ``data`` (an atomic replacement of the previous content)."""
        if self.dirLike:
            raise ResourceError(f"Cannot write to {self}: it is a directory.")
        with _lock:
            if not overwrite and self._key() in _files:
                raise ResourceExistsError(
                    f"Refusing to overwrite {self}: it exists (use overwrite=True)."
                )
            _files[self._key()] = (bytes(data), time.time())

    def mkdir(self) -> None:
        """Record the directory so that it exists even while empty."""
        with _lock:
            if self._key() in _files:
                raise ResourceExistsError(
                    f"Cannot create directory {self}: a file of that name exists."
                )
            netloc, path = self._key()
            _dirs.add((netloc, path if path.endswith("/") else path + "/"))

    def remove(self) -> None:
        """Remove the file, or the directory if it is empty."""
        netloc, path = self._key()
        with _lock:
            if (netloc, path) in _files:
                del _files[netloc, path]
                return
            dkey = (netloc, path if path.endswith("/") else path + "/")
            if dkey in _dirs:
                if self._has_children():
                    raise ResourceError(f"Cannot remove {self}: the directory is not empty.")
                _dirs.discard(dkey)
                return
        raise ResourceNotFoundError(f"Cannot remove {self}: it does not exist.")

    def get_info(self) -> ResourceInfo:
        """Return size, kind and the time of the last write."""
        with _lock:
            entry = _files.get(self._key())
        if entry is not None:
            return ResourceInfo(self.geturl(), True, len(entry[0]), entry[1], {})
        if self.exists():
            return ResourceInfo(self.geturl(), False, 0, None, {})
        raise ResourceNotFoundError(f"Cannot get information about {self}: it does not exist.")

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the implied directory tree, top down."""
        keep = compile_filter(file_filter)
        netloc, path = self._key()
        prefix = path if path.endswith("/") else path + "/"
        tree: dict[str, tuple[set[str], list[str]]] = {prefix: (set(), [])}
        with _lock:
            entries = [(p, True) for n, p in _files if n == netloc and p.startswith(prefix)]
            entries += [
                (p, False) for n, p in _dirs if n == netloc and p.startswith(prefix) and p != prefix
            ]
        if not entries and (netloc, prefix) not in _dirs and not self.is_root:
            raise ResourceNotFoundError(f"Cannot walk {self}: it is not an existing directory.")
        for full, is_file in entries:
            parts = full[len(prefix) :].strip("/").split("/")
            current = prefix
            for part in parts[:-1] if is_file else parts:
                tree.setdefault(current, (set(), []))[0].add(part)
                current = current + part + "/"
                tree.setdefault(current, (set(), []))
            if is_file:
                tree[current][1].append(parts[-1])
        base = ResourcePath(self, forceDirectory=True)
        for directory in sorted(tree):
            subdirs, files = tree[directory]
            here = (
                base.join(directory[len(prefix) :], forceDirectory=True)
                if directory != prefix
                else base
            )
            yield here, sorted(subdirs), sorted(f for f in files if keep(f))

    def _transfer_same_scheme(self, src: ResourcePath, mode: str, overwrite: bool) -> bool:
        data = src.read()
        self.write(data, overwrite=overwrite)
        if mode == "move":
            src.remove()
        return True
