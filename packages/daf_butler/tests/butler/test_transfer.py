"""Butler.transfer_from, transfer_dimension_records_from and retrieveArtifacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from skybutler.daf_butler import Butler, DatasetType
from skybutler.daf_butler.errors import (
    ConflictingDefinitionError,
    IncompatibleUniverseError,
    MissingDatasetTypeError,
    RepoTransferError,
)
from skybutler.daf_butler.testing._dimension_record_data import default_universe_records

CONFIGS = Path(__file__).parents[2] / "src" / "skybutler" / "daf_butler" / "configs"
VISIT = {"instrument": "HSC", "visit": 903334}


@pytest.fixture(scope="module")
def source_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A repository with every kind of dimension record and ``calexp`` datasets of a visit."""
    root = str(tmp_path_factory.mktemp("source") / "repo")
    Butler.makeRepo(root)
    with Butler(root, run="run/a") as butler:
        records = default_universe_records(butler.dimensions)
        for element, rows in records.items():
            butler.registry.insertDimensionData(element, *rows)
        calexp = DatasetType(
            "calexp",
            ["instrument", "visit", "detector"],
            "StructuredDataDict",
            universe=butler.dimensions,
        )
        butler.registry.registerDatasetType(calexp)
        for detector in (0, 1, 2):
            butler.put({"detector": detector}, "calexp", VISIT, detector=detector)
    return root


@pytest.fixture
def source(source_template: str, tmp_path: Path) -> Butler:
    import shutil

    root = str(tmp_path / "source")
    shutil.copytree(source_template, root)
    return Butler(root, writeable=True)


@pytest.fixture
def target(tmp_path: Path) -> Butler:
    root = str(tmp_path / "target")
    Butler.makeRepo(root)
    return Butler(root, writeable=True)


def _calexps(butler: Butler) -> list:
    return sorted(
        butler.registry.queryDatasets("calexp", collections="run/a"),
        key=lambda r: r.dataId["detector"],
    )


def test_transfer_with_everything_needed(source: Butler, target: Butler) -> None:
    refs = _calexps(source)
    assert target.transfer_from(source, refs, dry_run=True, register_dataset_types=True) == refs
    assert target.registry.queryCollections() == []
    moved = target.transfer_from(
        source, refs, register_dataset_types=True, transfer_dimensions=True, transfer="copy"
    )
    assert sorted(r.id for r in moved) == sorted(r.id for r in refs)
    assert [target.get(ref) for ref in refs] == [{"detector": d} for d in (0, 1, 2)]
    assert target.getURI(refs[0]).ospath.startswith(target.datastore.root.ospath)
    # Records of elements populated by visit come along, with what they refer to.
    regions = target.registry.queryDimensionRecords("visit_detector_region", dataId=VISIT)
    assert sorted(r.detector for r in regions) == [0, 2]
    assert len(list(target.registry.queryDimensionRecords("visit_definition", dataId=VISIT))) == 1
    assert len(list(target.registry.queryDimensionRecords("visit_system_membership"))) == 1
    # Transferring again changes nothing.
    assert target.transfer_from(source, refs) == []


def test_missing_dataset_type_and_records(source: Butler, target: Butler) -> None:
    refs = _calexps(source)
    with pytest.raises(MissingDatasetTypeError, match="register_dataset_types=True"):
        target.transfer_from(source, refs)
    with pytest.raises(MissingDatasetTypeError):
        target.transfer_from(source, refs, dry_run=True)
    with pytest.raises(LookupError):
        target.transfer_from(source, refs, register_dataset_types=True)
    assert target.registry.queryCollections() == []
    assert target.registry.queryDatasetTypes() == []


def test_conflicting_dataset_type(source: Butler, target: Butler) -> None:
    target.registry.registerDatasetType(
        DatasetType(
            "calexp", ["instrument", "visit", "detector"], "NumpyArray", universe=target.dimensions
        )
    )
    with pytest.raises(ConflictingDefinitionError, match="differs"):
        target.transfer_from(source, _calexps(source), transfer_dimensions=True)


def test_skip_missing(source: Butler, target: Butler) -> None:
    refs = _calexps(source)
    source.pruneDatasets(refs[:1], disassociate=False, unstore=True)
    moved = target.transfer_from(
        source, refs, register_dataset_types=True, transfer_dimensions=True
    )
    assert {r.id for r in moved} == {r.id for r in refs[1:]}
    unstored = target.transfer_from(source, refs[:1], skip_missing=False)
    assert [r.id for r in unstored] == [refs[0].id]
    assert target.exists(refs[0]).name == "RECORDED"


def test_dimension_records_only(source: Butler, target: Butler) -> None:
    target.transfer_dimension_records_from(source, _calexps(source)[:1])
    (visit,) = target.registry.queryDimensionRecords("visit", dataId=VISIT)
    assert visit.id == 903334
    assert target.registry.queryDatasetTypes() == []


def test_incompatible_universes(source: Butler, tmp_path: Path) -> None:
    config = yaml.safe_load((CONFIGS / "dimensions.yaml").read_text())
    config["namespace"] = "transfer_test_other"
    root = str(tmp_path / "other")
    Butler.makeRepo(root, dimensionConfig=config)
    other = Butler(root, writeable=True)
    with pytest.raises(IncompatibleUniverseError, match="transfer_test_other"):
        other.transfer_from(source, _calexps(source), register_dataset_types=True)
    with pytest.raises(IncompatibleUniverseError):
        other.transfer_dimension_records_from(source, _calexps(source))


@pytest.mark.parametrize("preserve_path", [True, False], ids=["preserve", "flat"])
def test_retrieve_artifacts(source: Butler, tmp_path: Path, preserve_path: bool) -> None:
    refs = _calexps(source)
    destination = tmp_path / "out"
    uris = source.retrieveArtifacts(refs, str(destination), preserve_path=preserve_path)
    assert len(uris) == 3
    by_name = {Path(uri.ospath).name: Path(uri.ospath) for uri in uris}
    for ref in refs:
        original = Path(source.getURI(ref).ospath)
        copy = by_name[original.name]
        assert copy.read_bytes() == original.read_bytes()
        assert (os.path.relpath(copy, destination) != original.name) is preserve_path
    with pytest.raises(RepoTransferError, match="overwrite=True"):
        source.retrieveArtifacts(refs, str(destination), preserve_path=preserve_path)
    again = source.retrieveArtifacts(
        refs, str(destination), preserve_path=preserve_path, overwrite=True, transfer="copy"
    )
    assert sorted(map(str, again)) == sorted(map(str, uris))
    with pytest.raises(RepoTransferError, match="'move'"):
        source.retrieveArtifacts(refs, str(destination), transfer="move")
