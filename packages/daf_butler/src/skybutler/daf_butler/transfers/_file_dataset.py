"""`FileDataset`: a file and the datasets it holds, as passed between registry and datastore.

Exports and imports carry, for each dataset, the file that holds it. The
registry side of a transfer treats path and formatter as opaque: an export
receives them from a *file exporter* (the Butler's datastore), and an import
hands them to a *file ingester*, both plain callables, so the registry code
never depends on a datastore.
"""

from __future__ import annotations

__all__ = ["FileDataset", "FileExporter", "FileIngester"]

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .._dataset_ref import DatasetRef


@dataclasses.dataclass
class FileDataset:
    """A file and the datasets stored in it (upstream's name and arguments).

    Parameters
    ----------
    path
        Where the file is: relative to an export directory or datastore
        root, or an absolute URI. `None` in exports made without a datastore.
    refs
        The dataset(s) the file holds (several when one file stores several
        datasets, such as the components of a composite).
    formatter
        What reads the file: the fully qualified class name of upstream's
        files, a short formatter name, or `None` to let the datastore choose.
    """

    path: Any
    refs: list[DatasetRef]
    formatter: Any = None

    def __init__(
        self, path: Any, refs: DatasetRef | Iterable[DatasetRef], formatter: Any = None
    ) -> None:
        self.path = path
        self.refs = [refs] if isinstance(refs, DatasetRef) else list(refs)
        self.formatter = formatter
        if not self.refs:
            raise ValueError(f"A FileDataset needs at least one DatasetRef (path {path!r}).")

    @property
    def formatter_name(self) -> str | None:
        """The formatter as the text an export file holds, or `None`."""
        if self.formatter is None or isinstance(self.formatter, str):
            return self.formatter
        kind = self.formatter if isinstance(self.formatter, type) else type(self.formatter)
        return f"{kind.__module__}.{kind.__qualname__}"


FileExporter = Callable[[Sequence[DatasetRef]], Iterable[FileDataset]]
"""Returns the files of datasets being exported (a datastore's export, transfer done)."""

FileIngester = Callable[[Sequence[FileDataset]], None]
"""Takes the files of imported datasets (paths as in the export file), inside the import's
transaction: raising undoes the whole import."""
