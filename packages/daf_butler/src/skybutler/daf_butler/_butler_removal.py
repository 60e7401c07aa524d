"""Removing datasets and runs: trash in the registry transaction, delete files after.

Removal happens in two steps, as upstream's does:

1. In one registry transaction, the datasets' locations move to the
   datastore trash (``dataset_location_trash``) and the registry rows go
   (or the datasets leave their TAGGED collections).
2. Once that has committed, `emptyTrash` deletes the files and then the
   trash rows. It is idempotent: an interrupted call (a kill, a lost
   connection) leaves trash rows whose files are deleted by the next call,
   made by the next removal or directly.

The datasets of a RUN are found and trashed with set statements (an
``INSERT ... SELECT`` and a ``DELETE`` per 5,000 IDs), never one statement
per dataset, so removing a RUN of 50,000 datasets takes a few seconds.
"""

from __future__ import annotations

__all__ = ["prune_datasets", "remove_runs", "trash_datasets"]

import contextlib
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import _progress as progress
from ._collection_type import CollectionType
from .errors import DatasetTypeError, RemovalArgumentError

if TYPE_CHECKING:
    from ._butler import Butler
    from ._dataset_ref import DatasetRef


def _members(datastore: Any) -> list[Any]:
    members = getattr(datastore, "datastores", None)
    if members is None:
        return [datastore]
    return [leaf for member in members for leaf in _members(member)]


def trash_datasets(
    butler: Butler,
    ids: Sequence[uuid.UUID] | Callable[[], Sequence[uuid.UUID]],
    refs: Sequence[DatasetRef] | None = None,
    selected: sa.Select[Any] | None = None,
) -> None:
    """Move datasets to the trash of every datastore of the repository.

    File datastores trash with set statements when ``selected`` (a query of
    the same IDs) is given, by ID in bulk otherwise; others are given the
    refs (looked up from the registry when not given). ``ids`` may be a
    function, called only if some datastore needs them.
    """
    datastore = butler._datastore
    if datastore is None:
        return
    known: list[Sequence[uuid.UUID]] = []

    def wanted() -> Sequence[uuid.UUID]:
        if not known:
            known.append(ids() if callable(ids) else ids)
        return known[0]

    for member in _members(datastore):
        if (
            selected is not None
            and hasattr(member, "trash_selected")
            and member.trash_selected(selected)
        ):
            continue
        if not wanted():
            return
        if hasattr(member, "trash_ids"):
            member.trash_ids(wanted())
        else:
            if refs is None:
                refs = butler._registry._managers.datasets.get_refs(wanted())
            member.trash(refs)


def prune_datasets(
    butler: Butler,
    refs: Iterable[DatasetRef],
    *,
    disassociate: bool = True,
    unstore: bool = False,
    tags: Iterable[str] = (),
    purge: bool = False,
) -> None:
    """Remove datasets from collections, the datastore or the repository (`Butler.pruneDatasets`).

    Raises
    ------
    RemovalArgumentError
        ``purge`` without ``disassociate`` and ``unstore``; ``disassociate``
        without ``tags`` (unless purging); a tag that is not TAGGED.
    DatasetTypeError
        A ref is a component.
    """
    tags = (tags,) if isinstance(tags, str) else tuple(tags)
    registry = butler._registry
    if purge:
        if not disassociate:
            raise RemovalArgumentError(
                "purge=True removes datasets from every collection: it needs disassociate=True."
            )
        if not unstore:
            raise RemovalArgumentError(
                "purge=True removes the datasets' files too: it needs unstore=True."
            )
    elif disassociate:
        if not tags:
            raise RemovalArgumentError(
                "disassociate=True needs the TAGGED collections to remove the datasets from "
                "(tags=...), or purge=True (with unstore=True) to remove them entirely."
            )
        for tag in tags:
            kind = registry.getCollectionType(tag)
            if kind is not CollectionType.TAGGED:
                raise RemovalArgumentError(
                    f"Cannot disassociate datasets from {tag!r}: it is a {kind.name} collection, "
                    "not TAGGED. Use removeRuns for a RUN, or decertify for a CALIBRATION."
                )
    wanted = list(refs)
    for ref in wanted:
        if ref.isComponent():
            raise DatasetTypeError(
                f"Cannot prune component {ref}: prune its parent dataset instead."
            )
    if not wanted:
        return
    with butler.transaction():
        if unstore:
            trash_datasets(butler, [ref.id for ref in wanted], wanted)
        if purge:
            registry.removeDatasets(wanted)
        elif disassociate:
            for tag in tags:
                registry.disassociate(tag, wanted)
    if unstore and butler._datastore is not None:
        butler._datastore.emptyTrash()


def _run_datasets(
    butler: Butler, names: Sequence[str]
) -> tuple[Callable[[], list[uuid.UUID]], sa.Select[Any]]:
    """Return the function listing the IDs of the datasets of runs, and the query of them."""
    managers = butler._registry._managers
    keys = [managers.collections.find(name).key for name in names]
    table = managers.datasets.table
    statement = sa.select(table.c.id).where(table.c.run_id.in_(keys))
    return lambda: [row[0] for row in managers.db.fetch_all(statement)], statement


def remove_runs(
    butler: Butler, names: str | Iterable[str], *, unlink_from_chains: bool = False
) -> None:
    """Remove RUN collections with their datasets and files; see `Butler.removeRuns`.

    Raises
    ------
    RemovalArgumentError
        A collection is not a RUN.
    MissingCollectionError
        A collection does not exist.
    OrphanedRecordError
        A run is in a chain and ``unlink_from_chains`` is false.
    """
    runs = [names] if isinstance(names, str) else list(dict.fromkeys(names))
    registry = butler._registry
    for name in runs:
        kind = registry.getCollectionType(name)
        if kind is not CollectionType.RUN:
            raise RemovalArgumentError(
                f"Collection {name!r} is {kind.name}, not a RUN; remove it with "
                "registry.removeCollection (its datasets stay in their runs)."
            )
    if not runs:
        return
    with butler.transaction():
        if unlink_from_chains:
            for name in runs:
                for parent in sorted(registry.getCollectionParentChains(name)):
                    children = [c for c in registry.getCollectionChain(parent) if c != name]
                    registry.setCollectionChain(parent, children)
        ids, selected = _run_datasets(butler, runs)
        trash_datasets(butler, ids, selected=selected)
        for name in progress.iterate(runs, desc="Removing runs"):
            registry.removeCollection(name)
    if butler._datastore is not None:
        with contextlib.ExitStack() as stack:
            for member in _members(butler._datastore):
                if hasattr(member, "deferred_deletion"):
                    stack.enter_context(member.deferred_deletion())
            butler._datastore.emptyTrash()
