"""Exact relationships between pairs of polygons, circles and boxes.

Each pair function returns what is known about the first region relative to
the second; `relate` dispatches, swapping the roles where needed. Regions are
closed, so touching regions overlap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ._angle import HALF_PI, TWO_PI
from ._box import Box
from ._circle import Circle
from ._geometry import FloatArray, cross, polygons_vs_cap, polygons_vs_polygon
from ._polygon import ConvexPolygon
from ._region import CONTAINS, DISJOINT, INTERSECTS, WITHIN, Region, Relationship, _invert

# Regions closer than this (radians, about 2 nano-arcseconds) count as touching, so
# identical or adjacent regions relate as they would in exact arithmetic.
_TOL = 1e-14
# Bounding boxes are padded by 1e-13 rad; containment between boxes allows for that.
_BOX_TOL = 1e-12


def _flags(overlap: bool, contains: bool, within: bool) -> Relationship:
    if not overlap:
        return DISJOINT
    result = INTERSECTS
    if contains:
        result |= CONTAINS
    if within:
        result |= WITHIN
    return result


def _is_full(region: Region) -> bool:
    return isinstance(region, Circle | Box) and region.isFull()


def relate(a: Region, b: Region) -> Relationship:
    """Return what is known about how region ``a`` relates to region ``b``."""
    if a.isEmpty():
        return DISJOINT | WITHIN | (CONTAINS if b.isEmpty() else INTERSECTS)
    if b.isEmpty():
        return DISJOINT | CONTAINS
    if _is_full(a) or _is_full(b):
        return _flags(True, _is_full(a), _is_full(b))
    func = _PAIRS.get((type(a), type(b)))
    if func is not None:
        return func(a, b)
    func = _PAIRS.get((type(b), type(a)))
    if func is not None:
        return _invert(func(b, a))
    # A compound region (or a subclass) knows how to relate its operands.
    if type(b) not in _SIMPLE:
        return _invert(b.relate(a))
    return a.relate(b)


def _polygon_polygon(a: ConvexPolygon, b: ConvexPolygon) -> Relationship:
    overlap, within, contains = polygons_vs_polygon(
        a._vertices.T[:, :, None], a.normals.T[:, :, None], b._vertices, b.normals, _TOL, -_TOL
    )
    return _flags(bool(overlap[0]), bool(contains[0]), bool(within[0]))


def _polygon_circle(p: ConvexPolygon, c: Circle) -> Relationship:
    overlap, within, contains = polygons_vs_cap(
        p._vertices.T[:, :, None], p.normals.T[:, :, None], c._center, c._opening, _TOL, -_TOL
    )
    return _flags(bool(overlap[0]), bool(contains[0]), bool(within[0]))


def _circle_circle(a: Circle, b: Circle) -> Relationship:
    d = math.atan2(
        float(np.linalg.norm(np.cross(a._center, b._center))), float(a._center @ b._center)
    )
    ra, rb = a._opening, b._opening
    return _flags(d <= ra + rb, d + rb <= ra, d + ra <= rb)


def _lon_overlap(a: Box, b: Box) -> bool:
    if a.lon_full() or b.lon_full():
        return True
    return bool(a.lon_contains(np.array(b._lon_a)) or b.lon_contains(np.array(a._lon_a)))


def _lon_contains(a: Box, b: Box) -> bool:
    if a.lon_full():
        return True
    if b.lon_full():
        return False
    start = (b._lon_a - a._lon_a + _BOX_TOL) % TWO_PI - _BOX_TOL
    return start >= -_BOX_TOL and start + b.lon_width() <= a.lon_width() + _BOX_TOL


def _box_box(a: Box, b: Box) -> Relationship:
    low, high = max(a._lat_a, b._lat_a), min(a._lat_b, b._lat_b)
    overlap = low <= high and (_lon_overlap(a, b) or high >= HALF_PI or low <= -HALF_PI)
    contains = (
        a._lat_a <= b._lat_a + _BOX_TOL and b._lat_b <= a._lat_b + _BOX_TOL and _lon_contains(a, b)
    )
    within = (
        b._lat_a <= a._lat_a + _BOX_TOL and a._lat_b <= b._lat_b + _BOX_TOL and _lon_contains(b, a)
    )
    return _flags(overlap, contains, within)


def _circle_box(c: Circle, b: Box) -> Relationship:
    center = c._center[None, :]
    overlap = float(b.distance_to(center)[0]) <= c._opening
    contains = math.pi - float(b.distance_to(-center)[0]) <= c._opening
    within = bool(_box_box(c.getBoundingBox(), b) & WITHIN)
    return _flags(overlap, contains, within)


def _xyz(lon: float, lat: float) -> FloatArray:
    return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])


def _on_edges(points: FloatArray, p: ConvexPolygon) -> Any:
    """Return, for points on each edge's great circle, whether they lie on the edge arc."""
    v, n = p._vertices, p.normals
    return (np.einsum("ij,ij->i", points, cross(n, v)) >= 0.0) & (
        np.einsum("ij,ij->i", points, cross(np.roll(v, -1, axis=0), n)) >= 0.0
    )


def _edges_cross_box_boundary(p: ConvexPolygon, b: Box) -> bool:
    n = p.normals
    for meridian_lon in (b._lon_a, b._lon_b):
        outward = np.array([math.cos(meridian_lon), math.sin(meridian_lon), 0.0])
        meridian = np.array([-math.sin(meridian_lon), math.cos(meridian_lon), 0.0])
        d = cross(n, np.broadcast_to(meridian, n.shape))
        for x in (d, -d):
            x_lat = np.arctan2(x[:, 2], np.hypot(x[:, 0], x[:, 1]))
            hit = (
                _on_edges(x, p)
                & (x @ outward >= 0.0)
                & (x_lat >= b._lat_a)
                & (x_lat <= b._lat_b)
                & (np.einsum("ij,ij->i", x, x) > 0.0)
            )
            if hit.any():
                return True
    horizontal = np.hypot(n[:, 0], n[:, 1])
    alpha = np.arctan2(n[:, 1], n[:, 0])
    for lat in (b._lat_a, b._lat_b):
        if abs(lat) >= HALF_PI:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = -n[:, 2] * math.tan(lat) / horizontal
        valid = np.isfinite(ratio) & (np.abs(ratio) <= 1.0)
        if not valid.any():
            continue
        spread = np.arccos(np.clip(ratio, -1.0, 1.0))
        for lon in (alpha + spread, alpha - spread):
            x = np.stack(
                [
                    math.cos(lat) * np.cos(lon),
                    math.cos(lat) * np.sin(lon),
                    np.full(lon.shape, math.sin(lat)),
                ],
                axis=-1,
            )
            hit = valid & _on_edges(x, p) & b.lon_contains(np.remainder(lon, TWO_PI))
            if hit.any():
                return True
    return False


def _polygon_contains_box(p: ConvexPolygon, b: Box) -> bool:
    n = p.normals
    if b._contains_points(-n).any():
        return False
    corners = np.array(
        [_xyz(lon, lat) for lon in (b._lon_a, b._lon_b) for lat in (b._lat_a, b._lat_b)]
    )
    lowest = (n @ corners.T).min(axis=1)
    for lon in (b._lon_a, b._lon_b):
        h = n[:, 0] * math.cos(lon) + n[:, 1] * math.sin(lon)
        low_lat = np.arctan2(-n[:, 2], -h)
        inside = (low_lat >= b._lat_a) & (low_lat <= b._lat_b)
        lowest = np.where(inside, np.minimum(lowest, -np.hypot(h, n[:, 2])), lowest)
    horizontal = np.hypot(n[:, 0], n[:, 1])
    low_lon = np.remainder(np.arctan2(-n[:, 1], -n[:, 0]), TWO_PI)
    inside = b.lon_contains(low_lon)
    for lat in (b._lat_a, b._lat_b):
        value = -math.cos(lat) * horizontal + n[:, 2] * math.sin(lat)
        lowest = np.where(inside, np.minimum(lowest, value), lowest)
    return bool((lowest >= -_TOL).all())


def _polygon_box(p: ConvexPolygon, b: Box) -> Relationship:
    circle = p.getBoundingCircle()
    if float(b.distance_to(circle._center[None, :])[0]) > circle._opening:
        return DISJOINT
    corners = np.array(
        [_xyz(lon, lat) for lon in (b._lon_a, b._lon_b) for lat in (b._lat_a, b._lat_b)]
    )
    overlap = bool(
        b._contains_points(p._vertices).any()
        or p._contains_points(corners).any()
        or _edges_cross_box_boundary(p, b)
    )
    if not overlap:
        return DISJOINT
    within = bool(_box_box(p.getBoundingBox(), b) & WITHIN)
    return _flags(True, _polygon_contains_box(p, b), within)


_SIMPLE = (ConvexPolygon, Circle, Box)
_PAIRS: dict[tuple[type[Region], type[Region]], Callable[[Any, Any], Relationship]] = {
    (ConvexPolygon, ConvexPolygon): _polygon_polygon,
    (ConvexPolygon, Circle): _polygon_circle,
    (ConvexPolygon, Box): _polygon_box,
    (Circle, Circle): _circle_circle,
    (Circle, Box): _circle_box,
    (Box, Box): _box_box,
}
