"""Retry transient remote failures with exponential backoff and jitter.

Remote schemes wrap each request in `call_with_retries`. A failure counts as
transient when the scheme's ``is_transient`` predicate says so (a dropped
connection, a 5xx answer, throttling); anything else is raised at once.
The number of attempts and the backoff bounds come from the environment:

``SKYBUTLER_RESOURCES_RETRIES``
    Attempts in total, default 5 (1 disables retrying).
``SKYBUTLER_RESOURCES_BACKOFF_MIN`` / ``SKYBUTLER_RESOURCES_BACKOFF_MAX``
    First and largest pause in seconds, defaults 0.1 and 2.0.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

_T = TypeVar("_T")
_log = logging.getLogger(__name__)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        _log.warning("Ignoring %s=%r: not a number; using %s.", name, value, default)
        return default


def retry_settings() -> tuple[int, float, float]:
    """Return ``(attempts, backoff_min, backoff_max)`` from the environment."""
    attempts = max(1, int(_env_float("SKYBUTLER_RESOURCES_RETRIES", 5)))
    low = _env_float("SKYBUTLER_RESOURCES_BACKOFF_MIN", 0.1)
    high = max(low, _env_float("SKYBUTLER_RESOURCES_BACKOFF_MAX", 2.0))
    return attempts, low, high


def call_with_retries(
    fn: Callable[[], _T],
    *,
    is_transient: Callable[[BaseException], bool],
    what: str,
) -> _T:
    """Call ``fn``, retrying while it fails with a transient error.

    Parameters
    ----------
    fn
        The request to make; it must be safe to repeat.
    is_transient
        Whether an exception is worth another attempt.
    what
        Short description for the log, e.g. ``"PUT s3://bucket/key"``.

    Returns
    -------
    result
        Whatever ``fn`` returns.

    Raises
    ------
    BaseException
        The last exception once the attempts are used up, or the first
        permanent one.
    """
    attempts, low, high = retry_settings()
    delay = low
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not is_transient(exc):
                raise
            pause = random.uniform(delay / 2, delay)
            _log.info(
                "%s failed (%s); retry %d of %d in %.2fs", what, exc, attempt, attempts - 1, pause
            )
            time.sleep(pause)
            delay = min(high, delay * 2)
    raise AssertionError("unreachable")  # pragma: no cover
