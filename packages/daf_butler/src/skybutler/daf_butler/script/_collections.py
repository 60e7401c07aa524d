"""List and remove collections: the work behind ``query-collections`` and ``remove-collections``."""

from __future__ import annotations

__all__ = [
    "CHAINS_MODES",
    "DEFAULT_EXCLUDED_DATASET_TYPES",
    "CollectionRemoval",
    "query_collections",
    "remove_collections",
]

import dataclasses
import fnmatch
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .. import _progress as progress
from .._collection_type import CollectionType
from ..errors import OrphanedRecordError
from ._repo import open_registry
from ._table import Table

if TYPE_CHECKING:
    from ..registry import Registry

CHAINS_MODES = ("TABLE", "INVERSE-TABLE", "TREE", "INVERSE-TREE", "FLATTEN", "NO-CHILDREN")
"""How ``query-collections`` shows chains (upstream's ``--chains`` choices)."""

DEFAULT_EXCLUDED_DATASET_TYPES = ("*_config", "*_log", "*_metadata", "packages")
"""Dataset types ``--show-dataset-types`` leaves out unless told otherwise."""


def _collection_types(names: Iterable[str]) -> frozenset[CollectionType]:
    types = frozenset(CollectionType.from_name(name) for name in names)
    return types or CollectionType.all()


def _tree(
    registry: Registry, name: str, depth: int, inverse: bool, out: list[tuple[int, str]]
) -> None:
    out.append((depth, name))
    if inverse:
        following: Iterable[str] = sorted(registry.getCollectionParentChains(name))
    elif registry.getCollectionType(name) is CollectionType.CHAINED:
        following = registry.getCollectionChain(name)
    else:
        following = ()
    for other in following:
        _tree(registry, other, depth + 1, inverse, out)


def _dataset_types_by_collection(
    registry: Registry, names: Sequence[str], exclude: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    patterns = tuple(exclude)
    found: dict[str, list[str]] = {name: [] for name in names}
    for dataset_type in registry.queryDatasetTypes():
        if any(fnmatch.fnmatchcase(dataset_type.name, p) for p in patterns):
            continue
        for name in registry.queryCollections(list(names), datasetType=dataset_type):
            found[name].append(dataset_type.name)
    return {name: tuple(sorted(types)) for name, types in found.items()}


def query_collections(
    repo: str,
    glob: Sequence[str] = (),
    collection_type: Iterable[str] = (),
    chains: str = "TREE",
    show_dataset_types: bool = False,
    exclude_dataset_types: Iterable[str] = DEFAULT_EXCLUDED_DATASET_TYPES,
) -> Table:
    """Return the collections of a repository matching names or globs.

    Parameters
    ----------
    repo
        The repository.
    glob
        Names and glob patterns; every collection when empty.
    collection_type
        Keep only collections of these types (``RUN``, ``TAGGED``,
        ``CHAINED``, ``CALIBRATION``); all types when empty.
    chains
        One of `CHAINS_MODES`: ``TREE`` shows the children of chains
        indented beneath them, ``INVERSE-TREE`` the chains holding each
        collection, ``TABLE``/``INVERSE-TABLE`` list children/parents in a
        column, ``FLATTEN`` replaces chains by what they contain, and
        ``NO-CHILDREN`` lists the matches alone.
    show_dataset_types
        Add a column of the dataset types each collection holds.
    exclude_dataset_types
        Glob patterns of dataset types that column leaves out.
    """
    mode = chains.upper()
    if mode not in CHAINS_MODES:
        raise ValueError(f"Unknown chains mode {chains!r}; use one of {', '.join(CHAINS_MODES)}.")
    registry = open_registry(repo)
    try:
        expression: Any = list(glob) if glob else ...
        names = registry.queryCollections(
            expression,
            collectionTypes=_collection_types(collection_type),
            flattenChains=mode == "FLATTEN",
        )
        columns: tuple[str, ...] = ("Name", "Type")
        rows: list[list[Any]] = []
        if mode in ("TREE", "INVERSE-TREE"):
            entries: list[tuple[int, str]] = []
            for name in names:
                _tree(registry, name, 0, mode == "INVERSE-TREE", entries)
            shown = [name for _, name in entries]
            rows = [["  " * depth + name] for depth, name in entries]
        else:
            shown = list(names)
            rows = [[name] for name in names]
        for row, name in zip(rows, shown, strict=True):
            row.append(registry.getCollectionType(name).name)
        if mode == "TABLE":
            columns += ("Children",)
            for row, name in zip(rows, shown, strict=True):
                is_chain = row[1] == CollectionType.CHAINED.name
                row.append(registry.getCollectionChain(name) if is_chain else ())
        elif mode == "INVERSE-TABLE":
            columns += ("Parents",)
            for row, name in zip(rows, shown, strict=True):
                row.append(tuple(sorted(registry.getCollectionParentChains(name))))
        if show_dataset_types:
            columns += ("Dataset Types",)
            by_collection = _dataset_types_by_collection(
                registry, list(dict.fromkeys(shown)), exclude_dataset_types
            )
            for row, name in zip(rows, shown, strict=True):
                row.append(by_collection[name])
        return Table(columns, tuple(tuple(row) for row in rows))
    finally:
        registry.close()


@dataclasses.dataclass(frozen=True)
class CollectionRemoval:
    """What `remove_collections` found and did.

    ``plan`` lists the collections to remove with their type and parent
    chains; ``runs`` the RUN collections that matched but are left alone
    (``butler remove-runs`` removes those); ``removed`` what was removed, in
    order, empty when nothing matched or the removal was not confirmed.
    """

    plan: Table
    runs: tuple[str, ...]
    removed: tuple[str, ...]


def _removal_order(registry: Registry, names: list[str]) -> list[str]:
    """Order ``names`` so that every chain comes before the collections it holds."""
    remaining = set(names)
    ordered: list[str] = []
    while remaining:
        ready = sorted(
            n for n in remaining if not registry.getCollectionParentChains(n) & remaining
        )
        ordered.extend(ready)
        remaining.difference_update(ready)
    return ordered


def remove_collections(
    repo: str,
    collection: str,
    remove_from_parents: bool = False,
    confirm: Callable[[CollectionRemoval], bool] | None = None,
) -> CollectionRemoval:
    """Remove the TAGGED, CHAINED and CALIBRATION collections matching a name or glob.

    Parameters
    ----------
    repo
        The repository.
    collection
        A collection name or glob pattern.
    remove_from_parents
        Take the collections out of the chains holding them first; without
        this, a collection in a chain that is not itself removed is an error.
    confirm
        Called with the plan (``removed`` empty) before anything is removed;
        nothing is removed unless it returns `True`. No question when `None`.

    Raises
    ------
    OrphanedRecordError
        A collection is in a chain and ``remove_from_parents`` is false.
    """
    registry = open_registry(repo, writeable=True)
    try:
        matched = registry.queryCollections(collection)
        runs = tuple(n for n in matched if registry.getCollectionType(n) is CollectionType.RUN)
        names = _removal_order(registry, [n for n in matched if n not in runs])
        parents = {n: sorted(registry.getCollectionParentChains(n)) for n in names}
        outside = {n: [p for p in parents[n] if p not in parents] for n in names}
        plan = Table(
            ("Collection", "Type", "Parents"),
            tuple((n, registry.getCollectionType(n).name, tuple(parents[n])) for n in names),
        )
        blocked = {n: chains for n, chains in outside.items() if chains}
        if blocked and not remove_from_parents:
            listing = "; ".join(f"{n!r} is in {chains}" for n, chains in blocked.items())
            raise OrphanedRecordError(
                f"Cannot remove collections that chains hold: {listing}. Pass "
                "--remove-from-parents (remove_from_parents=True) to take them out first."
            )
        result = CollectionRemoval(plan, runs, ())
        if not names or (confirm is not None and not confirm(result)):
            return result
        chain_ops = registry._managers.collections  # atomic chain edits; not on the facade yet
        for name in progress.iterate(names, desc="Removing collections"):
            for parent in outside[name]:
                chain_ops.remove_from_chain(parent, [name])
            registry.removeCollection(name)
        return dataclasses.replace(result, removed=tuple(names))
    finally:
        registry.close()
