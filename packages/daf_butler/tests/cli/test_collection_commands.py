"""``query-collections``, ``collection-chain`` and ``remove-collections`` through click."""

from __future__ import annotations

import csv
import io
import json

import pytest

from skybutler.daf_butler.script import open_registry

from .conftest import Invoke


def _rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()[2:]]


def test_query_collections_tree(invoke: Invoke, repo: str) -> None:
    result = invoke("query-collections", repo)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Name", "Type"]
    names = [line[:10].rstrip() for line in lines[2:]]
    assert names == [
        "calib",
        "chain",
        "  run_b",
        "  run_a",
        "outer",
        "  chain",
        "    run_b",
        "    run_a",
        "  tagged",
        "run_a",
        "run_b",
        "tagged",
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ["--chains", "NO-CHILDREN", "run_*"], [["run_a", "RUN"], ["run_b", "RUN"]], id="glob"
        ),
        pytest.param(
            ["--chains", "no-children", "--collection-type", "chained"],
            [["chain", "CHAINED"], ["outer", "CHAINED"]],
            id="type",
        ),
        pytest.param(
            ["--chains", "FLATTEN", "outer"],
            [["run_b", "RUN"], ["run_a", "RUN"], ["tagged", "TAGGED"]],
            id="flatten",
        ),
        pytest.param(
            ["--chains", "TABLE", "chain"], [["chain", "CHAINED", "run_b"], ["run_a"]], id="table"
        ),
        pytest.param(
            ["--chains", "INVERSE-TABLE", "run_a"], [["run_a", "RUN", "chain"]], id="inverse-table"
        ),
        pytest.param(
            ["--chains", "INVERSE-TREE", "run_a"],
            [["run_a", "RUN"], ["chain", "CHAINED"], ["outer", "CHAINED"]],
            id="inverse-tree",
        ),
        pytest.param(
            ["--chains", "NO-CHILDREN", "run_a,calib"],
            [["run_a", "RUN"], ["calib", "CALIBRATION"]],
            id="commas",
        ),
    ],
)
def test_query_collections_modes(
    invoke: Invoke, repo: str, args: list[str], expected: list[list[str]]
) -> None:
    result = invoke("query-collections", repo, *args)
    assert result.exit_code == 0, result.output
    assert _rows(result.output) == expected


def test_query_collections_json_and_csv(invoke: Invoke, repo: str) -> None:
    result = invoke("query-collections", repo, "chain", "--chains", "TABLE", "--format", "json")
    assert json.loads(result.output) == [
        {"Name": "chain", "Type": "CHAINED", "Children": ["run_b", "run_a"]}
    ]
    result = invoke("query-collections", repo, "chain", "--chains", "table", "--format", "CSV")
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["Name", "Type", "Children"],
        ["chain", "CHAINED", "run_b,run_a"],
    ]


def test_query_collections_show_dataset_types(invoke: Invoke, repo: str) -> None:
    result = invoke("query-collections", repo, "-t", "--chains", "NO-CHILDREN", "run_a")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].split() == ["Name", "Type", "Dataset", "Types"]


def test_query_collections_nothing_matches(invoke: Invoke, repo: str) -> None:
    result = invoke("query-collections", repo, "zzz*")
    assert result.exit_code == 0
    assert result.output.strip() == "No collections match."


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["missing"], 1, "Error: ", id="unknown-name"),
        pytest.param(["--chains", "SIDEWAYS"], 2, "Invalid value for '--chains'", id="chains"),
        pytest.param(
            ["--collection-type", "BIN"], 2, "Invalid value for '--collection-type'", id="type"
        ),
        pytest.param(["--format", "xml"], 2, "Invalid value for '--format'", id="format"),
    ],
)
def test_query_collections_bad_input(
    invoke: Invoke, repo: str, args: list[str], code: int, message: str
) -> None:
    result = invoke("query-collections", repo, *args)
    assert result.exit_code == code
    assert message in result.output


def test_query_collections_needs_a_repo(invoke: Invoke) -> None:
    result = invoke("query-collections")
    assert result.exit_code == 2
    assert "Missing argument 'REPO'" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(["new", "run_a", "run_b"], "[run_a, run_b]", id="create"),
        pytest.param(["chain", "tagged"], "[tagged]", id="redefine"),
        pytest.param(
            ["chain", "tagged,calib", "--mode", "extend"],
            "[run_b, run_a, tagged, calib]",
            id="extend",
        ),
        pytest.param(["chain", "run_a", "--mode", "prepend"], "[run_a, run_b]", id="prepend"),
        pytest.param(["chain", "run_a", "--mode", "remove"], "[run_b]", id="remove"),
        pytest.param(["chain", "--mode", "pop"], "[run_a]", id="pop-default"),
        pytest.param(["chain", "--mode", "pop", "--", "-1"], "[run_b]", id="pop-negative"),
        pytest.param(["flat", "outer", "--flatten"], "[run_b, run_a, tagged]", id="flatten"),
        pytest.param(
            ["new2", "outer", "--mode", "extend", "--flatten"],
            "[run_b, run_a, tagged]",
            id="extend-flatten",
        ),
    ],
)
def test_collection_chain(invoke: Invoke, repo: str, args: list[str], expected: str) -> None:
    result = invoke("collection-chain", repo, *args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected


def test_collection_chain_doc(invoke: Invoke, repo: str) -> None:
    assert invoke("collection-chain", repo, "docd", "run_a", "--doc", "first").exit_code == 0
    assert invoke("collection-chain", repo, "chain", "run_a", "--doc", "second").exit_code == 0
    registry = open_registry(repo)
    try:
        assert registry.getCollectionDocumentation("docd") == "first"
        assert registry.getCollectionDocumentation("chain") == "second"
    finally:
        registry.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["chain", "nothere"], 1, "nothere", id="missing-child"),
        pytest.param(["run_a", "tagged"], 1, "Error: ", id="not-a-chain"),
        pytest.param(["chain", "outer"], 1, "Error: ", id="cycle"),
        pytest.param(["chain", "run_*"], 1, "pattern 'run_*' is not allowed", id="pattern"),
        pytest.param(["newchain", "run_a", "--mode", "remove"], 1, "newchain", id="remove-missing"),
        pytest.param(["chain", "--mode", "pop", "5"], 1, "outside chain 'chain'", id="pop-range"),
        pytest.param(["chain", "--mode", "pop", "x"], 1, "integer positions", id="pop-text"),
        pytest.param(
            ["chain", "run_a", "--mode", "remove", "--flatten"],
            2,
            "--flatten cannot",
            id="flatten-remove",
        ),
        pytest.param(["chain", "--mode", "sideways"], 2, "Invalid value for '--mode'", id="mode"),
    ],
)
def test_collection_chain_bad_input(
    invoke: Invoke, repo: str, args: list[str], code: int, message: str
) -> None:
    result = invoke("collection-chain", repo, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def _names(repo: str) -> list[str]:
    registry = open_registry(repo)
    try:
        return sorted(registry.queryCollections())
    finally:
        registry.close()


def test_remove_collections_asks_first(invoke: Invoke, repo: str) -> None:
    result = invoke("remove-collections", repo, "outer", input="n\n")
    assert result.exit_code == 0, result.output
    assert "Collections to remove:" in result.output
    assert "outer" in result.output
    assert "Aborted; nothing was removed." in result.output
    assert "outer" in _names(repo)
    result = invoke("remove-collections", repo, "outer", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Removed 1 collection(s)." in result.output
    assert "outer" not in _names(repo)


def test_remove_collections_glob_skips_runs_and_orders_chains(invoke: Invoke, repo: str) -> None:
    result = invoke("remove-collections", repo, "*", "--no-confirm")
    assert result.exit_code == 0, result.output
    assert "not removed (use 'butler remove-runs'): run_a, run_b" in result.output
    assert "Removed 4 collection(s)." in result.output
    assert _names(repo) == ["run_a", "run_b"]


def test_remove_collections_in_a_chain(invoke: Invoke, repo: str) -> None:
    result = invoke("remove-collections", repo, "tagged", "--no-confirm")
    assert result.exit_code == 1
    assert "'tagged' is in ['outer']" in result.output
    assert "--remove-from-parents" in result.output
    result = invoke("remove-collections", repo, "tagged", "--no-confirm", "--remove-from-parents")
    assert result.exit_code == 0, result.output
    assert "tagged" not in _names(repo)
    assert invoke("collection-chain", repo, "outer", "--mode", "extend").output.strip() == "[chain]"


@pytest.mark.parametrize("pattern", ["run_a", "zzz*"], ids=["run-only", "no-match"])
def test_remove_collections_nothing_to_remove(invoke: Invoke, repo: str, pattern: str) -> None:
    result = invoke("remove-collections", repo, pattern)
    assert result.exit_code == 0, result.output
    assert f"No TAGGED, CHAINED or CALIBRATION collection matches {pattern!r}." in result.output
    assert "run_a" in _names(repo)


def test_remove_collections_unknown_name(invoke: Invoke, repo: str) -> None:
    result = invoke("remove-collections", repo, "nothere", "--no-confirm")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
