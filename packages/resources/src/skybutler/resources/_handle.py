"""File objects for resources that are not local files: buffered, committed on close."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from .errors import ResourceExistsError

if TYPE_CHECKING:
    from ._path import ResourcePath

__all__ = ["open_buffered"]


class _CommitOnClose(io.BytesIO):
    """A write buffer whose content is stored, all at once, when it is closed cleanly."""

    def __init__(self, target: ResourcePath, initial: bytes, overwrite: bool) -> None:
        super().__init__(initial)
        self.seek(0, io.SEEK_END)
        self._target = target
        self._overwrite = overwrite
        self._failed = False

    def abandon(self) -> None:
        self._failed = True

    def close(self) -> None:
        if not self.closed and not self._failed:
            self._target.write(self.getvalue(), overwrite=self._overwrite)
        super().close()


@contextlib.contextmanager
def open_buffered(
    uri: ResourcePath, mode: str, encoding: str | None, prefer_file: bool
) -> Iterator[IO[Any]]:
    """Open a non-local resource by buffering it in memory (or a temporary file for reads)."""
    kind = mode.replace("b", "").replace("t", "").replace("+", "")
    if kind not in ("r", "w", "x", "a") or len(kind) != 1:
        raise ValueError(f"Invalid mode {mode!r} for opening {uri}.")
    binary = "b" in mode
    if kind == "r" and "+" not in mode:
        if prefer_file:
            with (
                uri.as_local() as local,
                open(local.ospath, mode, encoding=None if binary else encoding or "utf-8") as f,
            ):
                yield f
            return
        raw: IO[bytes] = io.BytesIO(uri.read())
    else:
        if kind == "x" and uri.exists():
            raise ResourceExistsError(f"Cannot open {uri} with mode 'x': it exists.")
        initial = b""
        if kind == "r" or (kind == "a" and uri.exists()):
            initial = uri.read()
        buffer = _CommitOnClose(uri, initial, overwrite=kind != "x")
        if kind == "r":
            buffer.seek(0)
        raw = buffer
    stream: IO[Any] = raw if binary else io.TextIOWrapper(raw, encoding=encoding or "utf-8")
    try:
        yield stream
    except BaseException:
        if isinstance(raw, _CommitOnClose):
            raw.abandon()
        raise
    finally:
        stream.close()
