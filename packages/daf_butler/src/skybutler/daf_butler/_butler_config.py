"""Finding and reading a repository's ``butler.yaml``, and the repository index.

A repository is named by a directory or URI (``butler.yaml`` is appended),
the URI of a configuration file, or a *label* from the repository index:
``$DAF_BUTLER_REPOSITORY_INDEX`` (the URI of a YAML or JSON file mapping
labels to URIs) or ``$DAF_BUTLER_REPOSITORIES`` (the same mapping inline).
Setting both is an error, as upstream.
"""

from __future__ import annotations

__all__ = ["BUTLER_CONFIG_FILE", "ButlerConfig", "get_known_repos", "get_repo_uri"]

import json
import os
from collections.abc import Mapping
from typing import Any

import yaml

from skybutler.resources import ResourcePath

from ._config import Config
from .errors import ConfigError, RepositoryNotFoundError

BUTLER_CONFIG_FILE = "butler.yaml"
"""The file that makes a directory a repository."""

_INDEX_VARIABLE = "DAF_BUTLER_REPOSITORY_INDEX"
_INLINE_VARIABLE = "DAF_BUTLER_REPOSITORIES"


def _read_index() -> dict[str, str]:
    uri = os.environ.get(_INDEX_VARIABLE)
    inline = os.environ.get(_INLINE_VARIABLE)
    if uri and inline:
        raise ConfigError(
            f"Both ${_INDEX_VARIABLE} and ${_INLINE_VARIABLE} are set; set only one of them."
        )
    if not uri and not inline:
        return {}
    if uri:
        try:
            text = ResourcePath(uri).read().decode()
        except Exception as exc:
            raise ConfigError(
                f"Cannot read the repository index {uri} (from ${_INDEX_VARIABLE}): {exc}."
            ) from exc
    else:
        text = inline or ""
    try:
        content = json.loads(text) if text.lstrip().startswith("{") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"The repository index is not YAML or JSON: {exc}.") from exc
    if not isinstance(content, Mapping):
        raise ConfigError("The repository index must map labels to repository URIs.")
    return {str(k): str(v) for k, v in content.items()}


def get_known_repos() -> set[str]:
    """Return the labels of the repository index."""
    return set(_read_index())


def get_repo_uri(label: str, return_label: bool = False) -> ResourcePath:
    """Return the URI a repository label stands for.

    Raises
    ------
    RepositoryNotFoundError
        The label is not in the index; the message lists the known labels.
    """
    index = _read_index()
    if label in index:
        return ResourcePath(index[label])
    if return_label:
        return ResourcePath(label, forceAbsolute=False)
    known = ", ".join(sorted(index)) or "none (no repository index is set)"
    raise RepositoryNotFoundError(
        f"Repository label {label!r} is not in the repository index; known labels: {known}."
    )


def _locate(target: str) -> tuple[ResourcePath, ResourcePath]:
    """Return the root and the configuration file of a repository expression."""
    if target.endswith((".yaml", ".json")):
        config_uri = ResourcePath(target)
        return config_uri.dirname(), config_uri
    root = ResourcePath(target, forceDirectory=True)
    return root, root.join(BUTLER_CONFIG_FILE)


class ButlerConfig(Config):
    """The configuration of a repository, with ``root`` set to where it was found.

    Parameters
    ----------
    other
        A directory or URI, a configuration file, a repository label, a
        mapping or a `Config`; `None` means the current directory.

    Raises
    ------
    RepositoryNotFoundError
        Nothing that looks like a repository is there.
    """

    def __init__(self, other: Any = None) -> None:
        if isinstance(other, ButlerConfig):
            super().__init__(other.toDict())
            self.root: ResourcePath = other.root
            self.configFile = other.configFile
            return
        if isinstance(other, (Mapping, Config)) and not isinstance(other, str):
            super().__init__(dict(other) if not isinstance(other, Config) else other.toDict())
            root = self.get("root")
            if not isinstance(root, str):
                raise ConfigError("A butler configuration given as a mapping needs a 'root'.")
            self.root = ResourcePath(root, forceDirectory=True)
            return
        target = "." if other is None else str(other)
        root, config_uri = _locate(target)
        if not config_uri.exists():
            index = _read_index()
            if target in index:
                root, config_uri = _locate(index[target])
        if not config_uri.exists():
            raise RepositoryNotFoundError(
                f"No repository at {target!r}: {config_uri} does not exist. Check the path "
                f"(or the repository label), or create one with 'butler create {target}'."
            )
        super().__init__(config_uri)
        declared = self.get("root")
        self.root = (
            ResourcePath(declared, forceDirectory=True)
            if isinstance(declared, str) and "<butlerRoot>" not in declared
            else root
        )
        for section in ("registry", "datastore"):
            if not isinstance(self.get(section), (Mapping, Config)):
                raise ConfigError(
                    f"{config_uri} has no {section!r} section; it is not a repository "
                    "configuration."
                )
