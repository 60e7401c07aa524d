"""What happens to rows after SQL: exact region tests and sky pixels computed from regions.

The database only knows which common-skypix (``htm7``) pixels each region
touches, so a spatial join or constraint done in SQL keeps some rows whose
regions do not really overlap; `Postprocessor` drops those with an exact
test. Skypix dimensions have no table: when one is asked for beside a
spatial element, each row fans out into one row per pixel of that
pixelization overlapping the element's region.
"""

from __future__ import annotations

__all__ = ["Postprocessor", "RegionSource"]

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from ..sphgeom import Region

Row = dict[str, Any]


@dataclasses.dataclass(frozen=True)
class RegionSource:
    """Where a region comes from: a selected column, a skypix pixel, or a constant."""

    label: str | None = None
    """Label of a region column of the SQL rows."""
    skypix: str | None = None
    """Name of a skypix dimension whose pixel (by the row's value) is the region."""
    pixel: Callable[[int], Region] | None = None
    constant: Region | None = None

    def get(self, row: Row) -> Region | None:
        """Return the region for one row (`None` if the record has none)."""
        if self.constant is not None:
            return self.constant
        if self.label is not None:
            return row[self.label]  # type: ignore[no-any-return]
        assert self.skypix is not None
        assert self.pixel is not None
        return self.pixel(row[self.skypix])


@dataclasses.dataclass
class FanOut:
    """Compute a skypix dimension's values from the region of an element."""

    dimension: str
    envelope: Callable[[Region], Any]
    pixel: Callable[[int], Region]
    region: RegionSource


@dataclasses.dataclass
class Postprocessor:
    """The Python stage of one query."""

    fanouts: list[FanOut] = dataclasses.field(default_factory=list)
    checks: list[tuple[RegionSource, RegionSource]] = dataclasses.field(default_factory=list)
    """Pairs of regions that must overlap."""

    def __bool__(self) -> bool:
        return bool(self.fanouts or self.checks)

    def apply(self, rows: Iterator[Row]) -> Iterator[Row]:
        """Yield the rows that pass, fanned out."""
        if not self.fanouts:
            # The common case (spatial joins): a plain filter, no generator per row.
            yield from filter(self._passes, rows)
            return
        for row in rows:
            yield from self._expand(row, 0)

    def _expand(self, row: Row, index: int) -> Iterator[Row]:
        if index == len(self.fanouts):
            if self._passes(row):
                yield row
            return
        fanout = self.fanouts[index]
        region = fanout.region.get(row)
        if region is None:
            return
        for begin, end in fanout.envelope(region):
            for pixel in range(begin, end):
                if not fanout.pixel(pixel).overlaps(region):
                    continue
                yield from self._expand({**row, fanout.dimension: pixel}, index + 1)

    def _passes(self, row: Row) -> bool:
        for a, b in self.checks:
            first, second = a.get(row), b.get(row)
            if first is None or second is None or not first.overlaps(second):
                return False
        return True
