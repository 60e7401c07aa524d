"""The HEALPix pixelization in NESTED order, built on astropy-healpix.

HEALPix pixel edges are not great circles, so pixels are related to regions
through bounding caps computed from densely sampled pixel boundaries: the
envelope holds every pixel whose cap may overlap the region (a superset, as
sphgeom's is), the interior only pixels whose cap the region contains.
`pixel` returns the polygon of the four corners, an approximation.
"""

from __future__ import annotations

__all__ = ["HealpixPixelization"]

from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..errors import RegionError
from ._geometry import BoolArray, FloatArray
from ._pixelization import Pixelization
from ._polygon import ConvexPolygon
from ._rangeset import IntArray, RangeSet
from ._region import Region
from ._vector import UnitVector3d

if TYPE_CHECKING:
    from ._circle import Circle

# Points per pixel edge when sampling the boundary for bounding caps.
_STEPS = 4
_FRACTIONS = np.arange(_STEPS) / _STEPS
_BOUNDARY_DX = np.concatenate([_FRACTIONS, np.ones(_STEPS), 1 - _FRACTIONS, np.zeros(_STEPS)])
# Levels up to this one keep their pixels' bounding caps in memory (about 2 MB in all).
_CACHED_LEVELS = 6
_FOUR = np.arange(4, dtype=np.int64)
_BOUNDARY_DY = np.concatenate([np.zeros(_STEPS), _FRACTIONS, np.ones(_STEPS), 1 - _FRACTIONS])


def _healpix() -> Any:
    # Imported on first use: astropy-healpix imports astropy, too slow for a command start.
    import astropy_healpix

    return astropy_healpix


def _xyz(ids: IntArray, nside: int, dx: FloatArray | float, dy: FloatArray | float) -> FloatArray:
    """Return the ``(3, ...)`` unit vectors at offsets ``dx, dy`` inside pixels."""
    return np.stack(_healpix().healpix_to_xyz(ids, nside, dx, dy, order="nested"), axis=0)


def _caps(ids: IntArray, level: int) -> tuple[FloatArray, FloatArray]:
    """Return bounding caps (centers ``(3, K)``, openings) of pixels.

    The caps are safe against the curvature of HEALPix pixel edges.
    """
    nside = 1 << level
    centers = _xyz(ids, nside, 0.5, 0.5)
    samples = len(_BOUNDARY_DX)
    boundary = _xyz(
        np.tile(ids, samples),
        nside,
        np.repeat(_BOUNDARY_DX, len(ids)),
        np.repeat(_BOUNDARY_DY, len(ids)),
    ).reshape(3, samples, len(ids))
    cos_far = (boundary * centers[:, None, :]).sum(axis=0)
    far = np.arccos(np.clip(cos_far, -1.0, 1.0)).max(axis=0)
    # Between two samples the boundary can reach at most half their spacing
    # (times a little for the curve being longer than the chord) farther out.
    step = boundary - boundary[:, np.roll(np.arange(samples), -1)]
    spacing = np.sqrt((step * step).sum(axis=0)).max(axis=0)
    return centers, far + 0.55 * spacing + 1e-12


@cache
def _level_table(level: int) -> tuple[FloatArray, FloatArray, float]:
    """Return centers, cap openings and the largest opening of every pixel of a level."""
    centers, openings = _caps(np.arange(12 << (2 * level), dtype=np.int64), level)
    return centers, openings, float(openings.max())


class _PixelBatch:
    """HEALPix pixels of one level with their bounding caps (computed on demand)."""

    __slots__ = ("_caps", "ids", "level")

    def __init__(
        self, ids: IntArray, level: int, caps: tuple[FloatArray, FloatArray] | None = None
    ):
        self.ids = ids
        self.level = level
        self._caps = caps

    def caps(self) -> tuple[FloatArray, FloatArray]:
        if self._caps is None:
            if self.level <= _CACHED_LEVELS:
                centers, openings, _ = _level_table(self.level)
                self._caps = (centers[:, self.ids], openings[self.ids])
            else:
                self._caps = _caps(self.ids, self.level)
        return self._caps

    def take(self, mask: BoolArray) -> _PixelBatch:
        caps = None if self._caps is None else (self._caps[0][:, mask], self._caps[1][mask])
        return _PixelBatch(self.ids[mask], self.level, caps)

    def children(self) -> _PixelBatch:
        return _PixelBatch((self.ids[:, None] * 4 + _FOUR).ravel(), self.level + 1)


class HealpixPixelization(Pixelization):
    """The HEALPix pixelization (NESTED order) at one level, ``nside = 2**level``.

    Parameters
    ----------
    level
        Subdivision level, 0 to 17.

    Raises
    ------
    RegionError
        Raised if the level is out of range.
    """

    MAX_LEVEL: ClassVar[int] = 17
    NAME: ClassVar[str] = "healpix"

    @property
    def nside(self) -> int:
        """Number of pixels along a side of a base pixel."""
        return 1 << self._level

    def universe(self) -> RangeSet:
        """Return ``[0, 12·4^L)``, every pixel index of this level."""
        return RangeSet(0, 12 << (2 * self._level))

    def pixel(self, i: int) -> ConvexPolygon:
        """Return the polygon of a pixel's four corners (edges approximated by great circles)."""
        i = self._check_index(i)
        corners = _xyz(
            np.full(4, i, dtype=np.int64),
            self.nside,
            np.array([0.0, 1.0, 1.0, 0.0]),
            np.array([0.0, 0.0, 1.0, 1.0]),
        )
        return ConvexPolygon([UnitVector3d(*row) for row in corners.T.tolist()])

    def index(self, v: UnitVector3d) -> int:
        """Return the index of the pixel holding a point."""
        return int(_healpix().xyz_to_healpix(v.x(), v.y(), v.z(), self.nside, order="nested"))

    def index_array(self, points: FloatArray) -> IntArray:
        """Return the pixel index of each row of an ``(N, 3)`` unit-vector array."""
        points = np.asarray(points, dtype=np.float64).reshape(-1, 3)
        result = _healpix().xyz_to_healpix(
            points[:, 0], points[:, 1], points[:, 2], self.nside, order="nested"
        )
        return np.asarray(result, dtype=np.int64)

    def toString(self, i: int) -> str:
        """Return the decimal index of pixel ``i``."""
        return str(self._check_index(i))

    def _check_index(self, i: int) -> int:
        i = int(i)
        if not 0 <= i < 12 << (2 * self._level):
            raise RegionError(
                f"{i} is not a level-{self._level} HEALPix index; those lie in "
                f"[0, {12 << (2 * self._level)})."
            )
        return i

    def _start(self, level: int, bound: Circle) -> _PixelBatch:
        centers, openings, max_opening = _level_table(level)
        rows = self._near_rows(centers, max_opening, bound)
        return _PixelBatch(rows.astype(np.int64), level, (centers[:, rows], openings[rows]))

    def _max_opening(self, level: int) -> float:
        top = min(level, _CACHED_LEVELS)
        return _level_table(top)[2] * 0.5 ** (level - top)

    def _relate(self, region: Region, batch: _PixelBatch) -> tuple[BoolArray, BoolArray]:
        return region._relate_caps(*batch.caps())
