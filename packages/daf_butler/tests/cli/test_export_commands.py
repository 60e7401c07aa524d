"""``export``, ``export-calibs`` and ``import`` through click, with real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from skybutler.daf_butler import Butler, CollectionType, DatasetType, Timespan

from .conftest import Invoke


@pytest.fixture
def source(tmp_path: Path) -> str:
    """A repository with ``meta`` of detectors 1-2 in ``run1`` (tagged in ``tag``) and a bias
    of detector 1 in ``calib/run`` certified in ``calib`` from the beginning of time."""
    root = str(tmp_path / "source")
    Butler.makeRepo(root)
    with Butler(root, run="run1") as butler:
        registry = butler.registry
        registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"S{d}"} for d in (1, 2))
        )
        universe = butler.dimensions
        dims = ["instrument", "detector"]
        registry.registerDatasetType(
            DatasetType("meta", dims, "StructuredDataDict", universe=universe)
        )
        registry.registerDatasetType(
            DatasetType("bias", dims, "StructuredDataDict", universe=universe, isCalibration=True)
        )
        refs = [butler.put({"d": d}, "meta", instrument="Cam", detector=d) for d in (1, 2)]
        registry.registerCollection("tag", CollectionType.TAGGED)
        registry.associate("tag", refs[:1])
        registry.registerRun("calib/run")
        bias = butler.put({"bias": 1}, "bias", instrument="Cam", detector=1, run="calib/run")
        registry.registerCollection("calib", CollectionType.CALIBRATION)
        registry.certify("calib", [bias], Timespan(None, None))
    return root


def test_export_then_import(invoke: Invoke, source: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("export", source, str(out), "-d", "meta", "--collections", "tag", "-t", "copy")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"Exported 1 dataset(s) to {out}."
    document = yaml.safe_load((out / "export.yaml").read_text().replace("!uuid", ""))
    kinds = [entry["type"] for entry in document["data"]]
    assert "associations" in kinds
    assert len([p for p in (out / "run1").rglob("*") if p.is_file()]) == 1
    dest = str(tmp_path / "dest")
    assert invoke("create", dest).exit_code == 0
    result = invoke("import", dest, str(out), "-t", "copy")
    assert result.exit_code == 0, result.output
    with Butler(dest, collections="tag") as butler:
        assert butler.get("meta", instrument="Cam", detector=1) == {"d": 1}
    again = invoke("import", dest, str(out))
    assert again.exit_code == 1
    assert "Traceback" not in again.output


def test_export_file_name_and_quiet(invoke: Invoke, source: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "export", source, str(out), "--collections", "run1", "--export-file", "mine.yaml", "-q",
        "--where", "detector = 2",
    )  # fmt: skip
    assert result.output.strip() == f"Exported 1 dataset(s) to {out}."
    dest = str(tmp_path / "dest")
    invoke("create", dest)
    result = invoke("import", dest, str(out), "--export-file", "mine.yaml", "-s", "detector")
    assert result.exit_code == 1  # the detector record the dataset needs was skipped
    result = invoke("import", dest, str(out), "--export-file", "mine.yaml", "--no-track-file-attrs")
    assert result.exit_code == 0, result.output
    rows = json.loads(invoke("query-datasets", dest, "--format", "json").output)
    assert [(r["type"], r["detector"]) for r in rows] == [("meta", "2")]


def test_export_calibs(invoke: Invoke, source: str, tmp_path: Path) -> None:
    out = tmp_path / "calibs"
    result = invoke("export-calibs", source, str(out), "calib")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == f"Exported 1 calibration dataset(s) to {out}."
    dest = str(tmp_path / "dest")
    invoke("create", dest)
    assert invoke("import", dest, str(out)).exit_code == 0
    with Butler(dest) as butler:
        assert butler.registry.getCollectionType("calib") is CollectionType.CALIBRATION
        (ref,) = butler.query_datasets("bias", "calib", find_first=False)
        assert butler.get(ref) == {"bias": 1}
    none = invoke("export-calibs", source, str(tmp_path / "none"), "run1")
    assert none.output.strip().endswith(
        "Exported 0 calibration dataset(s) to " + str(tmp_path / "none") + "."
    )


@pytest.mark.parametrize(
    ("command", "code", "message"),
    [
        pytest.param(
            ["export", "SRC", "OUT", "--collections", "nowhere"],
            1,
            "nowhere",
            id="export-collection",
        ),
        pytest.param(
            ["export", "SRC", "OUT", "-t", "teleport"], 2, "teleport", id="export-transfer"
        ),
        pytest.param(["export", "SRC", "OUT", "--where", "detector =="], 1, "^", id="export-where"),
        pytest.param(["export-calibs", "SRC", "OUT"], 2, "COLLECTIONS", id="calibs-usage"),
        pytest.param(["import", "SRC", "OUT"], 1, "export.yaml", id="import-missing"),
        pytest.param(["import", "SRC", "BAD"], 1, "not a Butler export", id="import-malformed"),
    ],
)
def test_bad_input(
    invoke: Invoke, source: str, tmp_path: Path, command: list[str], code: int, message: str
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "export.yaml").write_text("description: Butler Data Repository Export\nversion: 9.0\n")
    places = {"SRC": source, "OUT": str(tmp_path / "out"), "BAD": str(bad)}
    result = invoke(*[places.get(a, a) for a in command])
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
