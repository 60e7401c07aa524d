"""Open or create the repository a ``butler`` command names.

A repository is a directory (or URI) holding ``butler.yaml``, its
``butler.yaml`` itself, or a label of the repository index. Commands open
it through `open_butler` (or `open_registry` when they need no datastore)
and create one through `create_repo`; all three go through `Butler`.
"""

from __future__ import annotations

__all__ = ["BUTLER_CONFIG_FILE", "create_repo", "open_butler", "open_registry"]

from collections.abc import Iterable
from typing import TYPE_CHECKING

from skybutler.resources import ResourcePath

from .._butler_config import BUTLER_CONFIG_FILE
from .._gc import release_after_start_up
from ..errors import RepositoryExistsError

if TYPE_CHECKING:
    from .._butler import Butler
    from ..registry import Registry


def open_butler(
    repo: str,
    writeable: bool = False,
    without_datastore: bool = False,
    collections: str | Iterable[str] | None = None,
) -> Butler:
    """Open an existing repository.

    Parameters
    ----------
    repo
        The repository directory or URI, its ``butler.yaml``, or a label of
        the repository index.
    writeable
        Open for writing.
    without_datastore
        Open the registry only.
    collections
        Default collections of the Butler.

    Raises
    ------
    RepositoryNotFoundError
        There is no ``butler.yaml`` at ``repo`` (the message suggests
        ``butler create``).
    ConfigError
        ``butler.yaml`` has no ``registry`` or ``datastore`` section.
    """
    from .._butler import Butler

    butler = Butler(
        repo,
        writeable=writeable,
        without_datastore=without_datastore,
        collections=collections,
    )
    release_after_start_up()  # a command held the collector off until now
    return butler


def open_registry(repo: str, writeable: bool = False) -> Registry:
    """Open the registry of an existing repository (see `open_butler`); close it when done."""
    return open_butler(repo, writeable=writeable, without_datastore=True).registry


def _config_uri(repo: str, outfile: str | None) -> ResourcePath:
    if outfile is not None:
        return ResourcePath(outfile)
    if repo.endswith((".yaml", ".json")):
        return ResourcePath(repo)
    return ResourcePath(repo, forceDirectory=True).join(BUTLER_CONFIG_FILE)


def create_repo(
    repo: str,
    seed_config: str | None = None,
    dimension_config: str | None = None,
    standalone: bool = False,
    override: bool = False,
    outfile: str | None = None,
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
    standalone
        Write every configuration value into ``butler.yaml``
        (`Butler.makeRepo`'s ``standalone``).
    override
        Let the seed configuration's ``root`` values stand instead of the
        repository's location (`Butler.makeRepo` with ``forceConfigRoot``
        false).
    outfile
        Write the configuration here instead of ``<repo>/butler.yaml``.

    Raises
    ------
    RepositoryExistsError
        The configuration file already exists.
    """
    from .._butler import Butler

    config_uri = _config_uri(repo, outfile)
    if config_uri.exists():
        raise RepositoryExistsError(
            f"A repository already exists at {repo!r} ({config_uri}); choose another location "
            "or remove that one first."
        )
    root = config_uri.dirname() if outfile is None and repo.endswith((".yaml", ".json")) else repo
    Butler.makeRepo(
        root,
        config=seed_config,
        dimensionConfig=dimension_config,
        standalone=standalone,
        forceConfigRoot=not override,
        outfile=outfile,
    )
    return config_uri
