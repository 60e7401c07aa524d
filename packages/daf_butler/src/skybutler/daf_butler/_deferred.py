"""`DeferredDatasetHandle`: a dataset to be read later, perhaps only in part."""

from __future__ import annotations

__all__ = ["DeferredDatasetHandle"]

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._dataset_ref import DatasetRef
    from ._storage_class import StorageClass
    from .dimensions import DataCoordinate


class DeferredDatasetHandle:
    """A found dataset whose reading waits until `get` is called.

    Parameters
    ----------
    butler
        Anything with a ``get(ref, parameters=, storageClass=)`` method.
    ref
        The dataset.
    parameters
        Read parameters applied by every `get` (merged with those given there).
    storageClass
        Storage class to convert to on read.
    """

    def __init__(
        self,
        butler: Any,
        ref: DatasetRef,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> None:
        self.butler = butler
        self.ref = ref
        self.parameters = dict(parameters or {})
        self.storageClass = storageClass

    @property
    def dataId(self) -> DataCoordinate:
        """The data ID of the dataset."""
        return self.ref.dataId

    def get(
        self,
        *,
        component: str | None = None,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> Any:
        """Read the dataset, or one of its components.

        Parameters
        ----------
        component
            Read only this component.
        parameters
            Read parameters, added to (and overriding) the handle's own.
        storageClass
            Convert to this storage class (default: the handle's).
        """
        ref = self.ref.makeComponentRef(component) if component else self.ref
        merged = {**self.parameters, **(parameters or {})}
        return self.butler.get(
            ref,
            parameters=merged or None,
            storageClass=storageClass if storageClass is not None else self.storageClass,
        )

    def __repr__(self) -> str:
        return f"DeferredDatasetHandle({self.ref})"
