"""Progress bars for long work, shown only when asked for and on a terminal.

Library code wraps long per-item loops in `iterate`, and work done in
batches in `bar`; nothing is shown unless ``butler --progress`` (or
`set_enabled`) turned progress on and the stream is a terminal, so scripts,
logs and tests see no bars::

    from skybutler.daf_butler import _progress as progress

    for ref in progress.iterate(refs, desc="Ingesting", total=len(refs)):
        ...

    with progress.bar(desc="Importing dimension records", total=n) as bar:
        for batch in batches:
            store(batch)
            bar.update(len(batch))

Switched off (the default), `iterate` returns its argument itself and `bar`
a shared object whose `update` does nothing, so the loops cost what they
cost without bars. This module sits below every other part of the package;
``skybutler.daf_butler.cli.progress`` gives the same names to command code.
"""

from __future__ import annotations

__all__ = ["ProgressBar", "bar", "is_enabled", "iterate", "set_enabled"]

import sys
from collections.abc import Iterable, Iterator, Sized
from types import TracebackType
from typing import Any, Protocol, TextIO, TypeVar

_T = TypeVar("_T")

_enabled = False

_REDRAWS = 1000
"""About how often a bar of a known total is redrawn (each redraw formats and writes a line)."""


def set_enabled(enabled: bool) -> None:
    """Turn progress bars on or off for this process."""
    global _enabled
    _enabled = enabled


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return isatty is not None and bool(isatty())


def is_enabled(file: TextIO | None = None) -> bool:
    """Return whether a bar would be shown on ``file`` (standard error by default)."""
    return _enabled and _is_terminal(sys.stderr if file is None else file)


def iterate(
    iterable: Iterable[_T],
    *,
    desc: str,
    total: int | None = None,
    file: TextIO | None = None,
) -> Iterable[_T]:
    """Return the items of ``iterable``, drawing a progress bar while they are taken.

    When no bar is shown this is ``iterable`` itself: wrapping a loop costs
    nothing per item.

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
    if not _enabled:
        return iterable
    stream = sys.stderr if file is None else file
    if not _is_terminal(stream):
        return iterable
    if total is None and isinstance(iterable, Sized):
        total = len(iterable)
    if total == 0:
        return iterable
    return _drawn(iterable, desc, total, stream)


def _click_bar(iterable: Iterable[_T] | None, desc: str, total: int | None, stream: TextIO) -> Any:
    """Return click's bar; position and percentage shown when the total is known."""
    import click

    return click.progressbar(
        iterable,
        length=total,
        label=desc,
        file=stream,
        show_pos=total is not None,
        show_percent=total is not None,
        update_min_steps=max(1, total // _REDRAWS) if total else 1,
    )


def _drawn(iterable: Iterable[_T], desc: str, total: int | None, stream: TextIO) -> Iterator[_T]:
    with _click_bar(iterable, desc, total, stream) as drawn:
        yield from drawn


class ProgressBar(Protocol):
    """A bar advanced by hand (see `bar`)."""

    def update(self, n: int = 1) -> None:
        """Advance the bar by ``n`` items."""

    def __enter__(self) -> ProgressBar:
        """Start drawing."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Finish the bar (end its line)."""


class _NoBar:
    """The bar drawn when none is: every method does nothing."""

    __slots__ = ()

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass


_NO_BAR = _NoBar()


class _ClickBar:
    """A bar drawn by click on a terminal."""

    def __init__(self, desc: str, total: int, stream: TextIO) -> None:
        self._bar: Any = _click_bar(None, desc, total, stream)

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def __enter__(self) -> _ClickBar:
        self._bar.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.__exit__(exc_type, exc, tb)


def bar(*, desc: str, total: int, file: TextIO | None = None) -> ProgressBar:
    """Return a bar of ``total`` items advanced with ``update``; use it in a ``with`` block.

    For work done in batches (a statement per thousand rows, a file per
    thread), where there is no loop over the items to give `iterate`.

    Parameters
    ----------
    desc
        What is being done, shown before the bar.
    total
        How many items the work has.
    file
        Where to draw; standard error by default.
    """
    if not _enabled or total <= 0:
        return _NO_BAR
    stream = sys.stderr if file is None else file
    if not _is_terminal(stream):
        return _NO_BAR
    return _ClickBar(desc, total, stream)
