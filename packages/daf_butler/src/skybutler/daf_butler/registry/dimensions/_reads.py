"""Reading dimension records: fetches, lookups and the record cache.

Records of elements marked ``is_cached`` in the universe (instrument,
physical_filter, detector, skymap...) are few and read constantly, so the
first lookup of such an element reads all its records into a per-process
cache; a key missing from the cache is still looked up in the database
(another process may have added it). Writes through this manager drop the
element's cache, and so does rolling back a transaction that filled it.
"""

from __future__ import annotations

__all__ = ["DimensionRecordReads"]

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ...dimensions import DataCoordinate, DimensionElement, DimensionRecord
from ...errors import DimensionError
from ._storage import IN_CHUNK, DimensionRecordStorage, Key
from ._tables import ElementLayout


class DimensionRecordReads(DimensionRecordStorage):
    """The read operations of the dimension-record manager, and its cache."""

    def fetch(
        self,
        element: str | DimensionElement,
        data_ids: Iterable[Mapping[str, Any] | DataCoordinate] | None = None,
        where: Mapping[str, Any] | sa.ColumnElement[bool] | None = None,
    ) -> list[DimensionRecord]:
        """Return stored records of an element.

        Parameters
        ----------
        element
            The element (or its name).
        data_ids
            Only return the records of these data IDs (each holding values
            for the element's required dimensions); `None` for all records.
        where
            Further constraint: a mapping of field (or dimension) names to
            values, or a SQLAlchemy condition on `table`.

        Returns
        -------
        records
            Matching records, ordered by their required dimension values.

        Raises
        ------
        DimensionError
            The element has no table, or ``where`` names an unknown field or
            compares a region or timespan field.
        """
        layout = self.layout(element)
        table = self._tables[layout.element.name]
        conditions = [] if where is None else [self._where(layout, where)]
        order = [table.c[c] for c in layout.key_columns]
        if data_ids is None:
            query = sa.select(table).where(*conditions).order_by(*order)
            return [self._record_from_row(layout, row) for row in self._db.fetch_all(query)]
        keys = list(dict.fromkeys(self._key_of(layout, data_id) for data_id in data_ids))
        chunk = max(1, IN_CHUNK // len(layout.key_columns))

        def read() -> list[DimensionRecord]:
            records: list[DimensionRecord] = []
            for start in range(0, len(keys), chunk):
                part = self._key_condition(table, layout.key_columns, keys[start : start + chunk])
                rows = self._db.fetch_all(sa.select(table).where(part, *conditions))
                records.extend(self._record_from_row(layout, row) for row in rows)
            return records

        records = self._db.run(read)
        records.sort(key=functools.partial(self._record_key, layout))
        return records

    def _where(
        self, layout: ElementLayout, where: Mapping[str, Any] | sa.ColumnElement[bool]
    ) -> sa.ColumnElement[bool]:
        if not isinstance(where, Mapping):
            return where
        table = self._tables[layout.element.name]
        renamed = dict(zip(layout.key_dimensions, layout.key_columns, strict=True))
        types = {column.name: column.type for column in layout.element.schema}
        conditions = []
        for name, value in where.items():
            field = renamed.get(name, name)
            kind = types.get(field)
            if kind is None or kind in ("region", "timespan"):
                allowed = [n for n, t in types.items() if t not in ("region", "timespan")]
                raise DimensionError(
                    f"Cannot constrain {layout.element.name} records on {name!r} by equality; "
                    f"allowed fields are {', '.join(allowed)}."
                )
            conditions.append(table.c[field] == value)
        return sa.and_(sa.true(), *conditions)

    def fetch_one(
        self, element: str | DimensionElement, data_id: Mapping[str, Any] | DataCoordinate
    ) -> DimensionRecord | None:
        """Return the record of one data ID, or `None` if there is none.

        Records of cached elements come from the in-process cache.
        """
        layout = self.layout(element)
        key = self._key_of(layout, data_id)
        return self._db.run(self._lookup, layout, key)

    def _lookup(self, layout: ElementLayout, key: Key) -> DimensionRecord | None:
        return self._lookup_many(layout, [key]).get(key)

    def _lookup_many(self, layout: ElementLayout, keys: list[Key]) -> dict[Key, DimensionRecord]:
        """Return the stored records among ``keys``, from the cache when the element has one."""
        found: dict[Key, DimensionRecord] = {}
        cache = self._cached(layout) if layout.element.is_cached else None
        if cache is not None:
            for key in keys:
                record = cache.get(key)
                if record is not None:
                    found[key] = record
        missing = [key for key in keys if key not in found]
        if not missing:
            return found
        fetched = {self._record_key(layout, r): r for r in self._select_keys(layout, missing)}
        found.update(fetched)
        if cache is not None and fetched:
            with self._cache_lock:
                cache.update(fetched)
            self._forget_on_rollback(layout.element.name)
        return found

    # ------------------------------------------------------------ cache

    def _cached(self, layout: ElementLayout) -> dict[Key, DimensionRecord]:
        name = layout.element.name
        cache = self._cache.get(name)
        if cache is None:
            cache = {self._record_key(layout, r): r for r in self.fetch(layout.element)}
            with self._cache_lock:
                cache = self._cache.setdefault(name, cache)
            self._forget_on_rollback(name)
        return cache

    def _forget(self, name: str) -> None:
        with self._cache_lock:
            self._cache.pop(name, None)

    def _forget_on_rollback(self, name: str) -> None:
        # What a transaction read may be its own uncommitted writes.
        if self._db.in_transaction():
            self._db.on_rollback(functools.partial(self._forget, name))

    def _invalidate(self, name: str) -> None:
        """Drop an element's cached records after a write (and again on rollback)."""
        if self._layouts[name].element.is_cached:
            self._forget(name)
            self._forget_on_rollback(name)

    def clear_caches(self) -> None:
        """Forget every cached record (to see other processes' writes)."""
        with self._cache_lock:
            self._cache.clear()
