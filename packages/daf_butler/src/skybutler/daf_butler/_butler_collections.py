"""`ButlerCollections`: ``butler.collections``, the default search path and collection edits.

It is a sequence (the default collections, in search order) with the
methods upstream's users call: ``register``, the atomic chain edits
``extend_chain`` / ``prepend_chain`` / ``redefine_chain`` /
``remove_from_chain``, ``query``, ``query_info`` and ``get_info``.
"""

from __future__ import annotations

__all__ = ["ButlerCollections", "CollectionInfo"]

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, overload

from ._collection_type import CollectionType

_ALL_TYPES = CollectionType.all()

if TYPE_CHECKING:
    from .registry import Registry


@dataclasses.dataclass(frozen=True)
class CollectionInfo:
    """What is known about one collection."""

    name: str
    type: CollectionType
    doc: str = ""
    children: tuple[str, ...] = ()
    """The children of a CHAINED collection, in order."""
    parents: frozenset[str] | None = None
    """The chains that hold it directly (when asked for)."""
    dataset_types: frozenset[str] | None = None
    """Dataset types it may hold (when a summary was asked for)."""


class ButlerCollections(Sequence[str]):
    """The default collections of a Butler, and operations on collections.

    Parameters
    ----------
    registry
        The Butler's registry.
    """

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    @property
    def defaults(self) -> Sequence[str]:
        """The default collection search path."""
        return tuple(self._registry.defaults.collections)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self.defaults[index]

    def __len__(self) -> int:
        return len(self.defaults)

    def __iter__(self) -> Iterator[str]:
        return iter(self.defaults)

    def __repr__(self) -> str:
        return f"ButlerCollections({list(self.defaults)!r})"

    def register(
        self, name: str, type: CollectionType = CollectionType.RUN, doc: str | None = None
    ) -> bool:
        """Register a collection (a RUN by default); return `True` if it was new."""
        return self._registry.registerCollection(name, type, doc)

    def _chains(self) -> Any:
        return self._registry._managers.collections

    def extend_chain(
        self, parent_collection_name: str, child_collection_names: str | Iterable[str]
    ) -> None:
        """Append children to a chain (atomically; children already there move to the end)."""
        self._chains().extend(parent_collection_name, child_collection_names)

    def prepend_chain(
        self, parent_collection_name: str, child_collection_names: str | Iterable[str]
    ) -> None:
        """Put children at the front of a chain (atomically)."""
        self._chains().prepend(parent_collection_name, child_collection_names)

    def redefine_chain(
        self, parent_collection_name: str, child_collection_names: str | Iterable[str]
    ) -> None:
        """Replace the children of a chain."""
        self._registry.setCollectionChain(parent_collection_name, child_collection_names)

    def remove_from_chain(
        self, parent_collection_name: str, child_collection_names: str | Iterable[str]
    ) -> None:
        """Remove children from a chain."""
        self._chains().remove_from_chain(parent_collection_name, child_collection_names)

    def query(
        self,
        expression: str | Iterable[str] = "*",
        collection_types: CollectionType | Iterable[CollectionType] = _ALL_TYPES,
        flatten_chains: bool = False,
        include_chains: bool | None = None,
    ) -> list[str]:
        """Return the names of the collections matching names or globs."""
        return self._registry.queryCollections(
            ... if expression == "*" else expression,
            collectionTypes=collection_types,
            flattenChains=flatten_chains,
            includeChains=include_chains,
        )

    def get_info(
        self, name: str, include_parents: bool = False, include_summary: bool = False
    ) -> CollectionInfo:
        """Return what is known about one collection."""
        registry = self._registry
        kind = registry.getCollectionType(name)
        children = registry.getCollectionChain(name) if kind is CollectionType.CHAINED else ()
        parents = frozenset(registry.getCollectionParentChains(name)) if include_parents else None
        dataset_types = None
        if include_summary:
            summary = registry._managers.dataset_types.summaries.get(name)
            by_key = registry._managers.dataset_types.record_by_key
            dataset_types = frozenset(by_key(k).name for k in summary.dataset_type_keys)
        return CollectionInfo(
            name,
            kind,
            registry.getCollectionDocumentation(name) or "",
            tuple(children),
            parents,
            dataset_types,
        )

    def query_info(
        self,
        expression: str | Iterable[str] = "*",
        collection_types: CollectionType | Iterable[CollectionType] = _ALL_TYPES,
        flatten_chains: bool = False,
        include_chains: bool | None = None,
        include_parents: bool = False,
        include_summary: bool = False,
    ) -> list[CollectionInfo]:
        """Return `CollectionInfo` of every collection matching the expression."""
        names = self.query(expression, collection_types, flatten_chains, include_chains)
        return [self.get_info(n, include_parents, include_summary) for n in names]

    def x_remove(self, name: str) -> None:
        """Remove a collection (a RUN with its datasets; refused while a chain holds it)."""
        self._registry.removeCollection(name)
