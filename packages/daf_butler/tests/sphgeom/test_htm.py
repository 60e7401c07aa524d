"""Tests of the HTM pixelization against properties of the standard numbering."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skybutler.daf_butler.errors import RegionError
from skybutler.daf_butler.sphgeom import (
    Angle,
    Circle,
    ConvexPolygon,
    HtmPixelization,
    LonLat,
    RangeSet,
    UnitVector3d,
)

LEVELS = [0, 1, 3, 7, 12, 20, 24]


def _random_points(count: int, seed: int) -> np.ndarray:
    points = np.random.default_rng(seed).normal(size=(count, 3))
    return points / np.linalg.norm(points, axis=1)[:, None]


def _center(polygon: ConvexPolygon) -> UnitVector3d:
    return UnitVector3d(*np.sum([tuple(v) for v in polygon.getVertices()], axis=0))


def test_level_zero_octants() -> None:
    """The eight octahedron faces: S0..S3 = 8..11 below the equator, N0..N3 = 12..15 above."""
    htm = HtmPixelization(0)
    # Standard root trixels (vertices v0 = +z, v1 = +x, v2 = +y, v3 = -x, v4 = -y, v5 = -z):
    # S0 = (v1, v5, v2), S1 = (v2, v5, v3), S2 = (v3, v5, v4), S3 = (v4, v5, v1),
    # N0 = (v1, v0, v4), N1 = (v4, v0, v3), N2 = (v3, v0, v2), N3 = (v2, v0, v1).
    octants = {
        (1, 1, -1): 8,
        (-1, 1, -1): 9,
        (-1, -1, -1): 10,
        (1, -1, -1): 11,
        (1, -1, 1): 12,
        (-1, -1, 1): 13,
        (-1, 1, 1): 14,
        (1, 1, 1): 15,
    }
    for signs, index in octants.items():
        assert htm.index(UnitVector3d(*signs)) == index
        assert htm.pixel(index).contains(UnitVector3d(*signs))
    assert htm.index(UnitVector3d.Z()) in range(12, 16)
    assert htm.index(-UnitVector3d.Z()) in range(8, 12)
    assert htm.universe() == RangeSet(8, 16)


def test_north_pole_stays_in_northern_trixels() -> None:
    for level in LEVELS:
        index = HtmPixelization(level).index(UnitVector3d.Z())
        root = index >> (2 * level)
        assert 12 <= root <= 15
        assert 8 << (2 * level) <= index < 16 << (2 * level)


def test_center_of_a_trixel_is_in_its_middle_child() -> None:
    # By symmetry the center of N3 = (+y, +z, +x) lies in child 3, the middle triangle.
    assert HtmPixelization(1).index(UnitVector3d(1, 1, 1)) == 15 * 4 + 3
    assert HtmPixelization(1).toString(63) == "N33"


@pytest.mark.parametrize("level", LEVELS, ids=lambda level: f"level{level}")
def test_indices_in_range_and_consistent(level: int) -> None:
    htm = HtmPixelization(level)
    points = _random_points(300, level)
    indices = htm.index_array(points)
    assert ((indices >= 8 << (2 * level)) & (indices < 16 << (2 * level))).all()
    assert indices.tolist() == [htm.index(UnitVector3d(*p)) for p in points]
    for p, index in zip(points[:40], indices[:40], strict=True):
        assert htm.pixel(int(index)).contains(UnitVector3d(*p))
    assert htm.universe().cardinality() == 8 * 4**level


@pytest.mark.parametrize("level", [1, 4, 9, 15, 24], ids=lambda level: f"level{level}")
def test_pixel_contains_its_center_and_indexes_back(level: int) -> None:
    htm = HtmPixelization(level)
    rng = np.random.default_rng(level)
    for index in rng.integers(8 << (2 * level), 16 << (2 * level), size=25).tolist():
        polygon = htm.pixel(index)
        center = _center(polygon)
        assert polygon.contains(center)
        assert htm.index(center) == index
        assert len(polygon.getVertices()) == 3


@pytest.mark.parametrize("level", [0, 2, 5, 10, 23], ids=lambda level: f"level{level}")
def test_children_are_four_p_to_four_p_plus_three_and_inside(level: int) -> None:
    rng = np.random.default_rng(level + 100)
    for parent in rng.integers(8 << (2 * level), 16 << (2 * level), size=10).tolist():
        outer = HtmPixelization.triangle(parent)
        normals = np.array(
            [
                tuple(a.robustCross(b))
                for a, b in zip(
                    outer.getVertices(),
                    outer.getVertices()[1:] + outer.getVertices()[:1],
                    strict=True,
                )
            ]
        )
        for k in range(4):
            child = HtmPixelization.triangle(4 * parent + k)
            assert HtmPixelization.level(4 * parent + k) == level + 1
            vertices = np.array([tuple(v) for v in child.getVertices()])
            # Child corners lie inside or on the edges of the parent.
            scale = np.linalg.norm(normals, axis=1)
            assert (vertices @ normals.T / scale >= -1e-13).all()
            assert HtmPixelization(level + 1).index(_center(child)) == 4 * parent + k
            assert HtmPixelization(level).index(_center(child)) == parent


def test_children_cover_the_parent_area() -> None:
    parent = HtmPixelization.triangle(12 * 4 + 2)
    points = _random_points(4000, 7)
    inside = points[parent.contains(points)]
    children = HtmPixelization(2).index_array(inside)
    assert set(children.tolist()) == {4 * 50 + k for k in range(4)}


def test_names() -> None:
    assert HtmPixelization.asString(8) == "S0"
    assert HtmPixelization.asString(15) == "N3"
    index = ((13 * 4 + 2) * 4 + 1) * 4 + 0
    assert HtmPixelization.asString(index) == "N1210"
    assert HtmPixelization(3).toString(index) == "N1210"
    with pytest.raises(RegionError, match="not an HTM trixel"):
        HtmPixelization.asString(3)


@pytest.mark.parametrize(
    ("index", "level"),
    [
        (8, 0),
        (15, 0),
        (32, 1),
        (63, 1),
        (128, 2),
        (7, -1),
        (16, -1),
        (64, -1),
        (0, -1),
        (16 << 48, -1),
    ],
    ids=str,
)
def test_level_of_index(index: int, level: int) -> None:
    assert HtmPixelization.level(index) == level


def test_wrong_level_and_bad_levels() -> None:
    with pytest.raises(RegionError, match="not a level-3 HTM index"):
        HtmPixelization(3).pixel(16)
    with pytest.raises(RegionError, match="out of range"):
        HtmPixelization(25)
    with pytest.raises(RegionError, match="must be an integer"):
        HtmPixelization(2.0)  # type: ignore[arg-type]
    assert HtmPixelization(7) == HtmPixelization(7)
    assert HtmPixelization(7) != HtmPixelization(8)
    assert repr(HtmPixelization(7)) == "HtmPixelization(7)"
    assert HtmPixelization(7).getLevel() == 7


def test_envelope_and_interior_of_a_trixel() -> None:
    htm = HtmPixelization(6)
    index = htm.index(UnitVector3d(LonLat.fromDegrees(30, 40)))
    trixel = htm.pixel(index)
    assert index in htm.envelope(trixel)
    fine = HtmPixelization(8)
    # The 16 level-8 descendants fill the trixel, so they make up its interior.
    assert fine.interior(trixel) == RangeSet(index << 4, (index + 1) << 4)
    assert fine.envelope(trixel).contains(RangeSet(index << 4, (index + 1) << 4))


def test_envelope_of_small_circle_is_small() -> None:
    htm = HtmPixelization(7)
    circle = Circle(UnitVector3d(LonLat.fromDegrees(150, -30)), Angle.fromDegrees(0.05))
    envelope = htm.envelope(circle)
    assert 1 <= envelope.cardinality() <= 4
    assert htm.index(circle.getCenter()) in envelope
    assert htm.interior(circle).isEmpty()


def test_big_region_envelope_is_near_universe() -> None:
    htm = HtmPixelization(3)
    assert htm.envelope(Circle.full()) == htm.universe()
    assert htm.interior(Circle.full()) == htm.universe()
    hemisphere = Circle(UnitVector3d.Z(), Angle(math.pi / 2))
    # The equator is made of HTM edges: the northern trixels N0..N3 fill the hemisphere.
    northern = RangeSet(12 << 6, 16 << 6)
    assert htm.interior(hemisphere) == northern
    envelope = htm.envelope(hemisphere)
    assert envelope.contains(northern)
    # ... and the envelope adds the southern trixels touching the equator, not all of them.
    assert northern.cardinality() < envelope.cardinality() < htm.universe().cardinality()
