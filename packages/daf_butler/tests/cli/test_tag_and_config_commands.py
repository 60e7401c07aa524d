"""``associate``, ``certify-calibrations``, ``config-dump``, ``config-validate`` through click."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from astropy.time import Time

from skybutler.daf_butler import Butler, CollectionType, DatasetType, Timespan

from .conftest import Invoke


def test_associate_tags_what_the_query_finds(invoke: Invoke, writable_query_repo: str) -> None:
    repo = writable_query_repo
    result = invoke(
        "associate", repo, "mine", "-d", "raw,calexp", "--collections", "run/a",
        "--where", "detector = 1 AND exposure = 11",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Associated 2 dataset(s) with 'mine'."
    with Butler(repo) as butler:
        assert butler.registry.getCollectionType("mine") is CollectionType.TAGGED
        refs = butler.query_datasets("raw", "mine") + butler.query_datasets("calexp", "mine")
    assert sorted((r.datasetType.name, r.dataId["detector"]) for r in refs) == [
        ("calexp", 1),
        ("raw", 1),
    ]
    again = invoke("associate", repo, "mine", "-d", "raw", "--collections", "run/a", "--limit", "3")
    assert again.output.strip() == "Associated 3 dataset(s) with 'mine'."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["run/a", "-d", "raw", "--collections", "run/b"], "RUN", id="not-tagged"),
        pytest.param(["t", "--collections", "nowhere"], "nowhere", id="collection"),
        pytest.param(["t", "-d", "nope", "--collections", "run/a"], "not registered", id="type"),
        pytest.param(["t", "--where", "exposure =="], "^", id="where"),
        pytest.param(["t", "--find-first"], "pass --collections", id="find-first"),
    ],
)
def test_associate_bad_input(
    invoke: Invoke, writable_query_repo: str, args: list[str], message: str
) -> None:
    result = invoke("associate", writable_query_repo, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_certify_calibrations(invoke: Invoke, writable_query_repo: str) -> None:
    repo = writable_query_repo
    result = invoke(
        "certify-calibrations", repo, "calib/runs", "newcalib", "bias",
        "--begin-date", "2024-02-01T00:00:00", "--end-date", "2024-03-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Certified 4 dataset(s) into 'newcalib'."
    with Butler(repo) as butler:
        inside = Timespan(Time("2024-02-10", scale="tai"), None)
        found = butler.registry.findDataset(
            "bias", instrument="Cam", detector=1, collections="newcalib", timespan=inside
        )
        assert found is not None
        assert found.run == "calib/runs"
        before = Timespan(Time("2024-01-10", scale="tai"), Time("2024-01-11", scale="tai"))
        assert (
            butler.registry.findDataset(
                "bias", instrument="Cam", detector=1, collections="newcalib", timespan=before
            )
            is None
        )
    overlap = invoke("certify-calibrations", repo, "calib/runs", "newcalib", "bias")
    assert overlap.exit_code == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["calib/runs", "c", "bias", "--begin-date", "soon"], 1, "'soon'", id="date"),
        pytest.param(
            ["calib/runs", "c", "bias", "--begin-date", "2024-02-01", "--end-date", "2024-01-01"],
            1,
            "is not after",
            id="reversed",
        ),
        pytest.param(["run/a", "c", "bias"], 1, "No datasets of type 'bias'", id="empty"),
        pytest.param(["calib/runs", "c", "nope"], 1, "nope", id="type"),
        pytest.param(["calib/runs", "run/a", "bias"], 1, "run/a", id="output-is-a-run"),
        pytest.param(["calib/runs", "c"], 2, "DATASET_TYPE_NAME", id="missing-argument"),
    ],
)
def test_certify_bad_input(
    invoke: Invoke, writable_query_repo: str, args: list[str], code: int, message: str
) -> None:
    result = invoke("certify-calibrations", writable_query_repo, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_config_dump(invoke: Invoke, empty_repo: str, tmp_path: Path) -> None:
    result = invoke("config-dump", empty_repo)
    assert result.exit_code == 0, result.output
    dumped = yaml.safe_load(result.output)
    assert dumped["registry"]["db"] == "sqlite:///<butlerRoot>/gen3.sqlite3"
    assert dumped["datastore"]["cls"] == "file"
    subset = invoke("config-dump", empty_repo, "-s", ".datastore.cls")
    assert yaml.safe_load(subset.output) == {"cls": "file"}
    subset = invoke("config-dump", empty_repo, "--subset", "registry")
    assert set(yaml.safe_load(subset.output)) >= {"db"}
    extra = tmp_path / "extra.yaml"
    extra.write_text("datastore:\n  checksum: true\n")
    out = tmp_path / "dump.yaml"
    result = invoke("config-dump", empty_repo, "-p", str(extra), "--file", str(out))
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(out.read_text())["datastore"]["checksum"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["-s", ".nothing.here"], "has no '.nothing.here'", id="subset"),
        pytest.param(["-p", "/no/such/file.yaml"], "file.yaml", id="searchpath"),
    ],
)
def test_config_dump_bad_input(
    invoke: Invoke, empty_repo: str, args: list[str], message: str
) -> None:
    result = invoke("config-dump", empty_repo, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output


def test_config_validate(invoke: Invoke, query_repo: str) -> None:
    result = invoke("config-validate", query_repo)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "No problems found (4 dataset type(s) checked)."
    assert invoke("config-validate", query_repo, "-q").output == ""
    only = invoke("config-validate", query_repo, "-d", "ra*", "-i", "summary")
    assert only.output.strip() == "No problems found (1 dataset type(s) checked)."


def test_config_validate_reports_a_type_it_cannot_store(invoke: Invoke, tmp_path: Path) -> None:
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        # A storage class the datastore has no formatter for.
        butler.registry.registerDatasetType(
            DatasetType("thing", ["instrument"], "Plot", universe=butler.dimensions)
        )
        butler.registry.registerDatasetType(
            DatasetType("fine", ["instrument"], "StructuredDataDict", universe=butler.dimensions)
        )
    result = invoke("config-validate", root)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("thing: ")
    assert "1 of 2 dataset type(s) cannot be stored" in result.stderr
    assert invoke("config-validate", root, "-i", "thing").exit_code == 0
