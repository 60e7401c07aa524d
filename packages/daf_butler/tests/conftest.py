"""Fixtures shared by the daf_butler tests: a fake terminal that progress bars draw on."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import pytest

from skybutler.daf_butler import _progress


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal, so progress bars draw on it."""

    def isatty(self) -> bool:
        return True

    def bar(self, desc: str) -> str | None:
        """Return the last state drawn of the bar labelled ``desc`` ("2/2  100%"), if any."""
        states = re.findall(rf"{re.escape(desc)}\s+\[[#-]*\]\s+(\d+/\d+\s+\d+%)", self.getvalue())
        return re.sub(r"\s+", " ", states[-1]) if states else None


ShowBars = Callable[..., FakeTerminal]


@pytest.fixture
def show_bars(monkeypatch: pytest.MonkeyPatch) -> Iterator[ShowBars]:
    """Return the function making standard error a fake terminal, bars on (``enabled=False``: off).

    Call it in the test itself, not in a fixture: pytest puts its own standard
    error back between setting up a test and running it.
    """

    def show(enabled: bool = True) -> FakeTerminal:
        stream = FakeTerminal()
        monkeypatch.setattr("sys.stderr", stream)
        _progress.set_enabled(enabled)
        return stream

    yield show
    _progress.set_enabled(False)
