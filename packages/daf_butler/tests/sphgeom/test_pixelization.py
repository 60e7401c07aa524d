"""Tests of pixelization lookup by name and of the maxRanges limits."""

from __future__ import annotations

import pytest

from skybutler.daf_butler.errors import RegionError
from skybutler.daf_butler.sphgeom import (
    Angle,
    Circle,
    HealpixPixelization,
    HtmPixelization,
    LonLat,
    Pixelization,
    UnitVector3d,
    pixelization_class,
    pixelization_from_name,
)


@pytest.mark.parametrize(
    ("name", "cls", "level"),
    [
        ("htm7", HtmPixelization, 7),
        ("htm1", HtmPixelization, 1),
        ("htm24", HtmPixelization, 24),
        ("healpix1", HealpixPixelization, 1),
        ("healpix17", HealpixPixelization, 17),
    ],
    ids=lambda value: str(value),
)
def test_from_name(name: str, cls: type[Pixelization], level: int) -> None:
    pixelization = pixelization_from_name(name)
    assert type(pixelization) is cls
    assert pixelization.getLevel() == level


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("htm0", "levels run from 1 to 24"),
        ("htm25", "levels run from 1 to 24"),
        ("healpix18", "from 1 to 17"),
        ("sky7", "Unknown pixelization"),
        ("htm", "not a sky pixelization"),
        ("HTM7", "not a sky pixelization"),
    ],
    ids=lambda value: str(value),
)
def test_bad_names(name: str, message: str) -> None:
    with pytest.raises(RegionError, match=message):
        pixelization_from_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "htm",
        "HtmPixelization",
        "lsst.sphgeom.HtmPixelization",
        "skybutler.daf_butler.sphgeom.HtmPixelization",
    ],
)
def test_class_names(name: str) -> None:
    assert pixelization_class(name) is HtmPixelization


def test_healpix_class_name() -> None:
    assert pixelization_class("lsst.sphgeom.HealpixPixelization") is HealpixPixelization


@pytest.mark.parametrize("pixelization", [HtmPixelization(12), HealpixPixelization(11)], ids=repr)
def test_max_ranges(pixelization: Pixelization) -> None:
    region = Circle(UnitVector3d(LonLat.fromDegrees(20, 30)), Angle.fromDegrees(0.5))
    envelope = pixelization.envelope(region)
    interior = pixelization.interior(region)
    assert envelope.size() > 8
    coarse = pixelization.envelope(region, maxRanges=8)
    assert coarse.size() <= 8
    assert coarse.contains(envelope)
    few = pixelization.interior(region, maxRanges=3)
    assert few.size() <= 3
    assert interior.contains(few)


def test_htm_work_does_not_load_astropy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from skybutler.daf_butler import sphgeom as s; "
        "s.HtmPixelization(7).envelope(s.ConvexPolygon.fromDegrees((0, 0), (1, 0), (1, 1))); "
        "print('astropy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
