"""Small immutable ordered collections used throughout the dimension system."""

from __future__ import annotations

__all__ = ["NamedValueAbstractSet", "SortedSequenceSet"]

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from typing import Any, Generic, Protocol, TypeVar, overload


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_N = TypeVar("_N", bound=_Named)


class SortedSequenceSet(Set[str], Sequence[str]):
    """An immutable set of names that also keeps a fixed (universe) order.

    Parameters
    ----------
    names
        Names, already in the order the set should iterate in.
    """

    __slots__ = ("_frozen", "_names")

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._names: tuple[str, ...] = tuple(names)
        self._frozen = frozenset(self._names)

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> frozenset[Any]:
        # Set algebra (|, &, -) has no meaningful order, so it yields plain frozensets.
        return frozenset(it)

    def __contains__(self, name: object) -> bool:
        return name in self._frozen

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self._names[index]

    def __hash__(self) -> int:
        return hash(self._frozen)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SortedSequenceSet):
            return self._frozen == other._frozen
        if isinstance(other, Set):
            return self._frozen == other
        return NotImplemented

    def __repr__(self) -> str:
        return "{" + ", ".join(self._names) + "}"

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """Return the position of ``value`` in the order of this set."""
        return self._names.index(value, start, len(self._names) if stop is None else stop)

    def as_tuple(self) -> tuple[str, ...]:
        """Return the names as a tuple, in order."""
        return self._names


class NamedValueAbstractSet(Set[_N], Generic[_N]):
    """An immutable, ordered set of objects with a ``name``, indexable by name.

    Membership and indexing accept either the object or its name.

    Parameters
    ----------
    values
        The objects, in the order the set should iterate in.
    """

    __slots__ = ("_by_name",)

    def __init__(self, values: Iterable[_N] = ()) -> None:
        self._by_name: dict[str, _N] = {v.name: v for v in values}

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> NamedValueAbstractSet[Any]:
        return NamedValueAbstractSet(it)

    @property
    def names(self) -> SortedSequenceSet:
        """The names of the members, in order."""
        return SortedSequenceSet(self._by_name)

    def as_mapping(self) -> Mapping[str, _N]:
        """Return a read-only mapping from name to member."""
        return dict(self._by_name)

    def __contains__(self, item: object) -> bool:
        name = item if isinstance(item, str) else getattr(item, "name", None)
        if not isinstance(name, str):
            return False
        found = self._by_name.get(name)
        return found is not None and (isinstance(item, str) or found == item)

    def __iter__(self) -> Iterator[_N]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __getitem__(self, key: str | _N) -> _N:
        name = key if isinstance(key, str) else key.name
        return self._by_name[name]

    def get(self, key: str | _N, default: _N | None = None) -> _N | None:
        """Return the member with the given name, or ``default``."""
        name = key if isinstance(key, str) else key.name
        return self._by_name.get(name, default)

    def __hash__(self) -> int:
        return hash(frozenset(self._by_name))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, NamedValueAbstractSet):
            return self._by_name == other._by_name
        if isinstance(other, Set):
            return set(self) == set(other)
        return NotImplemented

    def __repr__(self) -> str:
        return "{" + ", ".join(self._by_name) + "}"
