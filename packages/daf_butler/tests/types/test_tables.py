"""Tests for table conversions between storage classes and for TableDelegate."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from astropy import units as u
from astropy.table import MaskedColumn, QTable, Table

from skybutler.daf_butler._storage_class import StorageClass
from skybutler.daf_butler._storage_class_factory import StorageClassFactory
from skybutler.daf_butler.errors import StorageClassConversionError, StorageClassParameterError
from skybutler.daf_butler.types import (
    ArrowAstropySchema,
    ArrowNumpySchema,
    DataFrameSchema,
    TableDelegate,
)

HAVE_ARROW = importlib.util.find_spec("pyarrow") is not None
HAVE_PANDAS = importlib.util.find_spec("pandas") is not None
needs_arrow = pytest.mark.skipif(
    not HAVE_ARROW, reason="pyarrow is not installed (optional 'arrow' extra)"
)
needs_pandas = pytest.mark.skipif(
    not HAVE_PANDAS, reason="pandas is not installed (optional 'arrow' extra)"
)

IDS = [1, 2, 3]
FLUX = [1.5, 2.5, -3.0]
NAMES = ["a", "bb", "ccc"]
EXPECTED = {"id": IDS, "flux": FLUX, "name": NAMES}


@pytest.fixture(scope="module")
def factory() -> Iterator[StorageClassFactory]:
    instance = StorageClassFactory()
    instance.reset()
    yield instance
    instance.reset()


# Each maker builds the reference table in one representation with that library's own API.
def make_astropy() -> Any:
    table = Table({"id": IDS, "flux": FLUX, "name": NAMES}, meta={"origin": "test"})
    table["flux"].unit = u.nJy
    table["flux"].description = "Total flux"
    return table


def make_numpy() -> Any:
    return np.array(
        list(zip(IDS, FLUX, NAMES, strict=True)),
        dtype=[("id", "i8"), ("flux", "f8"), ("name", "U3")],
    )


def make_dict() -> Any:
    return {"id": np.array(IDS), "flux": np.array(FLUX), "name": np.array(NAMES)}


def make_arrow() -> Any:
    import pyarrow as pa

    return pa.table({"id": IDS, "flux": FLUX, "name": NAMES})


def make_pandas() -> Any:
    import pandas as pd

    return pd.DataFrame({"id": IDS, "flux": FLUX, "name": NAMES})


# And each reader gets plain lists back with that library's own API.
def as_lists(obj: Any) -> dict[str, list[Any]]:
    if isinstance(obj, Table):
        return {
            name: np.asarray(getattr(obj[name], "value", obj[name])).tolist()
            for name in obj.colnames
        }
    if isinstance(obj, np.ndarray):
        return {name: obj[name].tolist() for name in obj.dtype.names}
    if isinstance(obj, dict):
        return {name: np.asarray(values).tolist() for name, values in obj.items()}
    if HAVE_ARROW:
        import pyarrow as pa

        if isinstance(obj, pa.Table):
            return dict(obj.to_pydict())
    return {str(k): v for k, v in obj.to_dict(orient="list").items()}


KINDS: dict[str, tuple[Callable[[], Any], list[Any]]] = {
    "astropy": (make_astropy, []),
    "numpy": (make_numpy, []),
    "numpy_dict": (make_dict, []),
    "arrow": (make_arrow, [needs_arrow]),
    "pandas": (make_pandas, [needs_pandas]),
}
TARGETS = {
    "ArrowAstropy": [],
    "AstropyTable": [],
    "AstropyQTable": [],
    "ArrowNumpy": [],
    "ArrowNumpyDict": [],
    "ArrowTable": [needs_arrow],
    "DataFrame": [needs_pandas],
}


def _pairs() -> list[Any]:
    pairs = []
    for kind, (_, kind_marks) in KINDS.items():
        for target, target_marks in TARGETS.items():
            pairs.append(
                pytest.param(
                    kind, target, marks=[*kind_marks, *target_marks], id=f"{kind}-to-{target}"
                )
            )
    return pairs


@pytest.mark.parametrize(("kind", "target"), _pairs())
def test_conversion_matrix(factory: StorageClassFactory, kind: str, target: str) -> None:
    storage_class = factory.getStorageClass(target)
    source = KINDS[kind][0]()
    converted = storage_class.coerce_type(source)
    assert isinstance(converted, storage_class.pytype)
    assert as_lists(converted) == EXPECTED


@needs_arrow
def test_units_descriptions_and_meta_survive_arrow(factory: StorageClassFactory) -> None:
    arrow = factory.getStorageClass("ArrowTable").coerce_type(make_astropy())
    assert arrow.schema.field("flux").metadata[b"unit"] == b"nJy"
    assert arrow.schema.field("flux").metadata[b"description"] == b"Total flux"
    back = factory.getStorageClass("ArrowAstropy").coerce_type(arrow)
    assert back["flux"].unit == u.nJy
    assert back["flux"].description == "Total flux"
    assert back.meta == {"origin": "test"}
    qtable = factory.getStorageClass("AstropyQTable").coerce_type(arrow)
    assert isinstance(qtable, QTable)
    assert isinstance(qtable["flux"], u.Quantity)
    assert qtable["flux"].unit == u.nJy


def test_qtable_from_table_keeps_units(factory: StorageClassFactory) -> None:
    qtable = factory.getStorageClass("AstropyQTable").coerce_type(make_astropy())
    assert isinstance(qtable["flux"], u.Quantity)
    assert qtable["flux"][0] == 1.5 * u.nJy
    as_table = factory.getStorageClass("ArrowAstropy").coerce_type(qtable)
    assert as_table is qtable  # a QTable is already an astropy Table


@needs_arrow
def test_masked_values_become_nulls_and_back(factory: StorageClassFactory) -> None:
    table = Table(
        {
            "x": MaskedColumn([1, 2, 3], mask=[False, True, False]),
            "s": MaskedColumn(["a", "b", "c"], mask=[True, False, False]),
        }
    )
    arrow = factory.getStorageClass("ArrowTable").coerce_type(table)
    assert arrow.column("x").to_pylist() == [1, None, 3]
    assert arrow.column("s").to_pylist() == [None, "b", "c"]
    back = factory.getStorageClass("ArrowAstropy").coerce_type(arrow)
    assert back["x"].mask.tolist() == [False, True, False]
    assert back["x"][0] == 1
    assert back["s"].mask.tolist() == [True, False, False]


@needs_pandas
def test_masked_values_to_pandas(factory: StorageClassFactory) -> None:
    import pandas as pd

    table = Table(
        {
            "i": MaskedColumn([1, 2], mask=[False, True]),
            "f": MaskedColumn([1.0, 2.0], mask=[True, False]),
            "b": MaskedColumn([True, False], mask=[False, True]),
            "s": MaskedColumn(["x", "y"], mask=[False, True]),
        }
    )
    frame = factory.getStorageClass("DataFrame").coerce_type(table)
    assert frame["i"].tolist()[0] == 1
    assert pd.isna(frame["i"].iloc[1])
    assert np.isnan(frame["f"].iloc[0])
    assert pd.isna(frame["b"].iloc[1])
    assert frame["s"].iloc[0] == "x"
    assert pd.isna(frame["s"].iloc[1])
    back = factory.getStorageClass("ArrowAstropy").coerce_type(frame)
    assert back["i"].mask.tolist() == [False, True]


@needs_arrow
def test_multidimensional_columns(factory: StorageClassFactory) -> None:
    array = np.zeros(3, dtype=[("vec", "f4", (2, 2)), ("id", "i4")])
    array["vec"] = np.arange(12, dtype=np.float32).reshape(3, 2, 2)
    arrow = factory.getStorageClass("ArrowTable").coerce_type(array)
    assert arrow.column("vec").to_pylist()[1] == [[4.0, 5.0], [6.0, 7.0]]
    back = factory.getStorageClass("ArrowNumpy").coerce_type(arrow)
    assert back.dtype == array.dtype
    assert np.array_equal(back["vec"], array["vec"])


@needs_pandas
def test_multidimensional_column_cannot_become_dataframe(factory: StorageClassFactory) -> None:
    array = np.zeros(2, dtype=[("vec", "f4", (3,))])
    with pytest.raises(StorageClassConversionError, match=r"'vec' has shape \(3,\)") as info:
        factory.getStorageClass("DataFrame").coerce_type(array)
    assert "ArrowNumpy" not in str(info.value)
    assert "'DataFrame'" in str(info.value)


@needs_pandas
def test_named_index_becomes_column(factory: StorageClassFactory) -> None:
    frame = make_pandas().set_index("id")
    table = factory.getStorageClass("ArrowAstropy").coerce_type(frame)
    assert table.colnames == ["id", "flux", "name"]
    assert as_lists(table) == EXPECTED


@needs_pandas
@needs_arrow
def test_pandas_arrow_round_trip_keeps_index(factory: StorageClassFactory) -> None:
    frame = make_pandas().set_index("name")
    arrow = factory.getStorageClass("ArrowTable").coerce_type(frame)
    back = factory.getStorageClass("DataFrame").coerce_type(arrow)
    assert back.index.name == "name"
    assert back.equals(frame)


def test_structured_array_required(factory: StorageClassFactory) -> None:
    with pytest.raises(StorageClassConversionError, match="structured numpy array"):
        factory.getStorageClass("ArrowAstropy").coerce_type(np.arange(3))


def test_unequal_dict_columns_rejected(factory: StorageClassFactory) -> None:
    with pytest.raises(StorageClassConversionError, match="same length"):
        factory.getStorageClass("ArrowNumpy").coerce_type({"a": [1, 2], "b": [1]})


def test_non_table_is_not_converted(factory: StorageClassFactory) -> None:
    with pytest.raises(StorageClassConversionError, match="a str to storage class 'ArrowAstropy'"):
        factory.getStorageClass("ArrowAstropy").coerce_type("not a table")


def test_astropy_numpy_conversions_need_no_pyarrow() -> None:
    code = textwrap.dedent(
        """\
        import sys
        import numpy as np
        from astropy.table import Table
        from skybutler.daf_butler._storage_class_factory import StorageClassFactory
        factory = StorageClassFactory()
        table = Table({"a": [1, 2]})
        array = factory.getStorageClass("ArrowNumpy").coerce_type(table)
        mapping = factory.getStorageClass("ArrowNumpyDict").coerce_type(array)
        back = factory.getStorageClass("AstropyTable").coerce_type(mapping)
        assert back["a"].tolist() == [1, 2]
        print(sorted(m for m in ("pyarrow", "pandas") if m in sys.modules))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# ---------------------------------------------------------------- delegate

DELEGATE_CASES = [
    pytest.param("ArrowAstropy", make_astropy, id="astropy"),
    pytest.param("ArrowNumpy", make_numpy, id="numpy"),
    pytest.param("ArrowNumpyDict", make_dict, id="numpy_dict"),
    pytest.param("ArrowTable", make_arrow, id="arrow", marks=needs_arrow),
    pytest.param("DataFrame", make_pandas, id="pandas", marks=needs_pandas),
]


def delegate_for(factory: StorageClassFactory, name: str) -> TableDelegate:
    delegate = factory.getStorageClass(name).delegate()
    assert isinstance(delegate, TableDelegate)
    return delegate


@pytest.mark.parametrize(("name", "make"), DELEGATE_CASES)
def test_derived_components(
    factory: StorageClassFactory, name: str, make: Callable[[], Any]
) -> None:
    delegate = delegate_for(factory, name)
    table = make()
    assert list(delegate.getComponent(table, "columns")) == ["id", "flux", "name"]
    assert delegate.getComponent(table, "rowcount") == 3
    schema = delegate.getComponent(table, "schema")
    storage_class = factory.getStorageClass(name).derivedComponents["schema"]
    assert isinstance(schema, storage_class.pytype)
    assert schema == delegate.getComponent(make(), "schema")
    narrower = delegate.handleParameters(make(), {"columns": ["id"]})
    assert schema != delegate.getComponent(narrower, "schema")


@pytest.mark.parametrize(("name", "make"), DELEGATE_CASES)
def test_columns_parameter(
    factory: StorageClassFactory, name: str, make: Callable[[], Any]
) -> None:
    delegate = delegate_for(factory, name)
    selected = delegate.handleParameters(make(), {"columns": ["name", "id"]})
    assert as_lists(selected) == {"name": NAMES, "id": IDS}
    single = delegate.handleParameters(make(), {"columns": "flux"})
    assert as_lists(single) == {"flux": FLUX}
    with pytest.raises(StorageClassParameterError, match=r"unknown columns \['nope'\]"):
        delegate.handleParameters(make(), {"columns": ["id", "nope"]})
    with pytest.raises(StorageClassParameterError, match="column name or a list"):
        delegate.handleParameters(make(), {"columns": [1]})


@pytest.mark.parametrize(("name", "make"), DELEGATE_CASES)
@pytest.mark.parametrize(
    ("filters", "expected_ids"),
    [
        ([("id", ">", 1)], [2, 3]),
        ([("id", ">=", 2), ("flux", "<", 0)], [3]),
        ([[("id", "==", 1)], [("name", "in", ["ccc", "zz"])]], [1, 3]),
        ([("name", "not in", ["a"]), ("id", "!=", 3)], [2]),
        ([("id", "=", 7)], []),
    ],
    ids=["one-term", "and", "or", "not-in", "none"],
)
def test_filters_parameter(
    factory: StorageClassFactory,
    name: str,
    make: Callable[[], Any],
    filters: Any,
    expected_ids: list[int],
) -> None:
    delegate = delegate_for(factory, name)
    result = delegate.handleParameters(make(), {"filters": filters, "columns": ["id"]})
    assert as_lists(result) == {"id": expected_ids}


@pytest.mark.parametrize(
    ("filters", "match"),
    [
        ([("id", "~", 1)], "unknown operator '~'"),
        ([("nope", "==", 1)], r"'filters'.*unknown columns \['nope'\]"),
        (["id > 1"], "list of \\(column, op, value\\) terms"),
    ],
    ids=["bad-operator", "bad-column", "bad-shape"],
)
def test_filter_errors(factory: StorageClassFactory, filters: Any, match: str) -> None:
    with pytest.raises(StorageClassParameterError, match=match):
        delegate_for(factory, "ArrowAstropy").handleParameters(make_astropy(), {"filters": filters})


def test_delegate_parameter_validation(factory: StorageClassFactory) -> None:
    table = make_astropy()
    delegate = delegate_for(factory, "ArrowAstropy")
    assert delegate.handleParameters(table, {}) is table
    assert delegate.handleParameters(table, {"strip_astropy_meta_yaml": True}) is table
    with pytest.raises(StorageClassParameterError, match="does not understand"):
        delegate_for(factory, "ArrowNumpy").handleParameters(
            make_numpy(), {"strip_astropy_meta_yaml": True}
        )


def test_delegate_rejects_non_tables() -> None:
    delegate = TableDelegate(
        StorageClass("Tab", pytype=dict, derivedComponents={"rowcount": "int"})
    )
    with pytest.raises(Exception, match="expects a table"):
        delegate.getComponent([1, 2], "rowcount")


def test_schema_types(factory: StorageClassFactory) -> None:
    astropy_schema = delegate_for(factory, "ArrowAstropy").getComponent(make_astropy(), "schema")
    assert isinstance(astropy_schema, ArrowAstropySchema)
    assert astropy_schema.schema.colnames == ["id", "flux", "name"]
    assert len(astropy_schema.schema) == 0
    assert "nJy" in repr(astropy_schema)
    numpy_schema = delegate_for(factory, "ArrowNumpyDict").getComponent(make_dict(), "schema")
    assert isinstance(numpy_schema, ArrowNumpySchema)
    assert numpy_schema.schema.names == ("id", "flux", "name")
    assert numpy_schema != astropy_schema


@needs_pandas
def test_dataframe_schema(factory: StorageClassFactory) -> None:
    schema = delegate_for(factory, "DataFrame").getComponent(make_pandas(), "schema")
    assert isinstance(schema, DataFrameSchema)
    assert list(schema.schema.columns) == ["id", "flux", "name"]
    assert "flux" in repr(schema)
