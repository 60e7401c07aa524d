"""`TrashArea`: whole directories of removed files, moved aside in one rename and deleted later.

Deleting a RUN of tens of thousands of files costs one ``unlink`` a file,
and on some disks each takes milliseconds. When every file of what is
removed lies under one directory that holds nothing else of the repository,
the datastore renames that directory into ``<root>/.skybutler-trash/`` (one
system call, atomic) and deletes its contents afterwards, here or in a
thread of its own.

The rename is durable in the sense that matters: whatever is under the
trash area is garbage, and `TrashArea.purge` (called by every
``emptyTrash`` and when a writeable repository opens) deletes it, so a
deletion interrupted by a kill or the end of the process is finished by the
next call, never lost. Purging twice, or from two processes at once, is
harmless.
"""

from __future__ import annotations

__all__ = ["TRASH_DIRECTORY", "TrashArea", "common_directory"]

import contextlib
import os
import threading
import uuid
from collections.abc import Iterable

TRASH_DIRECTORY = ".skybutler-trash"
"""Directory of the trash area, directly under a local datastore root."""

_THREADS = 16


def common_directory(paths: Iterable[str]) -> str | None:
    """Return the deepest directory (relative to the root) holding every path, if any.

    `None` when the paths share no directory below the root, or the one
    they share is bookkeeping (its name starts with a dot).
    """
    wanted = list(paths)
    if not wanted:
        return None
    # The prefix shared by the first and last path in sorted order is shared by all.
    first, last = min(wanted), max(wanted)
    if first.startswith("/") or "://" in first or "://" in last:
        return None
    size = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        size += 1
    shared = first[:size]
    # Whole directory names only: up to the last slash of the shared characters.
    common = shared.rpartition("/")[0]
    if not common or common.split("/", 1)[0].startswith(".") or "/./" in f"/{common}/":
        return None
    if any(part == ".." for part in common.split("/")):
        return None
    return common


def _unlink_all(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            os.unlink(path)


class TrashArea:
    """The trash area of a local datastore root.

    Parameters
    ----------
    root
        The local datastore root (an OS path).
    """

    def __init__(self, root: str) -> None:
        self.directory = os.path.join(root, TRASH_DIRECTORY)
        self._root = root
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def move_in(self, relative: str) -> str:
        """Rename a directory under the root into the trash area; return its new path.

        Raises
        ------
        OSError
            The directory cannot be renamed (it is missing, or on another device).
        """
        os.makedirs(self.directory, exist_ok=True)
        target = os.path.join(self.directory, uuid.uuid4().hex)
        os.rename(os.path.join(self._root, relative), target)
        return target

    def purge(self) -> None:
        """Delete everything in the trash area, then the area itself; safe to repeat."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return
        for name in names:
            _delete_tree(os.path.join(self.directory, name))
        with contextlib.suppress(OSError):
            os.rmdir(self.directory)  # another process may be filling it again

    def purge_later(self) -> None:
        """Purge in a thread of this process (the interpreter waits for it before exiting)."""
        with self._lock:
            if self._worker is not None and self._worker.is_alive():
                self._worker.join()
            self._worker = threading.Thread(
                target=self._purge_quietly, name="skybutler-trash", daemon=False
            )
            self._worker.start()

    def wait(self) -> None:
        """Return once a purge started by `purge_later` has finished."""
        with self._lock:
            worker = self._worker
        if worker is not None:
            worker.join()

    def _purge_quietly(self) -> None:
        # Whatever is left (a file held open on some file systems) goes at the next purge.
        with contextlib.suppress(OSError):
            self.purge()


def _delete_tree(top: str) -> None:
    """Delete a directory tree, its files unlinked on several threads (they wait on the disk)."""
    files: list[str] = []
    directories: list[str] = []
    for directory, subdirectories, names in os.walk(top):
        directories.append(directory)
        files.extend(os.path.join(directory, name) for name in names)
        # Links to directories are files here: os.walk lists them among the subdirectories.
        for name in subdirectories:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                files.append(path)
    if len(files) < 2 * _THREADS:
        _unlink_all(files)
    else:
        # Plain threads: an executor refuses work once the interpreter is exiting, and this
        # may run then (the interpreter waits for the purging thread).
        workers = [
            threading.Thread(target=_unlink_all, args=(files[i::_THREADS],), daemon=True)
            for i in range(_THREADS)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    for directory in reversed(directories):
        with contextlib.suppress(FileNotFoundError, OSError):
            os.rmdir(directory)
