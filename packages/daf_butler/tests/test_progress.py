"""The progress helper: silent unless enabled and on a terminal; free when silent."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pytest

from skybutler.daf_butler import _progress as progress

from .conftest import FakeTerminal


@pytest.fixture
def enabled() -> Iterator[None]:
    progress.set_enabled(True)
    yield
    progress.set_enabled(False)


def test_disabled_by_default_draws_nothing() -> None:
    stream = FakeTerminal()
    assert not progress.is_enabled(stream)
    assert list(progress.iterate(range(3), desc="Working", file=stream)) == [0, 1, 2]
    with progress.bar(desc="Working", total=3, file=stream) as bar:
        bar.update(3)
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    "items",
    [
        pytest.param([1, 2], id="list"),
        pytest.param(iter([1, 2]), id="iterator"),
        pytest.param({1: "a"}.items(), id="view"),
    ],
)
def test_disabled_returns_the_iterable_itself(items: Iterable[object]) -> None:
    # Nothing wraps the loop, so it costs what it costs without bars.
    assert progress.iterate(items, desc="Working") is items


def test_disabled_bar_is_one_shared_object() -> None:
    assert progress.bar(desc="A", total=3) is progress.bar(desc="B", total=4)


def test_enabled_but_not_a_terminal_draws_nothing(enabled: None) -> None:
    stream = io.StringIO()
    items = [1, 2]
    assert not progress.is_enabled(stream)
    assert progress.iterate(items, desc="Working", file=stream) is items
    with progress.bar(desc="Working", total=2, file=stream) as bar:
        bar.update(2)
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("items", "total"),
    [
        pytest.param([1, 2, 3, 4], None, id="sized"),
        pytest.param(iter([1, 2, 3, 4]), 4, id="iterator-with-total"),
    ],
)
def test_enabled_on_a_terminal_draws_a_bar(
    enabled: None, items: Iterable[int], total: int | None
) -> None:
    stream = FakeTerminal()
    assert progress.is_enabled(stream)
    assert list(progress.iterate(items, desc="Working", total=total, file=stream)) == [1, 2, 3, 4]
    assert stream.bar("Working") == "4/4 100%"


def test_iterator_without_total_draws_without_a_count(enabled: None) -> None:
    stream = FakeTerminal()
    assert list(progress.iterate(iter("abc"), desc="Reading", file=stream)) == ["a", "b", "c"]
    assert "Reading" in stream.getvalue()
    assert stream.bar("Reading") is None  # no "n/N" without a total


def test_nothing_to_do_draws_nothing(enabled: None) -> None:
    stream = FakeTerminal()
    assert list(progress.iterate([], desc="Working", file=stream)) == []
    with progress.bar(desc="Working", total=0, file=stream) as bar:
        bar.update(0)
    assert stream.getvalue() == ""


def test_bar_advanced_by_hand(enabled: None) -> None:
    stream = FakeTerminal()
    with progress.bar(desc="Batches", total=10, file=stream) as bar:
        bar.update(4)
        assert stream.bar("Batches") == "4/10 40%"
        bar.update(6)
    assert stream.bar("Batches") == "10/10 100%"
    assert stream.getvalue().endswith("\n")


def test_large_bar_is_redrawn_a_bounded_number_of_times(enabled: None) -> None:
    stream = FakeTerminal()
    for _ in progress.iterate(range(100_000), desc="Many", file=stream):
        pass
    assert stream.bar("Many") == "100000/100000 100%"
    assert stream.getvalue().count("Many") <= 2 * progress._REDRAWS


def test_command_line_module_gives_the_same_functions() -> None:
    from skybutler.daf_butler.cli import progress as cli_progress

    assert cli_progress.iterate is progress.iterate
    assert cli_progress.set_enabled is progress.set_enabled
    assert cli_progress.is_enabled is progress.is_enabled
    assert cli_progress.bar is progress.bar


def test_library_does_not_import_the_command_line() -> None:
    import subprocess
    import sys

    code = (
        "import sys, skybutler.daf_butler._progress, skybutler.daf_butler.datastores.file, "
        "skybutler.daf_butler.transfers; "
        "print(any(m.startswith('skybutler.daf_butler.cli') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
