"""Vectorized spherical geometry kernels shared by regions and pixelizations.

A batch of K convex polygons with m vertices each is a ``(3, m, K)`` array of
unit-vector vertices (component, vertex, polygon) in counter-clockwise order
seen from outside the sphere, with a ``(3, m, K)`` array of unit edge normals
``v[j] x v[j+1] / |...|``; a point ``p`` is inside when every ``normal . p >= 0``.
A batch of K caps is a ``(3, K)`` array of centers and K opening angles. The
batch axis comes last because numpy reduces over leading axes far faster than
over short trailing ones. The kernels answer "may overlap" and "is within" for
many polygons or caps at once against one region, which pixel envelopes need.

``eps`` dilates overlap tests (never a false "disjoint" because of rounding)
and ``margin`` shrinks containment tests (never a false "within").
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import RegionError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@functools.cache
def _next(n: int) -> npt.NDArray[np.intp]:
    """Return the index array ``[1, 2, ..., n - 1, 0]`` (a cheap np.roll)."""
    return np.roll(np.arange(n), -1)


def _bools(value: Any) -> BoolArray:
    return np.asarray(value, dtype=np.bool_)


def cross(a: FloatArray, b: FloatArray) -> FloatArray:
    """Return the cross products of two stacks of 3-vectors (faster than np.cross)."""
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    ax, ay, az = a[..., 0], a[..., 1], a[..., 2]
    bx, by, bz = b[..., 0], b[..., 1], b[..., 2]
    out[..., 0] = ay * bz - az * by
    out[..., 1] = az * bx - ax * bz
    out[..., 2] = ax * by - ay * bx
    return out


def normalize(v: FloatArray) -> FloatArray:
    """Return vectors scaled to unit length along the last axis."""
    norm = np.sqrt(np.einsum("...i,...i->...", v, v))
    return v / norm[..., None]  # type: ignore[no-any-return]


def edge_normals(vertices: FloatArray) -> FloatArray:
    """Return the unit normals of the edges ``v[j] -> v[j+1]`` of polygons."""
    following = np.roll(vertices, -1, axis=-2)
    # (b + a) x (b - a) = 2 a x b, accurate for short edges.
    return normalize(cross(following + vertices, following - vertices))


def points_from_args(args: tuple[Any, ...]) -> tuple[FloatArray, bool]:
    """Turn a `contains` argument list into an ``(N, 3)`` array of unit vectors.

    Accepted: one `Vector3d` / `LonLat`; an ``(N, 3)`` array; arrays ``x, y, z``;
    or arrays ``lon, lat`` in radians. The flag says whether one point was given.
    """
    from ._vector import LonLat, UnitVector3d, Vector3d

    if len(args) == 1:
        (arg,) = args
        if isinstance(arg, LonLat):
            arg = UnitVector3d(arg)
        if isinstance(arg, Vector3d):
            return np.array([[arg._x, arg._y, arg._z]]), True
        points = np.asarray(arg, dtype=np.float64)
        if points.ndim == 2 and points.shape[1] == 3:
            return points, False
    elif len(args) == 2:
        lon = np.asarray(args[0], dtype=np.float64)
        lat = np.asarray(args[1], dtype=np.float64)
        cos_lat = np.cos(lat)
        points = np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)
        return points.reshape(-1, 3), points.ndim == 1
    elif len(args) == 3:
        points = np.stack([np.asarray(a, dtype=np.float64) for a in args], axis=-1)
        return points.reshape(-1, 3), points.ndim == 1
    raise RegionError(
        "contains() takes a UnitVector3d, a LonLat, an (N, 3) array, arrays (lon, lat) in "
        f"radians or arrays (x, y, z); got {len(args)} argument(s)."
    )


def polygons_vs_polygon(
    tri: FloatArray,
    tri_normals: FloatArray,
    vertices: FloatArray,
    normals: FloatArray,
    eps: float = 0.0,
    margin: float = 0.0,
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Relate a batch of K convex polygons to one convex polygon.

    Parameters
    ----------
    tri, tri_normals
        The batch, ``(3, m, K)`` each.
    vertices, normals
        The region polygon, ``(n, 3)`` each.
    eps, margin
        Dilation of overlap tests and shrinking of containment tests.

    Returns
    -------
    overlap, within, contains
        Per polygon: may overlap the region; lies within it; contains it.

    Notes
    -----
    Two convex polygons overlap exactly when a vertex of one lies in the other
    or two edges cross properly; touching and collinear cases are found by
    the vertex tests, which include the boundary.
    """
    _, m, k = tri.shape
    n = len(vertices)
    # s1[i, j, k]: vertex j of polygon k against region edge i;
    # s2[i, j, k]: region vertex i against edge j of polygon k.
    s1 = (normals @ tri.reshape(3, -1)).reshape(n, m, k)
    s2 = (vertices @ tri_normals.reshape(3, -1)).reshape(n, m, k)
    within = _bools(s1.reshape(-1, k).min(axis=0) >= margin)
    contains = _bools(s2.reshape(-1, k).min(axis=0) >= margin)
    overlap = _bools((s1.min(axis=0) >= -eps).any(axis=0) | (s2.min(axis=1) >= -eps).any(axis=0))
    if not overlap.all():
        rest = np.flatnonzero(~overlap)
        a1, a2 = s1[:, :, rest], s2[:, :, rest]
        nd = a1[:, _next(m)]
        mb = a2[_next(n)]
        # Proper crossing: signs (nd, a1, a2, mb) are (+, -, +, -) or (-, +, -, +).
        crossing = (nd * a1 < 0.0) & (a2 * mb < 0.0) & (nd * a2 > 0.0)
        overlap[rest] = crossing.reshape(-1, len(rest)).any(axis=0)
    return overlap, within, contains


def polygons_vs_polygon_fast(
    tri: FloatArray,
    tri_normals: FloatArray,
    vertices: FloatArray,
    normals: FloatArray,
    eps: float,
    margin: float,
) -> tuple[BoolArray, BoolArray]:
    """Relate a batch of K convex polygons to one convex polygon, conservatively.

    Returns
    -------
    overlap, within
        Per polygon: may overlap the region (never a false "disjoint"); lies
        within it.

    Notes
    -----
    Two polygons are reported disjoint only when an edge great circle of one
    has the other strictly on its outer side, which proves it. When both fit
    in one hemisphere (always the case near the region for pixels much smaller
    than it) this is exact: disjoint convex polygons are separated by the line
    of one of their edges, and gnomonic projection maps great circles to lines.
    It needs about half the work of `polygons_vs_polygon`.
    """
    _, m, k = tri.shape
    n = len(vertices)
    s1 = (normals @ tri.reshape(3, -1)).reshape(n, m, k)
    s2 = (vertices @ tri_normals.reshape(3, -1)).reshape(n, m, k)
    separated = (s1.max(axis=1) < -eps).any(axis=0) | (s2.max(axis=0) < -eps).any(axis=0)
    within = s1.reshape(-1, k).min(axis=0) >= margin
    return _bools(~separated), _bools(within)


def polygons_vs_cap(
    tri: FloatArray,
    tri_normals: FloatArray,
    center: FloatArray,
    opening: float,
    eps: float = 0.0,
    margin: float = 0.0,
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Relate a batch of K convex polygons (``(3, m, K)``) to one cap.

    Parameters
    ----------
    opening
        Opening angle of the cap in radians, in ``[0, π]``.

    Returns
    -------
    overlap, within, contains
        Per polygon: may overlap the cap; lies within it; contains it.
    """
    overlap = _overlap_cap(tri, tri_normals, center, opening, eps)
    if opening <= 0.5 * math.pi:
        within = _bools(
            (center @ tri.reshape(3, -1)).reshape(tri.shape[1:]).min(axis=0)
            >= math.cos(opening) + margin
        )
        contains = _bools(
            (center @ tri_normals.reshape(3, -1)).reshape(tri.shape[1:]).min(axis=0)
            >= math.sin(opening) + margin
        )
    else:
        # The cap is not convex, but its complement is: within <=> misses the complement.
        within = ~_overlap_cap(tri, tri_normals, -center, math.pi - opening, margin)
        contains = np.zeros(tri.shape[2], dtype=bool)
    return overlap, within, contains


def _overlap_cap(
    tri: FloatArray, tri_normals: FloatArray, center: FloatArray, opening: float, eps: float
) -> BoolArray:
    shape = tri.shape[1:]
    cos_r = math.cos(opening)
    sin_r = math.sin(opening) if opening < 0.5 * math.pi else 1.0
    overlap = _bools(((center @ tri.reshape(3, -1)).reshape(shape) >= cos_r - eps).any(axis=0))
    side = (center @ tri_normals.reshape(3, -1)).reshape(shape)
    overlap |= side.min(axis=0) >= -eps
    if overlap.all():
        return overlap
    # Closest point of an edge's great circle to the center: is it on the arc, and near?
    cx, cy, cz = center.tolist()
    nx, ny, nz = tri_normals
    q = (cy * nz - cz * ny, cz * nx - cx * nz, cx * ny - cy * nx)  # center x normal
    along_a = tri[0] * q[0] + tri[1] * q[1] + tri[2] * q[2]
    following = tri[:, _next(shape[0])]
    along_b = following[0] * q[0] + following[1] * q[1] + following[2] * q[2]
    near = (along_a >= -eps) & (along_b <= eps) & (np.abs(side) <= sin_r + eps)
    return _bools(overlap | near.any(axis=0))


def caps_vs_cap(
    centers: FloatArray, openings: FloatArray, center: FloatArray, opening: float
) -> tuple[BoolArray, BoolArray]:
    """Relate K caps (centers ``(3, K)``) to one cap.

    Returns
    -------
    overlap, within
        Per cap: overlaps the cap; lies within it.
    """
    dist = np.arccos(np.clip(center @ centers, -1.0, 1.0))
    return _bools(dist <= openings + opening), _bools(dist + openings <= opening)


def polygon_bounding_cap(vertices: FloatArray) -> tuple[FloatArray, float]:
    """Return a cap (center, opening angle) holding a convex polygon."""
    center = vertices.sum(axis=0)
    norm = float(np.sqrt(center @ center))
    if norm < 1e-9:
        return np.array([0.0, 0.0, 1.0]), math.pi
    center /= norm
    opening = float(np.arccos(np.clip((vertices @ center).min(), -1.0, 1.0)))
    if opening >= 0.5 * math.pi:
        # A cap wider than a hemisphere is not convex: its vertices do not bound the edges.
        return center, math.pi
    return center, min(math.pi, opening * (1.0 + 1e-12) + 1e-15)


def caps_vs_polygon(
    centers: FloatArray, openings: FloatArray, vertices: FloatArray, normals: FloatArray
) -> tuple[BoolArray, BoolArray]:
    """Relate K caps (centers ``(3, K)``) to one convex polygon (``(n, 3)`` arrays).

    Returns
    -------
    overlap, within
        Per cap: overlaps the polygon; lies within it.
    """
    side = normals @ centers  # [i, k]: signed sine of the distance to edge i's great circle
    overlap = _bools(side.min(axis=0) >= 0.0)
    overlap |= (vertices @ centers >= np.cos(openings)).any(axis=0)
    # Closest point of edge i's great circle to center k: on the arc, and near enough?
    along_a = cross(normals, vertices) @ centers
    along_b = cross(vertices[_next(len(vertices))], normals) @ centers
    sin_r = np.where(openings < 0.5 * math.pi, np.sin(openings), 1.0)
    near = (along_a >= 0.0) & (along_b >= 0.0) & (np.abs(side) <= sin_r)
    overlap |= near.any(axis=0)
    within = (openings <= 0.5 * math.pi) & (side.min(axis=0) >= np.sin(openings))
    return overlap, _bools(within)
