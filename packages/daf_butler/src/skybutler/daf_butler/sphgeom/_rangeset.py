"""Sets of non-negative integers stored as sorted half-open ranges."""

from __future__ import annotations

__all__ = ["RangeSet"]

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

MAX_VALUE = 2**63 - 1
"""Exclusive upper limit of the values a `RangeSet` holds (the end of the full set)."""


def _normalize(begins: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """Sort ranges and merge those that overlap or touch; drop empty ones."""
    keep = begins < ends
    begins, ends = begins[keep], ends[keep]
    if len(begins) <= 1:
        return begins, ends
    order = np.argsort(begins, kind="stable")
    begins, ends = begins[order], ends[order]
    reach = np.maximum.accumulate(ends)
    starts_group = np.empty(len(begins), dtype=bool)
    starts_group[0] = True
    starts_group[1:] = begins[1:] > reach[:-1]
    group_ends = np.empty(len(begins), dtype=bool)
    group_ends[:-1] = starts_group[1:]
    group_ends[-1] = True
    return begins[starts_group], reach[group_ends]


def _membership(begins: IntArray, ends: IntArray, values: IntArray) -> npt.NDArray[np.bool_]:
    """Return whether each value lies in one of the (normalized) ranges."""
    idx = np.searchsorted(begins, values, side="right") - 1
    safe = np.maximum(idx, 0)
    return (idx >= 0) & (values < ends[safe]) if len(begins) else np.zeros(len(values), bool)


class RangeSet:
    """A mutable set of integers in ``[0, 2**63 - 1)`` held as half-open ranges.

    Parameters
    ----------
    first
        Nothing (empty set); an integer (one value); with ``last``, the range
        ``[first, last)``; an iterable of integers and ``(begin, end)`` pairs;
        or another `RangeSet`.
    last
        Exclusive end of a single range.

    Notes
    -----
    As in sphgeom, iterating yields ``(begin, end)`` tuples and ``len`` is
    the number of ranges; `cardinality` counts the integers.
    """

    __slots__ = ("_begins", "_ends")

    __hash__ = None  # type: ignore[assignment]  # mutable

    _begins: IntArray
    _ends: IntArray

    def __init__(self, first: Any = None, last: int | None = None):
        if last is not None:
            begins, ends = np.array([int(first)], np.int64), np.array([int(last)], np.int64)
        elif first is None:
            begins, ends = np.empty(0, np.int64), np.empty(0, np.int64)
        elif isinstance(first, RangeSet):
            begins, ends = first._begins.copy(), first._ends.copy()
        elif isinstance(first, int | np.integer):
            begins, ends = np.array([int(first)], np.int64), np.array([int(first) + 1], np.int64)
        else:
            pairs = [(int(v), int(v) + 1) if np.ndim(v) == 0 else _pair(v) for v in first]
            array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
            begins, ends = array[:, 0].copy(), array[:, 1].copy()
        self._begins, self._ends = _normalize(begins, ends)

    @classmethod
    def _from_arrays(cls, begins: IntArray, ends: IntArray) -> RangeSet:
        result = object.__new__(cls)
        result._begins, result._ends = _normalize(
            np.asarray(begins, np.int64), np.asarray(ends, np.int64)
        )
        return result

    @classmethod
    def empty(cls) -> RangeSet:
        """Return an empty set."""
        return cls()

    @classmethod
    def full(cls) -> RangeSet:
        """Return the set of every value."""
        return cls(0, MAX_VALUE)

    # ----------------------------------------------------------------- queries

    def isEmpty(self) -> bool:
        """Return whether the set holds nothing."""
        return len(self._begins) == 0

    def isFull(self) -> bool:
        """Return whether the set holds every value."""
        return len(self._begins) == 1 and self._begins[0] == 0 and self._ends[0] == MAX_VALUE

    def size(self) -> int:
        """Return the number of ranges."""
        return len(self._begins)

    def __len__(self) -> int:
        return len(self._begins)

    def cardinality(self) -> int:
        """Return the number of integers in the set."""
        return int((self._ends - self._begins).sum(dtype=object)) if len(self._begins) else 0

    def ranges(self) -> list[tuple[int, int]]:
        """Return the ``(begin, end)`` ranges in increasing order."""
        return list(zip(self._begins.tolist(), self._ends.tolist(), strict=True))

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.ranges())

    def as_array(self) -> IntArray:
        """Return the ranges as an ``(n, 2)`` array of ``begin, end``."""
        return np.stack([self._begins, self._ends], axis=1)

    def contains_values(self, values: Any) -> npt.NDArray[np.bool_]:
        """Return whether each of an array of integers is in the set."""
        return _membership(self._begins, self._ends, np.asarray(values, dtype=np.int64))

    def __contains__(self, item: object) -> bool:
        return self.contains(item)  # type: ignore[arg-type]

    def contains(self, first: int | tuple[int, int] | RangeSet, last: int | None = None) -> bool:
        """Return whether a value, a range ``[first, last)`` or a set is inside."""
        other = _coerce(first, last)
        return (other - self).isEmpty()

    def intersects(self, first: int | tuple[int, int] | RangeSet, last: int | None = None) -> bool:
        """Return whether a value, range or set shares an integer with this set."""
        return not (self & _coerce(first, last)).isEmpty()

    def isWithin(self, first: int | tuple[int, int] | RangeSet, last: int | None = None) -> bool:
        """Return whether this set lies inside a range or set."""
        return (self - _coerce(first, last)).isEmpty()

    def isDisjointFrom(
        self, first: int | tuple[int, int] | RangeSet, last: int | None = None
    ) -> bool:
        """Return whether this set shares nothing with a value, range or set."""
        return not self.intersects(first, last)

    # ----------------------------------------------------------------- set algebra

    def _combine(
        self, other: RangeSet, op: Callable[[Any, Any], npt.NDArray[np.bool_]]
    ) -> RangeSet:
        points = np.unique(np.concatenate([self._begins, self._ends, other._begins, other._ends]))
        if len(points) < 2:
            return RangeSet()
        starts = points[:-1]
        keep = op(
            _membership(self._begins, self._ends, starts),
            _membership(other._begins, other._ends, starts),
        )
        return RangeSet._from_arrays(starts[keep], points[1:][keep])

    def join(self, other: RangeSet) -> RangeSet:
        """Return the union."""
        return self._combine(other, np.logical_or)

    def intersection(self, other: RangeSet) -> RangeSet:
        """Return the intersection."""
        return self._combine(other, np.logical_and)

    def difference(self, other: RangeSet) -> RangeSet:
        """Return the integers in this set and not in ``other``."""
        return self._combine(other, lambda a, b: a & ~b)

    def symmetricDifference(self, other: RangeSet) -> RangeSet:
        """Return the integers in exactly one of the sets."""
        return self._combine(other, np.logical_xor)

    def complemented(self) -> RangeSet:
        """Return the integers of ``[0, 2**63 - 1)`` not in this set."""
        return RangeSet.full() - self

    def complement(self) -> RangeSet:
        """Replace this set by its complement and return it."""
        self._begins, self._ends = self.complemented()._arrays()
        return self

    __or__ = join
    __and__ = intersection
    __sub__ = difference
    __xor__ = symmetricDifference

    def __invert__(self) -> RangeSet:
        return self.complemented()

    def _arrays(self) -> tuple[IntArray, IntArray]:
        return self._begins, self._ends

    def insert(self, first: int, last: int | None = None) -> RangeSet:
        """Add a value or the range ``[first, last)``; return this set."""
        self._begins, self._ends = (self | _coerce(first, last))._arrays()
        return self

    def erase(self, first: int, last: int | None = None) -> RangeSet:
        """Remove a value or the range ``[first, last)``; return this set."""
        self._begins, self._ends = (self - _coerce(first, last))._arrays()
        return self

    # ----------------------------------------------------------------- resolution

    def scaled(self, factor: int) -> RangeSet:
        """Return the set with every range bound multiplied by ``factor``.

        Scaling by 4 maps pixel ranges of a hierarchical pixelization to the
        next finer level.
        """
        return RangeSet._from_arrays(self._begins * int(factor), self._ends * int(factor))

    def scale(self, factor: int) -> RangeSet:
        """Scale this set in place (see `scaled`); return it."""
        self._begins, self._ends = self.scaled(factor)._arrays()
        return self

    def simplified(self, n: int) -> RangeSet:
        """Return the set with ranges widened outward to multiples of ``2**n``."""
        mask = np.int64((1 << n) - 1)
        begins = self._begins & ~mask
        ends = np.minimum((self._ends + mask) & ~mask, MAX_VALUE)
        return RangeSet._from_arrays(begins, ends)

    def simplify(self, n: int) -> RangeSet:
        """Simplify this set in place (see `simplified`); return it."""
        self._begins, self._ends = self.simplified(n)._arrays()
        return self

    def shrunk(self, n: int) -> RangeSet:
        """Return the set with ranges narrowed inward to multiples of ``2**n``."""
        mask = np.int64((1 << n) - 1)
        return RangeSet._from_arrays((self._begins + mask) & ~mask, self._ends & ~mask)

    # ----------------------------------------------------------------- dunder

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RangeSet):
            return NotImplemented
        return bool(
            np.array_equal(self._begins, other._begins) and np.array_equal(self._ends, other._ends)
        )

    def __repr__(self) -> str:
        return f"RangeSet({self.ranges()!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (RangeSet, (self.ranges(),))


def _pair(value: Any) -> tuple[int, int]:
    if isinstance(value, range):
        return (value.start, value.stop)
    begin, end = value
    return (int(begin), int(end))


def _coerce(first: int | tuple[int, int] | RangeSet, last: int | None) -> RangeSet:
    if isinstance(first, RangeSet):
        return first
    if isinstance(first, tuple):
        return RangeSet(*first)
    return RangeSet(first, last)
