"""Progress bars for long work, shown only when asked for and on a terminal.

Library code wraps long loops in `iterate`; nothing is shown unless
``butler --progress`` (or `set_enabled`) turned progress on and the stream
is a terminal, so scripts, logs and tests see no bars::

    from skybutler.daf_butler.cli import progress

    for ref in progress.iterate(refs, desc="Ingesting", total=len(refs)):
        ...
"""

from __future__ import annotations

__all__ = ["is_enabled", "iterate", "set_enabled"]

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TextIO, TypeVar

_T = TypeVar("_T")

_enabled = False


def set_enabled(enabled: bool) -> None:
    """Turn progress bars on or off for this process."""
    global _enabled
    _enabled = enabled


def is_enabled(file: TextIO | None = None) -> bool:
    """Return whether a bar would be shown on ``file`` (standard error by default)."""
    stream = sys.stderr if file is None else file
    isatty = getattr(stream, "isatty", None)
    return _enabled and isatty is not None and bool(isatty())


def iterate(
    iterable: Iterable[_T],
    *,
    desc: str,
    total: int | None = None,
    file: TextIO | None = None,
) -> Iterator[_T]:
    """Yield the items of ``iterable``, drawing a progress bar while doing so.

    Parameters
    ----------
    iterable
        The items.
    desc
        What is being done ("Ingesting files"), shown before the bar.
    total
        How many items there are; taken from ``len(iterable)`` when it has one.
    file
        Where to draw; standard error by default.
    """
    stream = sys.stderr if file is None else file
    if not is_enabled(stream):
        yield from iterable
        return
    import click

    if total is None and isinstance(iterable, Sized):
        total = len(iterable)
    with click.progressbar(iterable, length=total, label=desc, file=stream) as bar:
        yield from bar
