"""``query-datasets``, ``query-data-ids`` and ``query-dimension-records`` through click."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType

from .conftest import Invoke


def _json(output: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = json.loads(output)
    return rows


def test_query_datasets_find_first_in_a_chain(invoke: Invoke, query_repo: str) -> None:
    result = invoke(
        "query-datasets", query_repo, "calexp", "--collections", "chain", "--find-first",
        "--where", "detector = 1", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _json(result.output)
    assert {(r["visit"], r["run"]) for r in rows} == {
        ("10", "run/a"), ("11", "run/b"), ("12", "run/b"), ("13", "run/b"), ("14", "run/b"),
    }  # fmt: skip
    assert set(rows[0]) == {"type", "run", "id", "instrument", "detector", "visit"}


def test_query_datasets_is_not_find_first_by_default(invoke: Invoke, query_repo: str) -> None:
    result = invoke(
        "query-datasets", query_repo, "calexp", "--collections", "chain",
        "--where", "detector = 1 AND visit = 11", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(r["run"] for r in _json(result.output)) == ["run/a", "run/b"]


def test_query_datasets_every_type_one_table_each(invoke: Invoke, query_repo: str) -> None:
    result = invoke("query-datasets", query_repo, "--where", "exposure = 10 AND detector = 2")
    assert result.exit_code == 0, result.output
    tables = result.output.strip().split("\n\n")
    assert [t.split()[0] for t in tables] == ["type"] * 4
    assert [t.splitlines()[2].split()[0] for t in tables] == ["bias", "calexp", "raw", "summary"]
    assert tables[2].splitlines()[0].split()[3:] == ["instrument", "detector", "exposure"]


def test_query_datasets_limit_order_and_cap(invoke: Invoke, query_repo: str) -> None:
    args = ["query-datasets", query_repo, "raw", "--collections", "run/a", "--format", "csv"]
    result = invoke(*args, "--order-by", "-exposure,detector", "--limit", "3")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["exposure"], r["detector"]) for r in rows] == [("15", "1"), ("15", "2"), ("15", "3")]
    result = invoke(*args, "--limit", "-2")
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 2
    assert "only the first 2 are shown" in result.stderr
    everything = invoke(*args, "--limit", "0")
    assert len(list(csv.DictReader(io.StringIO(everything.stdout)))) == 24
    assert "only the first" not in everything.stderr


def test_query_datasets_empty_prints_reasons(invoke: Invoke, query_repo: str) -> None:
    result = invoke("query-datasets", query_repo, "bias", "--collections", "run/a")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "No datasets found."
    assert "No datasets of type 'bias' in collection 'run/a'." in result.output
    result = invoke("query-datasets", query_repo, "raw", "--where", "exposure = 99")
    assert "No datasets found." in result.output
    assert "exposure" in result.output
    as_json = invoke(
        "query-datasets", query_repo, "raw", "--where", "exposure=99", "--format", "json"
    )
    assert json.loads(as_json.output) == []


def test_query_datasets_show_uri(invoke: Invoke, tmp_path: Path) -> None:
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, run="run") as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        butler.registry.registerDatasetType(
            DatasetType("meta", ["instrument"], "StructuredDataDict", universe=butler.dimensions)
        )
        ref = butler.put({"a": 1}, "meta", instrument="Cam")
        uri = butler.getURI(ref)
    result = invoke("query-datasets", root, "meta", "--show-uri", "--format", "json")
    assert result.exit_code == 0, result.output
    assert _json(result.output) == [
        {"type": "meta", "run": "run", "id": str(ref.id), "instrument": "Cam", "URI": str(uri)}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["calexp", "--where", "visit = = 3"], "    visit = = 3\n", id="where-syntax"),
        pytest.param(["calexp", "--where", "visti = 3"], "visti", id="where-name"),
        pytest.param(["nosuchtype"], "'nosuchtype'] are not registered", id="dataset-type"),
        pytest.param(["raw", "--collections", "nowhere"], "nowhere", id="collection"),
        pytest.param(["raw", "--find-first"], "pass --collections", id="find-first-needs"),
    ],
)
def test_query_datasets_bad_input(
    invoke: Invoke, query_repo: str, args: list[str], message: str
) -> None:
    result = invoke("query-datasets", query_repo, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_where_error_shows_a_caret(invoke: Invoke, query_repo: str) -> None:
    result = invoke("query-datasets", query_repo, "calexp", "--where", "visit = = 3")
    lines = result.output.splitlines()
    expression = lines.index("    visit = = 3")
    assert lines[expression + 1] == "            ^"


def test_query_data_ids(invoke: Invoke, query_repo: str) -> None:
    result = invoke(
        "query-data-ids", query_repo, "visit,detector", "--where", "band = 'g'",
        "--order-by", "visit,detector", "--limit", "3", "--offset", "1", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _json(result.output)
    assert [(r["visit"], r["detector"]) for r in rows] == [("10", "2"), ("10", "3"), ("10", "4")]
    assert rows[0]["band"] == "g"
    assert rows[0]["physical_filter"] == "g"


def test_query_data_ids_from_datasets(invoke: Invoke, query_repo: str) -> None:
    result = invoke("query-data-ids", query_repo, "--datasets", "raw", "--collections", "tagged")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["instrument", "detector", "exposure"]
    assert len(lines) == 2 + 4
    none = invoke("query-data-ids", query_repo, "visit", "--where", "visit > 100")
    assert none.output.startswith("No data IDs found.\n  - ")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param([], 2, "Give DIMENSIONS, --datasets", id="nothing"),
        pytest.param(["nodim"], 1, "nodim", id="dimension"),
        pytest.param(["visit", "--where", "visit IN (1,"], 1, "^", id="where"),
        pytest.param(["--datasets", "nope"], 1, "not registered", id="dataset-type"),
        pytest.param(["visit", "--offset", "-1"], 2, "--offset", id="offset"),
    ],
)
def test_query_data_ids_bad_input(
    invoke: Invoke, query_repo: str, args: list[str], code: int, message: str
) -> None:
    result = invoke("query-data-ids", query_repo, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_query_dimension_records(invoke: Invoke, query_repo: str) -> None:
    result = invoke(
        "query-dimension-records", query_repo, "detector", "--where",
        "instrument = 'Cam' AND detector.full_name > 'A2'",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _json(result.output)
    assert [r["full_name"] for r in rows] == ["A3", "A4"]
    assert rows[0]["instrument"] == "Cam"
    result = invoke(
        "query-dimension-records", query_repo, "visit", "--datasets", "calexp",
        "--collections", "run/a", "--order-by", "-visit", "--limit", "1", "--no-check",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].split()[:2] == ["Cam", "12"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["nosuch"], "Unknown dimension element 'nosuch'", id="element"),
        pytest.param(["visit", "--where", "visit >"], "^", id="where"),
    ],
)
def test_query_dimension_records_bad_input(
    invoke: Invoke, query_repo: str, args: list[str], message: str
) -> None:
    result = invoke("query-dimension-records", query_repo, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_query_dimension_records_empty(invoke: Invoke, query_repo: str) -> None:
    result = invoke("query-dimension-records", query_repo, "detector", "--where", "detector = 9")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No detector records found.")


@pytest.mark.parametrize(
    "command",
    [["query-datasets"], ["query-data-ids", "visit"], ["query-dimension-records", "visit"]],
    ids=["datasets", "data-ids", "records"],
)
def test_query_commands_missing_repository(
    invoke: Invoke, tmp_path: Path, command: list[str]
) -> None:
    result = invoke(command[0], str(tmp_path / "nowhere"), *command[1:])
    assert result.exit_code == 1
    assert "butler create" in result.output
