"""Hierarchical configuration: `Config`, `ConfigSubset` and the search path.

A `Config` wraps nested dictionaries read from YAML or JSON. Nested values
are addressed with tuples (``cfg["a", "b"]``), dotted strings (``cfg["a.b"]``)
or, when a key itself holds dots, a string whose first character names the
delimiter (``cfg[":formatters:calexp.wcs"]``). The search-path and
``<butlerRoot>`` helpers live in ``_config_paths`` and are re-exported here.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import IO, Any, ClassVar

import yaml

from skybutler.resources import ResourcePath, ResourcePathExpression

from ._config_io import (
    deep_merge,
    deep_update,
    load_config_file,
    parse_config_text,
    resolve_includes,
    to_plain,
)
from ._config_paths import (
    BUTLER_ROOT_TAG,
    config_search_path,
    find_config_files,
    replace_butler_root,
)
from .errors import ConfigError

__all__ = [
    "BUTLER_ROOT_TAG",
    "Config",
    "ConfigSubset",
    "config_search_path",
    "find_config_files",
    "replace_butler_root",
]

ConfigKey = str | tuple[str | int, ...]

_MISSING = object()
# Tried in order when a key holds the default "." delimiter.
_ALTERNATE_DELIMITERS = ":/|;,~^!@#%&*+=?"


def _split_key(key: object) -> list[Any]:
    if isinstance(key, str):
        if not key:
            return [key]
        first = key[0]
        if not (first.isalnum() or first == "_"):
            return key[1:].split(first)
        return key.split(".") if "." in key else [key]
    if isinstance(key, tuple):
        return list(key)
    raise TypeError(f"Configuration keys are str or tuple, not {type(key).__name__} ({key!r}).")


def _list_index(node: list[Any], part: Any) -> int | None:
    if isinstance(part, int):
        index = part
    elif isinstance(part, str) and part.lstrip("-").isdigit():
        index = int(part)
    else:
        return None
    return index if -len(node) <= index < len(node) else None


class Config(MutableMapping[str, Any]):
    """Nested configuration read from YAML or JSON, addressed by hierarchical keys.

    Parameters
    ----------
    other
        Nothing (empty), another `Config` or a mapping (deep-copied), or the
        location of a ``.yaml``/``.yml``/``.json`` file (a path or any URI).
        Files may use ``!include name.yaml`` (relative to the including file)
        and an ``includeConfigs:`` key (a name or list of names merged below
        the including mapping, whose own values win).

    Raises
    ------
    ConfigError
        The file is missing or malformed, or ``other`` has an unusable type.

    Notes
    -----
    Indexing returns a `Config` for nested mappings; it shares storage with
    its parent, so ``cfg["a"]["b"] = 1`` changes ``cfg``.
    """

    _D: ClassVar[str] = "."
    """Default delimiter of hierarchical string keys."""

    configFile: ResourcePath | None
    """The file this configuration was read from, if any."""

    def __init__(self, other: ResourcePathExpression | Mapping[str, Any] | None = None) -> None:
        self.configFile = None
        if other is None:
            self._data: dict[str, Any] = {}
        elif isinstance(other, Config):
            self._data = to_plain(other._data)
            self.configFile = other.configFile
        elif isinstance(other, Mapping):
            self._data = to_plain(other)
        elif isinstance(other, str | os.PathLike | ResourcePath):
            uri = ResourcePath(other, forceDirectory=False)
            self._data = load_config_file(uri)
            self.configFile = uri
        else:
            raise ConfigError(
                f"Cannot make a Config from {type(other).__name__} {other!r}: give a mapping, "
                "a Config, or the path or URI of a YAML or JSON file."
            )

    @classmethod
    def _wrap(cls, data: dict[str, Any]) -> Config:
        # A view sharing ``data``; no copy, no file reading.
        view = Config.__new__(Config)
        view._data = data
        view.configFile = None
        return view

    @classmethod
    def fromString(cls, string: str, format: str = "yaml") -> Config:
        """Make a configuration from YAML or JSON text.

        Relative ``!include`` names are resolved against the current directory.
        """
        tree = parse_config_text(string, format, "<string>")
        if tree is None:
            tree = {}
        if not isinstance(tree, dict):
            raise ConfigError(
                f"Configuration text must hold a mapping, not a {type(tree).__name__}."
            )
        resolve_includes(tree, None, "<string>")
        return cls(tree)

    @classmethod
    def fromYaml(cls, string: str) -> Config:
        """Make a configuration from YAML text."""
        return cls.fromString(string, format="yaml")

    # ------------------------------------------------------------------ lookup

    def _find(self, key: object) -> Any:
        data = self._data
        if isinstance(key, str) and key in data:
            return data[key]
        node: Any = data
        for part in _split_key(key):
            if isinstance(node, dict):
                if part not in node:
                    return _MISSING
                node = node[part]
            elif isinstance(node, list):
                index = _list_index(node, part)
                if index is None:
                    return _MISSING
                node = node[index]
            else:
                return _MISSING
        return node

    def __getitem__(self, key: ConfigKey) -> Any:
        value = self._find(key)
        if value is _MISSING:
            raise KeyError(key)
        return Config._wrap(value) if isinstance(value, dict) else value

    def get(self, key: ConfigKey, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default`` if it is absent."""
        value = self._find(key)
        if value is _MISSING:
            return default
        return Config._wrap(value) if isinstance(value, dict) else value

    def __contains__(self, key: object) -> bool:
        try:
            return self._find(key) is not _MISSING
        except TypeError:
            return False

    def __setitem__(self, key: ConfigKey, value: Any) -> None:
        if isinstance(key, str) and key in self._data:
            self._data[key] = to_plain(value)
            return
        parts = _split_key(key)
        node: Any = self._data
        for part in parts[:-1]:
            if isinstance(node, list) and (index := _list_index(node, part)) is not None:
                if not isinstance(node[index], dict | list):
                    node[index] = {}
                node = node[index]
                continue
            if not isinstance(node, dict):
                raise ConfigError(f"Cannot set {key!r}: {part!r} is inside a scalar value.")
            child = node.get(part)
            if not isinstance(child, dict | list):
                # Assignment wins over a scalar in the way, as update() does.
                child = node[part] = {}
            node = child
        last = parts[-1]
        if isinstance(node, list):
            index = _list_index(node, last)
            if index is None:
                raise ConfigError(
                    f"Cannot set {key!r}: {last!r} is not an index of the list there."
                )
            node[index] = to_plain(value)
        else:
            node[last] = to_plain(value)

    def __delitem__(self, key: ConfigKey) -> None:
        if isinstance(key, str) and key in self._data:
            del self._data[key]
            return
        parts = _split_key(key)
        parent = self._find(tuple(parts[:-1])) if len(parts) > 1 else self._data
        last = parts[-1]
        if isinstance(parent, dict) and last in parent:
            del parent[last]
        elif isinstance(parent, list) and (index := _list_index(parent, last)) is not None:
            del parent[index]
        else:
            raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def asArray(self, name: ConfigKey) -> list[Any]:
        """Return the value of ``name`` as a list (a scalar becomes a one-item list)."""
        value = self[name]
        if isinstance(value, list):
            return list(value)
        return [value]

    # ---------------------------------------------------------------- changes

    def update(self, other: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:  # type: ignore[override]
        """Merge ``other`` recursively into this configuration; its values win."""
        if other is not None:
            deep_update(self._data, other)
        if kwargs:
            deep_update(self._data, kwargs)

    def merge(self, other: Mapping[str, Any]) -> None:
        """Merge ``other`` recursively, adding only keys this configuration lacks."""
        deep_merge(self._data, other)

    def copy(self) -> Config:
        """Return a deep copy of the same class, keeping `configFile`."""
        duplicate = type(self).__new__(type(self))
        duplicate.__dict__.update(self.__dict__)
        duplicate._data = to_plain(self._data)
        return duplicate

    # ------------------------------------------------------------------ names

    def nameTuples(self, topLevelOnly: bool = False) -> list[tuple[str, ...]]:
        """Return every key as a tuple of its parts, depth first.

        Intermediate mappings are listed as well as leaves.
        """
        result: list[tuple[str, ...]] = []

        def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
            for key, value in node.items():
                result.append((*prefix, key))
                if not topLevelOnly and isinstance(value, dict):
                    walk(value, (*prefix, key))

        walk(self._data, ())
        return result

    def names(self, topLevelOnly: bool = False, delimiter: str | None = None) -> list[str]:
        """Return every key as a delimited string that indexing accepts.

        Parameters
        ----------
        topLevelOnly
            List only top-level keys.
        delimiter
            Delimiter to join with. By default ``.``, or, if some key
            contains a dot, the first of ``:/|;,~^...`` no key contains. A
            delimiter other than ``.`` is also put in front of each name.

        Raises
        ------
        ConfigError
            The requested delimiter occurs inside a key, or no delimiter is free.
        """
        tuples = self.nameTuples(topLevelOnly=topLevelOnly)
        if topLevelOnly:
            return [parts[0] for parts in tuples]
        all_keys = {str(part) for parts in tuples for part in parts}
        if delimiter is None:
            candidates = self._D + _ALTERNATE_DELIMITERS
            delimiter = next((c for c in candidates if not any(c in k for k in all_keys)), None)
            if delimiter is None:
                raise ConfigError(
                    "Cannot list names: every candidate delimiter occurs in some key."
                )
        elif any(delimiter in key for key in all_keys):
            clash = sorted(key for key in all_keys if delimiter in key)
            raise ConfigError(
                f"Cannot list names with delimiter {delimiter!r}: keys {clash} contain it."
            )
        prefix = "" if delimiter == self._D else delimiter
        return [prefix + delimiter.join(str(p) for p in parts) for parts in tuples]

    # ----------------------------------------------------------------- output

    def toDict(self) -> dict[str, Any]:
        """Return a deep copy as plain dictionaries and lists."""
        return to_plain(self._data)  # type: ignore[no-any-return]

    def dump(self, output: IO[str] | None = None, format: str = "yaml") -> str | None:
        """Write the configuration as YAML or JSON.

        Parameters
        ----------
        output
            Text stream to write to; if `None` the text is returned.
        format
            ``"yaml"`` or ``"json"``.
        """
        if format == "yaml":
            try:
                text = yaml.safe_dump(self._data, sort_keys=False, default_flow_style=False)
            except yaml.YAMLError as exc:
                raise ConfigError(f"Cannot write configuration as YAML: {exc}") from exc
        elif format == "json":
            try:
                text = json.dumps(self._data, indent=2) + "\n"
            except TypeError as exc:
                raise ConfigError(f"Cannot write configuration as JSON: {exc}") from exc
        else:
            raise ConfigError(f"Unknown configuration format {format!r}; use 'yaml' or 'json'.")
        if output is None:
            return text
        output.write(text)
        return None

    def dumpToUri(
        self,
        uri: ResourcePathExpression,
        updateFile: bool = True,
        defaultFileName: str = "butler.yaml",
        overwrite: bool = True,
    ) -> None:
        """Write the configuration to a file, as JSON if it ends in ``.json`` else YAML.

        Parameters
        ----------
        uri
            File or directory; a directory gets ``defaultFileName``.
        updateFile
            Record the written file as `configFile`.
        defaultFileName
            File name used when ``uri`` is a directory.
        overwrite
            Replace an existing file.
        """
        target = ResourcePath(uri)
        if target.dirLike or (target.dirLike is None and target.exists() and target.isdir()):
            target = ResourcePath(target, forceDirectory=True).join(defaultFileName)
        fmt = "json" if target.getExtension().lower() == ".json" else "yaml"
        buffer = io.StringIO()
        self.dump(buffer, format=fmt)
        try:
            target.write(buffer.getvalue().encode(), overwrite=overwrite)
        except Exception as exc:
            raise ConfigError(f"Cannot write configuration to {target}: {exc}") from exc
        if updateFile:
            self.configFile = target

    # -------------------------------------------------------------- protocol

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Config):
            return self._data == other._data
        if isinstance(other, Mapping):
            return bool(self._data == to_plain(other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __str__(self) -> str:
        return str(self.dump())


class ConfigSubset(Config):
    """The part of a configuration that belongs to one component, with defaults.

    Subclasses set `component`, `requiredKeys` and `defaultConfigFile`.

    Parameters
    ----------
    other
        As for `Config`. If it holds `component` as a top-level mapping key
        (a whole butler configuration), only that part is kept.
    validate
        Check that `requiredKeys` are present.
    mergeDefaults
        Merge the default files found on the search path under ``other``.
    searchPaths
        Extra directories searched first for default files.

    Raises
    ------
    ConfigError
        A file cannot be read, or a required key is missing.
    """

    component: ClassVar[str | None] = None
    """Top-level key of this subset inside a whole configuration."""

    requiredKeys: ClassVar[Sequence[str]] = ()
    """Keys that must be present after defaults are merged."""

    defaultConfigFile: ClassVar[str | None] = None
    """Name of the default files looked up on the search path."""

    resourcesPackage: ClassVar[str] = "skybutler.daf_butler"
    """Package whose ``configs/`` directory ends the search path."""

    merge_all_default_files: ClassVar[bool] = True
    """Merge every default file on the path (`False`: use only the first one found)."""

    def __init__(
        self,
        other: ResourcePathExpression | Mapping[str, Any] | None = None,
        validate: bool = True,
        mergeDefaults: bool = True,
        searchPaths: Sequence[ResourcePathExpression] | None = None,
    ) -> None:
        super().__init__(other)
        self._data = self._extract(self._data)
        if mergeDefaults:
            merged = self._defaults(searchPaths)
            deep_update(merged, self._data)
            self._data = merged
        if validate:
            self.validate()

    def _extract(self, data: dict[str, Any]) -> dict[str, Any]:
        part = data.get(self.component) if self.component else None
        return part if isinstance(part, dict) else data

    @classmethod
    def defaultSearchPaths(cls) -> list[ResourcePath]:
        """Return the default search path (environment then package)."""
        return config_search_path(None, cls.resourcesPackage)

    def _defaults(self, searchPaths: Sequence[ResourcePathExpression] | None) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        if self.defaultConfigFile is None:
            return merged
        files = find_config_files(self.defaultConfigFile, searchPaths, self.resourcesPackage)
        if not self.merge_all_default_files:
            files = files[:1]
        for uri in reversed(files):
            deep_update(merged, self._extract(load_config_file(uri)))
        for name in self._extra_default_files(Config._wrap({**merged, **self._data})):
            for uri in reversed(find_config_files(name, searchPaths, self.resourcesPackage)):
                deep_update(merged, self._extract(load_config_file(uri)))
        return merged

    def _extra_default_files(self, merged: Config) -> Sequence[str]:
        """Return further default file names chosen from the merged content.

        Subclasses override this to add, for example, the defaults of the
        class named by a ``cls`` key. These files rank above the standard
        defaults and below the values given to the constructor.
        """
        return ()

    def validate(self) -> None:
        """Check that every required key is present.

        Raises
        ------
        ConfigError
            Raised naming the missing keys and the component.
        """
        missing = [key for key in self.requiredKeys if key not in self]
        if missing:
            what = self.component or type(self).__name__
            raise ConfigError(
                f"Configuration for {what!r} lacks required keys {missing}; add them or put a "
                f"{self.defaultConfigFile or 'defaults file'} defining them on the search path."
            )
