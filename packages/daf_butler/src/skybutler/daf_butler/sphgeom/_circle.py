"""Circles (spherical caps)."""

from __future__ import annotations

__all__ = ["Circle"]

import math
import struct
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InvalidRegionEncodingError, RegionError
from ._angle import HALF_PI, TWO_PI, Angle
from ._geometry import BoolArray, FloatArray, caps_vs_cap, polygons_vs_cap
from ._region import Region, Relationship, check_finite, check_length
from ._vector import LonLat, UnitVector3d

if TYPE_CHECKING:
    from ._box import Box

_EMPTY_SCL = -1.0
_FULL_SCL = 4.0


class Circle(Region):
    """The points within an opening angle of a center: a spherical cap.

    Parameters
    ----------
    center
        Center of the circle.
    radius
        Opening angle as an `Angle`, or (as in sphgeom) a plain number
        meaning the squared chord length ``4 sin²(angle / 2)``. Omitted: a
        circle holding only ``center``.

    Notes
    -----
    A negative radius gives the empty circle; an angle of π or more the full
    sphere. The squared chord length is what containment tests use.
    """

    __slots__ = ("_center", "_opening", "_scl")

    TYPE_CODE = 0x63

    _center: FloatArray
    _scl: float
    _opening: float

    def __init__(self, center: UnitVector3d, radius: Angle | float = 0.0):
        if isinstance(radius, Angle):
            opening = radius.asRadians()
            scl = Circle.squaredChordLengthFor(radius)
        else:
            scl = float(radius)
            opening = Circle.openingAngleFor(scl).asRadians()
        if math.isnan(opening) or math.isnan(scl):
            raise RegionError(f"A circle radius must be a number, not {radius!r}.")
        self._center = np.array([center.x(), center.y(), center.z()])
        self._set_radius(scl, opening)

    def _set_radius(self, scl: float, opening: float) -> None:
        if scl < 0.0 or opening < 0.0:
            scl, opening = _EMPTY_SCL, -1.0
        elif scl >= _FULL_SCL or opening >= math.pi:
            scl, opening = _FULL_SCL, math.pi
        self._scl = scl
        self._opening = opening

    @classmethod
    def _from_arrays(cls, center: FloatArray, opening: float) -> Circle:
        circle = object.__new__(cls)
        circle._center = np.asarray(center, dtype=np.float64)
        circle._set_radius(4.0 * math.sin(0.5 * opening) ** 2 if opening >= 0 else -1.0, opening)
        return circle

    @classmethod
    def empty(cls) -> Circle:
        """Return the empty circle."""
        return cls._from_arrays(np.array([0.0, 0.0, 1.0]), -1.0)

    @classmethod
    def full(cls) -> Circle:
        """Return the circle covering the whole sphere."""
        return cls._from_arrays(np.array([0.0, 0.0, 1.0]), math.pi)

    @staticmethod
    def squaredChordLengthFor(angle: Angle) -> float:
        """Return the squared chord length of an opening angle."""
        rad = angle.asRadians()
        if rad < 0.0:
            return _EMPTY_SCL
        if rad >= math.pi:
            return _FULL_SCL
        return 4.0 * math.sin(0.5 * rad) ** 2

    @staticmethod
    def openingAngleFor(squaredChordLength: float) -> Angle:
        """Return the opening angle of a squared chord length."""
        if squaredChordLength < 0.0:
            return Angle(-1.0)
        if squaredChordLength >= _FULL_SCL:
            return Angle(math.pi)
        return Angle(2.0 * math.asin(0.5 * math.sqrt(squaredChordLength)))

    def getCenter(self) -> UnitVector3d:
        """Return the center."""
        return UnitVector3d._raw(*self._center.tolist())

    def getOpeningAngle(self) -> Angle:
        """Return the opening angle (negative if empty)."""
        return Angle(self._opening)

    def getSquaredChordLength(self) -> float:
        """Return the squared chord length (negative if empty)."""
        return self._scl

    def isEmpty(self) -> bool:
        """Return whether the circle holds no point."""
        return self._scl < 0.0

    def isFull(self) -> bool:
        """Return whether the circle covers the whole sphere."""
        return self._scl >= _FULL_SCL

    def dilatedBy(self, angle: Angle) -> Circle:
        """Return the circle with the opening angle grown by ``angle`` (if not empty)."""
        if self.isEmpty():
            return self
        return Circle._from_arrays(self._center, self._opening + angle.asRadians())

    def _contains_points(self, points: FloatArray) -> BoolArray:
        if self.isEmpty():
            return np.zeros(len(points), dtype=bool)
        if self.isFull():
            return np.ones(len(points), dtype=bool)
        delta = points - self._center
        return np.einsum("ij,ij->i", delta, delta) <= self._scl  # type: ignore[no-any-return]

    def getBoundingCircle(self) -> Circle:
        """Return this circle."""
        return self

    def getBoundingBox(self) -> Box:
        """Return the smallest longitude/latitude box holding the circle (slightly padded)."""
        from ._box import Box

        if self.isEmpty():
            return Box.empty()
        center = LonLat(self.getCenter())
        lat, r = center._lat, self._opening
        pad = 1e-13
        if lat + r >= HALF_PI - pad or lat - r <= -HALF_PI + pad:
            return Box._raw(0.0, TWO_PI, max(-HALF_PI, lat - r - pad), min(HALF_PI, lat + r + pad))
        half_width = math.asin(min(1.0, math.sin(r) / math.cos(lat))) + pad
        return Box.fromRadians(
            center._lon - half_width, lat - r - pad, center._lon + half_width, lat + r + pad
        )

    def relate(self, other: Region) -> Relationship:
        """Return how this circle relates to ``other`` (exact for polygons, circles, boxes)."""
        from ._relations import relate

        return relate(self, other)

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        if self.isEmpty() or self.isFull():
            flags = np.full(vertices.shape[2], not self.isEmpty())
            return flags, flags.copy()
        overlap, within, _ = polygons_vs_cap(
            vertices, normals, self._center, self._opening, eps, margin
        )
        return overlap, within

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        if self.isEmpty() or self.isFull():
            flags = np.full(len(openings), not self.isEmpty())
            return flags, flags.copy()
        return caps_vs_cap(centers, openings, self._center, self._opening)

    def encode(self) -> bytes:
        """Return ``0x63``, the center (3 doubles), squared chord length and opening angle."""
        return b"\x63" + struct.pack("<5d", *self._center.tolist(), self._scl, self._opening)

    @classmethod
    def _decode_body(cls, data: bytes) -> Circle:
        check_length(data, 41, "Circle")
        values = np.frombuffer(data, dtype="<f8", offset=1)
        check_finite(values, "Circle")
        if values[3] >= 0.0 and abs(float(values[:3] @ values[:3]) - 1.0) > 1e-6:
            raise InvalidRegionEncodingError(
                f"A Circle encoding has a center that is not a unit vector: {values[:3].tolist()}."
            )
        circle = object.__new__(cls)
        circle._center = values[:3].copy()
        circle._set_radius(float(values[3]), float(values[4]))
        return circle

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Circle):
            return NotImplemented
        if self.isEmpty() or other.isEmpty():
            return self.isEmpty() and other.isEmpty()
        return self._scl == other._scl and bool((self._center == other._center).all())

    def __hash__(self) -> int:
        return hash((self._scl, *self._center.tolist()))

    def __repr__(self) -> str:
        x, y, z = self._center.tolist()
        return f"Circle(UnitVector3d({x!r}, {y!r}, {z!r}), Angle({self._opening!r}))"
