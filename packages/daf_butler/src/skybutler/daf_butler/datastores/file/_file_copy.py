"""Moving one file of an export or import, with fast paths between local directories.

Exports and imports move thousands of small files; between two local paths
plain system calls (copy to a temporary name then rename, link, symlink)
cost a fraction of a generic `ResourcePath` transfer, so they are used
there, and `ResourcePath.transfer_from` everywhere else. (Threads do not
help: on a local disk they cost more CPU time than they save in waiting.)
"""

from __future__ import annotations

__all__ = ["TRANSFER_MODES", "FileMover", "check_mode", "is_absolute_path"]

import contextlib
import os
import shutil
import uuid
from collections.abc import Sequence

from skybutler.resources import ResourceError, ResourcePath

from ...errors import DatasetAlreadyStoredError, RepoTransferError

TRANSFER_MODES = ("auto", "copy", "move", "link", "symlink", "relsymlink", "hardlink", "direct")
"""Transfer modes of ``Butler.export`` and ``Butler.import_`` (and `None`)."""


def is_absolute_path(path: str) -> bool:
    """Return whether a recorded path is an absolute URI or path (outside any root)."""
    return "://" in path or path.startswith("/")


class FileMover:
    """Puts files at new places and remembers them, so a failure can remove them again."""

    def __init__(self) -> None:
        self.written: list[ResourcePath] = []
        self._made: set[str] = set()

    def transfer_many(self, pairs: Sequence[tuple[ResourcePath, ResourcePath]], mode: str) -> None:
        """Put each source at its target, in order; see `transfer`."""
        for source, target in pairs:
            self.transfer(source, target, mode)

    def transfer(self, source: ResourcePath, target: ResourcePath, mode: str) -> None:
        """Put ``source`` at ``target`` (``move`` copies: the caller deletes the source later).

        Raises
        ------
        DatasetAlreadyStoredError
            Something is at ``target`` already.
        RepoTransferError
            The source is missing or the transfer fails.
        """
        try:
            if source.isLocal and target.isLocal:
                self._local(source.ospath, target.ospath, mode)
            else:
                if target.exists():
                    raise FileExistsError(target.geturl())
                target.transfer_from(source, transfer="copy" if mode == "move" else mode)
        except FileExistsError:
            raise DatasetAlreadyStoredError(
                f"Cannot put {source} at {target}: a file is there already. Remove it if it is "
                "left over from an earlier failure, or import into another repository."
            ) from None
        except (OSError, ResourceError) as exc:
            raise RepoTransferError(
                f"Cannot transfer {source} to {target} ({mode}): {exc}. Check that the export "
                "directory holds the files its export file names, and that the mode suits "
                "both places."
            ) from exc
        self.written.append(target)

    def _local(self, source: str, target: str, mode: str) -> None:
        parent = os.path.dirname(target)
        if parent not in self._made:
            os.makedirs(parent, exist_ok=True)
            self._made.add(parent)
        if os.path.lexists(target):
            raise FileExistsError(target)
        if mode in ("copy", "auto", "move"):
            temporary = os.path.join(parent, f".{uuid.uuid4().hex}.tmp")
            try:
                shutil.copyfile(source, temporary)
                os.replace(temporary, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
        elif mode == "hardlink":
            os.link(source, target)
        elif mode == "symlink":
            os.symlink(os.path.realpath(source), target)
        elif mode == "relsymlink":
            os.symlink(os.path.relpath(os.path.realpath(source), parent), target)
        elif mode == "link":
            try:
                os.link(source, target)
            except OSError:
                os.symlink(os.path.realpath(source), target)
        else:  # pragma: no cover - modes are checked by the callers
            raise ValueError(f"Unknown transfer mode {mode!r}.")

    def undo(self) -> None:
        """Remove every file put so far."""
        for uri in reversed(self.written):
            with contextlib.suppress(FileNotFoundError, ResourceError, OSError):
                if uri.isLocal:
                    os.unlink(uri.ospath)
                else:
                    uri.remove()
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
