"""Remove runs and datasets: the work behind ``remove-runs`` and ``prune-datasets``.

Both find what they would remove, hand that plan to a ``confirm`` callback
(the command prints it and asks), and remove only when it agrees.
"""

from __future__ import annotations

__all__ = ["DatasetPruning", "RunRemoval", "prune_datasets", "remove_runs"]

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .._collection_type import CollectionType
from ..errors import OrphanedRecordError, RemovalArgumentError
from ._queries import dataset_table, find_refs
from ._repo import open_butler
from ._table import Table

if TYPE_CHECKING:
    from ..registry import Registry


@dataclasses.dataclass(frozen=True)
class RunRemoval:
    """What `remove_runs` found and did.

    ``runs`` lists the RUN collections to remove with the chains holding
    them; ``datasets`` the number of datasets of each type they hold;
    ``removed`` the runs removed (empty when nothing matched or the removal
    was not confirmed).
    """

    runs: Table
    datasets: Table
    removed: tuple[str, ...]

    @property
    def in_chains(self) -> bool:
        """Whether a chain holds one of the runs (it is taken out of that chain)."""
        return any(parents for parents in self.runs.column("Parents"))


def remove_runs(
    repo: str,
    collection: str,
    force: bool = False,
    confirm: Callable[[RunRemoval], bool] | None = None,
) -> RunRemoval:
    """Remove the RUN collections matching a name or glob, with their datasets and files.

    Parameters
    ----------
    repo
        The repository.
    collection
        A RUN collection name or glob pattern.
    force
        Take runs out of the chains holding them without asking; without
        it (and without ``confirm``) a run in a chain is an error.
    confirm
        Called with the plan before anything is removed; nothing is removed
        unless it returns `True`. When given, agreeing also takes the runs
        out of their chains.

    Raises
    ------
    OrphanedRecordError
        A run is in a chain, and neither ``force`` nor ``confirm`` is given.
    """
    with open_butler(repo, writeable=True) as butler:
        registry = butler.registry
        names = registry.queryCollections(collection, collectionTypes={CollectionType.RUN})
        parents = {n: tuple(sorted(registry.getCollectionParentChains(n))) for n in names}
        counts: list[tuple[str, str]] = []
        if names:
            query = butler.query()
            for dataset_type in registry.queryDatasetTypes(...):
                count = query.datasets(dataset_type, names, find_first=False).count()
                if count:
                    counts.append((dataset_type.name, str(count)))
        result = RunRemoval(
            Table(("Run", "Parents"), tuple((n, parents[n]) for n in names)),
            Table(("Dataset Type", "Count"), tuple(counts)),
            (),
        )
        if not names:
            return result
        if result.in_chains and not force and confirm is None:
            held = "; ".join(f"{n!r} is in {list(p)}" for n, p in parents.items() if p)
            raise OrphanedRecordError(
                f"Runs are held by chains: {held}. Pass --force to take them out of those "
                "chains, or leave out --no-confirm to be asked."
            )
        if confirm is not None and not confirm(result):
            return result
        butler.removeRuns(names, unlink_from_chains=result.in_chains)
        return dataclasses.replace(result, removed=tuple(names))


@dataclasses.dataclass(frozen=True)
class DatasetPruning:
    """What `prune_datasets` found and did.

    ``plan`` lists the datasets found; ``pruned`` is whether they were
    pruned (false for a dry run, an empty plan or a refused confirmation).
    """

    plan: Table
    pruned: bool


def _check_prune_arguments(
    registry: Registry, disassociate: Sequence[str], purge: str | None, unstore: bool
) -> None:
    if not (disassociate or purge or unstore):
        raise RemovalArgumentError(
            "Say what to do: --disassociate TAG, --unstore, or --purge RUN (or a mix of "
            "--disassociate and --unstore)."
        )
    if purge is not None and disassociate:
        raise RemovalArgumentError(
            "--purge removes datasets from every collection; do not also pass --disassociate."
        )
    if purge is not None and registry.getCollectionType(purge) is not CollectionType.RUN:
        raise RemovalArgumentError(
            f"--purge takes a RUN collection; {purge!r} is a "
            f"{registry.getCollectionType(purge).name} collection."
        )
    for tag in disassociate:
        kind = registry.getCollectionType(tag)
        if kind is not CollectionType.TAGGED:
            raise RemovalArgumentError(
                f"--disassociate takes TAGGED collections; {tag!r} is a {kind.name} collection."
            )


def prune_datasets(
    repo: str,
    collections: Sequence[str] = (),
    datasets: Sequence[str] = (),
    find_all: bool = False,
    where: str = "",
    disassociate: Sequence[str] = (),
    purge: str | None = None,
    unstore: bool = False,
    dry_run: bool = False,
    confirm: Callable[[DatasetPruning], bool] | None = None,
) -> DatasetPruning:
    """Remove datasets from TAGGED collections, delete their files, or purge them.

    Parameters
    ----------
    repo
        The repository.
    collections
        Where to look for datasets; by default the ``purge`` run or the
        ``disassociate`` collections.
    datasets
        Dataset types (names or globs); all when empty.
    find_all
        Take every dataset in ``collections``, not only the first found
        for each data ID.
    where
        A ``where`` expression.
    disassociate
        TAGGED collections to take the datasets out of.
    purge
        A RUN collection: remove its datasets found from the repository
        (every collection, and their files).
    unstore
        Delete the files of the datasets (they stay registered).
    dry_run
        Only find the datasets.
    confirm
        Called with the plan before anything is done; nothing is done
        unless it returns `True`.

    Raises
    ------
    RemovalArgumentError
        No action, ``purge`` with ``disassociate``, or collections of the
        wrong type.
    """
    with open_butler(repo, writeable=True) as butler:
        _check_prune_arguments(butler.registry, disassociate, purge, unstore)
        search = list(collections) or ([purge] if purge is not None else list(disassociate))
        if not search:
            raise RemovalArgumentError(
                "Name the COLLECTIONS to look in (or give --purge or --disassociate)."
            )
        refs = find_refs(butler, datasets, search, where, find_first=not find_all)
        if purge is not None:
            refs = [ref for ref in refs if ref.run == purge]
        result = DatasetPruning(dataset_table(refs), False)
        if not refs or dry_run or (confirm is not None and not confirm(result)):
            return result
        if purge is not None:
            butler.pruneDatasets(refs, disassociate=True, unstore=True, purge=True)
        else:
            butler.pruneDatasets(
                refs, disassociate=bool(disassociate), unstore=unstore, tags=disassociate
            )
        return dataclasses.replace(result, pruned=True)
