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
