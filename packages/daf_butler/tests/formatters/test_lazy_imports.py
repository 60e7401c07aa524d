"""The FITS and Parquet formatters, and numpy, load only when a dataset needs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skybutler.daf_butler import formatters

_SCRIPT = """
import sys
from skybutler.daf_butler import Butler, DatasetType
root = sys.argv[1]
Butler.makeRepo(root)
butler = Butler(root, run="run")
butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": 4})
butler.registry.insertDimensionData("detector", {"instrument": "Cam", "id": 1, "full_name": "A1"})
butler.registry.registerDatasetType(
    DatasetType("metrics", ["instrument", "detector"], "StructuredDataDict",
                universe=butler.dimensions)
)
butler.put({"a": 1}, "metrics", instrument="Cam", detector=1)
assert butler.get("metrics", instrument="Cam", detector=1) == {"a": 1}
print(sorted(name for name in ("numpy", "astropy", "pyarrow") if name in sys.modules))
"""


def test_json_put_and_get_import_no_numpy(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(tmp_path / "repo")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_lazy_formatters_are_still_attributes() -> None:
    assert formatters.FitsFormatter.name == "fits"
    assert formatters.ParquetFormatter.name == "parquet"
    assert formatters.FitsFormatter is formatters.FORMATTERS.load("fits")


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchFormatter"):
        formatters.NoSuchFormatter  # noqa: B018
