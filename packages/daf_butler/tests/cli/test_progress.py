"""Progress bars of commands: drawn with ``butler --progress`` on a terminal, never otherwise.

`CliRunner` cannot give a terminal, so the commands here run through the
real root group (``cli.main``) with standard error a fake terminal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType, _progress
from skybutler.daf_butler.cli.butler import cli

from ..conftest import ShowBars


def _butler(*args: str) -> None:
    """Run ``butler ARGS`` in-process as the command line does (standard streams as they are)."""
    cli.main(list(args), prog_name="butler", standalone_mode=False)


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """An export directory of three ``note`` datasets (files copied) and their records."""
    root = str(tmp_path / "source")
    Butler.makeRepo(root)
    with Butler(root, run="run", writeable=True) as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        butler.registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"S{d}"} for d in (1, 2, 3))
        )
        butler.registry.registerDatasetType(
            DatasetType(
                "note", ["instrument", "detector"], "StructuredDataDict", universe=butler.dimensions
            )
        )
        refs = [butler.put({"d": d}, "note", instrument="Cam", detector=d) for d in (1, 2, 3)]
        out = tmp_path / "out"
        with butler.export(directory=str(out), transfer="copy") as export:
            export.saveDatasets(refs)
    return out


@pytest.fixture
def destination(tmp_path: Path) -> str:
    root = str(tmp_path / "dest")
    Butler.makeRepo(root)
    return root


def test_butler_progress_import_draws_its_bars(
    exported: Path, destination: str, show_bars: ShowBars
) -> None:
    quiet_terminal = show_bars(enabled=False)
    _butler("--progress", "import", destination, str(exported), "-t", "copy")
    assert quiet_terminal.bar("Importing dimension records") == "4/4 100%"  # instrument + 3
    assert quiet_terminal.bar("Importing datasets") == "3/3 100%"
    assert quiet_terminal.bar("Importing files") == "3/3 100%"
    assert not _progress.is_enabled()  # the command turned bars off again when it ended
    with Butler(destination) as butler:
        assert len(butler.query_datasets("note", collections="run")) == 3


def test_butler_import_without_progress_draws_nothing(
    exported: Path, destination: str, show_bars: ShowBars
) -> None:
    quiet_terminal = show_bars(enabled=False)
    _butler("import", destination, str(exported), "-t", "copy")
    assert quiet_terminal.getvalue() == ""
    with Butler(destination) as butler:
        assert len(butler.query_datasets("note", collections="run")) == 3


def test_query_datasets_draws_a_bar_while_reading(show_bars: ShowBars, query_repo: str) -> None:
    from skybutler.daf_butler.script import query_datasets

    terminal = show_bars()
    tables = query_datasets(query_repo, ["raw"], collections=["run/a"], limit=0)
    assert tables.tables[0].rows
    assert "Reading datasets of type 'raw'" in terminal.getvalue()


def test_retrieve_artifacts_draws_a_bar(show_bars: ShowBars, tmp_path: Path) -> None:
    terminal = show_bars()
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, run="run", writeable=True) as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam"})
        butler.registry.registerDatasetType(
            DatasetType("note", ["instrument"], "StructuredDataDict", universe=butler.dimensions)
        )
        ref = butler.put({"a": 1}, "note", instrument="Cam")
        (written,) = butler.retrieveArtifacts([ref], str(tmp_path / "out"))
    assert written.exists()
    assert terminal.bar("Retrieving artifacts") == "1/1 100%"


def test_remove_collections_draws_a_bar(show_bars: ShowBars, repo: str) -> None:
    from skybutler.daf_butler.script import remove_collections

    terminal = show_bars()
    removal = remove_collections(repo, "tagged", remove_from_parents=True)
    assert removal.removed == ("tagged",)
    assert terminal.bar("Removing collections") == "1/1 100%"
