"""Unions and intersections of regions."""

from __future__ import annotations

__all__ = ["IntersectionRegion", "UnionRegion"]

import math
import struct
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InvalidRegionEncodingError, RegionError
from ._angle import TWO_PI
from ._geometry import BoolArray, FloatArray
from ._region import CONTAINS, DISJOINT, WITHIN, Region, Relationship

if TYPE_CHECKING:
    from ._box import Box
    from ._circle import Circle


class _CompoundRegion(Region):
    """Shared machinery of unions and intersections of operand regions."""

    __slots__ = ("_operands",)

    _operands: tuple[Region, ...]

    def __init__(self, *regions: Region):
        for region in regions:
            if not isinstance(region, Region):
                raise RegionError(
                    f"{type(self).__name__} operands must be regions, not {type(region).__name__}."
                )
        self._operands = tuple(regions)

    def __len__(self) -> int:
        return len(self._operands)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._operands)

    def __getitem__(self, i: int) -> Region:
        return self._operands[i]

    def getOperand(self, i: int) -> Region:
        """Return operand ``i``."""
        return self._operands[i]

    def nOperands(self) -> int:
        """Return the number of operands."""
        return len(self._operands)

    def encode(self) -> bytes:
        """Return the type byte, then per operand its byte length (uint64 LE) and encoding."""
        parts = [bytes([self.TYPE_CODE])]
        for operand in self._operands:
            data = operand.encode()
            parts.append(struct.pack("<Q", len(data)))
            parts.append(data)
        return b"".join(parts)

    @classmethod
    def _decode_body(cls, data: bytes) -> Region:
        operands: list[Region] = []
        offset = 1
        while offset < len(data):
            if offset + 8 > len(data):
                raise InvalidRegionEncodingError(
                    f"A {cls.__name__} encoding is truncated: an operand length needs 8 bytes at "
                    f"offset {offset}, but only {len(data) - offset} remain."
                )
            (size,) = struct.unpack_from("<Q", data, offset)
            offset += 8
            if size == 0 or offset + size > len(data):
                raise InvalidRegionEncodingError(
                    f"A {cls.__name__} encoding declares an operand of {size} bytes at offset "
                    f"{offset}, but {len(data) - offset} bytes remain."
                )
            operands.append(Region.decode(data[offset : offset + size]))
            offset += size
        return cls(*operands)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _CompoundRegion) or type(other) is not type(self):
            return NotImplemented
        return self._operands == other._operands

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._operands))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._operands))})"


class UnionRegion(_CompoundRegion):
    """The points in any of the operand regions.

    Notes
    -----
    `relate` is conservative: CONTAINS is reported only when one operand
    contains the other region, as in sphgeom.
    """

    __slots__ = ()

    TYPE_CODE = 0x75

    def isEmpty(self) -> bool:
        """Return whether every operand is empty."""
        return all(region.isEmpty() for region in self._operands)

    def _contains_points(self, points: FloatArray) -> BoolArray:
        result = np.zeros(len(points), dtype=bool)
        for region in self._operands:
            result |= region._contains_points(points)
        return result

    def relate(self, other: Region) -> Relationship:
        """Return what is certainly known about how the union relates to ``other``."""
        if self.isEmpty():
            return DISJOINT | WITHIN | (CONTAINS if other.isEmpty() else 0)
        relations = [region.relate(other) for region in self._operands]
        result = Relationship(0)
        if all(r & DISJOINT for r in relations):
            result |= DISJOINT
        if any(r & CONTAINS for r in relations):
            result |= CONTAINS
        if all(r & WITHIN for r in relations):
            result |= WITHIN
        return result

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        overlap = np.zeros(vertices.shape[2], dtype=bool)
        within = np.zeros(vertices.shape[2], dtype=bool)
        for region in self._operands:
            o, w = region._relate_polygons(vertices, normals, eps, margin)
            overlap |= o
            within |= w
        return overlap, within

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        overlap = np.zeros(len(openings), dtype=bool)
        within = np.zeros(len(openings), dtype=bool)
        for region in self._operands:
            o, w = region._relate_caps(centers, openings)
            overlap |= o
            within |= w
        return overlap, within

    def getBoundingCircle(self) -> Circle:
        """Return a circle covering every operand's bounding circle."""
        from ._circle import Circle

        result = Circle.empty()
        for region in self._operands:
            result = _circle_union(result, region.getBoundingCircle())
        return result

    def getBoundingBox(self) -> Box:
        """Return a box covering every operand's bounding box."""
        from ._box import Box

        result = Box.empty()
        for region in self._operands:
            result = _box_union(result, region.getBoundingBox())
        return result


class IntersectionRegion(_CompoundRegion):
    """The points in all of the operand regions.

    Notes
    -----
    `relate` and `isEmpty` are conservative: DISJOINT is reported only when
    one operand is disjoint from the other region, and the intersection is
    known empty only when two operands are disjoint, as in sphgeom.
    """

    __slots__ = ()

    TYPE_CODE = 0x69

    def isEmpty(self) -> bool:
        """Return whether the intersection is certainly empty."""
        ops = self._operands
        if any(region.isEmpty() for region in ops):
            return True
        return any(ops[i].isDisjointFrom(ops[j]) for i in range(len(ops)) for j in range(i))

    def _contains_points(self, points: FloatArray) -> BoolArray:
        result = np.ones(len(points), dtype=bool)
        for region in self._operands:
            result &= region._contains_points(points)
        return result

    def relate(self, other: Region) -> Relationship:
        """Return what is certainly known about how the intersection relates to ``other``."""
        if self.isEmpty():
            return DISJOINT | WITHIN | (CONTAINS if other.isEmpty() else 0)
        if other.isEmpty():
            return DISJOINT | CONTAINS
        if not self._operands:  # the intersection of nothing is the whole sphere
            return CONTAINS
        relations = [region.relate(other) for region in self._operands]
        result = Relationship(0)
        if any(r & DISJOINT for r in relations):
            result |= DISJOINT
        if all(r & CONTAINS for r in relations):
            result |= CONTAINS
        if any(r & WITHIN for r in relations):
            result |= WITHIN
        return result

    def _relate_polygons(
        self, vertices: FloatArray, normals: FloatArray, eps: float, margin: float
    ) -> tuple[BoolArray, BoolArray]:
        overlap = np.ones(vertices.shape[2], dtype=bool)
        within = np.ones(vertices.shape[2], dtype=bool)
        for region in self._operands:
            o, w = region._relate_polygons(vertices, normals, eps, margin)
            overlap &= o
            within &= w
        return overlap, within

    def _relate_caps(
        self, centers: FloatArray, openings: FloatArray
    ) -> tuple[BoolArray, BoolArray]:
        overlap = np.ones(len(openings), dtype=bool)
        within = np.ones(len(openings), dtype=bool)
        for region in self._operands:
            o, w = region._relate_caps(centers, openings)
            overlap &= o
            within &= w
        return overlap, within

    def getBoundingCircle(self) -> Circle:
        """Return the smallest operand bounding circle."""
        from ._circle import Circle

        circles = [region.getBoundingCircle() for region in self._operands]
        return min(circles, key=lambda c: c._opening, default=Circle.full())

    def getBoundingBox(self) -> Box:
        """Return the smallest operand bounding box."""
        from ._box import Box

        boxes = [region.getBoundingBox() for region in self._operands]
        return min(boxes, key=lambda b: b.lon_width() * (b._lat_b - b._lat_a), default=Box.full())


def _circle_union(a: Circle, b: Circle) -> Circle:
    """Return the smallest circle covering two circles."""
    from ._circle import Circle

    if b.isEmpty() or a.isFull():
        return a
    if a.isEmpty() or b.isFull():
        return b
    d = math.atan2(
        float(np.linalg.norm(np.cross(a._center, b._center))), float(a._center @ b._center)
    )
    if d + b._opening <= a._opening:
        return a
    if d + a._opening <= b._opening:
        return b
    radius = 0.5 * (d + a._opening + b._opening)
    if radius >= math.pi or d >= math.pi - 1e-12:
        return Circle.full()
    # Move from a's center toward b's by (radius - a's opening) along the great circle.
    step = radius - a._opening
    toward = b._center - (a._center @ b._center) * a._center
    toward /= np.linalg.norm(toward)
    center = math.cos(step) * a._center + math.sin(step) * toward
    return Circle._from_arrays(center / np.linalg.norm(center), radius * (1.0 + 1e-12) + 1e-15)


def _box_union(a: Box, b: Box) -> Box:
    """Return the smallest box covering two boxes."""
    from ._box import Box

    if b.isEmpty():
        return a
    if a.isEmpty():
        return b
    lat_a, lat_b = min(a._lat_a, b._lat_a), max(a._lat_b, b._lat_b)
    if a.lon_full() or b.lon_full():
        return Box._raw(0.0, TWO_PI, lat_a, lat_b)
    # Candidate arcs: start at either box's west edge and run east to cover both.
    best: tuple[float, float] | None = None
    for first, second in ((a, b), (b, a)):
        start = first._lon_a
        end_first = first.lon_width()
        end_second = (second._lon_a - start) % TWO_PI + second.lon_width()
        width = max(end_first, end_second)
        if best is None or width < best[1]:
            best = (start, width)
    assert best is not None
    start, width = best
    if width >= TWO_PI:
        return Box._raw(0.0, TWO_PI, lat_a, lat_b)
    return Box.fromRadians(start, lat_a, start + width, lat_b)
