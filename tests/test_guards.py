"""Guards over the whole workspace: public APIs, entry points, import cost, layout."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import types
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.name for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").exists())


def test_all_eight_distributions_exist() -> None:
    assert PACKAGES == [
        "ctrl_bps",
        "ctrl_bps_htcondor",
        "ctrl_bps_parsl",
        "ctrl_mpexec",
        "daf_butler",
        "obs_base",
        "pipe_base",
        "resources",
    ]
    for name in PACKAGES:
        pkg = ROOT / "packages" / name
        for required in ("README.md", "CHANGELOG.md", "LICENSE", f"src/skybutler/{name}/py.typed"):
            assert (pkg / required).exists(), f"packages/{name}/{required} is missing"
        assert not (pkg / "src" / "skybutler" / "__init__.py").exists(), (
            "skybutler is a namespace package"
        )


@pytest.mark.parametrize("name", PACKAGES)
def test_public_api_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(f"skybutler.{name}")
    assert module.__doc__, f"skybutler.{name} needs a docstring"
    exported = list(module.__all__)
    assert exported == sorted(exported), f"skybutler.{name}.__all__ is not sorted"
    for attr in exported:
        assert hasattr(module, attr), f"skybutler.{name}.__all__ names missing {attr!r}"
    public = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and not isinstance(value, types.ModuleType)
        and attr not in ("annotations",)
    }
    assert public <= set(exported), f"public names not in __all__: {sorted(public - set(exported))}"


def _skybutler_entry_points() -> list[tuple[str, str, str]]:
    found = []
    for group in entry_points().groups:
        if group.startswith("skybutler."):
            found.extend((group, ep.name, ep.value) for ep in entry_points(group=group))
    return sorted(found)


@pytest.mark.parametrize(
    ("group", "name", "value"), _skybutler_entry_points(), ids=lambda v: str(v)
)
def test_entry_point_loads(group: str, name: str, value: str) -> None:
    module_name, _, attr = value.partition(":")
    obj = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    assert obj is not None


HEAVY = (
    "fsspec",
    "s3fs",
    "gcsfs",
    "botocore",
    "aiobotocore",
    "httpx",
    "sqlalchemy",
    "astropy",
    "pyarrow",
)


def test_import_skybutler_resources_is_light() -> None:
    code = "import sys, json, skybutler.resources; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    heavy = sorted(m for m in loaded if m.split(".")[0] in HEAVY)
    assert heavy == [], f"import skybutler.resources pulled in {heavy}"
