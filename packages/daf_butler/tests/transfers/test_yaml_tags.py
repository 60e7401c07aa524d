"""The YAML tags of export files, on their own loader and dumper."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import yaml
from astropy.time import Time

from skybutler.daf_butler import Timespan
from skybutler.daf_butler._timespan import nsec_to_iso_tai, time_to_nsec
from skybutler.daf_butler.sphgeom import (
    Angle,
    Box,
    Circle,
    ConvexPolygon,
    IntersectionRegion,
    LonLat,
    UnionRegion,
    UnitVector3d,
)
from skybutler.daf_butler.transfers import ExportDumper, ExportLoader

BEGIN = Time("2013-06-17 13:34:45.775", scale="tai")
END = Time("2013-06-17 13:35:17.947", scale="tai")
POLYGON = ConvexPolygon.fromDegrees((1.0, 1.0), (2.0, 1.0), (2.0, 2.0))
CIRCLE = Circle(UnitVector3d(LonLat.fromDegrees(10.0, 5.0)), Angle.fromDegrees(1.0))
BOX = Box.fromDegrees(0.0, 0.0, 1.0, 1.0)


def dump(value: Any) -> str:
    return yaml.dump(value, Dumper=ExportDumper, sort_keys=False)


def load(text: str) -> Any:
    return yaml.load(text, Loader=ExportLoader)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(
            uuid.UUID("3f452f1d-b8a5-5202-8190-4e723004a6ba"),
            "!uuid '3f452f1d-b8a5-5202-8190-4e723004a6ba'",
            id="uuid",
        ),
        pytest.param(
            Timespan(BEGIN, None),
            "!lsst.daf.butler.Timespan\n"
            "begin: !butler_time/tai/iso '2013-06-17 13:34:45.775000000'\nend: null",
            id="timespan",
        ),
        pytest.param(Timespan.makeEmpty(), "!lsst.daf.butler.Timespan EMPTY", id="empty"),
        pytest.param(
            POLYGON, f"!<lsst.sphgeom.ConvexPolygon>\nencoded: {POLYGON.encodeHex()}", id="polygon"
        ),
        pytest.param(b"\x00\x01", "!!binary |\n  AAE=", id="bytes"),
    ],
)
def test_tags_are_written_as_upstream_writes_them(value: Any, text: str) -> None:
    assert dump(value).strip().removesuffix("...").strip() == text
    assert load(dump(value)) == value


def test_astropy_times_round_trip_exactly() -> None:
    from skybutler.daf_butler.transfers._yaml_tags import register_time

    register_time()
    text = dump({"t": Time("2021-03-04 05:06:07.123456789", scale="tai")})
    assert text == "t: !butler_time/tai/iso '2021-03-04 05:06:07.123456789'\n"
    assert nsec_to_iso_tai(time_to_nsec(load(text)["t"])) == "2021-03-04 05:06:07.123456789"


@pytest.mark.parametrize(
    "region",
    [POLYGON, CIRCLE, BOX, UnionRegion(POLYGON, CIRCLE), IntersectionRegion(POLYGON, BOX)],
    ids=["polygon", "circle", "box", "union", "intersection"],
)
def test_every_region_round_trips(region: Any) -> None:
    text = dump(region)
    assert text.startswith(f"!<lsst.sphgeom.{type(region).__name__}>")
    assert load(text).encode() == region.encode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("!uuid 'not-a-uuid'", "is not a UUID", id="uuid"),
        pytest.param("!butler_time/tai/iso 'yesterday'", "not an ISO TAI time", id="time"),
        pytest.param("!lsst.daf.butler.Timespan FULL", "must be EMPTY", id="timespan-scalar"),
        pytest.param("!lsst.daf.butler.Timespan [1, 2]", "mapping", id="timespan-list"),
        pytest.param("!lsst.daf.butler.Timespan {start: null}", "unknown keys", id="timespan-keys"),
        pytest.param("!<lsst.sphgeom.Ellipse> {encoded: '65'}", "not supported", id="ellipse"),
        pytest.param("!<lsst.sphgeom.Circle> [1]", "mapping", id="region-list"),
        pytest.param("!<lsst.sphgeom.Circle> {hex: '63'}", "'encoded'", id="region-key"),
        pytest.param("!<lsst.sphgeom.Circle> {encoded: 'zz'}", "not valid hex", id="region-hex"),
        pytest.param(
            f"!<lsst.sphgeom.Circle> {{encoded: '{POLYGON.encodeHex()}'}}",
            "encoding of a ConvexPolygon",
            id="region-mismatch",
        ),
    ],
)
def test_bad_tagged_values_name_the_line(text: str, message: str) -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match=message) as info:
        load("a: 1\nb: " + text)
    assert "line 2" in str(info.value)


def test_loading_is_safe_and_tags_stay_off_pyyaml_classes() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        load("!!python/object/apply:os.system ['true']")
    assert "!uuid" not in yaml.SafeLoader.yaml_constructors
    assert uuid.UUID not in yaml.SafeDumper.yaml_representers


def test_repeated_values_are_not_anchored() -> None:
    value = uuid.uuid4()
    assert "&" not in dump([value, value])
