"""Formatters on their own: round trips, write errors, components read alone, plugins."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from skybutler.daf_butler import StorageClassFactory
from skybutler.daf_butler.errors import FormatterError, FormatterNotFoundError
from skybutler.daf_butler.formatters import FORMATTERS, Formatter, ReadRequest
from skybutler.daf_butler.formatters._factory import FORMATTERS as TABLE
from skybutler.daf_butler.types import Box, MaskedImage

SC = StorageClassFactory()


def round_trip(name: str, obj: Any, storage_class: str, tmp_path: Path, **request: Any) -> Any:
    formatter = FORMATTERS.load(name)()
    path = tmp_path / f"file-{id(obj):x}{formatter.extension()}"
    formatter.write_local_file(obj, str(path))
    return formatter.read_local_file(
        str(path), ReadRequest(SC.getStorageClass(storage_class), **request)
    )


@pytest.mark.parametrize(
    ("name", "storage_class", "obj"),
    [
        ("json", "StructuredDataDict", {"a": [1, 2], "b": {"c": None}}),
        ("yaml", "StructuredDataDict", {"a": [1, 2], "b": {"c": None}}),
        ("pickle", "StructuredDataDict", {"a": {1, 2}}),
        ("json", "int", 7),
        ("yaml", "StructuredDataList", [1, "x"]),
    ],
    ids=["json", "yaml", "pickle", "json-int", "yaml-list"],
)
def test_plain_round_trip(name: str, storage_class: str, obj: Any, tmp_path: Path) -> None:
    assert round_trip(name, obj, storage_class, tmp_path) == obj


def test_json_of_models_and_dataclasses(tmp_path: Path) -> None:
    from skybutler.daf_butler.types import TaskMetadata

    metadata = TaskMetadata()
    metadata["quantum.a"] = 1
    back = round_trip("json", metadata, "TaskMetadata", tmp_path)
    assert isinstance(back, TaskMetadata)
    assert back["quantum.a"] == 1
    box = round_trip("json", Box(1, 2, 3, 4), "Box", tmp_path)
    assert box == Box(1, 2, 3, 4)


def test_numpy(tmp_path: Path) -> None:
    array = np.arange(6, dtype=">f8").reshape(2, 3)
    back = round_trip("numpy", array, "NumpyArray", tmp_path)
    np.testing.assert_array_equal(back, array)
    assert back.dtype == array.dtype
    with pytest.raises(TypeError, match="object dtype"):
        FORMATTERS.load("numpy")().to_bytes(np.array([object()]))


@pytest.mark.parametrize(
    ("name", "obj"),
    [("json", {"a": object()}), ("yaml", {"a": object()}), ("pickle", lambda: 1)],
    ids=["json", "yaml", "pickle"],
)
def test_unwritable_objects_raise_type_error(name: str, obj: Any) -> None:
    with pytest.raises(TypeError):
        FORMATTERS.load(name)().to_bytes(obj)


def test_fits_masked_image_components(tmp_path: Path) -> None:
    image = MaskedImage(
        np.arange(20, dtype=np.float32).reshape(4, 5),
        np.ones((4, 5), dtype=bool),
        metadata={"ExpTime": 1.5, "object": "M31", "flag": True},
    )
    formatter = FORMATTERS.load("fits")()
    path = str(tmp_path / "image.fits")
    formatter.write_local_file(image, path)
    sc = SC.getStorageClass("MaskedImage")
    assert formatter.readable_components(sc) >= {"image", "mask", "variance", "metadata"}
    whole = formatter.read_local_file(path, ReadRequest(sc))
    np.testing.assert_array_equal(whole.image, image.image)
    assert whole.metadata == {"ExpTime": 1.5, "object": "M31", "flag": True}
    assert formatter.read_local_file(path, ReadRequest(sc, "bbox")) == Box(0, 0, 5, 4)
    mask = formatter.read_local_file(path, ReadRequest(sc, "mask"))
    np.testing.assert_array_equal(mask, np.ones((4, 5)))
    with pytest.raises(TypeError, match="scalars"):
        formatter.write_local_file(
            MaskedImage(image.image, metadata={"a": [1]}), str(tmp_path / "x.fits")
        )
    with pytest.raises(TypeError, match="not a dict"):
        formatter.write_local_file({"a": 1}, str(tmp_path / "y.fits"))


def test_fits_tables_and_arrays(tmp_path: Path) -> None:
    from astropy import units as u
    from astropy.table import QTable, Table

    table = Table({"a": [1, 2, 3], "b": [0.5, 1.5, 2.5] * u.m})
    back = round_trip("fits", table, "AstropyTable", tmp_path)
    assert back.colnames == ["a", "b"]
    assert str(back["b"].unit) == "m"
    qtable = round_trip("fits", QTable(table), "AstropyQTable", tmp_path)
    assert isinstance(qtable, QTable)
    array = np.eye(3)
    np.testing.assert_array_equal(round_trip("fits", array, "NumpyArray", tmp_path), array)


def test_parquet_columns_and_footer_components(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"x": [1, 2, 3], "y": ["a", "b", "c"]})
    formatter = FORMATTERS.load("parquet")(write_parameters={"compression": "zstd"})
    path = str(tmp_path / "t.parq")
    formatter.write_local_file(table, path)
    sc = SC.getStorageClass("ArrowTable")
    assert formatter.read_local_file(path, ReadRequest(sc, "rowcount")) == 3
    assert formatter.read_local_file(path, ReadRequest(sc, "columns")) == ["x", "y"]
    only_y = formatter.read_local_file(path, ReadRequest(sc, None, {"columns": "y"}))
    assert only_y.column_names == ["y"]
    numpy = formatter.read_local_file(path, ReadRequest(SC.getStorageClass("ArrowNumpy")))
    assert numpy.dtype.names == ("x", "y")
    data = Path(path).read_bytes()
    assert formatter.from_bytes(data, ReadRequest(sc)).num_rows == 3
    from skybutler.daf_butler.errors import StorageClassParameterError

    with pytest.raises(StorageClassParameterError, match="unknown columns"):
        formatter.read_local_file(path, ReadRequest(sc, None, {"columns": ["z"]}))
    with pytest.raises(TypeError, match="writes tables"):
        formatter.write_local_file([1, 2], str(tmp_path / "bad.parq"))


def test_unknown_write_parameter() -> None:
    with pytest.raises(FormatterError, match="does not understand write parameters"):
        FORMATTERS.load("json")(write_parameters={"indent": 2})


def test_plugin_names_and_aliases() -> None:
    assert FORMATTERS.load("lsst.daf.butler.formatters.json.JsonFormatter").name == "json"
    assert FORMATTERS.canonical("lsst.daf.butler.formatters.yaml.YamlFormatter") == "yaml"
    with pytest.raises(FormatterNotFoundError, match=r"Unknown formatter 'nope'; known: \["):
        FORMATTERS.load("nope")


def test_builtins_match_entry_points() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group=TABLE.group)}
    assert declared == TABLE._builtins
    for name in declared:
        assert FORMATTERS.load(name).name == name


def test_register_a_formatter() -> None:
    class Custom(Formatter):
        name = "custom"

    FORMATTERS.register("custom", Custom)
    try:
        assert FORMATTERS.load("custom") is Custom
        assert "custom" in FORMATTERS.names()
        with pytest.raises(FormatterNotFoundError, match="already used"):
            FORMATTERS.register("json", Custom)
        with pytest.raises(FormatterNotFoundError, match="not a Formatter subclass"):
            FORMATTERS.register("other", dict)  # type: ignore[arg-type]
    finally:
        FORMATTERS.unregister("custom")
    with pytest.raises(FormatterNotFoundError):
        FORMATTERS.load("custom")
