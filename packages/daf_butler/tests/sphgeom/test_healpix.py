"""Tests of the nested HEALPix pixelization."""

from __future__ import annotations

import astropy.units as u
import numpy as np
import pytest
from astropy_healpix import HEALPix

from skybutler.daf_butler.errors import RegionError
from skybutler.daf_butler.sphgeom import (
    Angle,
    Circle,
    ConvexPolygon,
    HealpixPixelization,
    LonLat,
    RangeSet,
    UnitVector3d,
)


def _random_points(count: int, seed: int) -> np.ndarray:
    points = np.random.default_rng(seed).normal(size=(count, 3))
    return points / np.linalg.norm(points, axis=1)[:, None]


@pytest.mark.parametrize("level", [0, 1, 5, 11, 17], ids=lambda level: f"level{level}")
def test_index_matches_astropy_healpix_nested(level: int) -> None:
    pixelization = HealpixPixelization(level)
    assert pixelization.nside == 2**level
    assert pixelization.universe() == RangeSet(0, 12 * 4**level)
    points = _random_points(200, level)
    lon = np.arctan2(points[:, 1], points[:, 0]) * u.rad
    lat = np.arcsin(points[:, 2]) * u.rad
    expected = HEALPix(nside=2**level, order="nested").lonlat_to_healpix(lon, lat)
    assert pixelization.index_array(points).tolist() == expected.tolist()
    for p, index in zip(points[:20], expected[:20], strict=True):
        assert pixelization.index(UnitVector3d(*p)) == index


@pytest.mark.parametrize("level", [0, 3, 9], ids=lambda level: f"level{level}")
def test_children_are_four_p_to_four_p_plus_three(level: int) -> None:
    parent_level, child_level = HealpixPixelization(level), HealpixPixelization(level + 1)
    points = _random_points(500, level + 50)
    parents = parent_level.index_array(points)
    children = child_level.index_array(points)
    assert (children // 4 == parents).all()


@pytest.mark.parametrize("level", [1, 6, 14], ids=lambda level: f"level{level}")
def test_pixel_polygon_holds_its_center(level: int) -> None:
    pixelization = HealpixPixelization(level)
    rng = np.random.default_rng(level)
    healpix = HEALPix(nside=2**level, order="nested")
    for index in rng.integers(0, 12 * 4**level, size=20).tolist():
        polygon = pixelization.pixel(index)
        assert isinstance(polygon, ConvexPolygon)
        lon, lat = healpix.healpix_to_lonlat([index])
        center = UnitVector3d(LonLat.fromRadians(lon.rad[0], lat.rad[0]))
        assert polygon.contains(center)
        assert pixelization.index(center) == index
        assert pixelization.toString(index) == str(index)


def test_bad_indices_and_levels() -> None:
    with pytest.raises(RegionError, match="not a level-1 HEALPix index"):
        HealpixPixelization(1).pixel(48)
    with pytest.raises(RegionError, match="out of range"):
        HealpixPixelization(18)


def test_envelope_and_interior_of_a_circle() -> None:
    pixelization = HealpixPixelization(8)
    circle = Circle(UnitVector3d(LonLat.fromDegrees(40, 20)), Angle.fromDegrees(1))
    envelope = pixelization.envelope(circle)
    interior = pixelization.interior(circle)
    assert envelope.contains(interior)
    assert not interior.isEmpty()
    assert pixelization.index(circle.getCenter()) in interior
    # A 1-degree circle covers ~3.14 square degrees, pixels are ~0.052 square degrees.
    area = 4 * np.pi * (180 / np.pi) ** 2 / (12 * 4**8)
    assert interior.cardinality() * area < np.pi < envelope.cardinality() * area
    assert envelope.cardinality() * area < 3 * np.pi


def test_full_sky() -> None:
    pixelization = HealpixPixelization(2)
    assert pixelization.envelope(Circle.full()) == pixelization.universe()
    assert pixelization.interior(Circle.full()) == pixelization.universe()
    assert pixelization.envelope(Circle.empty()).isEmpty()
