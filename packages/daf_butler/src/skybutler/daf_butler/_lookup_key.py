"""`LookupKey`: one candidate key when looking up per-dataset configuration."""

from __future__ import annotations

__all__ = ["LookupKey"]

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dimensions import DimensionGroup, DimensionUniverse


class LookupKey:
    """A key matched against datastore configuration (formatters, templates, ...).

    A key names a dataset type or storage class, or gives a set of dimensions;
    it may be restricted to one instrument (``instrument<HSC>`` scoping).

    Parameters
    ----------
    name
        Dataset type or storage class name.
    dimensions
        Dimensions to match instead of a name (a group, or names plus
        ``universe``).
    dataId
        Restriction to data IDs with these values (``{"instrument": "HSC"}``).
    universe
        Universe used when ``dimensions`` are names.
    """

    __slots__ = ("_data_id", "_dimensions", "_name")

    def __init__(
        self,
        name: str | None = None,
        dimensions: DimensionGroup | Iterable[str] | None = None,
        dataId: Mapping[str, Any] | None = None,
        *,
        universe: DimensionUniverse | None = None,
    ) -> None:
        from .dimensions import DimensionGroup, DimensionUniverse

        if (name is None) == (dimensions is None):
            raise ValueError("A LookupKey needs exactly one of a name or dimensions.")
        if dimensions is not None and not isinstance(dimensions, DimensionGroup):
            dimensions = (universe or DimensionUniverse()).conform(dimensions)
        self._name = name
        self._dimensions: DimensionGroup | None = dimensions
        self._data_id: tuple[tuple[str, Any], ...] = tuple(sorted((dataId or {}).items()))

    @property
    def name(self) -> str | None:
        """The dataset type or storage class name, if this is a name key."""
        return self._name

    @property
    def dimensions(self) -> DimensionGroup | None:
        """The dimensions, if this is a dimensions key."""
        return self._dimensions

    @property
    def dataId(self) -> dict[str, Any]:
        """The data ID restriction (empty when unrestricted)."""
        return dict(self._data_id)

    def clone(
        self,
        name: str | None = None,
        dimensions: DimensionGroup | None = None,
        dataId: Mapping[str, Any] | None = None,
    ) -> LookupKey:
        """Return a copy with some attributes replaced."""
        if name is None and dimensions is None:
            name, dimensions = self._name, self._dimensions
        return LookupKey(name, dimensions, self.dataId if dataId is None else dataId)

    def __str__(self) -> str:
        base = self._name if self._name is not None else "+".join(self._dimensions or ())
        scope = "".join(f"{k}<{v}>" for k, v in self._data_id)
        return f"{scope}{base}" if not scope else f"{base} ({scope})"

    def __repr__(self) -> str:
        return (
            f"LookupKey(name={self._name!r}, dimensions={self._dimensions}, dataId={self.dataId})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LookupKey):
            return NotImplemented
        return (self._name, self._dimensions, self._data_id) == (
            other._name,
            other._dimensions,
            other._data_id,
        )

    def __hash__(self) -> int:
        return hash((self._name, self._dimensions, self._data_id))
