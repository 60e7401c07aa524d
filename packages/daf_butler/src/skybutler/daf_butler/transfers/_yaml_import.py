"""`YamlRepoImportBackend`: reads an export document into a registry.

`register` defines the file's dataset types and collections; `load` stores
its dimension records, datasets (with the IDs they have), their memberships
of TAGGED and CALIBRATION collections, and hands the files to the caller.
`import_yaml` runs both in one transaction, so a failure leaves the registry
as it was. Old files (``version: 0``, ``type: run`` entries, integer dataset
IDs, a scalar ``dataset_id`` or ``data_id``) are read too; integer IDs get
new UUIDs, used consistently across the file.
"""

from __future__ import annotations

__all__ = ["YamlRepoImportBackend"]

import uuid
from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from .. import _progress as progress
from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._timespan import Timespan
from .._uuid import generate_uuidv7
from ..dimensions import DimensionRecord
from ..errors import ButlerError, RepoImportError
from ._associations import collection_associations
from ._dataset_checks import check_records_exist
from ._file_dataset import FileDataset, FileIngester
from ._parse import Path, load_document
from ._records import RecordImporter

if TYPE_CHECKING:
    from ..dimensions import DimensionElement
    from ..registry import Registry

_KINDS = ("dimension", "collection", "run", "dataset_type", "dataset", "associations")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


class YamlRepoImportBackend:
    """Reads an export document for a registry (upstream's class name).

    Parameters
    ----------
    stream
        The document's text, or a text stream.
    registry
        The registry imported into.
    source
        The file's name, for messages.

    Raises
    ------
    RepoImportError
        The document is not a supported export file, or an entry is malformed.
    """

    def __init__(self, stream: IO[str] | str, registry: Registry, source: str | None = None):
        self._registry = registry
        self._document = load_document(stream, source)
        self._locator = self._document.locator
        self._ids: dict[int, uuid.UUID] = {}
        self._refs: dict[uuid.UUID, DatasetRef] = {}
        self.files: list[FileDataset] = []
        """Files of the datasets loaded, in file order (filled by `load`)."""
        self._by_kind: dict[str, list[tuple[Mapping[str, Any], Path]]] = {k: [] for k in _KINDS}
        for index, entry in enumerate(self._document.entries):
            kind = entry.get("type")
            if kind not in self._by_kind:
                raise self._locator.error(
                    ("data", index),
                    f"entry of unknown type {kind!r}; known types are {', '.join(_KINDS)}.",
                )
            self._by_kind[kind].append((entry, ("data", index)))

    @property
    def version(self) -> tuple[int, int, int]:
        """The export format version of the file."""
        return self._document.version

    def _get(self, entry: Mapping[str, Any], key: str, path: Path) -> Any:
        if key not in entry:
            raise self._locator.error(path, f"{entry.get('type')} entry without {key!r}.")
        return entry[key]

    def _located(self, path: Path, action: str, err: ButlerError) -> ButlerError:
        """Return ``err`` again with the file position in front of its message."""
        if isinstance(err, RepoImportError):
            return err
        try:
            return type(err)(f"Cannot import {self._locator.where(path)} ({action}): {err}")
        except TypeError:  # pragma: no cover (an error class with other arguments)
            return err

    # ------------------------------------------------------------ register

    def register(self) -> None:
        """Register the file's dataset types and collections, then define its chains."""
        registry = self._registry
        for entry, path in self._by_kind["dataset_type"]:
            name = self._get(entry, "name", path)
            try:
                dataset_type = DatasetType(
                    name,
                    self._get(entry, "dimensions", path),
                    self._get(entry, "storage_class", path),
                    universe=registry.dimensions,
                    isCalibration=bool(entry.get("is_calibration", False)),
                )
                registry.registerDatasetType(dataset_type)
            except ButlerError as err:
                raise self._located(path, f"dataset type {name!r}", err) from err
        chains: list[tuple[str, list[str], Path]] = []
        entries = self._by_kind["collection"] + [
            ({**entry, "collection_type": "RUN"}, path) for entry, path in self._by_kind["run"]
        ]
        for entry, path in entries:
            name = self._get(entry, "name", path)
            try:
                kind = CollectionType.from_name(str(self._get(entry, "collection_type", path)))
            except (KeyError, ValueError):
                raise self._locator.error(
                    path,
                    f"collection {name!r} has unknown collection_type "
                    f"{entry.get('collection_type')!r}; expected RUN, TAGGED, CHAINED or "
                    "CALIBRATION.",
                ) from None
            try:
                self._register_collection(name, kind, entry)
            except ButlerError as err:
                raise self._located(path, f"collection {name!r}", err) from err
            if kind is CollectionType.CHAINED:
                chains.append((name, [str(c) for c in _as_list(entry.get("children") or [])], path))
        for name, children, path in chains:
            try:
                registry.setCollectionChain(name, children)
            except ButlerError as err:
                raise self._located(path, f"chain {name!r}", err) from err

    def _register_collection(
        self, name: str, kind: CollectionType, entry: Mapping[str, Any]
    ) -> None:
        registry = self._registry
        doc = entry.get("doc")
        if kind is not CollectionType.RUN:
            registry.registerCollection(name, kind, doc=doc)
            return
        if registry.registerRun(name, doc=doc):
            begin, end = entry.get("timespan_begin"), entry.get("timespan_end")
            host = entry.get("host")
            timespan = None if begin is None and end is None else Timespan(begin, end)
            if host is not None or timespan is not None:
                registry._managers.collections.update_run(name, host=host, timespan=timespan)

    # ------------------------------------------------------------ load

    def load(
        self,
        ingest_files: FileIngester | None = None,
        *,
        skip_dimensions: Iterable[str] | None = None,
    ) -> None:
        """Store the file's dimension records, datasets and associations.

        Parameters
        ----------
        ingest_files
            Called once with the files of all loaded datasets (paths as in the
            file), after the registry work; the Butler gives its datastore's
            ingest. Raising undoes the import when run by `import_yaml`.
        skip_dimensions
            Elements whose records are not imported (those stored are used).
        """
        self._load_dimensions(set(skip_dimensions or ()))
        entries = self._by_kind["dataset"]
        sizes = [len(_as_list(entry.get("records") or [])) for entry, _ in entries]
        with progress.bar(desc="Importing datasets", total=sum(sizes)) as bar:
            for (entry, path), size in zip(entries, sizes, strict=True):
                self._load_datasets(entry, path)
                bar.update(size)
        for entry, path in self._by_kind["associations"]:
            self._load_associations(entry, path)
        if ingest_files is not None and self.files:
            ingest_files(list(self.files))

    def _load_dimensions(self, skip: set[str]) -> None:
        document = self._document
        importer = RecordImporter(
            self._registry.dimensions,
            document.universe_version,
            document.universe_namespace,
            self._locator,
        )
        by_element: dict[str, list[tuple[DimensionRecord, Path]]] = {}
        elements: dict[str, DimensionElement] = {}
        for entry, path in self._by_kind["dimension"]:
            name = self._get(entry, "element", path)
            if name in skip:
                continue
            element = importer.element(name, (*path, "element"))
            if element is None:
                continue
            elements[element.name] = element
            records = by_element.setdefault(element.name, [])
            for index, raw in enumerate(_as_list(self._get(entry, "records", path) or [])):
                where = (*path, "records", index)
                records.append((importer.record(element, raw, where), where))
        importer.warn()
        universe = self._registry.dimensions
        for name in set(importer.implied) - skip:
            elements[name] = universe[name]
            by_element.setdefault(name, [])
        order = universe.sorted(by_element)
        total = sum(len(by_element[name]) for name in order)
        with progress.bar(desc="Importing dimension records", total=total) as bar:
            for name in order:
                importer.store(self._registry, elements[name], by_element[name])
                bar.update(len(by_element[name]))

    def _dataset_id(self, value: Any, path: Path) -> uuid.UUID:
        if isinstance(value, uuid.UUID):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return self._ids.setdefault(value, generate_uuidv7())
        try:
            return uuid.UUID(str(value))
        except ValueError:
            raise self._locator.error(path, f"dataset ID {value!r} is not a UUID.") from None

    def _load_datasets(self, entry: Mapping[str, Any], path: Path) -> None:
        type_name = self._get(entry, "dataset_type", path)
        run = self._get(entry, "run", path)
        try:
            dataset_type = self._registry.getDatasetType(type_name)
        except ButlerError as err:
            raise self._located(path, f"datasets of {type_name!r}", err) from err
        files: list[tuple[list[DatasetRef], Any, Any]] = []
        refs: list[DatasetRef] = []
        for index, record in enumerate(_as_list(self._get(entry, "records", path) or [])):
            where = (*path, "records", index)
            if not isinstance(record, Mapping):
                raise self._locator.error(
                    where, f"a dataset record must be a mapping, not {record!r}."
                )
            ids = _as_list(self._get(record, "dataset_id", where))
            data_ids = _as_list(self._get(record, "data_id", where))
            if len(ids) != len(data_ids):
                raise self._locator.error(
                    where,
                    f"{len(ids)} dataset_id value(s) but {len(data_ids)} data_id value(s); "
                    "give one data ID per dataset ID.",
                )
            file_refs = []
            for dataset_id, data_id in zip(ids, data_ids, strict=True):
                resolved = self._dataset_id(dataset_id, where)
                try:
                    ref = DatasetRef(dataset_type, data_id, run, id=resolved)
                except (ButlerError, TypeError) as err:
                    raise self._locator.error(
                        where, f"invalid {type_name} dataset {dataset_id} {data_id!r}: {err}"
                    ) from None
                file_refs.append(ref)
            refs.extend(file_refs)
            files.append((file_refs, record.get("path"), record.get("formatter")))
        try:
            check_records_exist(self._registry, dataset_type, refs)
            imported = self._registry._importDatasets(refs, expand=False)
        except ButlerError as err:
            raise self._located(path, f"datasets of {type_name!r} in run {run!r}", err) from err
        by_id = {ref.id: ref for ref in imported}
        self._refs.update(by_id)
        for file_refs, file_path, formatter in files:
            self.files.append(FileDataset(file_path, [by_id[r.id] for r in file_refs], formatter))

    def _refs_of(self, ids: Iterable[Any], path: Path) -> list[DatasetRef]:
        wanted = [self._dataset_id(i, path) for i in ids]
        unknown = [i for i in wanted if i not in self._refs]
        if unknown:
            for ref in self._registry._managers.datasets.get_refs(unknown):
                self._refs[ref.id] = ref
        missing = [str(i) for i in wanted if i not in self._refs]
        if missing:
            raise self._locator.error(
                path,
                f"dataset(s) {', '.join(missing[:5])} are neither in the file nor in the "
                "registry; export them together with their collections.",
            )
        return [self._refs[i] for i in wanted]

    def _certified(self, collection: str) -> set[tuple[uuid.UUID, Timespan | None]]:
        """Return the (dataset ID, validity) pairs certified in a collection already."""
        if self._registry.getCollectionType(collection) is not CollectionType.CALIBRATION:
            return set()
        found = collection_associations(self._registry, collection)
        return {(a.ref.id, a.timespan) for a in found}

    def _load_associations(self, entry: Mapping[str, Any], path: Path) -> None:
        collection = self._get(entry, "collection", path)
        kind = str(self._get(entry, "collection_type", path)).upper()
        try:
            if kind == "TAGGED":
                ids = _as_list(self._get(entry, "dataset_ids", path) or [])
                self._registry.associate(collection, self._refs_of(ids, path))
            elif kind == "CALIBRATION":
                ranges = _as_list(self._get(entry, "validity_ranges", path) or [])
                present = self._certified(collection)
                for index, item in enumerate(ranges):
                    where = (*path, "validity_ranges", index)
                    timespan = item.get("timespan") if isinstance(item, Mapping) else None
                    if not isinstance(timespan, Timespan):
                        raise self._locator.error(
                            where, "a validity range needs a !lsst.daf.butler.Timespan 'timespan'."
                        )
                    refs = self._refs_of(_as_list(item.get("dataset_ids") or []), where)
                    # Certifications already there exactly as given are kept (re-imports).
                    refs = [r for r in refs if (r.id, timespan) not in present]
                    if refs:
                        self._registry.certify(collection, refs, timespan)
            else:
                raise self._locator.error(
                    path,
                    f"associations of a {kind} collection; only TAGGED and CALIBRATION "
                    "collections have them.",
                )
        except ButlerError as err:
            raise self._located(path, f"associations of {collection!r}", err) from err
