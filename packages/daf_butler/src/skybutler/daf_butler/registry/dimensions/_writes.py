"""Writing dimension records: insert, replace, skip-existing and sync.

Each operation is one transaction, retried as a whole on a conflict with a
concurrent writer, and makes one statement execution per table touched (the
element's table, its overlap table, its overlap summary). Spatial elements
get one overlap row per common-skypix pixel of their region's envelope;
replacing a record replaces its overlap rows. When the database refuses rows
(a duplicate key, a record that refers to a missing one, a reused alternate
key) the work is undone and the error says which records and values are at
fault.
"""

from __future__ import annotations

__all__ = ["DimensionRecordWrites"]

from collections.abc import Iterable, Mapping
from typing import Any

from ..._timespan import time_to_nsec
from ...dimensions import DimensionElement, DimensionRecord
from ...errors import ConflictingDefinitionError, DimensionError
from ._diagnosis import IntegrityDiagnosis
from ._reads import DimensionRecordReads
from ._storage import Key, format_key
from ._tables import SKYPIX_INDEX, SKYPIX_LEVEL, SKYPIX_SYSTEM, ElementLayout


def _comparable(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "region":
        return bytes(value.encode())
    if kind == "datetime":
        return time_to_nsec(value)
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class DimensionRecordWrites(IntegrityDiagnosis, DimensionRecordReads):
    """The write operations of the dimension-record manager."""

    def _writable(self, element: str | DimensionElement) -> ElementLayout:
        resolved = self._element(element)
        target = resolved.implied_union_target
        if target is not None:
            raise DimensionError(
                f"Records of {resolved.name!r} cannot be inserted: it has no table, its values "
                f"are those of the {resolved.name!r} field of {target.name} records. Insert "
                f"{target.name} records with {resolved.name}=<value> instead."
            )
        return self.layout(resolved)

    def _records(
        self, layout: ElementLayout, records: Iterable[DimensionRecord | Mapping[str, Any]]
    ) -> list[DimensionRecord]:
        element = layout.element
        result = []
        for record in records:
            if isinstance(record, DimensionRecord):
                if record.definition is not element:
                    raise DimensionError(
                        f"A {record.definition.name} record was given where {element.name} "
                        "records are expected."
                    )
                result.append(record)
            else:
                result.append(element.RecordClass(**record))
        return result

    def as_record(
        self, element: str | DimensionElement, row: DimensionRecord | Mapping[str, Any]
    ) -> DimensionRecord:
        """Return ``row`` as a record of ``element`` (a record is checked and returned).

        Raises
        ------
        DimensionError
            The element has no table, the record belongs to another element,
            or a field is unknown or has a value of the wrong type.
        """
        return self._records(self._writable(element), [row])[0]

    @staticmethod
    def _row(layout: ElementLayout, record: DimensionRecord) -> dict[str, Any]:
        return {name: getattr(record, name) for name in layout.fields}

    # ------------------------------------------------------------ public operations

    def insert(
        self,
        element: str | DimensionElement,
        records: Iterable[DimensionRecord | Mapping[str, Any]],
        *,
        replace: bool = False,
        skip_existing: bool = False,
    ) -> None:
        """Insert records of one element, in one transaction.

        Parameters
        ----------
        element
            The element (or its name).
        records
            `DimensionRecord` objects of the element, or mappings of their fields.
        replace
            Overwrite records that exist already (their overlap rows too).
        skip_existing
            Leave records that exist already as they are.

        Raises
        ------
        ConflictingDefinitionError
            A record exists already (and neither option is given), a record is
            given twice, or an alternate key is used by another record.
        MissingDimensionRecordError
            A record refers to a record of another element that does not exist.
        DimensionError
            The element has no table (``band`` values come from
            ``physical_filter`` records), or a record is invalid.
        """
        if replace and skip_existing:
            raise ValueError("insert takes replace=True or skip_existing=True, not both.")
        layout = self._writable(element)
        given = self._records(layout, records)
        if not given:
            return
        if replace:  # the last of several records with one key wins
            given = list({self._record_key(layout, r): r for r in given}.values())
        rows = [self._row(layout, record) for record in given]
        table = self._tables[layout.element.name]
        spatial = layout.overlap_name is not None

        def work() -> None:
            written = given
            with self._guard(layout, rows, existing_ok=replace or skip_existing):
                if replace:
                    self._db.replace(table, rows)
                elif skip_existing and spatial:
                    keyed: dict[Key, DimensionRecord] = {}
                    for record in given:  # the first of several records with one key wins
                        keyed.setdefault(self._record_key(layout, record), record)
                    stored = self._existing_keys(layout, keyed)
                    written = [r for k, r in keyed.items() if k not in stored]
                    self._db.ensure(table, [self._row(layout, record) for record in written])
                elif skip_existing:
                    self._db.ensure(table, rows)
                else:
                    self._db.insert(table, rows)
                if spatial:
                    self._write_overlaps(layout, written, replace=replace)
            self._invalidate(layout.element.name)

        self._db.run(work, write=True)

    def sync(self, record: DimensionRecord, update: bool = False) -> bool | dict[str, Any]:
        """Insert a record unless it exists, then check the stored one matches.

        Parameters
        ----------
        record
            The record.
        update
            Overwrite differing stored values instead of failing.

        Returns
        -------
        result
            `True` if the record was inserted, `False` if an identical one was
            stored, or (``update=True``) the old values of the fields changed.

        Raises
        ------
        ConflictingDefinitionError
            The stored record differs and ``update`` is false; the message
            names the element, the data ID and each differing field with both
            values. Also raised when an alternate key belongs to another record.
        MissingDimensionRecordError
            The record refers to a record of another element that does not exist.
        """
        layout = self._writable(record.definition)
        row = self._row(layout, record)
        key = self._record_key(layout, record)
        table = self._tables[layout.element.name]

        def work() -> bool | dict[str, Any]:
            result: bool | dict[str, Any]
            with self._guard(layout, [row], existing_ok=True):
                inserted = self._db.ensure(table, [row]) > 0
            if inserted:
                if layout.overlap_name is not None:
                    self._write_overlaps(layout, [record], replace=False)
                result = True
            else:
                stored = self._select_keys(layout, [key])
                if not stored:  # ON CONFLICT DO NOTHING also hides alternate-key conflicts
                    raise self._diagnose(layout, [row], existing_ok=True)
                changed = self._differences(layout, stored[0], record, update)
                if not changed:
                    return False
                values = dict(zip(layout.key_columns, key, strict=True))
                values.update({name: row[name] for name in changed})
                with self._guard(layout, [row], existing_ok=True):
                    self._db.update(table, {c: c for c in layout.key_columns}, [values])
                if "region" in changed and layout.overlap_name is not None:
                    self._write_overlaps(layout, [record], replace=True)
                result = changed
            self._invalidate(layout.element.name)
            return result

        return self._db.run(work, write=True)

    def _differences(
        self, layout: ElementLayout, stored: DimensionRecord, given: DimensionRecord, update: bool
    ) -> dict[str, Any]:
        """Return the stored values of the fields where ``given`` differs, or raise."""
        changed = {}
        for column in layout.element.schema.remainder:
            old, new = getattr(stored, column.name), getattr(given, column.name)
            if _comparable(column.type, old) != _comparable(column.type, new):
                changed[column.name] = old
        for column in layout.element.schema.implied:
            old, new = getattr(stored, column.name), getattr(given, column.name)
            if old != new:
                changed[column.name] = old
        if changed and not update:
            details = "; ".join(
                f"{name}: stored {_short(old)}, given {_short(getattr(given, name))}"
                for name, old in changed.items()
            )
            raise ConflictingDefinitionError(
                f"The {layout.element.name} record "
                f"{format_key(layout, self._record_key(layout, given))} already exists with "
                f"different values ({details}). Use the stored values, or sync with update=True "
                "to overwrite them."
            )
        return changed

    # ------------------------------------------------------------ overlaps

    def _write_overlaps(
        self, layout: ElementLayout, records: list[DimensionRecord], *, replace: bool
    ) -> None:
        name = layout.element.name
        overlap = self._overlaps[name]
        dims = layout.key_dimensions
        if replace:
            keys = [dict(zip(dims, self._record_key(layout, r), strict=True)) for r in records]
            self._db.delete(overlap, dims, keys)
        skypix = self._universe.commonSkyPix
        pixelization = skypix.pixelization
        prefix = {SKYPIX_SYSTEM: skypix.system.name, SKYPIX_LEVEL: skypix.level}
        rows: list[dict[str, Any]] = []
        for record in records:
            region = record.region  # type: ignore[attr-defined]
            if region is None:
                continue
            key = dict(zip(dims, self._record_key(layout, record), strict=True))
            for begin, end in pixelization.envelope(region):
                rows.extend({**prefix, **key, SKYPIX_INDEX: i} for i in range(begin, end))
        if rows:
            self._db.insert(overlap, rows)
        governor = layout.governor_column
        element_governor = layout.element.governor
        if governor is not None and element_governor is not None and records:
            values = {getattr(r, governor) for r in records}
            summary = [{**prefix, element_governor.name: value} for value in values]
        else:
            summary = [prefix] if records else []
        self._db.ensure(self._summaries[name], summary)
