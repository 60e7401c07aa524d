"""List, register and remove dataset types: the work behind the ``*-dataset-type*`` commands."""

from __future__ import annotations

__all__ = ["query_dataset_types", "register_dataset_type", "remove_dataset_types"]

from collections.abc import Iterable, Sequence
from typing import Any

from .._dataset_type import DatasetType
from ._repo import open_registry
from ._table import Table


def query_dataset_types(
    repo: str,
    glob: Sequence[str] = (),
    verbose: bool = False,
    collections: Sequence[str] = (),
) -> Table:
    """Return the dataset types of a repository matching names or globs.

    Parameters
    ----------
    repo
        The repository.
    glob
        Names and glob patterns; every dataset type when empty.
    verbose
        Add the (required) dimensions, storage class and calibration flag.
    collections
        Keep only dataset types with datasets in these collections (names
        or globs).
    """
    registry = open_registry(repo)
    try:
        expression: Any = list(glob) if glob else ...
        dataset_types = registry.queryDatasetTypes(expression)
        if collections:
            searched = registry.queryCollections(list(collections))
            dataset_types = [
                dt for dt in dataset_types if registry.queryCollections(searched, datasetType=dt)
            ]
        if not verbose:
            return Table(("Name",), tuple((dt.name,) for dt in dataset_types))
        return Table(
            ("Name", "Dimensions", "Storage Class", "Is Calibration"),
            tuple(
                (
                    dt.name,
                    ", ".join(dt.dimensions.required),
                    dt.storageClass_name,
                    str(dt.isCalibration()),
                )
                for dt in dataset_types
            ),
        )
    finally:
        registry.close()


def register_dataset_type(
    repo: str,
    dataset_type: str,
    storage_class: str,
    dimensions: Iterable[str] = (),
    is_calibration: bool = False,
) -> bool:
    """Register a dataset type; return `True` if it was new.

    Raises
    ------
    ConflictingDefinitionError
        Another definition of that name is registered.
    DatasetTypeError
        The name is invalid or names a component.
    MissingStorageClassError
        The storage class is unknown.
    DimensionNameError
        A dimension is not in the repository's universe.
    """
    registry = open_registry(repo, writeable=True)
    try:
        definition = DatasetType(
            dataset_type,
            list(dimensions),
            storage_class,
            universe=registry.dimensions,
            isCalibration=is_calibration,
        )
        definition.storageClass  # noqa: B018 -- a typo in the name fails here, not at first use
        return registry.registerDatasetType(definition)
    finally:
        registry.close()


def remove_dataset_types(repo: str, names: Sequence[str]) -> tuple[str, ...]:
    """Remove the dataset types matching names or globs; return the removed names.

    Names that match nothing are ignored, as upstream does.

    Raises
    ------
    OrphanedRecordError
        Datasets of a matched type exist; that type stays registered.
    """
    registry = open_registry(repo, writeable=True)
    try:
        matched = tuple(dt.name for dt in registry.queryDatasetTypes(list(names)))
        registry.removeDatasetType(tuple(names))
        return matched
    finally:
        registry.close()
