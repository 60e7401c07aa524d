"""Explaining why the database refused dimension records.

Writes run in a savepoint; when the database raises an integrity error the
savepoint is rolled back and these checks, run in the still-open
transaction, find the cause: a record given twice, records that exist
already, records referring to missing ones (all of them named), or an
alternate key another record uses.
"""

from __future__ import annotations

__all__ = ["IntegrityDiagnosis", "shown_keys"]

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from ...errors import ButlerError, ConflictingDefinitionError, MissingDimensionRecordError
from ._storage import DimensionRecordStorage, Key, format_key
from ._tables import ElementLayout

_SHOWN = 5
"""How many offending data IDs an error message lists."""


def shown_keys(layout: ElementLayout, keys: list[Key]) -> str:
    """Return the first few keys as data IDs, and how many more there are."""
    text = ", ".join(format_key(layout, key) for key in keys[:_SHOWN])
    return text + (f" and {len(keys) - _SHOWN} more" if len(keys) > _SHOWN else "")


class IntegrityDiagnosis(DimensionRecordStorage):
    """Turns integrity errors of dimension-record writes into clear errors."""

    @contextlib.contextmanager
    def _guard(
        self, layout: ElementLayout, rows: list[dict[str, Any]], *, existing_ok: bool
    ) -> Iterator[None]:
        """Run a block in a savepoint; explain an integrity error it raises."""
        try:
            with self._db.transaction(write=True, savepoint=True):
                yield
        except sa.exc.IntegrityError as err:
            raise self._diagnose(layout, rows, existing_ok=existing_ok) from err

    def _diagnose(
        self, layout: ElementLayout, rows: list[dict[str, Any]], *, existing_ok: bool
    ) -> ButlerError:
        """Return the error explaining why the database refused ``rows``."""
        name = layout.element.name
        keys = [tuple(row[c] for c in layout.key_columns) for row in rows]
        seen: set[Key] = set()
        repeated = []
        for key in keys:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        if repeated:
            return ConflictingDefinitionError(
                f"{name} record(s) {shown_keys(layout, repeated)} are given more than once; give "
                "each record once."
            )
        if not existing_ok:
            stored = sorted(self._existing_keys(layout, keys), key=repr)
            if stored:
                return ConflictingDefinitionError(
                    f"{len(stored)} {name} record(s) already exist: {shown_keys(layout, stored)}. "
                    "Use skip_existing=True to keep the stored records, replace=True to "
                    "overwrite them, or sync to compare them with yours."
                )
        missing = []
        for reference in layout.references:
            target = self._layouts[reference.element]
            wanted = {tuple(row[c] for c in reference.source) for row in rows}
            absent = sorted(wanted - self._existing_keys(target, wanted), key=repr)
            if absent:
                missing.append((reference.element, shown_keys(target, absent)))
        if missing:
            details = "; ".join(f"{element} {shown}" for element, shown in missing)
            elements = ", ".join(element for element, _ in missing)
            return MissingDimensionRecordError(
                f"Cannot write {name} records: they refer to records that do not exist "
                f"({details}). Insert those {elements} records first."
            )
        for columns in layout.spec.unique:
            clash = self._alternate_key_clash(layout, rows, columns)
            if clash is not None:
                return clash
        return ConflictingDefinitionError(
            f"The database refused the {name} records {shown_keys(layout, keys)}; check them "
            "against the records already stored."
        )

    def _alternate_key_clash(
        self, layout: ElementLayout, rows: list[dict[str, Any]], columns: tuple[str, ...]
    ) -> ConflictingDefinitionError | None:
        name = layout.element.name
        table = self._tables[name]
        owners: dict[Key, Key] = {}
        for given in rows:
            value = tuple(given[c] for c in columns)
            key = tuple(given[c] for c in layout.key_columns)
            if owners.setdefault(value, key) != key:
                return ConflictingDefinitionError(
                    f"{name} records {format_key(layout, owners[value])} and "
                    f"{format_key(layout, key)} both have {dict(zip(columns, value, strict=True))}"
                    "; alternate keys must be unique."
                )
        selected = [*(table.c[c] for c in columns), *(table.c[c] for c in layout.key_columns)]
        query = sa.select(*selected).where(self._key_condition(table, columns, list(owners)))
        for found in self._db.fetch_all(query):
            value, stored = tuple(found[: len(columns)]), tuple(found[len(columns) :])
            if owners[value] != stored:
                return ConflictingDefinitionError(
                    f"The {name} record {format_key(layout, owners[value])} has "
                    f"{dict(zip(columns, value, strict=True))}, which the stored {name} record "
                    f"{format_key(layout, stored)} already uses; alternate keys must be unique."
                )
        return None
