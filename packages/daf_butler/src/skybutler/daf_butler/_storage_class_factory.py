"""`StorageClassFactory`: the process-wide registry of storage classes."""

from __future__ import annotations

import difflib
import logging
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from skybutler.resources import ResourcePathExpression

from ._config import Config, ConfigSubset
from ._storage_class import StorageClass
from ._utils import get_full_type_name
from .errors import (
    ConflictingDefinitionError,
    MissingStorageClassError,
    StorageClassConfigError,
)

__all__ = ["StorageClassConfig", "StorageClassFactory"]

_LOG = logging.getLogger(__name__)

_KNOWN_KEYS = frozenset(
    {
        "pytype",
        "inheritsFrom",
        "components",
        "derivedComponents",
        "parameters",
        "delegate",
        "converters",
        # Upstream's own file uses the singular once (its Detector class); we honour it.
        "converter",
    }
)


class StorageClassConfig(ConfigSubset):
    """Storage class definitions, under the ``storageClasses`` key.

    Defaults are every ``storageClasses.yaml`` on the configuration search path.
    """

    component = "storageClasses"
    defaultConfigFile = "storageClasses.yaml"


class StorageClassFactory:
    """Registry of every storage class known to the process (a singleton).

    ``StorageClassFactory()`` always returns the same object. The definitions
    from the default `StorageClassConfig` are loaded on first use; anything
    registered later must agree with them.
    """

    _instance: ClassVar[StorageClassFactory | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    _storage_classes: dict[str, StorageClass]
    _defaults_loaded: bool
    _lock: threading.RLock

    def __new__(cls) -> StorageClassFactory:
        with cls._instance_lock:
            if cls._instance is None:
                instance = super().__new__(cls)
                instance._storage_classes = {}
                instance._defaults_loaded = False
                instance._lock = threading.RLock()
                cls._instance = instance
            return cls._instance

    def reset(self) -> None:
        """Forget every storage class; the defaults are loaded again on next use."""
        with self._lock:
            self._storage_classes.clear()
            self._defaults_loaded = False

    def _ensure_defaults(self) -> None:
        if not self._defaults_loaded:
            self._load_defaults()

    def _load_defaults(self) -> None:
        with self._lock:
            if self._defaults_loaded:
                # Another thread loaded them while this one waited for the lock.
                return
            # Set first: addFromConfig calls back here.
            self._defaults_loaded = True
            try:
                self.addFromConfig(StorageClassConfig())
            except BaseException:
                self._defaults_loaded = False
                raise

    # ---------------------------------------------------------------- lookups

    def getStorageClass(self, storageClassName: str) -> StorageClass:
        """Return the storage class of this name.

        Raises
        ------
        MissingStorageClassError
            No storage class has that name; the message suggests close ones.
        """
        self._ensure_defaults()
        try:
            return self._storage_classes[storageClassName]
        except KeyError:
            pass
        close = difflib.get_close_matches(storageClassName, list(self._storage_classes), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise MissingStorageClassError(
            f"No storage class named {storageClassName!r} is known.{hint} Define it in a "
            "storageClasses.yaml on the configuration search path or register it."
        ) from None

    def findStorageClass(self, pytype: type, compare_types: bool = False) -> StorageClass:
        """Return the first registered storage class whose Python type is ``pytype``.

        Raises
        ------
        MissingStorageClassError
            No storage class has that Python type.
        """
        self._ensure_defaults()
        for storage_class in list(self._storage_classes.values()):
            if storage_class.is_type(pytype, compare_types=compare_types):
                return storage_class
        raise MissingStorageClassError(
            f"No storage class has the Python type {get_full_type_name(pytype)}; register one "
            "whose pytype names it."
        )

    def __contains__(self, storageClassOrName: object) -> bool:
        self._ensure_defaults()
        if isinstance(storageClassOrName, StorageClass):
            known = self._storage_classes.get(storageClassOrName.name)
            return known is not None and known == storageClassOrName
        return storageClassOrName in self._storage_classes

    def keys(self) -> list[str]:
        """Return the names of all registered storage classes."""
        self._ensure_defaults()
        return list(self._storage_classes)

    def __len__(self) -> int:
        self._ensure_defaults()
        return len(self._storage_classes)

    def __str__(self) -> str:
        return f"StorageClassFactory({len(self)} storage classes: {', '.join(sorted(self.keys()))})"

    # ----------------------------------------------------------- registration

    def registerStorageClass(self, storageClass: StorageClass, msg: str | None = None) -> None:
        """Register a storage class; an identical existing definition is accepted.

        Parameters
        ----------
        storageClass
            The storage class.
        msg
            Where the definition comes from, for error messages.

        Raises
        ------
        ConflictingDefinitionError
            A different definition of that name is already registered.
        """
        self._ensure_defaults()
        with self._lock:
            existing = self._storage_classes.get(storageClass.name)
            if existing is None:
                self._storage_classes[storageClass.name] = storageClass
                return
            if existing == storageClass:
                return
            old, new = existing.definition(), storageClass.definition()
            differing = [key for key in new if old[key] != new[key]]
            details = "; ".join(f"{key}: {old[key]!r} != {new[key]!r}" for key in differing)
            source = f" (from {msg})" if msg else ""
            raise ConflictingDefinitionError(
                f"Storage class {storageClass.name!r}{source} differs from the registered "
                f"definition in {details}. Rename it or make the definitions agree."
            )

    def addFromConfig(
        self, config: StorageClassConfig | Config | Mapping[str, Any] | ResourcePathExpression
    ) -> None:
        """Register every storage class defined in a configuration.

        Parameters
        ----------
        config
            A `StorageClassConfig`, a whole configuration holding a
            ``storageClasses`` key, a mapping, or the location of a file.

        Raises
        ------
        StorageClassConfigError
            A definition is malformed or names an unknown storage class.
        ConflictingDefinitionError
            A definition differs from one already registered.
        """
        self._ensure_defaults()
        sconfig = (
            config
            if isinstance(config, StorageClassConfig)
            else StorageClassConfig(config, mergeDefaults=False)
        )
        source = str(sconfig.configFile) if sconfig.configFile is not None else "configuration"
        definitions = sconfig.toDict()
        with self._lock:
            _Builder(self, definitions, source).build_all()


class _Builder:
    """Turns a mapping of definitions into registered storage classes, bases first."""

    def __init__(
        self, factory: StorageClassFactory, definitions: dict[str, Any], source: str
    ) -> None:
        self._factory = factory
        self._definitions = definitions
        self._source = source
        self._built: dict[str, StorageClass] = {}

    def build_all(self) -> None:
        for name in self._definitions:
            self._build(name, ())

    def _lookup(
        self, name: object, referrer: str, role: str, stack: tuple[str, ...]
    ) -> StorageClass:
        if not isinstance(name, str):
            raise StorageClassConfigError(
                f"Storage class {referrer!r} in {self._source}: {role} must name a storage class, "
                f"not {name!r}."
            )
        if name in self._definitions:
            return self._build(name, stack)
        try:
            return self._factory.getStorageClass(name)
        except MissingStorageClassError as exc:
            raise StorageClassConfigError(
                f"Storage class {referrer!r} in {self._source}: {role} names an unknown storage "
                f"class: {exc}"
            ) from None

    def _build(self, name: str, stack: tuple[str, ...]) -> StorageClass:
        if name in self._built:
            return self._built[name]
        if name in stack:
            raise StorageClassConfigError(
                f"Storage classes in {self._source} refer to each other in a cycle: "
                f"{' -> '.join([*stack, name])}."
            )
        stack = (*stack, name)
        definition = self._definitions[name]
        if definition is None:
            definition = {}
        if not isinstance(definition, Mapping):
            raise StorageClassConfigError(
                f"Storage class {name!r} in {self._source} must be a mapping of settings, not "
                f"{definition!r}."
            )
        for key in definition:
            if key not in _KNOWN_KEYS:
                _LOG.warning(
                    "Storage class %r in %s: ignoring unknown key %r (known keys: %s).",
                    name,
                    self._source,
                    key,
                    ", ".join(sorted(_KNOWN_KEYS)),
                )
        base = None
        if definition.get("inheritsFrom") is not None:
            base = self._lookup(definition["inheritsFrom"], name, "inheritsFrom", stack)
        components = self._components(definition, "components", name, stack)
        derived = self._components(definition, "derivedComponents", name, stack)
        converters = self._converters(definition, name)
        pytype = definition.get("pytype")
        if pytype is not None and not isinstance(pytype, str):
            raise StorageClassConfigError(
                f"Storage class {name!r} in {self._source}: pytype must be a type name, not "
                f"{pytype!r}."
            )
        try:
            storage_class = StorageClass(
                name,
                pytype=pytype,
                components=components,
                derivedComponents=derived,
                parameters=definition.get("parameters"),
                delegate=definition.get("delegate"),
                converters=converters,
                inheritsFrom=base,
            )
        except StorageClassConfigError as exc:
            raise StorageClassConfigError(f"In {self._source}: {exc}") from None
        self._factory.registerStorageClass(storage_class, msg=self._source)
        # Keep the registered object so that components share one instance.
        self._built[name] = self._factory.getStorageClass(name)
        return self._built[name]

    def _components(
        self, definition: Mapping[str, Any], key: str, name: str, stack: tuple[str, ...]
    ) -> dict[str, StorageClass]:
        spec = definition.get(key) or {}
        if not isinstance(spec, Mapping):
            raise StorageClassConfigError(
                f"Storage class {name!r} in {self._source}: {key} must map component names to "
                f"storage class names, not {spec!r}."
            )
        return {
            component: self._lookup(target, name, f"{key}.{component}", stack)
            for component, target in spec.items()
        }

    def _converters(self, definition: Mapping[str, Any], name: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for key in ("converters", "converter"):
            spec = definition.get(key) or {}
            if not isinstance(spec, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in spec.items()
            ):
                raise StorageClassConfigError(
                    f"Storage class {name!r} in {self._source}: {key} must map Python type names "
                    f"to converter names, not {spec!r}."
                )
            for type_name, converter in spec.items():
                if merged.get(type_name, converter) != converter:
                    raise StorageClassConfigError(
                        f"Storage class {name!r} in {self._source}: 'converter' and 'converters' "
                        f"give different converters for {type_name!r}."
                    )
                merged[type_name] = converter
        return merged
