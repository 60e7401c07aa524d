"""`FormatterFactory`: which formatter writes a dataset, from the ``formatters`` config.

Each entry maps a lookup key (see `LookupTable`) to a formatter short name,
or to ``{formatter: name, parameters: {write parameters}}``. Short names
resolve through `FORMATTERS` (built-ins, then the
``skybutler.butler.formatters`` entry-point group); upstream's class paths
(``lsst.daf.butler.formatters.json.JsonFormatter``) are accepted as aliases.
"""

from __future__ import annotations

__all__ = ["FORMATTERS", "FormatterChoice", "FormatterFactory"]

import dataclasses
from collections.abc import Mapping
from typing import Any

from ..errors import DatastoreConfigError, FormatterNotFoundError
from ._base import Formatter
from ._lookup import LookupTable
from ._plugins import PluginTable

_MODULE = "skybutler.daf_butler.formatters"

FORMATTERS: PluginTable[Formatter] = PluginTable(
    "skybutler.butler.formatters",
    Formatter,
    {
        "fits": f"{_MODULE}._fits:FitsFormatter",
        "json": f"{_MODULE}._plain:JsonFormatter",
        "numpy": f"{_MODULE}._plain:NumpyFormatter",
        "parquet": f"{_MODULE}._parquet:ParquetFormatter",
        "pickle": f"{_MODULE}._plain:PickleFormatter",
        "yaml": f"{_MODULE}._plain:YamlFormatter",
    },
    {
        "lsst.daf.butler.formatters.json.JsonFormatter": "json",
        "lsst.daf.butler.formatters.yaml.YamlFormatter": "yaml",
        "lsst.daf.butler.formatters.pickle.PickleFormatter": "pickle",
        "lsst.daf.butler.formatters.parquet.ParquetFormatter": "parquet",
        "lsst.obs.base.formatters.fitsGeneric.FitsGenericFormatter": "fits",
    },
    FormatterNotFoundError,
)
"""Formatter classes by short name."""


@dataclasses.dataclass(frozen=True, slots=True)
class FormatterChoice:
    """The formatter configured for a dataset."""

    name: str
    """Short name (recorded beside the file)."""
    write_parameters: Mapping[str, Any]
    """Write parameters from the configuration."""

    def make(self) -> Formatter:
        """Return a formatter instance."""
        return FORMATTERS.load(self.name)(self.write_parameters)


class FormatterFactory:
    """Formatters configured per dataset type, storage class, dimensions and instrument.

    Parameters
    ----------
    config
        The ``formatters`` configuration section.

    Raises
    ------
    DatastoreConfigError
        An entry is malformed.
    """

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        entries: dict[str, Any] = {}
        for key, value in (config or {}).items():
            if key == "write_recipes":
                continue
            if str(key).startswith("instrument<") and isinstance(value, Mapping):
                entries[key] = {k: _choice(k, v) for k, v in value.items()}
            else:
                entries[key] = _choice(key, value)
        self._table: LookupTable[FormatterChoice] = LookupTable(entries, "formatter")

    def lookup(self, entity: Any) -> FormatterChoice:
        """Return the formatter for a dataset ref, dataset type or storage class.

        Raises
        ------
        FormatterNotFoundError
            Nothing in the configuration matches and there is no default.
        """
        _key, choice = self._table.find(entity)
        if choice is None:
            raise FormatterNotFoundError(
                f"No formatter is configured for {entity}; add its dataset type, storage class "
                "or dimensions to the datastore's 'formatters' configuration."
            )
        return choice


def _choice(key: str, value: Any) -> FormatterChoice:
    if isinstance(value, str):
        return FormatterChoice(FORMATTERS.canonical(value), {})
    if isinstance(value, Mapping) and isinstance(value.get("formatter"), str):
        params = value.get("parameters") or {}
        if not isinstance(params, Mapping):
            raise DatastoreConfigError(
                f"Formatter entry {key!r}: 'parameters' must be a mapping, not {params!r}."
            )
        return FormatterChoice(FORMATTERS.canonical(value["formatter"]), dict(params))
    raise DatastoreConfigError(
        f"Formatter entry {key!r} must be a formatter name or {{formatter: name, parameters: "
        f"{{...}}}}, not {value!r}."
    )
