"""Butler.ingest: every transfer mode, shared files, formatters, bulk ingest and bad input."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetRef, FileDataset
from skybutler.daf_butler.errors import (
    ConflictingDefinitionError,
    DatasetAlreadyStoredError,
    DatasetTypeNotSupportedError,
    DatastoreError,
    FormatterNotFoundError,
    IngestFileError,
)
from skybutler.daf_butler.formatters import JsonFormatter

MakeRepo = Callable[[str], str]


def _write(path: Path, payload: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload))
    return path


def _ref(butler: Butler, detector: int, run: str = "ingest/run", name: str = "raw") -> DatasetRef:
    return DatasetRef(
        butler.get_dataset_type(name), {"instrument": "Cam", "detector": detector}, run
    )


@pytest.fixture
def external(tmp_path: Path) -> Path:
    """A directory of files outside any repository."""
    return tmp_path / "outside"


@pytest.mark.parametrize(
    "mode",
    ["copy", "move", "link", "symlink", "relsymlink", "hardlink", "direct", "auto"],
)
def test_transfer_modes(make_sqlite_repo: MakeRepo, external: Path, mode: str) -> None:
    root = make_sqlite_repo("repo")
    butler = Butler(root, writeable=True)
    source = _write(external / "a.json", {"mode": mode})
    ref = _ref(butler, 1)
    butler.ingest(FileDataset(str(source), ref, formatter="json"), transfer=mode)
    assert butler.get(ref) == {"mode": mode}
    uri = butler.getURI(ref)
    stored = uri.ospath
    if mode == "direct":
        assert stored == str(source)
    else:
        assert stored.startswith(root)
        assert stored.endswith(".json")
    assert os.path.exists(source) is (mode != "move")
    assert os.path.islink(stored) is (mode in ("symlink", "relsymlink"))
    if mode == "relsymlink":
        assert not os.readlink(stored).startswith("/")
    if mode == "hardlink":
        assert os.stat(stored).st_nlink == 2
    butler.pruneDatasets([ref], purge=True, unstore=True)
    # Files the datastore does not own ("direct") survive; links go, their targets stay.
    assert os.path.exists(source) is (mode != "move")
    assert not os.path.lexists(stored) or mode == "direct"


def test_auto_uses_files_inside_the_root_in_place(
    make_repo: MakeRepo, consistent: Callable
) -> None:
    root = make_repo("repo")
    butler = Butler(root, writeable=True)
    inside = _write(Path(root) / "incoming" / "b.json", {"x": 1})
    ref = _ref(butler, 2)
    butler.ingest(FileDataset(inside, [ref]))
    assert butler.getURI(ref).ospath == str(inside)
    consistent(butler)
    refs_none = [_ref(butler, 3)]
    in_place = _write(Path(root) / "incoming" / "c.json", {"x": 2})
    butler.ingest(FileDataset(os.path.relpath(in_place, root), refs_none), transfer=None)
    assert butler.get(refs_none[0]) == {"x": 2}


def test_transfer_none_refuses_outside_files(make_sqlite_repo: MakeRepo, external: Path) -> None:
    butler = Butler(make_sqlite_repo("repo"), writeable=True)
    source = _write(external / "a.json", {})
    with pytest.raises(IngestFileError, match="not under the datastore root"):
        butler.ingest(FileDataset(source, _ref(butler, 1)), transfer=None)
    with pytest.raises(IngestFileError, match="Unknown transfer mode 'teleport'"):
        butler.ingest(FileDataset(source, _ref(butler, 1)), transfer="teleport")


def test_one_file_backs_several_datasets(
    make_repo: MakeRepo, external: Path, files: Callable
) -> None:
    root = make_repo("repo")
    butler = Butler(root, writeable=True)
    source = _write(external / "shared.json", {"shared": True})
    raw, meta = _ref(butler, 1), _ref(butler, 1, name="meta")
    butler.ingest(FileDataset(source, [raw, meta]), transfer="copy")
    assert butler.get(raw) == butler.get(meta) == {"shared": True}
    assert butler.getURI(raw) == butler.getURI(meta)
    assert len(files(root)) == 1
    # Removing one dataset keeps the file the other still uses.
    butler.pruneDatasets([raw], purge=True, unstore=True)
    assert butler.get(meta) == {"shared": True}
    butler.pruneDatasets([meta], purge=True, unstore=True)
    assert files(root) == set()


@pytest.mark.parametrize(
    "formatter",
    [
        pytest.param("json", id="short-name"),
        pytest.param("lsst.daf.butler.formatters.json.JsonFormatter", id="upstream-path"),
        pytest.param(JsonFormatter, id="class"),
        pytest.param(None, id="looked-up"),
    ],
)
def test_formatter_given_or_looked_up(
    make_sqlite_repo: MakeRepo, external: Path, formatter: object
) -> None:
    butler = Butler(make_sqlite_repo("repo"), writeable=True)
    source = external / "f.yaml"
    source.parent.mkdir(parents=True)
    source.write_text("a: 1\n" if formatter is None else '{"a": 1}')
    ref = _ref(butler, 1)
    butler.ingest(FileDataset(source, ref, formatter=formatter), transfer="copy")
    assert butler.get(ref) == {"a": 1}
    expected = "json" if formatter is not None else "yaml"
    (info,) = butler.datastore._store.fetch([ref.id])[ref.id]
    assert info.formatter == expected
    assert info.file_size == source.stat().st_size


def test_unknown_formatter_registers_nothing(make_sqlite_repo: MakeRepo, external: Path) -> None:
    butler = Butler(make_sqlite_repo("repo"), writeable=True)
    ref = _ref(butler, 1)
    with pytest.raises(FormatterNotFoundError, match="nonesuch"):
        butler.ingest(FileDataset(_write(external / "a.json", {}), ref, formatter="nonesuch"))
    assert butler.registry.getDataset(ref.id) is None


@pytest.mark.parametrize("problem", ["missing", "unreadable", "directory"])
def test_bad_file_registers_nothing(
    make_repo: MakeRepo, external: Path, problem: str, files: Callable
) -> None:
    root = make_repo("repo")
    butler = Butler(root, writeable=True)
    good = [_write(external / f"good{d}.json", {"d": d}) for d in range(3)]
    bad = external / "bad.json"
    if problem == "unreadable":
        _write(bad, {})
        bad.chmod(0)
        if os.access(bad, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
    elif problem == "directory":
        bad.mkdir(parents=True)
    refs = [_ref(butler, d) for d in range(4)]
    datasets = [FileDataset(p, r) for p, r in zip([*good, bad], refs, strict=True)]
    before = files(root)
    with pytest.raises(IngestFileError, match=r"bad\.json") as caught:
        butler.ingest(*datasets, transfer="copy")
    assert "nothing was ingested" in str(caught.value)
    assert all(butler.registry.getDataset(ref.id) is None for ref in refs)
    assert files(root) == before


def test_failed_transfer_midway_leaves_nothing(
    make_repo: MakeRepo, external: Path, files: Callable
) -> None:
    root = make_repo("repo")
    butler = Butler(root, writeable=True)
    first, second = _ref(butler, 1, run="a"), _ref(butler, 2, run="b")
    # A file where the second file's directory must go: its transfer fails after the
    # first file was copied in.
    blocked = Path(os.path.dirname(butler.getURI(second, predict=True).ospath))
    blocked.parent.mkdir(parents=True)
    blocked.write_text("in the way")
    with pytest.raises(IngestFileError, match="Nothing was ingested"):
        butler.ingest(
            FileDataset(_write(external / "1.json", {}), first),
            FileDataset(_write(external / "2.json", {}), second),
            transfer="copy",
        )
    assert files(root) == {os.path.relpath(blocked, root)}
    assert butler.registry.getDataset(first.id) is None
    assert butler.registry.queryCollections() == []


def test_already_stored_and_skip_existing(make_repo: MakeRepo, external: Path) -> None:
    butler = Butler(make_repo("repo"), writeable=True)
    files = [_write(external / f"{d}.json", {"d": d}) for d in range(3)]
    refs = [_ref(butler, d) for d in range(3)]
    butler.ingest(FileDataset(files[0], refs[0]), transfer="copy")
    datasets = [FileDataset(f, r) for f, r in zip(files, refs, strict=True)]
    with pytest.raises(ConflictingDefinitionError, match="skip_existing=True"):
        butler.ingest(*datasets, transfer="copy")
    butler.ingest(*datasets, transfer="copy", skip_existing=True)
    assert [butler.get(r) for r in refs] == [{"d": 0}, {"d": 1}, {"d": 2}]
    with pytest.raises(ConflictingDefinitionError, match="more than once"):
        butler.ingest(FileDataset(files[0], refs[0]), FileDataset(files[1], refs[0]))
    with pytest.raises(DatasetAlreadyStoredError, match="already holds"):
        butler.datastore.ingest(FileDataset(files[1], refs[1]), transfer="copy")


def test_constraints_reject(tmp_path: Path, external: Path, populate: Callable) -> None:
    root = str(tmp_path / "strict")
    Butler.makeRepo(root, config={"datastore": {"constraints": {"reject": ["raw"]}}})
    butler = Butler(root, writeable=True)
    populate(butler)
    ref = _ref(butler, 1)
    with pytest.raises(DatasetTypeNotSupportedError, match="reject"):
        butler.ingest(FileDataset(_write(external / "r.json", {}), ref), transfer="copy")
    assert butler.registry.getDataset(ref.id) is None


def test_bulk_ingest_is_one_transaction(
    make_repo: MakeRepo, external: Path, consistent: Callable, files: Callable
) -> None:
    root = make_repo("bulk")
    butler = Butler(root, writeable=True)
    butler.registry.insertDimensionData(
        "detector", *({"instrument": "Cam", "id": d, "full_name": f"B{d}"} for d in range(4, 5))
    )
    runs = [f"bulk/{n}" for n in range(300)]
    datasets = [
        FileDataset(_write(external / f"{n}.json", {"n": n}), _ref(butler, n % 5, run=run))
        for n, run in enumerate(runs)
    ]
    butler.ingest(*datasets, transfer="copy")
    assert len(butler.query_datasets("raw", runs, find_first=False)) == 300
    assert butler.get(datasets[123].refs[0]) == {"n": 123}
    consistent(butler)
    butler.removeRuns(runs)
    assert files(root) == set()


def test_datastore_that_cannot_ingest(tmp_path: Path, external: Path, populate: Callable) -> None:
    root = str(tmp_path / "memory")
    Butler.makeRepo(root, config={"datastore": {"cls": "inmemory"}})
    butler = Butler(root, writeable=True)
    populate(butler)
    ref = _ref(butler, 1)
    with pytest.raises(DatastoreError, match="cannot ingest files"):
        butler.ingest(FileDataset(_write(external / "m.json", {}), ref))
    assert butler.registry.getDataset(ref.id) is None
