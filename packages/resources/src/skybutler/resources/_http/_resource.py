"""`HttpResourcePath` (``http``, ``https``) and `DavResourcePath` (``dav``, ``davs``).

Any HTTP server can be read: GET (with ``Range`` for partial reads) and HEAD.
Writing, listing and the rest need WebDAV, which is detected once per server
by an OPTIONS request whose answer has a ``DAV`` header naming class 1;
``dav://`` and ``davs://`` URIs skip the check and always use WebDAV (over
``http`` and ``https``). On WebDAV:

* a write PUTs to a temporary sibling name, then MOVEs it into place with
  ``Overwrite: T`` or ``F``, so readers never see a partial file and
  ``overwrite=False`` is enforced by the server, without a race;
* missing parent collections are made with MKCOL when the server answers 409;
* PROPFIND (``Depth: 0`` or ``1``) gives existence, kind, size and listings;
* transfers on one server are server-side COPY (to a temporary name, then
  MOVE) or MOVE.

Credentials and settings come from the URI and the environment: see
`skybutler.resources._http._config`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING

from .._path import ResourceInfo, ResourcePath
from .._utils import compile_filter, run_concurrently
from ..errors import (
    InvalidURIError,
    ResourceError,
    ResourceExistsError,
    ResourceNotFoundError,
    UnsupportedOperationError,
)
from ._client import Content, call, is_webdav, request, send_once
from ._config import Endpoint, remember_password, split_userinfo
from ._propfind import PROPFIND_BODY, DavEntry, http_date, parse_multistatus

if TYPE_CHECKING:
    import httpx

__all__ = ["DavResourcePath", "HttpResourcePath"]

_WIRE_SCHEME = {"http": "http", "https": "https", "dav": "http", "davs": "https"}
_CHUNK = 1024 * 1024
# Above this size a write first makes sure the parent collection exists, rather than
# learning it from a 409 after sending the whole body.
_CHECK_PARENT_ABOVE = 64 * 1024
# Batch existence checks through one directory listing from this many URIs in a directory.
_BATCH_MIN = 3
_known_dirs: set[tuple[Endpoint, str]] = set()


def _file_chunks(path: str) -> Iterator[bytes]:
    """Yield the content of a local file in pieces, for streaming uploads."""
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


class HttpResourcePath(ResourcePath):
    """A resource on an HTTP(S) server: readable everywhere, writable on WebDAV."""

    __slots__ = ()

    transferModes = ("copy", "auto", "move")
    transferDefault = "copy"

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
        user, password, hostport = split_userinfo(netloc)
        if password is not None:
            given = f"{scheme}://{(user + '@') if user else ''}{hostport}{path}"
            if not user:
                raise InvalidURIError(
                    f"{given!r} gives a password without a user name; write user:password@host."
                )
            remember_password(hostport, user, password)
            netloc = f"{user}@{hostport}"
        if not hostport:
            raise InvalidURIError(f"{given!r} names no server; write {scheme}://host[:port]/path.")
        return super()._normalized(
            scheme, netloc, path or "/", query, fragment, force_directory, is_temporary, given
        )

    # ------------------------------------------------------------ request helpers

    @property
    def _endpoint(self) -> Endpoint:
        return Endpoint(_WIRE_SCHEME[self.scheme], split_userinfo(self.netloc)[2])

    @property
    def _user(self) -> str | None:
        return split_userinfo(self.netloc)[0]

    @property
    def _url(self) -> str:
        """The URL to send requests to: wire scheme, no credentials."""
        url = self._endpoint.base + self.path
        return f"{url}?{self.query}" if self.query else url

    @property
    def _where(self) -> str:
        """Return the URI to name in messages: no user name or password."""
        return f"{self.scheme}://{self._endpoint.hostport}{self.path}"

    def _request(
        self,
        method: str,
        *,
        headers: dict[str, str] | None = None,
        content: Content | None = None,
        accept: Collection[int] = (),
    ) -> httpx.Response:
        return request(
            self._endpoint,
            method,
            self._url,
            where=self._where,
            user=self._user,
            headers=headers,
            content=content,
            accept=accept,
        )

    def _is_dav(self) -> bool:
        return is_webdav(self._endpoint, self._user)

    def _require_dav(self, what: str) -> None:
        if not self._is_dav():
            raise UnsupportedOperationError(
                f"Cannot {what} {self._where}: {self._endpoint.base} is a plain HTTP server "
                "(its answer to OPTIONS has no 'DAV' header), which can only be read. "
                "Use a WebDAV server, or a dav:// or davs:// URI if this one is WebDAV."
            )

    def _as_dir(self) -> HttpResourcePath:
        uri = self if self.dirLike else ResourcePath(self, forceDirectory=True)
        assert isinstance(uri, HttpResourcePath)
        return uri

    def _propfind(self, depth: str) -> list[DavEntry] | None:
        """List this resource (``Depth: 0``) or it and its children (``1``); `None` if missing."""
        response = self._request(
            "PROPFIND",
            headers={"Depth": depth, "Content-Type": "application/xml; charset=utf-8"},
            content=PROPFIND_BODY,
            accept=(404, 410),
        )
        if response.status_code in (404, 410):
            return None
        if response.status_code != 207:
            raise ResourceError(
                f"PROPFIND {self._where} answered HTTP {response.status_code}, "
                "not 207 Multi-Status: the server does not list resources the WebDAV way."
            )
        try:
            return parse_multistatus(response.content)
        except ValueError as exc:
            raise ResourceError(
                f"Cannot read the server's PROPFIND answer for {self._where}: {exc}."
            ) from None

    def _stat(self) -> DavEntry | None:
        entries = self._propfind("0")
        return entries[0] if entries else None

    # ------------------------------------------------------------ queries

    def exists(self) -> bool:
        """Return whether the resource exists (PROPFIND on WebDAV, else HEAD)."""
        if self._is_dav():
            return self._stat() is not None
        response = self._request("HEAD", accept=(404, 405, 410, 501))
        if response.status_code in (404, 410):
            return False
        if response.is_success:
            return True
        # No HEAD on this server: ask for the first byte instead.
        response = self._request("GET", headers={"Range": "bytes=0-0"}, accept=(404, 410, 416))
        return response.status_code not in (404, 410)

    def _probe_isdir(self) -> bool:
        if not self._is_dav():
            return False
        entry = self._stat()
        return entry is not None and entry.is_dir

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        return self.get_info().size

    def get_info(self) -> ResourceInfo:
        """Return size, kind and modification time (PROPFIND on WebDAV, else HEAD)."""
        if self._is_dav():
            entry = self._stat()
            if entry is None:
                raise ResourceNotFoundError(
                    f"Cannot get information about {self._where}: it does not exist."
                )
            return ResourceInfo(
                self.geturl(), not entry.is_dir, entry.size, entry.last_modified, {}
            )
        response = self._request("HEAD")
        length = response.headers.get("Content-Length")
        size = int(length) if length and length.isdigit() else len(self.read())
        stamp = http_date(response.headers.get("Last-Modified"))
        return ResourceInfo(self.geturl(), True, size, stamp, {})

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes (a ``Range`` request)."""
        if self.dirLike and self._is_dav():
            raise ResourceError(f"Cannot read {self._where}: it is a directory.")
        if size == 0:
            if not self.exists():
                raise ResourceNotFoundError(f"Cannot read {self._where}: it does not exist.")
            return b""
        if size < 0:
            return self._request("GET").content
        return call(
            lambda: self._read_prefix(size), endpoint=self._endpoint, what=f"GET {self._where}"
        )

    def _read_prefix(self, size: int) -> bytes:
        response = send_once(
            self._endpoint,
            "GET",
            self._url,
            where=self._where,
            user=self._user,
            # Ranges count bytes of the encoded body: ask for it unencoded.
            headers={"Range": f"bytes=0-{size - 1}", "Accept-Encoding": "identity"},
            accept=(416,),
            stream=True,
        )
        with contextlib.closing(response):
            if response.status_code == 416:  # the file is empty
                return b""
            data = bytearray()
            # A server that ignores Range sends everything: stop reading once we have enough.
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) >= size:
                    break
            return bytes(data[:size])

    def _download_to(self, local_path: str) -> None:
        def attempt() -> None:
            response = send_once(
                self._endpoint, "GET", self._url, where=self._where, user=self._user, stream=True
            )
            with contextlib.closing(response), open(local_path, "wb") as out:
                for chunk in response.iter_bytes(_CHUNK):
                    out.write(chunk)

        call(attempt, endpoint=self._endpoint, what=f"GET {self._where}")

    # ------------------------------------------------------------ writes

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Store ``data`` all or nothing: PUT to a temporary name, then MOVE into place."""
        self._check_writable(overwrite)
        payload = bytes(data)
        self._put_atomic(payload, len(payload), overwrite)

    def _upload_from(self, local_path: str, overwrite: bool) -> None:
        # transfer_from has checked for an existing destination already.
        self._check_writable(overwrite=True)
        self._put_atomic(lambda: _file_chunks(local_path), os.path.getsize(local_path), overwrite)

    def _check_writable(self, overwrite: bool) -> None:
        self._require_dav("write")
        if self.dirLike:
            raise ResourceError(f"Cannot write to {self._where}: it is a directory URI.")
        # Saves sending the body in the common case; the MOVE below still closes the race.
        if not overwrite and self.exists():
            raise ResourceExistsError(
                f"Refusing to overwrite {self._where}: it exists (use overwrite=True)."
            )

    def _temp_sibling(self) -> HttpResourcePath:
        import uuid

        name = f".{self.basename()}.tmp-{uuid.uuid4().hex[:12]}"
        temp = self.split()[0].join(name, forceDirectory=False, isTemporary=True)
        assert isinstance(temp, HttpResourcePath)
        return temp

    def _put_atomic(self, content: Content, length: int, overwrite: bool) -> None:
        if length > _CHECK_PARENT_ABOVE:
            self._ensure_parent()
        temp = self._temp_sibling()
        try:
            temp._put(content, length)
            self._move_here(temp, overwrite)
        except BaseException:
            temp._delete_quietly()
            raise

    def _put(self, content: Content, length: int) -> None:
        headers = {"Content-Length": str(length)}
        response = self._request("PUT", headers=headers, content=content, accept=(409,))
        if response.status_code == 409:  # a parent collection is missing
            self.parent().mkdir()
            self._request("PUT", headers=headers, content=content)
        _known_dirs.add((self._endpoint, self.parent().path))

    def _ensure_parent(self) -> None:
        parent = self.parent()
        assert isinstance(parent, HttpResourcePath)
        if (self._endpoint, parent.path) in _known_dirs:
            return
        entry = parent._stat()
        if entry is None:
            parent.mkdir()
        elif not entry.is_dir:
            raise ResourceExistsError(
                f"Cannot write {self._where}: {parent._where} is a file, not a directory."
            )
        _remember_dir(parent)

    def _move_here(self, src: HttpResourcePath, overwrite: bool, method: str = "MOVE") -> None:
        """MOVE or COPY ``src`` (on the same server) to this URI, making parents if needed."""
        headers = {"Destination": self._url, "Overwrite": "T" if overwrite else "F"}
        response = src._request(method, headers=headers, accept=(404, 409, 412))
        if response.status_code == 409:  # the destination's parent collection is missing
            self.parent().mkdir()
            response = src._request(method, headers=headers, accept=(404, 412))
        if response.status_code == 412:
            raise ResourceExistsError(
                f"Refusing to overwrite {self._where}: it exists (use overwrite=True)."
            )
        if response.status_code == 404:
            raise ResourceNotFoundError(
                f"Cannot {method} {src._where} to {self._where}: the source does not exist."
            )

    def _delete_quietly(self) -> None:
        with contextlib.suppress(Exception):
            self._request("DELETE", accept=(404,))

    def mkdir(self) -> None:
        """Create this directory and any missing parents (MKCOL)."""
        self._require_dav("make directories")
        target = self._as_dir()
        response = target._request("MKCOL", accept=(405, 409))
        if response.status_code == 409 and not target.is_root:  # the parent is missing too
            target.parent().mkdir()
            response = target._request("MKCOL", accept=(405,))
        if response.status_code in (405, 409):  # something exists there already
            entry = target._stat()
            if entry is None:
                raise ResourceError(
                    f"Cannot create directory {target._where}: the server refused MKCOL."
                )
            if not entry.is_dir:
                raise ResourceExistsError(
                    f"Cannot create directory {target._where}: a file of that name exists."
                )
        _remember_dir(target)

    def remove(self) -> None:
        """Remove the file, or the directory if it is empty (DELETE)."""
        self._require_dav("remove")
        entry = self._stat()
        if entry is None:
            raise ResourceNotFoundError(f"Cannot remove {self._where}: it does not exist.")
        target = self
        if entry.is_dir:
            # DELETE removes a collection with everything in it: refuse unless empty, like rmdir.
            target = self._as_dir()
            listing = target._propfind("1") or []
            if any(e.path != entry.path for e in listing):
                raise ResourceError(f"Cannot remove {target._where}: the directory is not empty.")
            _known_dirs.discard((self._endpoint, target.path))
        response = target._request("DELETE", accept=(404,))
        if response.status_code == 404:
            raise ResourceNotFoundError(f"Cannot remove {self._where}: it does not exist.")
        if response.status_code == 207:
            raise ResourceError(f"Cannot remove {self._where}: the server removed only part of it.")

    # ------------------------------------------------------------ listings and transfers

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the directory tree top down like `os.walk` (PROPFIND ``Depth: 1`` per directory)."""
        self._require_dav("list directories")
        keep = compile_filter(file_filter)
        top = self._as_dir()
        entries = top._propfind("1")
        here = top.unquoted_path.rstrip("/")
        if entries is None or any(e.path == here and not e.is_dir for e in entries):
            raise ResourceNotFoundError(
                f"Cannot walk {self._where}: it is not an existing directory."
            )
        pending: list[tuple[HttpResourcePath, list[DavEntry]]] = [(top, entries)]
        while pending:
            directory, listing = pending.pop()
            parent_path = directory.unquoted_path.rstrip("/")
            children = [
                e
                for e in listing
                if e.path != parent_path and posixpath.dirname(e.path) == parent_path
            ]
            dirs = sorted(e.name for e in children if e.is_dir)
            files = sorted(e.name for e in children if not e.is_dir and keep(e.name))
            yield directory, dirs, files
            # Like os.walk, the caller may prune ``dirs`` in place.
            for name in reversed(dirs):
                child = directory.join(name, forceDirectory=True)
                assert isinstance(child, HttpResourcePath)
                found = child._propfind("1")
                if found is not None:
                    pending.append((child, found))

    def _transfer_same_scheme(self, src: ResourcePath, mode: str, overwrite: bool) -> bool:
        assert isinstance(src, HttpResourcePath)
        if src._endpoint != self._endpoint or not self._is_dav() or self.dirLike:
            return False
        if mode == "move":
            self._move_here(src, overwrite)
        else:
            # COPY is not atomic on most servers: copy to a hidden name, then rename.
            temp = self._temp_sibling()
            try:
                temp._move_here(src, overwrite=False, method="COPY")
                self._move_here(temp, overwrite)
            except BaseException:
                temp._delete_quietly()
                raise
        _known_dirs.add((self._endpoint, self.parent().path))
        return True

    @classmethod
    def _mexists(cls, uris: list[ResourcePath], workers: int) -> dict[ResourcePath, bool]:
        groups: dict[tuple[Endpoint, str], list[HttpResourcePath]] = {}
        jobs: list[Callable[[], dict[ResourcePath, bool]]] = []
        for uri in uris:
            assert isinstance(uri, HttpResourcePath)
            path = uri.path.rstrip("/")
            if path and not uri.query and uri._is_dav():
                groups.setdefault((uri._endpoint, posixpath.dirname(path)), []).append(uri)
            else:
                jobs.append(functools.partial(_exists_one, uri))
        for members in groups.values():
            if len(members) >= _BATCH_MIN:
                jobs.append(functools.partial(_exists_by_listing, members))
            else:
                jobs.extend(functools.partial(_exists_one, uri) for uri in members)
        result: dict[ResourcePath, bool] = {}
        for found in run_concurrently(lambda job: job(), jobs, workers):
            result.update(found)
        return result

    # ------------------------------------------------------------ URLs for others

    def generate_presigned_get_url(self, *, expiration_time_seconds: int) -> str:
        """Return the URL itself on a plain HTTP server (anyone who can reach it can GET it)."""
        if self._is_dav():
            raise UnsupportedOperationError(
                f"Cannot make a presigned URL for {self._where}: WebDAV servers need credentials "
                "that cannot be put in a URL (token-bearing URLs such as dCache macaroons "
                "are not supported)."
            )
        return self._url

    def generate_presigned_put_url(self, *, expiration_time_seconds: int) -> str:
        """Refuse: HTTP and WebDAV servers have no standard presigned uploads."""
        raise UnsupportedOperationError(
            f"Cannot make a presigned upload URL for {self._where} over HTTP."
        )


class DavResourcePath(HttpResourcePath):
    """A resource on a WebDAV server named ``dav://`` (over HTTP) or ``davs://`` (over HTTPS)."""

    __slots__ = ()

    def _is_dav(self) -> bool:
        return True


def _remember_dir(uri: HttpResourcePath) -> None:
    if len(_known_dirs) > 10_000:  # a cache, not a record: keep it small
        _known_dirs.clear()
    _known_dirs.add((uri._endpoint, uri._as_dir().path))


def _exists_one(uri: HttpResourcePath) -> dict[ResourcePath, bool]:
    return {uri: uri.exists()}


def _exists_by_listing(members: list[HttpResourcePath]) -> dict[ResourcePath, bool]:
    """Check the existence of several URIs of one directory with one PROPFIND ``Depth: 1``."""
    parent = members[0].parent()
    assert isinstance(parent, HttpResourcePath)
    listing = parent._as_dir()._propfind("1")
    names = {e.name for e in listing or () if e.path != parent.unquoted_path.rstrip("/")}
    return {uri: uri.unquoted_path.rstrip("/").rsplit("/", 1)[-1] in names for uri in members}
