"""The progress helper: silent unless enabled and on a terminal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from skybutler.daf_butler.cli import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def enabled() -> Iterator[None]:
    progress.set_enabled(True)
    yield
    progress.set_enabled(False)


def test_disabled_by_default_draws_nothing() -> None:
    stream = FakeTerminal()
    assert not progress.is_enabled(stream)
    assert list(progress.iterate(range(3), desc="Working", file=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_enabled_but_not_a_terminal_draws_nothing(enabled: None) -> None:
    stream = io.StringIO()
    assert not progress.is_enabled(stream)
    assert list(progress.iterate([1, 2], desc="Working", file=stream)) == [1, 2]
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("items", "total"),
    [
        pytest.param([1, 2, 3, 4], None, id="sized"),
        pytest.param(iter([1, 2, 3, 4]), 4, id="iterator-with-total"),
    ],
)
def test_enabled_on_a_terminal_draws_a_bar(enabled: None, items: object, total: int | None) -> None:
    stream = FakeTerminal()
    assert progress.is_enabled(stream)
    assert list(progress.iterate(items, desc="Working", total=total, file=stream)) == [1, 2, 3, 4]  # type: ignore[call-overload]
    drawn = stream.getvalue()
    assert "Working" in drawn
    assert "100%" in drawn


def test_query_datasets_draws_a_bar_while_reading(
    enabled: None, query_repo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.daf_butler.script import query_datasets

    stream = FakeTerminal()
    monkeypatch.setattr("sys.stderr", stream)
    tables = query_datasets(query_repo, ["raw"], collections=["run/a"], limit=0)
    assert tables.tables[0].rows
    assert "Reading datasets of type 'raw'" in stream.getvalue()


def test_retrieve_artifacts_draws_a_bar(
    enabled: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.daf_butler import Butler, DatasetType

    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, run="run", writeable=True) as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam"})
        butler.registry.registerDatasetType(
            DatasetType("note", ["instrument"], "StructuredDataDict", universe=butler.dimensions)
        )
        ref = butler.put({"a": 1}, "note", instrument="Cam")
        stream = FakeTerminal()
        monkeypatch.setattr("sys.stderr", stream)
        (written,) = butler.retrieveArtifacts([ref], str(tmp_path / "out"))
    assert written.exists()
    assert "Retrieving artifacts" in stream.getvalue()
