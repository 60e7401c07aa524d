"""Time literals: ``T'[format/]value[/scale]'`` read into astropy times.

Expected MJDs are worked out by hand from calendar facts (2020-01-01 is MJD
58849, 1998-01-01 is MJD 50814, 1980-01-06 is MJD 44244, J2000.0 is MJD
51544.5) and the astropy format epochs; they are in the time's own scale.
"""

from __future__ import annotations

import re

import pytest

from skybutler.daf_butler.errors import QuerySyntaxError
from skybutler.daf_butler.queries.expressions import (
    TimeLiteral,
    default_time_scale,
    detect_time_format,
    parse_expression,
    parse_time_string,
)

DAY = 86400.0

# (content of the literal, format, scale, MJD in that scale)
VALID_TIMES: list[tuple[str, str, str, float]] = [
    ("2020-01-01", "iso", "utc", 58849.0),
    ("2020-01-01 12:00", "iso", "utc", 58849.5),
    ("2020-01-01 06:00:00", "iso", "utc", 58849.25),
    ("2020-01-01 00:00:00.5", "iso", "utc", 58849.0 + 0.5 / DAY),
    ("2020-01-01T18:00", "isot", "utc", 58849.75),
    ("2020-01-01T00:00:00.000", "isot", "utc", 58849.0),
    ("58849", "mjd", "tai", 58849.0),
    ("58849.5", "mjd", "tai", 58849.5),
    (".5", "mjd", "tai", 0.5),
    ("-1.5", "mjd", "tai", -1.5),
    ("+02020-01-01T00:00:00", "fits", "utc", 58849.0),
    ("+02020-01-01", "fits", "utc", 58849.0),
    ("2020:001", "yday", "utc", 58849.0),
    ("2020:032:12:00", "yday", "utc", 58849.0 + 31 + 0.5),
    ("2020:001:00:00:30", "yday", "utc", 58849.0 + 30 / DAY),
    ("2020-01-01/tai", "iso", "tai", 58849.0),
    ("58849/utc", "mjd", "utc", 58849.0),
    ("mjd/58849.5", "mjd", "tai", 58849.5),
    ("mjd/58849.5/utc", "mjd", "utc", 58849.5),
    ("iso/2020-01-01", "iso", "utc", 58849.0),
    ("isot/2020-01-01T00:00:00/tt", "isot", "tt", 58849.0),
    ("jd/2458849.5", "jd", "tai", 58849.0),
    ("unix/1577836800", "unix", "utc", 58849.0),
    ("cxcsec/0", "cxcsec", "tt", 50814.0),
    ("2020-01-01T00:00:00+00:00", "isot", "utc", 58849.0),
    ("2020-01-01 00:00:00+00:00", "iso", "utc", 58849.0),
    ("decimalyear/2020.0", "decimalyear", "tai", 58849.0),
    ("fits/2020-01-01T00:00:00", "fits", "utc", 58849.0),
    ("jyear_str/J2000.0", "jyear_str", "tai", 51544.5),
    # GPS seconds count from 1980-01-06 00:00:00 UTC, which is 19 s later in TAI.
    ("gps/0", "gps", "tai", 44244.0 + 19 / DAY),
    (" 2020-01-01 / tai ", "iso", "tai", 58849.0),
]

INVALID_TIMES: list[tuple[str, str]] = [
    ("2020-01-01 12", "cannot tell the format"),
    ("2020-01-01T12", "cannot tell the format"),
    ("2020:001:12", "cannot tell the format"),
    ("1e5", "cannot tell the format"),
    ("5.8849E4", "cannot tell the format"),
    ("foo/58849", "unknown time format 'foo'"),
    ("58849/foo", "unknown time scale 'foo'"),
    ("mjd/58849/foo", "unknown time scale 'foo'"),
    ("2020-13-01", "astropy cannot read"),
    ("", "cannot tell the format"),
    ("abc", "cannot tell the format"),
    ("2020-01-01Z", "cannot tell the format"),
    ("2020-01-01T00:00:00+01:00", "cannot tell the format"),
    ("a/b/c/d", "'/' separators"),
    ("iso/58849", "astropy cannot read"),
    ("nan", "cannot tell the format"),
    ("+2020-01-01", "cannot tell the format"),
    ("1_000", "cannot tell the format"),
    ("58849.5 tai", "cannot tell the format"),
]


@pytest.mark.parametrize(
    ("text", "time_format", "scale", "mjd"), VALID_TIMES, ids=[v[0] for v in VALID_TIMES]
)
def test_valid_time_string(text: str, time_format: str, scale: str, mjd: float) -> None:
    time = parse_time_string(text)
    assert time.format == time_format
    assert time.scale == scale
    assert time.isscalar
    assert time.mjd == pytest.approx(mjd, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "time_format", "scale", "mjd"), VALID_TIMES, ids=[v[0] for v in VALID_TIMES]
)
def test_valid_time_literal_in_expression(
    text: str, time_format: str, scale: str, mjd: float
) -> None:
    tree = parse_expression(f"x > T'{text}'")
    literal = tree.rhs  # type: ignore[union-attr]
    assert isinstance(literal, TimeLiteral)
    assert (literal.value.format, literal.value.scale) == (time_format, scale)
    assert literal.value.mjd == pytest.approx(mjd, abs=1e-9)
    # The printed literal reads back as the same time, format and scale.
    assert parse_expression(str(tree)) == tree


@pytest.mark.parametrize(
    ("text", "words"), INVALID_TIMES, ids=[v[0] or "empty" for v in INVALID_TIMES]
)
def test_invalid_time_string(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        parse_time_string(text)


@pytest.mark.parametrize(
    ("text", "words"), INVALID_TIMES, ids=[v[0] or "empty" for v in INVALID_TIMES]
)
def test_invalid_time_literal_in_expression(text: str, words: str) -> None:
    expression = f"visit.timespan OVERLAPS T'{text}'"
    with pytest.raises(QuerySyntaxError) as info:
        parse_expression(expression)
    assert words in str(info.value)
    assert info.value.position == expression.index("T'")


def test_time_table_sizes() -> None:
    assert len(VALID_TIMES) + len(INVALID_TIMES) >= 35


@pytest.mark.parametrize(
    ("text", "precision", "printed"),
    [
        ("2020-01-01", 3, "2020-01-01 00:00:00.000"),
        ("2020-01-01 00:00:00.1", 3, "2020-01-01 00:00:00.100"),
        ("2020-01-01 00:00:00.123456", 6, "2020-01-01 00:00:00.123456"),
        ("2020-01-01 00:00:00.1234567891234", 9, "2020-01-01 00:00:00.123456789"),
    ],
    ids=["date", "one-digit", "six-digits", "thirteen-digits"],
)
def test_precision_follows_written_digits(text: str, precision: int, printed: str) -> None:
    time = parse_time_string(text)
    assert time.precision == precision
    assert time.iso == printed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("58849", "mjd"),
        ("-3.25", "mjd"),
        ("1e5", None),
        ("2020-01-01", "iso"),
        ("2020-01-01 01:02", "iso"),
        ("2020-01-01T01:02:03.5", "isot"),
        ("2020-01-01 01", None),
        ("+12020-01-01T00:00:00", "fits"),
        ("+12020-01-01T00:00", None),
        ("2020:366:23:59:59.9", "yday"),
        ("2020:1", None),
        ("J2000", None),
    ],
)
def test_detect_time_format(value: str, expected: str | None) -> None:
    assert detect_time_format(value) == expected


@pytest.mark.parametrize(
    ("time_format", "scale"),
    [
        ("iso", "utc"),
        ("isot", "utc"),
        ("fits", "utc"),
        ("yday", "utc"),
        ("unix", "utc"),
        ("cxcsec", "tt"),
        ("mjd", "tai"),
        ("jd", "tai"),
        ("gps", "tai"),
    ],
)
def test_default_time_scale(time_format: str, scale: str) -> None:
    assert default_time_scale(time_format) == scale


def test_time_literals_compare_by_format_scale_and_instant() -> None:
    a = parse_expression("T'2020-01-01'")
    assert a == parse_expression("T'iso/2020-01-01 00:00/utc'")
    assert hash(a) == hash(parse_expression("T'2020-01-01 00:00:00'"))
    # Same instant written in another format or scale is a different literal.
    assert a != parse_expression("T'mjd/58849/utc'")
    assert a != parse_expression("T'2020-01-01/tai'")
