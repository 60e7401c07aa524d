"""Tests of sphgeom's binary region encoding and its error reporting."""

from __future__ import annotations

import base64
import math
import pickle
import struct

import pytest

from skybutler.daf_butler.errors import InvalidRegionEncodingError
from skybutler.daf_butler.sphgeom import (
    Angle,
    Box,
    Circle,
    ConvexPolygon,
    IntersectionRegion,
    LonLat,
    Region,
    UnionRegion,
    UnitVector3d,
)

SQUARE = ConvexPolygon.fromDegrees((10, 10), (11.5, 10), (11.5, 11.5), (10, 11.5))
CIRCLE = Circle(UnitVector3d.fromDegrees(45, -30), Angle.fromDegrees(2))
REGIONS = {
    "polygon": SQUARE,
    "triangle": ConvexPolygon([UnitVector3d.X(), UnitVector3d.Y(), UnitVector3d.Z()]),
    "circle": CIRCLE,
    "point-circle": Circle(UnitVector3d.Z()),
    "empty-circle": Circle.empty(),
    "full-circle": Circle.full(),
    "box": Box.fromDegrees(10, -5, 20, 5),
    "wrapping-box": Box.fromDegrees(350, -5, 10, 5),
    "full-box": Box.full(),
    "empty-box": Box.empty(),
    "union": UnionRegion(SQUARE, CIRCLE),
    "intersection": IntersectionRegion(SQUARE, Box.fromDegrees(9, 9, 11, 11)),
    "nested": UnionRegion(IntersectionRegion(SQUARE, CIRCLE), Box.full(), CIRCLE),
}


@pytest.mark.parametrize("region", REGIONS.values(), ids=REGIONS.keys())
def test_round_trip(region: Region) -> None:
    data = region.encode()
    decoded = Region.decode(data)
    assert type(decoded) is type(region)
    assert decoded == region
    assert decoded.encode() == data
    assert Region.decodeHex(region.encodeHex()) == region
    assert Region.decodeBase64(region.encodeBase64()) == region
    assert pickle.loads(pickle.dumps(region)) == region


def test_polygon_layout_is_type_byte_then_vertex_doubles() -> None:
    vertices = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
    data = b"\x70" + b"".join(struct.pack("<3d", *v) for v in vertices)
    polygon = Region.decode(data)
    assert isinstance(polygon, ConvexPolygon)
    assert [tuple(v) for v in polygon.getVertices()] == vertices
    assert polygon.encode() == data
    assert polygon.encode().hex().startswith("70000000000000f03f")


def test_circle_layout() -> None:
    angle = math.radians(3)
    scl = 4 * math.sin(angle / 2) ** 2
    data = b"\x63" + struct.pack("<5d", 0.0, 0.0, 1.0, scl, angle)
    circle = Region.decode(data)
    assert isinstance(circle, Circle)
    assert tuple(circle.getCenter()) == (0.0, 0.0, 1.0)
    assert circle.getOpeningAngle().asRadians() == angle
    assert circle.getSquaredChordLength() == scl
    assert Circle(UnitVector3d.Z(), Angle(angle)).encode() == data


def test_box_layout() -> None:
    values = (math.radians(350), math.radians(10), math.radians(-5), math.radians(5))
    data = b"\x62" + struct.pack("<4d", *values)
    box = Region.decode(data)
    assert isinstance(box, Box)
    assert box.getLon().wraps()
    assert box.contains(LonLat.fromDegrees(0, 0))
    assert not box.contains(LonLat.fromDegrees(180, 0))
    assert box.encode() == data


def test_empty_box_with_nan_longitudes_decodes() -> None:
    data = b"\x62" + struct.pack("<4d", math.nan, math.nan, 1.0, 0.0)
    assert Region.decode(data).isEmpty()


def test_union_layout_has_length_prefixed_operands() -> None:
    union = UnionRegion(SQUARE, CIRCLE)
    first, second = SQUARE.encode(), CIRCLE.encode()
    expected = b"\x75" + struct.pack("<Q", len(first)) + first + struct.pack("<Q", len(second))
    assert union.encode() == expected + second
    assert IntersectionRegion(SQUARE).encode()[:1] == b"\x69"


NAN = float("nan")
MALFORMED = {
    "empty": (b"", "empty bytes"),
    "unknown-type": (b"\x01" + bytes(24), "Unknown region type byte 0x01"),
    "ellipse": (b"\x65" + bytes(112), "Ellipse is not supported"),
    "polygon-ragged": (SQUARE.encode()[:-3], "1 \\+ 24\\*n bytes"),
    "polygon-two-vertices": (SQUARE.encode()[:49], "at least 3 vertices"),
    "polygon-nan": (b"\x70" + struct.pack("<9d", 1, 0, 0, 0, 1, 0, 0, 0, NAN), "non-finite"),
    "polygon-not-unit": (b"\x70" + struct.pack("<9d", 2, 0, 0, 0, 1, 0, 0, 0, 1), "not a unit"),
    "circle-short": (CIRCLE.encode()[:-8], "Circle encoding is 41 bytes"),
    "circle-inf": (b"\x63" + struct.pack("<5d", 0, 0, 1, math.inf, 1), "non-finite"),
    "circle-bad-center": (b"\x63" + struct.pack("<5d", 0, 0, 3, 0.1, 0.3), "unit vector"),
    "box-long": (Box.full().encode() + b"\x00", "Box encoding is 33 bytes"),
    "box-nan-latitude": (b"\x62" + struct.pack("<4d", 0, 1, NAN, 0.5), "non-finite latitudes"),
    "box-bad-longitude": (b"\x62" + struct.pack("<4d", 0, 9, 0, 0.5), "longitudes"),
    "union-truncated-length": (b"\x75\x01\x00", "truncated"),
    "union-truncated-operand": (b"\x75" + struct.pack("<Q", 41) + bytes(5), "declares an operand"),
    "union-bad-operand": (b"\x75" + struct.pack("<Q", 2) + b"\x01\x02", "type byte 0x01"),
}


@pytest.mark.parametrize(("data", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_bytes(data: bytes, message: str) -> None:
    with pytest.raises(InvalidRegionEncodingError, match=message):
        Region.decode(data)


def test_malformed_text() -> None:
    with pytest.raises(InvalidRegionEncodingError, match="not valid hex"):
        Region.decodeHex("70zz")
    with pytest.raises(InvalidRegionEncodingError, match="not valid base64"):
        Region.decodeBase64("*not base64*")
    with pytest.raises(InvalidRegionEncodingError, match="must be bytes"):
        Region.decode("70")  # type: ignore[arg-type]
    assert Region.decodeBase64(base64.b64encode(SQUARE.encode()).decode()) == SQUARE


def test_invalid_encoding_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        Region.decode(b"")
