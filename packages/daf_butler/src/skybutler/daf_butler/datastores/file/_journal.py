"""`WriteJournal`: files a writer is about to create, so a killed writer leaves no orphans.

A put, ingest or transfer creates files first and commits their records
afterwards. A process killed in between (SIGKILL, the out-of-memory
killer) would leave files that no record names. Before creating
any file, a writer appends the paths it is about to create to its own
journal under ``<root>/.skybutler-journal/``, and once the registry
transaction has committed or rolled back, a line saying the batch is done.

A writer's journal is made by its first batch; resolved batches get a
"done" line, and once the journal has grown past about a megabyte it is
emptied (truncated, not deleted) the next time nothing is pending. Emptying
it after every batch would cost each put a block freed and a block
allocated again, file system metadata work that on the ext4 disk of this
project's machine made a put's system time about twice the cost of its
file. It is deleted when the writer closes. Each is held with an exclusive
`fcntl.flock` lock for the life of its writer; the kernel releases the lock
when the process dies, however it dies.
`recover_journals` (run when a writeable repository is opened) takes every
journal nobody holds, and for each batch not marked done deletes the
files whose dataset has no record with that path, with their temporary
siblings (``.<name>.tmp-*`` and ``.<name>.*.tmp``). Journals are kept only
for local roots.
"""

from __future__ import annotations

__all__ = ["JOURNAL_DIRECTORY", "WriteJournal", "pending_paths", "recover_journals"]

import contextlib
import fcntl
import glob
import itertools
import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping

_LOG = logging.getLogger(__name__)

_EMPTY_AT = 1 << 20
"""A journal this long (bytes) is emptied when nothing in it is pending."""

JOURNAL_DIRECTORY = ".skybutler-journal"
"""Directory of the journals, directly under a local datastore root."""

Recorded = Callable[[list[uuid.UUID]], Mapping[uuid.UUID, Iterable[str]]]
"""Returns the recorded paths of each dataset that has records."""


class WriteJournal:
    """The journal of one writer (one process and datastore).

    Parameters
    ----------
    root
        The local datastore root (an OS path).
    """

    def __init__(self, root: str) -> None:
        self._directory = os.path.join(root, JOURNAL_DIRECTORY)
        self._fd: int | None = None
        self._path = ""
        self._pid = -1
        self._open_batches: set[str] = set()
        self._lock = threading.Lock()
        self._batch_numbers = itertools.count()
        self._size = 0

    def _descriptor(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            # A forked child starts its own journal: the parent's lock is the parent's.
            os.makedirs(self._directory, exist_ok=True)
            name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}.jsonl"
            path = os.path.join(self._directory, name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._fd, self._path, self._pid = fd, path, os.getpid()
            self._open_batches = set()
            self._size = 0
        return self._fd

    def begin(self, entries: Iterable[tuple[uuid.UUID, str]]) -> str | None:
        """Record files about to be created; return the batch name (`None` if no files).

        Parameters
        ----------
        entries
            ``(dataset ID, path relative to the root)`` of each file.
        """
        paths = [[str(dataset_id), path] for dataset_id, path in entries]
        if not paths:
            return None
        with self._lock:
            fd = self._descriptor()
            # Unique within the journal file, which is this writer's alone.
            batch = str(next(self._batch_numbers))
            line = json.dumps({"batch": batch, "files": paths}) + "\n"
            # One unbuffered write: once it returns the kernel has it, even if we die next.
            self._size += os.write(fd, line.encode())
            self._open_batches.add(batch)
        return batch

    def done(self, batch: str | None) -> None:
        """Mark a batch resolved (committed or undone); repeated calls are harmless."""
        if batch is None:
            return
        with self._lock:
            if batch not in self._open_batches or self._fd is None or self._pid != os.getpid():
                return
            self._open_batches.discard(batch)
            if self._open_batches or self._size < _EMPTY_AT:
                self._size += os.write(self._fd, f'{{"done": "{batch}"}}\n'.encode())
                return
            # Long, and nothing pending: empty it, keeping it (and its lock) for the next batch.
            os.ftruncate(self._fd, 0)
            self._size = 0

    def close(self) -> None:
        """Delete the journal if nothing is pending (a writer closing); harmless when repeated."""
        with self._lock:
            if self._fd is None or self._pid != os.getpid() or self._open_batches:
                return
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path)
            os.close(self._fd)
            self._fd = None


def _pending(path: str) -> list[tuple[uuid.UUID, str]]:
    batches: dict[str, list[tuple[uuid.UUID, str]]] = {}
    with open(path, encoding="utf-8") as stream:
        for line in stream:
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by the kill: its files were never created
            if "done" in entry:
                batches.pop(entry["done"], None)
            elif "batch" in entry:
                batches[entry["batch"]] = [(uuid.UUID(i), p) for i, p in entry["files"]]
    return [item for files in batches.values() for item in files]


def pending_paths(root: str) -> set[str]:
    """Return the paths of every batch not yet resolved, in any journal (live writers' too)."""
    directory = os.path.join(root, JOURNAL_DIRECTORY)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return set()
    found: set[str] = set()
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            found.update(path for _, path in _pending(os.path.join(directory, name)))
    return found


def _remove_with_temporaries(root: str, relative: str) -> int:
    target = os.path.join(root, relative)
    removed = 0
    directory, name = os.path.split(target)
    escaped = glob.escape(name)
    candidates = [target]
    candidates += glob.glob(os.path.join(glob.escape(directory), f".{escaped}.tmp-*"))
    candidates += glob.glob(os.path.join(glob.escape(directory), f".{escaped}.*.tmp"))
    for candidate in candidates:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(candidate)
            removed += 1
    return removed


def recover_journals(root: str, recorded: Recorded) -> int:
    """Delete files left by writers that died before resolving their batches.

    Parameters
    ----------
    root
        The local datastore root.
    recorded
        Returns the recorded paths of datasets (those with records).

    Returns
    -------
    count
        The number of files deleted.
    """
    directory = os.path.join(root, JOURNAL_DIRECTORY)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in sorted(names):
        path = os.path.join(directory, name)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its writer is alive
            pending = _pending(path)
            if pending:
                known = recorded(list({dataset_id for dataset_id, _ in pending}))
                for dataset_id, relative in pending:
                    if relative not in set(known.get(dataset_id, ())):
                        removed += _remove_with_temporaries(root, relative)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        finally:
            os.close(fd)
    if removed:
        _LOG.warning(
            "Removed %d file(s) under %s left by writers that were killed before committing.",
            removed,
            root,
        )
    return removed
