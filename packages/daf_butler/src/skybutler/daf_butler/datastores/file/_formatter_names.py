"""Formatter names in export files: upstream's class paths out, short names back in.

Records hold short formatter names; export files hold what upstream's
importer can import, a class path. A formatter with an upstream equivalent
is written as upstream's class (``json`` as
``lsst.daf.butler.formatters.json.JsonFormatter``), any other as its own
class path. Reading accepts either, and short names.
"""

from __future__ import annotations

__all__ = ["exported_formatter_name", "imported_formatter_name"]

import importlib

from ...errors import FormatterNotFoundError
from ...formatters import FORMATTERS, Formatter


def exported_formatter_name(short: str) -> str:
    """Return the class path written in an export file for a short formatter name."""
    aliases = FORMATTERS.aliases_of(short)
    if aliases:
        return aliases[0]
    try:
        cls = FORMATTERS.load(short)
    except FormatterNotFoundError:
        return short
    return f"{cls.__module__}.{cls.__qualname__}"


def imported_formatter_name(name: str) -> str:
    """Return the short name of a formatter written in an export file.

    Raises
    ------
    FormatterNotFoundError
        No formatter of this repository reads such files.
    """
    short = FORMATTERS.canonical(name)
    if short in FORMATTERS.names():
        return short
    module_name, _, attr = name.rpartition(".")
    if module_name.startswith("skybutler."):  # never import what a file names elsewhere
        try:
            cls = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError, ValueError):
            cls = None
        if isinstance(cls, type) and issubclass(cls, Formatter) and cls.name:
            return cls.name
    raise FormatterNotFoundError(
        f"The export names formatter {name!r}, which this repository does not know; known "
        f"formatters are {FORMATTERS.names()}. Install the package that provides it, or edit "
        "the export file's 'formatter' entries."
    )
