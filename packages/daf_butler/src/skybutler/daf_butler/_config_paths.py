"""Where configuration lives: the default search path and the repository root."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath, ResourcePathExpression

from .errors import ConfigError

if TYPE_CHECKING:
    from ._config import Config

__all__ = ["BUTLER_ROOT_TAG", "config_search_path", "find_config_files", "replace_butler_root"]

BUTLER_ROOT_TAG = "<butlerRoot>"
"""Placeholder in ``root`` and ``db`` values replaced by the repository root."""

_ENV_SEARCH_PATHS = ("SKYBUTLER_CONFIG_PATH", "DAF_BUTLER_CONFIG_PATH")


def config_search_path(
    searchPaths: Sequence[ResourcePathExpression] | None = None,
    package: str = "skybutler.daf_butler",
) -> list[ResourcePath]:
    """Return the directories searched for default configuration files.

    Highest priority first: ``searchPaths``, then each entry of
    ``$SKYBUTLER_CONFIG_PATH`` and ``$DAF_BUTLER_CONFIG_PATH`` (``os.pathsep``
    separated), then the ``configs/`` directory shipped in ``package``.
    """
    entries: list[ResourcePathExpression] = list(searchPaths or ())
    for variable in _ENV_SEARCH_PATHS:
        entries.extend(part for part in os.environ.get(variable, "").split(os.pathsep) if part)
    entries.append(f"resource://{package}/configs/")
    result: list[ResourcePath] = []
    for entry in entries:
        directory = ResourcePath(entry, forceDirectory=True)
        if directory not in result:
            result.append(directory)
    return result


def find_config_files(
    name: str,
    searchPaths: Sequence[ResourcePathExpression] | None = None,
    package: str = "skybutler.daf_butler",
) -> list[ResourcePath]:
    """Return every file called ``name`` on the search path, highest priority first."""
    found = []
    for directory in config_search_path(searchPaths, package):
        candidate = directory.join(name)
        if candidate.exists():
            found.append(candidate)
    return found


def replace_butler_root(config: Config, root: ResourcePathExpression | None = None) -> None:
    """Replace ``<butlerRoot>`` in every ``root`` and ``db`` value, in place.

    Parameters
    ----------
    config
        Configuration to edit.
    root
        Repository root. If `None`, a top-level ``root`` value is used, or
        else the directory of ``config.configFile``.

    Raises
    ------
    ConfigError
        No root was given and none can be found.
    """
    if root is None:
        top = config.get("root")
        if isinstance(top, str) and BUTLER_ROOT_TAG not in top:
            root = top
        elif config.configFile is not None:
            root = config.configFile.dirname()
        else:
            raise ConfigError(
                f"Cannot replace {BUTLER_ROOT_TAG}: no root was given, the configuration has no "
                "top-level 'root' and was not read from a file."
            )
    location = ResourcePath(root, forceDirectory=True)
    text = location.ospath if location.scheme == "file" else location.geturl()
    text = text.rstrip("/") or "/"

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("root", "db") and isinstance(value, str) and BUTLER_ROOT_TAG in value:
                    node[key] = value.replace(BUTLER_ROOT_TAG, text)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(config._data)
