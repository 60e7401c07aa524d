"""Longitude/latitude boxes."""

from __future__ import annotations

__all__ = ["Box"]

import math
import struct
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InvalidRegionEncodingError
from ._angle import HALF_PI, TWO_PI, Angle, AngleInterval, NormalizedAngleInterval
from ._geometry import BoolArray, FloatArray
from ._region import Region, Relationship, check_length
from ._vector import LonLat, UnitVector3d

if TYPE_CHECKING:
    from ._circle import Circle


class Box(Region):
    """The points whose longitude and latitude lie in given intervals.

    Built as ``Box(lon_interval, lat_interval)``, ``Box(p1, p2)`` (corner
    `LonLat` points: longitudes from ``p1`` eastward to ``p2``), ``Box(center,
    half_width, half_height)`` or ``Box(point)``; `fromDegrees` and
    `fromRadians` take ``lon1, lat1, lon2, lat2``.

    Notes
    -----
    A longitude interval with ``a > b`` wraps through longitude 0. Latitudes
    are clamped to ``[-π/2, π/2]``; ``lat_a > lat_b`` makes the box empty.
    """

    __slots__ = ("_lat_a", "_lat_b", "_lon_a", "_lon_b")

    TYPE_CODE = 0x62

    _lon_a: float
    _lon_b: float
    _lat_a: float
    _lat_b: float

    def __init__(self, a: Any, b: Any = None, c: Any = None):
        if isinstance(a, NormalizedAngleInterval) and isinstance(b, AngleInterval):
            lon, lat = a, b
        elif isinstance(a, LonLat) and isinstance(b, LonLat):
            lon = NormalizedAngleInterval(a._lon, b._lon)
            lat = AngleInterval(a._lat, b._lat)
        elif isinstance(a, LonLat) and isinstance(b, Angle) and isinstance(c, Angle):
            w, h = b.asRadians(), c.asRadians()
            lon = (
                NormalizedAngleInterval.full()
                if w >= math.pi
                else NormalizedAngleInterval(a._lon - w, a._lon + w)
            )
            lat = AngleInterval(a._lat - h, a._lat + h)
        elif isinstance(a, LonLat) and b is None:
            lon = NormalizedAngleInterval(a._lon, a._lon)
            lat = AngleInterval(a._lat, a._lat)
        else:
            raise TypeError(
                "Box takes (NormalizedAngleInterval, AngleInterval), (LonLat, LonLat), "
                f"(LonLat, Angle, Angle) or (LonLat); got {(a, b, c)!r}."
            )
        self._init(lon._a, lon._b, lat._a, lat._b)

    def _init(self, lon_a: float, lon_b: float, lat_a: float, lat_b: float) -> None:
        self._lon_a, self._lon_b = lon_a, lon_b
        self._lat_a, self._lat_b = max(lat_a, -HALF_PI), min(lat_b, HALF_PI)

    @classmethod
    def _raw(cls, lon_a: float, lon_b: float, lat_a: float, lat_b: float) -> Box:
        box = object.__new__(cls)
        box._init(lon_a, lon_b, lat_a, lat_b)
        return box

    @classmethod
    def fromRadians(cls, lon1: float, lat1: float, lon2: float, lat2: float) -> Box:
        """Return the box from ``lon1`` eastward to ``lon2`` and ``lat1`` to ``lat2``."""
        lon = NormalizedAngleInterval(lon1, lon2)
        return cls._raw(lon._a, lon._b, lat1, lat2)

    @classmethod
    def fromDegrees(cls, lon1: float, lat1: float, lon2: float, lat2: float) -> Box:
        """Return the box from ``lon1`` eastward to ``lon2`` and ``lat1`` to ``lat2`` (degrees)."""
        return cls.fromRadians(
            math.radians(lon1), math.radians(lat1), math.radians(lon2), math.radians(lat2)
        )

    @classmethod
    def empty(cls) -> Box:
        """Return an empty box."""
        return cls._raw(0.0, 0.0, 1.0, 0.0)

    @classmethod
    def full(cls) -> Box:
        """Return the box covering the whole sphere."""
        return cls._raw(0.0, TWO_PI, -HALF_PI, HALF_PI)

    @staticmethod
    def allLongitudes() -> NormalizedAngleInterval:
        """Return the interval of all longitudes."""
        return NormalizedAngleInterval.full()

    @staticmethod
    def allLatitudes() -> AngleInterval:
        """Return the interval of all latitudes."""
        return AngleInterval(-HALF_PI, HALF_PI)

    def getLon(self) -> NormalizedAngleInterval:
        """Return the longitude interval."""
        return NormalizedAngleInterval._raw(self._lon_a, self._lon_b)

    def getLat(self) -> AngleInterval:
        """Return the latitude interval."""
        return AngleInterval(self._lat_a, self._lat_b)

    def lon_width(self) -> float:
        """Return the width of the longitude interval in radians."""
        width = self._lon_b - self._lon_a
        return width + TWO_PI if width < 0.0 else width

    def getWidth(self) -> Angle:
        """Return the width in longitude."""
        return Angle(self.lon_width())

    def getHeight(self) -> Angle:
        """Return the height in latitude."""
        return Angle(self._lat_b - self._lat_a)

    def getCenter(self) -> LonLat:
        """Return the point at the middle of both intervals."""
        return LonLat(self._lon_a + 0.5 * self.lon_width(), 0.5 * (self._lat_a + self._lat_b))

    def isEmpty(self) -> bool:
        """Return whether the box holds no point."""
        return not self._lat_a <= self._lat_b

    def isFull(self) -> bool:
        """Return whether the box covers the whole sphere."""
        return self.lon_full() and self._lat_a <= -HALF_PI and self._lat_b >= HALF_PI

    def lon_full(self) -> bool:
        """Return whether the box holds every longitude."""
        return self._lon_a == 0.0 and self._lon_b == TWO_PI

    def lon_contains(self, lon: FloatArray) -> BoolArray:
        """Return whether longitudes in [0, 2π) lie in the box's interval."""
        if self.lon_full():
            return np.ones(np.shape(lon), dtype=bool)
        offset = np.remainder(lon - self._lon_a, TWO_PI)
        return np.asarray(offset <= self.lon_width(), dtype=np.bool_)

    def _contains_points(self, points: FloatArray) -> BoolArray:
        if self.isEmpty():
            return np.zeros(len(points), dtype=bool)
        horizontal = np.hypot(points[:, 0], points[:, 1])
        lat = np.arctan2(points[:, 2], horizontal)
        lon = np.arctan2(points[:, 1], points[:, 0])
        in_lat = (lat >= self._lat_a) & (lat <= self._lat_b)
        # A pole has every longitude.
        return in_lat & (self.lon_contains(lon) | (horizontal == 0.0))  # type: ignore[no-any-return]

    def distance_to(self, points: FloatArray) -> FloatArray:
        """Return the angular distance from each point to the box (0 inside)."""
        horizontal = np.hypot(points[:, 0], points[:, 1])
        lat = np.arctan2(points[:, 2], horizontal)
        lon = np.arctan2(points[:, 1], points[:, 0])
        inside_lon = self.lon_contains(lon) | (horizontal == 0.0)
        lat_gap = np.maximum(0.0, np.maximum(self._lat_a - lat, lat - self._lat_b))
        side = np.minimum(
            self._meridian_distance(points, self._lon_a),
            self._meridian_distance(points, self._lon_b),
        )
        return np.where(inside_lon, lat_gap, side)

    def _meridian_distance(self, points: FloatArray, lon: float) -> FloatArray:
        """Return distances to the meridian arc at ``lon`` between the box's latitudes."""
        cos_lon, sin_lon = math.cos(lon), math.sin(lon)
        h = points[:, 0] * cos_lon + points[:, 1] * sin_lon
        best = np.clip(np.arctan2(points[:, 2], h), self._lat_a, self._lat_b)
        target = np.stack([np.cos(best) * cos_lon, np.cos(best) * sin_lon, np.sin(best)], axis=-1)
        dot = np.einsum("ij,ij->i", points, target)
        cross = np.linalg.norm(np.cross(points, target), axis=1)
        return np.arctan2(cross, dot)  # type: ignore[no-any-return]

    def getBoundingCircle(self) -> Circle:
        """Return a circle holding the box, centered on the box center."""
        from ._circle import Circle

        if self.isEmpty():
            return Circle.empty()
        center = UnitVector3d(self.getCenter())
        c = np.array([center.x(), center.y(), center.z()])
        farthest = math.pi - float(self.distance_to(-c[None, :])[0])
        return Circle._from_arrays(c, min(math.pi, farthest * (1.0 + 1e-12) + 1e-15))

    def getBoundingBox(self) -> Box:
        """Return this box."""
        return self

    def relate(self, other: Region) -> Relationship:
        """Return how this box relates to ``other`` (exact for polygons, circles, boxes)."""
        from ._relations import relate

        return relate(self, other)

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        # Bounding caps settle polygons far from the box's edges at once; only those
        # straddling an edge get the exact (per-polygon) test.
        centers = vertices.sum(axis=1)
        centers /= np.sqrt((centers * centers).sum(axis=0))
        cos_far = (vertices * centers[:, None, :]).sum(axis=0).min(axis=0)
        openings = np.arccos(np.clip(cos_far, -1.0, 1.0)) * (1.0 + 1e-9) + eps
        overlap, within = self._relate_caps(centers, openings)
        unsure = np.flatnonzero(overlap & ~within)
        if len(unsure):
            exact_overlap, exact_within = super()._relate_polygons(
                vertices[:, :, unsure], normals[:, :, unsure], eps, margin
            )
            overlap[unsure] = exact_overlap
            within[unsure] = exact_within
        return overlap, within

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        if self.isEmpty():
            none = np.zeros(len(openings), dtype=bool)
            return none, none.copy()
        centers = centers.T
        overlap = self.distance_to(centers) <= openings
        horizontal = np.hypot(centers[:, 0], centers[:, 1])
        lat = np.arctan2(centers[:, 2], horizontal)
        lon = np.arctan2(centers[:, 1], centers[:, 0])
        in_lat = (lat - openings >= self._lat_a) & (lat + openings <= self._lat_b)
        if self.lon_full():
            return overlap, in_lat
        with np.errstate(invalid="ignore", divide="ignore"):
            half = np.arcsin(np.minimum(1.0, np.sin(openings) / np.cos(lat)))
        polar = (lat + openings >= HALF_PI) | (lat - openings <= -HALF_PI)
        start = np.remainder(lon - half - self._lon_a, TWO_PI)
        in_lon = ~polar & (start + 2.0 * half <= self.lon_width())
        return overlap, in_lat & in_lon

    def encode(self) -> bytes:
        """Return ``0x62`` then longitude a, b and latitude a, b in radians (4 doubles)."""
        if self.isEmpty():
            return b"\x62" + struct.pack("<4d", 0.0, 0.0, 1.0, 0.0)
        return b"\x62" + struct.pack("<4d", self._lon_a, self._lon_b, self._lat_a, self._lat_b)

    @classmethod
    def _decode_body(cls, data: bytes) -> Box:
        check_length(data, 33, "Box")
        lon_a, lon_b, lat_a, lat_b = struct.unpack_from("<4d", data, 1)
        if not (math.isfinite(lat_a) and math.isfinite(lat_b)):
            raise InvalidRegionEncodingError(
                f"A Box encoding holds non-finite latitudes ({lat_a}, {lat_b})."
            )
        if lat_a > lat_b:
            return cls.empty()  # sphgeom may write NaN longitudes for an empty box
        if not (0.0 <= lon_a <= TWO_PI and 0.0 <= lon_b <= TWO_PI):
            raise InvalidRegionEncodingError(
                f"A Box encoding holds longitudes ({lon_a}, {lon_b}) that are not finite "
                "values in [0, 2π]."
            )
        return cls._raw(lon_a, lon_b, lat_a, lat_b)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Box):
            return NotImplemented
        if self.isEmpty() or other.isEmpty():
            return self.isEmpty() and other.isEmpty()
        mine = (self._lon_a, self._lon_b, self._lat_a, self._lat_b)
        return mine == (other._lon_a, other._lon_b, other._lat_a, other._lat_b)

    def __hash__(self) -> int:
        if self.isEmpty():
            return hash("empty box")
        return hash((self._lon_a, self._lon_b, self._lat_a, self._lat_b))

    def __repr__(self) -> str:
        if self.isEmpty():
            return "Box.empty()"
        return (
            f"Box.fromRadians({self._lon_a!r}, {self._lat_a!r}, {self._lon_b!r}, {self._lat_b!r})"
        )
