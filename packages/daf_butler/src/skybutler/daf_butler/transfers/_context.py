"""`RepoExportContext`: choose what an export holds, then write it in upstream's order.

Calls collect dimension records, collections, dataset types and datasets;
`RepoExportContext.finish` (run when the ``with`` block of `export_yaml`
ends without error) writes them through the backend:

1. dimension records, elements in universe order, records by data ID;
2. collections: RUN, TAGGED and CALIBRATION by name, then CHAINED ones, each
   after the chains it holds;
3. for each dataset type (by name), its ``dataset_type`` entry and one
   ``dataset`` entry per run (by name), files ordered by data ID;
4. the memberships of the exported datasets in the exported TAGGED and
   CALIBRATION collections.
"""

from __future__ import annotations

__all__ = ["RepoExportContext"]

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _progress as progress
from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._gc import paused_gc
from ..dimensions import DataCoordinate, DimensionElement, DimensionRecord
from ._associations import collection_associations
from ._data_id_records import record_key, records_of
from ._file_dataset import FileDataset, FileExporter
from ._yaml_export import YamlRepoExportBackend

if TYPE_CHECKING:
    from ..registry import Registry


def _sort_key(values: Iterable[Any]) -> tuple[Any, ...]:
    # Values of one key are all int or all str; None sorts first.
    return tuple((v is not None, v) for v in values)


def _file_key(file: FileDataset) -> tuple[Any, ...]:
    return (_sort_key(file.refs[0].dataId.required_values), file.refs[0].id)


class RepoExportContext:
    """What to export from a registry (upstream's class and method names).

    Parameters
    ----------
    registry
        The registry exported from.
    backend
        Writes the entries.
    file_exporter
        Gives the files of exported datasets (the Butler passes its
        datastore's); without one, datasets are exported with ``path: null``.
    """

    def __init__(
        self,
        registry: Registry,
        backend: YamlRepoExportBackend,
        *,
        file_exporter: FileExporter | None = None,
    ) -> None:
        self._registry = registry
        self._backend = backend
        self._file_exporter = file_exporter
        self._records: dict[str, dict[tuple[Any, ...], DimensionRecord]] = {}
        self._collections: dict[str, CollectionType] = {}
        self._dataset_types: dict[str, DatasetType] = {}
        self._files: dict[str, dict[str, list[FileDataset]]] = {}
        self._dataset_ids: dict[uuid.UUID, DatasetRef] = {}

    @property
    def _default_elements(self) -> list[DimensionElement]:
        return [e for e in self._registry.dimensions.elements if e.hasTable()]

    # ------------------------------------------------------------ dimension records

    def saveDimensionData(
        self,
        element: str | DimensionElement,
        records: Iterable[DimensionRecord | Mapping[str, Any]],
    ) -> None:
        """Export dimension records of one element (repeats are exported once)."""
        definition = self._registry.dimensions[str(element)]
        stored = self._records.setdefault(definition.name, {})
        for record in records:
            if not isinstance(record, DimensionRecord):
                record = definition.RecordClass(**record)
            stored.setdefault(record_key(record), record)

    def saveDataIds(
        self,
        dataIds: Iterable[DataCoordinate | Mapping[str, Any]],
        *,
        elements: Iterable[str | DimensionElement] | None = None,
    ) -> None:
        """Export the dimension records of data IDs.

        Parameters
        ----------
        dataIds
            Data IDs (expanded or not).
        elements
            Export only the records of these elements; by default every
            element with a table.
        """
        names = {str(e) for e in (self._default_elements if elements is None else elements)}
        for name, records in records_of(self._registry, dataIds, names).items():
            self.saveDimensionData(name, records)

    # ------------------------------------------------------------ collections

    def saveCollection(self, name: str, *, include_children: bool = False) -> None:
        """Export a collection (but not its datasets).

        RUN collections of exported datasets are exported anyway. A TAGGED
        or CALIBRATION collection brings the memberships of the datasets
        exported. A CHAINED collection brings its children only with
        ``include_children`` (recursively); otherwise they must be exported
        too, or exist where the file is imported.
        """
        kind = self._registry.getCollectionType(name)
        self._collections[name] = kind
        if kind is CollectionType.CHAINED and include_children:
            for child in self._registry.getCollectionChain(name):
                self.saveCollection(child, include_children=True)

    # ------------------------------------------------------------ datasets

    def saveDatasetTypes(self, datasetTypes: Iterable[DatasetType | str]) -> None:
        """Export dataset type definitions, even with no dataset."""
        for dataset_type in datasetTypes:
            resolved = self._registry._resolve_dataset_type(dataset_type)
            self._dataset_types[resolved.name] = resolved

    def saveDatasets(
        self,
        refs: Iterable[DatasetRef | FileDataset],
        *,
        elements: Iterable[str | DimensionElement] | None = None,
        rewrite: Callable[[FileDataset], FileDataset] | None = None,
    ) -> None:
        """Export datasets, their files, dataset types, runs and dimension records.

        Parameters
        ----------
        refs
            The datasets; a `FileDataset` gives its file itself, the files of
            plain references come from the file exporter.
        elements
            Elements whose records of the datasets' data IDs are exported;
            every element with a table by default (an empty list for none).
        rewrite
            Called on each file before it is exported (to change its path, say).
        """
        with paused_gc():
            self._save_datasets(refs, None if elements is None else list(elements), rewrite)

    def _save_datasets(
        self,
        refs: Iterable[DatasetRef | FileDataset],
        chosen: list[str | DimensionElement] | None,
        rewrite: Callable[[FileDataset], FileDataset] | None,
    ) -> None:
        files: list[FileDataset] = []
        plain: list[DatasetRef] = []
        for item in refs:
            if isinstance(item, FileDataset):
                files.append(item)
            elif item.id not in self._dataset_ids:
                plain.append(item)
        plain = list({ref.id: ref for ref in plain}.values())
        if plain:
            if self._file_exporter is not None:
                files.extend(self._file_exporter(plain))
            else:
                files.extend(FileDataset(None, [ref]) for ref in plain)
        new_refs: list[DatasetRef] = []
        for file in files:
            if rewrite is not None:
                file = rewrite(file)
            refs_of_file = [r for r in file.refs if r.id not in self._dataset_ids]
            if not refs_of_file:
                continue
            file = FileDataset(file.path, refs_of_file, file.formatter)
            run = refs_of_file[0].run
            dataset_type = refs_of_file[0].datasetType
            if dataset_type.isComponent():
                dataset_type = dataset_type.makeCompositeDatasetType()
            self._dataset_types.setdefault(dataset_type.name, dataset_type)
            self._files.setdefault(dataset_type.name, {}).setdefault(run, []).append(file)
            self._collections.setdefault(run, CollectionType.RUN)
            for ref in refs_of_file:
                self._dataset_ids[ref.id] = ref
            new_refs.extend(refs_of_file)
        if new_refs and (chosen is None or chosen):
            self.saveDataIds([ref.dataId for ref in new_refs], elements=chosen)

    # ------------------------------------------------------------ writing

    def _sorted_collections(self) -> list[str]:
        plain = sorted(n for n, t in self._collections.items() if t is not CollectionType.CHAINED)
        chains = sorted(n for n, t in self._collections.items() if t is CollectionType.CHAINED)
        ordered: list[str] = []
        placed: set[str] = set()

        def place(name: str) -> None:
            if name in placed:
                return
            placed.add(name)
            for child in self._registry.getCollectionChain(name):
                if self._collections.get(child) is CollectionType.CHAINED:
                    place(child)
            ordered.append(name)

        for name in chains:
            place(name)
        return plain + ordered

    def finish(self) -> None:
        """Write everything collected through the backend."""
        with paused_gc():
            self._finish()

    def _finish(self) -> None:
        universe = self._registry.dimensions
        for name in universe.sorted(self._records):
            by_key = self._records[name]
            self._backend.saveDimensionData(name, *(by_key[k] for k in sorted(by_key)))
        collections = self._registry._managers.collections
        for name in self._sorted_collections():
            kind = self._collections[name]
            doc = self._registry.getCollectionDocumentation(name)
            if kind is CollectionType.RUN:
                info = collections.get_run(name)
                self._backend.saveCollection(
                    name, kind, doc, host=info.host, timespan=info.timespan
                )
            elif kind is CollectionType.CHAINED:
                children = self._registry.getCollectionChain(name)
                self._backend.saveCollection(name, kind, doc, children=children)
            else:
                self._backend.saveCollection(name, kind, doc)
        total = sum(len(files) for runs in self._files.values() for files in runs.values())
        with progress.bar(desc="Writing datasets", total=total) as bar:
            for type_name in sorted(self._dataset_types):
                dataset_type = self._dataset_types[type_name]
                self._backend.saveDatasetType(dataset_type)
                runs = self._files.get(type_name, {})
                for run in sorted(runs):
                    files = sorted(
                        runs[run],
                        key=lambda f: (_sort_key(f.refs[0].dataId.required_values), f.refs[0].id),
                    )
                    self._backend.saveDatasets(dataset_type, run, *files)
                    bar.update(len(files))
        exported = list(self._dataset_ids.values())
        for name in sorted(self._collections):
            kind = self._collections[name]
            if kind in (CollectionType.TAGGED, CollectionType.CALIBRATION) and exported:
                associations = collection_associations(self._registry, name, exported)
                if associations:
                    self._backend.saveDatasetAssociations(name, kind, associations)
        self._backend.finish()
