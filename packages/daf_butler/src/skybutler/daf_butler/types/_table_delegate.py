"""`TableDelegate`: derived components and read parameters of every table type.

One delegate serves pyarrow tables, astropy tables, numpy structured arrays,
dicts of numpy arrays and pandas DataFrames. Derived components: ``columns``
(column names), ``rowcount`` and ``schema``. Parameters: ``columns`` (names
to keep) and ``filters`` (rows to keep, in pyarrow's disjunctive normal form:
``[(column, op, value), ...]`` is one AND-group; a list of such lists is an
OR of them; ``op`` is one of ``= == != < <= > >= in``, ``not in``).
``strip_astropy_meta_yaml`` concerns files only and is accepted here as a no-op.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from .._storage_class_delegate import StorageClassDelegate
from .._utils import get_full_type_name
from ..errors import StorageClassComponentError, StorageClassParameterError
from . import _columns
from ._table_schemas import ArrowAstropySchema, ArrowNumpySchema, DataFrameSchema

__all__ = ["TableDelegate"]

_COMPARISONS: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda values, choices: np.isin(values, list(choices)),
    "not in": lambda values, choices: ~np.isin(values, list(choices)),
}


def column_names(table: Any, kind: str) -> list[str]:
    """Return the column names of a table of the given kind."""
    if kind == "arrow":
        return list(table.column_names)
    if kind == "astropy":
        return list(table.colnames)
    if kind == "numpy":
        return list(table.dtype.names)
    if kind == "pandas":
        return [str(c) for c in table.columns]
    return [str(k) for k in table]


def _column_values(table: Any, kind: str, name: str) -> np.ndarray:
    if kind == "arrow":
        return np.ma.filled(_columns._arrow_to_array(table.column(name).combine_chunks()))
    if kind == "astropy":
        column = table[name]
        return np.ma.filled(np.asarray(getattr(column, "value", column)))
    if kind == "pandas":
        return np.asarray(table[name].to_numpy())
    return np.ma.filled(np.asarray(table[name]))


def _take_rows(table: Any, kind: str, mask: np.ndarray) -> Any:
    if kind == "arrow":
        import pyarrow as pa

        return table.filter(pa.array(mask))
    if kind == "pandas":
        return table.loc[mask]
    if kind == "numpy_dict":
        return {name: np.asarray(values)[mask] for name, values in table.items()}
    return table[mask]


class TableDelegate(StorageClassDelegate):
    """Delegate for the table storage classes (the parquet family and astropy tables)."""

    def _kind(self, table: Any) -> str:
        kind = _columns.table_kind(table)
        if kind is None:
            raise StorageClassComponentError(
                f"Storage class {self.storageClass.name!r} expects a table (pyarrow, astropy, "
                "numpy structured array, dict of arrays or pandas), not a "
                f"{get_full_type_name(table)}."
            )
        return kind

    def getComponent(self, composite: Any, componentName: str) -> Any:
        """Return ``columns``, ``rowcount`` or ``schema`` of a table."""
        self._check_component(componentName)
        kind = self._kind(composite)
        if componentName == "columns":
            return composite.columns if kind == "pandas" else column_names(composite, kind)
        if componentName == "rowcount":
            return self._row_count(composite, kind)
        if componentName == "schema":
            return self._schema(composite, kind)
        return super().getComponent(composite, componentName)

    @staticmethod
    def _row_count(table: Any, kind: str) -> int:
        if kind == "arrow":
            return int(table.num_rows)
        if kind == "numpy_dict":
            return len(next(iter(table.values()))) if table else 0
        return len(table)

    @staticmethod
    def _schema(table: Any, kind: str) -> Any:
        if kind == "arrow":
            return table.schema
        if kind == "astropy":
            return ArrowAstropySchema(table)
        if kind == "pandas":
            return DataFrameSchema(table)
        if kind == "numpy":
            return ArrowNumpySchema(table.dtype)
        arrays = {name: np.asarray(values) for name, values in table.items()}
        return ArrowNumpySchema([(name, a.dtype, a.shape[1:]) for name, a in arrays.items()])

    def handleParameters(
        self, inMemoryDataset: Any, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """Return the table restricted by ``filters`` (rows) then ``columns``."""
        if not parameters:
            return inMemoryDataset
        self.storageClass.validateParameters(parameters)
        kind = self._kind(inMemoryDataset)
        table = inMemoryDataset
        if parameters.get("filters"):
            table = _take_rows(table, kind, self._row_mask(table, kind, parameters["filters"]))
        if parameters.get("columns") is not None:
            table = self._select(table, kind, parameters["columns"])
        return table

    def _check_names(self, table: Any, kind: str, names: Sequence[str], what: str) -> None:
        available = column_names(table, kind)
        if kind == "pandas" and table.index.name is not None:
            available.append(str(table.index.name))
        missing = [name for name in names if name not in available]
        if missing:
            raise StorageClassParameterError(
                f"Parameter {what!r} of storage class {self.storageClass.name!r} names unknown "
                f"columns {missing}; the table has {available}."
            )

    def _select(self, table: Any, kind: str, columns: Any) -> Any:
        names = [columns] if isinstance(columns, str) else list(columns)
        if not all(isinstance(name, str) for name in names):
            raise StorageClassParameterError(
                f"Parameter 'columns' of storage class {self.storageClass.name!r} must be a column "
                f"name or a list of names, not {columns!r}."
            )
        self._check_names(table, kind, names, "columns")
        if kind == "arrow":
            return table.select(names)
        if kind == "astropy":
            return table[names]
        if kind == "numpy":
            from numpy.lib import recfunctions

            return recfunctions.repack_fields(table[names])
        if kind == "pandas":
            return table[[name for name in names if name != table.index.name]]
        return {name: table[name] for name in names}

    def _row_mask(self, table: Any, kind: str, filters: Any) -> np.ndarray:
        groups = self._filter_groups(filters)
        mask = np.zeros(self._row_count(table, kind), dtype=bool)
        for group in groups:
            self._check_names(table, kind, [term[0] for term in group], "filters")
            selected = np.ones_like(mask)
            for name, op, value in group:
                compare = _COMPARISONS.get(op)
                if compare is None:
                    raise StorageClassParameterError(
                        f"Parameter 'filters' of storage class {self.storageClass.name!r} uses "
                        f"unknown operator {op!r}; use one of {sorted(_COMPARISONS)}."
                    )
                selected &= np.asarray(
                    compare(_column_values(table, kind, name), value), dtype=bool
                )
            mask |= selected
        return mask

    def _filter_groups(self, filters: Any) -> list[list[tuple[str, str, Any]]]:
        def is_term(item: Any) -> bool:
            return isinstance(item, tuple | list) and len(item) == 3 and isinstance(item[0], str)

        if isinstance(filters, list | tuple) and filters and all(is_term(item) for item in filters):
            return [[tuple(term) for term in filters]]
        if isinstance(filters, list | tuple) and all(
            isinstance(group, list | tuple) and all(is_term(term) for term in group)
            for group in filters
        ):
            return [[tuple(term) for term in group] for group in filters]
        raise StorageClassParameterError(
            f"Parameter 'filters' of storage class {self.storageClass.name!r} must be a list of "
            f"(column, op, value) terms or a list of such lists, not {filters!r}."
        )
