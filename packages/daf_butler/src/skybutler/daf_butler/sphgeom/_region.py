"""The abstract `Region` base class and the `Relationship` flags."""

from __future__ import annotations

__all__ = ["CONTAINS", "DISJOINT", "INTERSECTS", "WITHIN", "Region", "Relationship"]

import base64
import binascii
import enum
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..errors import InvalidRegionEncodingError
from ._geometry import BoolArray, FloatArray, points_from_args

if TYPE_CHECKING:
    from ._box import Box
    from ._circle import Circle


class Relationship(enum.IntFlag):
    """What is known about how two regions relate, as in sphgeom.

    A set bit is a guarantee; a clear bit means "not known". ``INTERSECTS``
    is zero, as in sphgeom: a relationship without `DISJOINT` means the
    regions may intersect.
    """

    INTERSECTS = 0
    DISJOINT = 1
    CONTAINS = 2
    WITHIN = 4


DISJOINT = Relationship.DISJOINT
INTERSECTS = Relationship.INTERSECTS
CONTAINS = Relationship.CONTAINS
WITHIN = Relationship.WITHIN


def _invert(relationship: Relationship) -> Relationship:
    """Return the relationship seen from the other region (swap CONTAINS and WITHIN)."""
    result = relationship & DISJOINT
    if relationship & CONTAINS:
        result |= WITHIN
    if relationship & WITHIN:
        result |= CONTAINS
    return Relationship(result)


class Region(ABC):
    """A region of the unit sphere, closed (its boundary belongs to it).

    Every region encodes to sphgeom's binary form (`encode`) and `decode`
    rebuilds the right subclass. `relate` is exact for polygons, circles and
    boxes among themselves; for union and intersection regions it is
    conservative (a bit is set only when it is certain), as in sphgeom.
    """

    __slots__ = ()

    TYPE_CODE: ClassVar[int]
    _registry: ClassVar[dict[int, type[Region]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("TYPE_CODE")
        if code is not None:
            Region._registry[code] = cls

    # ------------------------------------------------------------------ abstract

    @abstractmethod
    def isEmpty(self) -> bool:
        """Return whether the region holds no point."""

    @abstractmethod
    def getBoundingCircle(self) -> Circle:
        """Return a circle holding the whole region."""

    @abstractmethod
    def getBoundingBox(self) -> Box:
        """Return a longitude/latitude box holding the whole region."""

    @abstractmethod
    def _contains_points(self, points: FloatArray) -> BoolArray:
        """Return, for each row of an ``(N, 3)`` unit-vector array, whether it is inside."""

    @abstractmethod
    def relate(self, other: Region) -> Relationship:
        """Return what is known about how this region relates to ``other``."""

    @abstractmethod
    def encode(self) -> bytes:
        """Return sphgeom's binary encoding of the region."""

    @classmethod
    @abstractmethod
    def _decode_body(cls, data: bytes) -> Region:
        """Build a region from an encoding whose type byte has been checked."""

    # ------------------------------------------------------------------ shared

    def contains(self, *args: Any) -> Any:
        """Return whether points (or a region) lie inside this region.

        Parameters
        ----------
        *args
            A `UnitVector3d` or `LonLat` (returns a bool); an ``(N, 3)`` array
            of unit vectors, arrays ``(lon, lat)`` in radians or arrays
            ``(x, y, z)`` (returns a bool array); or a `Region` (returns
            whether it is certainly inside).
        """
        if len(args) == 1 and isinstance(args[0], Region):
            return bool(self.relate(args[0]) & CONTAINS)
        points, scalar = points_from_args(args)
        result = self._contains_points(points)
        return bool(result[0]) if scalar else result

    def overlaps(self, other: Region) -> bool:
        """Return whether the regions share a point (may-overlap where `relate` is conservative)."""
        return not self.relate(other) & DISJOINT

    def intersects(self, other: Region) -> bool:
        """Return whether the regions may share a point (same as `overlaps`)."""
        return self.overlaps(other)

    def isDisjointFrom(self, other: Region) -> bool:
        """Return whether the regions certainly share no point."""
        return bool(self.relate(other) & DISJOINT)

    def isWithin(self, other: Region) -> bool:
        """Return whether this region certainly lies inside ``other``."""
        return bool(self.relate(other) & WITHIN)

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        """Relate a ``(3, m, K)`` batch of convex polygons to this region.

        Returns per polygon (may overlap, certainly within). This default
        builds one `ConvexPolygon` per polygon; subclasses vectorize.
        """
        from ._polygon import ConvexPolygon

        count = vertices.shape[2]
        overlap = np.empty(count, dtype=bool)
        within = np.empty(count, dtype=bool)
        for k in range(count):
            polygon = ConvexPolygon._from_arrays(
                np.ascontiguousarray(vertices[:, :, k].T), np.ascontiguousarray(normals[:, :, k].T)
            )
            relation = polygon.relate(self)
            overlap[k] = not relation & DISJOINT
            within[k] = bool(relation & WITHIN)
        return overlap, within

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        """Relate K caps (centers ``(3, K)``) to this region: (may overlap, certainly within)."""
        from ._circle import Circle

        overlap = np.empty(len(openings), dtype=bool)
        within = np.empty(len(openings), dtype=bool)
        for k, opening in enumerate(openings.tolist()):
            relation = Circle._from_arrays(centers[:, k].copy(), opening).relate(self)
            overlap[k] = not relation & DISJOINT
            within[k] = bool(relation & WITHIN)
        return overlap, within

    def __reduce__(self) -> tuple[Any, ...]:
        return (Region.decode, (self.encode(),))

    # ------------------------------------------------------------------ decoding

    @staticmethod
    def decode(data: bytes) -> Region:
        """Rebuild a region from sphgeom's binary encoding.

        Raises
        ------
        InvalidRegionEncodingError
            Raised if the bytes are empty, have an unknown type byte, the
            wrong length for their type, or non-finite values.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise InvalidRegionEncodingError(
                f"A region encoding must be bytes, not {type(data).__name__}."
            )
        data = bytes(data)
        if not data:
            raise InvalidRegionEncodingError("Cannot decode a region from empty bytes.")
        cls = Region._registry.get(data[0])
        if cls is None:
            known = ", ".join(
                f"0x{code:02x} ({kind.__name__})" for code, kind in sorted(Region._registry.items())
            )
            hint = " (Ellipse is not supported)" if data[0] == 0x65 else ""
            raise InvalidRegionEncodingError(
                f"Unknown region type byte 0x{data[0]:02x}{hint}; known types are {known}."
            )
        return cls._decode_body(data)

    @staticmethod
    def decodeBase64(text: str) -> Region:
        """Rebuild a region from the base64 text of its encoding (as stored in databases)."""
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as err:
            raise InvalidRegionEncodingError(
                f"Region text {text[:40]!r} is not valid base64: {err}."
            ) from None
        return Region.decode(data)

    @staticmethod
    def decodeHex(text: str) -> Region:
        """Rebuild a region from the hex text of its encoding (as in export YAML)."""
        try:
            data = bytes.fromhex(text)
        except (ValueError, TypeError) as err:
            raise InvalidRegionEncodingError(
                f"Region text {str(text)[:40]!r} is not valid hex: {err}."
            ) from None
        return Region.decode(data)

    def encodeBase64(self) -> str:
        """Return the base64 text of the encoding."""
        return base64.b64encode(self.encode()).decode("ascii")

    def encodeHex(self) -> str:
        """Return the hex text of the encoding."""
        return self.encode().hex()


def check_length(data: bytes, expected: int, name: str) -> None:
    """Raise unless an encoding has exactly the expected length."""
    if len(data) != expected:
        raise InvalidRegionEncodingError(
            f"A {name} encoding is {expected} bytes (type byte 0x{data[0]:02x} then "
            f"{(expected - 1) // 8} little-endian float64 values); got {len(data)} bytes."
        )


def check_finite(values: FloatArray, name: str) -> None:
    """Raise unless every decoded value is finite."""
    if not np.isfinite(values).all():
        raise InvalidRegionEncodingError(
            f"A {name} encoding holds non-finite values (NaN or infinity): {values.tolist()}."
        )
