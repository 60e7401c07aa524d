"""Half-open TAI time intervals and exact conversions of times to integer nanoseconds.

A `Timespan` stores its bounds as a pair of integers: TAI nanoseconds since
``1970-01-01 00:00:00 TAI``, clamped to ``[0, 2100-01-01 TAI]``. The lower
clamp value doubles as "unbounded below", the upper one as "unbounded above",
exactly as in upstream's database encoding. astropy is imported only when a
`~astropy.time.Time` is built or converted, which keeps timespans cheap in hot
paths (comparisons, hashing, database rows).
"""

from __future__ import annotations

__all__ = [
    "MAX_NSEC",
    "MIN_NSEC",
    "Timespan",
    "TimespanBound",
    "iso_tai_to_nsec",
    "iso_tai_to_time",
    "nsec_to_iso_tai",
    "nsec_to_time",
    "time_to_iso_tai",
    "time_to_nsec",
]

import datetime
import enum
import importlib
import re
import warnings
from collections.abc import Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from .errors import TimespanError

if TYPE_CHECKING:
    import astropy.time
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

NSEC_PER_SEC = 1_000_000_000
NSEC_PER_DAY = 86_400 * NSEC_PER_SEC
MIN_NSEC = 0
"""Smallest storable time, ``1970-01-01 00:00:00 TAI``; also means "unbounded below"."""
MAX_NSEC = 4_102_444_800 * NSEC_PER_SEC
"""Largest storable time, ``2100-01-01 00:00:00 TAI``; also means "unbounded above"."""

# Julian date of the epoch; a half-integer, so it is exact in a float.
_EPOCH_JD = 2440587.5
_EPOCH_JD_FRACTION = Fraction(4881175, 2)
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
_ISO_RE = re.compile(
    r"\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d*))?)?)?\s*\Z"
)


class _SpecialTimespanBound(enum.Enum):
    """Sentinel bound values; only `EMPTY` exists."""

    EMPTY = enum.auto()

    def __repr__(self) -> str:
        return "Timespan.EMPTY"


TimespanBound: TypeAlias = "astropy.time.Time | _SpecialTimespanBound | None"


def _clamp(nsec: int, what: object) -> int:
    if nsec < MIN_NSEC:
        warnings.warn(
            f"Time {what} is before 1970-01-01 00:00:00 TAI, the earliest time a timespan can "
            "hold; using that bound instead.",
            stacklevel=3,
        )
        return MIN_NSEC
    if nsec > MAX_NSEC:
        warnings.warn(
            f"Time {what} is after 2100-01-01 00:00:00 TAI, the latest time a timespan can "
            "hold; using that bound instead.",
            stacklevel=3,
        )
        return MAX_NSEC
    return nsec


def _astropy_time() -> Any:
    # Imported on first use: a command-line start must not pay for astropy.
    return importlib.import_module("astropy.time")


def time_to_nsec(time: astropy.time.Time, *, clamp: bool = True) -> int:
    """Convert a scalar astropy time to TAI nanoseconds since 1970-01-01 TAI.

    The two-double Julian date astropy keeps is converted exactly and rounded
    to the nearest nanosecond.

    Parameters
    ----------
    time
        Time in any scale astropy can convert to TAI.
    clamp
        Whether to clamp the result to [`MIN_NSEC`, `MAX_NSEC`], warning when
        that changes it.

    Returns
    -------
    nsec
        Integer nanoseconds.

    Raises
    ------
    TimespanError
        Raised if ``time`` is not a scalar astropy time.
    """
    astropy_time = _astropy_time()
    if not isinstance(time, astropy_time.Time) or not time.isscalar:
        raise TimespanError(
            f"Expected a scalar astropy.time.Time, got {time!r}; build one with "
            "astropy.time.Time(value, scale='tai')."
        )
    tai = time.tai
    days = Fraction(float(tai.jd1)) + Fraction(float(tai.jd2)) - _EPOCH_JD_FRACTION
    nsec = round(days * NSEC_PER_DAY)
    return _clamp(nsec, time) if clamp else nsec


def nsec_to_time(nsec: int) -> astropy.time.Time:
    """Convert TAI nanoseconds since 1970-01-01 TAI to an astropy time.

    The result has scale TAI, format ``jd`` and precision 6, as upstream's
    timespan bounds; `time_to_nsec` gives back the same integer.
    """
    days, rem = divmod(int(nsec), NSEC_PER_DAY)
    return _astropy_time().Time(
        _EPOCH_JD + days, rem / NSEC_PER_DAY, format="jd", scale="tai", precision=6
    )


def nsec_to_iso_tai(nsec: int, digits: int = 9, sep: str = " ") -> str:
    """Format TAI nanoseconds as an ISO TAI string, e.g. ``2013-06-17 13:34:45.775000000``.

    TAI has no leap seconds, so this is plain calendar arithmetic on integers
    and exact; the fraction is rounded half-even to ``digits`` decimals
    (9 decimals is the form of the export tag ``!butler_time/tai/iso``).
    """
    if not 0 <= digits <= 9:
        raise TimespanError(f"ISO time strings carry 0 to 9 decimals, not {digits}.")
    unit = 10 ** (9 - digits)
    quotient, rem = divmod(int(nsec), unit)
    if 2 * rem > unit or (2 * rem == unit and quotient % 2):
        quotient += 1
    scaled = 10**digits
    seconds, fraction = divmod(quotient, scaled)
    days, day_seconds = divmod(seconds, 86_400)
    date = datetime.date.fromordinal(_EPOCH_ORDINAL + days)
    hours, rest = divmod(day_seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{date.isoformat()}{sep}{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{fraction:0{digits}d}" if digits else text


def iso_tai_to_nsec(text: str) -> int:
    """Parse an ISO TAI string (date, optional time, up to 9 decimals) exactly.

    Raises
    ------
    TimespanError
        Raised if ``text`` is not of the form ``YYYY-MM-DD[( |T)hh:mm[:ss[.fffffffff]]]``.
    """
    match = _ISO_RE.match(text)
    if match is None or (match.group(7) is not None and len(match.group(7)) > 9):
        raise TimespanError(
            f"Time string {text!r} is not an ISO TAI time; expected "
            "'YYYY-MM-DD hh:mm:ss' with at most 9 decimals, e.g. '2013-06-17 13:34:45.775000000'."
        )
    year, month, day, hour, minute, second, frac = match.groups()
    try:
        ordinal = datetime.date(int(year), int(month), int(day)).toordinal()
    except ValueError as err:
        raise TimespanError(f"Time string {text!r} names no valid date: {err}.") from None
    h, m, s = int(hour or 0), int(minute or 0), int(second or 0)
    if h > 23 or m > 59 or s > 59:
        raise TimespanError(f"Time string {text!r} has an hour, minute or second out of range.")
    frac_nsec = int((frac or "").ljust(9, "0") or 0)
    seconds = (ordinal - _EPOCH_ORDINAL) * 86_400 + h * 3600 + m * 60 + s
    return seconds * NSEC_PER_SEC + frac_nsec


def time_to_iso_tai(time: astropy.time.Time) -> str:
    """Format an astropy time as the 9-decimal ISO TAI string of ``!butler_time/tai/iso``."""
    return nsec_to_iso_tai(time_to_nsec(time, clamp=False))


def iso_tai_to_time(text: str) -> astropy.time.Time:
    """Parse a 9-decimal ISO TAI string into an astropy time (scale TAI)."""
    return nsec_to_time(iso_tai_to_nsec(text))


def _bound_to_nsec(bound: object, default: int) -> int | None:
    """Return nanoseconds for a bound, the default for `None`, `None` for EMPTY."""
    if bound is None:
        return default
    if bound is _SpecialTimespanBound.EMPTY:
        return None
    return time_to_nsec(bound)


class Timespan:
    """A half-open interval of time ``[begin, end)`` in the TAI scale.

    Parameters
    ----------
    begin
        Inclusive lower bound, `None` for unbounded, or `Timespan.EMPTY`.
    end
        Exclusive upper bound, `None` for unbounded, or `Timespan.EMPTY`.
    padInstantaneous
        If ``begin == end``, extend ``end`` by one nanosecond so the timespan
        holds that instant; otherwise such a timespan is empty.
    _nsec
        Integer nanosecond bounds, used instead of ``begin`` and ``end``
        (already clamped and normalized; for code reading stored rows).

    Raises
    ------
    TimespanError
        Raised if a bound is not a scalar astropy time, or an instantaneous
        timespan sits at a bound of the storable range (it would be infinite).

    Notes
    -----
    Times before 1970-01-01 or after 2100-01-01 TAI are clamped to those
    limits with a warning, so a timespan starting exactly at 1970-01-01 TAI is
    indistinguishable from one unbounded below. ``begin > end`` gives the empty
    timespan, stored as ``(MAX_NSEC, MIN_NSEC)``.
    """

    __slots__ = ("_nsec",)

    EMPTY: ClassVar[_SpecialTimespanBound] = _SpecialTimespanBound.EMPTY

    _nsec: tuple[int, int]

    def __init__(
        self,
        begin: TimespanBound,
        end: TimespanBound,
        padInstantaneous: bool = True,
        _nsec: tuple[int, int] | None = None,
    ):
        if _nsec is None:
            begin_nsec = _bound_to_nsec(begin, MIN_NSEC)
            end_nsec = _bound_to_nsec(end, MAX_NSEC)
            if begin_nsec is None or end_nsec is None:
                _nsec = (MAX_NSEC, MIN_NSEC)
            elif begin_nsec == end_nsec:
                if not padInstantaneous:
                    _nsec = (MAX_NSEC, MIN_NSEC)
                elif begin_nsec in (MIN_NSEC, MAX_NSEC):
                    raise TimespanError(
                        f"Cannot build an instantaneous timespan at {begin!r}: it lies on a bound "
                        "of the storable range (1970-01-01 to 2100-01-01 TAI), so padding it "
                        "would make it unbounded; give distinct begin and end times."
                    )
                else:
                    _nsec = (begin_nsec, begin_nsec + 1)
            elif begin_nsec > end_nsec:
                _nsec = (MAX_NSEC, MIN_NSEC)
            else:
                _nsec = (begin_nsec, end_nsec)
        elif _nsec[0] >= _nsec[1]:
            _nsec = (MAX_NSEC, MIN_NSEC)
        object.__setattr__(self, "_nsec", (int(_nsec[0]), int(_nsec[1])))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Timespan is immutable; cannot set {name!r}.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_from_nsec, self._nsec)

    @classmethod
    def makeEmpty(cls) -> Timespan:
        """Return the empty timespan, which overlaps nothing."""
        return _EMPTY_SPAN

    @classmethod
    def fromInstant(cls, time: astropy.time.Time) -> Timespan:
        """Return the one-nanosecond timespan ``[time, time + 1 ns)``."""
        return cls(time, time, padInstantaneous=True)

    @classmethod
    def from_day_obs(cls, day_obs: int, offset: int = 0) -> Timespan:
        """Return the 24-hour timespan of an observing day.

        Parameters
        ----------
        day_obs
            Observing day as an integer ``YYYYMMDD``.
        offset
            Seconds from TAI midnight of that date to the start of the day.

        Raises
        ------
        TimespanError
            Raised if ``day_obs`` is not a valid ``YYYYMMDD`` date.
        """
        if isinstance(day_obs, bool) or not isinstance(day_obs, int) or day_obs < 1000_01_01:
            raise TimespanError(f"day_obs must be an integer YYYYMMDD, not {day_obs!r}.")
        year, month_day = divmod(day_obs, 10_000)
        month, day = divmod(month_day, 100)
        try:
            ordinal = datetime.date(year, month, day).toordinal()
        except ValueError as err:
            raise TimespanError(f"day_obs {day_obs} is not a valid YYYYMMDD date: {err}.") from None
        begin = (ordinal - _EPOCH_ORDINAL) * NSEC_PER_DAY + round(offset * NSEC_PER_SEC)
        end = begin + NSEC_PER_DAY
        return cls(None, None, _nsec=(_clamp(begin, day_obs), _clamp(end, day_obs)))

    @property
    def nsec(self) -> tuple[int, int]:
        """The integer TAI nanosecond bounds ``(begin, end)``."""
        return self._nsec

    @property
    def begin(self) -> TimespanBound:
        """Inclusive lower bound: a TAI astropy time, `None` if unbounded, or `EMPTY`."""
        if self.isEmpty():
            return self.EMPTY
        if self._nsec[0] == MIN_NSEC:
            return None
        return nsec_to_time(self._nsec[0])

    @property
    def end(self) -> TimespanBound:
        """Exclusive upper bound: a TAI astropy time, `None` if unbounded, or `EMPTY`."""
        if self.isEmpty():
            return self.EMPTY
        if self._nsec[1] == MAX_NSEC:
            return None
        return nsec_to_time(self._nsec[1])

    def isEmpty(self) -> bool:
        """Return whether the timespan holds no time at all."""
        return self._nsec[0] >= self._nsec[1]

    def _other_nsec(self, other: Timespan | astropy.time.Time) -> tuple[int, int]:
        if isinstance(other, Timespan):
            return other._nsec
        instant = time_to_nsec(other, clamp=False)
        return (instant, instant + 1)

    def overlaps(self, other: Timespan | astropy.time.Time) -> bool:
        """Return whether the two share any time (for a time: whether it is contained)."""
        if not isinstance(other, Timespan):
            return self.contains(other)
        b1, e1 = self._nsec
        b2, e2 = other._nsec
        return b1 < e2 and b2 < e1 and b1 < e1 and b2 < e2

    def contains(self, other: Timespan | astropy.time.Time) -> bool:
        """Return whether a time or every instant of a timespan lies in this one.

        The empty timespan is contained in every timespan. An unbounded side
        contains times beyond the storable range.
        """
        begin, end = self._nsec
        if isinstance(other, Timespan):
            if other.isEmpty():
                return True
            return begin <= other._nsec[0] and other._nsec[1] <= end
        if begin >= end:
            return False
        instant = time_to_nsec(other, clamp=False)
        return (begin == MIN_NSEC or begin <= instant) and (end == MAX_NSEC or instant < end)

    def intersection(self, *args: Timespan) -> Timespan:
        """Return the time common to this timespan and all the others."""
        begin, end = self._nsec
        for other in args:
            begin = max(begin, other._nsec[0])
            end = min(end, other._nsec[1])
        return Timespan(None, None, _nsec=(begin, end))

    def difference(self, other: Timespan) -> Iterator[Timespan]:
        """Yield the non-empty pieces of this timespan not in ``other`` (zero to two)."""
        if not self.overlaps(other):
            if not self.isEmpty():
                yield self
            return
        if self._nsec[0] < other._nsec[0]:
            yield Timespan(None, None, _nsec=(self._nsec[0], other._nsec[0]))
        if other._nsec[1] < self._nsec[1]:
            yield Timespan(None, None, _nsec=(other._nsec[1], self._nsec[1]))

    def __lt__(self, other: Timespan | astropy.time.Time) -> bool:
        """Return whether this timespan ends at or before ``other`` begins (never if empty)."""
        b2, e2 = self._other_nsec(other)
        if self.isEmpty() or b2 >= e2:
            return False
        return self._nsec[1] <= b2

    def __gt__(self, other: Timespan | astropy.time.Time) -> bool:
        """Return whether this timespan begins at or after ``other`` ends (never if empty)."""
        b2, e2 = self._other_nsec(other)
        if self.isEmpty() or b2 >= e2:
            return False
        return self._nsec[0] >= e2

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timespan):
            return NotImplemented
        return self._nsec == other._nsec

    def __hash__(self) -> int:
        return hash(self._nsec)

    def __str__(self) -> str:
        if self.isEmpty():
            return "(empty)"
        begin, end = self._nsec
        head = "(-∞, " if begin == MIN_NSEC else f"[{nsec_to_iso_tai(begin, 6, 'T')}, "
        tail = "∞)" if end == MAX_NSEC else f"{nsec_to_iso_tai(end, 6, 'T')})"
        return head + tail

    def __repr__(self) -> str:
        if self.isEmpty():
            return "Timespan(begin=Timespan.EMPTY, end=Timespan.EMPTY)"

        def bound(nsec: int, unbounded: int) -> str:
            if nsec == unbounded:
                return "None"
            return f"astropy.time.Time('{nsec_to_iso_tai(nsec)}', scale='tai', format='iso')"

        begin, end = self._nsec
        return f"Timespan(begin={bound(begin, MIN_NSEC)}, end={bound(end, MAX_NSEC)})"

    def to_simple(self, minimal: bool = False) -> list[int]:
        """Return the ``[begin_nsec, end_nsec]`` list used by JSON serialization."""
        return list(self._nsec)

    @classmethod
    def from_simple(cls, simple: list[int] | None, universe: object = None) -> Timespan | None:
        """Rebuild a timespan from `to_simple` output (`None` passes through)."""
        if simple is None:
            return None
        if len(simple) != 2 or not all(isinstance(v, int) for v in simple):
            raise TimespanError(f"A serialized timespan is [begin_nsec, end_nsec], not {simple!r}.")
        return cls(None, None, _nsec=(simple[0], simple[1]))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """Validate from a timespan or ``[begin_nsec, end_nsec]``; serialize to the list."""
        from pydantic_core import core_schema

        from_list = core_schema.no_info_after_validator_function(
            lambda v: cls(None, None, _nsec=(v[0], v[1])),
            core_schema.tuple_schema([core_schema.int_schema(), core_schema.int_schema()]),
        )
        return core_schema.union_schema(
            [core_schema.is_instance_schema(cls), from_list],
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda ts: list(ts.nsec)
            ),
        )


def _from_nsec(begin: int, end: int) -> Timespan:
    return Timespan(None, None, _nsec=(begin, end))


_EMPTY_SPAN = Timespan(None, None, _nsec=(MAX_NSEC, MIN_NSEC))
