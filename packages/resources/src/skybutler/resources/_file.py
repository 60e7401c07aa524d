"""Local files: the ``file`` scheme and relative scheme-less paths."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

from ._path import ResourceInfo, ResourcePath
from ._utils import compile_filter
from .errors import (
    InvalidTransferModeError,
    ResourceError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePermissionError,
)

__all__ = ["FileResourcePath", "SchemelessResourcePath"]

_T = TypeVar("_T")


def _os_call(uri: ResourcePath, what: str, fn: Callable[[], _T]) -> _T:
    """Run an OS call, turning its errors into ones that name the URI."""
    try:
        return fn()
    except FileNotFoundError as exc:
        raise ResourceNotFoundError(f"Cannot {what} {uri}: it does not exist.") from exc
    except FileExistsError as exc:
        raise ResourceExistsError(f"Cannot {what} {uri}: it exists.") from exc
    except PermissionError as exc:
        raise ResourcePermissionError(f"Cannot {what} {uri}: permission denied.") from exc
    except IsADirectoryError as exc:
        raise ResourceError(f"Cannot {what} {uri}: it is a directory.") from exc
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ResourceError(f"Cannot {what} {uri}: the disk is full.") from exc
        raise ResourceError(f"Cannot {what} {uri}: {exc.strerror or exc}.") from exc


def _temp_name(path: str) -> str:
    head, tail = os.path.split(path)
    return os.path.join(head, f".{tail}.tmp-{uuid.uuid4().hex[:12]}")


class FileResourcePath(ResourcePath):
    """A file or directory on the local file system."""

    __slots__ = ()

    transferModes = ("copy", "move", "link", "hardlink", "symlink", "relsymlink", "auto", "direct")
    transferDefault = "copy"
    isLocal = True

    @property
    def ospath(self) -> str:
        """The local file-system path."""
        return self.unquoted_path

    def exists(self) -> bool:
        """Return whether the file or directory exists."""
        return os.path.exists(self.ospath)

    def _probe_isdir(self) -> bool:
        return os.path.isdir(self.ospath)

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        path = self.ospath
        if os.path.isdir(path):
            return 0
        return _os_call(self, "get the size of", lambda: os.stat(path).st_size)

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes."""

        def _read() -> bytes:
            with open(self.ospath, "rb") as stream:
                return stream.read(size)

        return _os_call(self, "read", _read)

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Write ``data`` all or nothing: to a temporary name, then renamed into place."""
        path = self.ospath
        if not overwrite and os.path.exists(path):
            raise ResourceExistsError(
                f"Refusing to overwrite {self}: it exists (use overwrite=True)."
            )
        directory = os.path.dirname(path)
        if directory:
            _os_call(self.parent(), "create", lambda: os.makedirs(directory, exist_ok=True))
        temp = _temp_name(path)
        try:

            def _write() -> None:
                with open(temp, "wb") as stream:
                    stream.write(data)

            _os_call(self, "write", _write)
            self._commit(temp, path, overwrite)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temp)

    def _commit(self, temp: str, path: str, overwrite: bool) -> None:
        """Move a finished temporary file into place atomically."""
        if overwrite:
            _os_call(self, "write", lambda: os.replace(temp, path))
            return
        # A hard link fails if the destination appeared meanwhile: no race with other writers.
        try:
            os.link(temp, path)
        except FileExistsError:
            raise ResourceExistsError(
                f"Refusing to overwrite {self}: it exists (use overwrite=True)."
            ) from None
        except OSError:
            if os.path.exists(path):
                raise ResourceExistsError(f"Refusing to overwrite {self}: it exists.") from None
            _os_call(self, "write", lambda: os.replace(temp, path))

    def mkdir(self) -> None:
        """Create this directory and its parents."""
        path = self.ospath
        if os.path.isfile(path):
            raise ResourceExistsError(
                f"Cannot create directory {self}: a file of that name exists."
            )
        _os_call(self, "create", lambda: os.makedirs(path, exist_ok=True))

    def remove(self) -> None:
        """Remove the file, or the directory if it is empty."""
        path = self.ospath
        if os.path.isdir(path) and not os.path.islink(path):
            try:
                os.rmdir(path)
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise ResourceError(
                        f"Cannot remove {self}: the directory is not empty."
                    ) from exc
                _os_call(self, "remove", lambda: os.rmdir(path))
            return
        _os_call(self, "remove", lambda: os.remove(path))

    def get_info(self) -> ResourceInfo:
        """Return size, kind and modification time."""
        st = _os_call(self, "stat", lambda: os.stat(self.ospath))
        is_dir = os.path.isdir(self.ospath)
        return ResourceInfo(self.geturl(), not is_dir, 0 if is_dir else st.st_size, st.st_mtime, {})

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the directory tree like `os.walk`."""
        if not os.path.isdir(self.ospath):
            raise ResourceNotFoundError(f"Cannot walk {self}: it is not an existing directory.")
        keep = compile_filter(file_filter)
        base = self if self.dirLike else ResourcePath(self, forceDirectory=True)
        root_len = len(self.ospath.rstrip("/"))
        for dirpath, dirnames, filenames in os.walk(self.ospath):
            rel = dirpath[root_len:].lstrip("/")
            here = base.join(rel, forceDirectory=True) if rel else base
            dirnames.sort()
            yield here, list(dirnames), sorted(f for f in filenames if keep(f))

    @contextlib.contextmanager
    def as_local(
        self, multithreaded: bool = True, tmpdir: ResourcePath | None = None
    ) -> Iterator[FileResourcePath]:
        """Give this file itself: it is already local."""
        yield self

    def _download_to(self, local_path: str) -> None:
        shutil.copyfile(self.ospath, local_path)

    def _upload_from(self, local_path: str, overwrite: bool) -> None:
        self._copy_into_place(local_path, overwrite)

    def _copy_into_place(self, source: str, overwrite: bool) -> None:
        path = self.ospath
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = _temp_name(path)
        try:
            _os_call(self, "copy to", lambda: shutil.copyfile(source, temp))
            self._commit(temp, path, overwrite)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temp)

    def _link_into_place(self, make: Callable[[str], None], overwrite: bool) -> None:
        path = self.ospath
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = _temp_name(path)
        try:
            _os_call(self, "link", lambda: make(temp))
            if overwrite:
                os.replace(temp, path)
            elif os.path.lexists(path):
                raise ResourceExistsError(
                    f"Refusing to overwrite {self}: it exists (use overwrite=True)."
                )
            else:
                os.rename(temp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temp)

    def _transfer_same_scheme(self, src: ResourcePath, mode: str, overwrite: bool) -> bool:
        assert isinstance(src, FileResourcePath)
        source = os.path.abspath(src.ospath)
        if not os.path.exists(source):
            raise ResourceNotFoundError(
                f"Cannot transfer {src} to {self}: the source does not exist."
            )
        if mode == "direct":
            raise InvalidTransferModeError(
                f"Transfer mode 'direct' leaves {src} where it is; "
                f"there is nothing to transfer to {self}."
            )
        if mode == "copy":
            self._copy_into_place(source, overwrite)
        elif mode == "move":
            self._move(source, overwrite)
        elif mode == "hardlink":
            self._link_into_place(lambda temp: os.link(source, temp), overwrite)
        elif mode == "symlink":
            self._link_into_place(lambda temp: os.symlink(source, temp), overwrite)
        elif mode == "relsymlink":
            target = os.path.relpath(source, os.path.dirname(self.ospath))
            self._link_into_place(lambda temp: os.symlink(target, temp), overwrite)
        elif mode == "link":
            try:
                self._link_into_place(lambda temp: os.link(source, temp), overwrite)
            except ResourceExistsError:
                raise
            except ResourceError:
                self._link_into_place(lambda temp: os.symlink(source, temp), overwrite)
        else:  # pragma: no cover - _check_transfer only lets the modes above through
            raise InvalidTransferModeError(f"Unknown transfer mode {mode!r}.")
        return True

    def _move(self, source: str, overwrite: bool) -> None:
        path = self.ospath
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not overwrite and os.path.lexists(path):
            raise ResourceExistsError(
                f"Refusing to overwrite {self}: it exists (use overwrite=True)."
            )
        try:
            os.replace(source, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                _os_call(self, "move to", lambda: os.replace(source, path))
            # Different file systems: copy safely, then remove the source.
            self._copy_into_place(source, overwrite)
            os.remove(source)

    def transfer_from(
        self,
        src: ResourcePath,
        transfer: str = "copy",
        overwrite: bool = False,
        transaction: Any = None,
        multithreaded: bool = True,
    ) -> None:
        """Transfer ``src`` here; see `ResourcePath.transfer_from`.

        From a local file every mode works (``auto`` copies); from a remote
        source only ``copy`` and ``move`` do.
        """
        super().transfer_from(src, transfer, overwrite, transaction, multithreaded)

    def to_fsspec(self) -> tuple[Any, str]:
        """Return fsspec's local file system and this path."""
        from fsspec.implementations.local import LocalFileSystem

        return LocalFileSystem(), self.ospath

    def open(
        self,
        mode: str = "r",
        *,
        encoding: str | None = None,
        prefer_file_temporary: bool = False,
    ) -> contextlib.AbstractContextManager[IO[Any]]:
        """Open the file; ``w`` and ``x`` modes write a temporary file renamed on success."""
        if "b" not in mode and encoding is None:
            encoding = "utf-8"
        if "w" in mode or "x" in mode:
            return self._open_atomic(mode, encoding)
        if "a" in mode:
            os.makedirs(os.path.dirname(self.ospath), exist_ok=True)
        return _os_call(self, "open", lambda: open(self.ospath, mode, encoding=encoding))

    @contextlib.contextmanager
    def _open_atomic(self, mode: str, encoding: str | None) -> Iterator[IO[Any]]:
        path = self.ospath
        overwrite = "x" not in mode
        if not overwrite and os.path.exists(path):
            raise ResourceExistsError(f"Cannot open {self} with mode 'x': it exists.")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = _temp_name(path)
        try:
            with open(temp, mode.replace("x", "w"), encoding=encoding) as stream:
                yield stream
            self._commit(temp, path, overwrite)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(temp)

    @classmethod
    def _mexists(cls, uris: list[ResourcePath], num_workers: int) -> dict[ResourcePath, bool]:
        # A stat is cheaper than handing work to a thread.
        return {uri: os.path.exists(uri.unquoted_path) for uri in uris}


class SchemelessResourcePath(FileResourcePath):
    """A relative path kept relative (``forceAbsolute=False``).

    I/O happens against the current working directory.
    """

    __slots__ = ()

    def isabs(self) -> bool:
        """Return `False`: a scheme-less path is relative."""
        return False

    def abspath(self) -> ResourcePath:
        """Return the absolute ``file`` URI against the current working directory."""
        return ResourcePath(self.unquoted_path, forceDirectory=self.dirLike)

    def root_uri(self) -> ResourcePath:
        """Return the current working directory: the root relative paths start from."""
        return ResourcePath(os.getcwd(), forceDirectory=True)
