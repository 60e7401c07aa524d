"""Tests of angles, vectors and longitude/latitude points."""

from __future__ import annotations

import math
import pickle

import pytest

from skybutler.daf_butler.errors import RegionError
from skybutler.daf_butler.sphgeom import (
    Angle,
    AngleInterval,
    LonLat,
    NormalizedAngle,
    NormalizedAngleInterval,
    UnitVector3d,
    Vector3d,
)


def test_angle_units_and_arithmetic() -> None:
    angle = Angle.fromDegrees(90)
    assert angle.asRadians() == pytest.approx(math.pi / 2)
    assert angle.asDegrees() == pytest.approx(90)
    assert (angle + Angle(0.5)).asRadians() == pytest.approx(math.pi / 2 + 0.5)
    assert (angle * 2).asDegrees() == pytest.approx(180)
    assert (angle / 2).asDegrees() == pytest.approx(45)
    assert Angle(1) < Angle(2) <= Angle(2)
    assert -Angle(1) == Angle(-1)
    assert Angle.nan().isNan()
    assert pickle.loads(pickle.dumps(angle)) == angle
    with pytest.raises(AttributeError, match="immutable"):
        angle._rad = 3.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("radians", "expected"),
    [(0.0, 0.0), (-math.pi / 2, 1.5 * math.pi), (5 * math.pi, math.pi), (2 * math.pi, 0.0)],
    ids=["zero", "negative", "many-turns", "full-turn"],
)
def test_normalized_angle(radians: float, expected: float) -> None:
    assert NormalizedAngle(radians).asRadians() == pytest.approx(expected)
    assert 0.0 <= NormalizedAngle(radians).asRadians() < 2 * math.pi


def test_normalized_angle_between() -> None:
    assert NormalizedAngle.between(Angle.fromDegrees(350), Angle.fromDegrees(10)).asDegrees() == (
        pytest.approx(20)
    )


def test_intervals() -> None:
    lat = AngleInterval.fromDegrees(-10, 10)
    assert lat.contains(Angle(0.0))
    assert not lat.contains(Angle.fromDegrees(11))
    assert AngleInterval.empty().isEmpty()
    assert AngleInterval.empty() == AngleInterval(3.0, 2.0)
    lon = NormalizedAngleInterval.fromDegrees(350, 10)
    assert lon.wraps()
    assert lon.contains(Angle(0.0))
    assert lon.getSize().asDegrees() == pytest.approx(20)
    assert not lon.contains(Angle.fromDegrees(180))
    assert NormalizedAngleInterval.fromDegrees(0, 400).isFull()
    assert NormalizedAngleInterval.full().contains(Angle(1.0))


def test_vector_algebra() -> None:
    x, y = Vector3d(1, 0, 0), Vector3d(0, 1, 0)
    assert x.cross(y) == Vector3d(0, 0, 1)
    assert x.dot(y) == 0.0
    assert (x + y).getSquaredNorm() == 2.0
    assert (x - y) == Vector3d(1, -1, 0)
    assert 2 * x == Vector3d(2, 0, 0)
    assert list(x) == [1.0, 0.0, 0.0]
    assert x[0] == 1.0
    assert Vector3d(0, 0, 0).isZero()
    assert Vector3d(x) == x


def test_unit_vector_normalizes() -> None:
    v = UnitVector3d(3, 0, 4)
    assert (v.x(), v.y(), v.z()) == pytest.approx((0.6, 0.0, 0.8))
    assert v.getNorm() == pytest.approx(1.0)
    assert UnitVector3d(Vector3d(0, 0, 2)) == UnitVector3d.Z()
    assert -UnitVector3d.X() == UnitVector3d(-1, 0, 0)
    robust = UnitVector3d.X().robustCross(UnitVector3d.Y())
    assert tuple(robust) == pytest.approx((0, 0, 2))


@pytest.mark.parametrize(
    "components", [(0, 0, 0), (math.nan, 0, 1), (math.inf, 0, 0)], ids=["zero", "nan", "inf"]
)
def test_unit_vector_rejects(components: tuple[float, float, float]) -> None:
    with pytest.raises(RegionError, match="finite and not all zero"):
        UnitVector3d(*components)


def test_lonlat_round_trip() -> None:
    point = LonLat.fromDegrees(123.0, -45.0)
    v = UnitVector3d(point)
    back = LonLat(v)
    assert back.getLon().asDegrees() == pytest.approx(123.0)
    assert back.getLat().asDegrees() == pytest.approx(-45.0)
    assert UnitVector3d(Angle.fromDegrees(123.0), Angle.fromDegrees(-45.0)) == v
    assert tuple(UnitVector3d.fromDegrees(123.0, -45.0)) == pytest.approx(tuple(v), abs=1e-15)
    assert LonLat.latitudeOf(UnitVector3d.Z()).asDegrees() == pytest.approx(90)
    assert LonLat.longitudeOf(UnitVector3d.Y()).asDegrees() == pytest.approx(90)
    assert LonLat.fromDegrees(-90, 0).getLon().asDegrees() == pytest.approx(270)


def test_lonlat_rejects_bad_latitude() -> None:
    with pytest.raises(RegionError, match="outside"):
        LonLat.fromDegrees(0, 91)
