"""Tests of `Butler.retrieve_artifacts_zip` and `Butler.ingest_zip`."""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from skybutler.daf_butler import Butler, DatasetType
from skybutler.daf_butler.errors import (
    ConflictingDefinitionError,
    FileNotFoundInDatastoreError,
    IncompatibleUniverseError,
    MissingDimensionRecordError,
    ZipIndexError,
)
from skybutler.daf_butler.types import MaskedImage

from .conftest import MakeRepo, files_under

NS = uuid.UUID("840b31d9-05cd-5161-b2c8-00d32b280d0f")
RUN = "zip/run"


def _image(seed: int) -> MaskedImage:
    return MaskedImage(np.arange(6.0).reshape(2, 3) + seed)


@pytest.fixture
def source(make_sqlite_repo: MakeRepo) -> Butler:
    """A repository with three ``raw`` dicts and a disassembled ``split`` image."""
    root = make_sqlite_repo("source")
    config = Path(root) / "butler.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["datastore"]["composites"] = {"disassembled": {"split": True}}
    config.write_text(yaml.safe_dump(settings))
    butler = Butler(root, run=RUN, writeable=True)
    butler.registry.registerDatasetType(
        DatasetType("split", ["instrument", "detector"], "MaskedImage", universe=butler.dimensions)
    )
    for detector in range(3):
        butler.put({"detector": detector}, "raw", instrument="Cam", detector=detector)
    butler.put(_image(1), "split", instrument="Cam", detector=0)
    return butler


@pytest.fixture
def target(make_sqlite_repo: MakeRepo) -> Butler:
    """An empty repository with the same dimension records (and no dataset types)."""
    butler = Butler(make_sqlite_repo("target"), writeable=True)
    butler.registry.removeDatasetType("raw")
    return butler


def _refs(butler: Butler) -> list:
    if RUN not in butler.registry.queryCollections():
        return []
    return sorted(butler.registry.queryDatasets(..., collections=RUN), key=str)


def _zip(source: Butler, tmp_path: Path) -> Path:
    return Path(source.retrieve_artifacts_zip(_refs(source), tmp_path / "out").ospath)


def test_round_trip(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = target.ingest_zip(path)
    assert {r.id for r in refs} == {r.id for r in _refs(source)}
    for ref in _refs(source):
        got = target.get(ref)
        want = source.get(ref)
        if isinstance(want, MaskedImage):
            np.testing.assert_array_equal(got.image, want.image)
            np.testing.assert_array_equal(got.variance, want.variance)
        else:
            assert got == want
    stored = files_under(target.datastore.root.ospath)
    assert stored == {f"zips/{path.name}"}
    assert target.datastore.mexists(refs) == dict.fromkeys(refs, True)
    component = target.get("split.image", instrument="Cam", detector=0, collections=RUN)
    np.testing.assert_array_equal(component, _image(1).image)
    rezipped = target.retrieve_artifacts_zip(refs, tmp_path / "again")
    assert rezipped.basename() == path.name


def test_index_layout_and_name(source: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    with zipfile.ZipFile(path) as archive:
        index = json.loads(archive.read("_butler_zip_index.json"))
        names = set(archive.namelist())
    assert list(index) == ["index_version", "refs", "artifact_map"]
    assert index["index_version"] == "V1"
    refs = index["refs"]
    assert list(refs) == [
        "container_version",
        "universe_version",
        "universe_namespace",
        "dataset_types",
        "compact_refs",
    ]
    assert (refs["universe_namespace"], refs["universe_version"]) == ("daf_butler", 8)
    assert set(refs["dataset_types"]) == {"raw", "split"}
    assert set(refs["dataset_types"]["raw"]) == {
        "name",
        "storageClass",
        "dimensions",
        "parentStorageClass",
        "isCalibration",
    }
    for key, compact in refs["compact_refs"].items():
        assert list(compact) == ["dataset_type_name", "run", "data_id"]
        assert compact["run"] == RUN
        assert compact["data_id"]["instrument"] == "Cam"
        uuid.UUID(key)
    for member, entry in index["artifact_map"].items():
        assert list(entry) == ["info", "ids"]
        assert list(entry["info"]) == [
            "formatter",
            "path",
            "storage_class",
            "component",
            "checksum",
            "file_size",
        ]
        assert member.startswith(f"{entry['ids'][0]}-")
        assert entry["info"]["formatter"].startswith(("lsst.daf.butler.", "skybutler."))
    components = [e["info"]["component"] for e in index["artifact_map"].values()]
    assert {"image", "variance"} <= set(components)
    assert names == set(index["artifact_map"]) | {"_butler_zip_index.json"}
    expected = uuid.uuid5(NS, ",".join(sorted(index["artifact_map"])))
    assert path.name == f"{expected}.zip"
    assert not [p for p in path.parent.iterdir() if p.name != path.name]


def test_refs_without_files(source: Butler, tmp_path: Path) -> None:
    (ref,) = source.registry.insertDatasets("raw", [{"instrument": "Cam", "detector": 3}], RUN)
    with pytest.raises(FileNotFoundInDatastoreError, match="no file"):
        source.retrieve_artifacts_zip([ref], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_overwrite(source: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        source.retrieve_artifacts_zip(_refs(source), tmp_path / "out", overwrite=False)
    assert _zip(source, tmp_path) == path


def test_dry_run_and_skip_existing(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    planned = target.ingest_zip(path, dry_run=True)
    assert len(planned) == 4
    assert not _refs(target)
    assert not files_under(target.datastore.root.ospath)
    first = target.ingest_zip(path, transfer="copy")
    with pytest.raises(ConflictingDefinitionError, match="skip_existing=True"):
        target.ingest_zip(path)
    assert target.ingest_zip(path, skip_existing=True) == []
    assert {r.id for r in _refs(target)} == {r.id for r in first}


def test_partial_skip_existing(source: Butler, target: Butler, tmp_path: Path) -> None:
    refs = _refs(source)
    some = Path(source.retrieve_artifacts_zip(refs[:2], tmp_path / "a").ospath)
    target.ingest_zip(some)
    new = target.ingest_zip(_zip(source, tmp_path), skip_existing=True)
    assert len(new) == 2
    assert all(target.get(ref) is not None for ref in refs)


def test_removal_deletes_zip_when_unused(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = target.ingest_zip(path)
    root = target.datastore.root.ospath
    target.pruneDatasets(refs[:1], purge=True, unstore=True)
    assert files_under(root) == {f"zips/{path.name}"}
    assert target.get(refs[1]) is not None
    assert all(target.datastore.mexists(refs[1:]).values())
    target.removeRuns([RUN])
    assert files_under(root) == set()


@pytest.mark.parametrize("damage", ["not_zip", "no_index", "bad_json", "missing_member"])
def test_damaged_zip(source: Butler, target: Butler, tmp_path: Path, damage: str) -> None:
    path = _zip(source, tmp_path)
    bad = tmp_path / "bad.zip"
    if damage == "not_zip":
        bad.write_bytes(b"not a zip")
    else:
        with zipfile.ZipFile(path) as old, zipfile.ZipFile(bad, "w") as new:
            for name in old.namelist():
                data = old.read(name)
                if name == "_butler_zip_index.json":
                    if damage == "no_index":
                        continue
                    if damage == "bad_json":
                        data = b'{"index_version": "V1"}'
                elif damage == "missing_member":
                    damage = "done"
                    continue
                new.writestr(name, data)
    with pytest.raises(ZipIndexError):
        target.ingest_zip(bad)
    assert not _refs(target)
    assert not files_under(target.datastore.root.ospath)


def _rewrite_index(path: Path, tmp_path: Path, change: object) -> Path:
    out = tmp_path / "changed.zip"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "_butler_zip_index.json":
                index = json.loads(data)
                change(index)  # type: ignore[operator]
                data = json.dumps(index).encode()
            new.writestr(name, data)
    return out


def test_wrong_universe(source: Butler, target: Butler, tmp_path: Path) -> None:
    def older(index: dict) -> None:
        index["refs"]["universe_version"] = 2

    changed = _rewrite_index(_zip(source, tmp_path), tmp_path, older)
    with pytest.raises(IncompatibleUniverseError, match="version 2"):
        target.ingest_zip(changed)
    assert not _refs(target)


def test_conflicting_dataset_type(source: Butler, target: Butler, tmp_path: Path) -> None:
    target.registry.registerDatasetType(
        DatasetType("raw", ["instrument"], "StructuredDataDict", universe=target.dimensions)
    )
    with pytest.raises(ConflictingDefinitionError, match="dataset type"):
        target.ingest_zip(_zip(source, tmp_path))
    assert not _refs(target)


def test_missing_records(source: Butler, tmp_path: Path) -> None:
    root = tmp_path / "bare"
    Butler.makeRepo(str(root))
    bare = Butler(str(root), writeable=True)
    with pytest.raises(MissingDimensionRecordError, match="import the records"):
        bare.ingest_zip(_zip(source, tmp_path), transfer_dimensions=True)
    assert not list(bare.registry.queryDatasetTypes())
    assert not files_under(root)


def test_rolled_back_ingest_leaves_nothing(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)

    def ingest_then_fail() -> None:
        with target.transaction():
            target.ingest_zip(path, transfer="copy")
            raise RuntimeError("a later step failed")

    with pytest.raises(RuntimeError, match="later step"):
        ingest_then_fail()
    assert not _refs(target)
    assert not files_under(target.datastore.root.ospath)
    assert path.exists()


def test_move_deletes_source_after_commit(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = target.ingest_zip(path, transfer="move")
    assert not path.exists()
    assert target.get(refs[0]) is not None


def test_direct_reads_the_zip_where_it_is(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = target.ingest_zip(path, transfer="direct")
    assert not files_under(target.datastore.root.ospath)
    assert target.get(refs[0]) == source.get(refs[0])
    target.removeRuns([RUN])
    assert path.exists()  # a direct Zip is not owned, never deleted


@pytest.mark.service
def test_s3_round_trip(source: Butler, tmp_path: Path, seaweedfs: Any) -> None:
    prefix = f"s3://{seaweedfs.bucket}/zip-{uuid.uuid4().hex}/"
    root = tmp_path / "s3repo"
    Butler.makeRepo(str(root), config={"datastore": {"root": prefix + "repo/"}})
    remote = Butler(str(root), writeable=True)
    remote.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 5})
    remote.registry.insertDimensionData(
        "detector", *({"instrument": "Cam", "id": d, "full_name": f"A{d}"} for d in range(4))
    )
    refs = remote.ingest_zip(_zip(source, tmp_path))
    assert remote.getURIs(refs[0]).primaryURI.geturl().startswith(prefix)
    for ref in refs:
        if ref.datasetType.name == "raw":
            assert remote.get(ref) == source.get(ref)
    again = remote.retrieve_artifacts_zip(refs, prefix + "out/")
    assert again.geturl().startswith(prefix)
    assert again.exists()


def test_uri_names_the_member(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = [r for r in target.ingest_zip(path) if r.datasetType.name == "raw"]
    uri = target.getURI(refs[0])
    assert uri.basename() == path.name
    assert uri.fragment.startswith(f"zip-path={refs[0].id}-")
    assert uri.exists()


def test_zip_deleted_outside_the_butler(source: Butler, target: Butler, tmp_path: Path) -> None:
    path = _zip(source, tmp_path)
    refs = target.ingest_zip(path)
    (Path(target.datastore.root.ospath) / "zips" / path.name).unlink()
    assert not any(target.datastore.mexists(refs).values())
    with pytest.raises(FileNotFoundInDatastoreError, match="restore the Zip"):
        target.get(refs[0])


def test_transfer_from_a_zip(
    source: Butler, target: Butler, make_sqlite_repo: MakeRepo, tmp_path: Path
) -> None:
    refs = target.ingest_zip(_zip(source, tmp_path))
    third = Butler(make_sqlite_repo("third"), writeable=True)
    third.registry.removeDatasetType("raw")
    first = third.transfer_from(target, refs[:1], register_dataset_types=True)
    rest = third.transfer_from(target, refs[1:], register_dataset_types=True)
    assert len(first) + len(rest) == len(refs)
    assert len(files_under(third.datastore.root.ospath)) == 1
    for ref in refs:
        if ref.datasetType.name == "raw":
            assert third.get(ref) == source.get(ref)


@pytest.mark.parametrize(
    "key",
    ["dataset_type_name", "run", "id"],
    ids=["unknown-type", "no-run", "bad-id"],
)
def test_damaged_refs(source: Butler, target: Butler, tmp_path: Path, key: str) -> None:
    def damage(index: dict) -> None:
        compact = index["refs"]["compact_refs"]
        first = next(iter(compact))
        if key == "id":
            compact["not-a-uuid"] = compact.pop(first)
        elif key == "run":
            del compact[first]["run"]
        else:
            compact[first][key] = "nope"

    changed = _rewrite_index(_zip(source, tmp_path), tmp_path, damage)
    with pytest.raises(ZipIndexError, match="damaged"):
        target.ingest_zip(changed)
    assert not _refs(target)


@pytest.mark.parametrize("preserve_path", [True, False], ids=["preserve-path", "flat"])
def test_retrieve_artifacts_of_zip_members(
    source: Butler, target: Butler, tmp_path: Path, preserve_path: bool
) -> None:
    target.ingest_zip(_zip(source, tmp_path))
    refs = [r for r in _refs(target) if r.datasetType.name == "raw"]
    out = tmp_path / "retrieved"
    written = target.retrieveArtifacts(refs, out, preserve_path=preserve_path)
    assert len(written) == len(refs)
    # Each member comes out as its own small file, not as a copy of the Zip.
    contents = sorted(yaml.safe_load(Path(uri.ospath).read_bytes())["detector"] for uri in written)
    assert contents == [0, 1, 2]
    assert not list(out.rglob("*.zip"))
    if preserve_path:
        assert all(Path(u.ospath).parent.parent.name == "zips" for u in written)


def _zips(butler: Butler) -> list[Path]:
    return sorted(Path(butler.datastore.root.ospath, "zips").glob("*.zip"))


def test_writer_killed_after_the_copy_leaves_no_zip(
    source: Butler, target: Butler, tmp_path: Path
) -> None:
    import os

    path = _zip(source, tmp_path)
    root = target.datastore.root.ospath
    pid = os.fork()
    if pid == 0:  # the writer: killed once the Zip is copied, before any record is stored
        try:
            target.datastore._store.add = lambda *_: os._exit(0)  # type: ignore[method-assign]
            target.ingest_zip(path, transfer="copy")
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert len(_zips(target)) == 1  # the copy it made
    reopened = Butler(root, writeable=True)
    assert _zips(reopened) == []
    assert not _refs(reopened)


def test_recovery_keeps_a_committed_zip(source: Butler, target: Butler, tmp_path: Path) -> None:
    refs = target.ingest_zip(_zip(source, tmp_path), transfer="copy")
    (stored,) = _zips(target)
    # A dead writer's journal naming the Zip of a dataset whose record was committed.
    journals = Path(target.datastore.root.ospath, ".skybutler-journal")
    journals.mkdir(exist_ok=True)
    entry = {"batch": "0", "files": [[str(refs[0].id), f"zips/{stored.name}"]]}
    (journals / "999999-dead.jsonl").write_text(json.dumps(entry) + "\n")
    reopened = Butler(target.datastore.root.ospath, writeable=True)
    assert _zips(reopened) == [stored]
    assert reopened.get(refs[0]) == source.get(refs[0])
