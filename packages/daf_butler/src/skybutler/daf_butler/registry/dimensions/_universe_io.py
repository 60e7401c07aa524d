"""Keeping a repository's dimension universe in ``butler_attributes``.

A repository stores the definition of the universe it was created with as
JSON under ``config:dimensions.json``; opening it rebuilds that universe, so
a repository keeps its universe whatever the default of the code reading it.
Definitions are compared by what builds the universe (elements, keys,
dependencies, topology), not by documentation strings or spelling.
"""

from __future__ import annotations

__all__ = ["UNIVERSE_ATTRIBUTE", "load_universe", "store_universe"]

import json
from typing import Any

from ...dimensions import DimensionUniverse
from ...dimensions._config import parse_universe_config
from ...errors import ConflictingDefinitionError, RegistryError
from .._attributes import ButlerAttributeManager

UNIVERSE_ATTRIBUTE = "config:dimensions.json"


def _describe(universe: DimensionUniverse) -> str:
    return f"version {universe.version} in namespace {universe.namespace!r}"


def _semantic_key(config: Any) -> tuple[Any, ...]:
    return parse_universe_config(config).semantic_key()


def _from_json(text: str) -> tuple[DimensionUniverse, dict[str, Any]]:
    config = json.loads(text)
    universe = DimensionUniverse(config)
    if _semantic_key(universe.config) != _semantic_key(config):
        # Universes are process-wide singletons: another definition with this key got here first.
        raise ConflictingDefinitionError(
            f"The repository's dimension universe ({_describe(universe)}) differs from the "
            "universe with the same version and namespace already loaded in this process. "
            "Use separate processes for repositories with conflicting universes, or give a "
            "changed universe definition a new version or namespace."
        )
    return universe, config


def load_universe(attributes: ButlerAttributeManager) -> DimensionUniverse:
    """Return the universe stored in a repository.

    Raises
    ------
    RegistryError
        The repository records no universe.
    ConflictingDefinitionError
        This process already loaded another universe with the same version
        and namespace.
    """
    text = attributes.get(UNIVERSE_ATTRIBUTE)
    if text is None:
        raise RegistryError(
            f"The repository records no dimension universe ({UNIVERSE_ATTRIBUTE} is missing "
            "from butler_attributes); it is damaged or was made by an incompatible program."
        )
    return _from_json(text)[0]


def store_universe(
    attributes: ButlerAttributeManager, universe: DimensionUniverse | None
) -> DimensionUniverse:
    """Record the universe of a new repository, or check it against the stored one.

    Parameters
    ----------
    attributes
        The repository's attribute manager (call inside a write transaction).
    universe
        The universe to create the repository with; `None` for the stored one,
        or the default universe in a new repository.

    Returns
    -------
    universe
        The repository's universe.

    Raises
    ------
    ConflictingDefinitionError
        The repository already stores a different universe.
    """
    text = attributes.get(UNIVERSE_ATTRIBUTE)
    if text is None:
        universe = universe if universe is not None else DimensionUniverse()
        attributes.set(
            UNIVERSE_ATTRIBUTE, json.dumps(universe.config, sort_keys=True, separators=(",", ":"))
        )
        return universe
    stored, config = _from_json(text)
    if universe is not None and (
        universe is not stored or _semantic_key(universe.config) != _semantic_key(config)
    ):
        raise ConflictingDefinitionError(
            f"The repository was created with the dimension universe {_describe(stored)}, "
            f"which differs from the one given ({_describe(universe)}). A repository keeps "
            "the universe it was made with: open it without giving a universe, or create a "
            "new repository for the other universe."
        )
    return stored
