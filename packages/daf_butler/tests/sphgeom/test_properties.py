"""Property-based tests of region relationships and pixel envelopes."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from skybutler.daf_butler.sphgeom import (
    CONTAINS,
    DISJOINT,
    WITHIN,
    Angle,
    Box,
    Circle,
    ConvexPolygon,
    HealpixPixelization,
    HtmPixelization,
    Region,
    UnionRegion,
    UnitVector3d,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

lons = st.floats(0.0, 360.0, exclude_max=True)
lats = st.floats(-90.0, 90.0)


def _cap_points(center: np.ndarray, opening: float, count: int, seed: int) -> np.ndarray:
    """Return points spread uniformly over a cap."""
    rng = np.random.default_rng(seed)
    z = 1.0 - rng.random(count) * (1.0 - math.cos(min(opening, math.pi)))
    phi = rng.random(count) * 2 * math.pi
    r = np.sqrt(np.maximum(0.0, 1.0 - z * z))
    helper = np.array([1.0, 0.0, 0.0]) if abs(center[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(center, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(center, e1)
    points = np.outer(r * np.cos(phi), e1) + np.outer(r * np.sin(phi), e2) + np.outer(z, center)
    return points / np.linalg.norm(points, axis=1)[:, None]


def sample_inside(region: Region, seed: int, count: int = 400) -> np.ndarray:
    """Return random points inside a region (found by rejection from its bounding circle)."""
    bound = region.getBoundingCircle()
    center = np.array(tuple(bound.getCenter()))
    points = _cap_points(center, bound.getOpeningAngle().asRadians(), count, seed)
    return points[region.contains(points)]


@st.composite
def polygons(draw: st.DrawFn, max_radius: float = 30.0) -> ConvexPolygon:
    center = UnitVector3d.fromDegrees(draw(lons), draw(lats))
    radius = math.radians(draw(st.floats(0.001, max_radius)))
    count = draw(st.integers(3, 8))
    seed = draw(st.integers(0, 2**16))
    c = np.array(tuple(center))
    # Points on the rim of a cap (plus some inside) give a well-shaped hull.
    rim = _cap_points(c, radius, count, seed)
    polygon = ConvexPolygon.convexHull([UnitVector3d(*p) for p in rim])
    assume(polygon is not None)
    assert polygon is not None
    return polygon


@st.composite
def circles(draw: st.DrawFn, max_radius: float = 100.0) -> Circle:
    center = UnitVector3d.fromDegrees(draw(lons), draw(lats))
    return Circle(center, Angle.fromDegrees(draw(st.floats(0.001, max_radius))))


@st.composite
def boxes(draw: st.DrawFn, max_size: float = 360.0) -> Box:
    lon = draw(lons)
    lat = draw(st.floats(-90.0, 89.0))
    width = draw(st.floats(0.01, max_size))
    height = draw(st.floats(0.01, min(max_size, 180.0)))
    return Box.fromDegrees(lon, lat, lon + width, min(90.0, lat + height))


regions = st.one_of(polygons(), circles(), boxes())
small_regions = st.one_of(polygons(8.0), circles(8.0), boxes(10.0))
seeds = st.integers(0, 2**32 - 1)


def _swap(relationship: int) -> int:
    result = relationship & DISJOINT
    if relationship & CONTAINS:
        result |= WITHIN
    if relationship & WITHIN:
        result |= CONTAINS
    return result


@SETTINGS
@given(regions, regions)
def test_overlap_is_symmetric(a: Region, b: Region) -> None:
    assert a.overlaps(b) == b.overlaps(a)
    assert a.relate(b) == _swap(b.relate(a))


@st.composite
def nearby_polygons(draw: st.DrawFn) -> ConvexPolygon:
    """Polygons in one small patch of sky, so that pairs often touch or overlap."""
    center = UnitVector3d.fromDegrees(draw(st.floats(0, 3)), draw(st.floats(0, 3)))
    rim = _cap_points(
        np.array(tuple(center)),
        math.radians(draw(st.floats(0.1, 2.0))),
        draw(st.integers(3, 6)),
        draw(st.integers(0, 2**16)),
    )
    polygon = ConvexPolygon.convexHull([UnitVector3d(*p) for p in rim])
    assume(polygon is not None)
    assert polygon is not None
    return polygon


@SETTINGS
@given(nearby_polygons(), nearby_polygons(), seeds)
def test_polygon_overlaps_matches_relate(a: ConvexPolygon, b: ConvexPolygon, seed: int) -> None:
    assert a.overlaps(b) == (not a.relate(b) & DISJOINT) == b.overlaps(a)
    inside_a = sample_inside(a, seed)
    if b.contains(inside_a).any():
        assert a.overlaps(b)


@SETTINGS
@given(regions, regions, seeds)
def test_relate_agrees_with_points(a: Region, b: Region, seed: int) -> None:
    relation = a.relate(b)
    inside_a = sample_inside(a, seed)
    inside_b = sample_inside(b, seed + 1)
    shared = np.concatenate([inside_a[b.contains(inside_a)], inside_b[a.contains(inside_b)]])
    if len(shared):
        assert not relation & DISJOINT
        assert a.overlaps(b)
    if relation & CONTAINS:
        assert a.contains(inside_b).all()
        assert a.contains(b)
    if relation & WITHIN:
        assert b.contains(inside_a).all()
        assert a.isWithin(b)
    if relation & DISJOINT:
        assert not b.contains(inside_a).any()
        assert not a.contains(inside_b).any()


@SETTINGS
@given(regions, seeds)
def test_bounds_hold_the_region(region: Region, seed: int) -> None:
    points = sample_inside(region, seed)
    assert region.getBoundingCircle().contains(points).all()
    assert region.getBoundingBox().contains(points).all()
    assert region.getBoundingBox().relate(region) & CONTAINS
    assert region.getBoundingCircle().contains(region)


@SETTINGS
@given(small_regions, st.sampled_from([2, 5, 8, 10]), seeds)
def test_htm_envelope_covers_and_interior_is_inside(region: Region, level: int, seed: int) -> None:
    htm = HtmPixelization(level)
    envelope = htm.envelope(region)
    points = sample_inside(region, seed)
    assert envelope.contains_values(htm.index_array(points)).all()
    interior = htm.interior(region)
    assert envelope.contains(interior)
    rng = np.random.default_rng(seed)
    indices = [i for begin, end in interior for i in range(begin, min(end, begin + 5))][:15]
    for index in indices:
        corners = np.array([tuple(v) for v in htm.pixel(index).getVertices()])
        weights = rng.random((20, 3))
        inner = weights @ corners
        inner /= np.linalg.norm(inner, axis=1)[:, None]
        # (Corners may sit on the region's edge, within the documented 1e-12 rad slack.)
        assert region.contains(inner).all()


@SETTINGS
@given(regions, st.sampled_from([0, 1, 3]), seeds)
def test_big_region_envelopes_cover(region: Region, level: int, seed: int) -> None:
    points = sample_inside(region, seed)
    for pixelization in (HtmPixelization(level), HealpixPixelization(level)):
        envelope = pixelization.envelope(region)
        assert envelope.contains_values(pixelization.index_array(points)).all()
        assert envelope.contains(pixelization.interior(region))
    htm = HtmPixelization(level)
    rng = np.random.default_rng(seed)
    for begin, end in htm.interior(region):
        for index in range(begin, min(end, begin + 3)):
            corners = np.array([tuple(v) for v in htm.pixel(index).getVertices()])
            inner = rng.random((30, 3)) @ corners
            inner /= np.linalg.norm(inner, axis=1)[:, None]
            assert region.contains(inner).all()


@SETTINGS
@given(small_regions, st.sampled_from([1, 4, 7]), seeds)
def test_healpix_envelope_covers_and_interior_is_inside(
    region: Region, level: int, seed: int
) -> None:
    import astropy_healpix

    healpix = HealpixPixelization(level)
    envelope = healpix.envelope(region)
    points = sample_inside(region, seed)
    assert envelope.contains_values(healpix.index_array(points)).all()
    interior = healpix.interior(region)
    assert envelope.contains(interior)
    rng = np.random.default_rng(seed)
    indices = [i for begin, end in interior for i in range(begin, min(end, begin + 5))][:15]
    for index in indices:
        dx, dy = rng.random(30), rng.random(30)
        x, y, z = astropy_healpix.healpix_to_xyz(
            np.full(30, index), 2**level, dx, dy, order="nested"
        )
        assert region.contains(np.stack([x, y, z], axis=1)).all()


@SETTINGS
@given(st.lists(small_regions, min_size=1, max_size=3), seeds)
def test_union_envelope_covers(operands: list[Region], seed: int) -> None:
    union = UnionRegion(*operands)
    htm = HtmPixelization(6)
    envelope = htm.envelope(union)
    for operand in operands:
        points = sample_inside(operand, seed)
        assert union.contains(points).all()
        assert envelope.contains_values(htm.index_array(points)).all()


@SETTINGS
@given(regions)
def test_encoding_round_trip(region: Region) -> None:
    decoded = Region.decode(region.encode())
    assert decoded == region
    assert decoded.relate(region) & CONTAINS
