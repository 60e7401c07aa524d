"""Converters named by storage classes: each turns one Python type into another.

Storage class definitions refer to these by their short names (for example
``converters: {pyarrow.Table: arrow_to_astropy}``). Table converters go
through `skybutler.daf_butler.types._columns`, which imports pyarrow,
astropy and pandas only when a conversion needs them.
"""

from __future__ import annotations

from typing import Any

from .types import _columns

__all__ = [
    "arrow_to_astropy",
    "arrow_to_numpy",
    "arrow_to_numpy_dict",
    "arrow_to_pandas",
    "arrow_to_qtable",
    "astropy_to_arrow",
    "astropy_to_numpy",
    "astropy_to_numpy_dict",
    "astropy_to_pandas",
    "astropy_to_qtable",
    "numpy_dict_to_arrow",
    "numpy_dict_to_astropy",
    "numpy_dict_to_numpy",
    "numpy_dict_to_pandas",
    "numpy_dict_to_qtable",
    "numpy_to_arrow",
    "numpy_to_astropy",
    "numpy_to_numpy_dict",
    "numpy_to_pandas",
    "numpy_to_qtable",
    "packages_from_dict",
    "pandas_to_arrow",
    "pandas_to_astropy",
    "pandas_to_numpy",
    "pandas_to_numpy_dict",
    "pandas_to_qtable",
    "task_metadata_from_dict",
    "task_metadata_to_dict",
]


def arrow_to_astropy(obj: Any) -> Any:
    """Convert a pyarrow.Table to an astropy Table."""
    return _columns.to_astropy(_columns.from_arrow(obj))


def arrow_to_qtable(obj: Any) -> Any:
    """Convert a pyarrow.Table to an astropy QTable."""
    return _columns.to_astropy(_columns.from_arrow(obj), qtable=True)


def arrow_to_numpy(obj: Any) -> Any:
    """Convert a pyarrow.Table to a numpy structured array."""
    return _columns.to_numpy(_columns.from_arrow(obj))


def arrow_to_numpy_dict(obj: Any) -> Any:
    """Convert a pyarrow.Table to a dict of numpy arrays."""
    return _columns.to_numpy_dict(_columns.from_arrow(obj))


def arrow_to_pandas(table: Any) -> Any:
    """Convert a pyarrow.Table to a pandas.DataFrame (pyarrow's own conversion, index kept)."""
    return table.to_pandas()


def astropy_to_arrow(obj: Any) -> Any:
    """Convert an astropy Table to a pyarrow.Table."""
    return _columns.to_arrow(_columns.from_astropy(obj))


def astropy_to_numpy(obj: Any) -> Any:
    """Convert an astropy Table to a numpy structured array."""
    return _columns.to_numpy(_columns.from_astropy(obj))


def astropy_to_numpy_dict(obj: Any) -> Any:
    """Convert an astropy Table to a dict of numpy arrays."""
    return _columns.to_numpy_dict(_columns.from_astropy(obj))


def astropy_to_pandas(obj: Any) -> Any:
    """Convert an astropy Table to a pandas.DataFrame."""
    return _columns.to_pandas(_columns.from_astropy(obj))


def numpy_to_arrow(obj: Any) -> Any:
    """Convert a numpy structured array to a pyarrow.Table."""
    return _columns.to_arrow(_columns.from_numpy(obj))


def numpy_to_astropy(obj: Any) -> Any:
    """Convert a numpy structured array to an astropy Table."""
    return _columns.to_astropy(_columns.from_numpy(obj))


def numpy_to_qtable(obj: Any) -> Any:
    """Convert a numpy structured array to an astropy QTable."""
    return _columns.to_astropy(_columns.from_numpy(obj), qtable=True)


def numpy_to_numpy_dict(obj: Any) -> Any:
    """Convert a numpy structured array to a dict of numpy arrays."""
    return _columns.to_numpy_dict(_columns.from_numpy(obj))


def numpy_to_pandas(obj: Any) -> Any:
    """Convert a numpy structured array to a pandas.DataFrame."""
    return _columns.to_pandas(_columns.from_numpy(obj))


def numpy_dict_to_arrow(obj: Any) -> Any:
    """Convert a dict of numpy arrays to a pyarrow.Table."""
    return _columns.to_arrow(_columns.from_numpy_dict(obj))


def numpy_dict_to_astropy(obj: Any) -> Any:
    """Convert a dict of numpy arrays to an astropy Table."""
    return _columns.to_astropy(_columns.from_numpy_dict(obj))


def numpy_dict_to_qtable(obj: Any) -> Any:
    """Convert a dict of numpy arrays to an astropy QTable."""
    return _columns.to_astropy(_columns.from_numpy_dict(obj), qtable=True)


def numpy_dict_to_numpy(obj: Any) -> Any:
    """Convert a dict of numpy arrays to a numpy structured array."""
    return _columns.to_numpy(_columns.from_numpy_dict(obj))


def numpy_dict_to_pandas(obj: Any) -> Any:
    """Convert a dict of numpy arrays to a pandas.DataFrame."""
    return _columns.to_pandas(_columns.from_numpy_dict(obj))


def pandas_to_arrow(frame: Any) -> Any:
    """Convert a pandas.DataFrame to a pyarrow.Table (pyarrow's own conversion, index kept)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame)


def pandas_to_astropy(obj: Any) -> Any:
    """Convert a pandas.DataFrame to an astropy Table."""
    return _columns.to_astropy(_columns.from_pandas(obj))


def pandas_to_qtable(obj: Any) -> Any:
    """Convert a pandas.DataFrame to an astropy QTable."""
    return _columns.to_astropy(_columns.from_pandas(obj), qtable=True)


def pandas_to_numpy(obj: Any) -> Any:
    """Convert a pandas.DataFrame to a numpy structured array."""
    return _columns.to_numpy(_columns.from_pandas(obj))


def pandas_to_numpy_dict(obj: Any) -> Any:
    """Convert a pandas.DataFrame to a dict of numpy arrays."""
    return _columns.to_numpy_dict(_columns.from_pandas(obj))


def astropy_to_qtable(table: Any) -> Any:
    """Convert an astropy Table to a QTable (columns with units become quantities)."""
    from astropy.table import QTable

    return QTable(table)


def task_metadata_from_dict(mapping: dict[str, Any]) -> Any:
    """Make a `~skybutler.daf_butler.types.TaskMetadata` from a nested dict."""
    from .types import TaskMetadata

    return TaskMetadata.from_dict(mapping)


def task_metadata_to_dict(metadata: Any) -> dict[str, Any]:
    """Turn a `~skybutler.daf_butler.types.TaskMetadata` into a nested dict."""
    return metadata.to_dict()  # type: ignore[no-any-return]


def packages_from_dict(mapping: dict[str, str]) -> Any:
    """Make a `~skybutler.daf_butler.types.Packages` from a ``{name: version}`` dict."""
    from .types import Packages

    return Packages(mapping)
