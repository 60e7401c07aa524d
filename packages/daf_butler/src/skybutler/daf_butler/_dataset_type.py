"""`DatasetType`: the name, dimensions and storage class shared by a family of datasets."""

from __future__ import annotations

__all__ = ["DatasetType"]

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .dimensions import DimensionGroup, DimensionUniverse
from .errors import DatasetTypeError, MissingStorageClassError

if TYPE_CHECKING:
    from ._lookup_key import LookupKey
    from ._storage_class import StorageClass

_NAME_PATTERN = r"^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$"
_NAME_RE = re.compile(_NAME_PATTERN)


def _storage_class_name(value: object, what: str) -> tuple[str, StorageClass | None]:
    if isinstance(value, str):
        return value, None
    name = getattr(value, "name", None)
    if isinstance(name, str):
        return name, value  # type: ignore[return-value]
    raise DatasetTypeError(f"The {what} must be a StorageClass or its name, not {value!r}.")


def _resolve_storage_class(name: str) -> StorageClass:
    from ._storage_class_factory import StorageClassFactory

    return StorageClassFactory().getStorageClass(name)


def storage_class_convertible(source: StorageClass, target: StorageClass) -> bool:
    """Return whether data of storage class ``source`` can be used as ``target``.

    Notes
    -----
    `StorageClass.can_convert` is documented as "a dataset of this storage
    class can be converted to ``other``", so the call reads source to target.
    """
    return source.name == target.name or bool(source.can_convert(target))


class DatasetType:
    """A named kind of dataset: its dimensions and its storage class.

    Parameters
    ----------
    name
        Dataset type name; a dot separates a component (``calexp.wcs``).
    dimensions
        A `DimensionGroup`, or dimension names (with ``universe``).
    storageClass
        A `StorageClass` or its name (resolved on first use).
    parentStorageClass
        Storage class of the composite, required for component types only.
    universe
        Universe of ``dimensions`` given as names (default: the default one).
    isCalibration
        Whether datasets of this type may be certified in calibration
        collections.

    Raises
    ------
    DatasetTypeError
        If the name is invalid or the parent storage class is missing/extra.
    """

    __slots__ = (
        "_dimensions",
        "_is_calibration",
        "_name",
        "_parent_storage_class",
        "_parent_storage_class_name",
        "_storage_class",
        "_storage_class_name",
    )

    _name: str
    _dimensions: DimensionGroup
    _storage_class_name: str
    _storage_class: StorageClass | None
    _parent_storage_class_name: str | None
    _parent_storage_class: StorageClass | None
    _is_calibration: bool

    def __init__(
        self,
        name: str,
        dimensions: DimensionGroup | Iterable[str],
        storageClass: StorageClass | str,
        parentStorageClass: StorageClass | str | None = None,
        *,
        universe: DimensionUniverse | None = None,
        isCalibration: bool = False,
    ) -> None:
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise DatasetTypeError(
                f"Dataset type name {name!r} is not valid; names must match {_NAME_PATTERN} "
                "(identifiers separated by dots, a dot starting a component name)."
            )
        self._name = name
        if isinstance(dimensions, DimensionGroup):
            self._dimensions = dimensions
        else:
            if isinstance(dimensions, str):
                dimensions = (dimensions,)
            self._dimensions = (universe or DimensionUniverse()).conform(dimensions)
        self._storage_class_name, self._storage_class = _storage_class_name(
            storageClass, "storage class"
        )
        is_component = "." in name
        if parentStorageClass is not None:
            if not is_component:
                raise DatasetTypeError(
                    f"Dataset type {name!r} is not a component, so it cannot have a parent "
                    f"storage class (got {parentStorageClass})."
                )
            self._parent_storage_class_name, self._parent_storage_class = _storage_class_name(
                parentStorageClass, "parent storage class"
            )
        elif is_component:
            raise DatasetTypeError(
                f"Component dataset type {name!r} needs the storage class of its composite as "
                "parentStorageClass."
            )
        else:
            self._parent_storage_class_name = None
            self._parent_storage_class = None
        self._is_calibration = bool(isCalibration)

    # Names -------------------------------------------------------------------------------

    @staticmethod
    def nameWithComponent(datasetTypeName: str, componentName: str) -> str:
        """Return the name of a component dataset type."""
        return f"{datasetTypeName}.{componentName}"

    @staticmethod
    def splitDatasetTypeName(datasetTypeName: str) -> tuple[str, str | None]:
        """Split a name on its first dot into ``(root, component or None)``."""
        root, dot, component = datasetTypeName.partition(".")
        return root, (component if dot else None)

    @property
    def name(self) -> str:
        """Full name, including any component."""
        return self._name

    def nameAndComponent(self) -> tuple[str, str | None]:
        """Return ``(root name, component or None)``."""
        return self.splitDatasetTypeName(self._name)

    def component(self) -> str | None:
        """Return the component name, or `None` for a non-component type."""
        return self.nameAndComponent()[1]

    def componentTypeName(self, component: str) -> str:
        """Return the name of one of this composite type's components.

        Raises
        ------
        DatasetTypeError
            If the storage class has no such component.
        """
        components = self.storageClass.allComponents()
        if component not in components:
            raise DatasetTypeError(
                f"Storage class {self._storage_class_name!r} of dataset type {self._name!r} has "
                f"no component {component!r}; its components are {sorted(components) or 'none'}."
            )
        return self.nameWithComponent(self._name, component)

    # Attributes --------------------------------------------------------------------------

    @property
    def dimensions(self) -> DimensionGroup:
        """Dimensions of the data IDs of datasets of this type."""
        return self._dimensions

    @property
    def storageClass(self) -> StorageClass:
        """The storage class (looked up by name on first use)."""
        if self._storage_class is None:
            self._storage_class = _resolve_storage_class(self._storage_class_name)
        return self._storage_class

    @property
    def storageClass_name(self) -> str:
        """Name of the storage class, without looking it up."""
        return self._storage_class_name

    @property
    def parentStorageClass(self) -> StorageClass | None:
        """Storage class of the composite for a component type, else `None`."""
        if self._parent_storage_class is None and self._parent_storage_class_name is not None:
            self._parent_storage_class = _resolve_storage_class(self._parent_storage_class_name)
        return self._parent_storage_class

    @property
    def parentStorageClass_name(self) -> str | None:
        """Name of the parent storage class, if any."""
        return self._parent_storage_class_name

    def isCalibration(self) -> bool:
        """Return whether datasets of this type can go in calibration collections."""
        return self._is_calibration

    def isComponent(self) -> bool:
        """Return whether this is a component dataset type."""
        return "." in self._name

    def isComposite(self) -> bool:
        """Return whether the storage class has components."""
        return bool(self.storageClass.isComposite())

    # Derived dataset types ---------------------------------------------------------------

    def makeCompositeDatasetType(self) -> DatasetType:
        """Return the composite dataset type this component belongs to."""
        root, component = self.nameAndComponent()
        if component is None:
            raise DatasetTypeError(f"Dataset type {self._name!r} is not a component.")
        parent = self._parent_storage_class or self._parent_storage_class_name
        assert parent is not None  # guaranteed for components by the constructor
        return DatasetType(root, self._dimensions, parent, isCalibration=self._is_calibration)

    def makeComponentDatasetType(self, component: str) -> DatasetType:
        """Return the dataset type of one component of this composite."""
        name = self.componentTypeName(component)
        return DatasetType(
            name,
            self._dimensions,
            self.storageClass.allComponents()[component],
            parentStorageClass=self.storageClass,
            isCalibration=self._is_calibration,
        )

    def makeAllComponentDatasetTypes(self) -> list[DatasetType]:
        """Return the dataset types of every component (empty for non-composites)."""
        return [self.makeComponentDatasetType(c) for c in self.storageClass.allComponents()]

    def overrideStorageClass(self, storageClass: str | StorageClass) -> DatasetType:
        """Return a copy with another storage class that this one converts to.

        Raises
        ------
        DatasetTypeError
            If data of the current storage class cannot be converted to the new one.
        """
        name, given = _storage_class_name(storageClass, "storage class")
        if name == self._storage_class_name:
            return self
        new = given if given is not None else _resolve_storage_class(name)
        if not storage_class_convertible(self.storageClass, new):
            raise DatasetTypeError(
                f"Storage class {name!r} is not compatible with storage class "
                f"{self._storage_class_name!r} of dataset type {self._name!r}: its data cannot be "
                "converted."
            )
        return DatasetType(
            self._name,
            self._dimensions,
            new,
            parentStorageClass=self._parent_storage_class or self._parent_storage_class_name,
            isCalibration=self._is_calibration,
        )

    def is_compatible_with(self, other: DatasetType) -> bool:
        """Return whether datasets of ``other`` can be used where this type is expected.

        Names, dimensions and calibration flags must match; the storage class
        of ``other`` must be the same or convertible to this one.
        """
        if self == other:
            return True
        if (self._name, self._dimensions, self._is_calibration) != (
            other._name,
            other._dimensions,
            other._is_calibration,
        ):
            return False
        try:
            return storage_class_convertible(other.storageClass, self.storageClass)
        except MissingStorageClassError:
            return False

    # Comparison and serialization --------------------------------------------------------

    def _key(self) -> tuple[Any, ...]:
        return (
            self._name,
            self._dimensions,
            self._storage_class_name,
            self._is_calibration,
            self._parent_storage_class_name,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatasetType):
            return NotImplemented
        return self is other or self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self._name, self._dimensions, self._storage_class_name))

    def __lt__(self, other: DatasetType) -> bool:
        if not isinstance(other, DatasetType):
            return NotImplemented
        return self._name < other._name

    def __repr__(self) -> str:
        extra = ""
        if self._parent_storage_class_name is not None:
            extra += f", parentStorageClass={self._parent_storage_class_name}"
        if self._is_calibration:
            extra += ", isCalibration=True"
        return f"DatasetType({self._name!r}, {self._dimensions}, {self._storage_class_name}{extra})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _unpickle,
            (
                self._name,
                self._dimensions,
                self._storage_class or self._storage_class_name,
                self._parent_storage_class or self._parent_storage_class_name,
                self._is_calibration,
            ),
        )

    def to_simple(self, minimal: bool = False) -> dict[str, Any]:
        """Return ``{name, storageClass, dimensions, parentStorageClass, isCalibration}``.

        With ``minimal`` only the name is written (a registry can restore the rest).
        """
        if minimal:
            return {"name": self._name}
        return {
            "name": self._name,
            "storageClass": self._storage_class_name,
            "dimensions": list(self._dimensions.names),
            "parentStorageClass": self._parent_storage_class_name,
            "isCalibration": self._is_calibration,
        }

    @classmethod
    def from_simple(
        cls,
        simple: Mapping[str, Any],
        universe: DimensionUniverse | None = None,
        registry: Any = None,
    ) -> DatasetType:
        """Rebuild a dataset type from `to_simple` output.

        A minimal form (name only) needs ``registry`` to look the type up.
        """
        if simple.get("storageClass") is None:
            if registry is None:
                raise DatasetTypeError(
                    f"Serialized dataset type {simple.get('name')!r} holds only a name; pass a "
                    "registry to look up the rest."
                )
            dataset_type: DatasetType = registry.getDatasetType(simple["name"])
            return dataset_type
        if universe is None:
            universe = registry.dimensions if registry is not None else DimensionUniverse()
        return cls(
            simple["name"],
            universe.conform(simple.get("dimensions") or ()),
            simple["storageClass"],
            parentStorageClass=simple.get("parentStorageClass"),
            isCalibration=bool(simple.get("isCalibration", False)),
        )

    def _lookupNames(self) -> tuple[LookupKey, ...]:
        """Return configuration lookup keys, most specific first.

        The order is: full name, root name (components only), dimensions,
        storage class name and the names of its bases, parent storage class.
        """
        from ._lookup_key import LookupKey

        keys = [LookupKey(name=self._name)]
        root, component = self.nameAndComponent()
        if component is not None:
            keys.append(LookupKey(name=root))
        if self._dimensions.names:
            keys.append(LookupKey(dimensions=self._dimensions))
        try:
            sc_names: tuple[str, ...] = tuple(self.storageClass.lookup_names())
        except MissingStorageClassError:
            sc_names = (self._storage_class_name,)
        keys.extend(LookupKey(name=n) for n in sc_names)
        if self._parent_storage_class_name is not None:
            keys.append(LookupKey(name=self._parent_storage_class_name))
        return tuple(keys)


def _unpickle(
    name: str,
    dimensions: DimensionGroup,
    storage_class: StorageClass | str,
    parent: StorageClass | str | None,
    is_calibration: bool,
) -> DatasetType:
    return DatasetType(
        name, dimensions, storage_class, parentStorageClass=parent, isCalibration=is_calibration
    )
