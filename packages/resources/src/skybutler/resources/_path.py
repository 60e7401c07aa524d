"""`ResourcePath`: an immutable URI with one API over every storage scheme.

The base class holds the parsed URI and everything that is pure string work
(join, parent, extensions, relative paths). I/O is done by one subclass per
scheme; `ResourcePath(...)` picks the subclass from the scheme, so callers only
ever name the base class.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, Protocol, Union, overload
from urllib.parse import ParseResult, SplitResult, quote, unquote, urlsplit

from ._handle import open_buffered
from ._schemes import scheme_class
from ._utils import num_workers as _resolve_workers
from ._utils import run_concurrently, run_each
from .errors import (
    InvalidTransferModeError,
    InvalidURIError,
    ResourceExistsError,
    UnsupportedOperationError,
)

if TYPE_CHECKING:
    from ._file import FileResourcePath

__all__ = ["ResourceInfo", "ResourcePath", "ResourcePathExpression", "TransactionProtocol"]

ResourcePathExpression = Union[str, ParseResult, SplitResult, os.PathLike[str], "ResourcePath"]
"""Anything `ResourcePath` accepts as its first argument."""

# Characters that may stay unescaped in a URI path (RFC 3986 pchar plus "/").
_PATH_SAFE = "/:@!$&'()*+,;=~"
_NEEDS_QUOTE = re.compile(r"[^A-Za-z0-9_.\-~/:@!$&'()*+,;=]")
# "%" stays as it is in URIs given with a scheme: they are taken as already quoted.
_NEEDS_QUOTE_URI = re.compile(r"[^A-Za-z0-9_.\-~/:@!$&'()*+,;=%]")
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# Extensions that qualify the one before them: "x.fits.gz" has extension ".fits.gz".
_COMPRESSION_EXTENSIONS = frozenset({".gz", ".bz2", ".xz", ".fz", ".zst", ".z", ".lz4"})

_TRANSFER_MODES = ("copy", "move", "link", "hardlink", "symlink", "relsymlink", "auto", "direct")


class TransactionProtocol(Protocol):
    """What `ResourcePath.transfer_from` needs of a transaction: a way to register an undo."""

    def registerUndo(
        self, name: str, undoFunc: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        """Record how to undo an action if the transaction fails."""


class ResourceInfo(NamedTuple):
    """What is known about a resource without reading it."""

    uri: str
    """The URI the information describes."""
    is_file: bool
    """Whether the resource is a file rather than a directory."""
    size: int
    """Size in bytes (0 for directories)."""
    last_modified: float | None
    """Modification time as a POSIX timestamp, when the scheme knows it."""
    checksums: dict[str, str]
    """Checksums the scheme reported, by algorithm name."""


def _quote(path: str, pattern: re.Pattern[str] = _NEEDS_QUOTE) -> str:
    if pattern.search(path) is None:
        return path
    return quote(path, safe=_PATH_SAFE + ("%" if pattern is _NEEDS_QUOTE_URI else ""))


def _split_extension(basename: str) -> tuple[str, str]:
    stem, ext = posixpath.splitext(basename)
    if ext.lower() in _COMPRESSION_EXTENSIONS:
        stem2, ext2 = posixpath.splitext(stem)
        if ext2:
            return stem2, ext2 + ext
    return stem, ext


class ResourcePath:
    """An immutable URI that can be read, written, listed and transferred.

    Parameters
    ----------
    uri
        A URI string (``s3://bucket/key``, ``file:///data/x.fits``), an OS
        path (relative paths are made absolute against ``root``), a
        `pathlib.Path`, a parsed URL or another `ResourcePath`.
    root
        Directory that a relative path is relative to; default the current
        working directory. It may itself be any URI.
    forceAbsolute
        Make a relative path absolute (a ``file`` URI). When false a
        relative path stays scheme-less.
    forceDirectory
        `True` marks the URI as a directory (a ``/`` is appended); `False`
        marks it as a file and refuses a trailing ``/``; `None` infers it
        from a trailing ``/`` and otherwise leaves it unknown until asked.
    isTemporary
        Mark the resource as temporary (to be deleted by whoever made it).

    Raises
    ------
    InvalidURIError
        The URI is malformed or contradicts ``forceDirectory``.
    UnknownSchemeError
        No plugin handles the scheme; the message lists the known ones.
    """

    __slots__ = (
        "_dir_like",
        "_fragment",
        "_is_temporary",
        "_netloc",
        "_path",
        "_query",
        "_scheme",
        "_uri",
    )

    _scheme: str
    _netloc: str
    _path: str
    _query: str
    _fragment: str
    _dir_like: bool | None
    _is_temporary: bool
    _uri: str

    transferModes: ClassVar[tuple[str, ...]] = ("copy", "auto", "move")
    """Transfer modes this scheme accepts as a destination."""
    transferDefault: ClassVar[str] = "copy"
    """The transfer mode ``auto`` stands for on this scheme."""
    isLocal: ClassVar[bool] = False
    """Whether the resource is a file on this machine's file system."""

    def __new__(
        cls,
        uri: ResourcePathExpression,
        root: ResourcePathExpression | None = None,
        forceAbsolute: bool = True,
        forceDirectory: bool | None = None,
        isTemporary: bool | None = None,
    ) -> ResourcePath:
        if isinstance(uri, ResourcePath):
            same_kind = forceDirectory is None or forceDirectory == uri._dir_like
            if same_kind and (isTemporary is None or isTemporary == uri._is_temporary):
                return uri
            return uri._derive(uri._path, forceDirectory, isTemporary)
        if isinstance(uri, str):
            text = uri
            match = _SCHEME_RE.match(text) if ":" in text else None
            # "name:x" with no "//" is an OS path unless it names the file scheme.
            if match is not None and (
                text[match.end() : match.end() + 2] == "//" or match.group(1).lower() == "file"
            ):
                return cls._from_uri_string(text, forceDirectory, isTemporary)
            return cls._from_os_path(text, root, forceAbsolute, forceDirectory, isTemporary)
        if isinstance(uri, ParseResult | SplitResult):
            return cls._from_uri_string(uri.geturl(), forceDirectory, isTemporary)
        if isinstance(uri, os.PathLike):
            return cls._from_os_path(
                os.fspath(uri), root, forceAbsolute, forceDirectory, isTemporary
            )
        raise InvalidURIError(
            f"Cannot make a ResourcePath from {uri!r} of type {type(uri).__name__}: "
            "give a str, a pathlib.Path, a parsed URL or a ResourcePath."
        )

    # ------------------------------------------------------------ construction

    @classmethod
    def _from_uri_string(
        cls, text: str, force_directory: bool | None, is_temporary: bool | None
    ) -> ResourcePath:
        try:
            parts = urlsplit(text)
        except ValueError as exc:
            raise InvalidURIError(f"Malformed URI {text!r}: {exc}.") from None
        scheme = parts.scheme.lower()
        subclass = scheme_class(scheme)
        return subclass._normalized(
            scheme,
            parts.netloc,
            _quote(parts.path, _NEEDS_QUOTE_URI),
            parts.query,
            parts.fragment,
            force_directory,
            bool(is_temporary),
            text,
        )

    @classmethod
    def _from_os_path(
        cls,
        path: str,
        root: ResourcePathExpression | None,
        force_absolute: bool,
        force_directory: bool | None,
        is_temporary: bool | None,
    ) -> ResourcePath:
        if not path:
            raise InvalidURIError(
                "An empty string is not a path; use '.' for the current directory."
            )
        if path.startswith("~"):
            path = os.path.expanduser(path)
        trailing = path.endswith(("/", os.sep))
        if not os.path.isabs(path):
            if root is not None:
                base = ResourcePath(root, forceDirectory=True)
                return base.join(path, isTemporary=is_temporary, forceDirectory=force_directory)
            if not force_absolute:
                if force_directory and not trailing:
                    path += "/"
                return scheme_class("")._normalized(
                    "", "", _quote(path), "", "", force_directory, bool(is_temporary), path
                )
            path = os.path.join(os.getcwd(), path)
        path = os.path.normpath(path)
        if path.startswith("//"):
            path = path[1:]
        if trailing and path != "/":
            path += "/"
        return scheme_class("file")._normalized(
            "file", "", _quote(path), "", "", force_directory, bool(is_temporary), path
        )

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
        """Build an instance of this scheme's class; subclasses may clean parts first."""
        if force_directory is False and path.endswith("/"):
            raise InvalidURIError(
                f"{given!r} ends with '/' but forceDirectory=False says it is a file."
            )
        if force_directory and not path.endswith("/"):
            path += "/"
        dir_like: bool | None = (
            True if path.endswith("/") else (False if force_directory is False else None)
        )
        return cls._make(scheme, netloc, path, query, fragment, dir_like, is_temporary)

    @classmethod
    def _make(
        cls,
        scheme: str,
        netloc: str,
        path: str,
        query: str,
        fragment: str,
        dir_like: bool | None,
        is_temporary: bool,
    ) -> ResourcePath:
        self = object.__new__(cls)
        setter = object.__setattr__
        setter(self, "_scheme", scheme)
        setter(self, "_netloc", netloc)
        setter(self, "_path", path)
        setter(self, "_query", query)
        setter(self, "_fragment", fragment)
        setter(self, "_dir_like", dir_like)
        setter(self, "_is_temporary", is_temporary)
        uri = f"{scheme}://{netloc}{path}" if scheme else path
        if query:
            uri += "?" + query
        if fragment:
            uri += "#" + fragment
        setter(self, "_uri", uri)
        return self

    def _derive(
        self, path: str, force_directory: bool | None = None, is_temporary: bool | None = None
    ) -> ResourcePath:
        """Return a URI of the same scheme and location with another path."""
        if force_directory and not path.endswith("/"):
            path += "/"
        elif force_directory is False and path.endswith("/") and path != "/":
            path = path.rstrip("/")
        dir_like = True if path.endswith("/") else (False if force_directory is False else None)
        temp = self._is_temporary if is_temporary is None else is_temporary
        return type(self)._make(self._scheme, self._netloc, path, "", "", dir_like, temp)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"ResourcePath is immutable; cannot set {name!r}.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                type(self),
                self._scheme,
                self._netloc,
                self._path,
                self._query,
                self._fragment,
                self._dir_like,
                self._is_temporary,
            ),
        )

    def __copy__(self) -> ResourcePath:
        return self

    def __deepcopy__(self, memo: object) -> ResourcePath:
        return self

    # ------------------------------------------------------------ string views

    def __str__(self) -> str:
        return self._uri

    def __repr__(self) -> str:
        return f'ResourcePath("{self._uri}")'

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ResourcePath):
            return self._uri == other._uri
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._uri)

    def __lt__(self, other: ResourcePath) -> bool:
        return self._uri < other._uri

    def geturl(self) -> str:
        """Return the URI as a string."""
        return self._uri

    @property
    def scheme(self) -> str:
        """The URI scheme, lower case; empty for a relative scheme-less path."""
        return self._scheme

    @property
    def netloc(self) -> str:
        """The network location: bucket, host[:port] or package name."""
        return self._netloc

    @property
    def path(self) -> str:
        """The path component, quoted as it appears in the URI."""
        return self._path

    @property
    def unquoted_path(self) -> str:
        """The path component with percent-escapes decoded."""
        return unquote(self._path)

    @property
    def query(self) -> str:
        """The query component (without ``?``)."""
        return self._query

    @property
    def params(self) -> str:
        """The ``;params`` component; always empty since paths keep their ``;``."""
        return ""

    @property
    def fragment(self) -> str:
        """The fragment component (without ``#``), quoted."""
        return self._fragment

    @property
    def unquoted_fragment(self) -> str:
        """The fragment with percent-escapes decoded."""
        return unquote(self._fragment)

    @property
    def relativeToPathRoot(self) -> str:
        """The unquoted path without its leading ``/``."""
        return self.unquoted_path.lstrip("/")

    @property
    def is_root(self) -> bool:
        """Whether the path is the root of its location."""
        return self._path in ("/", "")

    @property
    def dirLike(self) -> bool | None:
        """`True` for a directory, `False` for a file, `None` when not yet known."""
        return self._dir_like

    @property
    def isTemporary(self) -> bool:
        """Whether the resource was marked temporary."""
        return self._is_temporary

    @property
    def ospath(self) -> str:
        """The local file-system path; only file URIs have one."""
        raise AttributeError(f"{self} is not a local file and has no OS path; use as_local().")

    # ------------------------------------------------------------ path algebra

    def isabs(self) -> bool:
        """Whether the URI is absolute (every URI with a scheme is)."""
        return True

    def abspath(self) -> ResourcePath:
        """Return the absolute form of this URI (itself unless scheme-less)."""
        return self

    def root_uri(self) -> ResourcePath:
        """Return the root of this URI's location, e.g. ``s3://bucket/``."""
        return self._derive("/")

    def split(self) -> tuple[ResourcePath, str]:
        """Return the directory and the unquoted base name (empty for a directory)."""
        head, tail = posixpath.split(self._path)
        return self._derive(self._directory_path(head)), unquote(tail)

    def basename(self) -> str:
        """Return the unquoted last path component; empty for a directory URI."""
        return unquote(posixpath.basename(self._path))

    def dirname(self) -> ResourcePath:
        """Return the directory: itself for a directory, else the one holding the file."""
        if self._dir_like:
            return self
        return self.split()[0]

    def parent(self) -> ResourcePath:
        """Return the directory one level up (the root is its own parent)."""
        path = self._path
        if self._dir_like:
            path = path.rstrip("/")
        return self._derive(self._directory_path(posixpath.dirname(path)))

    def _directory_path(self, head: str) -> str:
        if not head:
            return "/" if self._scheme else "./"
        return head if head.endswith("/") else head + "/"

    def getExtension(self) -> str:
        """Return the file extension, keeping compression suffixes (``.fits.gz``)."""
        return _split_extension(self.basename())[1]

    def updatedExtension(self, ext: str | None) -> ResourcePath:
        """Return a URI with the extension replaced.

        Parameters
        ----------
        ext
            New extension, with or without the dot; ``""`` removes the
            extension and `None` leaves the URI unchanged.
        """
        if ext is None:
            return self
        if self._dir_like:
            raise InvalidURIError(f"{self} is a directory; it has no extension to replace.")
        head, tail = posixpath.split(self._path)
        stem = _split_extension(tail)[0]
        if ext and not ext.startswith("."):
            ext = "." + ext
        return self._derive(posixpath.join(head, stem + _quote(ext)), force_directory=False)

    def updatedFile(self, newfile: str) -> ResourcePath:
        """Return a URI naming ``newfile`` in this URI's directory."""
        return self.dirname().join(newfile, forceDirectory=False)

    def replace(self, **kwargs: str) -> ResourcePath:
        """Return a URI with some components (``scheme``, ``netloc``, ``path``...) replaced."""
        parts = urlsplit(self._uri)._replace(**kwargs)
        return ResourcePath(
            parts.geturl(), forceDirectory=True if parts.path.endswith("/") else None
        )

    def join(
        self,
        path: str | ResourcePath,
        isTemporary: bool | None = None,
        forceDirectory: bool | None = None,
    ) -> ResourcePath:
        """Return the URI of ``path`` inside this directory.

        Parameters
        ----------
        path
            A relative path (may contain ``/``) or URI. An absolute path or a
            URI with a scheme is returned as its own `ResourcePath`.
        isTemporary
            Mark the result temporary; default inherits from this URI.
        forceDirectory
            As for the constructor.

        Raises
        ------
        InvalidURIError
            This URI is known to be a file.
        """
        if isinstance(path, ResourcePath):
            if path._scheme:
                return ResourcePath(path, forceDirectory=forceDirectory, isTemporary=isTemporary)
            text = path.unquoted_path
        else:
            text = path
            if text.startswith("/") or ("://" in text and _SCHEME_RE.match(text)):
                return ResourcePath(text, forceDirectory=forceDirectory, isTemporary=isTemporary)
        if self._dir_like is False:
            raise InvalidURIError(f"Cannot join {text!r} to {self}: it is a file, not a directory.")
        base = self._path if self._path.endswith("/") else self._path + "/"
        joined = base + _quote(text)
        if "/." in joined:
            trailing = joined.endswith("/")
            joined = posixpath.normpath(joined)
            if not joined.startswith("/") and base.startswith("/"):
                joined = "/" + joined
            if trailing and not joined.endswith("/"):
                joined += "/"
        return self._derive(joined, forceDirectory, isTemporary)

    def relative_to(self, other: ResourcePath, walk_up: bool = False) -> str | None:
        """Return this URI's unquoted path relative to the directory ``other``.

        Parameters
        ----------
        other
            The directory to be relative to.
        walk_up
            Allow ``..`` components when this URI is not inside ``other``.

        Returns
        -------
        relative : `str` or `None`
            The relative path, or `None` when the two URIs are on different
            schemes or locations, or (without ``walk_up``) when this URI is
            not inside ``other``.
        """
        if self._scheme != other._scheme or self._netloc != other._netloc:
            return None
        base = other._path if other._path.endswith("/") else other._path + "/"
        if self._path.startswith(base):
            return unquote(self._path[len(base) :])
        if not walk_up:
            return None
        rel = posixpath.relpath(self._path, base)
        if self._path.endswith("/"):
            rel += "/"
        return unquote(rel)

    # ------------------------------------------------------------ I/O: per scheme

    def _unsupported(self, what: str) -> UnsupportedOperationError:
        return UnsupportedOperationError(
            f"The {self._scheme or 'scheme-less'} scheme cannot {what} ({self})."
        )

    def exists(self) -> bool:
        """Return whether the resource exists."""
        raise self._unsupported("check existence")

    def _probe_isdir(self) -> bool:
        """Ask the storage whether a URI of unknown kind is a directory."""
        return False

    def isdir(self) -> bool:
        """Return whether this URI is a directory."""
        if self._dir_like is not None:
            return self._dir_like
        return self._probe_isdir()

    def size(self) -> int:
        """Return the size in bytes (0 for a directory)."""
        raise self._unsupported("report a size")

    def read(self, size: int = -1) -> bytes:
        """Return the content, or its first ``size`` bytes."""
        raise self._unsupported("read")

    def write(self, data: bytes, overwrite: bool = True) -> None:
        """Write ``data`` to the resource, all or nothing.

        Raises
        ------
        ResourceExistsError
            The resource exists and ``overwrite`` is false.
        """
        raise self._unsupported("write")

    def mkdir(self) -> None:
        """Create this directory and its parents (nothing to do on flat stores)."""
        raise self._unsupported("make directories")

    def remove(self) -> None:
        """Remove the file (or an empty directory)."""
        raise self._unsupported("remove")

    def get_info(self) -> ResourceInfo:
        """Return size and kind of the resource without reading it."""
        return ResourceInfo(self._uri, not self.isdir(), self.size(), None, {})

    def walk(
        self, file_filter: str | re.Pattern[str] | None = None
    ) -> Iterator[tuple[ResourcePath, list[str], list[str]]]:
        """Walk the tree below this directory like `os.walk`.

        Parameters
        ----------
        file_filter
            Regular expression that file names must match (``re.search``).

        Yields
        ------
        dirpath, dirnames, filenames
            A directory URI and the names of its sub-directories and files.
        """
        raise self._unsupported("list directories")

    def generate_presigned_get_url(self, *, expiration_time_seconds: int) -> str:
        """Return a URL anyone can GET this resource with until it expires."""
        raise self._unsupported("make presigned URLs")

    def generate_presigned_put_url(self, *, expiration_time_seconds: int) -> str:
        """Return a URL anyone can PUT this resource with until it expires."""
        raise self._unsupported("make presigned URLs")

    def to_fsspec(self) -> tuple[Any, str]:
        """Return an fsspec file system and the path of this resource on it."""
        raise self._unsupported("give an fsspec file system")

    # ------------------------------------------------------------ I/O: generic

    @contextlib.contextmanager
    def as_local(
        self, multithreaded: bool = True, tmpdir: ResourcePath | None = None
    ) -> Iterator[FileResourcePath]:
        """Give a local file holding this resource's content for the duration of a block.

        Remote content is downloaded to a temporary file that is deleted on exit;
        a local file is given as itself.
        """
        from ._file import FileResourcePath

        with ResourcePath.temporary_uri(prefix=tmpdir, suffix=self.getExtension()) as tmp:
            assert isinstance(tmp, FileResourcePath), "temporary files are local"
            self._download_to(tmp.ospath)
            yield tmp

    def _download_to(self, local_path: str) -> None:
        """Write this resource's content to a local path."""
        with open(local_path, "wb") as stream:
            stream.write(self.read())

    def _upload_from(self, local_path: str, overwrite: bool) -> None:
        """Store the content of a local file here."""
        with open(local_path, "rb") as stream:
            self.write(stream.read(), overwrite=overwrite)

    def open(
        self,
        mode: str = "r",
        *,
        encoding: str | None = None,
        prefer_file_temporary: bool = False,
    ) -> contextlib.AbstractContextManager[IO[Any]]:
        """Open the resource as a file object, for use in a ``with`` block.

        Writes become visible, all at once, when the block ends.

        Parameters
        ----------
        mode
            As for `open`: ``r``, ``w``, ``x``, ``a``, with ``b`` for bytes
            and ``+`` for read-write.
        encoding
            Text encoding (text modes only; default UTF-8).
        prefer_file_temporary
            Read through a local temporary file rather than memory.
        """
        return open_buffered(self, mode, encoding, prefer_file_temporary)

    def _check_transfer(self, src: ResourcePath, transfer: str) -> str:
        if transfer not in _TRANSFER_MODES:
            raise InvalidTransferModeError(
                f"Unknown transfer mode {transfer!r}; choose one of {', '.join(_TRANSFER_MODES)}."
            )
        if transfer == "auto":
            return self.transferDefault
        if transfer not in self.transferModes:
            raise InvalidTransferModeError(
                f"Transfer mode {transfer!r} is not possible from {src} to {self}; "
                f"the {self._scheme} scheme accepts {', '.join(self.transferModes)}."
            )
        return transfer

    def transfer_from(
        self,
        src: ResourcePath,
        transfer: str = "copy",
        overwrite: bool = False,
        transaction: TransactionProtocol | None = None,
        multithreaded: bool = True,
    ) -> None:
        """Transfer the content of ``src`` to this URI.

        Parameters
        ----------
        src
            The source; any scheme.
        transfer
            One of ``copy``, ``move``, ``link``, ``hardlink``, ``symlink``,
            ``relsymlink``, ``auto`` (the destination scheme's best safe mode).
            Link modes need both ends on the local file system.
        overwrite
            Replace an existing destination.
        transaction
            If given, an undo that removes the new file is registered with it.
        multithreaded
            Allowed to use several threads (kept for API compatibility).

        Raises
        ------
        ResourceExistsError
            The destination exists and ``overwrite`` is false.
        ResourceNotFoundError
            The source does not exist.
        InvalidTransferModeError
            The mode is unknown or impossible between these schemes.
        """
        mode = self._check_transfer(src, transfer)
        if not overwrite and self.exists():
            raise ResourceExistsError(
                f"Refusing to overwrite {self} with {src}: it exists (use overwrite=True)."
            )
        if (
            type(src) is type(self)
            and src._netloc == self._netloc
            and self._transfer_same_scheme(src, mode, overwrite)
        ):
            pass
        else:
            if mode not in ("copy", "move"):
                raise InvalidTransferModeError(
                    f"Transfer mode {mode!r} needs both {src} and {self} on the local file "
                    "system; use 'copy'."
                )
            with src.as_local() as local:
                self._upload_from(local.ospath, overwrite)
            if mode == "move":
                src.remove()
        if transaction is not None:
            transaction.registerUndo("transfer", self.remove)

    def _transfer_same_scheme(self, src: ResourcePath, mode: str, overwrite: bool) -> bool:
        """Do a transfer without going through a local copy; return `False` if not possible."""
        return False

    # ------------------------------------------------------------ bulk helpers

    @classmethod
    def mexists(
        cls, uris: Iterable[ResourcePath], *, num_workers: int | None = None
    ) -> dict[ResourcePath, bool]:
        """Check the existence of many resources at once, concurrently.

        Parameters
        ----------
        uris
            The resources to check, of any mix of schemes.
        num_workers
            Concurrency limit; default from ``SKYBUTLER_RESOURCES_NUM_WORKERS``
            or the number of CPUs plus four.

        Returns
        -------
        existence : `dict` [`ResourcePath`, `bool`]
            Whether each resource exists.
        """
        by_class: dict[type[ResourcePath], list[ResourcePath]] = {}
        for uri in uris:
            by_class.setdefault(type(uri), []).append(uri)
        result: dict[ResourcePath, bool] = {}
        for subclass, group in by_class.items():
            result.update(subclass._mexists(group, _resolve_workers(num_workers)))
        return result

    @classmethod
    def _mexists(cls, uris: list[ResourcePath], workers: int) -> dict[ResourcePath, bool]:
        """Check existence of URIs of this class; subclasses may batch requests."""
        return dict(zip(uris, run_concurrently(lambda u: u.exists(), uris, workers), strict=True))

    @classmethod
    def mtransfer(
        cls,
        transfer: str,
        from_to: Iterable[tuple[ResourcePath, ResourcePath]],
        overwrite: bool = False,
        transaction: TransactionProtocol | None = None,
        do_raise: bool = True,
    ) -> dict[ResourcePath, BaseException | None]:
        """Transfer many files concurrently.

        Returns
        -------
        outcome : `dict` [`ResourcePath`, `BaseException` or `None`]
            For each destination, `None` on success or the error raised.

        Raises
        ------
        ExceptionGroup
            Some transfers failed and ``do_raise`` is true.
        """
        pairs = list(from_to)
        return run_each(
            lambda pair: pair[1].transfer_from(
                pair[0], transfer=transfer, overwrite=overwrite, transaction=transaction
            ),
            pairs,
            [dst for _, dst in pairs],
            "transfers",
            do_raise,
        )

    @classmethod
    def mremove(
        cls, uris: Iterable[ResourcePath], do_raise: bool = True
    ) -> dict[ResourcePath, BaseException | None]:
        """Remove many resources concurrently; see `mtransfer` for the result."""
        targets = list(uris)
        return run_each(lambda uri: uri.remove(), targets, targets, "removals", do_raise)

    @classmethod
    @contextlib.contextmanager
    def temporary_uri(
        cls,
        prefix: ResourcePath | None = None,
        suffix: str | None = None,
        delete: bool = True,
    ) -> Iterator[ResourcePath]:
        """Give a fresh, not yet existing URI for the duration of a block.

        Parameters
        ----------
        prefix
            Directory to create it in; default the local temporary directory
            (``SKYBUTLER_RESOURCES_TMPDIR``, then ``TMPDIR``).
        suffix
            Extension to give it, e.g. ``".fits"``.
        delete
            Remove the resource, if it was created, when the block ends.
        """
        import tempfile
        import uuid

        if prefix is None:
            base = os.environ.get("SKYBUTLER_RESOURCES_TMPDIR") or tempfile.gettempdir()
            prefix = ResourcePath(base, forceDirectory=True)
        name = f"tmp-{uuid.uuid4().hex}{suffix or ''}"
        temp = prefix.join(name, isTemporary=True, forceDirectory=False)
        try:
            yield temp
        finally:
            if delete:
                with contextlib.suppress(FileNotFoundError):
                    temp.remove()

    @overload
    @classmethod
    def findFileResources(
        cls,
        candidates: Iterable[ResourcePathExpression],
        file_filter: str | re.Pattern[str] | None = None,
        grouped: Literal[False] = False,
    ) -> Iterator[ResourcePath]: ...

    @overload
    @classmethod
    def findFileResources(
        cls,
        candidates: Iterable[ResourcePathExpression],
        file_filter: str | re.Pattern[str] | None,
        grouped: Literal[True],
    ) -> Iterator[Iterator[ResourcePath]]: ...

    @classmethod
    def findFileResources(
        cls,
        candidates: Iterable[ResourcePathExpression],
        file_filter: str | re.Pattern[str] | None = None,
        grouped: bool = False,
    ) -> Iterator[ResourcePath] | Iterator[Iterator[ResourcePath]]:
        """Expand directories among ``candidates`` into the files below them.

        Parameters
        ----------
        candidates
            Files (given back as they are) and directories (walked).
        file_filter
            Regular expression file names found in directories must match.
        grouped
            Yield one iterator per directory instead of single files.
        """
        groups = _file_groups(candidates, file_filter)
        if grouped:
            return (iter(group) for group in groups)
        return (uri for group in groups for uri in group)


def _file_groups(
    candidates: Iterable[ResourcePathExpression], file_filter: str | re.Pattern[str] | None
) -> Iterator[list[ResourcePath]]:
    """Yield the files of each directory candidate, then the file candidates, as lists."""
    singles: list[ResourcePath] = []
    for candidate in candidates:
        uri = ResourcePath(candidate)
        if uri.isdir():
            for dirpath, _, files in uri.walk(file_filter):
                if files:
                    yield [dirpath.join(name, forceDirectory=False) for name in files]
        else:
            singles.append(uri)
    if singles:
        yield singles


def _rebuild(
    cls: type[ResourcePath],
    scheme: str,
    netloc: str,
    path: str,
    query: str,
    fragment: str,
    dir_like: bool | None,
    is_temporary: bool,
) -> ResourcePath:
    return cls._make(scheme, netloc, path, query, fragment, dir_like, is_temporary)
