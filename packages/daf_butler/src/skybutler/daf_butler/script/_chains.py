"""Define and edit CHAINED collections: the work behind ``collection-chain``."""

from __future__ import annotations

__all__ = ["CHAIN_MODES", "collection_chain"]

from collections.abc import Sequence

from .._collection_type import CollectionType
from ..errors import CollectionChainError, MissingCollectionError
from ._repo import open_registry

CHAIN_MODES = ("redefine", "extend", "remove", "prepend", "pop")
"""How ``collection-chain`` edits a chain (upstream's ``--mode`` choices)."""


def _pop_indices(children: Sequence[str], chain: tuple[str, ...], parent: str) -> list[str]:
    texts = list(children) or ["0"]
    try:
        indices = [int(text) for text in texts]
    except ValueError:
        raise CollectionChainError(
            f"--mode pop takes integer positions in chain {parent!r}, not {texts}."
        ) from None
    bad = [i for i in indices if not -len(chain) <= i < len(chain)]
    if bad:
        raise CollectionChainError(
            f"Positions {bad} are outside chain {parent!r}, which has {len(chain)} children "
            f"{list(chain)}."
        )
    return [chain[i] for i in indices]


def collection_chain(
    repo: str,
    parent: str,
    children: Sequence[str] = (),
    doc: str | None = None,
    mode: str = "redefine",
    flatten: bool = False,
) -> tuple[str, ...]:
    """Edit a CHAINED collection and return its children afterwards.

    Parameters
    ----------
    repo
        The repository.
    parent
        The chain; created by ``redefine``, ``extend`` and ``prepend`` when
        it does not exist.
    children
        Collection names, or for ``pop`` positions in the chain (negative
        from the end; the first child when none are given).
    doc
        Documentation to set on the chain.
    mode
        One of `CHAIN_MODES`: ``redefine`` replaces the children,
        ``extend``/``prepend`` add them at the end/front (moving those
        already present), ``remove`` takes them out, ``pop`` takes out the
        children at the given positions.
    flatten
        Put the collections inside chained children instead of the chains
        (``redefine``, ``extend`` and ``prepend`` only).

    Raises
    ------
    CollectionChainError
        An unknown mode, ``flatten`` with ``remove``/``pop``, or a bad position.
    MissingCollectionError
        A child does not exist, or the chain does not for ``remove``/``pop``.
    """
    mode = mode.lower()
    if mode not in CHAIN_MODES:
        raise CollectionChainError(f"Unknown mode {mode!r}; use one of {', '.join(CHAIN_MODES)}.")
    if flatten and mode in ("remove", "pop"):
        raise CollectionChainError(f"--flatten cannot be used with --mode {mode}.")
    registry = open_registry(repo, writeable=True)
    chain_ops = registry._managers.collections  # atomic chain edits; not on the facade yet

    def work() -> tuple[str, ...]:
        try:
            registry.getCollectionType(parent)
        except MissingCollectionError:
            if mode in ("remove", "pop"):
                raise
            registry.registerCollection(parent, CollectionType.CHAINED, doc=doc)
        else:
            if doc is not None:
                registry.setCollectionDocumentation(parent, doc)
        names = list(children)
        if flatten:
            names = registry.queryCollections(names, flattenChains=True)
        if mode == "redefine":
            registry.setCollectionChain(parent, names)
        elif mode == "extend":
            chain_ops.extend(parent, names)
        elif mode == "prepend":
            chain_ops.prepend(parent, names)
        elif mode == "remove":
            chain_ops.remove_from_chain(parent, names)
        else:
            current = registry.getCollectionChain(parent)
            chain_ops.remove_from_chain(parent, _pop_indices(names, current, parent))
        return registry.getCollectionChain(parent)

    try:
        return registry.db.run(work, write=True)
    finally:
        registry.close()
