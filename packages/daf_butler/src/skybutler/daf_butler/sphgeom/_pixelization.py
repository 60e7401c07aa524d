"""The `Pixelization` base class: hierarchical envelopes and interiors.

Both HTM and nested HEALPix number the four children of pixel ``p`` as
``4p .. 4p+3``, so one descent serves both: from the root pixels downward,
drop pixels that miss the region, keep whole subtrees of pixels inside it and
split the rest, down to the requested level.
"""

from __future__ import annotations

__all__ = ["Pixelization", "pixelization_class", "pixelization_from_name"]

import re
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self

import numpy as np
import numpy.typing as npt

from ..errors import RegionError
from ._geometry import BoolArray, FloatArray
from ._rangeset import IntArray, RangeSet
from ._region import Region
from ._vector import UnitVector3d

if TYPE_CHECKING:
    from ._circle import Circle


class PixelBatch(Protocol):
    """Pixels of one level under consideration, with whatever geometry is at hand."""

    ids: IntArray

    def caps(self) -> tuple[FloatArray, FloatArray | float] | None:
        """Return bounding caps if cheap to get, else `None`.

        Centers are ``(3, K)``; openings are per pixel or one upper bound for all.
        """

    def take(self, mask: BoolArray) -> Self:
        """Return the pixels selected by ``mask``."""

    def children(self) -> Self:
        """Return the children of these pixels, in index order."""


class Pixelization(ABC):
    """A hierarchical division of the sphere into numbered pixels at one level."""

    MAX_LEVEL: ClassVar[int]
    NAME: ClassVar[str]
    # Above this many candidate pixels, relate them exactly even at coarse levels: the
    # exact test prunes (and settles whole subtrees) far better than bounding caps.
    _BATCH_EXACT = 32
    # The descent starts from a cached table of this level, scanned in one product,
    # instead of walking down from the roots one level at a time.
    _START_LEVEL: ClassVar[int] = 4

    def __init__(self, level: int):
        if isinstance(level, bool) or not isinstance(level, int | np.integer):
            raise RegionError(f"A {type(self).__name__} level must be an integer, not {level!r}.")
        if not 0 <= level <= self.MAX_LEVEL:
            raise RegionError(
                f"{type(self).__name__} level {level} is out of range; allowed levels are "
                f"0 to {self.MAX_LEVEL}."
            )
        self._level = int(level)

    def getLevel(self) -> int:
        """Return the subdivision level."""
        return self._level

    @abstractmethod
    def universe(self) -> RangeSet:
        """Return the set of every pixel index at this level."""

    @abstractmethod
    def pixel(self, i: int) -> Region:
        """Return the region of pixel ``i``."""

    @abstractmethod
    def index(self, v: UnitVector3d) -> int:
        """Return the index of the pixel holding a point."""

    @abstractmethod
    def toString(self, i: int) -> str:
        """Return a human-readable name of pixel ``i``."""

    @abstractmethod
    def _start(self, level: int, bound: Circle) -> PixelBatch:
        """Return the pixels of a (coarse) level whose caps may overlap ``bound``."""

    @abstractmethod
    def _max_opening(self, level: int) -> float:
        """Return (about) the largest pixel bounding-cap opening angle at a level."""

    @abstractmethod
    def _relate(self, region: Region, batch: Any) -> tuple[BoolArray, BoolArray]:
        """Return, per pixel, (may overlap region, certainly within region)."""

    def envelope(self, region: Region, maxRanges: int = 0) -> RangeSet:
        """Return pixel indices covering the region: every pixel that may overlap it.

        Parameters
        ----------
        region
            Region to cover.
        maxRanges
            If positive, coarsen the result (adding pixels) until it has at
            most this many ranges.
        """
        result = self._descend(region, interior=False)
        if maxRanges > 0:
            n = 2
            while result.size() > maxRanges:
                result = result.simplified(n)
                n += 2
        return result

    def interior(self, region: Region, maxRanges: int = 0) -> RangeSet:
        """Return the indices of pixels certainly inside the region.

        Parameters
        ----------
        region
            Region to fill.
        maxRanges
            If positive, drop pixels (never add any) until the result has at
            most this many ranges.
        """
        result = self._descend(region, interior=True)
        if maxRanges > 0:
            n = 2
            while result.size() > maxRanges:
                result = result.shrunk(n)
                n += 2
        return result

    def _descend(self, region: Region, interior: bool) -> RangeSet:
        bound = region.getBoundingCircle()
        if region.isEmpty() or bound.isEmpty():
            return RangeSet()
        begins: list[IntArray] = []
        ends: list[IntArray] = []
        start = min(self._level, self._START_LEVEL)
        batch = self._start(start, bound)
        for level in range(start, self._level + 1):
            caps = batch.caps() if level > start and not bound.isFull() else None
            if caps is not None:
                reach = np.cos(np.minimum(np.pi, caps[1] + bound._opening))
                batch = batch.take(bound._center @ caps[0] >= reach)
            ids = batch.ids
            if not len(ids):
                break
            final = level == self._level
            small = self._max_opening(level) <= bound._opening
            if final or small or len(ids) > self._BATCH_EXACT:
                overlap, within = self._relate(region, batch)
                within &= overlap
                shift = 2 * (self._level - level)
                begins.append(ids[within] << shift)
                ends.append((ids[within] + 1) << shift)
                partial = overlap & ~within
                if final and not interior:
                    begins.append(ids[partial])
                    ends.append(ids[partial] + 1)
                batch = batch.take(partial)
            if not final and len(batch.ids):
                batch = batch.children()
        if not begins:
            return RangeSet()
        return RangeSet._from_arrays(np.concatenate(begins), np.concatenate(ends))

    @staticmethod
    def _near_rows(centers: FloatArray, max_opening: float, bound: Circle) -> npt.NDArray[np.intp]:
        """Return rows of a level table (centers ``(3, K)``) whose caps may overlap ``bound``."""
        if bound.isFull() or max_opening + bound._opening >= np.pi:
            return np.arange(centers.shape[1])
        reach = np.cos(max_opening + bound._opening)
        return np.flatnonzero(bound._center @ centers >= reach)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pixelization):
            return NotImplemented
        return type(self) is type(other) and self._level == other._level

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._level))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._level})"


_NAME_RE = re.compile(r"([a-z]+)(\d+)")


def pixelization_class(name: str) -> type[Pixelization]:
    """Return a pixelization class from a system name or a configured class name.

    Accepts ``htm``/``healpix``, the class names ``HtmPixelization`` and
    ``HealpixPixelization``, and dotted forms such as
    ``lsst.sphgeom.HtmPixelization`` (as written in dimension universe files).

    Raises
    ------
    RegionError
        Raised if the name is not a known pixelization.
    """
    from ._healpix import HealpixPixelization
    from ._htm import HtmPixelization

    classes: dict[str, type[Pixelization]] = {
        "htm": HtmPixelization,
        "healpix": HealpixPixelization,
        "htmpixelization": HtmPixelization,
        "healpixpixelization": HealpixPixelization,
    }
    key = name.rsplit(".", 1)[-1].lower()
    if key not in classes:
        raise RegionError(
            f"Unknown pixelization {name!r}; known systems are 'htm' (HtmPixelization) and "
            "'healpix' (HealpixPixelization)."
        )
    return classes[key]


def pixelization_from_name(name: str) -> Pixelization:
    """Return the pixelization a skypix dimension name stands for, e.g. ``htm7``.

    Raises
    ------
    RegionError
        Raised if the name is not a system name followed by a level, or the
        level is outside the system's range (``htm1..24``, ``healpix1..17``).
    """
    match = _NAME_RE.fullmatch(name)
    if match is None:
        raise RegionError(
            f"{name!r} is not a sky pixelization name; expected a system and level such as "
            "'htm7' or 'healpix10'."
        )
    cls = pixelization_class(match.group(1))
    level = int(match.group(2))
    if not 1 <= level <= cls.MAX_LEVEL:
        raise RegionError(
            f"{name!r}: {cls.NAME} levels run from 1 to {cls.MAX_LEVEL}, not {level}."
        )
    return cls(level)
