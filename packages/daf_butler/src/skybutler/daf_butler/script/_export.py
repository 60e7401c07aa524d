"""Export and import: the work behind ``export``, ``export-calibs`` and ``import``."""

from __future__ import annotations

__all__ = ["butler_import", "export", "export_calibs"]

from collections.abc import Sequence

from .._collection_type import CollectionType
from ..registry.collections._expressions import is_pattern
from ._queries import dataset_table, find_refs
from ._repo import open_butler
from ._table import Table

DEFAULT_EXPORT_FILE = "export.yaml"
"""Name of the export file in an export directory, as upstream's."""


def export(
    repo: str,
    directory: str,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
    transfer: str | None = "auto",
    export_file: str = DEFAULT_EXPORT_FILE,
) -> Table:
    """Export the datasets a query finds, their files and what they need; list them.

    Parameters
    ----------
    repo
        The repository.
    directory
        Where the export file and the dataset files go (created if missing).
    dataset_type, collections, where, find_first, limit
        The query (see `find_refs`). Collections named without a pattern
        are exported too (chains with their children, TAGGED and
        CALIBRATION collections with the memberships of the datasets).
    transfer
        How files get into ``directory`` (``auto``, ``copy``, ``link``...,
        ``direct`` for their URIs, `None` for datastore paths only).
    export_file
        Name of the export file in ``directory``.
    """
    with open_butler(repo) as butler:
        refs = find_refs(butler, dataset_type, collections, where, find_first, limit)
        with butler.export(directory=directory, filename=export_file, transfer=transfer) as out:
            for name in collections:
                if not is_pattern(name):
                    out.saveCollection(name, include_children=True)
            out.saveDatasets(refs)
        return dataset_table(refs)


def export_calibs(
    repo: str,
    directory: str,
    collections: Sequence[str],
    dataset_type: Sequence[str] = (),
    transfer: str | None = "auto",
) -> Table:
    """Export CALIBRATION collections with their datasets and validity ranges; list them.

    Parameters
    ----------
    repo
        The repository.
    directory
        Where ``export.yaml`` and the dataset files go.
    collections
        Collections (names or globs; chains are searched): the CALIBRATION
        collections among them are exported.
    dataset_type
        Calibration dataset types (names or globs); all of them when empty.
    transfer
        How files get into ``directory``.
    """
    with open_butler(repo) as butler:
        registry = butler.registry
        names = registry.queryCollections(
            list(collections), collectionTypes={CollectionType.CALIBRATION}, flattenChains=True
        )
        types = [
            dt for dt in registry.queryDatasetTypes(list(dataset_type) or ...) if dt.isCalibration()
        ]
        refs = []
        with butler.export(directory=directory, transfer=transfer) as out:
            for name in names:
                out.saveCollection(name)
                found = [
                    ref
                    for dt in types
                    for ref in butler.query().datasets(dt, [name], find_first=False)
                ]
                out.saveDatasets(found)
                refs.extend(found)
        unique = list({ref.id: ref for ref in refs}.values())
        return dataset_table(unique)


def butler_import(
    repo: str,
    directory: str,
    transfer: str | None = "auto",
    export_file: str = DEFAULT_EXPORT_FILE,
    skip_dimensions: Sequence[str] = (),
    track_file_attrs: bool = True,
) -> None:
    """Import an export directory (its export file and dataset files) into a repository.

    Parameters
    ----------
    repo
        The repository.
    directory
        The export directory; the export file's paths are relative to it.
    transfer
        How files get into the datastore (``auto``, ``copy``, ``move``,
        ``link``, ``symlink``, ``relsymlink``, ``hardlink``, ``direct``).
    export_file
        Name of the export file in ``directory``.
    skip_dimensions
        Dimension elements whose records are not imported.
    track_file_attrs
        Record each file's size (and checksum, if the datastore keeps them).

    Raises
    ------
    RepoImportError
        The export file is malformed (the message names the line).
    ConflictingDefinitionError
        What it holds conflicts with the repository.
    """
    with open_butler(repo, writeable=True) as butler:
        butler.import_(
            directory=directory,
            filename=export_file,
            transfer=transfer,
            skip_dimensions=list(skip_dimensions) or None,
            record_validation_info=track_file_attrs,
        )
