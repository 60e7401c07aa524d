"""The Hierarchical Triangular Mesh (HTM) pixelization.

Standard HTM numbering: the octahedron's eight faces are the level-0 trixels
S0..S3 (indices 8..11) and N0..N3 (12..15). A trixel ``(v0, v1, v2)`` has
edge midpoints ``w0 = mid(v1, v2)``, ``w1 = mid(v0, v2)``, ``w2 = mid(v0, v1)``
and children ``4i + 0 = (v0, w2, w1)``, ``4i + 1 = (v1, w0, w2)``,
``4i + 2 = (v2, w1, w0)`` and ``4i + 3 = (w0, w1, w2)``, so level-L indices
fill ``[8·4^L, 16·4^L)``.
"""

from __future__ import annotations

__all__ = ["HtmPixelization"]

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from ..errors import RegionError
from ._geometry import BoolArray, FloatArray, edge_normals
from ._pixelization import Pixelization
from ._polygon import ConvexPolygon
from ._rangeset import IntArray, RangeSet
from ._region import Region
from ._vector import UnitVector3d

if TYPE_CHECKING:
    from ._circle import Circle

_X, _Y, _Z = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)
_NX, _NY, _NZ = (-1.0, 0.0, 0.0), (0.0, -1.0, 0.0), (0.0, 0.0, -1.0)
_ROOT_VERTICES = (
    (_X, _NZ, _Y),  # S0 = 8
    (_Y, _NZ, _NX),  # S1 = 9
    (_NX, _NZ, _NY),  # S2 = 10
    (_NY, _NZ, _X),  # S3 = 11
    (_X, _Z, _NY),  # N0 = 12
    (_NY, _Z, _NX),  # N1 = 13
    (_NX, _Z, _Y),  # N2 = 14
    (_Y, _Z, _X),  # N3 = 15
)
# Rows of [v0, v1, v2, w0, w1, w2] forming the four children.
_CHILD_ROWS = np.array([[0, 5, 4], [1, 3, 5], [2, 4, 3], [3, 4, 5]])
# Rows of [n01, n12, n20, m0, m1, m2, -m0, -m1, -m2] giving the children's edge normals,
# where m0, m1, m2 are the normals of w2->w1, w0->w2 and w1->w0.
_CHILD_PLANES = np.array([[0, 3, 2], [1, 4, 0], [2, 5, 1], [8, 6, 7]])
_FOUR = np.arange(4, dtype=np.int64)
_AFTER = np.array([2, 0, 1])
_BEFORE = np.array([1, 2, 0])
# Levels up to this one keep their trixel geometry in memory: about 31 MB in all, 23 MB
# of it for level 7, the common sky pixelization, whose envelopes this makes fast.
_CACHED_LEVELS = 7
# Envelopes dilate overlap tests by _EPS radians so rounding never drops a pixel;
# interiors accept pixels reaching _SLACK radians (about 20 nano-arcseconds) past the
# region's edges, so pixels sharing an edge with the region count as inside.
_EPS = 1e-12
_SLACK = -1e-13


@dataclass(frozen=True, slots=True)
class _LevelTable:
    """Geometry of every trixel of one level; column ``r`` is trixel ``8·4^level + r``.

    Vertices and edge normals are ``(3, 3, K)`` (component, corner, trixel),
    centers ``(3, K)``: the batch layout of `._geometry`.
    """

    vertices: FloatArray
    normals: FloatArray
    centers: FloatArray
    openings: FloatArray
    max_opening: float


def _unit(v: FloatArray) -> FloatArray:
    """Normalize vectors stored along the first axis."""
    return v / np.sqrt((v * v).sum(axis=0))  # type: ignore[no-any-return]


def _bounding_caps(vertices: FloatArray) -> tuple[FloatArray, FloatArray]:
    centers = _unit(vertices.sum(axis=1))
    cos_min = (vertices * centers[:, None, :]).sum(axis=0).min(axis=0)
    # Widened a little so rounding never lets a trixel point escape its cap.
    return centers, np.arccos(np.clip(cos_min, -1.0, 1.0)) * (1.0 + 1e-9) + 1e-15


def _children_geometry(vertices: FloatArray, normals: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return vertices and edge normals of the children of a ``(3, 3, K)`` trixel batch.

    Child edges lie either on a parent edge's great circle (same normal) or on
    one of three new great circles through the edge midpoints. Children of
    trixel ``k`` land at batch positions ``4k .. 4k+3``.
    """
    count = vertices.shape[2]
    corners = np.empty((3, 6, count))
    corners[:, :3] = vertices
    mids = corners[:, 3:]
    np.add(vertices[:, 1], vertices[:, 2], out=mids[:, 0])
    np.add(vertices[:, 0], vertices[:, 2], out=mids[:, 1])
    np.add(vertices[:, 0], vertices[:, 1], out=mids[:, 2])
    mids /= np.sqrt((mids * mids).sum(axis=0))
    planes = np.empty((3, 9, count))
    planes[:, :3] = normals
    a, b = mids[:, _AFTER], mids[:, _BEFORE]
    inner = planes[:, 3:6]
    inner[0] = a[1] * b[2] - a[2] * b[1]
    inner[1] = a[2] * b[0] - a[0] * b[2]
    inner[2] = a[0] * b[1] - a[1] * b[0]
    inner /= np.sqrt((inner * inner).sum(axis=0))
    np.negative(inner, out=planes[:, 6:])
    # [component, corner, child, parent] -> [component, corner, parent * 4 + child]
    child_vertices = corners[:, _CHILD_ROWS.T].transpose(0, 1, 3, 2).reshape(3, 3, -1)
    child_normals = planes[:, _CHILD_PLANES.T].transpose(0, 1, 3, 2).reshape(3, 3, -1)
    return child_vertices, child_normals


@cache
def _level_table(level: int) -> _LevelTable:
    """Return the geometry of every trixel of a level."""
    if level == 0:
        rows = np.array(_ROOT_VERTICES, dtype=np.float64)
        vertices = np.ascontiguousarray(rows.transpose(2, 1, 0))
        normals = np.ascontiguousarray(edge_normals(rows).transpose(2, 1, 0))
    else:
        parent = _level_table(level - 1)
        vertices, normals = _children_geometry(parent.vertices, parent.normals)
    centers, openings = _bounding_caps(vertices)
    return _LevelTable(vertices, normals, centers, openings, float(openings.max()))


class _TrixelBatch:
    """Trixels of one level: columns of the level table if cached, else explicit geometry."""

    __slots__ = ("_geometry", "_rows", "ids", "level")

    def __init__(
        self,
        ids: IntArray,
        level: int,
        rows: IntArray | None = None,
        geometry: tuple[FloatArray, FloatArray] | None = None,
    ):
        self.ids = ids
        self.level = level
        self._rows = rows
        self._geometry = geometry

    def caps(self) -> tuple[FloatArray, float] | None:
        if self._rows is None:
            return None  # beyond the cached levels the parents' caps already pruned
        table = _level_table(self.level)
        # One bound for the level is cheaper than per-trixel openings and nearly as tight.
        return table.centers[:, self._rows], table.max_opening

    def geometry(self) -> tuple[FloatArray, FloatArray]:
        if self._geometry is None:
            assert self._rows is not None
            table = _level_table(self.level)
            self._geometry = (table.vertices[:, :, self._rows], table.normals[:, :, self._rows])
        return self._geometry

    def take(self, mask: BoolArray) -> _TrixelBatch:
        if self._rows is not None:
            return _TrixelBatch(self.ids[mask], self.level, rows=self._rows[mask])
        vertices, normals = self.geometry()
        return _TrixelBatch(
            self.ids[mask], self.level, geometry=(vertices[:, :, mask], normals[:, :, mask])
        )

    def children(self) -> _TrixelBatch:
        ids = (self.ids[:, None] * 4 + _FOUR).ravel()
        level = self.level + 1
        if level <= _CACHED_LEVELS:
            return _TrixelBatch(ids, level, rows=ids - (8 << (2 * level)))
        return _TrixelBatch(ids, level, geometry=_children_geometry(*self.geometry()))


def _midpoint(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float]:
    x, y, z = a[0] + b[0], a[1] + b[1], a[2] + b[2]
    norm = math.sqrt(x * x + y * y + z * z)
    return (x / norm, y / norm, z / norm)


def _side(a: tuple[float, ...], b: tuple[float, ...], p: tuple[float, ...]) -> float:
    """Return the sign-bearing triple product ``(a x b) . p``."""
    return (
        (a[1] * b[2] - a[2] * b[1]) * p[0]
        + (a[2] * b[0] - a[0] * b[2]) * p[1]
        + (a[0] * b[1] - a[1] * b[0]) * p[2]
    )


class HtmPixelization(Pixelization):
    """The HTM pixelization at one subdivision level (0 to 24).

    Parameters
    ----------
    level
        Subdivision level; level-L trixels are about ``90° / 2**L`` across.

    Raises
    ------
    RegionError
        Raised if the level is out of range.
    """

    MAX_LEVEL: ClassVar[int] = 24
    NAME: ClassVar[str] = "htm"
    _START_LEVEL: ClassVar[int] = 5

    def universe(self) -> RangeSet:
        """Return ``[8·4^L, 16·4^L)``, every trixel index of this level."""
        return RangeSet(8 << (2 * self._level), 16 << (2 * self._level))

    def pixel(self, i: int) -> ConvexPolygon:
        """Return trixel ``i`` (of this level) as a polygon."""
        return HtmPixelization.triangle(self._check_index(i))

    def index(self, v: UnitVector3d) -> int:
        """Return the index of the trixel holding a point."""
        return _point_index((v.x(), v.y(), v.z()), self._level)

    def index_array(self, points: FloatArray) -> IntArray:
        """Return the trixel index of each row of an ``(N, 3)`` unit-vector array."""
        return _points_index(np.asarray(points, dtype=np.float64).reshape(-1, 3).T, self._level)

    def toString(self, i: int) -> str:
        """Return the HTM name of trixel ``i``, such as ``N0123``."""
        return HtmPixelization.asString(self._check_index(i))

    def _check_index(self, i: int) -> int:
        i = int(i)
        if HtmPixelization.level(i) != self._level:
            raise RegionError(
                f"{i} is not a level-{self._level} HTM index; those lie in "
                f"[{8 << (2 * self._level)}, {16 << (2 * self._level)})."
            )
        return i

    @staticmethod
    def level(i: int) -> int:
        """Return the level of a trixel index, or -1 if it is not one."""
        i = int(i)
        if i < 8:
            return -1
        bits = i.bit_length() - 4
        if bits % 2 or bits // 2 > HtmPixelization.MAX_LEVEL:
            return -1
        return bits // 2

    @staticmethod
    def triangle(i: int) -> ConvexPolygon:
        """Return the trixel with index ``i`` (any level) as a polygon."""
        return ConvexPolygon._from_arrays(np.array(_trixel_vertices(int(i))))

    @staticmethod
    def asString(i: int) -> str:
        """Return the HTM name of a trixel (any level), such as ``N0123``."""
        level = HtmPixelization.level(i)
        if level < 0:
            raise RegionError(f"{i} is not an HTM trixel index (levels 0 to 24).")
        i = int(i)
        digits = [str((i >> (2 * k)) & 3) for k in range(level - 1, -1, -1)]
        root = i >> (2 * level)
        return ("S" if root < 12 else "N") + str(root & 3) + "".join(digits)

    def _start(self, level: int, bound: Circle) -> _TrixelBatch:
        table = _level_table(level)
        rows = self._near_rows(table.centers, table.max_opening, bound)
        return _TrixelBatch(rows + (8 << (2 * level)), level, rows=rows)

    def _max_opening(self, level: int) -> float:
        if level <= _CACHED_LEVELS:
            return _level_table(level).max_opening
        # Trixels halve in size with each level; only a hint for when to test exactly.
        return _level_table(_CACHED_LEVELS).max_opening * 0.5 ** (level - _CACHED_LEVELS)

    def _relate(self, region: Region, batch: _TrixelBatch) -> tuple[BoolArray, BoolArray]:
        vertices, normals = batch.geometry()
        return region._relate_polygons(vertices, normals, _EPS, _SLACK)


def _trixel_vertices(i: int) -> tuple[tuple[float, float, float], ...]:
    level = HtmPixelization.level(i)
    if level < 0:
        raise RegionError(
            f"{i} is not an HTM trixel index; a level-L index lies in [8*4**L, 16*4**L)."
        )
    v: tuple[tuple[float, float, float], ...] = _ROOT_VERTICES[(i >> (2 * level)) - 8]
    for k in range(level - 1, -1, -1):
        v0, v1, v2 = v
        w0, w1, w2 = _midpoint(v1, v2), _midpoint(v0, v2), _midpoint(v0, v1)
        child = (i >> (2 * k)) & 3
        v = ((v0, w2, w1), (v1, w0, w2), (v2, w1, w0), (w0, w1, w2))[child]
    return v


def _point_index(p: tuple[float, float, float], level: int) -> int:
    for root, (v0, v1, v2) in enumerate(_ROOT_VERTICES):
        if _side(v0, v1, p) >= 0.0 and _side(v1, v2, p) >= 0.0 and _side(v2, v0, p) >= 0.0:
            index = root + 8
            break
    else:  # pragma: no cover - the eight faces cover the sphere
        raise RegionError(f"No HTM root trixel holds {p}.")
    for _ in range(level):
        w0, w1, w2 = _midpoint(v1, v2), _midpoint(v0, v2), _midpoint(v0, v1)
        if _side(w2, w1, p) >= 0.0:
            index, (v0, v1, v2) = 4 * index, (v0, w2, w1)
        elif _side(w0, w2, p) >= 0.0:
            index, (v0, v1, v2) = 4 * index + 1, (v1, w0, w2)
        elif _side(w1, w0, p) >= 0.0:
            index, (v0, v1, v2) = 4 * index + 2, (v2, w1, w0)
        else:
            index, (v0, v1, v2) = 4 * index + 3, (w0, w1, w2)
    return index


def _points_index(points: FloatArray, level: int) -> IntArray:
    """Return the trixel index of each column of a ``(3, N)`` unit-vector array."""
    roots = _level_table(0)
    count = points.shape[1]
    root = np.full(count, -1, dtype=np.int64)
    for r in range(7, -1, -1):  # the first root (lowest index) holding a point wins
        side = (roots.normals[:, :, r].T @ points).min(axis=0)
        root[side >= 0.0] = r
    index = root + 8
    v = roots.vertices[:, :, root]
    columns = np.arange(count)
    for _ in range(level):
        corners = np.concatenate([v, _unit(v[:, [1, 0, 0]] + v[:, [2, 2, 1]])], axis=1)
        mids = corners[:, 3:]
        a, b = mids[:, _AFTER], mids[:, _BEFORE]
        # Side of p against the inner edges w2->w1, w0->w2, w1->w0 of children 0, 1, 2.
        sides = (
            (a[1] * b[2] - a[2] * b[1]) * points[0]
            + (a[2] * b[0] - a[0] * b[2]) * points[1]
            + (a[0] * b[1] - a[1] * b[0]) * points[2]
        )
        first = np.where(sides >= 0.0, np.arange(3)[:, None], 3).min(axis=0)
        index = 4 * index + first
        v = corners[:, _CHILD_ROWS[first].T, columns]
    return np.asarray(index, dtype=np.int64)
