"""``-@/--options-file``: option values from a YAML file, on every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Invoke


def test_options_file_values_and_command_line_wins(
    invoke: Invoke, query_repo: str, tmp_path: Path
) -> None:
    options = tmp_path / "options.yaml"
    options.write_text(
        "query-datasets:\n"
        "  collections: [run/a]\n"
        "  where: exposure = 10 AND detector < 3\n"
        "  format: json\n"
        "query-collections:\n"
        "  collection-type: [TAGGED]\n"
    )
    result = invoke("query-datasets", query_repo, "raw", "-@", str(options))
    assert result.exit_code == 0, result.output
    assert [r["detector"] for r in json.loads(result.output)] == ["1", "2"]
    result = invoke(
        "query-datasets", query_repo, "raw", "--options-file", str(options), "--where",
        "exposure = 11 AND detector = 4",
    )  # fmt: skip
    assert [r["exposure"] for r in json.loads(result.output)] == ["11"]
    tagged = invoke("query-collections", query_repo, "-@", str(options))
    assert tagged.output.split()[4:] == ["tagged", "TAGGED"]
    other = invoke("query-dimension-records", query_repo, "instrument", "-@", str(options))
    assert other.exit_code == 0  # no section for this command: nothing changes
    assert "Other" in other.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("query-datasets: {colections: x}\n", "['colections']", id="unknown"),
        pytest.param("- 1\n", "must map command names", id="not-a-mapping"),
        pytest.param("query-datasets: [1]\n", "must map command names", id="bad-section"),
        pytest.param("[1\n", "cannot read", id="bad-yaml"),
    ],
)
def test_options_file_bad_input(
    invoke: Invoke, query_repo: str, tmp_path: Path, content: str, message: str
) -> None:
    options = tmp_path / "options.yaml"
    options.write_text(content)
    result = invoke("query-datasets", query_repo, "-@", str(options))
    assert result.exit_code == 2, result.output
    assert message in result.output
    missing = invoke("query-datasets", query_repo, "-@", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 2
    assert "cannot read" in missing.output
