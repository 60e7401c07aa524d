"""`DimensionUniverse`: every dimension element of a repository, loaded from YAML."""

from __future__ import annotations

__all__ = ["DimensionUniverse", "default_dimension_config_path"]

import copy
import logging
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..errors import DimensionConfigError, DimensionNameError
from ._config import (
    DEFAULT_NAMESPACE,
    UniverseConfig,
    load_universe_yaml,
    parse_universe_config,
    parse_universe_yaml,
    unwrap_universe_config,
)
from ._construction import build_elements
from ._elements import Dimension, DimensionElement, GovernorDimension, SkyPixDimension
from ._group import DimensionGroup
from ._named import NamedValueAbstractSet

if TYPE_CHECKING:
    from ._topology import DatabaseTopologicalFamily, SkyPixSystem

_LOG = logging.getLogger(__name__)

_E = TypeVar("_E", bound="str | DimensionElement")


_ENV_SEARCH_PATHS = ("SKYBUTLER_CONFIG_PATH", "DAF_BUTLER_CONFIG_PATH")


def default_dimension_config_path() -> Path:
    """Return the path of the packaged default ``dimensions.yaml``."""
    # The package is always installed as files (never zipped), so a path from __file__
    # serves, without importlib.resources and the tempfile/shutil it imports.
    return Path(__file__).parent.parent / "configs" / "dimensions.yaml"


def _read_default_config() -> tuple[dict[str, Any], str]:
    """Read the first ``dimensions.yaml`` on the configuration search path.

    The packaged file is used unless a directory listed in
    ``$SKYBUTLER_CONFIG_PATH`` or ``$DAF_BUTLER_CONFIG_PATH`` holds one.
    """
    if any(os.environ.get(variable) for variable in _ENV_SEARCH_PATHS):
        from .._config_paths import find_config_files

        found = find_config_files("dimensions.yaml")
        if found:
            return parse_universe_yaml(found[0].read(), str(found[0])), str(found[0])
    path = default_dimension_config_path()
    return load_universe_yaml(path), str(path)


def _read_config(config: object) -> tuple[Mapping[str, Any], str]:
    if isinstance(config, str | os.PathLike):
        return load_universe_yaml(config), os.fspath(config)
    to_dict = getattr(config, "toDict", None)
    if callable(to_dict):
        config = to_dict()
    if isinstance(config, Mapping):
        return unwrap_universe_config(copy.deepcopy(dict(config))), "<mapping>"
    raise TypeError(
        f"A dimension universe is loaded from a path or a mapping, not {type(config).__name__}."
    )


class DimensionUniverse:
    """All dimension elements of a data repository, and their relationships.

    Universes are process-wide singletons keyed by ``(version, namespace)``:
    loading a definition whose key is already known returns the loaded
    universe (with a warning if the definitions differ in substance).

    Parameters
    ----------
    config
        Path of a universe YAML file, or the mapping (or `Config`) read from
        one. `None` loads the first ``dimensions.yaml`` on the configuration
        search path: the packaged default (version 8) unless
        ``$SKYBUTLER_CONFIG_PATH``/``$DAF_BUTLER_CONFIG_PATH`` provide another.
    version, namespace
        With no ``config``, return the already-loaded universe with this key.

    Raises
    ------
    DimensionConfigError
        If the definition is invalid, or ``version`` names a universe that was
        never loaded.
    """

    _instances: ClassVar[dict[tuple[int, str], DimensionUniverse]] = {}
    _default: ClassVar[DimensionUniverse | None] = None
    _lock: ClassVar[threading.RLock] = threading.RLock()

    _version: int
    _namespace: str
    _config: UniverseConfig
    _elements: NamedValueAbstractSet[DimensionElement]
    _dimensions: NamedValueAbstractSet[Dimension]
    _element_index: dict[str, int]
    _dimension_index: dict[str, int]
    _groups: dict[frozenset[Any], DimensionGroup]
    _closures: dict[str, frozenset[str]]

    def __new__(
        cls,
        config: object = None,
        *,
        version: int | None = None,
        namespace: str | None = None,
    ) -> DimensionUniverse:
        if config is None:
            default = cls._load_default()
            if version is None or (version, namespace or DEFAULT_NAMESPACE) == default._key:
                return default
            found = cls._instances.get((version, namespace or DEFAULT_NAMESPACE))
            if found is None:
                raise DimensionConfigError(
                    f"No dimension universe with version {version} and namespace "
                    f"{namespace or DEFAULT_NAMESPACE!r} has been loaded; load it from its "
                    "definition file first."
                )
            return found
        raw, source = _read_config(config)
        return cls._from_parsed(parse_universe_config(raw, source))

    @classmethod
    def _load_default(cls) -> DimensionUniverse:
        default = cls._default
        if default is None:
            default = cls._from_parsed(parse_universe_config(*_read_default_config()))
            cls._default = default
        return default

    @classmethod
    def _from_parsed(cls, parsed: UniverseConfig) -> DimensionUniverse:
        key = (parsed.version, parsed.namespace)
        with cls._lock:
            existing = cls._instances.get(key)
            if existing is not None:
                if existing._config.semantic_key() != parsed.semantic_key():
                    # Like upstream, the first universe loaded for a key wins.
                    _LOG.warning(
                        "The dimension universe from %s differs from the one with version %d "
                        "and namespace %r already loaded from %s; using the loaded one. Give "
                        "a changed definition a new version or namespace.",
                        parsed.source,
                        key[0],
                        key[1],
                        existing._config.source,
                    )
                return existing
            self = object.__new__(cls)
            self._setup(parsed)
            cls._instances[key] = self
            return self

    def _setup(self, parsed: UniverseConfig) -> None:
        built = build_elements(parsed)
        self._version = parsed.version
        self._namespace = parsed.namespace
        self._config = parsed
        for element in built.elements:
            element._universe = self
        self._elements = NamedValueAbstractSet(built.elements)
        self._dimensions = NamedValueAbstractSet(
            [e for e in built.elements if isinstance(e, Dimension)]
        )
        self._element_index = {e.name: i for i, e in enumerate(built.elements)}
        self._dimension_index = {d.name: i for i, d in enumerate(self._dimensions)}
        self._skypix_systems = NamedValueAbstractSet(built.skypix_systems)
        self._spatial = NamedValueAbstractSet(built.spatial)
        self._temporal = NamedValueAbstractSet(built.temporal)
        self._common_skypix = built.common_skypix
        self._closures = {}
        for dimension in self._dimensions:
            closure = set(dimension.required.names)
            for implied in dimension.implied:
                closure.update(self._closures[implied.name])
            for required in dimension.required:
                if required is not dimension:
                    closure.update(self._closures[required.name])
            self._closures[dimension.name] = frozenset(closure)
        self._groups = {}
        self._empty = DimensionGroup(self, ())

    @property
    def _key(self) -> tuple[int, str]:
        return (self._version, self._namespace)

    # Identity ------------------------------------------------------------------

    @property
    def version(self) -> int:
        """Version of the universe definition."""
        return self._version

    @property
    def namespace(self) -> str:
        """Namespace of the universe definition (``daf_butler`` for the default)."""
        return self._namespace

    @property
    def config(self) -> dict[str, Any]:
        """A copy of the definition mapping this universe was built from."""
        return copy.deepcopy(dict(self._config.raw))

    def isCompatibleWith(self, other: DimensionUniverse) -> bool:
        """Return whether data from ``other`` can be used with this universe.

        Universes are compatible when their namespaces match; a version
        difference is only logged.
        """
        if self._namespace != other._namespace:
            return False
        if self._version != other._version:
            _LOG.info(
                "Universe versions differ (%d vs %d) in namespace %r; treating them as compatible.",
                self._version,
                other._version,
                self._namespace,
            )
        return True

    def __repr__(self) -> str:
        return f"DimensionUniverse({self._version}, {self._namespace!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpickle_universe, (self._version, self._namespace, self.config))

    # Elements ------------------------------------------------------------------

    def __getitem__(self, name: str) -> DimensionElement:
        try:
            return self._elements[name]
        except KeyError:
            raise DimensionNameError(self._unknown_message(name, "element")) from None

    def get(self, name: str, default: DimensionElement | None = None) -> DimensionElement | None:
        """Return the element with the given name, or ``default``."""
        return self._elements.get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._elements

    def _unknown_message(self, name: object, what: str) -> str:
        known = [e.name for e in self._elements if not isinstance(e, SkyPixDimension)]
        systems = ", ".join(
            f"{s.name}{s.min_level}..{s.name}{s.max_level}" for s in self._skypix_systems
        )
        return (
            f"Unknown dimension {what} {name!r}; the known ones are {', '.join(known)} "
            f"and the skypix dimensions {systems}."
        )

    @property
    def elements(self) -> NamedValueAbstractSet[DimensionElement]:
        """Every element, in universe order."""
        return self._elements

    @property
    def dimensions(self) -> NamedValueAbstractSet[Dimension]:
        """Every dimension (element with keys, skypix included), in universe order."""
        return self._dimensions

    @property
    def governor_dimensions(self) -> NamedValueAbstractSet[GovernorDimension]:
        """Governor dimensions, in universe order."""
        return NamedValueAbstractSet(
            [d for d in self._dimensions if isinstance(d, GovernorDimension)]
        )

    @property
    def skypix_dimensions(self) -> NamedValueAbstractSet[SkyPixDimension]:
        """Skypix dimensions, in universe order."""
        return NamedValueAbstractSet(
            [d for d in self._dimensions if isinstance(d, SkyPixDimension)]
        )

    @property
    def database_elements(self) -> NamedValueAbstractSet[DimensionElement]:
        """Every element that is not a skypix dimension."""
        return NamedValueAbstractSet(
            [e for e in self._elements if not isinstance(e, SkyPixDimension)]
        )

    @property
    def skypix(self) -> NamedValueAbstractSet[SkyPixSystem]:
        """Skypix systems (``htm``, ``healpix``)."""
        return self._skypix_systems

    @property
    def spatial_families(self) -> NamedValueAbstractSet[DatabaseTopologicalFamily]:
        """Spatial families declared in the topology section."""
        return self._spatial

    @property
    def temporal_families(self) -> NamedValueAbstractSet[DatabaseTopologicalFamily]:
        """Temporal families declared in the topology section."""
        return self._temporal

    @property
    def commonSkyPix(self) -> SkyPixDimension:
        """The skypix dimension used to relate spatial elements in the database."""
        return self._common_skypix

    def getStaticElements(self) -> NamedValueAbstractSet[DimensionElement]:
        """Return every element, in universe order."""
        return self._elements

    def getStaticDimensions(self) -> NamedValueAbstractSet[Dimension]:
        """Return every dimension, in universe order."""
        return self._dimensions

    def getGovernorDimensions(self) -> NamedValueAbstractSet[GovernorDimension]:
        """Return the governor dimensions, in universe order."""
        return self.governor_dimensions

    def getDatabaseElements(self) -> NamedValueAbstractSet[DimensionElement]:
        """Return every element that is not a skypix dimension."""
        return self.database_elements

    def getElementIndex(self, name: str) -> int:
        """Return the position of an element in universe order."""
        return self._element_index[name]

    def getDimensionIndex(self, name: str) -> int:
        """Return the position of a dimension among the dimensions."""
        return self._dimension_index[name]

    def get_elements_populated_by(self, dimension: Dimension | str) -> list[DimensionElement]:
        """Return the elements whose records are transferred with ``dimension``'s."""
        name = str(dimension)
        return [e for e in self._elements if (p := e.populated_by) is not None and p.name == name]

    def sorted(self, elements: Iterable[_E], *, reverse: bool = False) -> list[_E]:
        """Return names or elements sorted in universe order."""
        index = self._element_index
        return sorted(elements, key=lambda e: index[str(e)], reverse=reverse)

    # Groups --------------------------------------------------------------------

    @property
    def empty(self) -> DimensionGroup:
        """The empty `DimensionGroup`."""
        return self._empty

    def conform(
        self, dimensions: Iterable[str | Dimension] | str | DimensionGroup
    ) -> DimensionGroup:
        """Return the `DimensionGroup` holding ``dimensions`` and their dependencies."""
        if isinstance(dimensions, DimensionGroup) and dimensions._universe is self:
            return dimensions
        if isinstance(dimensions, str):
            dimensions = (dimensions,)
        return DimensionGroup(self, dimensions)


def _unpickle_universe(version: int, namespace: str, config: dict[str, Any]) -> DimensionUniverse:
    existing = DimensionUniverse._instances.get((version, namespace))
    if existing is not None:
        return existing
    return DimensionUniverse(config)
