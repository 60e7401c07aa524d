"""Finding one dataset by type and data ID along an ordered collection search path.

A lookup runs in one read transaction: at most one query resolving the
chains of the path (a recursive query over ``collection_chain``, so chains
edited by other processes are always seen), one on the dataset type's tag
table for the RUN and TAGGED collections, and one on its calibration table
for the CALIBRATION collections. The first two are compiled once per shape
and run straight on the driver (``_prepared.py``), the calibration one is
built once per dataset type; collection and dataset type records come from
the managers' caches, so a warm lookup costs little more than the
transaction around it.
"""

from __future__ import annotations

__all__ = ["FindOperations"]

import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from ..._collection_type import CollectionType
from ..._dataset_ref import DatasetRef
from ..._dataset_type import DatasetType
from ..._timespan import Timespan
from ...dimensions import DataCoordinate, DataId
from ...errors import CalibrationLookupError, CollectionNameError
from ..collections import CollectionRecord, is_pattern
from ._store import DatasetStore, describe_data_id
from ._type_manager import DatasetTypeRecord

_TAGGABLE = (CollectionType.RUN, CollectionType.TAGGED)


class FindOperations(DatasetStore):
    """Dataset lookups of the dataset manager."""

    def _chain_statement(self, roots: int) -> sa.Select[Any]:
        chain = self._collections.tables["collection_chain"]
        top = (
            sa.select(chain.c.parent, chain.c.position, chain.c.child)
            .where(chain.c.parent.in_([sa.bindparam(f"r{i}") for i in range(roots)]))
            .cte("edges", recursive=True)
        )
        below = chain.alias("below")
        edges = top.union(
            sa.select(below.c.parent, below.c.position, below.c.child).join(
                top, below.c.parent == top.c.child
            )
        )
        return sa.select(edges.c.parent, edges.c.position, edges.c.child)

    def _search_path(
        self, names: Sequence[str], connection: sa.Connection
    ) -> list[CollectionRecord]:
        """Return the collections searched, in order, chains replaced by their contents."""
        roots = self._collections.find_many(names)
        chained = [r.key for r in roots if r.type is CollectionType.CHAINED]
        if not chained:
            return list(_walk(roots, {}, {}, set()))
        rows = self._prepared.execute(
            connection,
            ("chain", len(chained)),
            lambda: self._chain_statement(len(chained)),
            {f"r{i}": key for i, key in enumerate(chained)},
        )
        graph: dict[int, list[tuple[int, int]]] = {}
        for parent, position, child in rows:
            graph.setdefault(parent, []).append((position, child))
        children = {child for edges in graph.values() for _, child in edges}
        records = self._collections.by_keys(children) if children else {}
        ordered = {parent: [child for _, child in sorted(edges)] for parent, edges in graph.items()}
        return list(_walk(roots, ordered, records, set()))

    def _tags_statement(self, record: DatasetTypeRecord, collections: int) -> sa.Select[Any]:
        t, d = record.tags.c, self._dataset.c
        return (
            sa.select(t.collection_id, t.dataset_id, d.run_id)
            .join_from(record.tags, self._dataset, d.id == t.dataset_id)
            .where(
                t.dataset_type_id == sa.bindparam("type"),
                t.collection_id.in_([sa.bindparam(f"c{i}") for i in range(collections)]),
                *(t[dim] == sa.bindparam(f"v{i}") for i, dim in enumerate(record.dimensions)),
            )
        )

    def _timespan_binds(self, table: sa.Table) -> dict[str, sa.BindParameter[Any]]:
        representation = self._db.timespan_representation
        names = representation.column_names("span")
        columns = representation.column_names("validity")
        return {
            name: sa.bindparam(name, type_=table.c[column].type)
            for name, column in zip(names, columns, strict=True)
        }

    def _timespan_params(self, timespan: Timespan) -> dict[str, Any]:
        params: dict[str, Any] = {}
        self._db.timespan_representation.encode("span", timespan, params)
        return params

    def _calibs_statement(self, record: DatasetTypeRecord) -> sa.Select[Any]:
        assert record.calibs is not None
        statement = self._statement_cache.get(("calibs", record.key))
        if statement is None:
            calibs = record.calibs
            c, d = calibs.c, self._dataset.c
            validity = self._db.timespan(calibs.c, "validity")
            span = self._db.timespan(self._timespan_binds(calibs), "span")
            statement = (
                sa.select(
                    c.collection_id,
                    c.dataset_id,
                    d.run_id,
                    *(c[n] for n in self._db.timespan_representation.column_names("validity")),
                )
                .join_from(calibs, self._dataset, d.id == c.dataset_id)
                .where(
                    c.dataset_type_id == sa.bindparam("type"),
                    c.collection_id.in_(sa.bindparam("collections", expanding=True)),
                    *(c[dim] == sa.bindparam(f"v{i}") for i, dim in enumerate(record.dimensions)),
                    validity.overlaps(span),
                )
            )
            self._statement_cache[("calibs", record.key)] = statement
        return statement

    def find(
        self,
        dataset_type: DatasetType | str,
        data_id: DataId,
        collections: str | Sequence[str],
        *,
        timespan: Timespan | None = None,
    ) -> DatasetRef | None:
        """Return the first dataset of a type and data ID found in collections, in order.

        Parameters
        ----------
        dataset_type
            The dataset type or its name; for a component, the composite is
            searched and a component reference returned.
        data_id
            The data ID; values of other dimensions are ignored.
        collections
            Collection names in search order; CHAINED collections are
            searched through their children.
        timespan
            In CALIBRATION collections, the validity range the dataset must
            overlap. By default the data ID's timespan if it has records
            with one, else any time.

        Returns
        -------
        ref
            The dataset, or `None` if no collection has it.

        Raises
        ------
        MissingDatasetTypeError
            The dataset type is not registered.
        MissingCollectionError
            A collection does not exist.
        CollectionNameError
            A collection is given as a pattern (the search order must be explicit).
        CalibrationLookupError
            Several datasets of a CALIBRATION collection overlap the timespan.
        """
        name = dataset_type if isinstance(dataset_type, str) else dataset_type.name
        root, component = DatasetType.splitDatasetTypeName(name)
        if component is not None:
            parent: DatasetType | str = (
                root if isinstance(dataset_type, str) else dataset_type.makeCompositeDatasetType()
            )
            ref = self.find(parent, data_id, collections, timespan=timespan)
            return None if ref is None else ref.makeComponentRef(component)
        record, ref_type = self._types.resolve(dataset_type)
        if timespan is None and isinstance(data_id, DataCoordinate) and data_id.hasRecords():
            timespan = data_id.timespan
        coordinate = DataCoordinate.standardize(data_id, dimensions=record.dataset_type.dimensions)
        names = (collections,) if isinstance(collections, str) else tuple(collections)
        for collection in names:
            if is_pattern(collection):
                raise CollectionNameError(
                    f"Dataset lookups search collections in a given order, so {collection!r} "
                    "cannot be a pattern; query the matching collections and list them."
                )
        values = coordinate.required_values
        hit = self._db.run(self._find_in, record, values, names, timespan)
        if hit is None:
            return None
        dataset_id, run_key = hit
        run = self._collections.by_keys([run_key])[run_key].name
        return DatasetRef(ref_type, coordinate, run, id=dataset_id, conform=False)

    def _find_in(
        self,
        record: DatasetTypeRecord,
        values: tuple[Any, ...],
        names: Sequence[str],
        timespan: Timespan | None,
    ) -> tuple[uuid.UUID, int] | None:
        with self._db.transaction() as connection:
            path = self._search_path(names, connection)
            params: dict[str, Any] = {f"v{i}": value for i, value in enumerate(values)}
            params["type"] = record.key
            tagged: dict[int, tuple[uuid.UUID, int]] = {}
            keys = [r.key for r in path if r.type in _TAGGABLE]
            if keys:
                tag_params = {**params, **{f"c{i}": key for i, key in enumerate(keys)}}
                rows = self._prepared.execute(
                    connection,
                    ("tags", record.key, len(keys)),
                    lambda: self._tags_statement(record, len(keys)),
                    tag_params,
                )
                for key, dataset_id, run_key in rows:
                    tagged[key] = (self._decode_uuid(dataset_id), run_key)
            certified: dict[int, list[tuple[uuid.UUID, int, Timespan]]] = {}
            keys = [r.key for r in path if r.type is CollectionType.CALIBRATION]
            if keys and record.calibs is not None:
                params["collections"] = keys
                params.update(self._timespan_params(timespan or Timespan(None, None)))
                representation = self._db.timespan_representation
                for row in connection.execute(self._calibs_statement(record), params):
                    validity = representation.decode("validity", dict(row._mapping))
                    assert validity is not None
                    certified.setdefault(row[0], []).append((row[1], row[2], validity))
        for collection in path:
            if collection.key in tagged:
                return tagged[collection.key]
            matches = certified.get(collection.key)
            if matches:
                if len(matches) > 1:
                    raise self._ambiguous(record, values, collection, matches, timespan)
                return matches[0][:2]
        return None

    def _ambiguous(
        self,
        record: DatasetTypeRecord,
        values: tuple[Any, ...],
        collection: CollectionRecord,
        matches: list[tuple[uuid.UUID, int, Timespan]],
        timespan: Timespan | None,
    ) -> CalibrationLookupError:
        runs = self._collections.by_keys(run for _, run, _ in matches)
        listed = "; ".join(
            f"{dataset_id} (run {runs[run].name!r}) valid {validity}"
            for dataset_id, run, validity in sorted(matches, key=lambda m: m[2].nsec)
        )
        when = "any time (no timespan given)" if timespan is None else str(timespan)
        return CalibrationLookupError(
            f"{len(matches)} datasets of type {record.name!r} with data ID "
            f"{describe_data_id(record.dimensions, values)} are certified in calibration "
            f"collection {collection.name!r} with validity ranges overlapping {when}: {listed}. "
            "Give a timespan (or a data ID with one) that selects a single one."
        )


def _walk(
    records: Sequence[CollectionRecord],
    graph: Mapping[int, list[int]],
    by_key: Mapping[int, CollectionRecord],
    seen: set[int],
) -> Iterator[CollectionRecord]:
    for record in records:
        if record.key in seen:
            continue
        seen.add(record.key)
        if record.type is CollectionType.CHAINED:
            children = [by_key[key] for key in graph.get(record.key, []) if key in by_key]
            yield from _walk(children, graph, by_key, seen)
        else:
            yield record
