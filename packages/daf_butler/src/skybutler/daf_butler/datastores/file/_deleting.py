"""Deleting the files of trashed datasets, one by one, on several threads when there are many.

`emptyTrash` comes here when the files cannot be set aside in one rename
(see `_trash_area`). Each deletion waits on the file system (on some disks
several milliseconds a file) or the network, not on Python, so many go at
once on threads, each thread taking a share of the files.
"""

from __future__ import annotations

__all__ = ["delete_paths"]

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from skybutler.resources import ResourceError, ResourcePath

from ... import _progress as progress
from ...errors import DatastoreUnavailableError

_THREADED_DELETES = 64
"""Fewer files than this are deleted on the calling thread."""
_DELETE_THREADS = 16
_BAR_SHARES = 32
"""With progress bars on, each deleting thread gets this many shares (the bar moves by share)."""


def delete_paths(
    root: ResourcePath,
    uri_of: Callable[[str], ResourcePath],
    paths: Iterable[str],
    ignore_errors: bool,
) -> set[str]:
    """Delete files under ``root``; return those that could not be deleted.

    Parameters
    ----------
    root
        The datastore root.
    uri_of
        Returns the URI of a path relative to the root (used for remote roots).
    paths
        The files, relative to the root. A file already gone is not an error.
    ignore_errors
        Return the files that could not be deleted instead of raising.

    Raises
    ------
    DatastoreUnavailableError
        A file cannot be deleted and ``ignore_errors`` is false.
    """
    local_root = root.ospath if root.isLocal else None

    def delete(path: str) -> str | None:
        try:
            if local_root is not None:
                os.unlink(os.path.join(local_root, path))
            else:
                uri_of(path).remove()
        except FileNotFoundError:
            pass
        except (OSError, ResourceError) as exc:
            if not ignore_errors:
                raise DatastoreUnavailableError(
                    f"Cannot delete {path} under {root}: {exc}. Fix the permissions or "
                    "the connection and call emptyTrash again."
                ) from exc
            return path
        return None

    def delete_all(chunk: Iterable[str]) -> list[str]:
        return [path for path in chunk if delete(path) is not None]

    wanted = sorted(paths)
    if len(wanted) < _THREADED_DELETES:
        return set(delete_all(progress.iterate(wanted, desc="Deleting files")))
    # One task per thread, each a share of the files: no per-file futures. A bar counts
    # finished tasks, so with bars on the files are cut into more (smaller) shares.
    shares = _DELETE_THREADS * (_BAR_SHARES if progress.is_enabled() else 1)
    chunks = [wanted[i::shares] for i in range(shares)]
    failed: set[str] = set()
    with (
        ThreadPoolExecutor(_DELETE_THREADS) as pool,
        progress.bar(desc="Deleting files", total=len(wanted)) as bar,
    ):
        for chunk, not_deleted in zip(chunks, pool.map(delete_all, chunks), strict=True):
            failed.update(not_deleted)
            bar.update(len(chunk))
    return failed
