"""Butler.export and Butler.import_: round trips with files, transfer modes, failures."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml

from skybutler.daf_butler import Butler, CollectionType, DatasetType
from skybutler.daf_butler.errors import RepoImportError, RepoTransferError

from .conftest import files_under

Make = Callable[[str], str]
RUN = "Cam/run"
TAGGED = "Cam/tagged"


def _fill(butler: Butler) -> None:
    registry = butler.registry
    registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 8})
    registry.insertDimensionData(
        "detector", *({"instrument": "Cam", "id": d, "full_name": f"A{d}"} for d in range(4))
    )
    for name, storage_class in [("meta", "StructuredDataDict"), ("array", "NumpyArray")]:
        registry.registerDatasetType(
            DatasetType(name, ["instrument", "detector"], storage_class, universe=butler.dimensions)
        )


def _maker(tmp_path: Path, db: Callable[[], str] | None) -> Make:
    def make(name: str) -> str:
        root = str(tmp_path / name)
        Butler.makeRepo(root, config={"registry": {"db": db()}} if db else None)
        return root

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def make(request: pytest.FixtureRequest, tmp_path: Path) -> Make:
    """Return a function making empty repositories of one backend."""
    if request.param == "sqlite":
        return _maker(tmp_path, None)
    return _maker(tmp_path, request.getfixturevalue("postgres_url_factory"))


@pytest.fixture
def make_sqlite(tmp_path: Path) -> Make:
    return _maker(tmp_path, None)


def _source(make: Make) -> Butler:
    """A repository holding four ``meta`` dicts and two arrays, half of the dicts tagged."""
    butler = Butler(make("source"), run=RUN)
    _fill(butler)
    refs = [
        butler.put({"d": d, "x": [d] * 3}, "meta", instrument="Cam", detector=d) for d in range(4)
    ]
    refs += [butler.put(np.arange(d + 3), "array", instrument="Cam", detector=d) for d in (1, 2)]
    butler.registry.registerCollection(TAGGED, CollectionType.TAGGED)
    butler.registry.associate(TAGGED, refs[:2])
    return butler


def _export(butler: Butler, directory: Path, transfer: str | None) -> None:
    with butler.export(directory=str(directory), transfer=transfer) as export:
        export.saveDatasets(butler.registry.queryDatasets(..., collections=RUN))
        export.saveCollection(TAGGED)


def _contents(butler: Butler) -> dict[str, object]:
    refs = sorted(butler.registry.queryDatasets(..., collections=RUN), key=lambda r: str(r.id))
    return {
        "refs": [(r.id, r.datasetType.name, r.dataId.required_values) for r in refs],
        "tagged": sorted(r.id for r in butler.registry.queryDatasets(..., collections=TAGGED)),
        "detectors": [r.full_name for r in butler.query_dimension_records("detector")],
        "objects": [repr(butler.get(r)) for r in refs],
    }


@pytest.mark.parametrize("transfer", ["copy", "symlink", "auto", "hardlink"])
def test_round_trip(make: Make, tmp_path: Path, transfer: str) -> None:
    source = _source(make)
    _export(source, tmp_path / "out", transfer)
    target = Butler(make("target"), writeable=True)
    target.import_(directory=str(tmp_path / "out"), transfer=transfer)
    assert _contents(target) == _contents(source)
    assert files_under(target.datastore.root.ospath) == files_under(source.datastore.root.ospath)
    if transfer == "symlink":
        (link, *_rest) = sorted(files_under(target.datastore.root.ospath))
        assert os.path.islink(os.path.join(target.datastore.root.ospath, link))
    again = Butler(target.datastore.root.ospath)  # a fresh open reads the same
    assert _contents(again) == _contents(source)


def test_export_file_is_upstream_format(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    _export(source, tmp_path / "out", "copy")
    document = yaml.safe_load((tmp_path / "out" / "export.yaml").read_text().replace("!uuid", ""))
    assert document["version"] == "1.0.2"
    datasets = [e for e in document["data"] if e["type"] == "dataset"]
    formatters = {e["dataset_type"]: e["records"][0]["formatter"] for e in datasets}
    assert formatters["meta"] == "lsst.daf.butler.formatters.yaml.YamlFormatter"
    assert formatters["array"] == "skybutler.daf_butler.formatters._plain.NumpyFormatter"
    paths = {r["path"] for e in datasets for r in e["records"]}
    assert paths == files_under(tmp_path / "out") - {"export.yaml"}
    assert paths == files_under(source.datastore.root.ospath)


def test_no_transfer_paths_stay_in_the_datastore(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    _export(source, tmp_path / "out", None)
    assert files_under(tmp_path / "out") == {"export.yaml"}
    target = Butler(make_sqlite("target"), writeable=True)
    # Paths are relative to the source's datastore root: import from there, copying.
    target.import_(
        directory=source.datastore.root.ospath,
        filename=str(tmp_path / "out" / "export.yaml"),
        transfer="copy",
    )
    assert _contents(target) == _contents(source)


def test_import_in_place_without_transfer(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    root = make_sqlite("target")
    _export(source, Path(root), "copy")  # the files land where the target's datastore wants them
    target = Butler(root, writeable=True)
    target.import_(filename=os.path.join(root, "export.yaml"))
    assert _contents(target) == _contents(source)


def test_direct_keeps_absolute_uris(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    _export(source, tmp_path / "out", "direct")
    text = (tmp_path / "out" / "export.yaml").read_text()
    assert f"path: {source.datastore.root.ospath}" in text.replace("file://", "")
    target = Butler(make_sqlite("target"), writeable=True)
    target.import_(directory=str(tmp_path / "out"), transfer="direct")
    assert _contents(target) == _contents(source)
    assert files_under(target.datastore.root.ospath) == set()


def test_move_deletes_the_sources_once_imported(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    _export(source, tmp_path / "out", "copy")
    target = Butler(make_sqlite("target"), writeable=True)
    target.import_(directory=str(tmp_path / "out"), transfer="move")
    assert files_under(tmp_path / "out") == {"export.yaml"}
    assert _contents(target) == _contents(source)


def test_registry_only_import(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    with source.export(filename=str(tmp_path / "plain.yaml")) as export:
        export.saveDatasets(source.registry.queryDatasets("meta", collections=RUN))
    target = Butler(make_sqlite("target"), writeable=True)
    target.import_(filename=str(tmp_path / "plain.yaml"), without_datastore=True)
    assert len(list(target.registry.queryDatasets("meta", collections=RUN))) == 4
    assert files_under(target.datastore.root.ospath) == set()


def test_failure_mid_import_leaves_nothing(make: Make, tmp_path: Path) -> None:
    source = _source(make)
    _export(source, tmp_path / "out", "copy")
    paths = sorted(files_under(tmp_path / "out") - {"export.yaml"})
    os.unlink(tmp_path / "out" / paths[-1])
    target = Butler(make("target"), writeable=True)
    with pytest.raises(RepoTransferError, match="export directory holds the files"):
        target.import_(directory=str(tmp_path / "out"), transfer="copy")
    assert files_under(target.datastore.root.ospath) == set()
    assert set(target.registry.queryCollections()) == set()
    assert list(target.registry.queryDatasetTypes()) == []
    assert list(target.registry.queryDimensionRecords("detector")) == []
    # Once the file is back, the same import succeeds.
    (tmp_path / "out" / paths[-1]).write_bytes(
        (Path(source.datastore.root.ospath) / paths[-1]).read_bytes()
    )
    target.import_(directory=str(tmp_path / "out"), transfer="copy")
    assert _contents(target) == _contents(source)


def test_existing_file_in_the_way_undoes_the_import(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)
    _export(source, tmp_path / "out", "copy")
    target = Butler(make_sqlite("target"), writeable=True)
    in_the_way = sorted(files_under(tmp_path / "out") - {"export.yaml"})[-1]
    blocked = Path(target.datastore.root.ospath) / in_the_way
    blocked.parent.mkdir(parents=True)
    blocked.write_text("not mine")
    with pytest.raises(FileExistsError, match="a file is there already"):
        target.import_(directory=str(tmp_path / "out"), transfer="copy")
    assert files_under(target.datastore.root.ospath) == {in_the_way}
    assert set(target.registry.queryCollections()) == set()


def test_failed_export_writes_nothing(make_sqlite: Make, tmp_path: Path) -> None:
    source = _source(make_sqlite)

    def fail_inside_export() -> None:
        with source.export(directory=str(tmp_path / "out"), transfer="copy") as export:
            export.saveDatasets(source.registry.queryDatasets(..., collections=RUN))
            assert files_under(tmp_path / "out")  # transferred already
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        fail_inside_export()
    assert files_under(tmp_path / "out") == set()


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("description: x\nversion: 3.0.0\ndata: []\n", "version"),
        ("description: x\nversion: 1.0.2\ndata:\n- type: nonsense\n", "unknown type"),
        ("[unclosed", "line"),
    ],
    ids=["version", "entry", "yaml"],
)
def test_broken_export_file(make_sqlite: Make, tmp_path: Path, text: str, match: str) -> None:
    (tmp_path / "export.yaml").write_text(text)
    target = Butler(make_sqlite("target"), writeable=True)
    with pytest.raises(RepoImportError, match=match):
        target.import_(directory=str(tmp_path), transfer="copy")


def test_bad_arguments(make_sqlite: Make, tmp_path: Path) -> None:
    butler = Butler(make_sqlite("repo"), writeable=True)
    with pytest.raises(RepoTransferError, match="Unsupported export format 'json'"):
        butler.import_(directory=str(tmp_path), format="json")
    with pytest.raises(RepoTransferError, match="Transfer mode 'teleport'"):
        butler.import_(directory=str(tmp_path), transfer="teleport")
    with pytest.raises(RepoTransferError, match="Cannot read the export file"):
        butler.import_(directory=str(tmp_path / "nowhere"))
    with pytest.raises(RepoTransferError, match="needs a directory"):
        butler.export(transfer="copy").__enter__()
    with pytest.raises(RepoTransferError, match="'move' cannot be used to export"):
        butler.export(directory=str(tmp_path), transfer="move").__enter__()
