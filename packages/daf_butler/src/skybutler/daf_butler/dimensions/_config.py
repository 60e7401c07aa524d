"""Reading and checking a dimension universe definition (``dimensions.yaml``).

This module turns the raw YAML mapping into small frozen dataclasses and
checks everything that can be checked one element at a time. Checks that need
the whole graph (unknown names, cycles, topology) live in `._construction`.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_NAMESPACE",
    "ElementConfig",
    "SkyPixSystemConfig",
    "UniverseConfig",
    "load_universe_yaml",
    "parse_universe_config",
    "parse_universe_yaml",
    "unwrap_universe_config",
]

import dataclasses
import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from ..errors import DimensionConfigError
from ._column_spec import ColumnSpec, column_spec_from_config

_LOG = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "daf_butler"
"""Namespace assumed for universe files that do not name one."""

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ELEMENT_KEYS = frozenset(
    {
        "doc",
        "keys",
        "requires",
        "implies",
        "metadata",
        "governor",
        "is_cached",
        "implied_union_target",
        "always_join",
        "populated_by",
        "storage",
    }
)
_TOP_KEYS = frozenset({"version", "namespace", "skypix", "elements", "topology", "packers"})
_PRIMARY_KEY_TYPES = ("int", "string")
_ALTERNATE_KEY_TYPES = ("int", "string", "hash", "uuid")
# Names a record class already uses for its own attributes and methods.
_RESERVED_FIELDS = frozenset(
    {"definition", "dataId", "fields", "toDict", "fromDict", "to_simple", "from_simple"}
)


@dataclasses.dataclass(frozen=True)
class SkyPixSystemConfig:
    """One pixelization system of the ``skypix`` section."""

    name: str
    class_name: str
    min_level: int
    max_level: int


@dataclasses.dataclass(frozen=True)
class ElementConfig:
    """One entry of the ``elements`` section, after legacy forms are translated."""

    name: str
    doc: str
    keys: tuple[ColumnSpec, ...]
    requires: tuple[str, ...]
    implies: tuple[str, ...]
    metadata: tuple[ColumnSpec, ...]
    governor: bool = False
    is_cached: bool = False
    implied_union_target: str | None = None
    always_join: bool = False
    populated_by: str | None = None


@dataclasses.dataclass(frozen=True)
class UniverseConfig:
    """A whole universe definition, checked element by element."""

    version: int
    namespace: str
    common_skypix: str
    skypix: tuple[SkyPixSystemConfig, ...]
    elements: tuple[ElementConfig, ...]
    spatial: Mapping[str, tuple[str, ...]]
    temporal: Mapping[str, tuple[str, ...]]
    source: str = dataclasses.field(compare=False)
    raw: Mapping[str, Any] = dataclasses.field(repr=False, compare=False)

    def semantic_key(self) -> tuple[Any, ...]:
        """Return what defines the universe, ignoring docs, ordering and spelling.

        Two definitions with equal keys build identical universes, e.g. a
        repository's stored copy of the default definition with other docs.
        """

        def columns(specs: tuple[ColumnSpec, ...]) -> tuple[Any, ...]:
            return tuple((c.name, c.type, c.nullable, c.length, c.nbytes) for c in specs)

        return (
            self.version,
            self.namespace,
            self.common_skypix,
            frozenset(
                (s.name, s.class_name.rsplit(".", 1)[-1].lower(), s.min_level, s.max_level)
                for s in self.skypix
            ),
            frozenset(
                (
                    e.name,
                    columns(e.keys),
                    frozenset(e.requires),
                    frozenset(e.implies),
                    columns(e.metadata),
                    e.governor,
                    e.is_cached,
                    e.implied_union_target,
                    e.always_join,
                    e.populated_by,
                )
                for e in self.elements
            ),
            frozenset(self.spatial.items()),
            frozenset(self.temporal.items()),
        )


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses repeated mapping keys instead of dropping one."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise DimensionConfigError(
                f"Duplicate key {key!r} at line {key_node.start_mark.line + 1} of "
                f"{key_node.start_mark.name}: each element (and each key of a mapping) may be "
                "defined only once."
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_unique_mapping,
)


def load_universe_yaml(source: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a universe file, rejecting duplicate keys.

    Parameters
    ----------
    source
        Path of a YAML file.
    """
    path = Path(source)
    return parse_universe_yaml(path.read_text(), str(path))


def parse_universe_yaml(text: str | bytes, source: str) -> dict[str, Any]:
    """Parse universe YAML text, rejecting duplicate keys.

    Parameters
    ----------
    text
        The YAML document.
    source
        Where it came from, for error messages.
    """
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        raise DimensionConfigError(f"Dimension universe {source} is not valid YAML: {err}") from err
    if not isinstance(data, dict):
        raise DimensionConfigError(f"Dimension universe {source} must hold a mapping at top level.")
    return unwrap_universe_config(data)


def unwrap_universe_config(data: dict[str, Any]) -> dict[str, Any]:
    """Return the universe part of a mapping that may be a whole butler configuration."""
    inner = data.get("dimensions")
    if isinstance(inner, dict) and "elements" in inner and "elements" not in data:
        return inner
    return data


def parse_universe_config(raw: Mapping[str, Any], source: str = "<mapping>") -> UniverseConfig:
    """Check a universe definition mapping and convert it to a `UniverseConfig`.

    Parameters
    ----------
    raw
        The mapping read from ``dimensions.yaml``.
    source
        Where the mapping came from, for error messages.

    Raises
    ------
    DimensionConfigError
        If the mapping does not follow the universe schema.
    """
    where = f"Dimension universe {source}"
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        _LOG.warning("%s: ignoring unknown top-level key(s) %s.", where, sorted(unknown))
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DimensionConfigError(f"{where}: 'version' must be an integer, not {version!r}.")
    namespace = raw.get("namespace", DEFAULT_NAMESPACE)
    if not isinstance(namespace, str) or not namespace:
        raise DimensionConfigError(f"{where}: 'namespace' must be a non-empty string.")
    common, systems = _parse_skypix(raw.get("skypix"), where)
    elements_raw = raw.get("elements")
    if not isinstance(elements_raw, Mapping) or not elements_raw:
        raise DimensionConfigError(f"{where}: 'elements' must be a non-empty mapping.")
    elements = tuple(
        _parse_element(name, value, f"{where}: element {name!r}")
        for name, value in elements_raw.items()
    )
    topology = raw.get("topology") or {}
    if not isinstance(topology, Mapping):
        raise DimensionConfigError(f"{where}: 'topology' must be a mapping.")
    spatial = _parse_families(topology.get("spatial"), f"{where}: topology.spatial")
    temporal = _parse_families(topology.get("temporal"), f"{where}: topology.temporal")
    return UniverseConfig(
        version=version,
        namespace=namespace,
        common_skypix=common,
        skypix=systems,
        elements=elements,
        spatial=spatial,
        temporal=temporal,
        source=source,
        raw=raw,
    )


def _parse_skypix(raw: object, where: str) -> tuple[str, tuple[SkyPixSystemConfig, ...]]:
    if not isinstance(raw, Mapping):
        raise DimensionConfigError(
            f"{where}: 'skypix' must be a mapping with 'common' and one entry per system."
        )
    common = raw.get("common")
    if not isinstance(common, str):
        raise DimensionConfigError(
            f"{where}: 'skypix.common' must name a skypix dimension, e.g. 'htm7'."
        )
    systems = []
    for name, value in raw.items():
        if name == "common":
            continue
        sys_where = f"{where}: skypix system {name!r}"
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise DimensionConfigError(f"{sys_where}: the name is not a valid identifier.")
        if not isinstance(value, Mapping) or not isinstance(value.get("class"), str):
            raise DimensionConfigError(
                f"{sys_where}: expected a mapping with 'class' (a pixelization class name) "
                "and 'max_level'."
            )
        min_level = value.get("min_level", 1)
        max_level = value.get("max_level")
        if not (
            isinstance(min_level, int)
            and isinstance(max_level, int)
            and not isinstance(min_level, bool)
            and not isinstance(max_level, bool)
        ):
            raise DimensionConfigError(f"{sys_where}: 'min_level' and 'max_level' must be ints.")
        if not 0 <= min_level <= max_level:
            raise DimensionConfigError(
                f"{sys_where}: levels must satisfy 0 <= min_level <= max_level "
                f"(got {min_level}..{max_level})."
            )
        systems.append(SkyPixSystemConfig(name, value["class"], min_level, max_level))
    if not systems:
        raise DimensionConfigError(f"{where}: 'skypix' must define at least one system.")
    return common, tuple(systems)


def _names(value: object, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable) or not all(isinstance(v, str) for v in value):
        raise DimensionConfigError(f"{where}: '{field}' must be a list of dimension names.")
    return tuple(dict.fromkeys(value))


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise DimensionConfigError(f"{where}: '{key}' must be true or false, not {value!r}.")
    return value


def _translate_storage(storage: object, where: str) -> tuple[bool, str | None]:
    """Translate the legacy ``storage:`` form into ``(is_cached, implied_union_target)``."""
    if not isinstance(storage, Mapping) or not isinstance(storage.get("cls"), str):
        raise DimensionConfigError(f"{where}: 'storage' must be a mapping with a 'cls' entry.")
    cls_name = storage["cls"].rsplit(".", 1)[-1]
    match cls_name:
        case "BasicGovernorDimensionRecordStorage":
            return True, None
        case "TableDimensionRecordStorage":
            return False, None
        case "QueryDimensionRecordStorage":
            view_of = storage.get("view_of")
            if not isinstance(view_of, str):
                raise DimensionConfigError(f"{where}: query storage needs 'view_of: <dimension>'.")
            return False, view_of
        case "CachingDimensionRecordStorage":
            nested = storage.get("nested")
            target = _translate_storage(nested, where)[1] if nested is not None else None
            return True, target
    raise DimensionConfigError(
        f"{where}: unknown legacy storage class {storage['cls']!r}; allowed (by final name): "
        "BasicGovernorDimensionRecordStorage, TableDimensionRecordStorage, "
        "QueryDimensionRecordStorage, CachingDimensionRecordStorage."
    )


def _parse_element(name: object, raw: object, where: str) -> ElementConfig:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise DimensionConfigError(f"{where}: the element name is not a valid identifier.")
    if not isinstance(raw, Mapping):
        raise DimensionConfigError(f"{where}: the definition must be a mapping.")
    unknown = set(raw) - _ELEMENT_KEYS
    if unknown:
        _LOG.warning("%s: ignoring unknown key(s) %s.", where, sorted(unknown))
    keys_raw = raw.get("keys") or []
    metadata_raw = raw.get("metadata") or []
    if not isinstance(keys_raw, list) or not isinstance(metadata_raw, list):
        raise DimensionConfigError(f"{where}: 'keys' and 'metadata' must be lists of columns.")
    try:
        keys = tuple(
            column_spec_from_config(k, where=f"{where} key", nullable=False) for k in keys_raw
        )
        metadata = tuple(
            column_spec_from_config(m, where=f"{where} metadata") for m in metadata_raw
        )
    except ValueError as err:
        raise DimensionConfigError(str(err)) from err
    if keys and keys[0].type not in _PRIMARY_KEY_TYPES:
        raise DimensionConfigError(
            f"{where}: primary key {keys[0].name!r} has type {keys[0].type!r}; a primary key "
            f"must have one of the types {', '.join(_PRIMARY_KEY_TYPES)}."
        )
    for key in keys[1:]:
        if key.type not in _ALTERNATE_KEY_TYPES:
            raise DimensionConfigError(
                f"{where}: alternate key {key.name!r} has type {key.type!r}; alternate keys "
                f"must have one of the types {', '.join(_ALTERNATE_KEY_TYPES)}."
            )
    for column in keys + metadata:
        if column.name in _RESERVED_FIELDS or column.name in ("region", "timespan"):
            raise DimensionConfigError(
                f"{where}: column name {column.name!r} is reserved; choose another name."
            )
    requires = _names(raw.get("requires"), where, "requires")
    implies = _names(raw.get("implies"), where, "implies")
    governor = _flag(raw, "governor", where)
    is_cached = _flag(raw, "is_cached", where) or governor
    always_join = _flag(raw, "always_join", where)
    target = raw.get("implied_union_target")
    if target is not None and not isinstance(target, str):
        raise DimensionConfigError(f"{where}: 'implied_union_target' must be a dimension name.")
    if "storage" in raw:
        cached_by_storage, view_of = _translate_storage(raw["storage"], where)
        is_cached = is_cached or cached_by_storage
        target = target or view_of
    populated_by = raw.get("populated_by")
    if populated_by is not None and not isinstance(populated_by, str):
        raise DimensionConfigError(f"{where}: 'populated_by' must be a dimension name.")
    doc = raw.get("doc", "")
    config = ElementConfig(
        name=name,
        doc=str(doc or "").strip(),
        keys=keys,
        requires=requires,
        implies=implies,
        metadata=metadata,
        governor=governor,
        is_cached=is_cached,
        implied_union_target=target,
        always_join=always_join,
        populated_by=populated_by,
    )
    _check_element_flags(config, where)
    return config


def _check_element_flags(config: ElementConfig, where: str) -> None:
    names = [c.name for c in config.keys + config.metadata]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DimensionConfigError(f"{where}: column name(s) {duplicates} are used twice.")
    if not config.keys:
        if not config.requires:
            raise DimensionConfigError(
                f"{where}: an element without 'keys' is a dimension combination and must "
                "list at least one dimension in 'requires'."
            )
        if config.governor or config.implied_union_target:
            raise DimensionConfigError(
                f"{where}: 'governor' and 'implied_union_target' need a dimension with 'keys'."
            )
        return
    if config.always_join or config.populated_by is not None:
        raise DimensionConfigError(
            f"{where}: 'always_join' and 'populated_by' are allowed only on dimension "
            "combinations (elements without 'keys')."
        )
    if config.governor and config.requires:
        raise DimensionConfigError(
            f"{where}: a governor dimension may not require other dimensions "
            f"(got requires {list(config.requires)})."
        )
    if config.implied_union_target is not None:
        forbidden = [
            field
            for field, present in (
                ("requires", config.requires),
                ("implies", config.implies),
                ("metadata", config.metadata),
                ("alternate keys", config.keys[1:]),
                ("governor", config.governor),
            )
            if present
        ]
        if forbidden:
            raise DimensionConfigError(
                f"{where}: an implied-union dimension (implied_union_target="
                f"{config.implied_union_target!r}) may have only a primary key; remove "
                f"{', '.join(forbidden)}."
            )


def _parse_families(raw: object, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise DimensionConfigError(f"{where}: expected a mapping of family name to members.")
    result = {}
    for family, members in raw.items():
        if not isinstance(family, str):
            raise DimensionConfigError(f"{where}: family names must be strings.")
        names = _names(members, f"{where}.{family}", "members")
        if not names:
            raise DimensionConfigError(f"{where}.{family}: a family needs at least one member.")
        result[family] = names
    return result
