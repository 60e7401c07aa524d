"""Zips of artifacts: `Butler.retrieve_artifacts_zip` and `Butler.ingest_zip`.

A Zip holds the files of some datasets, flattened to
``<dataset id>-<file name>``, and ``_butler_zip_index.json``, upstream's
index (version ``V1``)::

    {"index_version": "V1",
     "refs": {"container_version": "V1", "universe_version": 7,
              "universe_namespace": "daf_butler",
              "dataset_types": {name: SerializedDatasetType},
              "compact_refs": {uuid: {"dataset_type_name", "run", "data_id"}}},
     "artifact_map": {member: {"info": {"formatter", "path", "storage_class",
                                        "component", "checksum", "file_size"},
                               "ids": [uuid, ...]}}}

The Zip's name is ``uuid5(NS, ",".join(sorted(members))) + ".zip"``. The index
holds data IDs (required values) but no dimension records: the records must
already be in the repository that ingests the Zip.
"""

from __future__ import annotations

__all__ = ["ZIP_INDEX_NAME", "ingest_zip", "read_zip_index", "retrieve_artifacts_zip", "zip_name"]

import contextlib
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourceError, ResourcePath

from ._butler_ingest import ingesting_datastore
from ._dataset_ref import DatasetRef
from ._dataset_type import DatasetType
from ._uuid import NS_UUID
from .errors import (
    ButlerError,
    ConflictingDefinitionError,
    FileNotFoundInDatastoreError,
    IncompatibleUniverseError,
    MissingDatasetTypeError,
    MissingDimensionRecordError,
    ZipIndexError,
)

if TYPE_CHECKING:
    from ._butler import Butler
    from .datastores import StoredFileInfo

ZIP_INDEX_NAME = "_butler_zip_index.json"
"""Name of the index member of a Zip of artifacts."""


def zip_name(members: Iterable[str]) -> str:
    """Return the file name of a Zip holding these members (upstream's recipe)."""
    return str(uuid.uuid5(NS_UUID, ",".join(sorted(members)))) + ".zip"


def _member_name(ref_id: uuid.UUID, path: str) -> str:
    from .datastores.file._zip import split_zip_path

    split = split_zip_path(path)
    base = os.path.basename(split[1] if split else path.split("#")[0])
    prefix = f"{ref_id}-"
    return base if base.startswith(prefix) else prefix + base


def retrieve_artifacts_zip(
    butler: Butler, refs: Iterable[DatasetRef], destination: str | ResourcePath, overwrite: bool
) -> ResourcePath:
    """Write one Zip of the datasets' files and their index; see `Butler.retrieve_artifacts_zip`.

    Raises
    ------
    FileNotFoundInDatastoreError
        A dataset has no file in the datastore (nothing is written).
    FileExistsError
        The Zip exists and ``overwrite`` is false.
    """
    from .datastores.file._formatter_names import exported_formatter_name

    wanted = list(dict.fromkeys(refs))
    datastore = ingesting_datastore(butler.datastore)
    infos = datastore._infos(wanted)
    missing = [str(ref) for ref in wanted if not infos.get(ref.id)]
    if missing:
        raise FileNotFoundInDatastoreError(
            f"{len(missing)} dataset(s) have no file in the datastore, e.g. {missing[0]}; "
            "remove them from the list (only stored datasets can go into a Zip)."
        )
    artifacts: dict[str, dict[str, Any]] = {}
    sources: dict[str, StoredFileInfo] = {}
    by_path: dict[str, str] = {}
    for ref in wanted:
        for info in infos[ref.id]:
            member = by_path.get(info.path) or _member_name(ref.id, info.path)
            by_path[info.path] = member
            entry = artifacts.get(member)
            if entry is None:
                sources[member] = info
                entry = artifacts[member] = {
                    "info": {
                        "formatter": exported_formatter_name(info.formatter),
                        "path": member,
                        "storage_class": info.storage_class,
                        "component": info.component,
                        "checksum": info.checksum,
                        "file_size": info.file_size,
                    },
                    "ids": [],
                }
            if str(ref.id) not in entry["ids"]:
                entry["ids"].append(str(ref.id))
    index = _index(butler, wanted, artifacts)
    name = zip_name(artifacts)
    directory = ResourcePath(destination, forceDirectory=True)
    target = directory.join(name, forceDirectory=False)
    if not overwrite and target.exists():
        raise FileExistsError(f"The Zip {target} exists; pass overwrite=True to replace it.")
    with tempfile.TemporaryDirectory() as scratch:
        local = os.path.join(scratch, name)
        with zipfile.ZipFile(local, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, info in sources.items():
                with _artifact(datastore, info) as path:
                    archive.write(path, member)
            archive.writestr(ZIP_INDEX_NAME, json.dumps(index, indent=1))
        if target.isLocal:
            directory.mkdir()
            partial = os.path.join(directory.ospath, f".{name}.partial")
            shutil.move(local, partial)
            os.replace(partial, target.ospath)  # a failed write leaves no partial Zip
        else:
            target.transfer_from(ResourcePath(local), transfer="copy", overwrite=True)
    return target


@contextlib.contextmanager
def _artifact(datastore: Any, info: StoredFileInfo) -> Any:
    """Yield a local path holding the bytes of a recorded file (a member, a remote file)."""
    from .datastores.file._zip import split_zip_path

    split = split_zip_path(info.path)
    if split is None:
        with datastore._reader.uri(info).as_local() as local:
            yield local.ospath
        return
    zip_path, member = split
    holder = type(info)(info.dataset_id, zip_path, info.formatter, info.storage_class)
    with (
        datastore._reader.uri(holder).as_local() as local,
        zipfile.ZipFile(local.ospath) as zf,
        tempfile.TemporaryDirectory() as scratch,
    ):
        path = os.path.join(scratch, os.path.basename(member))
        with zf.open(member) as source, open(path, "wb") as out:
            shutil.copyfileobj(source, out)
        yield path


def _index(
    butler: Butler, refs: list[DatasetRef], artifacts: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    universe = butler.dimensions
    dataset_types = {ref.datasetType.name: ref.datasetType.to_simple() for ref in refs}
    compact = {
        str(ref.id): {
            "dataset_type_name": ref.datasetType.name,
            "run": ref.run,
            "data_id": dict(ref.dataId.required),
        }
        for ref in refs
    }
    return {
        "index_version": "V1",
        "refs": {
            "container_version": "V1",
            "universe_version": universe.version,
            "universe_namespace": universe.namespace,
            "dataset_types": dataset_types,
            "compact_refs": compact,
        },
        "artifact_map": artifacts,
    }


def read_zip_index(zip_uri: ResourcePath) -> tuple[dict[str, Any], set[str]]:
    """Return the index of a Zip of artifacts and the names of its members.

    Raises
    ------
    ZipIndexError
        The file is missing, not a Zip, has no index, or its index is damaged.
    """
    try:
        with zip_uri.as_local() as local, zipfile.ZipFile(local.ospath) as archive:
            names = set(archive.namelist())
            if ZIP_INDEX_NAME not in names:
                raise ZipIndexError(
                    f"{zip_uri} holds no {ZIP_INDEX_NAME}; only Zips written by "
                    "retrieve_artifacts_zip (or upstream's butler) can be ingested."
                )
            raw = archive.read(ZIP_INDEX_NAME)
    except (OSError, ResourceError, zipfile.BadZipFile) as exc:
        raise ZipIndexError(
            f"Cannot read {zip_uri} as a Zip ({exc}); check the path, or write the Zip again."
        ) from exc
    try:
        index = json.loads(raw)
        refs = index["refs"]
        versions = (index["index_version"], refs["container_version"])
        missing = {"universe_version", "universe_namespace", "dataset_types", "compact_refs"}
        missing -= set(refs)
        if missing:
            raise KeyError(sorted(missing)[0])
        artifacts = index["artifact_map"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ZipIndexError(
            f"The {ZIP_INDEX_NAME} of {zip_uri} is damaged ({exc!r} is wrong or missing); "
            "write the Zip again."
        ) from None
    if versions != ("V1", "V1"):
        raise ZipIndexError(
            f"The index of {zip_uri} has version {versions}; only V1 is understood. "
            "Write the Zip with a matching butler version."
        )
    absent = sorted(set(artifacts) - names)
    if absent:
        raise ZipIndexError(
            f"{zip_uri} lacks {len(absent)} member(s) its index names, e.g. {absent[0]!r}; "
            "the Zip is damaged: write it again."
        )
    return index, names


def _refs(butler: Butler, index: dict[str, Any], where: ResourcePath) -> list[DatasetRef]:
    refs = index["refs"]
    universe = butler.dimensions
    if (refs["universe_namespace"], refs["universe_version"]) != (
        universe.namespace,
        universe.version,
    ):
        raise IncompatibleUniverseError(
            f"{where} was written with dimension universe {refs['universe_namespace']!r} version "
            f"{refs['universe_version']}, but this repository uses {universe.namespace!r} "
            f"version {universe.version}; data IDs would not mean the same. Transfer through "
            "export/import instead, which migrates records between universe versions."
        )
    try:
        types = {
            name: DatasetType.from_simple(simple, universe=universe)
            for name, simple in refs["dataset_types"].items()
        }
        return [
            DatasetRef(types[c["dataset_type_name"]], c["data_id"], c["run"], id=uuid.UUID(key))
            for key, c in refs["compact_refs"].items()
        ]
    except ButlerError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ZipIndexError(
            f"The refs of the {ZIP_INDEX_NAME} of {where} are damaged ({exc!r} is wrong or "
            "missing); write the Zip again."
        ) from None


def _check_dataset_types(butler: Butler, refs: list[DatasetRef]) -> list[DatasetType]:
    """Return the dataset types to register; refuse definitions that conflict."""
    new = []
    for dataset_type in {ref.datasetType.name: ref.datasetType for ref in refs}.values():
        try:
            known = butler._registry.getDatasetType(dataset_type.name)
        except MissingDatasetTypeError:
            new.append(dataset_type)
            continue
        if known != dataset_type:
            raise ConflictingDefinitionError(
                f"The Zip defines dataset type {dataset_type} but the repository has {known}; "
                "remove or rename one of them before ingesting."
            )
    return new


def ingest_zip(
    butler: Butler,
    zip: str | ResourcePath,
    transfer: str | None,
    *,
    transfer_dimensions: bool,
    dry_run: bool,
    skip_existing: bool,
) -> list[DatasetRef]:
    """Ingest a Zip of artifacts; see `Butler.ingest_zip`.

    Raises
    ------
    ZipIndexError
        The Zip or its index is damaged.
    IncompatibleUniverseError
        The Zip was written in another dimension universe.
    ConflictingDefinitionError
        A dataset type differs from the repository's, or a dataset exists
        and ``skip_existing`` is false.
    MissingDimensionRecordError
        A data ID has no dimension record in the repository.
    """
    from .datastores import StoredFileInfo
    from .datastores.file._formatter_names import imported_formatter_name
    from .datastores.file._zip import store_zip

    where = ResourcePath(zip, forceDirectory=False)
    index, _ = read_zip_index(where)
    refs = _refs(butler, index, where)
    new_types = _check_dataset_types(butler, refs)
    registry = butler._registry
    existing = registry._managers.datasets.known_ids(ref.id for ref in refs) if refs else set()
    if existing and not skip_existing:
        shown = [str(ref) for ref in refs if ref.id in existing][:3]
        raise ConflictingDefinitionError(
            f"{len(existing)} dataset(s) of {where} are already registered, e.g. {shown}; "
            "pass skip_existing=True to ingest only the others."
        )
    todo = [ref for ref in refs if ref.id not in existing]
    if dry_run or not todo:
        return todo
    wanted = {ref.id for ref in todo}
    infos = [
        StoredFileInfo(
            dataset_id=uuid.UUID(ref_id),
            path=member,
            formatter=imported_formatter_name(entry["info"]["formatter"]),
            storage_class=entry["info"]["storage_class"],
            component=entry["info"].get("component"),
            checksum=entry["info"].get("checksum"),
            file_size=entry["info"].get("file_size"),
        )
        for member, entry in index["artifact_map"].items()
        for ref_id in entry["ids"]
        if uuid.UUID(ref_id) in wanted
    ]
    datastore = ingesting_datastore(butler.datastore)
    with butler.transaction():
        for dataset_type in new_types:
            registry.registerDatasetType(dataset_type)
        for run in dict.fromkeys(ref.run for ref in todo):
            registry.registerRun(run)
        try:
            imported = registry._importDatasets(todo)
        except MissingDimensionRecordError as exc:
            raise MissingDimensionRecordError(
                f"{exc} A Zip holds data IDs but no dimension records, so transfer_dimensions "
                "has none to transfer; insert or import the records (butler import of an export "
                "holding them, or Butler.transfer_dimension_records_from) and ingest again. "
                "Nothing was ingested."
            ) from exc
        store_zip(datastore, where, zip_name(index["artifact_map"]), infos, transfer)
    return imported
