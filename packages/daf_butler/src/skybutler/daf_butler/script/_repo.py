"""Open or create the repository a ``butler`` command names.

A repository is a directory (or URI) holding ``butler.yaml``. These two
functions stand in for ``Butler(...)`` and ``Butler.makeRepo`` until the
Butler exists; commands call only them.
"""

from __future__ import annotations

__all__ = ["BUTLER_CONFIG_FILE", "create_repo", "open_registry"]

from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath

from .._config import Config
from ..errors import ConfigError, RepositoryExistsError, RepositoryNotFoundError

if TYPE_CHECKING:
    from ..registry import Registry

BUTLER_CONFIG_FILE = "butler.yaml"
"""Name of the configuration file that makes a directory a repository."""

_DEFAULT_CONFIG: dict[str, Any] = {
    "registry": {"db": "sqlite:///<butlerRoot>/gen3.sqlite3"},
    "datastore": {"cls": "file", "root": "<butlerRoot>"},
}


def _locate(repo: str) -> tuple[ResourcePath, ResourcePath]:
    """Return the repository root and its ``butler.yaml``."""
    if repo.endswith((".yaml", ".json")):
        config_uri = ResourcePath(repo)
        return config_uri.dirname(), config_uri
    root = ResourcePath(repo, forceDirectory=True)
    return root, root.join(BUTLER_CONFIG_FILE)


def open_registry(repo: str, writeable: bool = False) -> Registry:
    """Open the registry of an existing repository.

    Parameters
    ----------
    repo
        The repository directory or URI, or its ``butler.yaml``.
    writeable
        Open for writing.

    Raises
    ------
    RepositoryNotFoundError
        There is no ``butler.yaml`` at ``repo``.
    ConfigError
        ``butler.yaml`` has no ``registry`` section.
    """
    from ..registry import Registry

    root, config_uri = _locate(repo)
    if not config_uri.exists():
        raise RepositoryNotFoundError(
            f"No repository at {repo!r}: {config_uri} does not exist. Check the path, or "
            f"create a repository there with 'butler create {repo}'."
        )
    config = Config(config_uri)
    if not isinstance(config.get("registry"), Config | dict):
        raise ConfigError(f"{config_uri} has no 'registry' section; it is not a repository.")
    return Registry.fromConfig(config, butlerRoot=root.geturl(), writeable=writeable)


def create_repo(
    repo: str, seed_config: str | None = None, dimension_config: str | None = None
) -> ResourcePath:
    """Create an empty repository and return the URI of its ``butler.yaml``.

    Parameters
    ----------
    repo
        Directory or URI of the new repository (created if missing).
    seed_config
        A configuration file whose values override the defaults (another
        ``registry.db``, for one).
    dimension_config
        A dimension universe file; upstream's default universe otherwise.

    Raises
    ------
    RepositoryExistsError
        ``repo`` already holds a ``butler.yaml``.
    """
    from ..registry import Registry

    root, config_uri = _locate(repo)
    if config_uri.exists():
        raise RepositoryExistsError(
            f"A repository already exists at {repo!r} ({config_uri}); choose another location "
            "or remove that one first."
        )
    config = Config(_DEFAULT_CONFIG)
    if seed_config is not None:
        config.update(Config(seed_config).toDict())
    root.mkdir()
    registry = Registry.createFromConfig(
        config, dimensionConfig=dimension_config, butlerRoot=root.geturl()
    )
    registry.close()
    text = config.dump()
    assert text is not None  # dump() returns the text when given no stream
    config_uri.write(text.encode(), overwrite=False)
    return config_uri
