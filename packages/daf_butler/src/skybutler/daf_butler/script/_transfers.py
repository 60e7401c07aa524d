"""Move files in and out: ``ingest-files``, ``transfer-datasets`` and ``retrieve-artifacts``."""

from __future__ import annotations

__all__ = [
    "ID_GENERATION_MODES",
    "ingest_files",
    "ingest_zip",
    "parse_data_id",
    "retrieve_artifacts",
    "retrieve_artifacts_zip",
    "transfer_datasets",
]

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath

from .._dataset_ref import DatasetRef
from .._uuid import DatasetIdGenEnum
from ..errors import ConfigError, RepoTransferError
from ._queries import find_refs
from ._repo import open_butler

if TYPE_CHECKING:
    from .._butler import Butler
    from .._dataset_type import DatasetType

ID_GENERATION_MODES = tuple(mode.name for mode in DatasetIdGenEnum)
"""How ``ingest-files`` makes dataset IDs (upstream's ``--id-generation-mode`` choices)."""


def parse_data_id(values: Sequence[str]) -> dict[str, str]:
    """Return ``{key: value}`` from ``key=value`` texts (``--data-id``).

    Raises
    ------
    ConfigError
        A text is not ``key=value``.
    """
    result: dict[str, str] = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--data-id takes key=value pairs, not {text!r}.")
        result[key.strip()] = value.strip()
    return result


def _typed(butler: Butler, key: str, value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    dimension = butler.dimensions.dimensions.get(key)
    if dimension is not None and isinstance(value, str) and dimension.primaryKey.pytype is int:
        try:
            return int(value)
        except ValueError:
            return value  # an alternate key (detector='S11'); the registry looks it up
    return value


def _read_table(table_file: str) -> Any:
    from astropy.table import Table as AstropyTable

    path = ResourcePath(table_file)
    if not path.exists():
        raise ConfigError(f"The table file {table_file!r} does not exist.")
    try:
        with path.as_local() as local:
            guess = "ascii.csv" if local.ospath.endswith(".csv") else None
            return AstropyTable.read(local.ospath, format=guess)
    except (ValueError, OSError) as err:
        raise ConfigError(
            f"Cannot read {table_file!r} as a table ({err}); give a CSV or ECSV file whose "
            "first column holds file URIs and whose other columns hold dimension values."
        ) from None


def _file_datasets(
    butler: Butler,
    dataset_type: DatasetType,
    run: str,
    table: Any,
    common: Mapping[str, str],
    prefix: str | None,
    mode: DatasetIdGenEnum,
    formatter: str | None,
) -> list[Any]:
    from ..transfers import FileDataset

    base = ResourcePath(prefix, forceDirectory=True) if prefix else None
    by_file: dict[str, list[DatasetRef]] = {}
    uri_column, *dimension_columns = table.colnames
    for row in table:
        values = {k: _typed(butler, k, v) for k, v in common.items()}
        values.update({c: _typed(butler, c, row[c]) for c in dimension_columns})
        data_id = butler.registry.expandDataId(values, dimensions=dataset_type.dimensions)
        ref = DatasetRef(dataset_type, data_id, run, id_generation_mode=mode)
        text = str(row[uri_column])
        uri = base.join(text) if base is not None and "://" not in text else ResourcePath(text)
        by_file.setdefault(str(uri), []).append(ref)
    return [FileDataset(uri, refs, formatter=formatter) for uri, refs in by_file.items()]


def ingest_files(
    repo: str,
    dataset_type: str,
    run: str,
    table_file: str,
    data_id: Mapping[str, str] | None = None,
    formatter: str | None = None,
    id_generation_mode: str = "UNIQUE",
    prefix: str | None = None,
    track_file_attrs: bool = True,
    transfer: str = "auto",
) -> int:
    """Ingest the files a table lists as datasets of one type into a RUN; return how many.

    Parameters
    ----------
    repo
        The repository.
    dataset_type
        A registered dataset type.
    run
        The RUN collection (registered if needed).
    table_file
        A CSV or ECSV file: first column the file URIs (relative ones are
        relative to ``prefix`` or the current directory), other columns
        dimension values. Rows naming the same file make one file of
        several datasets.
    data_id
        Dimension values shared by every row.
    formatter
        The formatter of the files (a short name or a class path); the
        datastore chooses when not given.
    id_generation_mode
        One of `ID_GENERATION_MODES`.
    prefix
        Where relative file URIs are.
    track_file_attrs
        Record each file's size (and checksum, if the datastore keeps them).
    transfer
        How the files get into the datastore (``auto``, ``copy``, ``move``,
        ``link``, ``symlink``, ``relsymlink``, ``hardlink``, ``direct``).

    Raises
    ------
    ConfigError
        The table cannot be read, or an ID generation mode is unknown.
    IngestFileError
        A file is missing or cannot be transferred; nothing is ingested.
    """
    try:
        mode = DatasetIdGenEnum[id_generation_mode.upper()]
    except KeyError:
        raise ConfigError(
            f"Unknown ID generation mode {id_generation_mode!r}; use one of "
            f"{', '.join(ID_GENERATION_MODES)}."
        ) from None
    table = _read_table(table_file)
    if len(table.colnames) < 1:
        raise ConfigError(f"The table {table_file!r} has no columns.")
    with open_butler(repo, writeable=True) as butler:
        definition = butler.get_dataset_type(dataset_type)
        files = _file_datasets(
            butler, definition, run, table, data_id or {}, prefix, mode, formatter
        )
        butler.ingest(*files, transfer=transfer, record_validation_info=track_file_attrs)
        return sum(len(f.refs) for f in files)


def transfer_datasets(
    source: str,
    dest: str,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
    order_by: Sequence[str] = (),
    transfer: str = "auto",
    register_dataset_types: bool = False,
    transfer_dimensions: bool = True,
    dry_run: bool = False,
) -> int:
    """Copy the datasets a query finds from one repository to another; return how many.

    Parameters
    ----------
    source, dest
        The repositories.
    dataset_type, collections, where, find_first, limit, order_by
        The query in ``source`` (see `find_refs`).
    transfer
        How the files are copied.
    register_dataset_types
        Register dataset types missing from ``dest``.
    transfer_dimensions
        Copy the dimension records the datasets need.
    dry_run
        Only count what would be transferred.
    """
    with open_butler(source) as source_butler, open_butler(dest, writeable=True) as dest_butler:
        refs = find_refs(
            source_butler, dataset_type, collections, where, find_first, limit, order_by
        )
        transferred = dest_butler.transfer_from(
            source_butler,
            refs,
            transfer=transfer,
            register_dataset_types=register_dataset_types,
            transfer_dimensions=transfer_dimensions,
            dry_run=dry_run,
        )
        return len(transferred)


def retrieve_artifacts(
    repo: str,
    destination: str,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
    order_by: Sequence[str] = (),
    transfer: str = "auto",
    preserve_path: bool = True,
    clobber: bool = False,
) -> list[ResourcePath]:
    """Copy the files of the datasets a query finds into a directory; return their URIs.

    Parameters
    ----------
    repo
        The repository.
    destination
        The directory (created if missing).
    dataset_type, collections, where, find_first, limit, order_by
        The query (see `find_refs`).
    transfer
        How the files are copied (``auto``, ``copy``, ``link``...).
    preserve_path
        Keep the paths the files have in the datastore; else file names only.
    clobber
        Replace files already at the destination; otherwise one stops the copy.
    """
    with open_butler(repo) as butler:
        refs = find_refs(butler, dataset_type, collections, where, find_first, limit, order_by)
        if not refs:
            return []
        try:
            return butler.retrieveArtifacts(
                refs, destination, transfer=transfer, preserve_path=preserve_path, overwrite=clobber
            )
        except RepoTransferError as err:
            if clobber:
                raise
            raise RepoTransferError(f"{err} (--clobber on the command line)") from err


def retrieve_artifacts_zip(
    repo: str,
    destination: str,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
    order_by: Sequence[str] = (),
    clobber: bool = False,
) -> tuple[ResourcePath | None, int]:
    """Write the files of the datasets a query finds into one Zip in a directory.

    Parameters
    ----------
    repo
        The repository.
    destination
        The directory of the Zip (created if missing).
    dataset_type, collections, where, find_first, limit, order_by
        The query (see `find_refs`).
    clobber
        Replace a Zip of the same name.

    Returns
    -------
    zip, count
        The Zip written (`None` when the query finds nothing) and how many
        datasets it holds.
    """
    with open_butler(repo) as butler:
        refs = find_refs(butler, dataset_type, collections, where, find_first, limit, order_by)
        if not refs:
            return None, 0
        try:
            return butler.retrieve_artifacts_zip(refs, destination, overwrite=clobber), len(refs)
        except FileExistsError as err:
            raise RepoTransferError(f"{err} (--clobber on the command line)") from err


def ingest_zip(
    repo: str,
    zip: str,
    transfer: str = "auto",
    transfer_dimensions: bool = False,
    dry_run: bool = False,
    skip_existing: bool = False,
) -> list[DatasetRef]:
    """Ingest a Zip of artifacts into a repository; return the datasets (to be) ingested.

    Parameters
    ----------
    repo
        The repository.
    zip
        The Zip (path or URI).
    transfer
        How the Zip gets into the datastore.
    transfer_dimensions
        See `Butler.ingest_zip`.
    dry_run
        Change nothing; return what would be ingested.
    skip_existing
        Skip datasets already registered.
    """
    with open_butler(repo, writeable=not dry_run) as butler:
        return butler.ingest_zip(
            zip,
            transfer=transfer,
            transfer_dimensions=transfer_dimensions,
            dry_run=dry_run,
            skip_existing=skip_existing,
        )
