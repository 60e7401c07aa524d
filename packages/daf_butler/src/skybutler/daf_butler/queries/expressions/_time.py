"""The content of time literals, ``T'[format/]value[/scale]'``, read into astropy times.

astropy is imported on the first time literal, so that importing the parser
stays cheap.
"""

from __future__ import annotations

__all__ = ["default_time_scale", "detect_time_format", "format_time", "parse_time_string"]

import importlib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import astropy.time

_FLOAT_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)\Z")
_ISO_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:([ T])\d{2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?\Z")
_FITS_RE = re.compile(r"\+\d{5}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d*)?)?\Z")
_YDAY_RE = re.compile(r"\d{4}:\d{3}(?::\d{2}:\d{2}(?::\d{2}(?:\.\d*)?)?)?\Z")
_FRACTION_RE = re.compile(r":\d{2}\.(\d*)\Z")
_FORMAT_PREFIX_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_UTC_FORMATS = frozenset({"iso", "isot", "fits", "yday", "unix"})
_MAX_PRECISION = 9


def _astropy_time() -> Any:
    # Imported on first use: parsing an expression without times must not pay for astropy.
    return importlib.import_module("astropy.time")


def detect_time_format(value: str) -> str | None:
    """Return the astropy format a time value without a ``format/`` prefix has.

    Parameters
    ----------
    value
        The value part of a time literal.

    Returns
    -------
    str or None
        ``mjd`` for a plain decimal number (no exponent), ``iso`` for
        ``YYYY-MM-DD[ hh:mm[:ss[.f]]]``, ``isot`` for the same with ``T``,
        ``fits`` for ``+YYYYY-MM-DD[Thh:mm:ss[.f]]``, ``yday`` for
        ``YYYY:DDD[:hh:mm[:ss[.f]]]``; `None` for anything else, including
        times with hours but no minutes.
    """
    if _FLOAT_RE.match(value):
        return "mjd"
    m = _ISO_RE.match(value)
    if m:
        return "isot" if m.group(1) == "T" else "iso"
    if _FITS_RE.match(value):
        return "fits"
    if _YDAY_RE.match(value):
        return "yday"
    return None


def default_time_scale(time_format: str) -> str:
    """Return the scale a time literal of ``time_format`` has when it names none.

    Parameters
    ----------
    time_format
        An astropy time format name.

    Returns
    -------
    str
        ``utc`` for iso, isot, fits, yday and unix; ``tt`` for cxcsec;
        ``tai`` otherwise.
    """
    if time_format in _UTC_FORMATS:
        return "utc"
    if time_format == "cxcsec":
        return "tt"
    return "tai"


def parse_time_string(text: str) -> astropy.time.Time:
    """Read the content of a time literal.

    Parameters
    ----------
    text
        What is between the quotes of ``T'...'``: ``[format/]value[/scale]``.
        A trailing ``+00:00`` on the value is ignored. Without a format, the
        value's shape decides it (see `detect_time_format`); without a scale,
        `default_time_scale` does.

    Returns
    -------
    astropy.time.Time
        A scalar time whose ``precision`` keeps the written fractional digits
        (at least three, at most nine) so that it prints back unchanged.

    Raises
    ------
    ValueError
        Raised if the format or scale is unknown to astropy, the format cannot
        be detected, or astropy rejects the value.
    """
    astropy_time = _astropy_time()
    parts = [part.strip() for part in text.split("/")]
    time_format: str | None = None
    scale: str | None = None
    if len(parts) == 1:
        value = parts[0]
    elif len(parts) == 2:
        # "format/value" if the first part is a name, otherwise "value/scale".
        if _FORMAT_PREFIX_RE.match(parts[0]):
            time_format, value = parts
        else:
            value, scale = parts
    elif len(parts) == 3:
        time_format, value, scale = parts
    else:
        raise ValueError(
            f"time literal {text!r} has {len(parts) - 1} '/' separators; "
            "write T'[format/]value[/scale]'"
        )
    if value.endswith("+00:00"):
        value = value[: -len("+00:00")]
    if time_format is not None and time_format not in astropy_time.Time.FORMATS:
        known = ", ".join(sorted(astropy_time.Time.FORMATS))
        raise ValueError(f"unknown time format {time_format!r}; astropy knows {known}")
    if scale is not None and scale not in astropy_time.Time.SCALES:
        known = ", ".join(astropy_time.Time.SCALES)
        raise ValueError(f"unknown time scale {scale!r}; astropy knows {known}")
    if time_format is None:
        time_format = detect_time_format(value)
        if time_format is None:
            raise ValueError(
                f"cannot tell the format of time {value!r}: write an MJD number, "
                "YYYY-MM-DD[ hh:mm[:ss[.fff]]], YYYY-MM-DDThh:mm[:ss[.fff]], "
                "+YYYYY-MM-DD[Thh:mm:ss[.fff]] or YYYY:DDD[:hh:mm[:ss[.fff]]], "
                "or name the format as in T'format/value'"
            )
    if scale is None:
        scale = default_time_scale(time_format)
    fraction = _FRACTION_RE.search(value)
    precision = 3 if fraction is None else max(3, min(_MAX_PRECISION, len(fraction.group(1))))
    try:
        time = astropy_time.Time(value, format=time_format, scale=scale, precision=precision)
    except Exception as exc:  # astropy raises many types for bad values; report all alike
        raise ValueError(
            f"astropy cannot read {value!r} as a time in format {time_format!r} "
            f"and scale {scale!r}: {_one_line(exc)}"
        ) from exc
    if not time.isscalar:
        raise ValueError(f"time literal {text!r} is not a single time")
    return time


def _one_line(exc: BaseException) -> str:
    # astropy spreads the cause over several lines ("...class iso:\nValueError: ...").
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text or type(exc).__name__


def format_time(time: astropy.time.Time) -> str:
    """Return the content of the time literal that reads back as ``time``.

    Parameters
    ----------
    time
        A scalar astropy time.

    Returns
    -------
    str
        The value in the time's own format, in full (numbers with every digit
        astropy keeps, strings at the time's precision), preceded by
        ``format/`` when the value alone would be read in another format and
        followed by ``/scale`` when the scale is not that format's default.
    """
    value = time.value
    if not isinstance(value, str):
        try:
            value = time.to_value(time.format, "str")
        except Exception:  # a format without a string form (e.g. datetime): print it plainly
            value = str(value)
    prefix = "" if detect_time_format(value) == time.format else f"{time.format}/"
    suffix = "" if time.scale == default_time_scale(time.format) else f"/{time.scale}"
    return f"{prefix}{value}{suffix}"
