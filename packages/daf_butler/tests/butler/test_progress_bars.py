"""Progress bars of long Butler work: which bars each operation draws, with which totals.

Bars are drawn only with progress on and standard error a terminal; the
``show_bars`` fixture arranges both with a fake terminal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetRef, FileDataset
from skybutler.daf_butler.datastores.file._file_copy import FileMover
from skybutler.resources import ResourcePath

from ..conftest import ShowBars
from .conftest import MakeRepo


def _put(butler: Butler, count: int = 3, run: str = "run") -> list[DatasetRef]:
    butler.registry.registerRun(run)
    return [
        butler.put({"d": d}, "meta", instrument="Cam", detector=d, run=run) for d in range(count)
    ]


@pytest.fixture
def source(make_sqlite_repo: MakeRepo) -> Iterator[tuple[Butler, list[DatasetRef]]]:
    """A repository holding three ``meta`` datasets (detectors 0-2) in ``run``."""
    butler = Butler(make_sqlite_repo("source"), writeable=True)
    refs = _put(butler)
    yield butler, refs
    butler.close()


def _export(butler: Butler, refs: list[DatasetRef], directory: Path) -> None:
    with butler.export(directory=str(directory), transfer="copy") as export:
        export.saveDatasets(refs)


def test_export_draws_datasets_files_and_writing(
    source: tuple[Butler, list[DatasetRef]], tmp_path: Path, show_bars: ShowBars
) -> None:
    butler, refs = source
    terminal = show_bars()
    _export(butler, refs, tmp_path / "out")
    assert terminal.bar("Saving datasets") == "3/3 100%"
    assert terminal.bar("Exporting files") == "3/3 100%"
    assert terminal.bar("Writing datasets") == "3/3 100%"


def test_import_draws_records_datasets_and_files(
    source: tuple[Butler, list[DatasetRef]],
    make_sqlite_repo: MakeRepo,
    tmp_path: Path,
    show_bars: ShowBars,
) -> None:
    butler, refs = source
    _export(butler, refs, tmp_path / "out")
    with Butler(make_sqlite_repo("dest"), writeable=True) as dest:
        terminal = show_bars()
        dest.import_(directory=str(tmp_path / "out"), transfer="copy")
        assert dest.get(refs[0]) == {"d": 0}
    # The instrument and three detectors; the repository had them already (left alone).
    assert terminal.bar("Importing dimension records") == "4/4 100%"
    assert terminal.bar("Importing datasets") == "3/3 100%"
    assert terminal.bar("Checking files to import") == "3/3 100%"
    assert terminal.bar("Importing files") == "3/3 100%"


def test_transfer_from_draws_records_and_files(
    source: tuple[Butler, list[DatasetRef]], tmp_path: Path, show_bars: ShowBars
) -> None:
    butler, refs = source
    root = str(tmp_path / "target")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as target:
        terminal = show_bars()
        copied = target.transfer_from(
            butler, refs, transfer="copy", register_dataset_types=True, transfer_dimensions=True
        )
        assert len(copied) == 3
    assert terminal.bar("Transferring dimension records") == "4/4 100%"
    assert terminal.bar("Transferring files") == "3/3 100%"


def test_transfer_into_another_kind_of_datastore_draws_datasets(
    source: tuple[Butler, list[DatasetRef]], tmp_path: Path, show_bars: ShowBars
) -> None:
    butler, refs = source
    root = str(tmp_path / "memory")
    Butler.makeRepo(root, config={"datastore": {"cls": "inmemory"}})
    with Butler(root, writeable=True) as target:
        terminal = show_bars()
        target.transfer_from(butler, refs, register_dataset_types=True, transfer_dimensions=True)
        assert target.get(refs[2]) == {"d": 2}
    assert terminal.bar("Transferring datasets") == "3/3 100%"


def test_ingest_draws_its_files(
    make_sqlite_repo: MakeRepo, tmp_path: Path, show_bars: ShowBars
) -> None:
    with Butler(make_sqlite_repo("repo"), writeable=True) as butler:
        files = []
        for detector in (1, 2):
            path = tmp_path / f"in{detector}.json"
            path.write_text(json.dumps({"d": detector}))
            ref = DatasetRef(
                butler.get_dataset_type("raw"), {"instrument": "Cam", "detector": detector}, "r"
            )
            files.append(FileDataset(str(path), ref, formatter="json"))
        butler.registry.registerRun("r")
        terminal = show_bars()
        butler.ingest(*files, transfer="copy")
    assert terminal.bar("Ingesting files") == "2/2 100%"


def test_prune_datasets_draws_the_deletion(
    source: tuple[Butler, list[DatasetRef]], show_bars: ShowBars
) -> None:
    butler, refs = source
    terminal = show_bars()
    butler.pruneDatasets(refs, disassociate=True, unstore=True, purge=True)
    assert terminal.bar("Deleting files") == "3/3 100%"


def test_remove_runs_draws_runs_and_deletion(
    source: tuple[Butler, list[DatasetRef]], show_bars: ShowBars
) -> None:
    butler, _ = source
    _put(butler, 2, run="other")
    terminal = show_bars()
    butler.removeRuns(["run", "other"])
    assert terminal.bar("Removing runs") == "2/2 100%"
    assert terminal.bar("Deleting files") == "5/5 100%"


def test_deleting_many_files_on_threads_draws_every_file(
    make_sqlite_repo: MakeRepo, show_bars: ShowBars
) -> None:
    with Butler(make_sqlite_repo("repo"), writeable=True) as butler:
        # 70 files (past the threshold for threads), one per run: detectors are few.
        refs = [ref for i in range(70) for ref in _put(butler, 1, run=f"run{i}")]
        terminal = show_bars()
        butler.pruneDatasets(refs, disassociate=True, unstore=True, purge=True)
        assert not any(butler.datastore.mexists(refs).values())
    assert terminal.bar("Deleting files") == "70/70 100%"


def test_remote_transfers_share_the_bar(tmp_path: Path, show_bars: ShowBars) -> None:
    local = tmp_path / "a.txt"
    local.write_text("a")
    pairs: list[tuple[ResourcePath | str, ResourcePath | str]] = [
        (str(local), str(tmp_path / "b.txt")),
        (ResourcePath(str(local)), ResourcePath("mem://progress-test/c.txt")),
    ]
    terminal = show_bars()
    FileMover().transfer_many(pairs, "copy", "Copying")
    assert terminal.bar("Copying") == "2/2 100%"
    assert ResourcePath("mem://progress-test/c.txt").read() == b"a"


def test_without_progress_nothing_is_drawn(
    source: tuple[Butler, list[DatasetRef]],
    make_sqlite_repo: MakeRepo,
    tmp_path: Path,
    show_bars: ShowBars,
) -> None:
    butler, refs = source
    terminal = show_bars(enabled=False)
    _export(butler, refs, tmp_path / "out")
    with Butler(make_sqlite_repo("dest"), writeable=True) as dest:
        dest.import_(directory=str(tmp_path / "out"), transfer="copy")
    butler.removeRuns(["run"])
    assert terminal.getvalue() == ""
