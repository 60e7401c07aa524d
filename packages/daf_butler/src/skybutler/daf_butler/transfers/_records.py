"""Importing dimension records: from export mappings to stored records, conflicts named.

A file written with another universe version (or namespace) is imported
with what fits: fields this universe lacks are dropped, fields the file
lacks take their default (null), elements this universe lacks are skipped,
and one warning lists all of it. With the same universe, any of these is an
error naming the record's line.

Records already stored are left alone when identical; a stored record that
differs is an error naming the element, the record and each differing field.
"""

from __future__ import annotations

__all__ = ["RecordImporter"]

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._timespan import Timespan, time_to_nsec
from ..dimensions import DimensionElement, DimensionRecord, DimensionUniverse
from ..errors import ButlerError, ConflictingDefinitionError
from ._migrations import migrate
from ._parse import Locator, Path

if TYPE_CHECKING:
    from ..registry import Registry


def _comparable(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bytes | bool | Timespan):
        return value
    encode = getattr(value, "encode", None)
    if callable(encode) and not isinstance(value, str):
        return bytes(encode())  # a region
    if type(value).__name__ == "Time":
        return time_to_nsec(value, clamp=False)
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class RecordImporter:
    """Turns the records of ``dimension`` entries into records of a universe.

    Parameters
    ----------
    universe
        The universe of the registry imported into.
    version, namespace
        The universe the file was written with.
    locator
        Finds lines for messages.
    """

    def __init__(
        self, universe: DimensionUniverse, version: int, namespace: str | None, locator: Locator
    ) -> None:
        self._universe = universe
        self._locator = locator
        file_namespace = namespace if namespace is not None else universe.namespace
        self.migrating = (version, file_namespace) != (universe.version, universe.namespace)
        self._from = f"version {version}, namespace {file_namespace!r}"
        self._dropped: dict[str, set[str]] = {}
        self._filled: dict[str, set[str]] = {}
        self._skipped: set[str] = set()
        self._version = version
        self._namespace = namespace
        self.implied: dict[str, list[dict[str, Any]]] = {}
        """Fields of records that old records stood for (see `migrate`), by element."""

    def element(self, name: Any, path: Path) -> DimensionElement | None:
        """Return the element of an entry; `None` (skip it) for an unknown one when migrating."""
        if isinstance(name, str) and name in self._universe:
            element = self._universe[name]
            if not element.hasTable():
                raise self._locator.error(
                    path,
                    f"element {name!r} has no records of its own (its values come from "
                    "other records); remove this entry.",
                )
            return element
        if self.migrating and isinstance(name, str):
            self._skipped.add(name)
            return None
        raise self._locator.error(
            path,
            f"unknown dimension element {name!r} in universe {self._universe.version} "
            f"({self._universe.namespace!r}).",
        )

    def record(self, element: DimensionElement, raw: Any, path: Path) -> DimensionRecord:
        """Return the record of one mapping of an entry.

        Raises
        ------
        RepoImportError
            The mapping is not a valid record; the message names its line.
        """
        if not isinstance(raw, Mapping):
            raise self._locator.error(
                path, f"a {element.name} record must be a mapping, not {raw!r}."
            )
        record_class = element.RecordClass
        names = set(record_class.fields.names)
        aliases = {element.name} if element.name not in names else set()
        if "timespan" in names:
            aliases |= {"datetime_begin", "datetime_end"}
        values = dict(raw)
        if self.migrating:
            values, implied = migrate(element.name, values, self._version, self._namespace)
            for name, fields in implied:
                if name in self._universe and self._universe[name].hasTable():
                    self.implied.setdefault(name, []).append(fields)
        unknown = set(values) - names - aliases
        if unknown and self.migrating:
            self._dropped.setdefault(element.name, set()).update(unknown)
            for key in unknown:
                del values[key]
        if self.migrating:
            given = set(values)
            if given & {"datetime_begin", "datetime_end"}:
                given.add("timespan")
            primary_key = getattr(element, "primaryKey", None)
            if element.name in aliases and element.name in given and primary_key is not None:
                given.add(primary_key.name)
            missing = names - given
            if missing:
                self._filled.setdefault(element.name, set()).update(missing)
        bounds = ("datetime_begin", "datetime_end")
        if "timespan" in names and all(b in values and values[b] is None for b in bounds):
            # Both null is how a record without a timespan is written (not an unbounded one).
            del values["datetime_begin"], values["datetime_end"]
            values["timespan"] = None
        try:
            return record_class(**values)
        except ButlerError as err:
            shown = {k: v for k, v in values.items() if k in record_class.fields.names[:3]}
            raise self._locator.error(
                path, f"invalid {element.name} record {shown}: {err}"
            ) from None

    def warn(self) -> None:
        """Issue one warning listing what a universe migration changed, if anything."""
        if not self.migrating:
            return
        notes = []
        if self._skipped:
            notes.append(f"skipped records of unknown elements {sorted(self._skipped)}")
        for name, fields in sorted(self._dropped.items()):
            notes.append(f"dropped {name} fields {sorted(fields)}")
        for name, fields in sorted(self._filled.items()):
            notes.append(f"filled missing {name} fields {sorted(fields)} with null")
        detail = "; ".join(notes) if notes else "no record needed changing"
        warnings.warn(
            f"{self._locator.source} was exported with dimension universe {self._from}, not "
            f"this repository's version {self._universe.version}, namespace "
            f"{self._universe.namespace!r}: {detail}.",
            UserWarning,
            stacklevel=3,
        )

    # ------------------------------------------------------------ storing

    def store(
        self,
        registry: Registry,
        element: DimensionElement,
        records: list[tuple[DimensionRecord, Path]],
    ) -> None:
        """Insert the records not yet stored; refuse any that differ from stored ones.

        Raises
        ------
        ConflictingDefinitionError
            A record differs from a stored one, or from another record of the
            file with the same data ID; the message names the element, the
            record, its line and each differing field.
        """
        manager = registry._managers.dimensions
        unique: dict[Any, tuple[DimensionRecord, Path]] = {}
        for record, path in records:
            key = record.dataId.required_values
            previous = unique.setdefault(key, (record, path))
            if previous[0] != record:
                raise self._conflict(
                    element, previous[0], record, path, "another record of the file"
                )
        stored = {
            r.dataId.required_values: r
            for r in manager.fetch(element, [r.dataId for r, _ in unique.values()])
        }
        new = []
        for key, (record, path) in unique.items():
            existing = stored.get(key)
            if existing is None:
                new.append(record)
            elif existing != record:
                raise self._conflict(element, existing, record, path, "the stored record")
        if new:
            manager.insert(element, new)
        implied = [element.RecordClass(**fields) for fields in self.implied.get(element.name, ())]
        if implied:  # only where neither the file nor the registry has them
            manager.insert(element, implied, skip_existing=True)

    def _conflict(
        self,
        element: DimensionElement,
        existing: DimensionRecord,
        given: DimensionRecord,
        path: Path,
        what: str,
    ) -> ConflictingDefinitionError:
        details = []
        for name in given.fields.names:
            old, new = getattr(existing, name), getattr(given, name)
            if _comparable(old) != _comparable(new):
                details.append(f"{name}: {_short(old)} in {what}, {_short(new)} in the file")
        return ConflictingDefinitionError(
            f"Cannot import {self._locator.where(path)}: the {element.name} record "
            f"{dict(given.dataId.required)} conflicts with {what} ({'; '.join(details)}). "
            f"Make the records agree, or import with skip_dimensions={{{element.name!r}}} to "
            "keep the stored ones."
        )
