"""Tests for TaskMetadata and Packages."""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest

from skybutler.daf_butler.types import Packages, TaskMetadata


@pytest.fixture
def metadata() -> TaskMetadata:
    md = TaskMetadata()
    md["count"] = 3
    md["task.name"] = "isr"
    md["task.sub.values"] = [1.0, 2.0]
    md["flag"] = True
    return md


def test_dotted_keys_create_levels(metadata: TaskMetadata) -> None:
    assert metadata["count"] == 3
    assert metadata["task.name"] == "isr"
    assert isinstance(metadata["task"], TaskMetadata)
    assert metadata["task"]["sub.values"] == [1.0, 2.0]
    assert metadata.metadata["task"].metadata["sub"].arrays["values"] == [1.0, 2.0]
    assert "task.sub.values" in metadata
    assert "task.missing" not in metadata
    assert 5 not in metadata
    assert metadata.get("task.missing", "d") == "d"
    assert sorted(metadata.keys()) == ["count", "flag", "task"]
    assert len(metadata) == 3
    assert dict(metadata.items())["count"] == 3


def test_replacing_changes_kind(metadata: TaskMetadata) -> None:
    metadata["count"] = [1, 2]
    assert "count" not in metadata.scalars
    assert metadata["count"] == [1, 2]
    metadata["count"] = {"nested": 1}
    assert metadata["count.nested"] == 1
    metadata["np"] = np.int64(4)
    assert metadata["np"] == 4
    assert type(metadata["np"]) is int


def test_add_and_accessors(metadata: TaskMetadata) -> None:
    metadata.add("count", 4)
    assert metadata.getArray("count") == [3, 4]
    assert metadata.getScalar("count") == 4
    metadata.add("fresh.list", "a")
    metadata.add("fresh.list", "b")
    assert metadata["fresh.list"] == ["a", "b"]
    assert metadata.getArray("task.name") == ["isr"]
    assert metadata.getScalar("task.name") == "isr"
    with pytest.raises(KeyError, match="nested metadata"):
        metadata.getScalar("task")
    with pytest.raises(KeyError, match="nested metadata"):
        metadata.getArray("task")
    with pytest.raises(KeyError, match="nested metadata"):
        metadata.add("task", 1)
    with pytest.raises(TypeError, match="one type"):
        metadata.add("fresh.list", 1)


def test_names(metadata: TaskMetadata) -> None:
    assert metadata.names() == {"count", "flag", "task", "task.name", "task.sub", "task.sub.values"}
    assert metadata.paramNames() == {"count", "flag", "task.name", "task.sub.values"}
    assert metadata.paramNames(topLevelOnly=True) == {"count", "flag"}


def test_delete(metadata: TaskMetadata) -> None:
    del metadata["task.sub"]
    assert "task.sub" not in metadata
    with pytest.raises(KeyError, match="no entry"):
        del metadata["task.sub"]
    with pytest.raises(KeyError, match="no entry"):
        metadata["gone"]


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("a..b", 1, KeyError),
        ("", 1, KeyError),
        ("obj", object(), TypeError),
        ("mixed", [1, "a"], TypeError),
    ],
    ids=["empty-part", "empty", "object", "mixed-array"],
)
def test_invalid_entries(key: str, value: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        TaskMetadata()[key] = value


def test_int_and_float_arrays_mix_as_floats() -> None:
    md = TaskMetadata()
    md["v"] = [1, 2.5]
    assert md["v"] == [1.0, 2.5]
    assert all(isinstance(v, float) for v in md["v"])


def test_dict_round_trip(metadata: TaskMetadata) -> None:
    as_dict = metadata.to_dict()
    assert as_dict == {
        "count": 3,
        "flag": True,
        "task": {"name": "isr", "sub": {"values": [1.0, 2.0]}},
    }
    assert TaskMetadata.from_dict(as_dict) == metadata
    assert TaskMetadata.from_dict({"a.b": 1}).to_dict() == {"a": {"b": 1}}


def test_json_round_trip_with_missing_values(metadata: TaskMetadata) -> None:
    metadata["missing"] = None
    metadata["series"] = [1.0, math.nan]
    text = metadata.model_dump_json()
    assert json.loads(text)["scalars"]["missing"] is None
    back = TaskMetadata.model_validate_json(text)
    assert math.isnan(back["missing"])
    assert math.isnan(back["series"][1])
    assert back["task.sub.values"] == [1.0, 2.0]
    assert back["count"] == 3


# ---------------------------------------------------------------- Packages


def test_packages_from_system() -> None:
    packages = Packages.fromSystem()
    assert packages["python"] == ".".join(str(v) for v in sys.version_info[:3])
    assert packages["numpy"] == np.__version__
    assert "skybutler-daf-butler" in packages


def test_packages_comparisons() -> None:
    mine = Packages({"a": "1", "b": "2", "c": "3"})
    theirs = {"b": "2", "c": "4", "d": "5"}
    assert mine.difference(theirs) == {"c": ("3", "4")}
    assert mine.extra(theirs) == {"a": "1"}
    assert mine.missing(theirs) == {"d": "5"}
    assert repr(Packages({"a": "1"})) == "Packages({'a': '1'})"


@pytest.mark.parametrize("fmt", ["yaml", "json", "pickle"], ids=["yaml", "json", "pickle"])
def test_packages_bytes_round_trip(fmt: str) -> None:
    packages = Packages({"numpy": "2.0", "python": "3.11.9"})
    back = Packages.fromBytes(packages.toBytes(fmt), fmt)
    assert back == packages
    assert isinstance(back, Packages)


def test_packages_bad_input() -> None:
    with pytest.raises(ValueError, match="Unknown Packages format 'xml'"):
        Packages().toBytes("xml")
    with pytest.raises(ValueError, match="Unknown Packages format 'xml'"):
        Packages.fromBytes(b"", "xml")
    with pytest.raises(ValueError, match="mapping of names to versions"):
        Packages.fromBytes(b"[1, 2]", "json")
