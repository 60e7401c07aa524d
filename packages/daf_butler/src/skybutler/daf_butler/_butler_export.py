"""`Butler.export` and `Butler.import_`: repository contents and their files in upstream's YAML.

The registry side is `~skybutler.daf_butler.transfers` (`export_yaml`,
`import_yaml`); the files come from and go to the file datastore through
the hooks those take (``datastores/file/_export.py`` and ``_import.py``).

An export writes its file only when the ``with`` block ends without an
error, and removes the files it had transferred otherwise. An import is one
`Butler.transaction`: a broken entry, a conflicting record or a missing file
leaves neither registry rows, nor records, nor transferred files.
"""

from __future__ import annotations

__all__ = ["export", "import_"]

import contextlib
import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from skybutler.resources import ResourceError, ResourcePath

from .errors import RepoTransferError

if TYPE_CHECKING:
    from ._butler import Butler
    from .datastores.file import FileDatastore
    from .transfers import RepoExportContext

_FORMATS = ("yaml",)


def _check_format(format: str) -> None:
    if format not in _FORMATS:
        raise RepoTransferError(
            f"Unsupported export format {format!r}; the formats known are {', '.join(_FORMATS)}."
        )


def _file_of(
    directory: str | ResourcePath | None, filename: str | ResourcePath | None, format: str
) -> ResourcePath:
    name = filename if filename is not None else f"export.{format}"
    if directory is not None and not ResourcePath(name, forceAbsolute=False).isabs():
        return ResourcePath(directory, forceDirectory=True).join(str(name), forceDirectory=False)
    return ResourcePath(name, forceDirectory=False)


def _file_datastore(butler: Butler, what: str) -> FileDatastore:
    from .datastores.file import FileDatastore

    datastore = butler._datastore
    members = [datastore, *getattr(datastore, "datastores", ())]
    for member in members:
        if isinstance(member, FileDatastore):
            return member
    raise RepoTransferError(
        f"Datastore {datastore.name!r} keeps no files, so it cannot {what}; use a repository "
        "with a file datastore, or pass without_datastore=True to import_ (registry only)."
    )


@contextlib.contextmanager
def export(
    butler: Butler,
    *,
    directory: str | ResourcePath | None = None,
    filename: str | ResourcePath | None = None,
    format: str = "yaml",
    transfer: str | None = None,
) -> Iterator[RepoExportContext]:
    """Export datasets, their files and what they need (see `Butler.export`).

    Raises
    ------
    RepoTransferError
        The format or transfer mode is not supported, a transfer mode was given
        without a directory, or a file cannot be transferred.
    """
    from .datastores.file._export import ExportedFiles
    from .datastores.file._file_copy import check_mode
    from .transfers import export_yaml

    _check_format(format)
    check_mode(transfer, ("move",), "export (it would take the files out of this repository)")
    if transfer not in (None, "direct") and directory is None:
        raise RepoTransferError(
            f"Exporting with transfer={transfer!r} needs a directory to put the files in; "
            "pass directory=..., or transfer=None to refer to them where they are."
        )
    target = _file_of(directory, filename, format)
    destination = None if directory is None else ResourcePath(directory, forceDirectory=True)
    files = None
    if butler._datastore is not None:
        files = ExportedFiles(_file_datastore(butler, "export files"), destination, transfer)
    text = io.StringIO()
    try:
        with export_yaml(butler._registry, text, file_exporter=files) as context:
            yield context
        if destination is not None:
            destination.mkdir()
        target.write(text.getvalue().encode("utf-8"))
    except BaseException:
        if files is not None:
            files.mover.undo()
        raise


def import_(
    butler: Butler,
    *,
    directory: str | ResourcePath | None = None,
    filename: str | ResourcePath | None = None,
    format: str = "yaml",
    transfer: str | None = None,
    skip_dimensions: Iterable[str] | None = None,
    record_validation_info: bool = True,
    without_datastore: bool = False,
) -> None:
    """Import an export file and its files, in one transaction (see `Butler.import_`).

    Raises
    ------
    RepoImportError
        The file is not a supported export, or an entry in it is malformed.
    RepoTransferError
        The format or transfer mode is not supported, or a file is missing
        or cannot be transferred.
    ConflictingDefinitionError
        What the file holds conflicts with what the repository holds.
    """
    from .datastores.file._file_copy import check_mode
    from .datastores.file._import import ImportedFiles
    from .transfers import import_yaml

    _check_format(format)
    check_mode(transfer, (), "import")
    source = _file_of(directory, filename, format)
    try:
        text = source.read().decode("utf-8")
    except (OSError, ResourceError, UnicodeDecodeError) as exc:
        raise RepoTransferError(
            f"Cannot read the export file {source}: {exc}. Give its directory and file name."
        ) from exc
    stream = io.StringIO(text)
    if without_datastore or butler._datastore is None:
        with butler.transaction():
            import_yaml(butler._registry, stream, skip_dimensions=skip_dimensions)
        return
    datastore = _file_datastore(butler, "import files")
    files = ImportedFiles(
        datastore,
        None if directory is None else ResourcePath(directory, forceDirectory=True),
        transfer,
        record_validation_info,
    )
    try:
        with butler.transaction():
            import_yaml(
                butler._registry, stream, skip_dimensions=skip_dimensions, ingest_files=files
            )
    except BaseException:
        files.mover.undo()
        raise
    files.finish()
