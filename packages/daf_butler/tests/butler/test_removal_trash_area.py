"""Removals that set a whole directory aside in the trash area, and when they must not."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetRef, FileDataset
from skybutler.daf_butler.datastores.file import _datastore
from skybutler.daf_butler.datastores.file._trash_area import (
    TRASH_DIRECTORY,
    TrashArea,
    common_directory,
)

MakeRepo = Callable[[str], str]


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        (["a/b/c.json", "a/b/d.json"], "a/b"),
        (["a/b/c.json"], "a/b"),
        (["run/a/x", "run/a/y/z"], "run/a"),
        (["a/bc/x", "a/bd/y"], "a"),
        (["a/b", "a/b/x"], "a"),
        (["ab/x", "a/x"], None),
        (["a-b/x", "a/y"], None),
        (["x.json", "y.json"], None),
        ([".skybutler-trash/a/x", ".skybutler-trash/a/y"], None),
        (["a/../b/x", "a/../b/y"], None),
        (["/abs/a/x", "/abs/a/y"], None),
        ([], None),
    ],
    ids=[
        "siblings",
        "one-file",
        "deeper-files",
        "split-inside-a-name",
        "file-and-directory",
        "names-sharing-letters",
        "dash-sorts-before-slash",
        "top-level-files",
        "bookkeeping",
        "dot-dot",
        "absolute",
        "nothing",
    ],
)
def test_common_directory(paths: list[str], expected: str | None) -> None:
    assert common_directory(paths) == expected


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Set whole directories aside from 3 files up, so tests stay small."""
    monkeypatch.setattr(_datastore, "_TRASH_AREA_FILES", 3)


def _ingest_in_place(butler: Butler, directory: Path, run: str, detectors: range) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    raw = butler.get_dataset_type("raw")
    datasets = []
    for detector in detectors:
        path = directory / f"d{detector}.json"
        path.write_text(json.dumps({"d": detector}))
        ref = DatasetRef(raw, {"instrument": "Cam", "detector": detector}, run)
        datasets.append(FileDataset(path, ref))
    butler.ingest(*datasets)
    return [str(path) for path in directory.iterdir()]


@pytest.mark.usefixtures("small_threshold")
def test_run_directory_set_aside_then_deleted(
    make_repo: MakeRepo, files: Callable, consistent: Callable
) -> None:
    butler = Butler(make_repo("repo"), writeable=True)
    root = butler.datastore.root.ospath
    _ingest_in_place(butler, Path(root, "staging", "big"), "big", range(4))
    _ingest_in_place(butler, Path(root, "staging", "other"), "kept", range(4))
    datastore = butler.datastore
    butler.removeRuns(["big"])
    assert not os.path.exists(os.path.join(root, "staging", "big")), "renamed in one go"
    datastore._trash_area.wait()
    assert not os.path.exists(os.path.join(root, TRASH_DIRECTORY))
    assert files(root) == {f"staging/other/d{d}.json" for d in range(4)}
    assert datastore._store.trashed() == {}
    consistent(butler)


@pytest.mark.usefixtures("small_threshold")
def test_nested_run_keeps_its_files(make_repo: MakeRepo, files: Callable) -> None:
    butler = Butler(make_repo("repo"), writeable=True)
    root = butler.datastore.root.ospath
    _ingest_in_place(butler, Path(root, "a"), "a", range(4))
    _ingest_in_place(butler, Path(root, "a", "b"), "a/b", range(4))
    butler.removeRuns(["a"])
    butler.datastore._trash_area.wait()
    assert files(root) == {f"a/b/d{d}.json" for d in range(4)}
    refs = list(butler.registry.queryDatasets("raw", collections="a/b"))
    assert sorted(butler.get(ref)["d"] for ref in refs) == [0, 1, 2, 3]


@pytest.mark.usefixtures("small_threshold")
def test_file_of_a_live_writer_is_not_set_aside(make_sqlite_repo: MakeRepo) -> None:
    butler = Butler(make_sqlite_repo("repo"), writeable=True)
    root = butler.datastore.root.ospath
    _ingest_in_place(butler, Path(root, "big"), "big", range(4))
    # Another writer has journalled a file there and is about to commit its record.
    in_flight = Path(root, "big", "coming.json")
    in_flight.write_text("{}")
    journal = butler.datastore._journal
    assert journal is not None
    batch = journal.begin([(uuid.uuid4(), "big/coming.json")])
    butler.removeRuns(["big"])
    assert in_flight.exists(), "files are deleted one by one around it"
    assert sorted(os.listdir(Path(root, "big"))) == ["coming.json"]
    journal.done(batch)


def test_interrupted_purge_is_finished_by_the_next_call(
    make_sqlite_repo: MakeRepo, files: Callable
) -> None:
    butler = Butler(make_sqlite_repo("repo"), writeable=True)
    root = butler.datastore.root.ospath
    # What a process killed while deleting a directory it had set aside leaves.
    left = Path(root, "gone", "deep")
    left.mkdir(parents=True)
    for i in range(40):
        (left / f"{i}.json").write_text("{}")
    os.symlink(left, Path(root, "gone", "link"))
    TrashArea(root).move_in("gone")
    assert files(root)
    butler.datastore.emptyTrash()
    assert files(root) == set()
    assert not os.path.exists(os.path.join(root, TRASH_DIRECTORY))
    butler.datastore.emptyTrash()  # idempotent
