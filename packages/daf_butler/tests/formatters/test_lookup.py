"""Per-dataset configuration lookups: priority, instrument scoping, dimensions, inheritance."""

from __future__ import annotations

import pytest

from skybutler.daf_butler import DatasetRef, DatasetType, DimensionUniverse, StorageClassFactory
from skybutler.daf_butler.errors import DatastoreConfigError, FormatterNotFoundError
from skybutler.daf_butler.formatters import FormatterFactory, LookupTable

UNIVERSE = DimensionUniverse()


def make(name: str, storage_class: str, instrument: str = "HSC") -> DatasetRef:
    dataset_type = DatasetType(name, UNIVERSE.conform(["instrument", "detector"]), storage_class)
    return DatasetRef(dataset_type, {"instrument": instrument, "detector": 1}, "run")


TABLE: LookupTable[str] = LookupTable(
    {
        "default": "d",
        "calexp": "by-name",
        "instrument+detector": "by-dims",
        "StructuredDataDict": "by-sc",
        "ArrowTable": "by-parent-sc",
        "instrument<HSC>": {"calexp": "hsc-name", "StructuredDataDict": "hsc-sc"},
    },
    "value",
)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        (make("calexp", "MaskedImage"), "hsc-name"),
        (make("calexp", "MaskedImage", "LSST"), "by-name"),
        (make("other", "MaskedImage", "LSST"), "by-dims"),
        (make("calexp", "MaskedImage").makeComponentRef("image"), "hsc-name"),
    ],
    ids=["instrument-first", "name", "dimensions", "component-parent-name"],
)
def test_priority(ref: DatasetRef, expected: str) -> None:
    assert TABLE.find(ref)[1] == expected


def test_storage_class_and_default() -> None:
    dataset_type = DatasetType("x", UNIVERSE.conform(["instrument"]), "StructuredDataDict")
    assert TABLE.find(dataset_type)[1] == "by-sc"
    assert TABLE.find(StorageClassFactory().getStorageClass("NumpyArray")) == (None, "d")
    assert TABLE.find("StructuredDataDict")[1] == "by-sc"
    assert "calexp" in TABLE
    assert "nothing" not in TABLE


def test_single_dimension_key_needs_trailing_plus() -> None:
    table: LookupTable[str] = LookupTable({"instrument+": "one"}, "value")
    dataset_type = DatasetType("x", UNIVERSE.conform(["instrument"]), "StructuredDataDict")
    assert table.find(dataset_type)[1] == "one"
    assert table.items() == [("instrument+", "one")]


def test_bad_entries() -> None:
    with pytest.raises(DatastoreConfigError, match="must hold a mapping"):
        LookupTable({"instrument<HSC>": "x"}, "value")
    bad: LookupTable[str] = LookupTable({"nonsense+dims": "x"}, "value")
    with pytest.raises(DatastoreConfigError, match="unknown dimensions"):
        bad.find(make("a", "StructuredDataDict"))
    with pytest.raises(TypeError, match="Cannot look configuration up"):
        TABLE.find(3.5)


def test_formatter_factory() -> None:
    factory = FormatterFactory(
        {
            "StructuredDataDict": "yaml",
            "calexp": {"formatter": "parquet", "parameters": {"compression": "gzip"}},
            "instrument<LSST>": {
                "StructuredDataDict": "lsst.daf.butler.formatters.json.JsonFormatter"
            },
            "write_recipes": {"ignored": True},
        }
    )
    assert factory.lookup(make("m", "StructuredDataDict")).name == "yaml"
    assert factory.lookup(make("m", "StructuredDataDict", "LSST")).name == "json"
    choice = factory.lookup(make("calexp", "MaskedImage"))
    assert (choice.name, dict(choice.write_parameters)) == ("parquet", {"compression": "gzip"})
    assert choice.make().write_parameters == {"compression": "gzip"}
    with pytest.raises(FormatterNotFoundError, match="No formatter is configured"):
        factory.lookup(make("m", "NumpyArray"))
    with pytest.raises(DatastoreConfigError, match="must be a formatter name"):
        FormatterFactory({"x": 3})
    with pytest.raises(DatastoreConfigError, match="'parameters' must be a mapping"):
        FormatterFactory({"x": {"formatter": "json", "parameters": [1]}})
