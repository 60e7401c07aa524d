"""`DimensionGroup`: an immutable, dependency-closed set of dimension names."""

from __future__ import annotations

__all__ = ["DimensionGroup"]

from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..errors import DimensionError, DimensionNameError
from ._elements import DimensionElement, GovernorDimension, SkyPixDimension
from ._named import NamedValueAbstractSet, SortedSequenceSet

if TYPE_CHECKING:
    from ._topology import TopologicalFamily
    from ._universe import DimensionUniverse


def _make_getter(keys: tuple[Any, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function pulling ``keys`` out of a mapping or tuple as a tuple, fast."""
    if not keys:
        return lambda mapping: ()
    if len(keys) == 1:
        (key,) = keys
        return lambda mapping: (mapping[key],)
    return itemgetter(*keys)


class DimensionGroup:
    """An immutable set of dimensions, closed under their dependencies.

    Building a group from names adds every dimension required or implied by
    them, recursively. Groups are cached per universe: building one from
    names that were seen before is a dictionary lookup.

    Parameters
    ----------
    universe
        The universe the names belong to.
    names
        Dimension names (or `Dimension` objects).

    Notes
    -----
    Within a group a dimension is *implied* when another dimension of the
    group implies it, and *required* otherwise, so the same dimension can be
    required in one group and implied in another.
    """

    __slots__ = (
        "__weakref__",
        "_dc_keys",
        "_elements",
        "_frozen",
        "_full_getter",
        "_governors",
        "_hash",
        "_implied",
        "_key_index",
        "_key_types",
        "_lookup_order",
        "_n_required",
        "_names",
        "_required",
        "_required_getter",
        "_skypix",
        "_spatial",
        "_subset_cache",
        "_temporal",
        "_universe",
    )

    _universe: DimensionUniverse
    _names: SortedSequenceSet
    _required: SortedSequenceSet
    _implied: SortedSequenceSet
    _elements: SortedSequenceSet
    _governors: SortedSequenceSet
    _skypix: SortedSequenceSet
    _spatial: NamedValueAbstractSet[TopologicalFamily]
    _temporal: NamedValueAbstractSet[TopologicalFamily]
    _frozen: frozenset[str]
    _hash: int
    _dc_keys: tuple[str, ...]
    _n_required: int
    _key_index: dict[str, int]
    _key_types: tuple[type, ...]
    _lookup_order: tuple[str, ...] | None
    _subset_cache: dict[tuple[DimensionGroup, bool], Callable[[tuple[Any, ...]], tuple[Any, ...]]]
    _required_getter: Callable[[Mapping[str, Any]], tuple[Any, ...]]
    _full_getter: Callable[[Mapping[str, Any]], tuple[Any, ...]]

    def __new__(
        cls, universe: DimensionUniverse, names: Iterable[str | DimensionElement] = ()
    ) -> DimensionGroup:
        key = frozenset(names)
        cached = universe._groups.get(key)
        if cached is not None:
            return cached
        self = cls._build(universe, key)
        # Cache under both the input and the expanded names: callers repeat either.
        universe._groups[key] = universe._groups.setdefault(self._frozen, self)
        return universe._groups[key]

    @classmethod
    def _build(cls, universe: DimensionUniverse, names: frozenset[Any]) -> DimensionGroup:
        closures = universe._closures
        expanded: set[str] = set()
        for item in names:
            name = item.name if isinstance(item, DimensionElement) else item
            closure = closures.get(name) if isinstance(name, str) else None
            if closure is None:
                if isinstance(name, str) and name in universe.elements:
                    element = universe[name]
                    raise DimensionNameError(
                        f"{name!r} is a dimension element, not a dimension; use its dimensions "
                        f"({', '.join(element.dimensions.names)}) instead."
                    )
                raise DimensionNameError(universe._unknown_message(name, "name"))
            expanded.update(closure)
        index = universe._dimension_index
        ordered = sorted(expanded, key=index.__getitem__)
        dimensions = universe.dimensions
        implied_names: set[str] = set()
        for name in ordered:
            implied_names.update(dimensions[name].implied.names)
        self = object.__new__(cls)
        self._universe = universe
        self._names = SortedSequenceSet(ordered)
        self._frozen = frozenset(ordered)
        self._hash = hash(self._frozen)
        self._required = SortedSequenceSet(n for n in ordered if n not in implied_names)
        self._implied = SortedSequenceSet(n for n in ordered if n in implied_names)
        elements = [e for e in universe.elements if self._frozen.issuperset(e.required.names)]
        self._elements = SortedSequenceSet(e.name for e in elements)
        self._governors = SortedSequenceSet(
            n for n in ordered if isinstance(dimensions[n], GovernorDimension)
        )
        self._skypix = SortedSequenceSet(
            n for n in ordered if isinstance(dimensions[n], SkyPixDimension)
        )
        self._spatial = NamedValueAbstractSet(
            list(dict.fromkeys(e.spatial for e in elements if e.spatial is not None))
        )
        self._temporal = NamedValueAbstractSet(
            list(dict.fromkeys(e.temporal for e in elements if e.temporal is not None))
        )
        self._dc_keys = self._required.as_tuple() + self._implied.as_tuple()
        self._n_required = len(self._required)
        self._key_index = {name: i for i, name in enumerate(self._dc_keys)}
        self._key_types = tuple(dimensions[n].primaryKey.pytype for n in self._dc_keys)
        self._required_getter = _make_getter(self._required.as_tuple())
        self._full_getter = _make_getter(self._dc_keys)
        self._subset_cache = {}
        self._lookup_order = None
        return self

    # Basic attributes ----------------------------------------------------------

    @property
    def universe(self) -> DimensionUniverse:
        """The universe of this group."""
        return self._universe

    @property
    def names(self) -> SortedSequenceSet:
        """All dimension names, in universe order."""
        return self._names

    @property
    def required(self) -> SortedSequenceSet:
        """Dimensions not implied by another dimension of this group."""
        return self._required

    @property
    def implied(self) -> SortedSequenceSet:
        """Dimensions implied by another dimension of this group."""
        return self._implied

    @property
    def data_coordinate_keys(self) -> SortedSequenceSet:
        """Keys of a full data ID: required names then implied names."""
        return SortedSequenceSet(self._dc_keys)

    @property
    def elements(self) -> SortedSequenceSet:
        """Every element whose required dimensions are all in this group."""
        return self._elements

    @property
    def governors(self) -> SortedSequenceSet:
        """Governor dimensions of the group."""
        return self._governors

    @property
    def skypix(self) -> SortedSequenceSet:
        """Skypix dimensions of the group."""
        return self._skypix

    @property
    def spatial(self) -> NamedValueAbstractSet[TopologicalFamily]:
        """Spatial families with a member element in this group."""
        return self._spatial

    @property
    def temporal(self) -> NamedValueAbstractSet[TopologicalFamily]:
        """Temporal families with a member element in this group."""
        return self._temporal

    @property
    def region_dimension(self) -> str | None:
        """The element whose region is this group's region, if there is exactly one."""
        if len(self._spatial) != 1:
            return None
        return next(iter(self._spatial)).choose(self).name

    @property
    def timespan_dimension(self) -> str | None:
        """The element whose timespan is this group's timespan, if there is exactly one."""
        if len(self._temporal) != 1:
            return None
        return next(iter(self._temporal)).choose(self).name

    @property
    def lookup_order(self) -> tuple[str, ...]:
        """Elements in an order in which their records can be looked up one by one.

        An element comes only after the elements that imply its required
        dimensions, so each lookup has every key it needs. Worked out once per group.
        """
        if self._lookup_order is None:
            self._lookup_order = self._order_lookups()
        return self._lookup_order

    def _order_lookups(self) -> tuple[str, ...]:
        known = set(self._required)
        remaining = [self._universe[name] for name in self._elements]
        order: list[str] = []
        while remaining:
            for position, element in enumerate(remaining):
                if known.issuperset(element.required.names):
                    order.append(element.name)
                    known.update(element.implied.names)
                    del remaining[position]
                    break
            else:  # pragma: no cover - a closed group always makes progress
                raise DimensionError(f"Cannot order record lookups for {self}.")
        return tuple(order)

    def as_group(self) -> DimensionGroup:
        """Return ``self`` (for code that accepts several group-like types)."""
        return self

    # Set operations ------------------------------------------------------------

    def _other_names(self, other: DimensionGroup | Iterable[str]) -> frozenset[str]:
        if isinstance(other, DimensionGroup):
            if other._universe is not self._universe:
                raise DimensionError(
                    f"Cannot combine dimension groups of different universes "
                    f"({self._universe} and {other._universe})."
                )
            return other._frozen
        return self._universe.conform(other)._frozen

    def issubset(self, other: DimensionGroup | Iterable[str]) -> bool:
        """Return whether every dimension of this group is in ``other``."""
        return self._frozen <= self._other_names(other)

    def issuperset(self, other: DimensionGroup | Iterable[str]) -> bool:
        """Return whether every dimension of ``other`` is in this group."""
        return self._frozen >= self._other_names(other)

    def isdisjoint(self, other: DimensionGroup | Iterable[str]) -> bool:
        """Return whether the groups share no dimension."""
        return self._frozen.isdisjoint(self._other_names(other))

    def union(self, *others: DimensionGroup | Iterable[str]) -> DimensionGroup:
        """Return the group of dimensions in this group or any of ``others``."""
        names = set(self._frozen)
        for other in others:
            names.update(self._other_names(other))
        return DimensionGroup(self._universe, names)

    def intersection(self, *others: DimensionGroup | Iterable[str]) -> DimensionGroup:
        """Return the group of dimensions in this group and all of ``others``."""
        names = set(self._frozen)
        for other in others:
            names.intersection_update(self._other_names(other))
        return DimensionGroup(self._universe, names)

    def __or__(self, other: DimensionGroup) -> DimensionGroup:
        return self.union(other)

    def __and__(self, other: DimensionGroup) -> DimensionGroup:
        return self.intersection(other)

    def __le__(self, other: DimensionGroup) -> bool:
        return self.issubset(other)

    def __ge__(self, other: DimensionGroup) -> bool:
        return self.issuperset(other)

    def __lt__(self, other: DimensionGroup) -> bool:
        return self != other and self.issubset(other)

    def __gt__(self, other: DimensionGroup) -> bool:
        return self != other and self.issuperset(other)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DimensionGroup):
            return self is other or (
                self._universe is other._universe and self._frozen == other._frozen
            )
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __contains__(self, name: object) -> bool:
        return name in self._frozen

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __str__(self) -> str:
        return "{" + ", ".join(self._names) + "}"

    def __repr__(self) -> str:
        return f"DimensionGroup({self})"

    # Serialization -------------------------------------------------------------

    def to_simple(self) -> list[str]:
        """Return the names, in universe order (JSON-compatible)."""
        return list(self._names)

    @classmethod
    def from_simple(cls, simple: Iterable[str], universe: DimensionUniverse) -> DimensionGroup:
        """Rebuild a group from `to_simple` output."""
        return cls(universe, simple)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle_group, (self._universe, self._names.as_tuple()))

    def _subset_extractor(
        self, subgroup: DimensionGroup, full: bool
    ) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
        """Return a function taking this group's data ID values to ``subgroup``'s.

        ``full`` says whether the input values include the implied ones; the
        output holds ``subgroup``'s full values if they can be found, else its
        required values.
        """
        key = (subgroup, full)
        cache = self._subset_cache
        extractor = cache.get(key)
        if extractor is None:
            available = self._dc_keys if full else self._dc_keys[: self._n_required]
            wanted = subgroup._dc_keys
            if not set(wanted) <= set(available):
                wanted = wanted[: subgroup._n_required]
            missing = [name for name in wanted if name not in available]
            if missing:
                raise DimensionNameError(
                    f"Cannot take the {subgroup} subset of a data ID of {self} without its "
                    f"implied values: {', '.join(missing)} are not known. Expand the data ID "
                    "first."
                )
            positions = tuple(available.index(name) for name in wanted)
            extractor = _make_getter(positions)
            cache[key] = extractor
        return extractor


def _unpickle_group(universe: DimensionUniverse, names: tuple[str, ...]) -> DimensionGroup:
    return DimensionGroup(universe, names)
