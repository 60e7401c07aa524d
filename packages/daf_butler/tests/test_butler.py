"""The Butler end to end: repositories, put/get of real objects, errors, defaults and queries."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from astropy.table import Table

from skybutler.daf_butler import (
    Butler,
    ButlerConfig,
    CollectionType,
    DatasetExistence,
    DatasetType,
)
from skybutler.daf_butler.errors import (
    ConfigError,
    ConflictingDefinitionError,
    DatasetNotFoundError,
    EmptyQueryResultError,
    FormatterWriteError,
    MissingDatasetTypeError,
    RepositoryExistsError,
    RepositoryNotFoundError,
    StorageClassConversionError,
)
from skybutler.daf_butler.types import MaskedImage


def _populate(butler: Butler) -> None:
    registry = butler.registry
    registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
    registry.insertDimensionData(
        "detector", *({"instrument": "Cam", "id": d, "full_name": f"A{d}"} for d in (1, 2))
    )
    universe = butler.dimensions
    for name, storage_class in [
        ("meta", "StructuredDataDict"),
        ("cat", "ArrowAstropy"),
        ("array", "NumpyArray"),
        ("image", "MaskedImage"),
    ]:
        registry.registerDatasetType(
            DatasetType(name, ["instrument", "detector"], storage_class, universe=universe)
        )


@pytest.fixture
def repo(tmp_path: Path) -> str:
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        _populate(butler)
    return root


@pytest.fixture
def butler(repo: str) -> Butler:
    return Butler(repo, run="run/1")


def test_make_repo_writes_config_and_refuses_overwrite(tmp_path: Path) -> None:
    root = tmp_path / "new"
    config = Butler.makeRepo(str(root))
    written = yaml.safe_load((root / "butler.yaml").read_text())
    assert written["registry"]["db"] == "sqlite:///<butlerRoot>/gen3.sqlite3"
    assert written["datastore"]["cls"] == "file"
    assert config["datastore", "root"] == "<butlerRoot>"
    assert Butler.has_repo_config(str(root))
    with pytest.raises(RepositoryExistsError, match="overwrite=True"):
        Butler.makeRepo(str(root))
    Butler.makeRepo(str(root), overwrite=True)


def test_missing_repository_says_how_to_create(tmp_path: Path) -> None:
    with pytest.raises(RepositoryNotFoundError, match="butler create"):
        Butler(str(tmp_path / "nowhere"))


def test_repository_index(repo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAF_BUTLER_REPOSITORIES", f"main: {repo}\nother: /elsewhere\n")
    assert Butler.get_known_repos() == {"main", "other"}
    assert Butler("main").dimensions.version == 8
    with pytest.raises(RepositoryNotFoundError, match="known labels: main, other"):
        Butler.get_repo_uri("nope")
    monkeypatch.setenv("DAF_BUTLER_REPOSITORY_INDEX", "/some/index.yaml")
    with pytest.raises(ConfigError, match="set only one"):
        Butler.get_known_repos()


def test_put_get_dict_and_query(butler: Butler) -> None:
    ref = butler.put({"a": 1, "b": [1, 2]}, "meta", instrument="Cam", detector=1)
    assert ref.run == "run/1"
    assert butler.get(ref) == {"a": 1, "b": [1, 2]}
    assert butler.get("meta", instrument="Cam", detector=1) == {"a": 1, "b": [1, 2]}
    assert butler.get("meta", {"instrument": "Cam", "detector": "A1"}) == {"a": 1, "b": [1, 2]}
    (found,) = butler.query_datasets("meta", "run/1")
    assert found == ref
    assert [d["detector"] for d in butler.query_data_ids(["detector"], instrument="Cam")] == [1, 2]
    (record,) = butler.query_dimension_records("detector", where="detector.full_name = 'A2'")
    assert record.id == 2
    with butler.query() as query:
        assert list(query.datasets("meta", "run/1")) == [ref]
    with pytest.raises(EmptyQueryResultError, match="No datasets of type 'cat'"):
        butler.query_datasets("cat", "run/1")


def test_astropy_table_with_parameters_and_conversion(butler: Butler) -> None:
    table = Table({"a": [1, 2, 3], "b": [4.0, 5.0, 6.0]})
    ref = butler.put(table, "cat", instrument="Cam", detector=1)
    assert butler.getURI(ref).geturl().endswith(".parq")
    read = butler.get(ref)
    assert list(read.colnames) == ["a", "b"]
    assert list(read["b"]) == [4.0, 5.0, 6.0]
    assert butler.get(ref, parameters={"columns": ["a"]}).colnames == ["a"]
    frame = butler.get(ref, storageClass="DataFrame")
    assert list(frame["a"]) == [1, 2, 3]
    handle = butler.getDeferred("cat", instrument="Cam", detector=1)
    assert handle.get(parameters={"columns": ["b"]}).colnames == ["b"]
    assert butler.get_deferred(ref).dataId == ref.dataId


def test_composite_components(butler: Butler) -> None:
    image = np.arange(12, dtype=np.float32).reshape(3, 4)
    masked = MaskedImage(image, np.zeros((3, 4), np.int32), image + 1, {"EXPTIME": 30.0})
    ref = butler.put(masked, "image", instrument="Cam", detector=2)
    back = butler.get(ref)
    assert np.array_equal(back.image, image)
    assert np.array_equal(butler.get(ref.makeComponentRef("variance")), image + 1)
    assert np.array_equal(butler.get("image.image", instrument="Cam", detector=2), image)


def test_not_found_says_which_part_is_wrong(butler: Butler) -> None:
    butler.put({"x": 1}, "meta", instrument="Cam", detector=1)
    with pytest.raises(DatasetNotFoundError, match="data ID is the problem"):
        butler.get("meta", instrument="Cam", detector=2)
    with pytest.raises(DatasetNotFoundError, match="dataset type or the collections"):
        butler.get("array", instrument="Cam", detector=1)
    with pytest.raises(MissingDatasetTypeError):
        butler.get("nope", instrument="Cam", detector=1)


def test_failed_put_leaves_nothing(butler: Butler, repo: str) -> None:
    with pytest.raises(StorageClassConversionError):
        butler.put(object(), "meta", instrument="Cam", detector=1)
    with pytest.raises(FormatterWriteError):
        butler.put({"x": object()}, "meta", instrument="Cam", detector=1)
    assert butler.registry.queryDatasets("meta", collections="run/1").count() == 0
    assert [p for p in Path(repo).rglob("*") if p.is_file() and "run" in p.parts] == []
    ref = butler.put({"x": 1}, "meta", instrument="Cam", detector=1)
    with pytest.raises(ConflictingDefinitionError):
        butler.put({"x": 2}, "meta", instrument="Cam", detector=1)
    assert butler.get(ref) == {"x": 1}


def test_transaction_rolls_back_both(butler: Butler) -> None:
    seen = []

    def abandoned() -> None:
        with butler.transaction():
            ref = butler.put({"x": 1}, "meta", instrument="Cam", detector=1)
            seen.append((ref, butler.getURI(ref)))
            assert seen[0][1].exists()
            raise RuntimeError("abandon")

    with pytest.raises(RuntimeError, match="abandon"):
        abandoned()
    ((ref, uri),) = seen
    assert not uri.exists()
    assert butler.registry.getDataset(ref.id) is None


def test_exists_levels(butler: Butler) -> None:
    ref = butler.put({"x": 1}, "meta", instrument="Cam", detector=1)
    assert butler.exists(ref) == DatasetExistence.VERIFIED
    assert butler.exists(ref, full_check=False) == DatasetExistence.KNOWN
    assert butler.exists("meta", instrument="Cam", detector=2) == DatasetExistence.UNRECOGNIZED
    butler.getURI(ref).remove()
    existence = butler.exists(ref)
    assert not existence
    assert DatasetExistence.RECORDED in existence


def test_uris_and_predictions(butler: Butler) -> None:
    predicted = butler.getURI("meta", instrument="Cam", detector=2, predict=True)
    assert "run/1" in predicted.geturl()
    assert not predicted.exists()
    ref = butler.put({"x": 1}, "meta", instrument="Cam", detector=2)
    assert butler.getURI(ref).geturl() == predicted.geturl().split("#")[0]


def test_defaults_collections_and_clone(butler: Butler, repo: str) -> None:
    butler.put({"x": 1}, "meta", instrument="Cam", detector=1)
    other = butler.clone(run="run/2")
    other.put({"x": 2}, "meta", instrument="Cam", detector=1)
    assert list(other.collections) == ["run/2"]
    butler.collections.register("chain", CollectionType.CHAINED)
    butler.collections.redefine_chain("chain", ["run/2"])
    butler.collections.extend_chain("chain", "run/1")
    assert butler.collections.get_info("chain").children == ("run/2", "run/1")
    reader = Butler(repo, collections="chain")
    assert reader.get("meta", instrument="Cam", detector=1) == {"x": 2}
    assert not reader.isWriteable()
    butler.collections.remove_from_chain("chain", "run/2")
    assert reader.get("meta", instrument="Cam", detector=1) == {"x": 1}
    infos = butler.collections.query_info("run/*", include_summary=True)
    assert {i.name for i in infos} == {"run/1", "run/2"}
    assert all(i.dataset_types == {"meta"} for i in infos)


def test_without_datastore(repo: str) -> None:
    butler = Butler(repo, without_datastore=True)
    with pytest.raises(ConfigError, match="without_datastore"):
        butler.get("meta", instrument="Cam", detector=1, collections="x")


def test_butler_config_from_mapping(repo: str) -> None:
    config = ButlerConfig(repo)
    assert config.root.ospath.rstrip("/") == repo
    with pytest.raises(ConfigError, match="needs a 'root'"):
        ButlerConfig({"registry": {}})


def test_postgresql_registry(tmp_path: Path, postgres_url: str) -> None:
    root = str(tmp_path / "pg")
    Butler.makeRepo(root, config={"registry": {"db": postgres_url}})
    with Butler(root, writeable=True) as admin:
        _populate(admin)
    butler = Butler(root, run="run/pg")
    ref = butler.put({"pg": True}, "meta", instrument="Cam", detector=1)
    assert Butler(root, collections="run/pg").get("meta", instrument="Cam", detector=1) == {
        "pg": True
    }
    assert butler.exists(ref)
    butler.close()


def test_s3_datastore(tmp_path: Path, seaweedfs: Any) -> None:
    root = str(tmp_path / "s3repo")
    prefix = f"s3://{seaweedfs.bucket}/butler-{uuid.uuid4().hex}/"
    Butler.makeRepo(root, config={"datastore": {"root": prefix}})
    with Butler(root, writeable=True) as admin:
        _populate(admin)
    butler = Butler(root, run="run/s3")
    ref = butler.put(Table({"a": [1, 2]}), "cat", instrument="Cam", detector=1)
    assert butler.getURI(ref).geturl().startswith(prefix)
    assert list(Butler(root, collections="run/s3").get(ref)["a"]) == [1, 2]
