"""Schemas of in-memory tables: the ``schema`` derived component of table storage classes."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ArrowAstropySchema", "ArrowNumpySchema", "DataFrameSchema"]


class ArrowAstropySchema:
    """The columns of an astropy table: names, types, units and descriptions.

    Parameters
    ----------
    astropy_table
        Table whose schema to keep; only an empty copy is held.
    """

    def __init__(self, astropy_table: Any) -> None:
        self._schema = astropy_table[:0].copy()

    @property
    def schema(self) -> Any:
        """An empty table with the same columns and metadata."""
        return self._schema

    def _signature(self) -> list[tuple[str, str, str | None, str | None]]:
        result = []
        for name in self._schema.colnames:
            column = self._schema[name]
            unit = getattr(column, "unit", None)
            description = getattr(column.info, "description", None)
            result.append(
                (name, str(column.dtype), str(unit) if unit is not None else None, description)
            )
        return result

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArrowAstropySchema):
            return NotImplemented
        return self._signature() == other._signature()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ArrowAstropySchema({self._signature()!r})"


class ArrowNumpySchema:
    """The columns of a numpy structured array (or dict of arrays) as a numpy dtype.

    Parameters
    ----------
    numpy_dtype
        Structured dtype with one field per column.
    """

    def __init__(self, numpy_dtype: Any) -> None:
        self._dtype: np.dtype[Any] = np.dtype(numpy_dtype)

    @property
    def schema(self) -> np.dtype[Any]:
        """The structured dtype."""
        return self._dtype

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArrowNumpySchema):
            return NotImplemented
        return bool(self._dtype == other._dtype)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ArrowNumpySchema({self._dtype!r})"


class DataFrameSchema:
    """The columns, dtypes and index of a pandas DataFrame.

    Parameters
    ----------
    dataframe
        Frame whose schema to keep; only an empty copy is held.
    """

    def __init__(self, dataframe: Any) -> None:
        self._schema = dataframe.iloc[:0].copy()

    @property
    def schema(self) -> Any:
        """An empty DataFrame with the same columns, dtypes and index type."""
        return self._schema

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataFrameSchema):
            return NotImplemented
        mine, theirs = self._schema, other._schema
        return (
            list(mine.columns) == list(theirs.columns)
            and list(mine.dtypes) == list(theirs.dtypes)
            and mine.index.names == theirs.index.names
            and mine.index.dtype == theirs.index.dtype
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"DataFrameSchema({dict(self._schema.dtypes.astype(str))!r})"
