"""Shared base of the object-store schemes (``s3``, ``gs``) that do their I/O through fsspec.

The subclass supplies a configured fsspec file system (`_filesystem`) and a
few facts for error messages; this class turns `ResourcePath` calls into
file-system calls, retries transient failures (`call_with_retries`: the
libraries' own retry loops are switched off so that attempts are counted in
one place) and translates every failure into the `ResourceError` tree with a
message naming the URI, the endpoint and what to do.

Object stores have no directories: a directory exists when objects exist
below its prefix or when an empty marker object ``prefix/`` was made by
`mkdir`. Whole-object PUTs are atomic on S3 and GCS, so a failed write never
leaves half an object. ``overwrite=False`` is enforced by checking first and
then writing with the store's create-only condition (S3 ``If-None-Match: *``,
GCS ``ifGenerationMatch=0``), which also closes the race against a
concurrent writer where the server honours the condition (SeaweedFS, moto,
fake-gcs-server and AWS do; on a server that ignores it only the check
protects). A create-only write retried after a lost response can report
`ResourceExistsError` although its first attempt stored the data: the store
cannot tell the two apart.

The fsspec libraries are imported only when a file system is first needed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from ._fsspec_errors import is_transient, translate
from ._path import ResourceInfo, ResourcePath
from ._retry import call_with_retries
from ._utils import compile_filter
from .errors import InvalidURIError, ResourceError, ResourceExistsError, ResourceNotFoundError

__all__ = ["FsspecResourcePath"]

_T = TypeVar("_T")
_log = logging.getLogger(__name__)

UPLOAD_CHUNK = 8 * 1024 * 1024
"""Part size for uploads from local files: at most a few parts are held in memory."""


def _matches(info: dict[str, Any] | None, dir_like: bool | None) -> bool:
    """Whether fsspec ``info`` describes something of the kind a URI asks for."""
    if info is None:
        return False
    if dir_like is None:
        return True
    return (info.get("type") == "directory") is dir_like


def _timestamp(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    if isinstance(value, int | float):
        return float(value)
    return None


class FsspecResourcePath(ResourcePath):
    """A resource in a bucket of an object store reached through an fsspec file system.

    Subclasses implement `_filesystem` and may refine the hooks below
    (`_endpoint_text`, `_credentials_help`, `_server_status`,
    `_error_code`, `_checksums`, `_alist_resolve`).
    """

    __slots__ = ()

    transferModes = ("copy", "move", "auto")
    transferDefault = "copy"

    # ------------------------------------------------------------ hooks

    def _filesystem(self) -> Any:
        """Return the (cached) fsspec file system for this URI's endpoint and credentials."""
        raise NotImplementedError

    @property
    def bucket(self) -> str:
        """The bucket name."""
        return self.netloc

    def _endpoint_text(self) -> str:
        """Describe the server for error messages."""
        return "the server"

    def _credentials_help(self) -> str:
        """Say where credentials are read from, for permission errors."""
        return "check the credentials"

    @classmethod
    def _server_status(cls, exc: BaseException) -> int | None:
        """Return the HTTP status of a failed request, if the library reported it."""
        return None

    @classmethod
    def _error_code(cls, exc: BaseException) -> str | None:
        """Return the store's error code (``NoSuchBucket``...), if known."""
        return None

    def _checksums(self, info: dict[str, Any]) -> dict[str, str]:
        """Return the checksums found in fsspec ``info``."""
        return {}

    @classmethod
    async def _alist_resolve(
        cls, fs: Any, uris: list[FsspecResourcePath]
    ) -> dict[ResourcePath, bool]:
        """Answer existence for some URIs at once (e.g. by listing); default none."""
        return {}

    # ------------------------------------------------------------ construction

    @classmethod
    def _normalized(
        cls,
        scheme: str,
        netloc: str,
        path: str,
        query: str,
        fragment: str,
        force_directory: bool | None,
        is_temporary: bool,
        given: str,
    ) -> ResourcePath:
        if not netloc.rpartition("@")[2]:
            raise InvalidURIError(f"{given!r} names no bucket; write {scheme}://<bucket>/<key>.")
        if not path:
            path = "/"
        return super()._normalized(
            scheme, netloc, path, query, fragment, force_directory, is_temporary, given
        )

    # ------------------------------------------------------------ plumbing

    @property
    def _key(self) -> str:
        return self.unquoted_path.lstrip("/")

    def _fs_path(self) -> str:
        """Return the ``bucket/key`` path fsspec uses (a directory keeps its ``/``)."""
        key = self._key
        return f"{self.bucket}/{key}" if key else self.bucket

    def _as_dir(self) -> FsspecResourcePath:
        uri = self if self.dirLike else ResourcePath(self, forceDirectory=True)
        assert isinstance(uri, FsspecResourcePath)
        return uri

    @classmethod
    def _is_transient(cls, exc: BaseException) -> bool:
        """Whether a failure is worth another attempt: no connection, 5xx, throttling."""
        return is_transient(exc, cls._server_status(exc), cls._error_code(exc))

    def _call(self, what: str, fn: Callable[[], _T]) -> _T:
        """Run a request with retries, translating failures into `ResourceError`."""
        try:
            return call_with_retries(fn, is_transient=self._is_transient, what=f"{what} {self}")
        except ResourceError:
            raise
        except Exception as exc:
            raise self._translate(exc, what) from exc

    def _bucket_exists(self) -> bool | None:
        """Probe the bucket (only on error paths); `None` when that fails too."""
        try:
            return bool(self._filesystem().exists(self.bucket))
        except Exception:  # a failed probe only means "unknown"
            return None

    def _translate(self, exc: BaseException, what: str) -> ResourceError:
        """Turn a library failure into the matching `ResourceError`."""
        return translate(self, exc, what)

    def _info_or_none(self, what: str) -> dict[str, Any] | None:
        fs = self._filesystem()
        path = self._fs_path()

        def probe() -> dict[str, Any] | None:
            try:
                return dict(fs.info(path))
            except FileNotFoundError:
                return None

        return self._call(what, probe)

    def _info(self, what: str) -> dict[str, Any]:
        info = self._info_or_none(what)
        if not _matches(info, self.dirLike):
            raise self._not_found(what)
        assert info is not None
        return info

    def _not_found(self, what: str) -> ResourceNotFoundError:
        if self._bucket_exists() is False:
            return ResourceNotFoundError(
                f"Cannot {what} {self}: the bucket {self.bucket!r} does not exist at "
                f"{self._endpoint_text()}; create it first or correct the URI."
            )
        return ResourceNotFoundError(f"Cannot {what} {self}: it does not exist.")

    # ------------------------------------------------------------ queries

    def exists(self) -> bool:
        """Return whether the object exists, or, for a directory, whether anything is below it."""
        return _matches(self._info_or_none("check the existence of"), self.dirLike)

    def _probe_isdir(self) -> bool:
        info = self._info_or_none("inspect")
        return info is not None and info.get("type") == "directory"

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        info = self._info("get the size of")
        return 0 if info.get("type") == "directory" else int(info.get("size") or 0)

    def get_info(self) -> ResourceInfo:
        """Return size, kind, modification time and the checksums the store reports."""
        info = self._info("get information about")
        is_file = info.get("type") != "directory"
        modified = info.get("LastModified") or info.get("mtime") or info.get("updated")
        return ResourceInfo(
            self.geturl(),
            is_file,
            int(info.get("size") or 0) if is_file else 0,
            _timestamp(modified),
            self._checksums(info) if is_file else {},
        )

    # ------------------------------------------------------------ read and write

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes (one ranged GET)."""
        if self.dirLike:
            raise ResourceError(f"Cannot read {self}: it is a directory.")
        fs = self._filesystem()
        path = self._fs_path()
        if size == 0:
            self._info("read")
            return b""
        if size < 0:
            return bytes(self._call("read", lambda: fs.cat_file(path)))
        return bytes(self._call("read", lambda: fs.cat_file(path, start=0, end=size)))

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Store ``data`` as one object (a single atomic PUT, or multipart for large data).

        Raises
        ------
        ResourceExistsError
            The object exists and ``overwrite`` is false.
        """
        if self.dirLike:
            raise ResourceError(f"Cannot write to {self}: it is a directory; give a file URI.")
        fs = self._filesystem()
        path = self._fs_path()
        payload = data if isinstance(data, bytes) else bytes(data)
        if overwrite:
            self._call("write", lambda: fs.pipe_file(path, payload))
        else:
            self._write_new("write", lambda mode: fs.pipe_file(path, payload, mode=mode))

    def _exclusive_unsupported(self, exc: BaseException) -> bool:
        """Whether the server refused the create-only condition as not implemented."""
        return self._server_status(exc) == 501 or self._error_code(exc) == "NotImplemented"

    def _write_new(self, what: str, put: Callable[[str], object]) -> None:
        """Write only if nothing is there: check, then PUT with the create-only condition.

        The check gives a clear error at once; the condition stops a writer that
        raced in between, on servers that honour it. A server that rejects the
        condition as not implemented gets a plain PUT after the check.
        """
        if self.exists():
            raise ResourceExistsError(
                f"Refusing to overwrite {self}: it exists (use overwrite=True)."
            )

        def attempt() -> object:
            try:
                return put("create")
            except Exception as exc:
                if not self._exclusive_unsupported(exc):
                    raise
                _log.debug(
                    "%s does not support create-only writes; writing %s after a check",
                    self._endpoint_text(),
                    self,
                )
                return put("overwrite")

        try:
            self._call(what, attempt)
        except ResourceExistsError:
            raise ResourceExistsError(
                f"Refusing to overwrite {self}: it was created meanwhile (use overwrite=True)."
            ) from None

    def mkdir(self) -> None:
        """Make the directory exist: an empty marker ``prefix/`` unless objects are below it."""
        directory = self._as_dir()
        if directory.is_root:
            if self._bucket_exists() is False:
                raise ResourceNotFoundError(
                    f"Cannot create {self}: the bucket {self.bucket!r} does not exist at "
                    f"{self._endpoint_text()}; buckets are created with the store's own tools."
                )
            return
        as_file = ResourcePath(directory, forceDirectory=False)
        if as_file.exists():
            raise ResourceExistsError(
                f"Cannot create directory {self}: a file of that name exists."
            )
        if directory.exists():
            return
        fs = self._filesystem()
        marker = directory._fs_path()
        self._call("create", lambda: fs.pipe_file(marker, b""))

    def remove(self) -> None:
        """Remove the object, or the directory if nothing is below it but its marker."""
        info = self._info_or_none("remove")
        if not _matches(info, self.dirLike):
            raise self._not_found("remove")
        assert info is not None
        fs = self._filesystem()
        if info.get("type") != "directory":
            path = self._fs_path()
            self._call("remove", lambda: fs.rm_file(path))
            return
        directory = self._as_dir()
        marker = directory._fs_path()
        entries = self._call(
            "list", lambda: fs.find(marker, maxdepth=None, withdirs=False, detail=False)
        )
        if any(entry.rstrip("/") != marker.rstrip("/") for entry in entries):
            raise ResourceError(f"Cannot remove {self}: the directory is not empty.")
        if entries:
            self._call("remove", lambda: fs.rm_file(marker))

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the directory tree below this prefix like `os.walk`, top down, names sorted."""
        keep = compile_filter(file_filter)
        base = self._as_dir()
        fs = self._filesystem()
        root = base._fs_path()
        prefix = root if root.endswith("/") else root + "/"
        names: list[str] = self._call("list", lambda: fs.find(root, withdirs=False, detail=False))
        tree: dict[str, tuple[set[str], list[str]]] = {"": (set(), [])}
        for name in names:
            if not name.startswith(prefix):
                continue
            rel = name[len(prefix) :]
            parts = rel.rstrip("/").split("/") if rel else []
            is_marker = rel.endswith("/") or not rel
            current = ""
            for part in parts if is_marker else parts[:-1]:
                tree.setdefault(current, (set(), []))[0].add(part)
                current = f"{current}{part}/"
                tree.setdefault(current, (set(), []))
            if not is_marker:
                tree[current][1].append(parts[-1])
        if not names and not base.is_root and not base.exists():
            raise ResourceNotFoundError(f"Cannot walk {self}: it is not an existing directory.")
        for directory in sorted(tree):
            subdirs, files = tree[directory]
            here = base.join(directory, forceDirectory=True) if directory else base
            yield here, sorted(subdirs), sorted(f for f in files if keep(f))

    # ------------------------------------------------------------ transfers

    def _download_to(self, local_path: str) -> None:
        fs = self._filesystem()
        path = self._fs_path()
        self._call("download", lambda: fs.get_file(path, local_path))

    def _upload_from(self, local_path: str, overwrite: bool) -> None:
        fs = self._filesystem()
        path = self._fs_path()
        if overwrite:
            self._call("upload to", lambda: fs.put_file(local_path, path, chunksize=UPLOAD_CHUNK))
        else:
            self._write_new(
                "upload to",
                lambda mode: fs.put_file(local_path, path, chunksize=UPLOAD_CHUNK, mode=mode),
            )

    def _same_store(self, other: FsspecResourcePath) -> bool:
        """Whether a server-side copy from ``other`` is possible."""
        return other._filesystem() is self._filesystem()

    def _transfer_same_scheme(self, src: ResourcePath, mode: str, overwrite: bool) -> bool:
        assert isinstance(src, FsspecResourcePath)
        if not self._same_store(src):
            return False
        fs = self._filesystem()
        source, target = src._fs_path(), self._fs_path()
        try:
            self._call(f"copy {src} to", lambda: fs.cp_file(source, target))
        except ResourceNotFoundError:
            if not src.exists():
                raise ResourceNotFoundError(
                    f"Cannot transfer {src} to {self}: the source does not exist."
                ) from None
            raise
        if mode == "move":
            src.remove()
        return True

    def to_fsspec(self) -> tuple[Any, str]:
        """Return the fsspec file system and this resource's path on it."""
        return self._filesystem(), self._fs_path()

    # ------------------------------------------------------------ bulk existence

    @classmethod
    def _mexists(cls, uris: list[ResourcePath], workers: int) -> dict[ResourcePath, bool]:
        """Check existence with concurrent async requests (at least 16 in flight).

        URIs are grouped by file system; `_alist_resolve` may answer groups of
        siblings with one listing. Whatever fails in the batch is asked again,
        one by one, with retries and error translation.
        """
        from fsspec.asyn import sync

        by_fs: dict[int, tuple[Any, list[FsspecResourcePath]]] = {}
        for uri in uris:
            assert isinstance(uri, FsspecResourcePath)
            fs = uri._filesystem()
            by_fs.setdefault(id(fs), (fs, []))[1].append(uri)
        result: dict[ResourcePath, bool] = {}
        retry: list[FsspecResourcePath] = []
        for fs, group in by_fs.values():
            answers = sync(fs.loop, cls._amexists, fs, group, max(workers, 16))
            for uri, answer in answers.items():
                if isinstance(answer, bool):
                    result[uri] = answer
                else:
                    retry.append(uri)
        for uri in retry:
            result[uri] = uri.exists()
        return result

    @classmethod
    async def _amexists(
        cls, fs: Any, uris: list[FsspecResourcePath], limit: int
    ) -> dict[FsspecResourcePath, bool | BaseException]:
        import asyncio

        answers: dict[FsspecResourcePath, bool | BaseException] = {}
        try:
            known = await cls._alist_resolve(fs, uris)
        except Exception as exc:  # listing only saves requests: fall back
            _log.debug("Listing for mexists failed (%s); checking one by one", exc)
            known = {}
        for uri in uris:
            if uri in known:
                answers[uri] = known[uri]
        pending = [uri for uri in uris if uri not in answers]
        semaphore = asyncio.Semaphore(limit)

        async def one(uri: FsspecResourcePath) -> bool:
            async with semaphore:
                try:
                    info = await fs._info(uri._fs_path())
                except FileNotFoundError:
                    return False
                return _matches(info, uri.dirLike)

        outcomes = await asyncio.gather(*(one(uri) for uri in pending), return_exceptions=True)
        answers.update(zip(pending, outcomes, strict=True))
        return answers
