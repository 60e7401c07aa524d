"""Planner statistics refreshed before queries, and the garbage collector held off per batch."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler.queries import QueryDriver
from skybutler.daf_butler.queries._rows import FIRST_BATCH
from skybutler.daf_butler.queries._statistics import ensure_statistics, forget, stale_tables
from skybutler.daf_butler.registry import Registry

N_DETECTORS = 3 * FIRST_BATCH


def _fill(registry: Registry) -> None:
    registry.insertDimensionData(
        "instrument", {"name": "Cam", "visit_max": 10, "detector_max": N_DETECTORS}
    )
    registry.insertDimensionData(
        "detector",
        *({"instrument": "Cam", "id": d, "full_name": f"D{d}"} for d in range(N_DETECTORS)),
    )


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
def registry(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Registry]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/gen3.sqlite3"
    else:
        url = request.getfixturevalue("postgres_url")
    made = Registry.createFromConfig(url)
    _fill(made)
    yield made
    made.close()


def _statement(registry: Registry) -> Any:
    driver = QueryDriver(registry._managers)
    results = registry.queryDataIds(["detector"], instrument="Cam")
    statement = driver.plan(results.spec).statement
    assert statement is not None
    return statement


def test_fresh_tables_are_analyzed_once(registry: Registry) -> None:
    engine = registry._managers.db.engine
    statement = _statement(registry)
    forget(engine)
    analyzed = ensure_statistics(engine, statement)
    if engine.dialect.name != "postgresql":
        assert analyzed == []
        return
    # Never analyzed since the rows went in: analyzed before the query runs.
    assert "detector" in analyzed
    # Checked a moment ago: not even asked again.
    assert ensure_statistics(engine, statement) == []
    forget(engine)
    with engine.connect() as connection:
        assert stale_tables(connection, ["detector"]) == []
    assert ensure_statistics(engine, statement) == []


def test_queries_after_bulk_insert_return_every_row(registry: Registry) -> None:
    forget(registry._managers.db.engine)
    ids = [data_id["detector"] for data_id in registry.queryDataIds(["detector"], instrument="Cam")]
    assert sorted(ids) == list(range(N_DETECTORS))
    assert registry.queryDataIds(["detector"], instrument="Cam").count() == N_DETECTORS


def test_stale_tables_of_nothing(registry: Registry) -> None:
    engine = registry._managers.db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL keeps planner statistics to check")
    with engine.connect() as connection:
        assert stale_tables(connection, []) == []


def test_gc_runs_while_results_are_consumed(registry: Registry) -> None:
    assert gc.isenabled()
    states = [gc.isenabled() for _ in registry.queryDataIds(["detector"], instrument="Cam")]
    assert len(states) == N_DETECTORS
    assert all(states)
    records = registry.queryDimensionRecords("detector", instrument="Cam")
    assert all(gc.isenabled() for _ in records)
    bias = DatasetType("bias", ["detector"], "StructuredDataDict", universe=registry.dimensions)
    registry.registerDatasetType(bias)
    registry.registerRun("run")
    inserted = registry.insertDatasets(
        bias, [{"instrument": "Cam", "detector": d} for d in range(N_DETECTORS)], run="run"
    )
    found = []
    for ref in registry.queryDatasets("bias", collections="run"):
        assert gc.isenabled()
        found.append(ref)
    assert sorted(r.id for r in found) == sorted(r.id for r in inserted)
    assert {r.run for r in found} == {"run"}
    assert gc.isenabled()


def test_stream_stopped_early(registry: Registry) -> None:
    results = registry.queryDataIds(["detector"], instrument="Cam")
    seen = []
    for data_id in results:
        seen.append(data_id["detector"])
        if len(seen) == FIRST_BATCH + 5:
            break
    assert len(set(seen)) == FIRST_BATCH + 5
    assert gc.isenabled()
    # The connection went back to the pool in a usable state.
    assert results.count() == N_DETECTORS
    assert len(list(results)) == N_DETECTORS
