"""`StorageClass`: the Python type of a dataset, its components and read parameters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._utils import get_full_type_name, import_qualified, is_module_loaded, normalize_type_name
from .errors import (
    StorageClassConfigError,
    StorageClassConversionError,
    StorageClassParameterError,
)

if TYPE_CHECKING:
    from ._storage_class_delegate import StorageClassDelegate

__all__ = ["DELEGATE_ALIASES", "StorageClass", "converter_aliases"]

_LOG = logging.getLogger(__name__)

DELEGATE_ALIASES: dict[str, str] = {
    "StorageClassDelegate": "skybutler.daf_butler._storage_class_delegate.StorageClassDelegate",
    "MaskedImageDelegate": "skybutler.daf_butler.types.MaskedImageDelegate",
    "TableDelegate": "skybutler.daf_butler.types.TableDelegate",
}
"""Short delegate names accepted in storage class definitions."""


def converter_aliases() -> dict[str, str]:
    """Return the short converter names accepted in storage class definitions.

    They are the public functions of ``skybutler.daf_butler._converters``.
    """
    from . import _converters

    return {name: f"{_converters.__name__}.{name}" for name in _converters.__all__}


class StorageClass:
    """The Python type of a dataset, with its components and read parameters.

    Parameters
    ----------
    name
        Name of the storage class.
    pytype
        The Python type, or its fully qualified name (imported only when
        first needed). Defaults to the base's type, else `object`.
    components
        Components that can be stored separately: ``{name: storage class}``.
        Exactly one component is not allowed.
    derivedComponents
        Components computed from the dataset on read and never stored.
    parameters
        Names of the read parameters the storage class understands.
    delegate
        Delegate class (or its short or fully qualified name) that
        assembles, disassembles and applies parameters.
    converters
        ``{python type name: converter}`` turning an object of that type into
        ``pytype``; converters are callables or their short or qualified names.
    inheritsFrom
        Base storage class: its definition is copied, then the given values
        override or extend it (mappings are merged, parameters joined).

    Raises
    ------
    StorageClassConfigError
        The definition is inconsistent.
    """

    _name: str
    _base: StorageClass | None
    _pytype_name: str
    _components: dict[str, StorageClass | str]
    _derived: dict[str, StorageClass | str]
    _parameters: frozenset[str]
    _delegate_name: str | None

    def __init__(
        self,
        name: str,
        pytype: type | str | None = None,
        components: Mapping[str, StorageClass | str] | None = None,
        derivedComponents: Mapping[str, StorageClass | str] | None = None,
        parameters: Iterable[str] | None = None,
        delegate: type | str | None = None,
        converters: Mapping[str, Callable[[Any], Any] | str] | None = None,
        inheritsFrom: StorageClass | str | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise StorageClassConfigError(
                f"A storage class name must be a non-empty string, not {name!r}."
            )
        self._name = name
        base = self._resolve_base(inheritsFrom)
        self._base = base
        if pytype is None:
            pytype = base._pytype if base is not None and base._pytype is not None else None
            if pytype is None:
                pytype = base._pytype_name if base is not None else "object"
        self._pytype: type | None = pytype if isinstance(pytype, type) else None
        self._pytype_name = (
            get_full_type_name(pytype) if isinstance(pytype, type) else normalize_type_name(pytype)
        )
        self._components = self._merged(base._components if base else {}, components, "components")
        self._derived = self._merged(
            base._derived if base else {}, derivedComponents, "derivedComponents"
        )
        self._parameters = frozenset(base._parameters if base else ()) | self._checked_parameters(
            parameters
        )
        if delegate is None and base is not None:
            delegate = base._delegate_class or base._delegate_name
        self._delegate_class: type | None = delegate if isinstance(delegate, type) else None
        self._delegate_name = (
            get_full_type_name(delegate) if isinstance(delegate, type) else delegate
        )
        self._converters: dict[str, Callable[[Any], Any] | str] = (
            dict(base._converters) if base else {}
        )
        # Resolved converters, kept apart so that resolving never changes the definition.
        self._converter_cache: dict[str, Callable[[Any], Any]] = {}
        for type_name, converter in (converters or {}).items():
            if not isinstance(type_name, str) or not (
                isinstance(converter, str) or callable(converter)
            ):
                raise StorageClassConfigError(
                    f"Storage class {name!r}: converters map a Python type name to a callable "
                    f"or its name; got {type_name!r}: {converter!r}."
                )
            self._converters[normalize_type_name(type_name)] = converter
        self._check()

    @staticmethod
    def _resolve_base(base: StorageClass | str | None) -> StorageClass | None:
        if base is None or isinstance(base, StorageClass):
            return base
        from ._storage_class_factory import StorageClassFactory

        return StorageClassFactory().getStorageClass(base)

    def _merged(
        self,
        inherited: Mapping[str, StorageClass | str],
        given: Mapping[str, StorageClass | str] | None,
        what: str,
    ) -> dict[str, StorageClass | str]:
        merged = dict(inherited)
        for key, value in (given or {}).items():
            if not isinstance(key, str) or not isinstance(value, StorageClass | str):
                raise StorageClassConfigError(
                    f"Storage class {self._name!r}: {what} map a component name to a storage class "
                    f"or its name; got {key!r}: {value!r}."
                )
            merged[key] = value
        return merged

    def _checked_parameters(self, parameters: Iterable[str] | None) -> frozenset[str]:
        if parameters is None:
            return frozenset()
        names = [parameters] if isinstance(parameters, str) else list(parameters)
        if not all(isinstance(p, str) for p in names):
            raise StorageClassConfigError(
                f"Storage class {self._name!r}: parameters must be a list of names, not "
                f"{parameters!r}."
            )
        return frozenset(names)

    def _check(self) -> None:
        if len(self._components) == 1:
            (only,) = self._components
            raise StorageClassConfigError(
                f"Storage class {self._name!r} has exactly one component ({only!r}); a composite "
                "needs at least two. Make it a derived component or remove it."
            )
        both = set(self._components) & set(self._derived)
        if both:
            raise StorageClassConfigError(
                f"Storage class {self._name!r} lists {sorted(both)} as both components and "
                "derived components; each name may appear in only one of them."
            )

    # ------------------------------------------------------------- properties

    @property
    def name(self) -> str:
        """Name of the storage class."""
        return self._name

    @property
    def pytype(self) -> type:
        """The Python type, imported on first use.

        Raises
        ------
        ImportError
            The type's module is not installed.
        """
        if self._pytype is None:
            try:
                obj = import_qualified(self._pytype_name)
            except ImportError as exc:
                raise ImportError(
                    f"Storage class {self._name!r} cannot load its Python type: {exc}"
                ) from exc
            if not isinstance(obj, type):
                raise StorageClassConfigError(
                    f"Storage class {self._name!r}: pytype {self._pytype_name!r} is not a type."
                )
            self._pytype = obj
        return self._pytype

    @property
    def pytype_name(self) -> str:
        """Fully qualified name of the Python type (no import needed)."""
        return self._pytype_name

    @property
    def inheritsFrom(self) -> str | None:
        """Name of the base storage class, if any."""
        return self._base.name if self._base is not None else None

    def _resolved(self, specs: dict[str, StorageClass | str]) -> dict[str, StorageClass]:
        from ._storage_class_factory import StorageClassFactory

        for key, value in specs.items():
            if isinstance(value, str):
                specs[key] = StorageClassFactory().getStorageClass(value)
        return dict(specs)  # type: ignore[arg-type]

    @property
    def components(self) -> dict[str, StorageClass]:
        """Components that can be stored separately."""
        return self._resolved(self._components)

    @property
    def derivedComponents(self) -> dict[str, StorageClass]:
        """Components computed on read from the whole dataset."""
        return self._resolved(self._derived)

    @property
    def parameters(self) -> frozenset[str]:
        """Read parameters this storage class understands itself."""
        return self._parameters

    @property
    def converters(self) -> dict[str, str]:
        """``{python type name: converter name}``."""
        return {key: _callable_name(value) for key, value in self._converters.items()}

    @property
    def converters_by_type(self) -> dict[type, Callable[[Any], Any]]:
        """Converters keyed by imported type; those whose modules are missing are left out."""
        result: dict[type, Callable[[Any], Any]] = {}
        for type_name, spec in self._converters.items():
            try:
                source = import_qualified(type_name)
            except ImportError:
                continue
            result[source] = self._converter(type_name, spec)
        return result

    def allComponents(self) -> dict[str, StorageClass]:
        """Return components and derived components together."""
        return {**self.components, **self.derivedComponents}

    def isComposite(self) -> bool:
        """Return whether the storage class has components that can be stored separately."""
        return bool(self._components)

    def knownParameters(self) -> set[str]:
        """Return the parameters of this storage class and of all its components."""
        known = set(self._parameters)
        for component in self.components.values():
            known |= component.knownParameters()
        return known

    def lookup_names(self) -> tuple[str, ...]:
        """Return this name then the names of its bases, nearest first."""
        names = [self._name]
        base = self._base
        while base is not None:
            names.append(base._name)
            base = base._base
        return tuple(names)

    # ------------------------------------------------------------- parameters

    def validateParameters(
        self, parameters: Collection[str] | Mapping[str, Any] | None = None
    ) -> None:
        """Check that every parameter is known to this storage class or a component.

        Raises
        ------
        StorageClassParameterError
            Raised naming the unknown parameters and the allowed ones.
        """
        if not parameters:
            return
        names = {parameters} if isinstance(parameters, str) else set(parameters)
        known = self.knownParameters()
        unknown = names - known
        if unknown:
            allowed = ", ".join(sorted(known)) if known else "none"
            raise StorageClassParameterError(
                f"Storage class {self._name!r} does not understand the parameters "
                f"{sorted(unknown)}; "
                f"allowed: {allowed}."
            )

    def filterParameters(
        self, parameters: Mapping[str, Any] | None, subset: Collection[str] | None = None
    ) -> dict[str, Any]:
        """Return the parameters this storage class understands itself.

        Parameters
        ----------
        parameters
            Parameters to filter.
        subset
            Keep only these names as well; each must be a parameter of this
            storage class.

        Raises
        ------
        StorageClassParameterError
            ``subset`` names a parameter this storage class does not have.
        """
        if not parameters:
            return {}
        wanted = set(self._parameters)
        if subset is not None:
            extra = set(subset) - wanted
            if extra:
                raise StorageClassParameterError(
                    f"Cannot filter storage class {self._name!r} parameters by {sorted(extra)}: "
                    f"its parameters are {sorted(wanted)}."
                )
            wanted &= set(subset)
        return {key: value for key, value in parameters.items() if key in wanted}

    # -------------------------------------------------------------- delegates

    def delegate(self) -> StorageClassDelegate:
        """Return a delegate that assembles, disassembles and applies parameters."""
        if self._delegate_class is None:
            if self._delegate_name is None:
                from ._storage_class_delegate import StorageClassDelegate

                self._delegate_class = StorageClassDelegate
            else:
                try:
                    self._delegate_class = import_qualified(
                        self._delegate_name, aliases=DELEGATE_ALIASES
                    )
                except ImportError as exc:
                    raise StorageClassConfigError(
                        f"Storage class {self._name!r}: cannot load delegate "
                        f"{self._delegate_name!r}: {exc}"
                    ) from exc
        return self._delegate_class(storageClass=self)  # type: ignore[no-any-return]

    # ------------------------------------------------------------------ types

    def is_type(self, other: type, compare_types: bool = False) -> bool:
        """Return whether ``other`` is exactly this storage class's Python type.

        Parameters
        ----------
        other
            Type to test.
        compare_types
            Compare type objects (importing the Python type if needed) rather
            than first trying their names.
        """
        if self._pytype is not None:
            return other is self._pytype
        if not compare_types:
            if get_full_type_name(other) == self._pytype_name:
                return True
            # other's module is imported, so if ours is not, they cannot be the same type.
            if not is_module_loaded(self._pytype_name):
                return False
        try:
            return other is self.pytype
        except ImportError:
            return False

    def _is_instance(self, obj: Any) -> bool:
        if self._pytype is None and not is_module_loaded(self._pytype_name):
            return False
        try:
            return isinstance(obj, self.pytype)
        except ImportError:
            return False

    def _converter(self, type_name: str, spec: Callable[[Any], Any] | str) -> Callable[[Any], Any]:
        if not isinstance(spec, str):
            return spec
        if type_name in self._converter_cache:
            return self._converter_cache[type_name]
        try:
            converter = import_qualified(spec, aliases=converter_aliases())
        except ImportError as exc:
            raise StorageClassConfigError(
                f"Storage class {self._name!r}: cannot load converter {spec!r} for {type_name!r}: "
                f"{exc}"
            ) from exc
        if not callable(converter):
            raise StorageClassConfigError(
                f"Storage class {self._name!r}: converter {spec!r} for {type_name!r} "
                "is not callable."
            )
        self._converter_cache[type_name] = converter
        return converter  # type: ignore[no-any-return]

    def can_convert(self, other: StorageClass) -> bool:
        """Return whether a dataset of this storage class can be converted to ``other``.

        True when the types match or ``other`` has a converter accepting this
        storage class's type (or a base of it).
        """
        if self._name == other._name or self._pytype_name == other._pytype_name:
            return True
        if self._pytype_name in other._converters:
            return True
        try:
            mine = self.pytype
        except ImportError:
            return False
        try:
            if issubclass(mine, other.pytype):
                return True
        except ImportError:
            pass
        for type_name in other._converters:
            try:
                source = import_qualified(type_name)
            except ImportError:
                continue
            if isinstance(source, type) and issubclass(mine, source):
                return True
        return False

    def coerce_type(self, incorrect: Any) -> Any:
        """Return ``incorrect`` as an instance of the Python type, converting if needed.

        Raises
        ------
        StorageClassConversionError
            No registered converter accepts the object, or the converter failed.
        """
        if self._is_instance(incorrect):
            return incorrect
        for type_name, spec in list(self._converters.items()):
            if not is_module_loaded(type_name):
                continue
            try:
                source = import_qualified(type_name)
            except ImportError:
                _LOG.debug(
                    "Storage class %s: skipping converter for unimportable %s",
                    self._name,
                    type_name,
                )
                continue
            if isinstance(source, type) and isinstance(incorrect, source):
                converter = self._converter(type_name, spec)
                try:
                    return converter(incorrect)
                except Exception as exc:
                    raise StorageClassConversionError(
                        f"Converting a {get_full_type_name(incorrect)} to storage class "
                        f"{self._name!r} "
                        f"({self._pytype_name}) with {_callable_name(spec)} failed: {exc}"
                    ) from exc
        sources = ", ".join(sorted(self._converters)) or "none"
        raise StorageClassConversionError(
            f"Cannot convert a {get_full_type_name(incorrect)} to storage class {self._name!r} "
            f"({self._pytype_name}): no converter accepts it (converters exist from: {sources})."
        )

    # --------------------------------------------------------------- protocol

    def definition(self) -> dict[str, Any]:
        """Return the definition as plain data, as compared by ``==``."""
        return {
            "pytype": self._pytype_name,
            "components": {k: _sc_name(v) for k, v in sorted(self._components.items())},
            "derivedComponents": {k: _sc_name(v) for k, v in sorted(self._derived.items())},
            "parameters": sorted(self._parameters),
            "delegate": self._delegate_name,
            "converters": dict(sorted(self.converters.items())),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StorageClass):
            return NotImplemented
        return self._name == other._name and self.definition() == other.definition()

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        definition = self.definition()
        keys = ("components", "derivedComponents", "parameters", "delegate", "converters")
        parts = [repr(self._name), f"pytype={self._pytype_name!r}"]
        parts.extend(f"{key}={definition[key]!r}" for key in keys if definition[key])
        return f"StorageClass({', '.join(parts)})"

    def __str__(self) -> str:
        return self._name


def _callable_name(value: Callable[[Any], Any] | str) -> str:
    if isinstance(value, str):
        return value
    return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', repr(value))}"


def _sc_name(value: StorageClass | str) -> str:
    return value.name if isinstance(value, StorageClass) else value
