"""``retrieve-artifacts --zip`` and ``ingest-zip`` through click, and their script functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType
from skybutler.daf_butler.script import ingest_zip, retrieve_artifacts_zip

from .conftest import Invoke


def _make_repo(root: Path, datasets: bool) -> str:
    Butler.makeRepo(str(root))
    with Butler(str(root), writeable=True, run="run1") as butler:
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
        butler.registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"S{d}"} for d in (1, 2, 3))
        )
        if datasets:
            butler.registry.registerDatasetType(
                DatasetType(
                    "meta",
                    ["instrument", "detector"],
                    "StructuredDataDict",
                    universe=butler.dimensions,
                )
            )
            for detector in (1, 2, 3):
                butler.put({"detector": detector}, "meta", instrument="Cam", detector=detector)
    return str(root)


@pytest.fixture
def source(tmp_path: Path) -> str:
    """A repository with ``meta`` datasets of detectors 1-3 in ``run1``."""
    return _make_repo(tmp_path / "source", datasets=True)


@pytest.fixture
def dest(tmp_path: Path) -> str:
    """A repository with the same dimension records and no datasets."""
    return _make_repo(tmp_path / "dest", datasets=False)


def _zip(invoke: Invoke, source: str, out: Path, *args: str) -> Path:
    result = invoke("retrieve-artifacts", source, str(out), "--zip", *args)
    assert result.exit_code == 0, result.output
    (written,) = out.glob("*.zip")
    return written


def test_round_trip(invoke: Invoke, source: str, dest: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    written = _zip(invoke, source, out, "--where", "detector < 3")
    dry = invoke("ingest-zip", dest, str(written), "--dry-run")
    assert dry.output.strip() == "Number of datasets would be ingested (dry run): 2"
    result = invoke("ingest-zip", dest, str(written), "-t", "copy")
    assert result.output.strip() == "Number of datasets ingested: 2", result.output
    with Butler(dest, collections="run1") as butler:
        assert butler.get("meta", instrument="Cam", detector=2) == {"detector": 2}
    again = invoke("ingest-zip", dest, str(written))
    assert again.exit_code == 1
    assert "skip_existing" in again.output
    assert "Traceback" not in again.output
    skipped = invoke("ingest-zip", dest, str(written), "--skip-existing")
    assert skipped.output.strip() == "Number of datasets ingested: 0"


def test_retrieve_zip_messages(invoke: Invoke, source: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("retrieve-artifacts", source, str(out), "--zip")
    assert result.output.startswith("Wrote 3 dataset(s) to file://")
    refused = invoke("retrieve-artifacts", source, str(out), "--zip", "--no-clobber")
    assert refused.exit_code == 1
    assert "--clobber" in refused.output
    none = invoke("retrieve-artifacts", source, str(out), "--zip", "--where", "detector = 9")
    assert none.output.strip() == "No datasets found: no Zip written."


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["NOTZIP"], 1, "as a Zip", id="not-a-zip"),
        pytest.param(["/no/such.zip"], 1, "/no/such.zip", id="missing-file"),
        pytest.param(["ZIP", "-t", "teleport"], 2, "teleport", id="transfer"),
        pytest.param([], 2, "ZIP", id="missing-argument"),
    ],
)
def test_ingest_zip_bad_input(
    invoke: Invoke, dest: str, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    args = [str(bad) if a in ("NOTZIP", "ZIP") else a for a in args]
    result = invoke("ingest-zip", dest, *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_ingest_zip_needs_records(invoke: Invoke, source: str, tmp_path: Path) -> None:
    written = _zip(invoke, source, tmp_path / "out")
    bare = tmp_path / "bare"
    Butler.makeRepo(str(bare))
    result = invoke("ingest-zip", str(bare), str(written), "--transfer-dimensions")
    assert result.exit_code == 1
    assert "import the records" in result.output


def test_script_functions(source: str, dest: str, tmp_path: Path) -> None:
    written, count = retrieve_artifacts_zip(source, str(tmp_path / "z"), where="detector = 1")
    assert count == 1
    assert written is not None
    assert [r.dataId["detector"] for r in ingest_zip(dest, written.ospath, dry_run=True)] == [1]
    assert len(ingest_zip(dest, written.ospath)) == 1
    assert retrieve_artifacts_zip(source, str(tmp_path / "z"), where="detector = 7") == (None, 0)
