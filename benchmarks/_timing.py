"""Small timing helpers shared by the benchmark scripts.

Benchmarks print figures; they never fail on a slow machine. Each line reads
``name: measured (target)`` so a closing note can quote it directly.
"""

from __future__ import annotations

import time
import timeit
from collections.abc import Callable


def per_call(fn: Callable[[], object], *, number: int = 1000, repeat: int = 5) -> float:
    """Return the best-of-``repeat`` time of one call of ``fn``, in seconds."""
    timer = timeit.Timer(fn)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def once(fn: Callable[[], object]) -> float:
    """Return the wall-clock time of a single call of ``fn``, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def report(name: str, seconds: float, target: float | None = None) -> None:
    """Print one figure beside its target, marking whether the target is met."""
    if target is None:
        print(f"{name}: {_fmt(seconds)}")
        return
    verdict = "ok" if seconds <= target else "OVER TARGET"
    print(f"{name}: {_fmt(seconds)} (target <= {_fmt(target)}, {verdict})")
