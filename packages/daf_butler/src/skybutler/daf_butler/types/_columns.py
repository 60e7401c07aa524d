"""A neutral column form that every table type converts to and from.

The table types are ``pyarrow.Table``, ``astropy.table.Table``/``QTable``,
a numpy structured array, a ``dict`` of numpy arrays and a
``pandas.DataFrame``. pyarrow, astropy and pandas are imported only by the
functions that need them, so the others keep working when one is missing.
Null values travel as numpy masked arrays; units and descriptions travel
beside the data (pandas and numpy keep neither).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Columns",
    "from_arrow",
    "from_astropy",
    "from_numpy",
    "from_numpy_dict",
    "from_pandas",
    "table_kind",
    "to_arrow",
    "to_astropy",
    "to_numpy",
    "to_numpy_dict",
    "to_pandas",
]

_META_KEY = b"skybutler:table_meta"


@dataclass
class Columns:
    """Table content as named numpy (possibly masked) arrays of equal length."""

    data: dict[str, np.ndarray]
    units: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        lengths = {name: len(values) for name, values in self.data.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"Table columns must all have the same length, not {lengths}.")

    @property
    def length(self) -> int:
        """Number of rows."""
        return len(next(iter(self.data.values()))) if self.data else 0


def table_kind(obj: Any) -> str | None:
    """Return ``arrow``, ``astropy``, ``numpy``, ``numpy_dict`` or ``pandas`` (else `None`).

    Only modules already imported are consulted: an object cannot be an
    instance of a class whose module was never imported.
    """
    if isinstance(obj, np.ndarray):
        return "numpy" if obj.dtype.names else None
    if isinstance(obj, dict):
        return "numpy_dict"
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None and isinstance(obj, pyarrow.Table):
        return "arrow"
    astropy_table = sys.modules.get("astropy.table")
    if astropy_table is not None and isinstance(obj, astropy_table.Table):
        return "astropy"
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(obj, pandas.DataFrame):
        return "pandas"
    return None


# ------------------------------------------------------------------ numpy


def from_numpy(array: np.ndarray) -> Columns:
    """Read a numpy structured array."""
    if not array.dtype.names:
        raise ValueError(
            f"A table needs a structured numpy array with named fields, not dtype {array.dtype}."
        )
    return Columns({name: array[name] for name in array.dtype.names})


def to_numpy(columns: Columns) -> np.ndarray:
    """Make a numpy structured array; masked values are replaced by their fill values."""
    dtype = [(name, values.dtype, values.shape[1:]) for name, values in columns.data.items()]
    result = np.empty(columns.length, dtype=dtype)
    for name, values in columns.data.items():
        result[name] = np.ma.filled(values)
    return result


def from_numpy_dict(mapping: dict[str, Any]) -> Columns:
    """Read a ``{column name: array}`` mapping."""
    return Columns(
        {
            str(name): values if np.ma.isMaskedArray(values) else np.asarray(values)
            for name, values in mapping.items()
        }
    )


def to_numpy_dict(columns: Columns) -> dict[str, np.ndarray]:
    """Make a ``{column name: array}`` mapping (masked columns stay masked arrays)."""
    return dict(columns.data)


# ---------------------------------------------------------------- astropy


def from_astropy(table: Any) -> Columns:
    """Read an astropy ``Table`` or ``QTable`` (plain, masked and quantity columns)."""
    from astropy import units as u
    from astropy.table import Column

    data: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for name in table.colnames:
        column = table[name]
        if isinstance(column, u.Quantity):
            data[name] = np.asarray(column.value)
            unit = column.unit
            description = getattr(column.info, "description", None)
        elif isinstance(column, Column):
            data[name] = column.data
            unit = column.unit
            description = column.description
        else:
            raise ValueError(
                f"Column {name!r} is a {type(column).__name__}, which has no plain array form; "
                "convert it to a Column or Quantity first."
            )
        if unit is not None:
            units[name] = unit.to_string()
        if description:
            descriptions[name] = str(description)
    return Columns(data, units, descriptions, dict(table.meta))


def to_astropy(columns: Columns, qtable: bool = False) -> Any:
    """Make an astropy ``Table`` (or ``QTable``, whose columns with units are quantities)."""
    from astropy.table import Column, MaskedColumn, QTable, Table

    made = []
    for name, values in columns.data.items():
        unit = columns.units.get(name)
        description = columns.descriptions.get(name)
        if np.ma.isMaskedArray(values):
            made.append(
                MaskedColumn(
                    values.data, name=name, mask=values.mask, unit=unit, description=description
                )
            )
        else:
            made.append(Column(values, name=name, unit=unit, description=description))
    table = Table(made, meta=columns.meta)
    return QTable(table) if qtable else table


# ---------------------------------------------------------------- pyarrow


def _arrow_to_array(array: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_fixed_size_list(kind):
        inner = _arrow_to_array(array.flatten())
        return inner.reshape((len(array), kind.list_size, *inner.shape[1:]))
    mask = array.is_null().to_numpy(zero_copy_only=False) if array.null_count else None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        values = np.array(["" if v is None else v for v in array.to_pylist()], dtype=str)
    elif pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        values = np.array([b"" if v is None else v for v in array.to_pylist()], dtype=bytes)
    elif mask is not None:
        values = pc.fill_null(array, pa.scalar(0).cast(kind)).to_numpy(zero_copy_only=False)
    else:
        values = array.to_numpy(zero_copy_only=False)
    return values if mask is None else np.ma.MaskedArray(values, mask=mask)


def _array_to_arrow(values: np.ndarray) -> Any:
    import pyarrow as pa

    mask = np.ma.getmaskarray(values) if np.ma.isMaskedArray(values) else None
    data = np.ma.getdata(values)
    if data.ndim > 1:
        width = data.shape[1]
        flat_shape = (data.shape[0] * width, *data.shape[2:])
        inner = data.reshape(flat_shape)
        if mask is not None:
            inner = np.ma.MaskedArray(inner, mask=mask.reshape(flat_shape))
        return pa.FixedSizeListArray.from_arrays(_array_to_arrow(inner), width)
    if data.dtype.kind == "U":
        return pa.array(data.tolist(), type=pa.string(), mask=mask)
    if data.dtype.kind == "S":
        return pa.array(data.tolist(), type=pa.binary(), mask=mask)
    if data.dtype.kind == "O":
        return pa.array(data.tolist(), mask=mask)
    return pa.array(data, mask=mask)


def from_arrow(table: Any) -> Columns:
    """Read a ``pyarrow.Table``; nulls become masked values."""
    data: dict[str, np.ndarray] = {}
    units: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for arrow_field, column in zip(table.schema, table.columns, strict=True):
        data[arrow_field.name] = _arrow_to_array(column.combine_chunks())
        metadata = arrow_field.metadata or {}
        if b"unit" in metadata:
            units[arrow_field.name] = metadata[b"unit"].decode()
        if b"description" in metadata:
            descriptions[arrow_field.name] = metadata[b"description"].decode()
    schema_metadata = table.schema.metadata or {}
    meta = json.loads(schema_metadata[_META_KEY]) if _META_KEY in schema_metadata else {}
    return Columns(data, units, descriptions, meta)


def to_arrow(columns: Columns) -> Any:
    """Make a ``pyarrow.Table``; units and descriptions go into the field metadata."""
    import pyarrow as pa

    arrays, fields = [], []
    for name, values in columns.data.items():
        array = _array_to_arrow(values)
        metadata = {}
        if name in columns.units:
            metadata[b"unit"] = columns.units[name].encode()
        if name in columns.descriptions:
            metadata[b"description"] = columns.descriptions[name].encode()
        arrays.append(array)
        fields.append(pa.field(name, array.type, metadata=metadata or None))
    schema_metadata = None
    if columns.meta:
        try:
            schema_metadata = {_META_KEY: json.dumps(columns.meta).encode()}
        except TypeError:
            # Table metadata that JSON cannot hold is dropped rather than failing the conversion.
            schema_metadata = None
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=schema_metadata))


# ----------------------------------------------------------------- pandas


def from_pandas(frame: Any) -> Columns:
    """Read a ``pandas.DataFrame``; a named or non-default index becomes columns."""
    import pandas as pd

    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError("A DataFrame with multi-level column labels has no flat table form.")
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    data: dict[str, np.ndarray] = {}
    for label in frame.columns:
        series = frame[label]
        mask = series.isna().to_numpy()
        if pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            values = series.to_numpy(dtype=object)
            if all(isinstance(v, str) for v, m in zip(values, mask, strict=True) if not m):
                values = np.array(
                    ["" if m else v for v, m in zip(values, mask, strict=True)], dtype=str
                )
        elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and mask.any():
            numpy_dtype = series.dtype.numpy_dtype
            values = series.to_numpy(dtype=numpy_dtype, na_value=numpy_dtype.type(0))
        else:
            values = series.to_numpy()
            mask = mask if values.dtype.kind not in "fc" else np.zeros(len(values), dtype=bool)
        data[str(label)] = np.ma.MaskedArray(values, mask=mask) if mask.any() else values
    return Columns(data)


def to_pandas(columns: Columns) -> Any:
    """Make a ``pandas.DataFrame``; masked values become pandas missing values."""
    import pandas as pd

    series: dict[str, Any] = {}
    for name, values in columns.data.items():
        if values.ndim > 1:
            raise ValueError(
                f"Column {name!r} has shape {values.shape[1:]} per row; a DataFrame column must "
                "hold scalars."
            )
        if not np.ma.isMaskedArray(values) or not values.mask.any():
            series[name] = np.ma.getdata(values)
            continue
        data, mask = np.ma.getdata(values), np.ma.getmaskarray(values)
        if data.dtype.kind in "iu":
            series[name] = pd.arrays.IntegerArray(data, mask)
        elif data.dtype.kind == "b":
            series[name] = pd.arrays.BooleanArray(data, mask)
        elif data.dtype.kind in "fc":
            series[name] = np.where(mask, np.nan, data)
        else:
            series[name] = np.array(
                [None if m else v for v, m in zip(data.tolist(), mask, strict=True)], dtype=object
            )
    return pd.DataFrame(series)
