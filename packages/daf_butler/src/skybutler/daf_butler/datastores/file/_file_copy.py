"""Moving the files of an export or import in bulk, with fast paths between local directories.

Exports and imports move thousands of small files. Between two local paths
each file costs only the system calls it needs: a copy opens the target
with ``O_EXCL`` (which is also the check that nothing is there) and writes
it straight, a link is one call. Measured here, threads do not help local
copies (every system call costs CPU time, so they only queue for the same
cores) and are used only for remote stores, where each transfer waits on
the network. Places are `ResourcePath` objects, or plain strings for local
paths (the callers join thousands of them: strings are much cheaper).

A copy killed half-way can leave a partial file at its target; like a
whole file left by a killed import, it has no record, and ``undo`` (or the
caller's recovery) removes it.
"""

from __future__ import annotations

__all__ = ["TRANSFER_MODES", "FileMover", "Place", "check_mode", "is_absolute_path"]

import contextlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from skybutler.resources import ResourceError, ResourcePath

from ... import _progress as progress
from ...errors import DatasetAlreadyStoredError, RepoTransferError

TRANSFER_MODES = ("auto", "copy", "move", "link", "symlink", "relsymlink", "hardlink", "direct")
"""Transfer modes of ``Butler.export`` and ``Butler.import_`` (and `None`)."""

Place = ResourcePath | str
"""Where a file is: a URI, or a local path as a plain string."""

_COPY_MODES = ("copy", "auto", "move")
_BLOCK = 4 << 20
_REMOTE_THREADS = 8
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def is_absolute_path(path: str) -> bool:
    """Return whether a recorded path is an absolute URI or path (outside any root)."""
    return "://" in path or path.startswith("/")


def _local_path(place: Place) -> str | None:
    if isinstance(place, str):
        return place
    return place.ospath if place.isLocal else None


def _uri(place: Place) -> ResourcePath:
    return ResourcePath(place, forceDirectory=False) if isinstance(place, str) else place


def copy_local(source: str, target: str) -> int:
    """Copy a local file to a new local path; return the number of bytes copied.

    Raises
    ------
    FileExistsError
        Something is at ``target`` already.
    """
    fd_in = os.open(source, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        fd_out = os.open(target, _CREATE, 0o666)
        size = 0
        try:
            while block := os.read(fd_in, _BLOCK):
                view = memoryview(block)
                while view:
                    written = os.write(fd_out, view)
                    view = view[written:]
                size += len(block)
        except BaseException:
            os.close(fd_out)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(target)
            raise
        os.close(fd_out)
    finally:
        os.close(fd_in)
    return size


class FileMover:
    """Puts files at new places and remembers them, so a failure can remove them again."""

    def __init__(self) -> None:
        self.written: list[Place] = []
        self._made: set[str] = set()

    def transfer_many(
        self, pairs: Sequence[tuple[Place, Place]], mode: str, desc: str = "Transferring files"
    ) -> list[int | None]:
        """Put each source at its target (``move`` copies: the caller deletes the sources later).

        With progress bars on, ``desc`` labels the bar of the files.

        Returns
        -------
        sizes
            The bytes copied for each pair, where a local copy counted them
            (`None` otherwise).

        Raises
        ------
        DatasetAlreadyStoredError
            Something is at a target already.
        RepoTransferError
            A source is missing or a transfer fails.
        """
        sizes: list[int | None] = [None] * len(pairs)
        remote: list[int] = []
        # One bar for local and remote files; without bars 'advance' does nothing (a few
        # nanoseconds against the system calls of each file).
        with progress.bar(desc=desc, total=len(pairs)) as bar:
            advance = bar.update
            for index, (source, target) in enumerate(pairs):
                local_source, local_target = _local_path(source), _local_path(target)
                if local_source is None or local_target is None:
                    remote.append(index)
                    continue
                try:
                    sizes[index] = self._local(local_source, local_target, mode)
                except (OSError, ResourceError) as exc:
                    raise self._error(source, target, mode, exc) from None
                self.written.append(target)
                advance(1)
            if remote:
                self._remote([pairs[i] for i in remote], mode, bar)
        return sizes

    def _remote(
        self, pairs: list[tuple[Place, Place]], mode: str, bar: progress.ProgressBar
    ) -> None:
        def one(pair: tuple[Place, Place]) -> BaseException | None:
            source, target = _uri(pair[0]), _uri(pair[1])
            try:
                if target.exists():
                    raise FileExistsError(target.geturl())
                target.transfer_from(source, transfer="copy" if mode == "move" else mode)
            except (OSError, ResourceError) as exc:
                return exc
            return None

        outcomes: list[BaseException | None] = []
        with ThreadPoolExecutor(min(_REMOTE_THREADS, len(pairs))) as pool:
            for outcome in pool.map(one, pairs):
                outcomes.append(outcome)
                bar.update(1)
        failure: tuple[tuple[Place, Place], BaseException] | None = None
        for pair, outcome in zip(pairs, outcomes, strict=True):
            if outcome is None:
                self.written.append(pair[1])
            elif failure is None:
                failure = (pair, outcome)
        if failure is not None:
            (source, target), exc = failure
            raise self._error(source, target, mode, exc) from None

    @staticmethod
    def _error(source: Place, target: Place, mode: str, exc: BaseException) -> Exception:
        if isinstance(exc, FileExistsError):
            return DatasetAlreadyStoredError(
                f"Cannot put {source} at {target}: a file is there already. Remove it if it is "
                "left over from an earlier failure, or import into another repository."
            )
        return RepoTransferError(
            f"Cannot transfer {source} to {target} ({mode}): {exc}. Check that the export "
            "directory holds the files its export file names, and that the mode suits "
            "both places."
        )

    def _local(self, source: str, target: str, mode: str) -> int | None:
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        if mode in _COPY_MODES:
            return copy_local(source, target)
        if mode == "hardlink":
            os.link(source, target)
        elif mode == "symlink":
            os.symlink(os.path.realpath(source), target)
        elif mode == "relsymlink":
            os.symlink(os.path.relpath(os.path.realpath(source), parent), target)
        elif mode == "link":
            try:
                os.link(source, target)
            except FileExistsError:
                raise
            except OSError:
                os.symlink(os.path.realpath(source), target)
        else:  # pragma: no cover - modes are checked by the callers
            raise ValueError(f"Unknown transfer mode {mode!r}.")
        return None

    def undo(self) -> None:
        """Remove every file put so far."""
        for place in reversed(self.written):
            with contextlib.suppress(FileNotFoundError, ResourceError, OSError):
                local = _local_path(place)
                if local is not None:
                    os.unlink(local)
                else:
                    _uri(place).remove()
        self.written.clear()


def check_mode(transfer: str | None, refused: tuple[str, ...], what: str) -> None:
    """Refuse an unknown transfer mode, or one of ``refused``, saying which are accepted.

    Raises
    ------
    RepoTransferError
        The mode cannot be used.
    """
    if transfer is None:
        return
    accepted = [m for m in TRANSFER_MODES if m not in refused]
    if transfer not in accepted:
        raise RepoTransferError(
            f"Transfer mode {transfer!r} cannot be used to {what}; use one of "
            f"{', '.join(accepted)} or None."
        )
