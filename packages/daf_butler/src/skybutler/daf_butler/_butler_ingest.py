"""`Butler.ingest`: register files written elsewhere as datasets, in one transaction.

The registry side lives here; the datastore side (checking and transferring
the files) in ``datastores/file/_ingest.py``. Everything happens in one
`Butler.transaction`: a missing or unreadable file, a dataset already
registered, or a transfer that fails half-way leaves neither registry rows
nor files.
"""

from __future__ import annotations

__all__ = ["ingest", "ingesting_datastore"]

from typing import TYPE_CHECKING, Any

from .errors import ConflictingDefinitionError, DatastoreError

if TYPE_CHECKING:
    from ._butler import Butler
    from ._dataset_ref import DatasetRef
    from .transfers import FileDataset


def ingesting_datastore(datastore: Any) -> Any:
    """Return the datastore (or first member of a chain) that can ingest files.

    Raises
    ------
    DatastoreError
        No datastore of the repository can ingest files.
    """
    if hasattr(datastore, "ingest"):
        return datastore
    for member in getattr(datastore, "datastores", ()):
        found = ingesting_datastore(member) if member is not datastore else None
        if found is not None:
            return found
    raise DatastoreError(
        f"Datastore {datastore.name!r} cannot ingest files (only file datastores can); "
        "configure a file datastore for the repository."
    )


def ingest(
    butler: Butler,
    datasets: tuple[FileDataset, ...],
    *,
    transfer: str | None = "auto",
    record_validation_info: bool = True,
    skip_existing: bool = False,
) -> list[DatasetRef]:
    """Register datasets and store their files; see `Butler.ingest`.

    Raises
    ------
    ConflictingDefinitionError
        A dataset ID is already registered (and ``skip_existing`` is false),
        or is given twice.
    IngestFileError
        A file is missing, unreadable or cannot be transferred.
    """
    target = ingesting_datastore(butler.datastore)
    registry = butler._registry
    refs = [ref for dataset in datasets for ref in dataset.refs]
    seen: set[Any] = set()
    repeated = []
    for ref in refs:
        if ref.id in seen:
            repeated.append(str(ref))
        seen.add(ref.id)
    if repeated:
        raise ConflictingDefinitionError(
            f"Datasets {repeated[:3]} are given more than once; give each dataset ID once."
        )
    if not refs:
        return []
    with butler.transaction():
        existing = registry._managers.datasets.known_ids(r.id for r in refs)
        if existing and not skip_existing:
            shown = [str(ref) for ref in refs if ref.id in existing][:3]
            raise ConflictingDefinitionError(
                f"{len(existing)} of the datasets to ingest are already registered, e.g. "
                f"{shown}; pass skip_existing=True to ingest only the others."
            )
        todo = list(datasets)
        if existing:
            kept = [d for d in datasets if not all(ref.id in existing for ref in d.refs)]
            todo = [
                type(d)(d.path, [r for r in d.refs if r.id not in existing], d.formatter)
                for d in kept
            ]
        new = [ref for dataset in todo for ref in dataset.refs]
        for run in dict.fromkeys(ref.run for ref in new):
            registry.registerRun(run)
        registry._importDatasets(new)
        if todo:
            target.ingest(*todo, transfer=transfer, record_validation_info=record_validation_info)
    return new
