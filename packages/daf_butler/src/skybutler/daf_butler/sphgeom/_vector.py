"""Points on the unit sphere: 3-vectors, unit vectors and longitude/latitude pairs."""

from __future__ import annotations

__all__ = ["LonLat", "UnitVector3d", "Vector3d"]

import math
from collections.abc import Iterator
from typing import Any, Self, overload

from ..errors import RegionError
from ._angle import HALF_PI, Angle, NormalizedAngle


class Vector3d:
    """An immutable vector in 3-space.

    Parameters
    ----------
    x, y, z
        Components.
    """

    __slots__ = ("_x", "_y", "_z")

    _x: float
    _y: float
    _z: float

    def __init__(self, x: float | Vector3d = 0.0, y: float = 0.0, z: float = 0.0):
        if isinstance(x, Vector3d):
            v = x
            x, y, z = v._x, v._y, v._z
        object.__setattr__(self, "_x", float(x))
        object.__setattr__(self, "_y", float(y))
        object.__setattr__(self, "_z", float(z))

    @classmethod
    def _raw(cls, x: float, y: float, z: float) -> Self:
        vector = object.__new__(cls)
        object.__setattr__(vector, "_x", x)
        object.__setattr__(vector, "_y", y)
        object.__setattr__(vector, "_z", z)
        return vector

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._x, self._y, self._z))

    def x(self) -> float:
        """Return the x component."""
        return self._x

    def y(self) -> float:
        """Return the y component."""
        return self._y

    def z(self) -> float:
        """Return the z component."""
        return self._z

    def __getitem__(self, i: int) -> float:
        return (self._x, self._y, self._z)[i]

    def __iter__(self) -> Iterator[float]:
        return iter((self._x, self._y, self._z))

    def __len__(self) -> int:
        return 3

    def dot(self, other: Vector3d) -> float:
        """Return the scalar product."""
        return self._x * other._x + self._y * other._y + self._z * other._z

    def cross(self, other: Vector3d) -> Vector3d:
        """Return the vector product (not normalized)."""
        return Vector3d._raw(
            self._y * other._z - self._z * other._y,
            self._z * other._x - self._x * other._z,
            self._x * other._y - self._y * other._x,
        )

    def getSquaredNorm(self) -> float:
        """Return the squared Euclidean norm."""
        return self.dot(self)

    def getNorm(self) -> float:
        """Return the Euclidean norm."""
        return math.sqrt(self.dot(self))

    def isZero(self) -> bool:
        """Return whether every component is zero."""
        return self._x == 0.0 and self._y == 0.0 and self._z == 0.0

    def normalized(self) -> UnitVector3d:
        """Return this vector scaled to unit length."""
        return UnitVector3d(self._x, self._y, self._z)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vector3d):
            return NotImplemented
        return (self._x, self._y, self._z) == (other._x, other._y, other._z)

    def __hash__(self) -> int:
        return hash((self._x, self._y, self._z))

    def __neg__(self) -> Vector3d:
        return Vector3d._raw(-self._x, -self._y, -self._z)

    def __add__(self, other: Vector3d) -> Vector3d:
        return Vector3d._raw(self._x + other._x, self._y + other._y, self._z + other._z)

    def __sub__(self, other: Vector3d) -> Vector3d:
        return Vector3d._raw(self._x - other._x, self._y - other._y, self._z - other._z)

    def __mul__(self, factor: float) -> Vector3d:
        return Vector3d._raw(self._x * factor, self._y * factor, self._z * factor)

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Vector3d:
        return Vector3d._raw(self._x / divisor, self._y / divisor, self._z / divisor)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._x!r}, {self._y!r}, {self._z!r})"


class UnitVector3d(Vector3d):
    """A point on the unit sphere, as a vector of unit length.

    Built from components (normalized here), a `Vector3d`, a `LonLat`, or a
    longitude and latitude given as `Angle` objects.

    Raises
    ------
    RegionError
        Raised if the components are zero or not finite.
    """

    __slots__ = ()

    @overload
    def __init__(self, x: float, y: float, z: float) -> None: ...
    @overload
    def __init__(self, x: Vector3d | LonLat) -> None: ...
    @overload
    def __init__(self, x: Angle, y: Angle) -> None: ...

    def __init__(self, x: Any, y: Any = None, z: Any = None):
        if isinstance(x, LonLat):
            x, y, z = _lonlat_to_xyz(x._lon, x._lat)
        elif isinstance(x, Angle):
            x, y, z = _lonlat_to_xyz(x.asRadians(), Angle(y).asRadians())
        elif isinstance(x, Vector3d):
            x, y, z = x._x, x._y, x._z
        x, y, z = float(x), float(y), float(z)
        norm = math.sqrt(x * x + y * y + z * z)
        if not (norm > 0.0 and math.isfinite(norm)):
            raise RegionError(
                f"Cannot build a unit vector from ({x}, {y}, {z}): the components must be "
                "finite and not all zero."
            )
        object.__setattr__(self, "_x", x / norm)
        object.__setattr__(self, "_y", y / norm)
        object.__setattr__(self, "_z", z / norm)

    @classmethod
    def X(cls) -> UnitVector3d:
        """Return the unit vector along +x."""
        return cls._raw(1.0, 0.0, 0.0)

    @classmethod
    def Y(cls) -> UnitVector3d:
        """Return the unit vector along +y."""
        return cls._raw(0.0, 1.0, 0.0)

    @classmethod
    def Z(cls) -> UnitVector3d:
        """Return the unit vector along +z."""
        return cls._raw(0.0, 0.0, 1.0)

    @classmethod
    def fromDegrees(cls, lon: float, lat: float) -> UnitVector3d:
        """Return the unit vector at a longitude and latitude given in degrees."""
        return cls._raw(*_lonlat_to_xyz(math.radians(lon), math.radians(lat)))

    @classmethod
    def fromRadians(cls, lon: float, lat: float) -> UnitVector3d:
        """Return the unit vector at a longitude and latitude given in radians."""
        return cls._raw(*_lonlat_to_xyz(lon, lat))

    def __neg__(self) -> UnitVector3d:
        return UnitVector3d._raw(-self._x, -self._y, -self._z)

    def robustCross(self, other: UnitVector3d) -> Vector3d:
        """Return twice the cross product, computed as ``(b + a) x (b - a)``.

        This stays accurate when the two vectors are nearly equal.
        """
        return (other + self).cross(other - self)


class LonLat:
    """A longitude and latitude on the sphere.

    Parameters
    ----------
    lon
        Longitude (normalized to [0, 2π)), or a `Vector3d` to convert.
    lat
        Latitude in [-π/2, π/2].

    Raises
    ------
    RegionError
        Raised if the latitude is outside [-π/2, π/2].
    """

    __slots__ = ("_lat", "_lon")

    def __init__(self, lon: Angle | float | Vector3d, lat: Angle | float | None = None):
        if isinstance(lon, Vector3d):
            self._lon = _longitude(lon._x, lon._y)
            self._lat = math.atan2(lon._z, math.hypot(lon._x, lon._y))
            return
        lat_rad = float(lat) if lat is not None else 0.0
        if not -HALF_PI <= lat_rad <= HALF_PI:
            raise RegionError(f"Latitude {lat_rad} rad is outside [-π/2, π/2].")
        self._lon = NormalizedAngle(lon).asRadians()
        self._lat = lat_rad

    @classmethod
    def fromDegrees(cls, lon: float, lat: float) -> LonLat:
        """Return the position at a longitude and latitude given in degrees."""
        return cls(math.radians(lon), math.radians(lat))

    @classmethod
    def fromRadians(cls, lon: float, lat: float) -> LonLat:
        """Return the position at a longitude and latitude given in radians."""
        return cls(lon, lat)

    @staticmethod
    def latitudeOf(v: Vector3d) -> Angle:
        """Return the latitude of a vector."""
        return Angle(math.atan2(v._z, math.hypot(v._x, v._y)))

    @staticmethod
    def longitudeOf(v: Vector3d) -> NormalizedAngle:
        """Return the longitude of a vector."""
        return NormalizedAngle(_longitude(v._x, v._y))

    def getLon(self) -> NormalizedAngle:
        """Return the longitude."""
        return NormalizedAngle(self._lon)

    def getLat(self) -> Angle:
        """Return the latitude."""
        return Angle(self._lat)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LonLat):
            return NotImplemented
        return (self._lon, self._lat) == (other._lon, other._lat)

    def __hash__(self) -> int:
        return hash((self._lon, self._lat))

    def __repr__(self) -> str:
        return f"LonLat.fromRadians({self._lon!r}, {self._lat!r})"


def _longitude(x: float, y: float) -> float:
    if x == 0.0 and y == 0.0:
        return 0.0
    lon = math.atan2(y, x)
    return lon + 2.0 * math.pi if lon < 0.0 else lon


def _lonlat_to_xyz(lon: float, lat: float) -> tuple[float, float, float]:
    cos_lat = math.cos(lat)
    return (cos_lat * math.cos(lon), cos_lat * math.sin(lon), math.sin(lat))
