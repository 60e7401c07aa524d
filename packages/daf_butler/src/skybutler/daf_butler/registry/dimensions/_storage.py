"""The base of the dimension-record manager: tables, keys and row conversion.

Records are looked up by *key*, the tuple of an element's required dimension
values; lookups of many keys run as chunked ``IN`` queries (equality on the
shared leading values and ``IN`` on the last column when keys share them, as
those of one instrument do).
"""

from __future__ import annotations

__all__ = ["IN_CHUNK", "DimensionRecordStorage", "Key", "format_key"]

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ...dimensions import (
    DataCoordinate,
    DimensionElement,
    DimensionRecord,
    DimensionUniverse,
    SkyPixDimension,
)
from ...dimensions._column_spec import ColumnValueError
from ...errors import DimensionError, DimensionNameError, DimensionValueError
from ..databases import Database
from ._tables import ElementLayout

IN_CHUNK = 10_000
"""Most bound values in one ``IN`` list."""

_MAX_PREFIXES = 16
"""Most distinct leading key values for which a lookup spells out one condition each."""

Key = tuple[Any, ...]
"""Values of an element's required dimensions, in ``element.required`` order."""


def format_key(layout: ElementLayout, key: Key) -> str:
    """Return a data ID of an element's required dimensions as ``{name: value, ...}``."""
    pairs = zip(layout.key_dimensions, key, strict=True)
    return "{" + ", ".join(f"{name}: {value!r}" for name, value in pairs) + "}"


class DimensionRecordStorage:
    """Tables of dimension records and the ways to read them.

    Parameters
    ----------
    db
        The registry database.
    universe
        The repository's universe.
    layouts
        Storage layout of each element with a table.
    tables
        The tables of the layouts, by table name.
    """

    def __init__(
        self,
        db: Database,
        universe: DimensionUniverse,
        layouts: Mapping[str, ElementLayout],
        tables: Mapping[str, sa.Table],
    ) -> None:
        self._db = db
        self._universe = universe
        self._layouts = dict(layouts)
        self._tables = {name: tables[layout.table_name] for name, layout in layouts.items()}
        self._overlaps = {
            name: tables[layout.overlap_name]
            for name, layout in layouts.items()
            if layout.overlap_name is not None
        }
        self._summaries = {
            name: tables[layout.summary_name]
            for name, layout in layouts.items()
            if layout.summary_name is not None
        }
        self._key_converters: dict[str, tuple[Callable[[Any], Any], ...]] = {}
        self._cache: dict[str, dict[Key, DimensionRecord]] = {}
        """Records of cached elements, by element name then key (see ``_reads``)."""
        self._cache_lock = threading.Lock()

    @property
    def db(self) -> Database:
        """The registry database."""
        return self._db

    @property
    def universe(self) -> DimensionUniverse:
        """The universe of the repository (the one it was created with)."""
        return self._universe

    # ------------------------------------------------------------ tables

    def _element(self, element: str | DimensionElement) -> DimensionElement:
        return self._universe[element if isinstance(element, str) else element.name]

    def layout(self, element: str | DimensionElement) -> ElementLayout:
        """Return how an element's records are stored.

        Raises
        ------
        DimensionNameError
            The element is unknown.
        DimensionError
            The element has no table (a skypix or implied-union dimension).
        """
        resolved = self._element(element)
        layout = self._layouts.get(resolved.name)
        if layout is not None:
            return layout
        if isinstance(resolved, SkyPixDimension):
            raise DimensionError(
                f"Skypix dimension {resolved.name!r} has no stored records: its values are "
                f"pixel indices of the {resolved.system.name} pixelization at level "
                f"{resolved.level}, and its regions are computed."
            )
        target = resolved.implied_union_target
        source = f" from the {target.name!r} column of {target.name} records" if target else ""
        raise DimensionError(
            f"Dimension {resolved.name!r} has no table: its values come{source}. Insert or "
            f"fetch {target.name if target else 'those'} records instead."
        )

    def table(self, element: str | DimensionElement) -> sa.Table:
        """Return the table of an element's records."""
        return self._tables[self.layout(element).element.name]

    def overlap_table(self, element: str | DimensionElement) -> sa.Table:
        """Return ``<element>_skypix_overlap``, the common skypix pixels of each region.

        Raises
        ------
        DimensionError
            The element is not spatial.
        """
        layout = self.layout(element)
        table = self._overlaps.get(layout.element.name)
        if table is None:
            raise DimensionError(
                f"Element {layout.element.name!r} is not spatial, so it has no overlap table; "
                f"spatial elements are {', '.join(self._overlaps)}."
            )
        return table

    def overlap_summary_table(self, element: str | DimensionElement) -> sa.Table:
        """Return ``<element>_skypix_overlap_summary``: governors with overlap rows."""
        name = self.layout(element).element.name
        self.overlap_table(name)  # refuses elements that are not spatial
        return self._summaries[name]

    # ------------------------------------------------------------ conversions

    def _record_from_row(self, layout: ElementLayout, row: Any) -> DimensionRecord:
        values = self._db.decode_row(self._tables[layout.element.name], row)
        return layout.element.RecordClass(**values)

    @staticmethod
    def _record_key(layout: ElementLayout, record: DimensionRecord) -> Key:
        return tuple(getattr(record, column) for column in layout.key_columns)

    def _key_of(self, layout: ElementLayout, data_id: Mapping[str, Any] | DataCoordinate) -> Key:
        """Return the key of a data ID (values named after dimensions or record fields)."""
        name = layout.element.name
        converters = self._key_converters.get(name)
        if converters is None:
            schema = layout.element.schema
            converters = tuple(column.make_converter() for column in schema.required)
            self._key_converters[name] = converters
        values = []
        for dimension, column, convert in zip(
            layout.key_dimensions, layout.key_columns, converters, strict=True
        ):
            if dimension in data_id:
                value = data_id[dimension]
            elif column in data_id:
                value = data_id[column]
            else:
                raise DimensionNameError(
                    f"Data ID {dict(data_id)} has no value for {dimension!r}; {name} records "
                    f"are identified by {', '.join(layout.key_dimensions)}."
                )
            try:
                values.append(convert(value))
            except ColumnValueError as err:
                raise DimensionValueError(
                    f"Invalid value for {dimension!r} in data ID {dict(data_id)}: {err}."
                ) from None
        return tuple(values)

    def _key_condition(
        self, table: sa.Table, columns: tuple[str, ...], keys: list[Key]
    ) -> sa.ColumnElement[bool]:
        if len(columns) == 1:
            return table.c[columns[0]].in_([key[0] for key in keys])
        # Keys usually share their leading values (one instrument): equality on those and
        # IN on the last column uses the primary-key index well and plans fast.
        by_prefix: dict[Key, list[Any]] = {}
        for key in keys:
            by_prefix.setdefault(key[:-1], []).append(key[-1])
        if len(by_prefix) > _MAX_PREFIXES:
            return sa.tuple_(*(table.c[c] for c in columns)).in_(keys)
        last = table.c[columns[-1]]
        return sa.or_(
            *(
                sa.and_(
                    *(table.c[c] == v for c, v in zip(columns, prefix, strict=False)),
                    last.in_(values),
                )
                for prefix, values in by_prefix.items()
            )
        )

    # ------------------------------------------------------------ bulk key lookups

    def _select_keys(self, layout: ElementLayout, keys: Iterable[Key]) -> list[DimensionRecord]:
        """Return the stored records among ``keys`` (chunked ``IN`` queries)."""
        table = self._tables[layout.element.name]
        unique = list(dict.fromkeys(keys))
        chunk = max(1, IN_CHUNK // len(layout.key_columns))
        records: list[DimensionRecord] = []
        for start in range(0, len(unique), chunk):
            part = unique[start : start + chunk]
            query = sa.select(table).where(self._key_condition(table, layout.key_columns, part))
            records.extend(self._record_from_row(layout, row) for row in self._db.fetch_all(query))
        return records

    def _existing_keys(
        self, layout: ElementLayout, keys: Iterable[Key], columns: tuple[str, ...] | None = None
    ) -> set[Key]:
        """Return which of ``keys`` (values of ``columns``) are stored."""
        table = self._tables[layout.element.name]
        columns = layout.key_columns if columns is None else columns
        unique = list(dict.fromkeys(keys))
        chunk = max(1, IN_CHUNK // len(columns))
        found: set[Key] = set()
        for start in range(0, len(unique), chunk):
            part = unique[start : start + chunk]
            query = sa.select(*(table.c[c] for c in columns)).where(
                self._key_condition(table, columns, part)
            )
            found.update(tuple(row) for row in self._db.fetch_all(query))
        return found
