"""Spatial and temporal families of dimension elements.

A family groups elements whose regions (or timespans) describe the same kind
of thing at different precision; when several members are present in a set
of dimensions, queries use the first (finest) one.
"""

from __future__ import annotations

__all__ = [
    "DatabaseTopologicalFamily",
    "SkyPixSystem",
    "TopologicalFamily",
    "TopologicalSpace",
]

import enum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._elements import DimensionElement, SkyPixDimension
    from ._group import DimensionGroup


class TopologicalSpace(enum.Enum):
    """The kind of relationship a family describes."""

    SPATIAL = enum.auto()
    TEMPORAL = enum.auto()


class TopologicalFamily:
    """A named, ordered group of elements related in one space.

    Parameters
    ----------
    name
        Family name from the universe topology.
    space
        Whether the members have regions or timespans.
    """

    def __init__(self, name: str, space: TopologicalSpace) -> None:
        self._name = name
        self._space = space
        self._members: tuple[DimensionElement, ...] = ()

    @property
    def name(self) -> str:
        """Family name."""
        return self._name

    @property
    def space(self) -> TopologicalSpace:
        """The space of the family."""
        return self._space

    @property
    def members(self) -> tuple[DimensionElement, ...]:
        """Members, preferred (finest) first."""
        return self._members

    def choose(self, dimensions: DimensionGroup) -> DimensionElement:
        """Return the preferred member whose dimensions are all in ``dimensions``.

        Raises
        ------
        LookupError
            If no member of the family is in the group.
        """
        elements = dimensions.elements
        for member in self._members:
            if member.name in elements:
                return member
        raise LookupError(f"No member of family {self._name!r} is in {dimensions}.")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r}, {[m.name for m in self._members]})"

    def __hash__(self) -> int:
        return hash((self._name, self._space))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TopologicalFamily):
            return self is other or (
                self._name == other._name
                and self._space == other._space
                and [m.name for m in self._members] == [m.name for m in other._members]
            )
        return NotImplemented


class DatabaseTopologicalFamily(TopologicalFamily):
    """A family of database elements declared in the universe's ``topology`` section."""

    @property
    def governor(self) -> DimensionElement | None:
        """The governor shared by every member."""
        return self._members[0].governor if self._members else None


class SkyPixSystem(TopologicalFamily):
    """A hierarchical pixelization of the sky, with one dimension per level.

    Parameters
    ----------
    name
        System name, e.g. ``htm``.
    class_name
        Name of the sphgeom pixelization class (a dotted path is reduced to its
        final component, so upstream's ``lsst.sphgeom.HtmPixelization`` works).
    min_level, max_level
        Range of levels that get a dimension.
    """

    def __init__(self, name: str, class_name: str, min_level: int, max_level: int) -> None:
        super().__init__(name, TopologicalSpace.SPATIAL)
        self._class_name = class_name
        self.min_level = min_level
        self.max_level = max_level

    @property
    def class_name(self) -> str:
        """The pixelization class name as given in the universe file."""
        return self._class_name

    def __getitem__(self, level: int) -> SkyPixDimension:
        for member in self._members:
            if member.level == level:  # type: ignore[attr-defined]
                return member  # type: ignore[return-value]
        raise KeyError(
            f"Skypix system {self._name!r} has levels {self.min_level}..{self.max_level}, "
            f"not {level}."
        )

    def choose(self, dimensions: DimensionGroup) -> DimensionElement:
        """Return the finest level of this system present in ``dimensions``."""
        names = dimensions.names
        for member in reversed(self._members):
            if member.name in names:
                return member
        raise LookupError(f"No level of skypix system {self._name!r} is in {dimensions}.")

    def make_pixelization(self, level: int) -> Any:
        """Build the sphgeom pixelization object of one level."""
        from ..errors import RegionError
        from ..sphgeom import pixelization_class

        try:
            cls = pixelization_class(self._class_name)
        except RegionError as err:
            raise LookupError(
                f"Skypix system {self._name!r} names pixelization class {self._class_name!r}, "
                f"which is not available: {err}"
            ) from None
        return cls(level)
