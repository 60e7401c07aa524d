"""Dimension elements: dimensions, dimension combinations and skypix dimensions.

Elements are created once per universe by `._construction` and never change
afterwards; they compare equal to their own name so that sets and mappings of
elements can be queried with plain strings.
"""

from __future__ import annotations

__all__ = [
    "DatabaseDimension",
    "DatabaseDimensionCombination",
    "Dimension",
    "DimensionCombination",
    "DimensionElement",
    "GovernorDimension",
    "SkyPixDimension",
]

from typing import TYPE_CHECKING, Any

from ._column_spec import ColumnSpec
from ._named import NamedValueAbstractSet

if TYPE_CHECKING:
    from ._group import DimensionGroup
    from ._records import DimensionRecord
    from ._schema import DimensionRecordSchema
    from ._topology import SkyPixSystem, TopologicalFamily, TopologicalSpace
    from ._universe import DimensionUniverse


class DimensionElement:
    """A table-like entity of the dimension system: a dimension or a combination.

    Elements are only built by `DimensionUniverse`; user code looks them up
    with ``universe["visit"]``.
    """

    _index: int
    _universe: DimensionUniverse
    _required: NamedValueAbstractSet[Dimension]
    _implied: NamedValueAbstractSet[Dimension]
    _metadata: NamedValueAbstractSet[ColumnSpec]
    _spatial: TopologicalFamily | None
    _temporal: TopologicalFamily | None
    _schema: DimensionRecordSchema | None
    _record_class: type[DimensionRecord] | None
    _minimal_group: DimensionGroup | None

    def __init__(self, name: str, doc: str = "", *, is_cached: bool = False) -> None:
        self._name = name
        self._doc = doc
        self._is_cached = is_cached
        self._metadata = NamedValueAbstractSet()
        self._implied = NamedValueAbstractSet()
        self._spatial = None
        self._temporal = None
        self._schema = None
        self._record_class = None
        self._minimal_group = None

    # Identity --------------------------------------------------------------

    @property
    def name(self) -> str:
        """Unique name of the element within its universe."""
        return self._name

    @property
    def doc(self) -> str:
        """Documentation from the universe file."""
        return self._doc

    documentation = doc

    @property
    def universe(self) -> DimensionUniverse:
        """The universe this element belongs to."""
        return self._universe

    def __str__(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r})"

    def __hash__(self) -> int:
        return hash(self._name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self._name == other
        if isinstance(other, DimensionElement):
            return self._name == other._name and self._universe is other._universe
        return NotImplemented

    def __lt__(self, other: DimensionElement) -> bool:
        return self._index < other._index

    def __le__(self, other: DimensionElement) -> bool:
        return self._index <= other._index

    def __gt__(self, other: DimensionElement) -> bool:
        return self._index > other._index

    def __ge__(self, other: DimensionElement) -> bool:
        return self._index >= other._index

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle_element, (self._universe, self._name))

    # Relationships -------------------------------------------------------------

    @property
    def required(self) -> NamedValueAbstractSet[Dimension]:
        """Dimensions that identify a row of this element (a dimension includes itself last)."""
        return self._required

    @property
    def implied(self) -> NamedValueAbstractSet[Dimension]:
        """Dimensions this element directly implies (stored as non-key columns)."""
        return self._implied

    @property
    def dimensions(self) -> NamedValueAbstractSet[Dimension]:
        """Required then implied dimensions."""
        return NamedValueAbstractSet([*self._required, *self._implied])

    @property
    def minimal_group(self) -> DimensionGroup:
        """The smallest `DimensionGroup` that contains this element."""
        if self._minimal_group is None:
            self._minimal_group = self._universe.conform(self.dimensions.names)
        return self._minimal_group

    @property
    def governor(self) -> GovernorDimension | None:
        """The governor dimension among the required ones, if any."""
        for dimension in self._required:
            if isinstance(dimension, GovernorDimension):
                return dimension
        return None

    @property
    def metadata_columns(self) -> NamedValueAbstractSet[ColumnSpec]:
        """Non-key columns of the element's records."""
        return self._metadata

    @property
    def spatial(self) -> TopologicalFamily | None:
        """The spatial family this element belongs to (from the universe topology)."""
        return self._spatial

    @property
    def temporal(self) -> TopologicalFamily | None:
        """The temporal family this element belongs to (from the universe topology)."""
        return self._temporal

    @property
    def topology(self) -> dict[TopologicalSpace, TopologicalFamily]:
        """Families of this element keyed by space."""
        return {f.space: f for f in (self._spatial, self._temporal) if f is not None}

    @property
    def is_cached(self) -> bool:
        """Whether clients should cache all records of this element."""
        return self._is_cached

    @property
    def implied_union_target(self) -> Dimension | None:
        """The dimension whose column defines this one's values, if it has no table."""
        return None

    @property
    def viewOf(self) -> str | None:
        """Name of the element this one is a view of, if any."""
        target = self.implied_union_target
        return target.name if target is not None else None

    @property
    def alwaysJoin(self) -> bool:
        """Whether queries always join this element when its dimensions are present."""
        return False

    @property
    def populated_by(self) -> Dimension | None:
        """The dimension whose record transfers carry this element's rows along."""
        return None

    def hasTable(self) -> bool:
        """Return whether records of this element are stored in their own table."""
        return True

    # Records -----------------------------------------------------------------

    @property
    def schema(self) -> DimensionRecordSchema:
        """Ordered column specifications of this element's records."""
        if self._schema is None:
            from ._schema import DimensionRecordSchema

            self._schema = DimensionRecordSchema(self)
        return self._schema

    @property
    def RecordClass(self) -> type[DimensionRecord]:
        """The `DimensionRecord` subclass holding this element's rows."""
        if self._record_class is None:
            from ._records import make_record_class

            self._record_class = make_record_class(self)
        return self._record_class


class Dimension(DimensionElement):
    """An element with its own key; data IDs are made of dimension values."""

    def __init__(
        self,
        name: str,
        doc: str = "",
        *,
        keys: tuple[ColumnSpec, ...],
        is_cached: bool = False,
    ) -> None:
        super().__init__(name, doc, is_cached=is_cached)
        self._keys = keys

    @property
    def primaryKey(self) -> ColumnSpec:
        """The primary key column (``int`` or ``string``)."""
        return self._keys[0]

    @property
    def alternateKeys(self) -> NamedValueAbstractSet[ColumnSpec]:
        """Other unique keys, usable in data IDs in place of the primary key."""
        return NamedValueAbstractSet(self._keys[1:])

    @property
    def uniqueKeys(self) -> NamedValueAbstractSet[ColumnSpec]:
        """The primary key followed by the alternate keys."""
        return NamedValueAbstractSet(self._keys)

    @property
    def key_column(self) -> ColumnSpec:
        """The column other elements use to refer to this dimension (named after it)."""
        return self._keys[0].renamed(self._name, doc=f"Key of the {self._name} dimension.")

    def names_by_alternate_key(self, value: Any) -> bool:
        """Return whether ``value`` names a value of this dimension by an alternate key.

        That is a string given for a dimension whose primary key is an integer
        and which has alternate keys (``detector='S11'``).
        """
        return isinstance(value, str) and self._keys[0].pytype is int and len(self._keys) > 1


class DatabaseDimension(Dimension):
    """A dimension whose records live in the database."""

    def __init__(
        self,
        name: str,
        doc: str = "",
        *,
        keys: tuple[ColumnSpec, ...],
        is_cached: bool = False,
        implied_union_target: str | None = None,
    ) -> None:
        super().__init__(name, doc, keys=keys, is_cached=is_cached)
        self._implied_union_target_name = implied_union_target

    @property
    def implied_union_target(self) -> Dimension | None:
        name = self._implied_union_target_name
        return None if name is None else self._universe.dimensions[name]

    def hasTable(self) -> bool:
        return self._implied_union_target_name is None


class GovernorDimension(DatabaseDimension):
    """A dimension that namespaces others (``instrument``, ``skymap``); always cached."""


class SkyPixDimension(Dimension):
    """One level of a hierarchical sky pixelization; its key is the pixel index."""

    def __init__(self, system: SkyPixSystem, level: int) -> None:
        name = f"{system.name}{level}"
        key = ColumnSpec(name="id", type="int", nullable=False, doc="Pixel index.")
        super().__init__(name, f"Level {level} of the {system.name} pixelization.", keys=(key,))
        self._system = system
        self._level = level
        self._pixelization: Any = None

    @property
    def system(self) -> SkyPixSystem:
        """The pixelization system this level belongs to."""
        return self._system

    @property
    def level(self) -> int:
        """Pixelization level."""
        return self._level

    @property
    def pixelization(self) -> Any:
        """The sphgeom pixelization object for this level (built on first use)."""
        if self._pixelization is None:
            self._pixelization = self._system.make_pixelization(self._level)
        return self._pixelization

    def hasTable(self) -> bool:
        return False


class DimensionCombination(DimensionElement):
    """An element without keys of its own: a relationship between dimensions."""

    def __init__(
        self,
        name: str,
        doc: str = "",
        *,
        is_cached: bool = False,
        always_join: bool = False,
        populated_by: str | None = None,
    ) -> None:
        super().__init__(name, doc, is_cached=is_cached)
        self._always_join = always_join
        self._populated_by_name = populated_by

    @property
    def alwaysJoin(self) -> bool:
        return self._always_join

    @property
    def populated_by(self) -> Dimension | None:
        name = self._populated_by_name
        return None if name is None else self._universe.dimensions[name]


DatabaseDimensionCombination = DimensionCombination
"""Upstream's name for a dimension combination stored in the database."""


def _unpickle_element(universe: DimensionUniverse, name: str) -> DimensionElement:
    return universe[name]
