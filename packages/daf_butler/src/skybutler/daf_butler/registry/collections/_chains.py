"""CHAINED collections: reading, editing and flattening chains.

Every edit reads the chain, computes the new list, checks it and rewrites the
chain's rows, all in one write transaction in which the parent's row is
locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write
transaction itself, begun with ``BEGIN IMMEDIATE``, excludes other writers).
So many processes may prepend to one chain at once: each edit sees the
previous one's result and none is lost. On PostgreSQL the chains walked by
the cycle check are share-locked too, so two concurrent edits cannot build a
cycle between them; if they deadlock instead, one is retried.
"""

from __future__ import annotations

__all__ = ["ChainOperations"]

from collections.abc import Callable, Iterable, Iterator

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ...errors import CollectionCycleError, CollectionNameError
from ._expressions import check_collection_name, is_pattern
from ._store import CollectionStore
from ._tables import CollectionRecord

_MAX_CHAIN = 32767  # positions are SMALLINT


def _child_names(children: str | Iterable[str]) -> list[str]:
    names = [children] if isinstance(children, str) else list(children)
    for name in names:
        if isinstance(name, str) and is_pattern(name):
            raise CollectionNameError(
                f"Chain children are an ordered list of names; the pattern {name!r} is not "
                "allowed here. Query the matching collections first and pass their names."
            )
        check_collection_name(name)
    return names


class ChainOperations(CollectionStore):
    """Chain methods of the collection manager."""

    def _chain_graph(self, keys: Iterable[int], *, lock: bool = False) -> dict[int, list[int]]:
        """Return the children of the given chains and of every chain below them.

        One query per level of nesting. With ``lock``, the rows of the chains
        visited are share-locked (PostgreSQL) so that they cannot change
        before the transaction ends.
        """
        graph: dict[int, list[int]] = {}
        frontier = set(keys)
        c = self._chain.c
        while frontier:
            if lock:
                collection = self._collection.c
                self._db.lock_rows(
                    sa.select(collection.collection_id).where(
                        collection.collection_id.in_(sorted(frontier))
                    ),
                    exclusive=False,
                )
            rows = self._db.fetch_all(
                sa.select(c.parent, c.child)
                .where(c.parent.in_(sorted(frontier)))
                .order_by(c.parent, c.position)
            )
            for key in frontier:
                graph[key] = []
            for row in rows:
                graph[row[0]].append(row[1])
            records = self.by_keys(child for children in graph.values() for child in children)
            frontier = {
                key
                for key, record in records.items()
                if record.type is CollectionType.CHAINED and key not in graph
            }
        return graph

    def get_chain(self, name: str) -> tuple[str, ...]:
        """Return the names of a chain's children, in search order.

        Raises
        ------
        MissingCollectionError
            No collection has this name.
        CollectionTypeError
            The collection is not CHAINED.
        """

        def read() -> tuple[str, ...]:
            if self._db.in_write_transaction():
                # Read-modify-write of a chain inside one transaction (upstream's idiom for
                # prepending) must not lose concurrent edits: lock the chain until commit.
                record = self._lock(name, expected=CollectionType.CHAINED)
            else:
                record = self.find(name)
                self.check_type(record, CollectionType.CHAINED)
            children = self._chain_graph([record.key]).get(record.key, [])
            records = self.by_keys(children)
            return tuple(records[key].name for key in children)

        return self._db.run(read)

    def get_parents(self, name: str) -> list[str]:
        """Return the names of the chains that contain a collection, sorted."""
        record = self.find(name)
        c = self._chain.c
        rows = self._db.fetch_all(sa.select(c.parent).where(c.child == record.key).distinct())
        return sorted(r.name for r in self.by_keys(row[0] for row in rows).values())

    def flatten(
        self, names: str | Iterable[str], *, include_chains: bool = False
    ) -> list[CollectionRecord]:
        """Resolve chains, in search order, into the collections they contain.

        Each collection appears once, where it is first reached. CHAINED
        collections are replaced by their children (recursively), and kept
        before them when ``include_chains`` is true.

        Raises
        ------
        MissingCollectionError
            A name is unknown; the message suggests close names.
        """
        names = [names] if isinstance(names, str) else list(names)

        def read() -> list[CollectionRecord]:
            records = self.find_many(names)
            graph = self._chain_graph(r.key for r in records if r.type is CollectionType.CHAINED)
            return list(self._walk(records, graph, include_chains))

        return self._db.run(read)

    def _walk(
        self,
        records: Iterable[CollectionRecord],
        graph: dict[int, list[int]],
        include_chains: bool,
        seen: set[int] | None = None,
    ) -> Iterator[CollectionRecord]:
        seen = set() if seen is None else seen
        for record in records:
            if record.key in seen:
                continue
            seen.add(record.key)
            if record.type is not CollectionType.CHAINED:
                yield record
                continue
            if include_chains:
                yield record
            children = graph.get(record.key, [])
            by_key = self.by_keys(children)
            yield from self._walk((by_key[k] for k in children), graph, include_chains, seen)

    # ------------------------------------------------------------ edits

    def set_chain(self, name: str, children: str | Iterable[str], *, flatten: bool = False) -> None:
        """Define a chain's children (replacing the old ones), in order.

        Duplicates keep their first position. With ``flatten``, chained
        children are replaced by the collections they contain.

        Raises
        ------
        MissingCollectionError
            The chain or a child does not exist.
        CollectionTypeError
            The collection is not CHAINED.
        CollectionCycleError
            The chain would contain itself; the message shows the cycle.
        """
        names = _child_names(children)

        def compute(current: list[CollectionRecord]) -> list[CollectionRecord]:
            records = self.find_many(names)
            return self.flatten(names) if flatten else records

        self._edit_chain(name, compute)

    def prepend(self, name: str, children: str | Iterable[str]) -> None:
        """Put collections at the front of a chain (moving those already in it)."""
        names = _child_names(children)

        def compute(current: list[CollectionRecord]) -> list[CollectionRecord]:
            return [*self.find_many(names), *current]

        self._edit_chain(name, compute)

    def extend(self, name: str, children: str | Iterable[str]) -> None:
        """Put collections at the end of a chain (moving those already in it)."""
        names = _child_names(children)

        def compute(current: list[CollectionRecord]) -> list[CollectionRecord]:
            added = self.find_many(names)
            keys = {record.key for record in added}
            return [*(r for r in current if r.key not in keys), *added]

        self._edit_chain(name, compute)

    def remove_from_chain(self, name: str, children: str | Iterable[str]) -> None:
        """Take collections out of a chain (those not in it are ignored)."""
        names = _child_names(children)

        def compute(current: list[CollectionRecord]) -> list[CollectionRecord]:
            keys = {record.key for record in self.find_many(names)}
            return [record for record in current if record.key not in keys]

        self._edit_chain(name, compute)

    def _edit_chain(
        self, name: str, compute: Callable[[list[CollectionRecord]], list[CollectionRecord]]
    ) -> None:
        def edit() -> None:
            parent = self._lock(name, expected=CollectionType.CHAINED)
            current_keys = self._chain_graph([parent.key]).get(parent.key, [])
            by_key = self.by_keys(current_keys)
            new = list({r.key: r for r in compute([by_key[k] for k in current_keys])}.values())
            if [r.key for r in new] == current_keys:
                return
            if len(new) > _MAX_CHAIN:
                raise CollectionNameError(
                    f"Chain {name!r} would have {len(new)} children; at most {_MAX_CHAIN} allowed."
                )
            self._check_cycles(parent, new)
            table = self._chain
            self._db.delete(table, ["parent"], [{"parent": parent.key}])
            self._db.insert(
                table,
                [
                    {"parent": parent.key, "position": position, "child": record.key}
                    for position, record in enumerate(new)
                ],
            )

        self._db.run(edit, write=True)

    def _check_cycles(self, parent: CollectionRecord, children: list[CollectionRecord]) -> None:
        chained = [r for r in children if r.type is CollectionType.CHAINED]
        graph = self._chain_graph((r.key for r in chained if r.key != parent.key), lock=True)
        graph[parent.key] = [r.key for r in children]
        path = _find_path(graph, parent.key, parent.key)
        if path is not None:
            names = self.by_keys(path)
            cycle = " -> ".join(names[key].name for key in path)
            raise CollectionCycleError(
                f"Cannot give chained collection {parent.name!r} these children: it would "
                f"contain itself ({cycle}). Remove {names[path[1]].name!r} from the new children."
            )


def _find_path(graph: dict[int, list[int]], start: int, goal: int) -> list[int] | None:
    """Return a path ``start -> ... -> goal`` of at least one edge, or `None`."""
    stack: list[tuple[int, list[int]]] = [(start, [start])]
    visited: set[int] = set()
    while stack:
        node, path = stack.pop()
        for child in graph.get(node, []):
            if child == goal:
                return [*path, child]
            if child not in visited:
                visited.add(child)
                stack.append((child, [*path, child]))
    return None
