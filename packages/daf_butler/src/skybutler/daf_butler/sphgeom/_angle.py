"""Angles and angle intervals, as in sphgeom."""

from __future__ import annotations

__all__ = ["Angle", "AngleInterval", "NormalizedAngle", "NormalizedAngleInterval"]

import math
from typing import Any

TWO_PI = 2.0 * math.pi
HALF_PI = 0.5 * math.pi


def _radians(value: Angle | float) -> float:
    return value._rad if isinstance(value, Angle) else float(value)


class Angle:
    """An angle, stored in radians.

    Parameters
    ----------
    radians
        The angle in radians (or another `Angle`).
    """

    __slots__ = ("_rad",)

    _rad: float

    def __init__(self, radians: Angle | float = 0.0):
        object.__setattr__(self, "_rad", _radians(radians))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; cannot set {name!r}.")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._rad,))

    @classmethod
    def fromDegrees(cls, degrees: float) -> Angle:
        """Return the angle of ``degrees`` degrees."""
        return cls(math.radians(degrees))

    @classmethod
    def fromRadians(cls, radians: float) -> Angle:
        """Return the angle of ``radians`` radians."""
        return cls(radians)

    @classmethod
    def nan(cls) -> Angle:
        """Return an angle that is not a number."""
        return cls(math.nan)

    def asRadians(self) -> float:
        """Return the angle in radians."""
        return self._rad

    def asDegrees(self) -> float:
        """Return the angle in degrees."""
        return math.degrees(self._rad)

    def isNan(self) -> bool:
        """Return whether the angle is not a number."""
        return math.isnan(self._rad)

    def __float__(self) -> float:
        return self._rad

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Angle):
            return self._rad == other._rad
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._rad)

    def __lt__(self, other: Angle) -> bool:
        return self._rad < _radians(other)

    def __le__(self, other: Angle) -> bool:
        return self._rad <= _radians(other)

    def __gt__(self, other: Angle) -> bool:
        return self._rad > _radians(other)

    def __ge__(self, other: Angle) -> bool:
        return self._rad >= _radians(other)

    def __neg__(self) -> Angle:
        return Angle(-self._rad)

    def __add__(self, other: Angle) -> Angle:
        return Angle(self._rad + _radians(other))

    def __sub__(self, other: Angle) -> Angle:
        return Angle(self._rad - _radians(other))

    def __mul__(self, factor: float) -> Angle:
        return Angle(self._rad * factor)

    __rmul__ = __mul__

    def __truediv__(self, divisor: float) -> Angle:
        return Angle(self._rad / divisor)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._rad!r})"


class NormalizedAngle(Angle):
    """An angle normalized to ``[0, 2π)``, used for longitudes."""

    __slots__ = ()

    def __init__(self, radians: Angle | float = 0.0):
        rad = _radians(radians)
        if math.isfinite(rad) and not 0.0 <= rad < TWO_PI:
            rad = math.fmod(rad, TWO_PI)
            if rad < 0.0:
                rad += TWO_PI
            if rad >= TWO_PI:  # fmod of a tiny negative number rounds up to 2π
                rad = 0.0
        object.__setattr__(self, "_rad", rad)

    @classmethod
    def between(cls, a: Angle, b: Angle) -> NormalizedAngle:
        """Return the eastward angle from longitude ``a`` to longitude ``b``."""
        return cls(_radians(b) - _radians(a))


class AngleInterval:
    """A closed interval ``[a, b]`` of angles; empty when ``a > b``."""

    __slots__ = ("_a", "_b")

    def __init__(self, a: Angle | float, b: Angle | float):
        self._a = _radians(a)
        self._b = _radians(b)

    @classmethod
    def fromDegrees(cls, a: float, b: float) -> AngleInterval:
        """Return the interval between two angles given in degrees."""
        return cls(math.radians(a), math.radians(b))

    @classmethod
    def fromRadians(cls, a: float, b: float) -> AngleInterval:
        """Return the interval between two angles given in radians."""
        return cls(a, b)

    @classmethod
    def empty(cls) -> AngleInterval:
        """Return an empty interval."""
        return cls(1.0, 0.0)

    def getA(self) -> Angle:
        """Return the lower bound."""
        return Angle(self._a)

    def getB(self) -> Angle:
        """Return the upper bound."""
        return Angle(self._b)

    def isEmpty(self) -> bool:
        """Return whether the interval holds no angle."""
        return not self._a <= self._b

    def contains(self, x: Angle | float) -> bool:
        """Return whether the interval holds an angle."""
        return self._a <= _radians(x) <= self._b

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AngleInterval):
            return NotImplemented
        if self.isEmpty() or other.isEmpty():
            return self.isEmpty() and other.isEmpty()
        return (self._a, self._b) == (other._a, other._b)

    def __hash__(self) -> int:
        return hash((self._a, self._b))

    def __repr__(self) -> str:
        return f"AngleInterval.fromRadians({self._a!r}, {self._b!r})"


class NormalizedAngleInterval:
    """A closed interval of longitudes from ``a`` eastward to ``b``.

    Both bounds are normalized to ``[0, 2π]``; ``a > b`` means the interval
    wraps through longitude 0. A span of 2π or more (before normalizing)
    gives the full interval ``[0, 2π]``.
    """

    __slots__ = ("_a", "_b")

    def __init__(self, a: Angle | float, b: Angle | float):
        ra, rb = _radians(a), _radians(b)
        if rb - ra >= TWO_PI:
            ra, rb = 0.0, TWO_PI
        else:
            ra = NormalizedAngle(ra)._rad
            rb = NormalizedAngle(rb)._rad
        self._a = ra
        self._b = rb

    @classmethod
    def _raw(cls, a: float, b: float) -> NormalizedAngleInterval:
        interval = cls.__new__(cls)
        interval._a = a
        interval._b = b
        return interval

    @classmethod
    def fromDegrees(cls, a: float, b: float) -> NormalizedAngleInterval:
        """Return the interval between two longitudes given in degrees."""
        return cls(math.radians(a), math.radians(b))

    @classmethod
    def fromRadians(cls, a: float, b: float) -> NormalizedAngleInterval:
        """Return the interval between two longitudes given in radians."""
        return cls(a, b)

    @classmethod
    def full(cls) -> NormalizedAngleInterval:
        """Return the interval of all longitudes."""
        return cls._raw(0.0, TWO_PI)

    def getA(self) -> NormalizedAngle:
        """Return the western bound."""
        return NormalizedAngle(self._a)

    def getB(self) -> NormalizedAngle:
        """Return the eastern bound."""
        return NormalizedAngle(self._b)

    def isEmpty(self) -> bool:
        """Return whether the interval holds no longitude (never, once built)."""
        return False

    def isFull(self) -> bool:
        """Return whether the interval holds every longitude."""
        return self._a == 0.0 and self._b == TWO_PI

    def wraps(self) -> bool:
        """Return whether the interval passes through longitude 0."""
        return self._a > self._b

    def getSize(self) -> NormalizedAngle:
        """Return the width of the interval (2π for the full interval)."""
        width = self._b - self._a
        return Angle(width + TWO_PI if width < 0 else width)  # type: ignore[return-value]

    def contains(self, x: Angle | float) -> bool:
        """Return whether the interval holds a longitude."""
        lon = NormalizedAngle(x)._rad
        if self._a <= self._b:
            return self._a <= lon <= self._b or (self._b == TWO_PI and lon == 0.0)
        return lon >= self._a or lon <= self._b

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NormalizedAngleInterval):
            return NotImplemented
        return (self._a, self._b) == (other._a, other._b)

    def __hash__(self) -> int:
        return hash((self._a, self._b))

    def __repr__(self) -> str:
        return f"NormalizedAngleInterval.fromRadians({self._a!r}, {self._b!r})"
