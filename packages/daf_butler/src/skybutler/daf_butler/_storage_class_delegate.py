"""`StorageClassDelegate`: take composites apart, put them together, apply parameters."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, cast

from ._utils import get_full_type_name
from .errors import (
    StorageClassComponentError,
    StorageClassConversionError,
    StorageClassParameterError,
)

if TYPE_CHECKING:
    from ._storage_class import StorageClass

__all__ = ["StorageClassDelegate"]


def _capitalized(name: str) -> str:
    return name[:1].upper() + name[1:]


class StorageClassDelegate:
    """Default delegate: components are mapping items or attributes.

    A component ``wcs`` is read from ``obj["wcs"]`` for mappings, else by
    calling ``obj.getWcs()``, else from the attribute ``obj.wcs``. Assembly
    calls the Python type with the components as keyword arguments, falling
    back to setting them one by one on a default-constructed object.

    Parameters
    ----------
    storageClass
        The storage class this delegate serves.
    """

    def __init__(self, storageClass: StorageClass) -> None:
        self.storageClass = storageClass

    def can_accept(self, inMemoryDataset: Any) -> bool:
        """Return whether the object is of the storage class's Python type (or a subclass)."""
        return self.storageClass._is_instance(inMemoryDataset)

    def _check_component(self, componentName: str) -> None:
        known = self.storageClass.allComponents()
        if componentName not in known:
            raise StorageClassComponentError(
                f"Storage class {self.storageClass.name!r} has no component {componentName!r}; "
                f"its components are {sorted(known) or 'none'}."
            )

    def getComponent(self, composite: Any, componentName: str) -> Any:
        """Return one component (real or derived) of a composite.

        Raises
        ------
        StorageClassComponentError
            The storage class has no such component or the object lacks it.
        """
        self._check_component(componentName)
        return self._read_component(composite, componentName)

    def _read_component(self, composite: Any, componentName: str) -> Any:
        if isinstance(composite, Mapping):
            if componentName in composite:
                return composite[componentName]
        else:
            getter = getattr(composite, f"get{_capitalized(componentName)}", None)
            if callable(getter):
                return getter()
            if hasattr(composite, componentName):
                value = getattr(composite, componentName)
                return value() if inspect.ismethod(value) else value
        raise StorageClassComponentError(
            f"Cannot get component {componentName!r} of storage class {self.storageClass.name!r} "
            f"from a {get_full_type_name(composite)}: it has no such item, getter or attribute."
        )

    def disassemble(
        self,
        composite: Any,
        subset: Collection[str] | None = None,
        override: Any = None,
    ) -> dict[str, Any]:
        """Return the real components of a composite, ``{name: component}``.

        Components whose value is `None` are left out.

        Parameters
        ----------
        composite
            The object to take apart.
        subset
            Only these components.
        override
            Object to take the components from instead of ``composite``
            (which is then used only for the type check).

        Raises
        ------
        StorageClassComponentError
            The storage class is not a composite or ``subset`` names unknown components.
        StorageClassConversionError
            The object is not of the storage class's Python type.
        """
        components = self.storageClass.components
        if not components:
            raise StorageClassComponentError(
                f"Storage class {self.storageClass.name!r} is not a composite: "
                "it has no components."
            )
        if not self.can_accept(composite):
            raise StorageClassConversionError(
                f"Cannot disassemble a {get_full_type_name(composite)} as storage class "
                f"{self.storageClass.name!r}, whose Python type is {self.storageClass.pytype_name}."
            )
        names = list(components) if subset is None else list(subset)
        unknown = [name for name in names if name not in components]
        if unknown:
            raise StorageClassComponentError(
                f"Cannot disassemble {unknown} from storage class {self.storageClass.name!r}: its "
                f"components are {sorted(components)}."
            )
        source = composite if override is None else override
        result = {}
        for name in names:
            try:
                value = self._read_component(source, name)
            except StorageClassComponentError:
                continue
            if value is not None:
                result[name] = value
        return result

    def assemble(self, components: Mapping[str, Any], pytype: type | None = None) -> Any:
        """Build a composite from its components.

        Parameters
        ----------
        components
            ``{name: component}``; every name must be a real component.
        pytype
            Type to build; default the storage class's Python type.

        Raises
        ------
        StorageClassComponentError
            A name is not a component, or the type cannot be built from them.
        """
        known = self.storageClass.components
        unknown = sorted(set(components) - set(known))
        if unknown:
            raise StorageClassComponentError(
                f"Cannot assemble storage class {self.storageClass.name!r} from {unknown}: its "
                f"components are {sorted(known)}."
            )
        cls = pytype if pytype is not None else self.storageClass.pytype
        if issubclass(cls, Mapping):
            return cast(Any, cls)(components)
        try:
            return cls(**components)
        except TypeError as first:
            try:
                obj = cls()
            except TypeError:
                raise StorageClassComponentError(
                    f"Cannot assemble a {get_full_type_name(cls)} for storage class "
                    f"{self.storageClass.name!r} from components {sorted(components)}: {first}"
                ) from first
        for name, value in components.items():
            setter = getattr(obj, f"set{_capitalized(name)}", None)
            if callable(setter):
                setter(value)
            else:
                setattr(obj, name, value)
        return obj

    def handleParameters(
        self, inMemoryDataset: Any, parameters: Mapping[str, Any] | None = None
    ) -> Any:
        """Return the dataset with read parameters applied.

        The default delegate applies none: any parameter is an error.

        Raises
        ------
        StorageClassParameterError
            A parameter is given; the message says whether it is unknown or
            merely not applied by this delegate.
        """
        if not parameters:
            return inMemoryDataset
        self.storageClass.validateParameters(parameters)
        raise StorageClassParameterError(
            f"Storage class {self.storageClass.name!r} declares parameters {sorted(parameters)} "
            f"but its delegate {type(self).__name__} does not apply them; configure a "
            "delegate that does."
        )

    def selectResponsibleComponent(
        self,
        derivedComponent: str,
        fromComponents: Collection[str | None],
    ) -> str:
        """Return which stored component can compute a derived component.

        Used when a composite was stored disassembled. The default delegate
        knows of no such component.

        Raises
        ------
        StorageClassComponentError
            No available component can compute it.
        """
        raise StorageClassComponentError(
            f"Storage class {self.storageClass.name!r} cannot compute derived component "
            f"{derivedComponent!r} from stored components {sorted(c for c in fromComponents if c)}."
        )

    def copy(self, inMemoryDataset: Any) -> Any:
        """Return a deep copy, so callers cannot change a cached dataset."""
        return copy.deepcopy(inMemoryDataset)
