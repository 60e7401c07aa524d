"""Moving datasets between repositories and out of them.

- `transfer_from`: datasets of another Butler, with the dimension records
  (including elements populated by their dimensions, such as
  ``visit_detector_region``), dataset types and runs they need; dataset
  IDs are kept, so a dataset transferred twice is skipped the second time.
- `transfer_dimension_records_from`: only the records.
- `retrieve_artifacts`: copies of the files, in a directory.
"""

from __future__ import annotations

__all__ = [
    "check_universes",
    "retrieve_artifacts",
    "transfer_dimension_records_from",
    "transfer_from",
]

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath

from . import _progress as progress
from .datastores.file._zip import ZIP_FRAGMENT, opened_zip
from .errors import (
    ConflictingDefinitionError,
    DatasetTypeError,
    IncompatibleUniverseError,
    MissingDatasetTypeError,
    RepoTransferError,
)

if TYPE_CHECKING:
    from ._butler import Butler
    from ._dataset_ref import DatasetRef
    from .dimensions import DataCoordinate, DimensionRecord

_RETRIEVE_MODES = ("auto", "copy", "link", "symlink", "relsymlink", "hardlink")


def check_universes(target: Butler, source: Butler) -> None:
    """Refuse a transfer between repositories of different dimension universes.

    Raises
    ------
    IncompatibleUniverseError
        The namespaces or versions differ.
    """
    mine, theirs = target.dimensions, source.dimensions
    if (mine.namespace, mine.version) != (theirs.namespace, theirs.version):
        raise IncompatibleUniverseError(
            f"Cannot transfer from a repository of dimension universe {theirs.namespace!r} "
            f"version {theirs.version} to one of {mine.namespace!r} version {mine.version}: "
            "data IDs would not mean the same. Export and import instead, which migrates "
            "records between universe versions."
        )


def _records(source: Butler, data_ids: Iterable[DataCoordinate]) -> dict[str, list[Any]]:
    """Return the records the data IDs need in the source, with populated-by elements."""
    manager = source._registry._managers.dimensions
    universe = source.dimensions
    wanted: dict[str, dict[Any, DimensionRecord]] = {}

    def add(expanded: Iterable[DataCoordinate]) -> None:
        for data_id in expanded:
            for name, record in data_id.records.items():
                if record is not None:
                    wanted.setdefault(name, {})[tuple(record.dataId.required.values())] = record

    distinct = list(dict.fromkeys(data_ids))
    add(manager.expand_data_ids(distinct))
    extra: list[DataCoordinate] = []
    for name in list(wanted):
        for populated in universe.get_elements_populated_by(name):
            for record in wanted[name].values():
                keys = dict(record.dataId.required)
                found = manager.fetch(populated, where=keys)
                for row in found:
                    wanted.setdefault(populated.name, {})[tuple(row.dataId.required.values())] = row
                    extra.append(row.dataId)
    add(manager.expand_data_ids(extra))
    return {name: list(rows.values()) for name, rows in wanted.items()}


def transfer_dimension_records_from(target: Butler, source: Butler, refs: Iterable[Any]) -> None:
    """Copy the dimension records that datasets (or data IDs) need; existing ones are kept.

    Raises
    ------
    IncompatibleUniverseError
        The repositories' universes differ.
    """
    check_universes(target, source)
    data_ids = [getattr(ref, "dataId", ref) for ref in refs]
    records = _records(source, data_ids)
    registry = target._registry
    elements = [
        e for e in target.dimensions.sorted(target.dimensions[n] for n in records) if e.hasTable()
    ]
    total = sum(len(records[e.name]) for e in elements)
    with (
        target.transaction(),
        progress.bar(desc="Transferring dimension records", total=total) as bar,
    ):
        for element in elements:
            registry.insertDimensionData(element, *records[element.name], skip_existing=True)
            bar.update(len(records[element.name]))


def _dataset_types(target: Butler, refs: list[DatasetRef], register: bool) -> None:
    registry = target._registry
    by_name = {ref.datasetType.name: ref.datasetType for ref in refs}
    for name, dataset_type in by_name.items():
        try:
            known = registry.getDatasetType(name)
        except MissingDatasetTypeError:
            if not register:
                raise MissingDatasetTypeError(
                    f"Dataset type {name!r} is not registered in the target repository; "
                    "register it first or pass register_dataset_types=True."
                ) from None
            registry.registerDatasetType(dataset_type)
            continue
        if not known.is_compatible_with(dataset_type):
            raise ConflictingDefinitionError(
                f"Dataset type {name!r} differs between the repositories: {known} in the target, "
                f"{dataset_type} in the source."
            )


def transfer_from(
    target: Butler,
    source: Butler,
    source_refs: Iterable[DatasetRef],
    *,
    transfer: str = "auto",
    skip_missing: bool = True,
    register_dataset_types: bool = False,
    transfer_dimensions: bool = False,
    dry_run: bool = False,
) -> list[DatasetRef]:
    """Copy datasets from another repository; see `Butler.transfer_from`.

    Raises
    ------
    IncompatibleUniverseError
        The repositories' universes differ.
    MissingDatasetTypeError
        A dataset type is missing and ``register_dataset_types`` is false.
    ConflictingDefinitionError
        A dataset type differs between the repositories, or the target
        holds another dataset with the same type, data ID and run.
    """
    check_universes(target, source)
    refs = list({ref.id: ref for ref in source_refs}.values())
    for ref in refs:
        if ref.isComponent():
            raise DatasetTypeError(f"Cannot transfer component {ref}; transfer its parent.")
    if skip_missing and source._datastore is not None:
        known = source._datastore.knows_these(refs)
        refs = [ref for ref in refs if known[ref]]
    registry = target._registry
    present = registry._managers.datasets.known_ids(r.id for r in refs)
    new = [ref for ref in refs if ref.id not in present]
    if dry_run:
        check = [ref.datasetType.name for ref in new]
        if not register_dataset_types:
            for name in dict.fromkeys(check):
                registry.getDatasetType(name)
        return new
    if not new:
        return []
    with target.transaction():
        _dataset_types(target, new, register_dataset_types)
        if transfer_dimensions:
            transfer_dimension_records_from(target, source, new)
        for run in dict.fromkeys(ref.run for ref in new):
            registry.registerRun(run)
        registry._importDatasets(new)
        if target._datastore is not None and source._datastore is not None:
            target._datastore.transfer_from(source._datastore, new, transfer=transfer)
    return new


def retrieve_artifacts(
    butler: Butler,
    refs: Iterable[DatasetRef],
    destination: str | ResourcePath,
    *,
    transfer: str = "auto",
    preserve_path: bool = True,
    overwrite: bool = False,
) -> list[ResourcePath]:
    """Copy the files of datasets into a directory; see `Butler.retrieveArtifacts`.

    Raises
    ------
    RepoTransferError
        The transfer mode is not allowed, or a destination exists and
        ``overwrite`` is false (nothing is copied then).
    FileNotFoundInDatastoreError
        A dataset is not stored.
    """
    if transfer not in _RETRIEVE_MODES:
        raise RepoTransferError(
            f"Transfer mode {transfer!r} cannot be used to retrieve artifacts; use one of "
            f"{list(_RETRIEVE_MODES)}."
        )
    directory = ResourcePath(destination, forceDirectory=True)
    datastore = butler.datastore
    roots = [root for root in datastore.roots().values() if root is not None]
    # Target -> (source file, member name when the source is a member of a stored Zip).
    targets: dict[ResourcePath, tuple[ResourcePath, str | None]] = {}
    for ref in refs:
        primary, components = datastore.getURIs(ref)
        for uri in [primary, *components.values()] if primary else components.values():
            fragment = uri.unquoted_fragment
            marker = ZIP_FRAGMENT.removeprefix("#")
            member = fragment.removeprefix(marker) if fragment.startswith(marker) else None
            source = uri.replace(fragment="") if member is not None else uri
            if preserve_path:
                relative = None
                for root in roots:
                    relative = source.relative_to(root)
                    if relative is not None:
                        break
                if relative is None:
                    relative = source.path.lstrip("/")
                if member is not None:
                    relative = f"{relative.removesuffix('.zip')}/{member}"
            else:
                relative = member if member is not None else source.basename()
            targets.setdefault(directory.join(relative, forceDirectory=False), (source, member))
    if not overwrite:
        existing = [str(t) for t, there in ResourcePath.mexists(targets).items() if there]
        if existing:
            raise RepoTransferError(
                f"{len(existing)} file(s) already exist in {directory}, e.g. {existing[0]}; "
                "pass overwrite=True to replace them."
            )
    members: dict[ResourcePath, list[tuple[ResourcePath, str]]] = {}
    for target_uri, (uri, member) in progress.iterate(
        targets.items(), desc="Retrieving artifacts", total=len(targets)
    ):
        if member is None:
            target_uri.transfer_from(uri, transfer=transfer, overwrite=overwrite)
        else:
            members.setdefault(uri, []).append((target_uri, member))
    for zip_uri, wanted in members.items():
        # Members come out as files of their own, whatever the transfer mode.
        with opened_zip(zip_uri) as archive:
            for target_uri, member in wanted:
                target_uri.write(archive.read(member), overwrite=overwrite)
    return list(targets)
