"""pruneDatasets, removeRuns, collection and dataset-type removal, and the datastore trash."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler import (
    Butler,
    CollectionType,
    DatasetExistence,
    DatasetRef,
    DatasetType,
    FileDataset,
)
from skybutler.daf_butler._butler_removal import trash_datasets
from skybutler.daf_butler.errors import (
    DatasetTypeError,
    MissingCollectionError,
    OrphanedRecordError,
    RemovalArgumentError,
)

MakeRepo = Callable[[str], str]


@pytest.fixture
def butler(make_repo: MakeRepo) -> Butler:
    """A repository with four ``meta`` datasets in ``run/a``, two of them tagged."""
    butler = Butler(make_repo("repo"), run="run/a")
    for detector in range(4):
        butler.put({"d": detector}, "meta", instrument="Cam", detector=detector)
    butler.registry.registerCollection("tagged", CollectionType.TAGGED)
    butler.registry.associate("tagged", _refs(butler, "run/a")[:2])
    return butler


def _refs(butler: Butler, collection: str) -> list[DatasetRef]:
    return sorted(
        butler.registry.queryDatasets("meta", collections=collection),
        key=lambda r: r.dataId["detector"],
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"purge": True, "disassociate": False}, "needs disassociate", id="purge-keep"),
        pytest.param({"purge": True}, "needs unstore", id="purge-no-unstore"),
        pytest.param({}, "needs the TAGGED collections", id="no-tags"),
        pytest.param({"tags": ["run/a"]}, "RUN collection, not TAGGED", id="run-as-tag"),
    ],
)
def test_prune_refuses_impossible_combinations(
    butler: Butler, kwargs: dict[str, object], message: str
) -> None:
    refs = _refs(butler, "run/a")
    with pytest.raises(RemovalArgumentError, match=message) as caught:
        butler.pruneDatasets(refs, **kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    assert len(_refs(butler, "run/a")) == 4


def test_prune_refuses_components(butler: Butler) -> None:
    dimensions = ["instrument", "detector"]
    image = DatasetType("img", dimensions, "MaskedImage", universe=butler.dimensions)
    ref = DatasetRef(image, {"instrument": "Cam", "detector": 1}, "run/a")
    component = ref.makeComponentRef("mask")
    with pytest.raises(DatasetTypeError, match="parent"):
        butler.pruneDatasets([component], purge=True, unstore=True)


def test_disassociate_keeps_datasets(butler: Butler) -> None:
    tagged = _refs(butler, "tagged")
    butler.pruneDatasets(tagged[:1], tags=["tagged"])
    assert _refs(butler, "tagged") == tagged[1:]
    assert butler.get(tagged[0]) == {"d": 0}


def test_unstore_keeps_registry_rows(butler: Butler, files: Callable) -> None:
    root = butler.datastore.root.ospath
    refs = _refs(butler, "run/a")
    butler.pruneDatasets(refs[:2], disassociate=False, unstore=True)
    assert butler.exists(refs[0]) == DatasetExistence.RECORDED
    assert butler.exists(refs[2])
    assert len(files(root)) == 2
    assert _refs(butler, "tagged") == refs[:2]


def test_purge_removes_everything(butler: Butler, files: Callable, consistent: Callable) -> None:
    refs = _refs(butler, "run/a")
    butler.pruneDatasets(refs[:3], purge=True, unstore=True)
    assert _refs(butler, "run/a") == refs[3:]
    assert _refs(butler, "tagged") == []
    assert len(files(butler.datastore.root.ospath)) == 1
    consistent(butler)


def test_remove_runs(butler: Butler, files: Callable, tmp_path: Path) -> None:
    outside = tmp_path / "kept.json"
    outside.write_text("{}")
    ref = DatasetRef(butler.get_dataset_type("raw"), {"instrument": "Cam", "detector": 1}, "run/a")
    butler.ingest(FileDataset(outside, ref), transfer="direct")
    butler.registry.registerCollection("chain", CollectionType.CHAINED)
    butler.registry.setCollectionChain("chain", ["run/a", "tagged"])
    with pytest.raises(OrphanedRecordError, match="chain"):
        butler.removeRuns(["run/a"])
    assert len(_refs(butler, "run/a")) == 4
    with pytest.raises(RemovalArgumentError, match="not a RUN"):
        butler.removeRuns("tagged")
    with pytest.raises(MissingCollectionError):
        butler.removeRuns(["nonesuch"])
    with pytest.raises(Exception, match="datasets"):
        butler.registry.removeDatasetType("meta")
    butler.removeRuns(["run/a"], unstore=False, unlink_from_chains=True)
    assert butler.registry.getCollectionChain("chain") == ("tagged",)
    assert "run/a" not in butler.registry.queryCollections()
    assert files(butler.datastore.root.ospath) == set()
    assert outside.exists(), "a 'direct' file is not the datastore's to delete"
    assert not list(butler.registry.queryDatasets("meta", collections="tagged"))
    butler.registry.removeDatasetType("meta")
    butler.registry.removeCollection("chain")
    butler.registry.removeCollection("tagged")
    assert butler.registry.queryCollections() == []


def test_interrupted_removal_finishes_at_next_call(
    butler: Butler, files: Callable, consistent: Callable
) -> None:
    root = butler.datastore.root.ospath
    refs = _refs(butler, "run/a")
    # A removal killed after its transaction committed, before the files went.
    with butler.transaction():
        trash_datasets(butler, [ref.id for ref in refs[:2]])
        butler.registry.removeDatasets(refs[:2])
    assert len(files(root)) == 4
    assert set(butler.datastore._store.trashed()) == {refs[0].id, refs[1].id}
    consistent(butler)
    # Killed half-way through emptying: one file already gone, its trash row left.
    os.unlink(butler.datastore._reader.uri(butler.datastore._store.trashed()[refs[0].id][0]).ospath)
    reopened = Butler(butler._config.root.geturl(), writeable=True)
    reopened.pruneDatasets([refs[3]], purge=True, unstore=True)
    assert butler.datastore._store.trashed() == {}
    assert len(files(root)) == 1
    reopened.datastore.emptyTrash()
    reopened.datastore.emptyTrash()
    assert [r.id for r in _refs(reopened, "run/a")] == [refs[2].id]
    consistent(reopened)


def test_remove_many_runs_in_bulk(make_repo: MakeRepo, files: Callable) -> None:
    butler = Butler(make_repo("many"), writeable=True)
    for run in ("r1", "r2", "r3"):
        butler.registry.registerRun(run)
        for detector in range(4):
            butler.put({"run": run}, "meta", instrument="Cam", detector=detector, run=run)
    butler.removeRuns(("r1", "r2"))
    assert butler.registry.queryCollections() == ["r3"]
    assert len(files(butler.datastore.root.ospath)) == 4
    butler.removeRuns([])
