"""Small helpers shared by the scheme implementations."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import TypeVar

__all__ = ["compile_filter", "num_workers", "run_concurrently", "run_each"]

_T = TypeVar("_T")
_R = TypeVar("_R")
_K = TypeVar("_K")


def num_workers(requested: int | None) -> int:
    """Return the concurrency for bulk operations (argument, environment, or CPUs + 4)."""
    if requested:
        return requested
    env = os.environ.get("SKYBUTLER_RESOURCES_NUM_WORKERS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return (os.cpu_count() or 1) + 4


def run_concurrently(
    fn: Callable[[_T], _R], items: Iterable[_T], workers: int | None = None
) -> list[_R]:
    """Apply ``fn`` to every item on a thread pool, keeping the order."""
    todo = list(items)
    if len(todo) <= 1:
        return [fn(item) for item in todo]
    from concurrent.futures import ThreadPoolExecutor  # only when there is bulk work

    with ThreadPoolExecutor(max_workers=min(num_workers(workers), len(todo))) as pool:
        return list(pool.map(fn, todo))


def compile_filter(file_filter: str | re.Pattern[str] | None) -> Callable[[str], bool]:
    """Turn a file-name filter into a predicate."""
    if file_filter is None:
        return lambda name: True
    pattern = re.compile(file_filter) if isinstance(file_filter, str) else file_filter
    return lambda name: pattern.search(name) is not None


def run_each(
    fn: Callable[[_T], object],
    items: list[_T],
    keys: list[_K],
    what: str,
    do_raise: bool,
) -> dict[_K, BaseException | None]:
    """Apply ``fn`` to every item concurrently, collecting each failure under its key.

    Raises
    ------
    ExceptionGroup
        Some calls failed and ``do_raise`` is true.
    """

    def one(item: _T) -> BaseException | None:
        try:
            fn(item)
        except Exception as exc:
            return exc
        return None

    outcome = dict(zip(keys, run_concurrently(one, items), strict=True))
    failures = [exc for exc in outcome.values() if isinstance(exc, Exception)]
    if failures and do_raise:
        raise ExceptionGroup(f"{len(failures)} of {len(items)} {what} failed", failures)
    return outcome
