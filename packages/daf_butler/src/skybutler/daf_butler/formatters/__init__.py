"""Formatters: how datasets become files and files become datasets again.

Built-in formatters (short names, as recorded beside every file): ``json``,
``yaml``, ``pickle``, ``numpy`` (``.npy``), ``parquet`` (pyarrow; any table
type, ``columns`` read parameter) and ``fits`` (astropy; images, masked
images with their planes readable alone, tables). Other packages add
formatters through the ``skybutler.butler.formatters`` entry-point group.
`FormatterFactory` picks one per dataset from configuration, with the lookup
rules of `LookupTable`.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._base import Formatter, ReadRequest, build_pytype
from ._factory import FORMATTERS, FormatterChoice, FormatterFactory
from ._lookup import LookupTable, lookup_keys
from ._plain import JsonFormatter, NumpyFormatter, PickleFormatter, YamlFormatter
from ._plugins import PluginTable

if TYPE_CHECKING:
    from ._fits import FitsFormatter
    from ._parquet import ParquetFormatter

__all__ = [
    "FORMATTERS",
    "FitsFormatter",
    "Formatter",
    "FormatterChoice",
    "FormatterFactory",
    "JsonFormatter",
    "LookupTable",
    "NumpyFormatter",
    "ParquetFormatter",
    "PickleFormatter",
    "PluginTable",
    "ReadRequest",
    "YamlFormatter",
    "build_pytype",
    "lookup_keys",
]


def __getattr__(name: str) -> Any:
    # The FITS and Parquet formatters import numpy, astropy or pyarrow: a process
    # that writes only JSON or YAML should not pay for those imports (numpy alone
    # is 0.13 s), so they are loaded at first use.
    module = {"FitsFormatter": "._fits", "ParquetFormatter": "._parquet"}.get(name)
    if module is not None:
        return getattr(importlib.import_module(module, __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
