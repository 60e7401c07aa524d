"""`export_yaml` and `import_yaml`: the registry side of ``Butler.export`` and ``import_``."""

from __future__ import annotations

__all__ = ["export_yaml", "import_yaml"]

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING

from .._gc import paused_gc
from ._context import RepoExportContext
from ._file_dataset import FileDataset, FileExporter, FileIngester
from ._yaml_export import YamlRepoExportBackend
from ._yaml_import import YamlRepoImportBackend

if TYPE_CHECKING:
    from ..registry import Registry


@contextlib.contextmanager
def export_yaml(
    registry: Registry,
    destination: IO[str] | str | os.PathLike[str],
    *,
    file_exporter: FileExporter | None = None,
) -> Iterator[RepoExportContext]:
    """Export from a registry to an upstream-format YAML file.

    Save what to export on the yielded context; the file is written when the
    block ends without an error (nothing is written otherwise).

    Parameters
    ----------
    registry
        The registry exported from.
    destination
        A text stream or a file path.
    file_exporter
        Gives the files of exported datasets (see `RepoExportContext`).
    """
    if isinstance(destination, str | os.PathLike):
        with (
            open(destination, "w", encoding="utf-8") as stream,
            export_yaml(registry, stream, file_exporter=file_exporter) as context,
        ):
            yield context
        return
    backend = YamlRepoExportBackend(destination, registry.dimensions)
    context = RepoExportContext(registry, backend, file_exporter=file_exporter)
    yield context
    context.finish()


def import_yaml(
    registry: Registry,
    source: IO[str] | str | os.PathLike[str],
    *,
    skip_dimensions: Iterable[str] | None = None,
    ingest_files: FileIngester | None = None,
) -> list[FileDataset]:
    """Import an upstream-format YAML export into a registry, in one transaction.

    Parameters
    ----------
    registry
        The registry imported into.
    source
        A text stream, or the path of the file (a `str` is a path).
    skip_dimensions
        Elements whose records are not imported.
    ingest_files
        Receives the files of the imported datasets inside the transaction
        (see `YamlRepoImportBackend.load`).

    Returns
    -------
    files
        The files of the imported datasets, paths as in the export file.

    Raises
    ------
    RepoImportError
        The file is not a supported export, or an entry or record in it is
        malformed; the message names the line.
    ConflictingDefinitionError
        A record, dataset type, dataset or collection conflicts with what the
        registry holds; the message says what differs.
    """
    if isinstance(source, str | os.PathLike):
        with open(source, encoding="utf-8") as stream:
            return import_yaml(
                registry, stream, skip_dimensions=skip_dimensions, ingest_files=ingest_files
            )
    with paused_gc():
        backend = YamlRepoImportBackend(source, registry)
        with registry.transaction():
            backend.register()
            backend.load(ingest_files, skip_dimensions=skip_dimensions)
    return backend.files
