"""The life-cycle script functions called directly, without click."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType, errors
from skybutler.daf_butler.script import (
    DatasetPruning,
    RunRemoval,
    butler_import,
    export,
    ingest_files,
    prune_datasets,
    remove_runs,
    retrieve_artifacts,
    transfer_datasets,
)


@pytest.fixture
def repo(tmp_path: Path) -> str:
    """A repository with two ``notes`` datasets ingested (detectors 1 and 2) into ``run``."""
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        butler.registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"S{d}"} for d in (1, 2))
        )
        butler.registry.registerDatasetType(
            DatasetType("notes", ["instrument", "detector"], "StructuredDataDict",
                        universe=butler.dimensions)
        )  # fmt: skip
    for detector in (1, 2):
        (tmp_path / f"n{detector}.yaml").write_text(f"detector: {detector}\n")
    table = tmp_path / "files.ecsv"
    table.write_text(
        "# %ECSV 1.0\n# ---\n# datatype:\n# - {name: file, datatype: string}\n"
        "# - {name: instrument, datatype: string}\n# - {name: detector, datatype: int64}\n"
        f"file instrument detector\n{tmp_path}/n1.yaml Cam 1\n{tmp_path}/n2.yaml Cam 2\n"
    )
    assert ingest_files(root, "notes", "run", str(table), transfer="copy") == 2
    return root


def test_ingest_rejects_a_mode(repo: str, tmp_path: Path) -> None:
    with pytest.raises(errors.ConfigError, match="Unknown ID generation mode"):
        ingest_files(repo, "notes", "run", str(tmp_path / "files.ecsv"), id_generation_mode="X")
    (tmp_path / "bad.ecsv").write_text("# %ECSV 1.0\n# ---\n# datatype: [\n")
    with pytest.raises(errors.ConfigError, match="Cannot read"):
        ingest_files(repo, "notes", "run", str(tmp_path / "bad.ecsv"))


def test_remove_runs_plan_and_refusal(repo: str) -> None:
    seen: list[RunRemoval] = []

    def refuse(plan: RunRemoval) -> bool:
        seen.append(plan)
        return False

    result = remove_runs(repo, "run", confirm=refuse)
    assert result.removed == ()
    assert seen[0].datasets.rows == (("notes", "2"),)
    assert not seen[0].in_chains
    assert remove_runs(repo, "run").removed == ("run",)


def test_prune_dry_run_and_confirm(repo: str) -> None:
    plan = prune_datasets(repo, ["run"], unstore=True, dry_run=True)
    assert not plan.pruned
    assert [row[3] for row in plan.plan.rows] == ["instrument=Cam, detector=1",
                                                  "instrument=Cam, detector=2"]  # fmt: skip
    asked: list[DatasetPruning] = []
    refused = prune_datasets(
        repo, ["run"], unstore=True, confirm=lambda p: asked.append(p) or False
    )
    assert not refused.pruned
    assert len(asked) == 1
    assert prune_datasets(repo, purge="run").pruned
    with Butler(repo) as butler:
        assert butler.registry.queryCollections() == ["run"]


def test_export_import_transfer_retrieve(repo: str, tmp_path: Path) -> None:
    table = export(repo, str(tmp_path / "out"), collections=["run"], where="detector = 1")
    assert len(table.rows) == 1
    other = str(tmp_path / "other")
    Butler.makeRepo(other)
    butler_import(other, str(tmp_path / "out"), transfer="copy")
    assert transfer_datasets(repo, other, register_dataset_types=True) == 1  # detector 2 only
    with Butler(other, collections="run") as butler:
        assert butler.get("notes", instrument="Cam", detector=2) == {"detector": 2}
    uris = retrieve_artifacts(other, str(tmp_path / "files"), preserve_path=False)
    assert sorted(uri.basename() for uri in uris) == sorted(
        uri.basename() for uri in retrieve_artifacts(repo, str(tmp_path / "f2"))
    )
    assert retrieve_artifacts(repo, str(tmp_path / "f3"), where="detector = 7") == []
