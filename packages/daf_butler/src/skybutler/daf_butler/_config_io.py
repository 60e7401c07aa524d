"""Reading configuration files: parsing, ``!include`` and ``includeConfigs``.

Files are read through `ResourcePath`, so a configuration and the files it
includes may live on any scheme (local, ``resource://``, S3, HTTP, ...).
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Mapping
from typing import Any

import yaml

from skybutler.resources import ResourcePath, ResourcePathExpression
from skybutler.resources.errors import ResourceError, ResourceNotFoundError

from .errors import ConfigError

__all__ = [
    "INCLUDE_KEY",
    "deep_merge",
    "deep_update",
    "load_config_file",
    "parse_config_text",
    "to_plain",
]

INCLUDE_KEY = "includeConfigs"
"""Key whose value (one name or a list) names files merged under the parent's values."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Include:
    """Placeholder for a ``!include`` tag, resolved once the key path is known."""

    __slots__ = ("line", "target")

    def __init__(self, target: str, line: int) -> None:
        self.target = target
        self.line = line


class _ConfigLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML loader that also understands ``!include``."""


def _construct_include(loader: yaml.SafeLoader, node: yaml.Node) -> _Include:
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.constructor.ConstructorError(
            None, None, "!include takes a single file name", node.start_mark
        )
    return _Include(str(loader.construct_scalar(node)), node.start_mark.line + 1)


_ConfigLoader.add_constructor("!include", _construct_include)


def to_plain(value: Any) -> Any:
    """Return a deep copy of ``value`` made of plain dicts and lists.

    Mappings (including `Config` objects) become dicts and tuples become
    lists, so that the result can be dumped as YAML or JSON.
    """
    if isinstance(value, Mapping):
        inner = getattr(value, "_data", None)
        source = inner if isinstance(inner, dict) else value
        return {key: to_plain(item) for key, item in source.items()}
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    return copy.deepcopy(value)


def deep_update(target: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Merge ``other`` into ``target`` recursively; values of ``other`` win."""
    for key, value in other.items():
        current = target.get(key)
        if isinstance(value, Mapping) and isinstance(current, dict):
            deep_update(current, value)
        else:
            target[key] = to_plain(value)


def deep_merge(target: dict[str, Any], other: Mapping[str, Any]) -> None:
    """Merge ``other`` into ``target`` recursively; values of ``target`` win."""
    for key, value in other.items():
        if key not in target:
            target[key] = to_plain(value)
        elif isinstance(value, Mapping) and isinstance(target[key], dict):
            deep_merge(target[key], value)


def _format_of(uri: ResourcePath) -> str:
    extension = uri.getExtension().lower()
    if extension in (".yaml", ".yml"):
        return "yaml"
    if extension == ".json":
        return "json"
    raise ConfigError(
        f"Cannot read configuration file {uri}: unsupported extension {extension or '(none)'!r}; "
        "use .yaml, .yml or .json."
    )


def parse_config_text(text: str | bytes, fmt: str, source: str) -> Any:
    """Parse YAML or JSON text, turning parser errors into `ConfigError`.

    Parameters
    ----------
    text
        The document.
    fmt
        ``"yaml"`` or ``"json"``.
    source
        Where the text came from, for error messages.
    """
    if fmt == "yaml":
        try:
            return yaml.load(text, Loader=_ConfigLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
            raise ConfigError(
                f"Cannot parse YAML in {source}: {where}: {exc.problem or exc}."
            ) from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"Cannot parse YAML in {source}: {exc}.") from exc
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"Cannot parse JSON in {source}: line {exc.lineno}, column {exc.colno}: {exc.msg}."
            ) from exc
    raise ConfigError(f"Unknown configuration format {fmt!r} for {source}; use 'yaml' or 'json'.")


def _locate(name: str, base: ResourcePath | None) -> ResourcePath:
    # Environment variables let shipped files point at other packages' directories.
    expanded = os.path.expandvars(name)
    if base is None:
        return ResourcePath(expanded, forceDirectory=False)
    return ResourcePath(expanded, root=base, forceDirectory=False)


def load_config_file(uri: ResourcePathExpression, _stack: tuple[str, ...] = ()) -> dict[str, Any]:
    """Read one configuration file and resolve everything it includes.

    Parameters
    ----------
    uri
        Location of a ``.yaml``, ``.yml`` or ``.json`` file.

    Returns
    -------
    dict
        The content as plain dicts and lists.

    Raises
    ------
    ConfigError
        The file (or a file it includes) is missing, unreadable or
        malformed, or the includes form a cycle.
    """
    path = ResourcePath(uri, forceDirectory=False)
    key = str(path)
    if key in _stack:
        chain = " -> ".join([*_stack, key])
        raise ConfigError(f"Configuration files include each other in a cycle: {chain}.")
    fmt = _format_of(path)
    try:
        raw = path.read()
    except ResourceNotFoundError as exc:
        raise ConfigError(f"Configuration file {path} does not exist.") from exc
    except ResourceError as exc:
        raise ConfigError(f"Cannot read configuration file {path}: {exc}") from exc
    tree = parse_config_text(raw, fmt, key)
    if tree is None:
        return {}
    if not isinstance(tree, dict):
        raise ConfigError(
            f"Configuration file {path} must hold a mapping at its top level, "
            f"not a {type(tree).__name__}."
        )
    resolve_includes(tree, path.dirname(), key, (*_stack, key))
    return tree


def resolve_includes(
    tree: dict[str, Any], base: ResourcePath | None, source: str, stack: tuple[str, ...] = ()
) -> None:
    """Replace ``!include`` placeholders and ``includeConfigs`` keys in place.

    Parameters
    ----------
    tree
        Parsed content.
    base
        Directory relative names are resolved against; `None` means the
        current working directory.
    source
        Where the content came from, for error messages.
    stack
        Files being loaded, to detect include cycles.
    """
    _resolve_node(tree, base, source, stack, ())


def _resolve_node(
    node: Any, base: ResourcePath | None, source: str, stack: tuple[str, ...], keys: tuple[Any, ...]
) -> Any:
    if isinstance(node, _Include):
        target = _locate(node.target, base)
        try:
            return load_config_file(target, stack)
        except ConfigError as exc:
            raise ConfigError(
                f"In {source}, line {node.line}, key {_dotted(keys)!r}: cannot include "
                f"{node.target!r} ({target}): {exc}"
            ) from exc
    if isinstance(node, list):
        for index, item in enumerate(node):
            node[index] = _resolve_node(item, base, source, stack, (*keys, index))
        return node
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _resolve_node(value, base, source, stack, (*keys, key))
        if INCLUDE_KEY in node:
            _apply_include_configs(node, base, source, stack, keys)
    return node


def _apply_include_configs(
    node: dict[str, Any],
    base: ResourcePath | None,
    source: str,
    stack: tuple[str, ...],
    keys: tuple[Any, ...],
) -> None:
    spec = node.pop(INCLUDE_KEY)
    names = [spec] if isinstance(spec, str) else spec
    where = _dotted((*keys, INCLUDE_KEY))
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ConfigError(
            f"In {source}, key {where!r} must be a file name or a list of file names, not {spec!r}."
        )
    merged: dict[str, Any] = {}
    for name in names:
        target = _locate(name, base)
        try:
            deep_update(merged, load_config_file(target, stack))
        except ConfigError as exc:
            raise ConfigError(
                f"In {source}, key {where!r}: cannot include {name!r}: {exc}"
            ) from exc
    # The including file's own values win over everything it includes.
    deep_update(merged, node)
    node.clear()
    node.update(merged)


def _dotted(keys: tuple[Any, ...]) -> str:
    return ".".join(str(key) for key in keys) if keys else "(top level)"
