"""Datasets stored as members of a Zip file in the datastore.

`Butler.ingest_zip` stores a Zip of artifacts as one file under the root
(``zips/<name>.zip``) and records each dataset's file as a path into it:
``zips/<name>.zip#zip-path=<member>``, the fragment upstream uses. Readers
open the member in place (a local Zip directly, a remote one through a
local copy); `emptyTrash` deletes a Zip only when no held record still
names one of its members.
"""

from __future__ import annotations

__all__ = [
    "ZIP_FRAGMENT",
    "add_zip_copy",
    "member_exists",
    "member_uri",
    "opened_zip",
    "read_member",
    "split_zip_path",
    "store_zip",
    "stored_file",
    "zips_to_delete",
]

import contextlib
import os
import shutil
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourceError, ResourcePath

from ...errors import FileNotFoundInDatastoreError, IngestFileError

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ...formatters import Formatter, ReadRequest
    from .._records import DatastoreRecordStore, StoredFileInfo
    from ._datastore import FileDatastore
    from ._get import FileReader

ZIP_FRAGMENT = "#zip-path="
"""What separates the path of a Zip from the name of a member in a record's path."""

ZIP_DIRECTORY = "zips"
"""Directory under the datastore root where ingested Zips are stored."""


def split_zip_path(path: str) -> tuple[str, str] | None:
    """Return ``(zip path, member)`` for a record path into a Zip, else `None`."""
    head, sep, member = path.partition(ZIP_FRAGMENT)
    return (head, member) if sep else None


def stored_file(path: str) -> str:
    """Return the path of the file a record path names: the Zip's for a member, else itself."""
    return path.partition(ZIP_FRAGMENT)[0]


def _zip_uri(root: ResourcePath, zip_path: str) -> ResourcePath:
    if "://" in zip_path or zip_path.startswith("/"):
        return ResourcePath(zip_path, forceDirectory=False)
    return root.join(zip_path, forceDirectory=False)


_OPEN_LIMIT = 8
_open_zips: dict[tuple[int, str, int, int], zipfile.ZipFile] = {}
_open_lock = threading.Lock()


def _local_zip(path: str) -> zipfile.ZipFile:
    """Return an open local Zip, kept open while the file is unchanged (its directory read once).

    Reading the central directory of a Zip of thousands of members costs
    milliseconds; datasets read one by one would pay it each time. The
    process ID is part of the key: a forked child never shares the parent's
    file offset.
    """
    info = os.stat(path)
    key = (os.getpid(), path, info.st_mtime_ns, info.st_size)
    with _open_lock:
        archive = _open_zips.get(key)
        if archive is None:
            archive = zipfile.ZipFile(path)
            if len(_open_zips) >= _OPEN_LIMIT:
                oldest = next(iter(_open_zips))
                _open_zips.pop(oldest).close()
            _open_zips[key] = archive
        return archive


@contextlib.contextmanager
def opened_zip(uri: ResourcePath) -> Iterator[zipfile.ZipFile]:
    """Open a Zip: in place when local (cached), else through a temporary local copy."""
    if uri.isLocal:
        yield _local_zip(uri.ospath)
        return
    with uri.as_local() as local, zipfile.ZipFile(local.ospath) as archive:
        yield archive


def read_member(
    reader: FileReader,
    ref: DatasetRef,
    info: StoredFileInfo,
    formatter: Formatter,
    request: ReadRequest,
) -> Any:
    """Read one dataset file from inside a stored Zip.

    Raises
    ------
    FileNotFoundInDatastoreError
        The Zip, or the member, is missing.
    """
    split = split_zip_path(info.path)
    assert split is not None
    zip_path, member = split
    uri = _zip_uri(reader.root, zip_path)
    try:
        with opened_zip(uri) as archive:
            if formatter.prefers_local_file or not formatter.writes_bytes():
                suffix = os.path.splitext(member)[1] or ".dat"
                with tempfile.TemporaryDirectory() as scratch:
                    path = os.path.join(scratch, "member" + suffix)
                    with archive.open(member) as source, open(path, "wb") as target:
                        shutil.copyfileobj(source, target)
                    return formatter.read_local_file(path, request)
            return formatter.from_bytes(archive.read(member), request)
    except (FileNotFoundError, KeyError, ResourceError, zipfile.BadZipFile) as exc:
        raise FileNotFoundInDatastoreError(
            f"Member {member!r} of the Zip {uri} holding {ref} cannot be read ({exc}); the Zip "
            "was deleted or changed outside the butler. Remove the dataset or restore the Zip."
        ) from None


def add_zip_copy(
    copies: dict[str, ResourcePath],
    source_root: ResourcePath,
    target_uri: Callable[[str], ResourcePath],
    path: str,
) -> None:
    """Plan the copy of the Zip a member path names (once, and not over a copy already there).

    Used by `FileDatastore.transfer_from`: records keep their member paths,
    the Zip itself is copied under the same relative path. A Zip outside
    the source root (ingested ``direct``) is not copied.
    """
    split = split_zip_path(path)
    assert split is not None
    zip_path = split[0]
    if zip_path in copies or "://" in zip_path or zip_path.startswith("/"):
        return
    if not target_uri(zip_path).exists():
        copies[zip_path] = _zip_uri(source_root, zip_path)


def member_uri(root: ResourcePath, path: str) -> ResourcePath:
    """Return the URI of a Zip member's record path: the Zip's URI, the member as fragment."""
    split = split_zip_path(path)
    assert split is not None
    return ResourcePath(f"{_zip_uri(root, split[0])}{ZIP_FRAGMENT}{split[1]}")


def member_exists(root: ResourcePath, path: str) -> bool:
    """Return whether the Zip a record path names exists (its members are not opened)."""
    split = split_zip_path(path)
    target = split[0] if split else path
    return _zip_uri(root, target).exists()


def _zip_in_use(store: DatastoreRecordStore, zip_path: str) -> bool:
    """Return whether a held (not trashed) record names a member of a Zip."""
    prefix = zip_path + ZIP_FRAGMENT
    storage = getattr(store, "_storage", None)
    records = getattr(storage, "_records", None)
    if storage is not None and records is not None:
        import sqlalchemy as sa

        table = records._table
        trash = storage._bridge._trash
        trashed = sa.select(trash.c.dataset_id).where(
            trash.c.datastore_name == storage.datastore_name
        )
        statement = (
            sa.select(table.c.dataset_id)
            .where(table.c.path.startswith(prefix, autoescape=True))
            .where(~table.c.dataset_id.in_(trashed))
            .limit(1)
        )
        return bool(storage._db.fetch_all(statement))
    held = store.fetch(store.held_ids())
    return any(info.path.startswith(prefix) for infos in held.values() for info in infos)


def zips_to_delete(store: DatastoreRecordStore, doomed: Iterable[str]) -> set[str]:
    """Replace trashed paths into Zips by the Zips that no held record still uses.

    Parameters
    ----------
    store
        The records, asked whether a held dataset still names a member.
    doomed
        Paths whose records are trashed and no held record names.

    Returns
    -------
    paths
        The plain paths of ``doomed``, plus each Zip none of whose members
        a held record names.
    """
    plain: set[str] = set()
    zips: set[str] = set()
    for path in doomed:
        split = split_zip_path(path)
        if split is None:
            plain.add(path)
        else:
            zips.add(split[0])
    plain.update(path for path in zips if not _zip_in_use(store, path))
    return plain


def store_zip(
    datastore: FileDatastore,
    source: ResourcePath,
    name: str,
    infos: Sequence[StoredFileInfo],
    transfer: str | None,
) -> list[StoredFileInfo]:
    """Put a Zip into the datastore and record the dataset files it holds.

    Parameters
    ----------
    datastore
        The file datastore.
    source
        The Zip to ingest.
    name
        File name under ``zips/`` (from the index).
    infos
        One record per dataset file, ``path`` being the member name.
    transfer
        How the Zip gets there (``auto`` copies; ``move`` copies then
        deletes the source once the transaction commits; ``direct`` records
        the Zip where it is).

    Returns
    -------
    infos
        The records stored, paths pointing into the stored Zip.

    Raises
    ------
    IngestFileError
        The Zip cannot be transferred.
    """
    created: list[ResourcePath] = []
    batch: str | None = None
    if transfer == "direct":
        zip_path = str(source)
    else:
        zip_path = f"{ZIP_DIRECTORY}/{name}"
        target = datastore.root.join(zip_path, forceDirectory=False)
        mode = "copy" if transfer in ("auto", "move", None) else transfer
        if not target.exists():
            # Journalled like any file: a writer killed before the commit leaves no Zip.
            batch = datastore._journal_begin([(infos[0].dataset_id, zip_path)] if infos else [])
            try:
                target.dirname().mkdir()
                target.transfer_from(source, transfer=mode)
            except (OSError, ResourceError) as exc:
                datastore._journal_resolve(batch, stored=False)
                with contextlib.suppress(OSError, ResourceError):
                    target.remove()  # a partial copy
                raise IngestFileError(
                    f"Cannot {mode} the Zip {source} to {target}: {exc}. Nothing was ingested."
                ) from exc
            created.append(target)
    stored = [
        type(info)(
            dataset_id=info.dataset_id,
            path=zip_path + ZIP_FRAGMENT + info.path,
            formatter=info.formatter,
            storage_class=info.storage_class,
            component=info.component,
            checksum=info.checksum,
            file_size=info.file_size,
        )
        for info in infos
    ]
    try:
        datastore._store.add(stored)
    except BaseException:
        datastore._delete(created)
        datastore._journal_resolve(batch, stored=False)
        raise
    datastore._journal_resolve(batch, stored=True)
    if transfer == "move":
        datastore._store.when_resolved(
            lambda committed: source.remove() if committed and source.exists() else None
        )
    datastore._remember(stored)
    ids: list[uuid.UUID] = [info.dataset_id for info in stored]
    datastore._register_undo("ingest_zip", lambda: datastore._undo_put(ids, created))
    return stored
