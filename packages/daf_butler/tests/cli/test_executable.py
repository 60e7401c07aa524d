"""The installed ``butler`` executable, end to end, and its import cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BUTLER = Path(sys.executable).with_name("butler")

HEAVY = ("sqlalchemy", "astropy", "pyarrow")


def _butler(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUTLER), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(not BUTLER.exists(), reason="the butler console script is not installed")
def test_end_to_end(tmp_path: Path) -> None:
    repo = str(tmp_path / "repo")
    assert _butler("create", repo).returncode == 0
    steps = [
        ("register-dataset-type", repo, "calexp", "StructuredDataDict", "instrument"),
        ("collection-chain", repo, "chain"),
        ("query-collections", repo, "--format", "json"),
    ]
    results = [_butler(*step) for step in steps]
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    assert json.loads(results[2].stdout) == [{"Name": "chain", "Type": "CHAINED"}]
    missing = _butler("query-collections", str(tmp_path / "nowhere"))
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: No repository at")
    assert "Traceback" not in missing.stderr
    usage = _butler("query-collections")
    assert usage.returncode == 2
    empty = _butler("query-datasets", repo, "calexp")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.startswith("No datasets found.\n  - ")
    bad_where = _butler("query-data-ids", repo, "instrument", "--where", "instrument = = 1")
    assert bad_where.returncode == 1
    assert bad_where.stderr.splitlines()[-1].strip() == "^"
    assert "Traceback" not in bad_where.stderr


@pytest.mark.parametrize(
    "module",
    ["skybutler.daf_butler.cli", "skybutler.daf_butler.cli.butler"],
    ids=["cli", "cli.butler"],
)
def test_import_is_light(module: str) -> None:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy = sorted(m for m in json.loads(out.stdout) if m.split(".")[0] in HEAVY)
    assert heavy == [], f"import {module} pulled in {heavy}"


def test_help_imports_no_command_and_nothing_heavy() -> None:
    code = (
        "import sys, json\n"
        "from skybutler.daf_butler.cli.butler import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='butler')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.splitlines()[-1])
    assert not [m for m in loaded if m.startswith("skybutler.daf_butler.cli.cmd.")]
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]
    assert "query-collections" in out.stdout


@pytest.mark.skipif(not BUTLER.exists(), reason="the butler console script is not installed")
def test_every_command_help_runs_in_the_executable() -> None:
    from skybutler.daf_butler.cli._plugins import discover_commands

    for name in discover_commands():
        result = _butler(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert f"Usage: butler {name}" in result.stdout
