"""`DatastoreCacheManager`: local copies of files read from remote datastore roots.

Configuration (the ``cached`` section):

- ``root``: cache directory (default: a temporary directory made on first
  use; ``DAF_BUTLER_CACHE_DIRECTORY`` overrides, and
  ``DAF_BUTLER_CACHE_DIRECTORY_IF_UNSET`` applies when ``root`` is unset);
- ``expiry.mode``: `None` (never expire), ``disabled`` (no cache),
  ``files`` (keep at most ``threshold`` files), ``datasets`` (files of at
  most ``threshold`` datasets), ``size`` (at most ``threshold`` bytes) or
  ``age`` (files younger than ``threshold`` seconds);
  ``DAF_BUTLER_CACHE_EXPIRATION_MODE=mode=threshold`` (or ``disabled``)
  overrides;
- ``default``: whether datasets not listed in ``cacheable`` are cached;
- ``cacheable``: lookup keys to booleans.

The oldest files go first. The cache is safe to share between processes:
files appear by rename, and a file removed under a reader is read again
from the datastore.
"""

from __future__ import annotations

__all__ = ["DatastoreCacheManager"]

import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ...errors import DatastoreConfigError
from ...formatters._lookup import LookupTable

_MODES = (None, "disabled", "files", "datasets", "size", "age")


class DatastoreCacheManager:
    """A directory of cached files, with an expiry rule.

    Parameters
    ----------
    config
        The ``cached`` section.

    Raises
    ------
    DatastoreConfigError
        The expiry mode or threshold is invalid.
    """

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        config = dict(config or {})
        root = os.environ.get("DAF_BUTLER_CACHE_DIRECTORY") or config.get("root")
        if root is None:
            root = os.environ.get("DAF_BUTLER_CACHE_DIRECTORY_IF_UNSET")
        self._root: Path | None = Path(root) if root else None
        expiry = dict(config.get("expiry") or {})
        mode, threshold = expiry.get("mode"), expiry.get("threshold")
        override = os.environ.get("DAF_BUTLER_CACHE_EXPIRATION_MODE")
        if override:
            mode, _, value = override.partition("=")
            threshold = value or None
        if mode not in _MODES:
            raise DatastoreConfigError(
                f"Unknown cache expiry mode {mode!r}; use one of "
                f"{[m for m in _MODES if m]} or null."
            )
        if mode not in (None, "disabled"):
            try:
                threshold = int(threshold) if threshold is not None else None
            except (TypeError, ValueError):
                threshold = None
            if threshold is None or threshold < 0:
                raise DatastoreConfigError(
                    f"Cache expiry mode {mode!r} needs a non-negative integer threshold."
                )
        self.mode: str | None = mode
        self.threshold: int | None = threshold
        self._default = bool(config.get("default", True))
        self._cacheable: LookupTable[bool] = LookupTable(config.get("cacheable"), "cacheable")

    @property
    def enabled(self) -> bool:
        """Whether anything is ever cached."""
        return self.mode != "disabled"

    @property
    def root(self) -> Path:
        """The cache directory (made on first use)."""
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="skybutler-cache-"))
        self._root.mkdir(parents=True, exist_ok=True)
        return self._root

    def should_cache(self, entity: Any) -> bool:
        """Return whether a dataset's files are cached."""
        if not self.enabled:
            return False
        key, value = self._cacheable.find(entity)
        return bool(value) if key is not None else self._default

    @staticmethod
    def _name(dataset_id: uuid.UUID, component: str | None, extension: str) -> str:
        return f"{dataset_id.hex}_{component or ''}{extension}"

    def find(self, dataset_id: uuid.UUID, component: str | None, extension: str) -> Path | None:
        """Return the cached file of a dataset (component), if it is cached."""
        if not self.enabled or self._root is None:
            return None
        path = self._root / self._name(dataset_id, component, extension)
        if path.exists():
            with contextlib.suppress(OSError):
                os.utime(path)  # the oldest unused file expires first
            return path
        return None

    def add(self, local: str, dataset_id: uuid.UUID, component: str | None, extension: str) -> Path:
        """Copy a local file into the cache, then expire old files; return the cached path."""
        target = self.root / self._name(dataset_id, component, extension)
        temporary = target.with_name(f".{uuid.uuid4().hex}.tmp")
        shutil.copyfile(local, temporary)
        os.replace(temporary, target)
        self._expire(keep=target)
        return target

    def remove(self, ids: Iterable[uuid.UUID]) -> None:
        """Drop the cached files of datasets."""
        if self._root is None or not self._root.exists():
            return
        prefixes = {dataset_id.hex for dataset_id in ids}
        for path in self._root.iterdir():
            if path.name.split("_", 1)[0] in prefixes:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def files(self) -> list[Path]:
        """Return the cached files, oldest first."""
        if self._root is None or not self._root.exists():
            return []
        found = []
        for path in self._root.iterdir():
            if path.name.startswith("."):
                continue
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime, path))
        return [path for _, path in sorted(found)]

    def _expire(self, keep: Path) -> None:
        if self.mode is None or self.threshold is None:
            return
        files = [path for path in self.files() if path != keep]
        limit = self.threshold
        doomed: list[Path] = []
        if self.mode == "files":
            doomed = files[: max(0, len(files) + 1 - limit)]
        elif self.mode == "datasets":
            owners = list(dict.fromkeys(p.name.split("_", 1)[0] for p in [*files, keep]))
            extra = set(owners[: max(0, len(owners) - limit)]) - {keep.name.split("_", 1)[0]}
            doomed = [p for p in files if p.name.split("_", 1)[0] in extra]
        elif self.mode == "size":
            total = sum(_size(p) for p in files) + _size(keep)
            for path in files:
                if total <= limit:
                    break
                total -= _size(path)
                doomed.append(path)
        elif self.mode == "age":
            now = time.time()
            doomed = [p for p in files if now - _mtime(p) > limit]
        for path in doomed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0
