"""Regions on the unit sphere and sky pixelizations, with sphgeom's public names.

Code written against ``lsst.sphgeom`` ports by changing the import: points
(`UnitVector3d`, `LonLat`), angles, regions (`ConvexPolygon`, `Circle`,
`Box`, `UnionRegion`, `IntersectionRegion`) with sphgeom's binary encoding,
`Relationship` flags, `RangeSet`, and the `HtmPixelization` and
`HealpixPixelization` pixelizations. `pixelization_from_name` turns a skypix
dimension name such as ``htm7`` into its pixelization.
"""

from ._angle import Angle, AngleInterval, NormalizedAngle, NormalizedAngleInterval
from ._box import Box
from ._circle import Circle
from ._compound import IntersectionRegion, UnionRegion
from ._healpix import HealpixPixelization
from ._htm import HtmPixelization
from ._pixelization import Pixelization, pixelization_class, pixelization_from_name
from ._polygon import ConvexPolygon
from ._rangeset import RangeSet
from ._region import CONTAINS, DISJOINT, INTERSECTS, WITHIN, Region, Relationship
from ._vector import LonLat, UnitVector3d, Vector3d

__all__ = [
    "CONTAINS",
    "DISJOINT",
    "INTERSECTS",
    "WITHIN",
    "Angle",
    "AngleInterval",
    "Box",
    "Circle",
    "ConvexPolygon",
    "HealpixPixelization",
    "HtmPixelization",
    "IntersectionRegion",
    "LonLat",
    "NormalizedAngle",
    "NormalizedAngleInterval",
    "Pixelization",
    "RangeSet",
    "Region",
    "Relationship",
    "UnionRegion",
    "UnitVector3d",
    "Vector3d",
    "pixelization_class",
    "pixelization_from_name",
]
