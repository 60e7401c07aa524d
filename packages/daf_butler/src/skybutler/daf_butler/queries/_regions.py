"""Regions written in a query: POINT, CIRCLE, BOX, POLYGON, REGION and bound regions.

Angles are degrees. As upstream does, ``CIRCLE(ra, dec, r)`` becomes a
sphgeom circle with an opening angle of ``2 r``, ``BOX(ra, dec, w, h)`` the
box of half-width ``w/2`` and half-height ``h/2`` around the centre, and
``POLYGON`` the convex hull of its vertices. ``REGION`` takes an IVOA SIAv2
``POS`` string: ``CIRCLE ra dec r``, ``RANGE ra1 ra2 dec1 dec2`` or
``POLYGON ra1 dec1 ra2 dec2 ra3 dec3 ...``.
"""

from __future__ import annotations

__all__ = ["parse_pos", "region_from_bind", "region_from_node"]

import math
from collections.abc import Callable
from typing import Any

from ..errors import InvalidQueryError
from ..sphgeom import Angle, Box, Circle, ConvexPolygon, LonLat, Region, UnitVector3d
from .expressions import (
    BindName,
    BoxNode,
    CircleNode,
    Node,
    PointNode,
    PolygonNode,
    RegionNode,
    StringLiteral,
)


def _point(ra: float, dec: float) -> UnitVector3d:
    if not (math.isfinite(ra) and math.isfinite(dec)) or abs(dec) > 90:
        raise InvalidQueryError(f"({ra}, {dec}) is not a sky position: dec must be in [-90, 90].")
    return UnitVector3d(LonLat.fromDegrees(ra, dec))


def _circle(ra: float, dec: float, radius: float) -> Circle:
    if not math.isfinite(radius) or radius < 0:
        raise InvalidQueryError(f"A circle radius must be a non-negative number, not {radius}.")
    return Circle(_point(ra, dec), Angle.fromDegrees(2.0 * radius))


def _box(ra: float, dec: float, width: float, height: float) -> Box:
    if not (math.isfinite(width) and math.isfinite(height)) or width < 0 or height < 0:
        raise InvalidQueryError(
            f"A box needs a non-negative width and height, not {width}, {height}."
        )
    _point(ra, dec)
    return Box.fromDegrees(
        ra - width / 2, max(-90.0, dec - height / 2), ra + width / 2, min(90.0, dec + height / 2)
    )


def _polygon(coordinates: list[float]) -> ConvexPolygon:
    if len(coordinates) < 6 or len(coordinates) % 2:
        raise InvalidQueryError(
            f"A polygon needs at least three (ra, dec) vertices, got {len(coordinates)} numbers."
        )
    points = [_point(coordinates[i], coordinates[i + 1]) for i in range(0, len(coordinates), 2)]
    polygon = ConvexPolygon.convexHull(points)
    if polygon is None:
        raise InvalidQueryError(
            "The polygon's vertices do not enclose an area (are they collinear?)."
        )
    return polygon


def parse_pos(text: str) -> Region:
    """Return the region of an IVOA SIAv2 ``POS`` string.

    Raises
    ------
    InvalidQueryError
        The string is not ``CIRCLE``, ``RANGE`` or ``POLYGON`` followed by numbers.
    """
    words = text.split()
    if not words:
        raise InvalidQueryError("An empty POS string describes no region.")
    shape = words[0].upper()
    try:
        numbers = [float(w) for w in words[1:]]
    except ValueError:
        raise InvalidQueryError(f"POS string {text!r} must hold numbers after {shape}.") from None
    if shape == "CIRCLE" and len(numbers) == 3:
        ra, dec, radius = numbers
        # POS radii are radii: undo the factor two that CIRCLE() applies.
        return Circle(_point(ra, dec), Angle.fromDegrees(radius))
    if shape == "RANGE" and len(numbers) == 4:
        ra1, ra2, dec1, dec2 = numbers
        return Box.fromDegrees(ra1, dec1, ra2, dec2)
    if shape == "POLYGON":
        return _polygon(numbers)
    raise InvalidQueryError(
        f"POS string {text!r} is not 'CIRCLE ra dec radius', 'RANGE ra1 ra2 dec1 dec2' or "
        "'POLYGON ra1 dec1 ra2 dec2 ra3 dec3 ...'."
    )


def region_from_node(node: Node, number: Callable[[Node], float]) -> Region:
    """Return the region a region function call describes.

    Parameters
    ----------
    node
        A POINT, CIRCLE, BOX, POLYGON or REGION node.
    number
        Evaluates an argument to a number (literals and bind values).
    """
    if isinstance(node, PointNode):
        return Circle(_point(number(node.ra), number(node.dec)))
    if isinstance(node, CircleNode):
        return _circle(number(node.ra), number(node.dec), number(node.radius))
    if isinstance(node, BoxNode):
        return _box(number(node.ra), number(node.dec), number(node.width), number(node.height))
    if isinstance(node, PolygonNode):
        return _polygon([number(c) for c in node.children])
    if isinstance(node, RegionNode) and isinstance(node.pos, StringLiteral):
        return parse_pos(node.pos.value)
    if isinstance(node, RegionNode) and isinstance(node.pos, BindName):
        raise InvalidQueryError(f"Bind value :{node.pos.name} of REGION must be a POS string.")
    raise InvalidQueryError(f"{node} does not describe a region.")  # pragma: no cover


def region_from_bind(value: Any) -> Region:
    """Return a bound value (a sphgeom region, LonLat or astropy SkyCoord) as a region."""
    if isinstance(value, Region):
        return value
    if isinstance(value, LonLat):
        return Circle(UnitVector3d(value))
    if type(value).__name__ == "SkyCoord":
        icrs = value.icrs
        return Circle(_point(float(icrs.ra.degree), float(icrs.dec.degree)))
    raise InvalidQueryError(f"{value!r} cannot be used as a region.")  # pragma: no cover
