"""Tests of region containment and relationships on hand-made cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from skybutler.daf_butler.errors import RegionError
from skybutler.daf_butler.sphgeom import (
    CONTAINS,
    DISJOINT,
    INTERSECTS,
    WITHIN,
    Angle,
    Box,
    Circle,
    ConvexPolygon,
    IntersectionRegion,
    LonLat,
    Region,
    Relationship,
    UnionRegion,
    UnitVector3d,
)


def square(lon: float, lat: float, size: float) -> ConvexPolygon:
    return ConvexPolygon.fromDegrees(
        (lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)
    )


def circle(lon: float, lat: float, radius: float) -> Circle:
    return Circle(UnitVector3d.fromDegrees(lon, lat), Angle.fromDegrees(radius))


def point(lon: float, lat: float) -> UnitVector3d:
    return UnitVector3d.fromDegrees(lon, lat)


def test_relationship_values_follow_sphgeom() -> None:
    assert (int(INTERSECTS), int(DISJOINT), int(CONTAINS), int(WITHIN)) == (0, 1, 2, 4)
    assert Relationship.DISJOINT is DISJOINT


# ---------------------------------------------------------------- polygons


def test_convex_hull_orders_counter_clockwise() -> None:
    points = [point(0, 0), point(1, 1), point(1, 0), point(0, 1), point(0.5, 0.5)]
    polygon = ConvexPolygon(points)
    vertices = polygon.getVertices()
    assert len(vertices) == 4  # the inner point is dropped
    for i in range(4):
        a, b, c = vertices[i], vertices[(i + 1) % 4], vertices[(i + 2) % 4]
        assert a.cross(b).dot(c) > 0
    assert polygon.contains(point(0.5, 0.5))
    assert polygon.contains(polygon.getCentroid())


@pytest.mark.parametrize(
    "points",
    [
        [point(0, 0), point(1, 0)],
        [point(0, 0), point(1, 0), point(2, 0)],
        [UnitVector3d.X(), -UnitVector3d.X(), UnitVector3d.Y()],
    ],
    ids=["two-points", "collinear", "not-in-hemisphere"],
)
def test_degenerate_hulls(points: list[UnitVector3d]) -> None:
    assert ConvexPolygon.convexHull(points) is None
    with pytest.raises(RegionError, match="ConvexPolygon"):
        ConvexPolygon(points)


def test_polygon_contains_points_in_every_form() -> None:
    polygon = square(10, 10, 2)
    assert polygon.contains(point(11, 11))
    assert polygon.contains(LonLat.fromDegrees(11, 11))
    assert not polygon.contains(point(13, 11))
    lon = np.radians([11.0, 13.0])
    lat = np.radians([11.0, 11.0])
    assert polygon.contains(lon, lat).tolist() == [True, False]
    xyz = np.array([[*point(11, 11)], [*point(13, 11)]])
    assert polygon.contains(xyz).tolist() == [True, False]
    assert polygon.contains(xyz[:, 0], xyz[:, 1], xyz[:, 2]).tolist() == [True, False]
    with pytest.raises(RegionError, match="contains"):
        polygon.contains(1, 2, 3, 4)


def test_polygon_relations() -> None:
    big, small, far = square(10, 10, 4), square(11, 11, 1), square(30, 30, 1)
    assert big.relate(small) == CONTAINS
    assert small.relate(big) == WITHIN
    assert big.relate(far) == DISJOINT
    assert big.relate(big) == CONTAINS | WITHIN
    assert big.relate(square(13, 13, 2)) == INTERSECTS
    assert big.contains(small)
    assert small.isWithin(big)
    assert big.isDisjointFrom(far)
    assert big.intersects(square(13, 13, 2))


def test_polygons_sharing_an_edge_overlap() -> None:
    left, right = square(10, 10, 1), square(11, 10, 1)
    assert left.overlaps(right)
    assert right.overlaps(left)
    assert not left.overlaps(square(11.0001, 10, 1))


def test_crossing_polygons_without_inner_vertices() -> None:
    # A plus sign: neither polygon has a vertex inside the other.
    wide = ConvexPolygon.fromDegrees((0, 0.4), (3, 0.4), (3, 0.6), (0, 0.6))
    tall = ConvexPolygon.fromDegrees((1.4, -1), (1.6, -1), (1.6, 2), (1.4, 2))
    assert wide.overlaps(tall)
    assert tall.relate(wide) == INTERSECTS


def test_polygon_bounds() -> None:
    polygon = square(350, 60, 20)  # wraps through longitude 0 and bulges north
    box = polygon.getBoundingBox()
    assert box.getLon().wraps()
    for vertex in polygon.getVertices():
        assert box.contains(vertex)
    # The northern edge is a great circle arc, which bulges above its end points.
    assert box.getLat().getB().asDegrees() > 80
    assert polygon.getBoundingCircle().contains(polygon)
    polar = ConvexPolygon.fromDegrees((0, 80), (120, 80), (240, 80))
    assert polar.getBoundingBox().getLon().isFull()


# ---------------------------------------------------------------- circles


def test_circle_basics() -> None:
    c = circle(0, 0, 10)
    assert c.contains(point(9.99, 0))
    assert not c.contains(point(10.01, 0))
    assert c.getOpeningAngle().asDegrees() == pytest.approx(10)
    assert Circle.openingAngleFor(c.getSquaredChordLength()).asDegrees() == pytest.approx(10)
    assert Circle(UnitVector3d.X(), 2.0).getOpeningAngle().asDegrees() == pytest.approx(90)
    assert Circle.empty().isEmpty()
    assert Circle(UnitVector3d.X(), Angle(-1)).isEmpty()
    assert Circle.full().isFull()
    assert Circle(UnitVector3d.X(), Angle(4.0)).isFull()
    assert c.dilatedBy(Angle.fromDegrees(5)).getOpeningAngle().asDegrees() == pytest.approx(15)
    assert not Circle.empty().contains(UnitVector3d.X())
    assert Circle.full().contains(UnitVector3d.X())
    with pytest.raises(RegionError, match="number"):
        Circle(UnitVector3d.X(), math.nan)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 0, 10), (5, 0, 2), CONTAINS),
        ((5, 0, 2), (0, 0, 10), WITHIN),
        ((0, 0, 5), (20, 0, 5), DISJOINT),
        ((0, 0, 5), (9, 0, 5), INTERSECTS),
        ((0, 0, 5), (10, 0, 5), INTERSECTS),  # touching
        ((0, 0, 5), (0, 0, 5), CONTAINS | WITHIN),
        ((0, 0, 170), (180, 0, 5), DISJOINT),
    ],
    ids=["contains", "within", "disjoint", "intersects", "touching", "equal", "big"],
)
def test_circle_relations(
    a: tuple[float, float, float], b: tuple[float, float, float], expected: Relationship
) -> None:
    assert circle(*a).relate(circle(*b)) == expected


def test_circle_and_polygon() -> None:
    polygon = square(10, 10, 2)
    assert polygon.relate(circle(11, 11, 0.5)) == CONTAINS
    assert circle(11, 11, 5).relate(polygon) == CONTAINS
    assert circle(14, 11, 1).relate(polygon) == DISJOINT
    # The circle misses every vertex and the polygon misses the center: an edge cuts it.
    assert circle(11, 9.5, 0.6).relate(polygon) == INTERSECTS
    # A circle wider than a hemisphere holds a polygon only if its hole (the cap
    # around the antipode of its center) misses the polygon.
    hole_at_polygon = Circle(UnitVector3d.fromDegrees(191, -11), Angle.fromDegrees(170))
    assert hole_at_polygon.relate(polygon) == DISJOINT
    hole_north = Circle(UnitVector3d.fromDegrees(191, -35), Angle.fromDegrees(160))
    assert hole_north.relate(polygon) == CONTAINS
    hole_touching = Circle(UnitVector3d.fromDegrees(191, -35), Angle.fromDegrees(155))
    assert hole_touching.relate(polygon) == INTERSECTS


def test_circle_bounding_box() -> None:
    box = circle(100, 20, 5).getBoundingBox()
    assert box.getLat().getA().asDegrees() == pytest.approx(15)
    assert box.getLat().getB().asDegrees() == pytest.approx(25)
    assert box.contains(point(100 + 5 / math.cos(math.radians(20)) * 0.99, 20))
    assert circle(0, 85, 10).getBoundingBox().getLon().isFull()
    assert Circle.empty().getBoundingBox().isEmpty()


# ---------------------------------------------------------------- boxes


def test_box_basics() -> None:
    box = Box.fromDegrees(350, -5, 10, 5)
    assert box.contains(point(0, 0))
    assert box.contains(point(350, 5))  # closed
    assert not box.contains(point(20, 0))
    assert box.getWidth().asDegrees() == pytest.approx(20)
    assert box.getHeight().asDegrees() == pytest.approx(10)
    assert box.getCenter().getLon().asDegrees() == pytest.approx(0, abs=1e-9)
    assert Box(LonLat.fromDegrees(10, 10), LonLat.fromDegrees(20, 20)) == Box.fromDegrees(
        10, 10, 20, 20
    )
    around = Box(LonLat.fromDegrees(15, 0), Angle.fromDegrees(5), Angle.fromDegrees(1))
    assert around.getLon().getA().asDegrees() == pytest.approx(10)
    assert around.getLon().getB().asDegrees() == pytest.approx(20)
    assert around.getLat().getB().asDegrees() == pytest.approx(1)
    assert Box(LonLat.fromDegrees(15, 0)).contains(point(15, 0))
    assert Box.full().isFull()
    assert Box.empty().isEmpty()
    assert Box.fromDegrees(0, 10, 10, 5).isEmpty()
    assert Box.fromDegrees(0, 80, 360, 90).contains(UnitVector3d.Z())
    with pytest.raises(TypeError, match="Box takes"):
        Box(1.0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 0, 10, 10), (2, 2, 4, 4), CONTAINS),
        ((0, 0, 10, 10), (20, 0, 30, 10), DISJOINT),
        ((0, 0, 10, 10), (10, 10, 20, 20), INTERSECTS),
        ((350, 0, 10, 10), (5, 5, 20, 20), INTERSECTS),
        ((350, 0, 10, 10), (355, 1, 5, 2), CONTAINS),
        ((0, 80, 10, 90), (180, 85, 190, 90), INTERSECTS),  # both hold the north pole
        ((0, 0, 10, 10), (0, 0, 10, 10), CONTAINS | WITHIN),
    ],
    ids=["contains", "disjoint", "corner", "wrapping", "wrapping-contains", "pole", "equal"],
)
def test_box_relations(
    a: tuple[float, float, float, float],
    b: tuple[float, float, float, float],
    expected: Relationship,
) -> None:
    assert Box.fromDegrees(*a).relate(Box.fromDegrees(*b)) == expected


def test_box_and_polygon() -> None:
    box = Box.fromDegrees(10, 10, 12, 12)
    assert square(10, 10, 1.5).relate(box) == WITHIN
    assert box.relate(square(10.5, 10.5, 1)) == CONTAINS
    assert square(9, 9, 4).relate(box) == CONTAINS
    assert square(13, 13, 1).relate(box) == DISJOINT
    # Edges cross with no vertex of either inside the other.
    plus = ConvexPolygon.fromDegrees((9, 10.9), (13, 10.9), (13, 11.1), (9, 11.1))
    assert plus.relate(box) == INTERSECTS
    # A polygon edge passing just above a box's top parallel: the arc bulges north.
    arc = ConvexPolygon.fromDegrees((0, 60.1), (40, 60.1), (20, 70))
    assert arc.relate(Box.fromDegrees(15, 55, 25, 60)) == DISJOINT
    assert arc.relate(Box.fromDegrees(15, 55, 25, 62)) == INTERSECTS


def test_box_and_circle() -> None:
    box = Box.fromDegrees(10, 10, 12, 12)
    assert circle(11, 11, 0.5).relate(box) == WITHIN
    assert circle(11, 11, 5).relate(box) == CONTAINS
    assert circle(20, 11, 1).relate(box) == DISJOINT
    assert circle(12.5, 11, 0.6).relate(box) == INTERSECTS
    # Near a corner: the distance is to the corner, about 2.1 degrees.
    assert circle(13.5, 13.5, 2.2).overlaps(box)
    assert not circle(13.5, 13.5, 2.0).overlaps(box)
    bound = box.getBoundingCircle()
    assert bound.relate(box) & CONTAINS


# ---------------------------------------------------------------- empty, full, compound


@pytest.mark.parametrize(
    "other", [square(0, 0, 1), circle(0, 0, 1), Box.fromDegrees(0, 0, 1, 1)], ids=str
)
def test_empty_and_full(other: Region) -> None:
    for empty in (Circle.empty(), Box.empty()):
        assert empty.relate(other) == DISJOINT | WITHIN
        assert other.relate(empty) == DISJOINT | CONTAINS
        assert not empty.overlaps(other)
    for full in (Circle.full(), Box.full()):
        assert full.relate(other) == CONTAINS
        assert other.relate(full) == WITHIN
    assert Circle.empty().relate(Box.empty()) == DISJOINT | WITHIN | CONTAINS


def test_union_region() -> None:
    union = UnionRegion(square(0, 0, 1), circle(10, 0, 1))
    assert union.contains(point(0.5, 0.5))
    assert union.contains(point(10, 0))
    assert not union.contains(point(5, 0))
    assert union.relate(circle(5, 0, 1)) == DISJOINT
    assert union.relate(circle(10, 0, 0.1)) == CONTAINS
    assert union.relate(Box.fromDegrees(-5, -5, 15, 5)) == WITHIN
    assert circle(10, 0, 0.1).relate(union) == WITHIN
    assert union.getBoundingCircle().contains(union)
    box = union.getBoundingBox()
    assert box.contains(point(0.5, 0.5))
    assert box.contains(point(10.9, 0))
    assert len(union) == 2
    assert union.nOperands() == 2
    assert union.getOperand(1) == circle(10, 0, 1)
    assert not union.isEmpty()
    assert UnionRegion(Circle.empty()).isEmpty()


def test_intersection_region() -> None:
    both = IntersectionRegion(square(0, 0, 2), circle(2, 2, 1.5))
    assert both.contains(point(1.8, 1.8))
    assert not both.contains(point(0.2, 0.2))
    assert both.relate(circle(-5, -5, 1)) == DISJOINT
    assert both.relate(Box.fromDegrees(-1, -1, 3, 3)) == WITHIN
    assert IntersectionRegion(square(0, 0, 1), square(5, 5, 1)).isEmpty()
    assert not both.isEmpty()
    # The smaller of the operands' bounding circles.
    assert both.getBoundingCircle() == square(0, 0, 2).getBoundingCircle()
    assert IntersectionRegion().relate(square(0, 0, 1)) == CONTAINS
    with pytest.raises(RegionError, match="operands must be regions"):
        UnionRegion(square(0, 0, 1), "circle")  # type: ignore[arg-type]
