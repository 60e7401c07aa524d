"""Bulk file transfers (`FileMover`): local work split by target directory over threads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skybutler.daf_butler.datastores.file import _file_copy
from skybutler.daf_butler.datastores.file._file_copy import FileMover
from skybutler.daf_butler.errors import DatasetAlreadyStoredError, RepoTransferError


def _sources(tmp_path: Path, n: int) -> list[str]:
    directory = tmp_path / "outside"
    directory.mkdir()
    paths = []
    for i in range(n):
        path = directory / f"{i}.txt"
        path.write_text(f"file {i}\n" * (i % 7 + 1))
        paths.append(str(path))
    return paths


def _targets(tmp_path: Path, n: int, directories: int) -> list[str]:
    return [str(tmp_path / "root" / f"d{i % directories}" / f"{i}.txt") for i in range(n)]


def _files_under(path: Path) -> set[str]:
    return {str(p) for p in path.rglob("*") if p.is_file()}


@pytest.mark.parametrize("directories", [1, 37])
@pytest.mark.parametrize("mode", ["copy", "move", "hardlink", "symlink", "relsymlink", "link"])
def test_every_file_lands_with_its_content(tmp_path: Path, mode: str, directories: int) -> None:
    n = 200  # more than the threshold for threads
    assert n >= _file_copy._PARALLEL_MIN
    sources = _sources(tmp_path, n)
    targets = _targets(tmp_path, n, directories)
    mover = FileMover()
    sizes = mover.transfer_many(list(zip(sources, targets, strict=True)), mode)
    for source, target, size in zip(sources, targets, sizes, strict=True):
        assert Path(target).read_bytes() == Path(source).read_bytes()
        assert size == (os.path.getsize(source) if mode == "copy" else None)
        assert Path(target).is_symlink() == (mode in ("symlink", "relsymlink"))
    assert sorted(map(str, mover.written)) == sorted(targets)


@pytest.mark.parametrize("directories", [1, 37])
def test_a_taken_target_fails_and_undo_removes_the_rest(tmp_path: Path, directories: int) -> None:
    n = 150
    sources = _sources(tmp_path, n)
    targets = _targets(tmp_path, n, directories)
    taken = Path(targets[101])
    taken.parent.mkdir(parents=True)
    taken.write_text("was here first")
    mover = FileMover()
    with pytest.raises(DatasetAlreadyStoredError, match="a file is there already"):
        mover.transfer_many(list(zip(sources, targets, strict=True)), "copy")
    assert str(taken) not in map(str, mover.written)
    mover.undo()
    assert _files_under(tmp_path / "root") == {str(taken)}
    assert taken.read_text() == "was here first"


def test_a_file_in_place_of_a_directory_is_a_transfer_error(tmp_path: Path) -> None:
    n = 100
    sources = _sources(tmp_path, n)
    targets = _targets(tmp_path, n, 10)
    blocker = Path(targets[3]).parent
    blocker.parent.mkdir(parents=True)
    blocker.write_text("not a directory")
    mover = FileMover()
    with pytest.raises(RepoTransferError, match=str(sources[3]).replace(".", r"\.")):
        mover.transfer_many(list(zip(sources, targets, strict=True)), "copy")
    mover.undo()
    assert _files_under(tmp_path / "root") == {str(blocker)}


def test_a_missing_source_is_named(tmp_path: Path) -> None:
    sources = _sources(tmp_path, 80)
    targets = _targets(tmp_path, 80, 8)
    os.unlink(sources[42])
    mover = FileMover()
    with pytest.raises(RepoTransferError, match=r"42\.txt"):
        mover.transfer_many(list(zip(sources, targets, strict=True)), "copy")
    mover.undo()
    assert _files_under(tmp_path / "root") == set()
