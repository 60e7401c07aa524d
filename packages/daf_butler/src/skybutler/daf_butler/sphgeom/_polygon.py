"""Convex spherical polygons."""

from __future__ import annotations

__all__ = ["ConvexPolygon"]

import math
import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InvalidRegionEncodingError, RegionError
from ._geometry import (
    BoolArray,
    FloatArray,
    caps_vs_polygon,
    edge_normals,
    polygon_bounding_cap,
    polygons_vs_polygon_fast,
)
from ._region import DISJOINT, Region, Relationship, check_finite
from ._vector import LonLat, UnitVector3d

if TYPE_CHECKING:
    from ._box import Box
    from ._circle import Circle

_BOX_PAD = 1e-13
# Polygons closer than this (radians) touch, as in `relate`.
_TOUCH = 1e-14


class ConvexPolygon(Region):
    """A convex polygon on the sphere whose edges are great-circle arcs.

    Parameters
    ----------
    points
        Points whose convex hull is the polygon. They must lie in an open
        hemisphere and not all on one great circle.

    Raises
    ------
    RegionError
        Raised if the points have no proper convex hull.
    """

    __slots__ = ("_bound", "_cap", "_normals", "_vertices")

    TYPE_CODE = 0x70

    _vertices: FloatArray
    _normals: FloatArray | None
    _bound: Circle | None
    _cap: tuple[float, float, float, float] | None

    def __init__(self, points: Iterable[UnitVector3d]):
        vertices = _hull(np.array([[p.x(), p.y(), p.z()] for p in points], dtype=np.float64))
        if vertices is None:
            raise RegionError(
                "Cannot build a ConvexPolygon: the points need at least three distinct, "
                "non-collinear positions within one hemisphere."
            )
        self._vertices = vertices
        self._normals = None
        self._bound = None
        self._cap = None

    @classmethod
    def _from_arrays(cls, vertices: FloatArray, normals: FloatArray | None = None) -> ConvexPolygon:
        """Wrap counter-clockwise vertices as they are (no hull, no checks)."""
        polygon = object.__new__(cls)
        polygon._vertices = vertices
        polygon._normals = normals
        polygon._bound = None
        polygon._cap = None
        return polygon

    @classmethod
    def convexHull(cls, points: Iterable[UnitVector3d]) -> ConvexPolygon | None:
        """Return the convex hull of points, or `None` if they have none."""
        vertices = _hull(np.array([[p.x(), p.y(), p.z()] for p in points], dtype=np.float64))
        return None if vertices is None else cls._from_arrays(vertices)

    @classmethod
    def fromDegrees(cls, *lonlat: tuple[float, float]) -> ConvexPolygon:
        """Return the convex hull of ``(lon, lat)`` pairs given in degrees."""
        return cls([UnitVector3d.fromDegrees(lon, lat) for lon, lat in lonlat])

    @property
    def normals(self) -> FloatArray:
        """Unit normals of the edges, pointing inside."""
        if self._normals is None:
            self._normals = edge_normals(self._vertices)
        return self._normals

    def getVertices(self) -> list[UnitVector3d]:
        """Return the vertices in counter-clockwise order."""
        return [UnitVector3d._raw(*row) for row in self._vertices.tolist()]

    @property
    def vertices(self) -> FloatArray:
        """Vertices as a read-only ``(n, 3)`` array."""
        view = self._vertices.view()
        view.flags.writeable = False
        return view

    def getCentroid(self) -> UnitVector3d:
        """Return the normalized mean of the vertices (a point inside the polygon)."""
        return UnitVector3d(*self._vertices.sum(axis=0))

    def isEmpty(self) -> bool:
        """Return False: a convex polygon always has area."""
        return False

    def _contains_points(self, points: FloatArray) -> BoolArray:
        return np.asarray((self.normals @ points.T >= 0.0).all(axis=0), dtype=np.bool_)

    def getBoundingCircle(self) -> Circle:
        """Return a circle holding the polygon."""
        from ._circle import Circle

        if self._bound is None:
            center, opening = polygon_bounding_cap(self._vertices)
            self._bound = Circle._from_arrays(center, opening)
        return self._bound

    def getBoundingBox(self) -> Box:
        """Return the smallest longitude/latitude box holding the polygon (slightly padded)."""
        from ._angle import TWO_PI
        from ._box import Box

        v, n = self._vertices, self.normals
        z_values = [float(v[:, 2].min()), float(v[:, 2].max())]
        # An edge reaches beyond its end points in latitude when the extreme point of
        # its great circle lies on the arc.
        toward_a = np.cross(n, v)[:, 2]
        toward_b = np.cross(np.roll(v, -1, axis=0), n)[:, 2]
        extreme = np.sqrt(np.maximum(0.0, 1.0 - n[:, 2] ** 2))
        up = (toward_a >= 0.0) & (toward_b >= 0.0)
        down = (toward_a <= 0.0) & (toward_b <= 0.0)
        if up.any():
            z_values.append(float(extreme[up].max()))
        if down.any():
            z_values.append(float(-extreme[down].max()))
        lat_min = math.asin(max(-1.0, min(z_values))) - _BOX_PAD
        lat_max = math.asin(min(1.0, max(z_values))) + _BOX_PAD
        north = bool(self._contains_points(np.array([[0.0, 0.0, 1.0]]))[0])
        south = bool(self._contains_points(np.array([[0.0, 0.0, -1.0]]))[0])
        if north:
            lat_max = 0.5 * math.pi
        if south:
            lat_min = -0.5 * math.pi
        lon = np.arctan2(v[:, 1], v[:, 0])
        steps = np.remainder(np.diff(np.append(lon, lon[0])) + math.pi, TWO_PI) - math.pi
        if north or south or np.abs(steps).max() >= math.pi - 1e-12:
            return Box._raw(0.0, TWO_PI, lat_min, lat_max)
        unwrapped = lon[0] + np.concatenate([[0.0], np.cumsum(steps[:-1])])
        low = float(unwrapped.min()) - _BOX_PAD
        high = float(unwrapped.max()) + _BOX_PAD
        return Box.fromRadians(low, lat_min, high, lat_max)

    def relate(self, other: Region) -> Relationship:
        """Return how this polygon relates to ``other`` (exact for polygons, circles, boxes)."""
        from ._relations import relate

        return relate(self, other)

    def overlaps(self, other: Region) -> bool:
        """Return whether the regions share a point (exact for polygons, circles, boxes)."""
        if type(other) is ConvexPolygon:
            return _polygons_overlap(self, other)
        return super().overlaps(other)

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        return polygons_vs_polygon_fast(
            vertices, normals, self._vertices, self.normals, eps, margin
        )

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        return caps_vs_polygon(centers, openings, self._vertices, self.normals)

    def encode(self) -> bytes:
        """Return ``0x70`` followed by three little-endian doubles per vertex."""
        return b"\x70" + np.ascontiguousarray(self._vertices, dtype="<f8").tobytes()

    @classmethod
    def _decode_body(cls, data: bytes) -> ConvexPolygon:
        size = len(data) - 1
        if size % 24 or size < 72:
            raise InvalidRegionEncodingError(
                "A ConvexPolygon encoding is the type byte 0x70 then 3 little-endian float64 "
                f"values per vertex for at least 3 vertices (1 + 24*n bytes, n >= 3); got "
                f"{len(data)} bytes."
            )
        values = struct.unpack_from(f"<{size // 8}d", data, 1)
        # Plain floats are faster than numpy for a handful of vertices; NaN and
        # infinity fail the comparison too.
        for i in range(0, len(values), 3):
            x, y, z = values[i : i + 3]
            if not abs(x * x + y * y + z * z - 1.0) < 1e-6:
                check_finite(np.array(values), "ConvexPolygon")
                raise InvalidRegionEncodingError(
                    f"A ConvexPolygon encoding holds a vertex that is not a unit vector: "
                    f"({x}, {y}, {z})."
                )
        vertices = np.frombuffer(data, dtype="<f8", offset=1).reshape(-1, 3)
        return cls._from_arrays(vertices)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConvexPolygon):
            return NotImplemented
        a, b = self._vertices, other._vertices
        if a.shape != b.shape:
            return False
        # Equal up to a cyclic shift of the vertices.
        matches = np.flatnonzero((b == a[0]).all(axis=1))
        return any(np.array_equal(np.roll(b, -int(k), axis=0), a) for k in matches)

    def __hash__(self) -> int:
        return hash(frozenset(map(tuple, self._vertices.tolist())))

    def __repr__(self) -> str:
        points = ", ".join(
            f"UnitVector3d({x!r}, {y!r}, {z!r})" for x, y, z in self._vertices.tolist()
        )
        return f"ConvexPolygon([{points}])"

    def __str__(self) -> str:
        corners = ", ".join(
            f"({LonLat(UnitVector3d._raw(*row)).getLon().asDegrees():.6f}, "
            f"{LonLat(UnitVector3d._raw(*row)).getLat().asDegrees():.6f})"
            for row in self._vertices.tolist()
        )
        return f"ConvexPolygon(degrees: {corners})"


def _hull(points: FloatArray) -> FloatArray | None:
    """Return the counter-clockwise convex hull vertices of points, or `None`."""
    if points.ndim != 2 or points.shape[1] != 3 or len(points) < 3:
        return None
    if not np.isfinite(points).all():
        return None
    points = points / np.linalg.norm(points, axis=1)[:, None]
    center = points.sum(axis=0)
    norm = np.linalg.norm(center)
    if norm < 1e-12:
        return None
    center /= norm
    heights = points @ center
    if (heights <= 1e-12).any():
        return None
    # Gnomonic projection maps great circles to lines, so a planar hull is the spherical one.
    axis = np.zeros(3)
    axis[int(np.argmin(np.abs(center)))] = 1.0
    e1 = np.cross(axis, center)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(center, e1)
    plane = np.stack([points @ e1, points @ e2], axis=1) / heights[:, None]
    order = _planar_hull(plane)
    if order is None:
        return None
    return np.ascontiguousarray(points[order])


def _planar_hull(plane: FloatArray) -> list[int] | None:
    """Return indices of the counter-clockwise hull (Andrew's monotone chain)."""
    scale = float(np.abs(plane).max()) or 1.0
    tolerance = 1e-15 * scale * scale
    order = sorted(range(len(plane)), key=lambda i: (plane[i, 0], plane[i, 1]))

    def turn(o: int, a: int, b: int) -> float:
        return float(
            (plane[a, 0] - plane[o, 0]) * (plane[b, 1] - plane[o, 1])
            - (plane[a, 1] - plane[o, 1]) * (plane[b, 0] - plane[o, 0])
        )

    def chain(indices: list[int]) -> list[int]:
        result: list[int] = []
        for i in indices:
            while len(result) >= 2 and turn(result[-2], result[-1], i) <= tolerance:
                result.pop()
            result.append(i)
        return result

    lower = chain(order)
    upper = chain(order[::-1])
    hull = lower[:-1] + upper[:-1]
    return hull if len(hull) >= 3 else None


def _cap(polygon: ConvexPolygon) -> tuple[float, float, float, float]:
    """Return the bounding cap as plain floats ``(x, y, z, opening)``, computed once."""
    cap = polygon._cap
    if cap is None:
        center, opening = polygon_bounding_cap(polygon._vertices)
        x, y, z = center.tolist()
        cap = polygon._cap = (x, y, z, opening)
    return cap


def _polygons_overlap(a: ConvexPolygon, b: ConvexPolygon) -> bool:
    """Return whether two polygons overlap: the hot test of spatial query post-filtering."""
    # Plain floats: numpy's per-call cost dominates for the caps of most candidate pairs,
    # which the cap test alone rejects.
    ax, ay, az, ra = a._cap or _cap(a)
    bx, by, bz, rb = b._cap or _cap(b)
    distance = math.acos(max(-1.0, min(1.0, ax * bx + ay * by + az * bz)))
    if distance > ra + rb + _TOUCH:
        return False
    if distance + ra + rb >= 0.99 * math.pi:
        # Not within one hemisphere: separating edges are not guaranteed; test exactly.
        return not a.relate(b) & DISJOINT
    # Within one hemisphere, disjoint convex polygons have an edge great circle with
    # the other polygon strictly outside it (see polygons_vs_polygon_fast).
    if ((a.normals @ b._vertices.T).max(axis=1) < -_TOUCH).any():
        return False
    return not ((b.normals @ a._vertices.T).max(axis=1) < -_TOUCH).any()
