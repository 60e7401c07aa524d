"""Reading query rows straight from the DBAPI cursor, in batches that grow.

SQLAlchemy's result rows cost several microseconds each, which dominates
a million-row stream; the DBAPI cursor's plain tuples cost nothing extra.
Only the columns whose type decodes values (UUIDs stored as bytes, regions
stored as base64 text, booleans on SQLite) get a Python step, found once
per query from the column types. Region columns go through a per-query
cache keyed by the encoded text: in a spatial join each region comes back
on many rows, and decoding it once lets its bounding circle and edge
normals (cached on the region) serve every row.

The first batch is small so the first row arrives quickly; later batches
grow to keep the per-batch cost low on large results.

Building a batch allocates tens of thousands of objects that hold no
reference cycles (tuples, UUIDs, data IDs, refs); the cyclic garbage
collector would run every 700 of them and, once the results kept grow,
rescan them all again and again (half the time of a 100,000-ref search).
`~skybutler.daf_butler._gc.paused_gc` holds it off while a batch is built,
never across a ``yield``.
"""

from __future__ import annotations

__all__ = [
    "FIRST_BATCH",
    "MAX_BATCH",
    "RegionDecoder",
    "stream_batches",
    "uuid_decoder",
]

import concurrent.futures
import itertools
from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from .._gc import paused_gc
from ..registry.databases._types import GUID, Base64Region, _uuid_from_bytes
from ..sphgeom import Region
from ._statistics import ensure_statistics

FIRST_BATCH = 32
MAX_BATCH = 10_000
_GROWTH = 8
_CACHE_LIMIT = 200_000

Decoder = Callable[[Any], Any]


class RegionDecoder:
    """Decode base64 region text, each distinct text once (up to a bound)."""

    def __init__(self) -> None:
        self._cache: dict[str, Region] = {}

    def __call__(self, text: str) -> Region:
        """Return the region a base64 text encodes."""
        region = self._cache.get(text)
        if region is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            region = self._cache[text] = Region.decodeBase64(text)
        return region


def _decoders(
    statement: sa.Select[Any],
    dialect: sa.Dialect,
    description: Sequence[Sequence[Any]],
    undecoded: Collection[str],
) -> list[tuple[int, Decoder]]:
    """Return ``(column index, decoder)`` for each column whose values need decoding."""
    found: list[tuple[int, Decoder]] = []
    for index, column in enumerate(statement.selected_columns):
        if column.key in undecoded:
            continue
        column_type = column.type
        if isinstance(column_type, Base64Region):
            found.append((index, RegionDecoder()))
            continue
        if isinstance(column_type, GUID):
            # psycopg already returns `uuid.UUID`; SQLite gives the 16 bytes.
            if dialect.name != "postgresql":
                found.append((index, _uuid_decoder(column_type, dialect)))
            continue
        type_code = description[index][1]
        processor = column_type.dialect_impl(dialect).result_processor(dialect, type_code)
        if processor is not None:
            found.append((index, processor))
    return found


def _uuid_decoder(column_type: GUID, dialect: sa.Dialect) -> Decoder:
    """Return the GUID conversion without SQLAlchemy's per-value wrapper.

    The 16 stored bytes go straight to the fast constructor; anything else
    (a UUID already decoded, a malformed value) takes the type's own path.
    """
    convert = column_type.process_result_value

    def decode(value: Any) -> Any:
        if value.__class__ is bytes and len(value) == 16:
            return _uuid_from_bytes(value)
        return convert(value, dialect)

    return decode


def uuid_decoder(dialect: sa.Dialect) -> Decoder | None:
    """Return what turns a UUID column's values, as the driver gives them, into UUIDs.

    `None` when the driver gives UUIDs already (PostgreSQL). The conversion
    also accepts UUIDs (the values of the first batch are decoded already).
    """
    if dialect.name == "postgresql":
        return None
    return _uuid_decoder(GUID(), dialect)


def _decode(batch: Sequence[Any], decoders: list[tuple[int, Decoder]]) -> list[tuple[Any, ...]]:
    decoded = []
    for row in batch:
        values = list(row)
        for index, decoder in decoders:
            value = values[index]
            if value is not None:
                values[index] = decoder(value)
        decoded.append(tuple(values))
    return decoded


def _grow(size: int, factor: int) -> int:
    return min(size * factor, MAX_BATCH)


def _prefetched(fetch: Callable[[], Sequence[Any]]) -> Iterator[Sequence[Any]]:
    """Yield batches until an empty one, fetching the next on a thread meanwhile.

    psycopg releases the interpreter lock while it waits for the server, so
    the server produces and sends one batch while Python builds objects from
    the last: the wall time becomes the larger of the two, not their sum.
    """
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="query-rows") as pool:
        pending = pool.submit(fetch)
        while batch := pending.result():
            pending = pool.submit(fetch)
            yield batch


def stream_batches(
    engine: sa.Engine, statement: sa.Select[Any], *, undecoded: Collection[str] = ()
) -> Iterator[Sequence[tuple[Any, ...]]]:
    """Yield the rows of ``statement`` in batches of tuples (values in selected column order).

    Columns labelled in ``undecoded`` keep, after the first batch, the values
    the driver gives: the caller decodes them itself (saving a copy of each
    row when it builds objects from the rows anyway).

    The rows come on a connection of their own, outside the registry's
    transaction frames, so the caller may write to the registry while
    iterating. On PostgreSQL, tables with stale planner statistics are
    analyzed first (`ensure_statistics`), and each batch after the first is
    fetched while the caller works on the one before.
    """
    ensure_statistics(engine, statement)
    with engine.connect() as connection:
        result = connection.execution_options(stream_results=True).execute(statement)
        try:
            # The first batch goes through SQLAlchemy, which may hold rows it read ahead;
            # once they are handed out, the DBAPI cursor is exactly after them.
            first = result.fetchmany(FIRST_BATCH)
            yield [tuple(row) for row in first]
            if len(first) < FIRST_BATCH:
                return
            cursor = result.cursor
            decoders = _decoders(statement, engine.dialect, cursor.description, undecoded)
            sizes = itertools.accumulate(itertools.repeat(_GROWTH), _grow, initial=FIRST_BATCH)
            next(sizes)

            def fetch() -> Sequence[Any]:
                with paused_gc():
                    batch = cursor.fetchmany(next(sizes))
                    return _decode(batch, decoders) if decoders and batch else batch

            if engine.dialect.name == "postgresql":
                yield from _prefetched(fetch)
                return
            while batch := fetch():
                yield batch
        finally:
            result.close()
