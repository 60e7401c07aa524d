"""Tests of Timespan and the TAI nanosecond conversions."""

from __future__ import annotations

import datetime
import pickle
import subprocess
import sys
import warnings

import astropy.time
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybutler.daf_butler._timespan import (
    MAX_NSEC,
    MIN_NSEC,
    Timespan,
    iso_tai_to_nsec,
    iso_tai_to_time,
    nsec_to_iso_tai,
    nsec_to_time,
    time_to_iso_tai,
    time_to_nsec,
)
from skybutler.daf_butler.errors import TimespanError

SECOND = 1_000_000_000
DAY = 86_400 * SECOND


def _tai(text: str) -> astropy.time.Time:
    return astropy.time.Time(text, scale="tai")


def _expected_nsec(year: int, month: int, day: int, seconds_of_day: int, nanos: int) -> int:
    """Nanoseconds since 1970-01-01 TAI by plain calendar arithmetic (TAI has no leap seconds)."""
    days = (datetime.date(year, month, day) - datetime.date(1970, 1, 1)).days
    return days * DAY + seconds_of_day * SECOND + nanos


nsec_values = st.integers(min_value=MIN_NSEC + 1, max_value=MAX_NSEC - 1)
bounds = st.one_of(st.none(), nsec_values)


def _span(begin: int | None, end: int | None) -> Timespan:
    return Timespan(
        None if begin is None else nsec_to_time(begin), None if end is None else nsec_to_time(end)
    )


# ---------------------------------------------------------------- conversions


def test_known_time_to_nsec_and_iso() -> None:
    nsec = time_to_nsec(_tai("2013-06-17 13:34:45.775"))
    assert nsec == _expected_nsec(2013, 6, 17, 13 * 3600 + 34 * 60 + 45, 775_000_000)
    assert nsec_to_iso_tai(nsec) == "2013-06-17 13:34:45.775000000"
    assert time_to_iso_tai(_tai("2013-06-17 13:34:45.775")) == "2013-06-17 13:34:45.775000000"


def test_utc_times_are_converted_to_tai() -> None:
    # TAI - UTC has been 37 s since 2017-01-01.
    utc = astropy.time.Time("2020-01-01T00:00:00", scale="utc")
    assert time_to_nsec(utc) == iso_tai_to_nsec("2020-01-01 00:00:37")


def test_epoch_and_limits() -> None:
    assert time_to_nsec(_tai("1970-01-01 00:00:00")) == MIN_NSEC == 0
    assert time_to_nsec(_tai("2100-01-01 00:00:00")) == MAX_NSEC
    assert _expected_nsec(2100, 1, 1, 0, 0) == MAX_NSEC


@given(nsec_values)
def test_nsec_time_round_trip(nsec: int) -> None:
    time = nsec_to_time(nsec)
    assert time.scale == "tai"
    assert time.format == "jd"
    assert time.precision == 6
    assert time_to_nsec(time) == nsec


@given(st.integers(min_value=0, max_value=MAX_NSEC))
def test_nsec_iso_round_trip(nsec: int) -> None:
    text = nsec_to_iso_tai(nsec)
    assert len(text.split(".")[1]) == 9
    assert iso_tai_to_nsec(text) == nsec
    assert time_to_nsec(iso_tai_to_time(text)) == nsec


@given(nsec_values)
def test_iso_agrees_with_astropy(nsec: int) -> None:
    text = nsec_to_iso_tai(nsec)
    parsed = astropy.time.Time(text, scale="tai", format="iso")
    assert time_to_nsec(parsed) == nsec
    assert astropy.time.Time(nsec_to_time(nsec), format="iso", precision=9).iso == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013-06-17", _expected_nsec(2013, 6, 17, 0, 0)),
        ("2013-06-17T01:02", _expected_nsec(2013, 6, 17, 3720, 0)),
        ("2013-06-17 01:02:03.5", _expected_nsec(2013, 6, 17, 3723, 500_000_000)),
        ("2013-06-17 01:02:03.000000001", _expected_nsec(2013, 6, 17, 3723, 1)),
    ],
    ids=["date", "minutes", "fraction", "nanosecond"],
)
def test_iso_forms(text: str, expected: int) -> None:
    assert iso_tai_to_nsec(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yesterday",
        "2013-13-01 00:00:00",
        "2013-02-30",
        "2013-06-17 25:00:00",
        "2013-06-17 1:2:3.0123456789",
    ],
    ids=["words", "month", "day", "hour", "ten-decimals"],
)
def test_bad_iso_strings(text: str) -> None:
    with pytest.raises(TimespanError, match=r"ISO|valid date|out of range"):
        iso_tai_to_nsec(text)


def test_iso_rounding_to_fewer_digits() -> None:
    assert nsec_to_iso_tai(1_500, 6) == "1970-01-01 00:00:00.000002"  # half to even
    assert nsec_to_iso_tai(2_500, 6) == "1970-01-01 00:00:00.000002"
    assert nsec_to_iso_tai(999_999_999_600, 6, "T") == "1970-01-01T00:16:40.000000"
    assert nsec_to_iso_tai(SECOND, 0) == "1970-01-01 00:00:01"
    with pytest.raises(TimespanError, match="0 to 9 decimals"):
        nsec_to_iso_tai(0, 10)


def test_time_to_nsec_rejects_non_times() -> None:
    with pytest.raises(TimespanError, match="scalar astropy"):
        time_to_nsec("2020-01-01")  # type: ignore[arg-type]
    with pytest.raises(TimespanError, match="scalar astropy"):
        time_to_nsec(astropy.time.Time(["2020-01-01", "2020-01-02"], scale="tai"))


def test_clamping_warns() -> None:
    with pytest.warns(UserWarning, match="before 1970"):
        assert time_to_nsec(_tai("1960-01-01")) == MIN_NSEC
    with pytest.warns(UserWarning, match="after 2100"):
        assert time_to_nsec(_tai("2200-01-01")) == MAX_NSEC
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert time_to_nsec(_tai("1960-01-01"), clamp=False) < 0


# ---------------------------------------------------------------- construction


def test_bounds_and_properties() -> None:
    begin, end = _tai("2020-01-01 00:00:00"), _tai("2020-01-02 00:00:00")
    span = Timespan(begin, end)
    assert span.nsec == (time_to_nsec(begin), time_to_nsec(end))
    assert span.end.tai.iso == "2020-01-02 00:00:00.000000"  # precision 6
    assert span.begin.scale == "tai"
    assert span.begin.format == "jd"
    assert not span.isEmpty()


def test_unbounded() -> None:
    span = Timespan(None, None)
    assert span.nsec == (MIN_NSEC, MAX_NSEC)
    assert span.begin is None
    assert span.end is None
    assert str(span) == "(-∞, ∞)"


def test_clamped_bounds_become_unbounded() -> None:
    with pytest.warns(UserWarning, match="using that bound instead"):
        span = Timespan(_tai("1950-01-01"), _tai("2150-01-01"))
    assert span == Timespan(None, None)


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        (Timespan.EMPTY, None),
        (None, Timespan.EMPTY),
        ("2020-01-02", "2020-01-01"),
    ],
    ids=["empty-begin", "empty-end", "reversed"],
)
def test_empty(begin: object, end: object) -> None:
    def bound(value: object) -> object:
        return _tai(value) if isinstance(value, str) else value

    span = Timespan(bound(begin), bound(end))  # type: ignore[arg-type]
    assert span.isEmpty()
    assert span == Timespan.makeEmpty()
    assert span.nsec == (MAX_NSEC, MIN_NSEC)
    assert span.begin is Timespan.EMPTY
    assert span.end is Timespan.EMPTY
    assert str(span) == "(empty)"
    assert repr(span) == "Timespan(begin=Timespan.EMPTY, end=Timespan.EMPTY)"


def test_instantaneous() -> None:
    t = _tai("2020-01-01 00:00:00")
    padded = Timespan(t, t)
    assert padded.nsec[1] - padded.nsec[0] == 1
    assert padded == Timespan.fromInstant(t)
    assert padded.contains(t)
    assert Timespan(t, t, padInstantaneous=False).isEmpty()


def test_instantaneous_at_a_bound_is_an_error() -> None:
    with pytest.raises(TimespanError, match="storable range"):
        Timespan(_tai("1970-01-01"), _tai("1970-01-01"))
    with (
        pytest.raises(TimespanError, match="storable range"),
        pytest.warns(UserWarning, match="after 2100"),
    ):
        Timespan(_tai("2200-01-01"), _tai("2200-01-01"))


def test_bad_bounds() -> None:
    with pytest.raises(TimespanError, match="scalar astropy"):
        Timespan("2020-01-01", None)  # type: ignore[arg-type]


def test_nsec_constructor_normalizes_empty() -> None:
    assert Timespan(None, None, _nsec=(10, 5)).isEmpty()
    assert Timespan(None, None, _nsec=(5, 10)).nsec == (5, 10)


def test_from_day_obs() -> None:
    span = Timespan.from_day_obs(20240101)
    assert span.nsec == (_expected_nsec(2024, 1, 1, 0, 0), _expected_nsec(2024, 1, 2, 0, 0))
    shifted = Timespan.from_day_obs(20240101, offset=43200)
    assert shifted.nsec[0] == _expected_nsec(2024, 1, 1, 43200, 0)
    assert shifted.nsec[1] - shifted.nsec[0] == DAY


@pytest.mark.parametrize("day_obs", [20241301, 20240230, 2024, "20240101", True], ids=str)
def test_from_day_obs_rejects(day_obs: object) -> None:
    with pytest.raises(TimespanError, match="day_obs"):
        Timespan.from_day_obs(day_obs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- operations


def _hours(begin: int | None, end: int | None) -> Timespan:
    base = _expected_nsec(2020, 1, 1, 0, 0)
    hour = 3600 * SECOND
    return Timespan(
        None,
        None,
        _nsec=(
            MIN_NSEC if begin is None else base + begin * hour,
            MAX_NSEC if end is None else base + end * hour,
        ),
    )


@pytest.mark.parametrize(
    ("a", "b", "overlaps"),
    [
        ((0, 2), (1, 3), True),
        ((0, 2), (2, 3), False),
        ((0, 2), (None, 0), False),
        ((None, None), (5, 6), True),
        ((0, 10), (3, 4), True),
    ],
    ids=["partial", "touching", "before", "unbounded", "nested"],
)
def test_overlaps(
    a: tuple[int | None, int | None], b: tuple[int | None, int | None], overlaps: bool
) -> None:
    assert _hours(*a).overlaps(_hours(*b)) is overlaps
    assert _hours(*b).overlaps(_hours(*a)) is overlaps


def test_empty_overlaps_nothing_and_is_contained_everywhere() -> None:
    empty = Timespan.makeEmpty()
    assert not empty.overlaps(Timespan(None, None))
    assert not Timespan(None, None).overlaps(empty)
    assert Timespan(None, None).contains(empty)
    assert _hours(0, 1).contains(empty)
    assert not empty.contains(_tai("2020-01-01"))


def test_contains_times() -> None:
    span = _hours(0, 2)
    assert span.contains(_tai("2020-01-01 00:00:00"))
    assert span.contains(_tai("2020-01-01 01:59:59.999999999"))
    assert not span.contains(_tai("2020-01-01 02:00:00"))
    assert span.overlaps(_tai("2020-01-01 01:00:00"))
    # Unbounded sides hold times beyond the storable range, without a warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _hours(None, 2).contains(_tai("1900-01-01"))
        assert _hours(0, None).contains(_tai("2200-01-01"))
        assert not _hours(0, 2).contains(_tai("2200-01-01"))


def test_contains_timespans() -> None:
    assert _hours(0, 10).contains(_hours(2, 3))
    assert _hours(0, 10).contains(_hours(0, 10))
    assert not _hours(0, 10).contains(_hours(9, 11))
    assert _hours(None, None).contains(_hours(None, 3))


def test_intersection_and_difference() -> None:
    assert _hours(0, 5).intersection(_hours(3, 8)) == _hours(3, 5)
    assert _hours(0, 5).intersection(_hours(3, 8), _hours(4, 9)) == _hours(4, 5)
    assert _hours(0, 1).intersection(_hours(2, 3)).isEmpty()
    assert list(_hours(0, 10).difference(_hours(3, 4))) == [_hours(0, 3), _hours(4, 10)]
    assert list(_hours(0, 10).difference(_hours(None, 4))) == [_hours(4, 10)]
    assert list(_hours(0, 10).difference(_hours(20, 30))) == [_hours(0, 10)]
    assert list(_hours(0, 10).difference(_hours(None, None))) == []
    assert list(Timespan.makeEmpty().difference(_hours(0, 1))) == []


def test_ordering() -> None:
    assert _hours(0, 1) < _hours(1, 2)
    assert not _hours(0, 2) < _hours(1, 3)
    assert _hours(1, 2) > _hours(0, 1)
    assert _hours(0, 1) < _tai("2020-01-01 01:00:00")
    assert _hours(2, 3) > _tai("2020-01-01 01:00:00")
    assert not Timespan.makeEmpty() < _hours(0, 1)
    assert not _hours(0, 1) > Timespan.makeEmpty()


def test_equality_hash_and_immutability() -> None:
    assert _hours(0, 1) == _hours(0, 1)
    assert hash(_hours(0, 1)) == hash(_hours(0, 1))
    assert _hours(0, 1) != _hours(0, 2)
    assert _hours(0, 1) != "not a timespan"
    assert len({_hours(0, 1), _hours(0, 1), _hours(1, 2)}) == 2
    with pytest.raises(AttributeError, match="immutable"):
        _hours(0, 1)._nsec = (1, 2)  # type: ignore[misc]


def test_str_and_repr() -> None:
    span = _hours(0, 1)
    assert str(span) == "[2020-01-01T00:00:00.000000, 2020-01-01T01:00:00.000000)"
    assert str(_hours(None, 1)) == "(-∞, 2020-01-01T01:00:00.000000)"
    rebuilt = eval(repr(span), {"astropy": astropy, "Timespan": Timespan})
    assert rebuilt == span
    assert eval(repr(_hours(0, None)), {"astropy": astropy, "Timespan": Timespan}) == _hours(
        0, None
    )


def test_serialization() -> None:
    span = _hours(0, 1)
    assert pickle.loads(pickle.dumps(span)) == span
    assert Timespan.from_simple(span.to_simple()) == span
    assert Timespan.from_simple(None) is None
    with pytest.raises(TimespanError, match="begin_nsec"):
        Timespan.from_simple([1, 2, 3])

    class Model(pydantic.BaseModel):
        timespan: Timespan

    model = Model(timespan=span)
    assert model.model_dump() == {"timespan": list(span.nsec)}
    assert Model.model_validate_json(model.model_dump_json()).timespan == span
    assert Model.model_validate({"timespan": [5, 10]}).timespan.nsec == (5, 10)


def test_import_does_not_load_astropy() -> None:
    code = (
        "import sys, skybutler.daf_butler._timespan as t; "
        "t.Timespan(None, None, _nsec=(1, 2)).overlaps(t.Timespan(None, None)); "
        "print('astropy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# ---------------------------------------------------------------- properties


@given(bounds, bounds, bounds, bounds)
def test_overlaps_is_symmetric(
    b1: int | None, e1: int | None, b2: int | None, e2: int | None
) -> None:
    a, b = (
        Timespan(None, None, _nsec=(b1 or 0, e1 or MAX_NSEC)),
        Timespan(None, None, _nsec=(b2 or 0, e2 or MAX_NSEC)),
    )
    assert a.overlaps(b) == b.overlaps(a)
    assert a.overlaps(b) == (not a.intersection(b).isEmpty())


@given(bounds, bounds, bounds, bounds)
def test_intersection_is_contained_in_both(
    b1: int | None, e1: int | None, b2: int | None, e2: int | None
) -> None:
    a = Timespan(None, None, _nsec=(b1 or 0, e1 or MAX_NSEC))
    b = Timespan(None, None, _nsec=(b2 or 0, e2 or MAX_NSEC))
    both = a.intersection(b)
    assert a.contains(both)
    assert b.contains(both)


@given(bounds, bounds, bounds, bounds)
def test_difference_partitions(
    b1: int | None, e1: int | None, b2: int | None, e2: int | None
) -> None:
    a = Timespan(None, None, _nsec=(b1 or 0, e1 or MAX_NSEC))
    b = Timespan(None, None, _nsec=(b2 or 0, e2 or MAX_NSEC))
    pieces = list(a.difference(b))

    def length(span: Timespan) -> int:
        return 0 if span.isEmpty() else span.nsec[1] - span.nsec[0]

    assert all(a.contains(p) and not p.overlaps(b) for p in pieces)
    assert sum(map(length, pieces)) + length(a.intersection(b)) == length(a)


@given(nsec_values, nsec_values)
def test_construction_from_times_matches_nsec(first: int, second: int) -> None:
    span = _span(first, second)
    if first < second:
        assert span.nsec == (first, second)
    elif first == second:
        assert span.nsec == (first, first + 1)
    else:
        assert span.isEmpty()
