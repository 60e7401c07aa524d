"""``query-dataset-types``, ``register-dataset-type`` and ``remove-dataset-type`` through click."""

from __future__ import annotations

import json

import pytest

from .conftest import Invoke


@pytest.fixture
def typed_repo(invoke: Invoke, repo: str) -> str:
    for args in (
        ["calexp", "StructuredDataDict", "instrument", "detector", "visit"],
        ["bias", "StructuredDataDict", "instrument,detector", "--is-calibration"],
    ):
        result = invoke("register-dataset-type", repo, *args)
        assert result.exit_code == 0, result.output
        assert "Registered dataset type" in result.output
    return repo


def test_register_again_is_a_no_op(invoke: Invoke, typed_repo: str) -> None:
    result = invoke(
        "register-dataset-type",
        typed_repo,
        "bias",
        "StructuredDataDict",
        "instrument",
        "detector",
        "--is-calibration",
    )
    assert result.exit_code == 0, result.output
    assert "already registered with this definition" in result.output


def test_query_dataset_types(invoke: Invoke, typed_repo: str) -> None:
    result = invoke("query-dataset-types", typed_repo)
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["Name", "------", "bias", "calexp"]
    result = invoke("query-dataset-types", typed_repo, "b*", "-v", "--format", "json")
    assert json.loads(result.output) == [
        {
            "Name": "bias",
            "Dimensions": "instrument, detector",
            "Storage Class": "StructuredDataDict",
            "Is Calibration": "True",
        }
    ]


def test_query_dataset_types_in_collections(invoke: Invoke, typed_repo: str) -> None:
    result = invoke("query-dataset-types", typed_repo, "--collections", "run_a,run_b")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No dataset types match."


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(
            ["calexp", "StructuredDataList", "instrument"], 1, "another definition", id="conflict"
        ),
        pytest.param(["x", "NoSuchClass", "instrument"], 1, "NoSuchClass", id="storage-class"),
        pytest.param(["x", "StructuredDataDict", "nodim"], 1, "nodim", id="dimension"),
        pytest.param(["bad name", "StructuredDataDict"], 1, "not valid", id="name"),
        pytest.param(["calexp.wcs", "StructuredDataDict"], 1, "Error: ", id="component"),
        pytest.param(["x"], 2, "Missing argument 'STORAGE_CLASS'", id="missing-argument"),
    ],
)
def test_register_bad_input(
    invoke: Invoke, typed_repo: str, args: list[str], code: int, message: str
) -> None:
    result = invoke("register-dataset-type", typed_repo, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_remove_dataset_type(invoke: Invoke, typed_repo: str) -> None:
    result = invoke("remove-dataset-type", typed_repo, "cal*", "nothere")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Removed dataset type(s): calexp."
    result = invoke("remove-dataset-type", typed_repo, "calexp")
    assert result.output.strip() == "No dataset type matches; nothing was removed."
    assert invoke("query-dataset-types", typed_repo).output.split()[2:] == ["bias"]


def test_remove_dataset_type_bad_input(invoke: Invoke, typed_repo: str) -> None:
    result = invoke("remove-dataset-type", typed_repo)
    assert result.exit_code == 2
    assert "Missing argument 'DATASET_TYPE_NAME...'" in result.output
    result = invoke("remove-dataset-type", typed_repo, "calexp.wcs")
    assert result.exit_code == 1
    assert "component" in result.output


def test_create(invoke: Invoke, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "new"
    result = invoke("create", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "butler.yaml").exists()
    assert (target / "gen3.sqlite3").exists()
    again = invoke("create", str(target))
    assert again.exit_code == 1
    assert "A repository already exists" in again.output
