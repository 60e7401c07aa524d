"""A minimal image composite: `MaskedImage` (image, mask, variance, metadata) and `Box`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._storage_class_delegate import StorageClassDelegate
from ..errors import StorageClassComponentError, StorageClassParameterError

__all__ = ["Box", "MaskedImage", "MaskedImageDelegate"]


@dataclass(frozen=True)
class Box:
    """A rectangle of pixels, in array coordinates (``x`` is the column).

    Parameters
    ----------
    x0, y0
        First column and row.
    width, height
        Number of columns and rows.
    """

    x0: int
    y0: int
    width: int
    height: int

    def __post_init__(self) -> None:
        values = (self.x0, self.y0, self.width, self.height)
        if not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values):
            raise ValueError(f"Box corners and sizes must be integers, not {values!r}.")
        if self.width < 0 or self.height < 0:
            raise ValueError(
                f"Box sizes must not be negative: width={self.width}, height={self.height}."
            )

    @classmethod
    def from_shape(cls, shape: tuple[int, ...]) -> Box:
        """Return the box covering an array of this ``(rows, columns)`` shape."""
        return cls(0, 0, int(shape[1]), int(shape[0]))

    @property
    def x1(self) -> int:
        """One past the last column."""
        return self.x0 + self.width

    @property
    def y1(self) -> int:
        """One past the last row."""
        return self.y0 + self.height

    @property
    def slices(self) -> tuple[slice, slice]:
        """Row and column slices selecting the box from an array."""
        return slice(self.y0, self.y1), slice(self.x0, self.x1)

    def contains(self, other: Box) -> bool:
        """Return whether ``other`` lies entirely inside this box."""
        return (
            self.x0 <= other.x0
            and self.y0 <= other.y0
            and other.x1 <= self.x1
            and other.y1 <= self.y1
        )


@dataclass(frozen=True, eq=False)
class MaskedImage:
    """An image with a per-pixel mask, a variance plane and metadata.

    Parameters
    ----------
    image
        2-D pixel values.
    mask
        Integer (bit-plane) or boolean array of the same shape; default zeros.
    variance
        Variance of each pixel, same shape; default zeros.
    metadata
        Header-like mapping (copied).
    """

    image: np.ndarray
    mask: np.ndarray = None  # type: ignore[assignment]
    variance: np.ndarray = None  # type: ignore[assignment]
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        image = np.asarray(self.image)
        if image.ndim != 2:
            raise ValueError(f"A MaskedImage needs a 2-D image, not one of shape {image.shape}.")
        mask = np.zeros(image.shape, dtype=np.int32) if self.mask is None else np.asarray(self.mask)
        variance = (
            np.zeros(image.shape, dtype=np.float32)
            if self.variance is None
            else np.asarray(self.variance)
        )
        for label, plane in (("mask", mask), ("variance", variance)):
            if plane.shape != image.shape:
                raise ValueError(
                    f"The {label} has shape {plane.shape}; the image has shape {image.shape}."
                )
        if not (np.issubdtype(mask.dtype, np.integer) or mask.dtype == np.bool_):
            raise ValueError(f"The mask must hold integers or booleans, not {mask.dtype}.")
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "mask", mask)
        object.__setattr__(self, "variance", variance)
        object.__setattr__(self, "metadata", dict(self.metadata))

    @property
    def bbox(self) -> Box:
        """The box covering the whole image."""
        return Box.from_shape(self.image.shape)

    def subimage(self, bbox: Box) -> MaskedImage:
        """Return a copy of the pixels inside ``bbox`` (metadata is kept).

        Raises
        ------
        ValueError
            The box is not inside the image.
        """
        if not self.bbox.contains(bbox):
            raise ValueError(f"{bbox} is not inside the image bounds {self.bbox}.")
        rows, cols = bbox.slices
        return MaskedImage(
            self.image[rows, cols].copy(),
            self.mask[rows, cols].copy(),
            self.variance[rows, cols].copy(),
            self.metadata,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MaskedImage):
            return NotImplemented
        return (
            np.array_equal(self.image, other.image, equal_nan=self.image.dtype.kind in "fc")
            and np.array_equal(self.mask, other.mask)
            and np.array_equal(
                self.variance, other.variance, equal_nan=self.variance.dtype.kind in "fc"
            )
            and dict(self.metadata) == dict(other.metadata)
        )

    __hash__ = None  # type: ignore[assignment]


_PLANES = ("image", "variance", "mask")


class MaskedImageDelegate(StorageClassDelegate):
    """Delegate for `MaskedImage`: components, the ``bbox`` derived component and parameter.

    The ``bbox`` parameter (a `Box`) cuts out a sub-region; it applies to a
    whole `MaskedImage` or to one of its planes read on its own.
    """

    def getComponent(self, composite: Any, componentName: str) -> Any:
        """Return a component; ``bbox`` can also be computed from a single plane."""
        if componentName == "bbox" and isinstance(composite, np.ndarray):
            self._check_component(componentName)
            return Box.from_shape(composite.shape)
        return super().getComponent(composite, componentName)

    def handleParameters(
        self, inMemoryDataset: Any, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """Return the image (or plane) cut to the ``bbox`` parameter."""
        if not parameters:
            return inMemoryDataset
        self.storageClass.validateParameters(parameters)
        bbox = parameters.get("bbox")
        if bbox is None:
            return inMemoryDataset
        if not isinstance(bbox, Box):
            raise StorageClassParameterError(
                f"Parameter 'bbox' of storage class {self.storageClass.name!r} must be a "
                f"skybutler.daf_butler.types.Box, not {type(bbox).__name__} {bbox!r}."
            )
        if isinstance(inMemoryDataset, MaskedImage):
            bounds = inMemoryDataset.bbox
        elif isinstance(inMemoryDataset, np.ndarray) and inMemoryDataset.ndim == 2:
            bounds = Box.from_shape(inMemoryDataset.shape)
        else:
            raise StorageClassParameterError(
                "Parameter 'bbox' applies to a MaskedImage or a 2-D array, not a "
                f"{type(inMemoryDataset).__name__}."
            )
        if not bounds.contains(bbox):
            raise StorageClassParameterError(
                f"Parameter 'bbox' {bbox} is not inside the image bounds {bounds}; "
                "give a box within them."
            )
        if isinstance(inMemoryDataset, MaskedImage):
            return inMemoryDataset.subimage(bbox)
        rows, cols = bbox.slices
        return inMemoryDataset[rows, cols].copy()

    def selectResponsibleComponent(
        self,
        derivedComponent: str,
        fromComponents: Collection[str | None],
    ) -> str:
        """Return the plane to compute ``bbox`` from (image, else variance, else mask)."""
        if derivedComponent == "bbox":
            for plane in _PLANES:
                if plane in fromComponents:
                    return plane
        raise StorageClassComponentError(
            f"Storage class {self.storageClass.name!r} cannot compute {derivedComponent!r} from "
            f"{sorted(c for c in fromComponents if c)}; 'bbox' needs one of {list(_PLANES)}."
        )
