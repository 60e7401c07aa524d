"""`ParquetFormatter`: tables of any kind as Parquet files, through pyarrow.

pyarrow tables, astropy tables, pandas DataFrames, numpy structured arrays
and dicts of arrays are written as one Parquet table (astropy units and
descriptions survive). The ``columns`` read parameter reads only those
columns from the file, and the ``columns`` and ``rowcount`` derived
components come from the file's footer without reading any data.
pyarrow is imported only when a file is written or read.
"""

from __future__ import annotations

__all__ = ["ParquetFormatter"]

import io
from typing import Any, ClassVar

from ..errors import DatastoreConfigError
from ..types import _columns
from ._base import Formatter, ReadRequest


def _pyarrow() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover (pyarrow is installed for the tests)
        raise DatastoreConfigError(
            "The parquet formatter needs pyarrow: pip install 'skybutler-daf-butler[arrow]'."
        ) from exc
    return pq


class ParquetFormatter(Formatter):
    """Parquet files of any table type."""

    name: ClassVar[str] = "parquet"
    default_extension: ClassVar[str] = ".parq"
    supported_extensions: ClassVar[frozenset[str]] = frozenset({".parquet"})
    supported_write_parameters: ClassVar[frozenset[str]] = frozenset({"compression"})
    handled_parameters: ClassVar[frozenset[str]] = frozenset({"columns"})
    prefers_local_file: ClassVar[bool] = True

    def readable_components(self, storage_class: Any) -> frozenset[str]:
        derived = set(storage_class.derivedComponents)
        if storage_class.pytype_name == "pandas.DataFrame":
            derived.discard("columns")  # a DataFrame's columns are an Index, not names
        return frozenset(derived & {"columns", "rowcount"})

    def write_local_file(self, obj: Any, path: str) -> None:
        kind = _columns.table_kind(obj)
        if kind is None:
            raise TypeError(
                f"The parquet formatter writes tables (pyarrow, astropy, pandas, numpy structured "
                f"arrays, dicts of arrays), not a {type(obj).__name__}."
            )
        pq = _pyarrow()
        table = obj if kind == "arrow" else _columns.to_arrow(_to_columns(obj, kind))
        pq.write_table(table, path, compression=self.write_parameters.get("compression", "snappy"))

    def read_local_file(self, path: str, request: ReadRequest) -> Any:
        return self._read(path, request)

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        import pyarrow as pa

        return self._read(pa.BufferReader(data) if data else io.BytesIO(data), request)

    def _read(self, source: Any, request: ReadRequest) -> Any:
        pq = _pyarrow()
        if request.component in ("columns", "rowcount"):
            meta = pq.ParquetFile(source).metadata
            if request.component == "rowcount":
                return int(meta.num_rows)
            return list(meta.schema.to_arrow_schema().names)
        columns = request.parameters.get("columns")
        if isinstance(columns, str):
            columns = [columns]
        if columns is not None:
            available = pq.read_schema(source).names
            missing = [name for name in columns if name not in available]
            if missing:
                from ..errors import StorageClassParameterError

                raise StorageClassParameterError(
                    f"Parameter 'columns' names unknown columns {missing}; the file has "
                    f"{available}."
                )
        table = pq.read_table(source, columns=columns)
        return request.storage_class.coerce_type(table)


def _to_columns(obj: Any, kind: str) -> Any:
    if kind == "astropy":
        return _columns.from_astropy(obj)
    if kind == "pandas":
        return _columns.from_pandas(obj)
    if kind == "numpy":
        return _columns.from_numpy(obj)
    return _columns.from_numpy_dict(obj)
