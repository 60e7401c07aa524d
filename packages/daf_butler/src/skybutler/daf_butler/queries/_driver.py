"""Running planned queries: streaming rows and turning them into data IDs, refs and records.

Rows stream from the database in batches on a connection of their own, so
a million-row result never sits in memory and code may write to the
registry while it iterates. The Python stage (exact region tests, skypix
fan-out, de-duplication after it) runs on the stream.
"""

from __future__ import annotations

__all__ = ["QueryDriver"]

import dataclasses
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from .._dataset_ref import DatasetRef
from .._gc import paused_gc
from ..dimensions import DataCoordinate, DimensionGroup, DimensionRecord
from ..registry import RegistryManagers
from ._general import RowDecoder
from ._plan import Plan, build_plan, field_label, key_label
from ._rows import stream_batches, uuid_decoder
from ._spec import QuerySpec
from ._statistics import ensure_statistics

_EXPAND_BATCH = 1_000


class QueryDriver:
    """Runs queries on one repository's registry.

    Parameters
    ----------
    managers
        The registry's managers.
    """

    def __init__(self, managers: RegistryManagers) -> None:
        self.managers = managers
        self.db = managers.db
        self.universe = managers.dimensions.universe

    def plan(self, spec: QuerySpec) -> Plan:
        """Return the plan of a query (raises `InvalidQueryError` for a bad one)."""
        return build_plan(self.managers, spec)

    # ------------------------------------------------------------ rows

    def rows(self, plan: Plan) -> Iterator[Any]:
        """Yield the result rows: tuples when there is no Python stage, else dicts."""
        if plan.statement is None:
            return
        raw = itertools.chain.from_iterable(stream_batches(self.db.engine, plan.statement))
        if not plan.post and not plan.constants:
            yield from raw
            return
        labels = [str(c.key) for c in plan.statement.selected_columns]
        constants = _labelled(plan.constants)
        dicts: Iterator[dict[str, Any]]
        if constants:
            dicts = ({**dict(zip(labels, row, strict=True)), **constants} for row in raw)
        else:
            dicts = (dict(zip(labels, row, strict=True)) for row in raw)
        passed = plan.post.apply(dicts)
        if plan.needs_distinct_in_python:
            passed = _unique(passed, self._result_key(plan))
        spec = plan.spec
        if spec.offset or spec.limit is not None:
            stop = None if spec.limit is None else spec.offset + spec.limit
            passed = itertools.islice(passed, spec.offset, stop)
        yield from passed

    def general_decoder(self, plan: Plan) -> RowDecoder:
        """Return what turns the rows of a ``general`` query into upstream's dicts."""
        assert plan.spec.general is not None
        representation = self.db.timespan_representation
        return RowDecoder(
            self.universe, plan.spec.dimensions, plan.spec.general, representation, key_label
        )

    def _result_key(self, plan: Plan) -> Callable[[dict[str, Any]], Any]:
        labels = [key_label(d) for d in plan.spec.dimensions.data_coordinate_keys]
        if plan.spec.kind == "general":
            labels = self.general_decoder(plan).key_labels()
        if plan.spec.kind == "datasets":
            labels.append("ds__dataset_id")
        if plan.spec.kind == "records" and plan.spec.element is not None:
            labels.extend(field_label(plan.spec.element, f) for f in plan.record_fields)
        return lambda row: tuple(row.get(label) for label in labels)

    def _getter(self, plan: Plan, labels: list[str]) -> Callable[[Any], tuple[Any, ...]]:
        if plan.post or plan.constants or plan.statement is None:
            return lambda row: tuple(row[label] for label in labels)
        names = [c.key for c in plan.statement.selected_columns]
        indices = [names.index(label) for label in labels]
        if len(indices) == 1:
            index = indices[0]
            return lambda row: (row[index],)
        if not indices:
            return lambda row: ()
        return operator.itemgetter(*indices)

    def _is_identity(self, plan: Plan, labels: list[str], *, prefix: bool = False) -> bool:
        """Whether the SQL rows are the values of ``labels`` in order (or start with them)."""
        if plan.post or plan.constants or plan.statement is None:
            return False
        selected = [c.key for c in plan.statement.selected_columns]
        return (selected[: len(labels)] if prefix else selected) == labels

    def _batches(self, plan: Plan, undecoded: Sequence[str] = ()) -> Iterator[Sequence[Any]]:
        """Yield the result rows in batches (SQL tuples when there is no Python stage).

        ``undecoded`` columns may keep the driver's values (see `stream_batches`).
        """
        if plan.statement is not None and not plan.post and not plan.constants:
            yield from stream_batches(self.db.engine, plan.statement, undecoded=undecoded)
            return
        rows = self.rows(plan)
        while batch := list(itertools.islice(rows, _EXPAND_BATCH)):
            yield batch

    # ------------------------------------------------------------ results

    def data_ids(self, plan: Plan) -> Iterator[DataCoordinate]:
        """Yield the data IDs of a ``data_ids`` query."""
        group = plan.spec.dimensions
        data_ids = self._data_ids(plan, group, self.rows(plan))
        if plan.spec.with_records:
            yield from self._expanded(data_ids)
        else:
            yield from data_ids

    def _data_ids(
        self, plan: Plan, group: DimensionGroup, rows: Iterator[Any]
    ) -> Iterator[DataCoordinate]:
        labels = [key_label(d) for d in group.data_coordinate_keys]
        getter = self._getter(plan, labels)
        make = DataCoordinate.from_full_values
        if self._is_identity(plan, labels):
            # The rows are the full values themselves, in order.
            assert plan.statement is not None
            for batch in stream_batches(self.db.engine, plan.statement):
                with paused_gc():
                    made = DataCoordinate._from_full_rows(group, batch)
                yield from made
            return
        for row in rows:
            yield make(group, getter(row))

    def _expanded(self, data_ids: Iterator[DataCoordinate]) -> Iterator[DataCoordinate]:
        expand = self.managers.dimensions.expand_data_ids
        while batch := list(itertools.islice(data_ids, _EXPAND_BATCH)):
            yield from expand(batch)

    def datasets(self, plan: Plan) -> Iterator[DatasetRef]:
        """Yield the refs of a ``datasets`` query."""
        search = plan.spec.result_search
        assert search is not None
        dataset_type = search.dataset_type
        group = dataset_type.dimensions
        labels = [key_label(d) for d in group.data_coordinate_keys]
        ids = self._getter(plan, ["ds__dataset_id", "ds__run_id"])
        runs: dict[int, str] = {}
        by_keys = self.managers.collections.by_keys
        # The dataset IDs are decoded while the refs are built, not in a copy of each row.
        to_uuid = uuid_decoder(self.db.engine.dialect)
        batches = self._batches(plan, ("ds__dataset_id",) if to_uuid is not None else ())
        n_keys = len(labels)
        if self._is_identity(plan, labels, prefix=True):
            keys: Callable[[Any], tuple[Any, ...]] = lambda row: row[:n_keys]  # noqa: E731
        else:
            keys = self._getter(plan, labels)

        def run_name(key: int) -> str:
            run = runs[key] = by_keys([key])[key].name
            return run

        def refs() -> Iterator[DatasetRef]:
            make = DatasetRef._from_trusted
            for batch in batches:
                with paused_gc():
                    data_ids = DataCoordinate._from_full_rows(group, [keys(row) for row in batch])
                    made = []
                    for row, data_id in zip(batch, data_ids, strict=True):
                        dataset_id, run_key = ids(row)
                        if to_uuid is not None:
                            dataset_id = to_uuid(dataset_id)
                        run = runs.get(run_key) or run_name(run_key)
                        made.append(make(dataset_type, data_id, run, dataset_id))
                yield from made

        stream = refs()
        if plan.spec.with_records:
            stream = self._expanded_refs(stream)
        if search.component is not None:
            component = search.component
            stream = (ref.makeComponentRef(component) for ref in stream)
        yield from stream

    def _expanded_refs(self, refs: Iterator[DatasetRef]) -> Iterator[DatasetRef]:
        expand = self.managers.dimensions.expand_data_ids
        while batch := list(itertools.islice(refs, _EXPAND_BATCH)):
            expanded = expand([ref.dataId for ref in batch])
            yield from (r.expanded(d) for r, d in zip(batch, expanded, strict=True))

    def records(self, plan: Plan) -> Iterator[DimensionRecord]:
        """Yield the records of a ``records`` query."""
        element_name = plan.spec.element
        assert element_name is not None
        element = self.universe[element_name]
        record_class = element.RecordClass
        if not element.hasTable():
            # Skypix or implied-union dimensions: records are made from the values alone.
            for data_id in self._data_ids(plan, plan.spec.dimensions, self.rows(plan)):
                yield self.managers.dimensions.expand_data_id(data_id).records[element_name]  # type: ignore[misc]
            return
        fields = [f for f in plan.record_fields if f != "timespan"]
        getter = self._getter(plan, [field_label(element_name, f) for f in fields])
        timespan_label = field_label(element_name, "timespan")
        representation = self.db.timespan_representation
        has_timespan = "timespan" in plan.record_fields
        span_getter = None
        if has_timespan:
            span_getter = self._getter(plan, list(representation.column_names(timespan_label)))
            span_names = representation.column_names(timespan_label)
        for row in self.rows(plan):
            values = dict(zip(fields, getter(row), strict=True))
            if span_getter is not None:
                mapping = dict(zip(span_names, span_getter(row), strict=True))
                values["timespan"] = representation.decode(timespan_label, mapping)
            yield record_class(**values)

    # ------------------------------------------------------------ counting

    def count(self, plan: Plan, *, exact: bool = True) -> int:
        """Return how many results the query has."""
        if plan.statement is None:
            return 0
        if plan.post or plan.constants:
            if not exact:
                return self._sql_count(plan)
            return sum(1 for _ in self.rows(plan))
        return self._sql_count(plan)

    def _sql_count(self, plan: Plan) -> int:
        assert plan.statement is not None
        inner = plan.statement.order_by(None).subquery("counted")
        statement = sa.select(sa.func.count()).select_from(inner)
        ensure_statistics(self.db.engine, statement)
        with self.db.engine.connect() as connection:
            return int(connection.execute(statement).scalar_one())

    def any(self, plan: Plan, *, execute: bool = True, exact: bool = True) -> bool:
        """Return whether the query has at least one result."""
        if plan.statement is None:
            return False
        if not execute:
            return True
        if plan.post or plan.constants or not exact:
            return next(iter(self.rows(plan)), None) is not None
        limited = dataclasses.replace(plan, statement=plan.statement.limit(1))
        return next(iter(self.rows(limited)), None) is not None


def _labelled(constants: dict[str, Any]) -> dict[str, Any]:
    return {key_label(name): value for name, value in constants.items()}


def _unique(
    rows: Iterator[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> Iterator[dict[str, Any]]:
    seen: set[Any] = set()
    for row in rows:
        k = key(row)
        if k not in seen:
            seen.add(k)
            yield row
