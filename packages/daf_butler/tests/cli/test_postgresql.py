"""The registry commands on a repository whose registry is a PostgreSQL schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke

pytestmark = pytest.mark.service


def test_commands_on_postgresql(invoke: Invoke, postgres_url: str, tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(f"registry:\n  db: {postgres_url}\n  namespace: cli_repo\n")
    repo = str(tmp_path / "repo")
    assert invoke("create", repo, "--seed-config", str(seed)).exit_code == 0
    assert not (tmp_path / "repo" / "gen3.sqlite3").exists()
    steps = [
        ("register-dataset-type", repo, "calexp", "StructuredDataDict", "instrument"),
        ("collection-chain", repo, "chain"),
        ("collection-chain", repo, "outer", "chain"),
        ("remove-collections", repo, "outer", "--no-confirm"),
    ]
    for step in steps:
        result = invoke(*step)
        assert result.exit_code == 0, result.output
    result = invoke("query-collections", repo, "--format", "json")
    assert json.loads(result.output) == [{"Name": "chain", "Type": "CHAINED"}]
    result = invoke("query-dataset-types", repo)
    assert result.output.split()[2:] == ["calexp"]


def test_query_and_removal_commands_on_postgresql(
    invoke: Invoke, postgres_url: str, tmp_path: Path
) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(f"registry:\n  db: {postgres_url}\n  namespace: cli_queries\n")
    repo = str(tmp_path / "repo")
    assert invoke("create", repo, "--seed-config", str(seed)).exit_code == 0
    assert invoke("register-dataset-type", repo, "notes", "StructuredDataDict").exit_code == 0
    (tmp_path / "n.json").write_text('{"a": 1}')
    (tmp_path / "files.csv").write_text(f"file\n{tmp_path / 'n.json'}\n")
    result = invoke("ingest-files", repo, "notes", "run", str(tmp_path / "files.csv"))
    assert result.exit_code == 0, result.output
    rows = json.loads(invoke("query-datasets", repo, "--format", "json").output)
    assert [(r["type"], r["run"]) for r in rows] == [("notes", "run")]
    bad = invoke("query-datasets", repo, "--where", "run = = 1")
    assert bad.exit_code == 1
    assert "^" in bad.output
    assert invoke("remove-runs", repo, "run", "--no-confirm").exit_code == 0
    assert invoke("query-datasets", repo).output.startswith("No datasets found.")
