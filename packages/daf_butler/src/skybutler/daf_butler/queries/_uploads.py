"""Data IDs given by the caller and joined into a query (``Query.join_data_coordinates``).

An upload is a set of rows of dimension key values. It is joined like any
other relation: the rows must match the other relations on the keys they
share, and the dimensions it brings are joined in.

The rows travel to the database as one bound JSON text, opened there by a
table function (``json_each`` on SQLite, ``jsonb_array_elements`` on
PostgreSQL). That keeps the statement the same size whatever the number of
rows: no ``IN`` list, no bound value per row (SQLite limits those), and no
temporary table, which would live on one connection while query rows
stream on another (see ``_rows.py``). The ``VALUES`` form `_spatial`
writes for its key pairs needs integer keys and few distinct strings;
uploaded keys may be any strings.
"""

from __future__ import annotations

__all__ = ["DataIdUpload", "upload_from_columns", "upload_from_data_ids", "upload_relation"]

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ..dimensions import DataCoordinate, DimensionGroup, DimensionUniverse
from ..errors import InvalidQueryError


@dataclasses.dataclass(frozen=True)
class DataIdUpload:
    """Rows of dimension key values to join into a query."""

    dimensions: DimensionGroup
    """The dimensions the rows identify."""
    keys: tuple[str, ...]
    """The dimension of each value of a row (the required ones, maybe implied ones too)."""
    rows: tuple[tuple[Any, ...], ...]
    """Distinct rows, values in ``keys`` order."""


def _checked(universe: DimensionUniverse, key: str, value: Any) -> Any:
    expected = universe.dimensions[key].primaryKey.pytype
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy scalars, from astropy tables
    if (expected is int and isinstance(value, bool)) or not isinstance(value, expected):
        raise InvalidQueryError(
            f"Uploaded data ID value {value!r} for {key!r} is a {type(value).__name__}; "
            f"{key} values are {expected.__name__}s."
        )
    return value


def upload_from_data_ids(
    universe: DimensionUniverse, data_ids: Iterable[DataCoordinate]
) -> DataIdUpload | None:
    """Return the upload of some data IDs (`None` if there are none).

    Raises
    ------
    InvalidQueryError
        An item is not a data ID, or the data IDs have different dimensions.
    """
    group: DimensionGroup | None = None
    rows: dict[tuple[Any, ...], None] = {}
    for data_id in data_ids:
        if not isinstance(data_id, DataCoordinate):
            raise InvalidQueryError(
                f"join_data_coordinates needs DataCoordinate objects, not {data_id!r}; make "
                "them with DataCoordinate.standardize, or use join_data_coordinate_table for "
                "columns of values."
            )
        if group is None:
            group = data_id.dimensions
        elif data_id.dimensions != group:
            raise InvalidQueryError(
                f"All data IDs joined together must have the same dimensions: {group} and "
                f"{data_id.dimensions} are mixed."
            )
        rows[tuple(data_id.required_values)] = None
    if group is None:
        return None
    if group.universe is not universe:
        group = universe.conform(group.names)
    keys = tuple(group.required)
    # Values of data IDs built without checks (from_required_values) are checked here: a
    # wrong type must be an InvalidQueryError, not a database or JSON error.
    types = [universe.dimensions[k].primaryKey.pytype for k in keys]
    for row in rows:
        for key, expected, value in zip(keys, types, row, strict=True):
            if value.__class__ is not expected:
                _checked(universe, key, value)
    return DataIdUpload(group, keys, tuple(rows))


def upload_from_columns(universe: DimensionUniverse, table: Any) -> DataIdUpload:
    """Return the upload of a table of dimension values.

    ``table`` is an `astropy.table.Table` or any mapping of column name to a
    sequence of values; every column is a dimension name.

    Raises
    ------
    InvalidQueryError
        A column is not a dimension, a required dimension has no column,
        columns differ in length, or a value has the wrong type.
    """
    if hasattr(table, "colnames"):
        names = list(table.colnames)
        columns: Mapping[str, Sequence[Any]] = {name: table[name] for name in names}
    elif isinstance(table, Mapping):
        names = list(table)
        columns = table
    else:
        raise InvalidQueryError(
            f"join_data_coordinate_table needs an astropy Table or a mapping of columns, not "
            f"a {type(table).__name__}."
        )
    unknown = [n for n in names if n not in universe.dimensions.names]
    if unknown:
        from ._identifiers import suggest

        raise InvalidQueryError(
            f"Column {unknown[0]!r} of the data ID table is not a dimension."
            + suggest(unknown[0], universe.dimensions.names)
        )
    if not names:
        raise InvalidQueryError("The data ID table has no columns.")
    group = universe.conform(names)
    missing = [d for d in group.required if d not in names]
    if missing:
        raise InvalidQueryError(
            f"The data ID table has no column for {', '.join(missing)}, which the dimensions "
            f"{list(group.names)} of its columns need."
        )
    lengths = {len(columns[n]) for n in names}
    if len(lengths) > 1:
        raise InvalidQueryError(f"The data ID table's columns differ in length: {sorted(lengths)}.")
    keys = tuple(d for d in group.data_coordinate_keys if d in names)
    values = [[_checked(universe, k, v) for v in columns[k]] for k in keys]
    rows = dict.fromkeys(zip(*values, strict=True))
    return DataIdUpload(group, keys, tuple(rows))


def upload_relation(
    dialect: str, upload: DataIdUpload, alias: str
) -> tuple[sa.Subquery, dict[str, sa.ColumnElement[Any]]]:
    """Return the rows of an upload as a subquery, and its key column for each dimension."""
    universe = upload.dimensions.universe
    payload = sa.bindparam(f"{alias}_rows", json.dumps([list(r) for r in upload.rows]), sa.Text)
    table: Any
    if dialect == "postgresql":
        elements = sa.func.jsonb_array_elements(sa.cast(payload, JSONB))
        table = elements.table_valued("value").alias(f"{alias}_json")
    else:
        table = sa.func.json_each(payload).table_valued("value").alias(f"{alias}_json")
    columns = []
    for index, key in enumerate(upload.keys):
        is_int = universe.dimensions[key].primaryKey.pytype is int
        sql_type: Any = sa.BigInteger if is_int else sa.String
        if dialect == "postgresql":
            text = table.c.value.op("->>")(sa.literal_column(str(index)))
            value: Any = sa.cast(text, sql_type)
        else:
            value = sa.func.json_extract(table.c.value, f"$[{index}]", type_=sql_type)
        columns.append(value.label(key))
    subquery = sa.select(*columns).select_from(table).subquery(alias)
    return subquery, {key: subquery.c[key] for key in upload.keys}
