"""``ingest-files``, ``transfer-datasets``, ``retrieve-artifacts``, ``remove-runs`` and
``prune-datasets`` through click, on repositories with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, CollectionType
from skybutler.daf_butler.cli.cmd import _transfers as cmd_transfers
from skybutler.daf_butler.errors import ConfigError
from skybutler.daf_butler.script import ID_GENERATION_MODES, parse_data_id

from .conftest import Invoke


def _make_repo(root: Path) -> str:
    Butler.makeRepo(str(root))
    with Butler(str(root), writeable=True) as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        butler.registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"S{d}"} for d in (1, 2, 3))
        )
    return str(root)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Three JSON files and a table listing them (with the detector of each)."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    for detector in (1, 2, 3):
        (folder / f"d{detector}.json").write_text(json.dumps({"detector": detector}))
    (folder / "files.csv").write_text("file,detector\nd1.json,1\nd2.json,2\nd3.json,3\n")
    return folder


@pytest.fixture
def filled(invoke: Invoke, tmp_path: Path, files: Path) -> str:
    """A repository with ``meta`` datasets of detectors 1-3 in ``run1``, ingested by copy."""
    repo = _make_repo(tmp_path / "repo")
    assert invoke("register-dataset-type", repo, "meta", "StructuredDataDict",
                  "instrument,detector").exit_code == 0  # fmt: skip
    result = invoke(
        "ingest-files", repo, "meta", "run1", str(files / "files.csv"),
        "--data-id", "instrument=Cam", "--prefix", str(files), "-t", "copy",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Ingested 3 dataset(s) into 'run1'."
    return repo


def test_cli_choices_match_the_script_layer() -> None:
    assert cmd_transfers._ID_GENERATION_MODES == ID_GENERATION_MODES


def test_ingested_files_can_be_read(filled: str, files: Path) -> None:
    with Butler(filled, collections="run1") as butler:
        assert butler.get("meta", instrument="Cam", detector=3) == {"detector": 3}
        assert butler.getURI("meta", instrument="Cam", detector=1).exists()
    assert (files / "d1.json").exists()  # copied, not moved


def test_ingest_with_deterministic_ids(invoke: Invoke, filled: str, files: Path) -> None:
    args = ["ingest-files", filled, "meta", "run2", str(files / "files.csv"),
            "--data-id", "instrument=Cam", "--prefix", str(files), "-t", "copy",
            "--id-generation-mode", "DATAID_TYPE_RUN"]  # fmt: skip
    assert invoke(*args).exit_code == 0
    again = invoke(*args)
    assert again.exit_code == 1
    assert "Traceback" not in again.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["nope", "run", "TABLE"], 1, "nope", id="dataset-type"),
        pytest.param(["meta", "run", "/no/table.csv"], 1, "does not exist", id="table"),
        pytest.param(
            ["meta", "run", "TABLE", "--data-id", "instrument"], 1, "key=value", id="data-id"
        ),
        pytest.param(
            ["meta", "run", "TABLE", "--data-id", "instrument=Nope"], 1, "Nope", id="unknown-value"
        ),
        pytest.param(
            ["meta", "run", "TABLE", "--data-id", "instrument=Cam"], 1, "d1.json", id="missing-file"
        ),
        pytest.param(["meta", "run", "TABLE", "-t", "teleport"], 2, "teleport", id="transfer"),
        pytest.param(["meta", "run"], 2, "TABLE_FILE", id="missing-argument"),
    ],
)
def test_ingest_bad_input(
    invoke: Invoke, filled: str, files: Path, args: list[str], code: int, message: str
) -> None:
    args = [str(files / "files.csv") if a == "TABLE" else a for a in args]
    result = invoke("ingest-files", filled, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_parse_data_id() -> None:
    assert parse_data_id(["a=1", " b = x "]) == {"a": "1", "b": "x"}
    with pytest.raises(ConfigError, match="key=value"):
        parse_data_id(["=1"])


def test_query_datasets_show_uri_of_ingested(invoke: Invoke, filled: str) -> None:
    result = invoke("query-datasets", filled, "meta", "--show-uri", "--format", "json")
    rows = json.loads(result.output)
    assert [r["detector"] for r in rows] == ["1", "2", "3"]
    assert all(r["URI"].startswith("file://") for r in rows)


def test_retrieve_artifacts(invoke: Invoke, filled: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("retrieve-artifacts", filled, str(out), "--where", "detector < 3", "-v")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Number of files retrieved: 2"
    assert len(list(out.rglob("*.json"))) == 2
    again = invoke("retrieve-artifacts", filled, str(out), "--where", "detector < 3")
    assert again.exit_code == 1
    assert "--clobber" in again.output
    flat = invoke("retrieve-artifacts", filled, str(out), "--no-preserve-path", "--clobber")
    assert flat.exit_code == 0, flat.output
    assert len(list(out.glob("*.json"))) == 3  # file names only, at the top
    none = invoke("retrieve-artifacts", filled, str(out), "--where", "detector = 9")
    assert none.output.strip() == "Number of files retrieved: 0"


def test_transfer_datasets(invoke: Invoke, filled: str, tmp_path: Path) -> None:
    dest = str(tmp_path / "dest")
    assert invoke("create", dest).exit_code == 0
    dry = invoke("transfer-datasets", filled, dest, "--register-dataset-types", "--dry-run")
    assert dry.output.strip() == "Number of datasets would be transferred (dry run): 3"
    refused = invoke("transfer-datasets", filled, dest)
    assert refused.exit_code == 1
    assert "Traceback" not in refused.output
    result = invoke(
        "transfer-datasets", filled, dest, "--register-dataset-types", "-d", "meta",
        "--where", "detector = 2", "-t", "copy",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Number of datasets transferred: 1"
    with Butler(dest, collections="run1") as butler:
        assert butler.get("meta", instrument="Cam", detector=2) == {"detector": 2}


def test_remove_runs_asks_and_unlinks(invoke: Invoke, filled: str) -> None:
    assert invoke("collection-chain", filled, "chain", "run1").exit_code == 0
    refused = invoke("remove-runs", filled, "run*", input="n\n")
    assert "meta         3" in refused.output
    assert "Aborted; nothing was removed." in refused.output
    blocked = invoke("remove-runs", filled, "run1", "--no-confirm")
    assert blocked.exit_code == 1
    assert "--force" in blocked.output
    result = invoke("remove-runs", filled, "run1", input="y\n")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Removed 1 run(s)."
    with Butler(filled) as butler:
        assert butler.registry.queryCollections() == ["chain"]
        assert butler.registry.getCollectionChain("chain") == ()
    assert invoke("remove-runs", filled, "run*").output.strip() == (
        "No RUN collection matches 'run*'."
    )
    gone = invoke("remove-runs", filled, "run1")
    assert gone.exit_code == 1
    assert "No collection named 'run1'" in gone.output


def test_remove_runs_force(invoke: Invoke, filled: str) -> None:
    assert invoke("collection-chain", filled, "chain", "run1").exit_code == 0
    result = invoke("remove-runs", filled, "run1", "--no-confirm", "--force")
    assert result.exit_code == 0, result.output
    with Butler(filled) as butler:
        assert butler.registry.queryCollections(collectionTypes={CollectionType.RUN}) == []


def test_prune_datasets(invoke: Invoke, filled: str) -> None:
    assert invoke("associate", filled, "tag", "--collections", "run1").exit_code == 0
    dry = invoke("prune-datasets", filled, "--disassociate", "tag", "--dry-run")
    assert "(dry run)" in dry.output
    assert len(dry.output.splitlines()) == 1 + 2 + 3
    refused = invoke("prune-datasets", filled, "--disassociate", "tag", input="n\n")
    assert "Aborted" in refused.output
    untag = invoke(
        "prune-datasets", filled, "--disassociate", "tag", "--where", "detector = 1",
        "--no-confirm", "--quiet",
    )  # fmt: skip
    assert untag.output.strip() == "Pruned 1 dataset(s)."
    unstore = invoke("prune-datasets", filled, "run1", "--unstore", "--where", "detector = 2",
                     input="y\n")  # fmt: skip
    assert unstore.exit_code == 0, unstore.output
    uris = json.loads(invoke("query-datasets", filled, "--show-uri", "--format", "json").output)
    assert [r["URI"] for r in uris if r["detector"] == "2"] == ["(not stored)"]
    purge = invoke("prune-datasets", filled, "--purge", "run1", "--no-confirm")
    assert purge.exit_code == 0, purge.output
    assert purge.output.splitlines()[-1] == "Pruned 3 dataset(s)."
    empty = invoke("query-datasets", filled, "meta")
    assert empty.output.startswith("No datasets found.")
    assert invoke("prune-datasets", filled, "run1", "--unstore").output.strip() == (
        "No datasets match; nothing was pruned."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["run1"], "Say what to do", id="no-action"),
        pytest.param(["--purge", "tag"], "takes a RUN collection", id="purge-not-run"),
        pytest.param(["--purge", "run1", "--disassociate", "tag"], "do not also", id="both"),
        pytest.param(["--disassociate", "run1"], "takes TAGGED", id="disassociate-run"),
        pytest.param(["--unstore"], "Name the COLLECTIONS", id="no-collections"),
        pytest.param(["nowhere", "--unstore"], "nowhere", id="collection"),
        pytest.param(["run1", "--unstore", "--where", "detector =="], "^", id="where"),
    ],
)
def test_prune_bad_input(invoke: Invoke, filled: str, args: list[str], message: str) -> None:
    assert invoke("associate", filled, "tag", "--collections", "run1").exit_code == 0
    result = invoke("prune-datasets", filled, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
