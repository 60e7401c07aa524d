"""Data IDs joined into queries (``join_data_coordinates``, ``join_data_coordinate_table``)."""

from __future__ import annotations

from typing import Any

import pytest
from astropy.table import Table

from skybutler.daf_butler import DataCoordinate
from skybutler.daf_butler.errors import InvalidQueryError
from skybutler.daf_butler.queries import query_data_ids, query_datasets
from skybutler.daf_butler.registry import Registry

CALEXPS = ["run/b", "run/a"]


def _data_id(repo: Registry, **values: Any) -> DataCoordinate:
    return DataCoordinate.standardize(values, universe=repo.dimensions)


def _keys(data_ids: Any, *names: str) -> set[tuple[Any, ...]]:
    return {tuple(d[n] for n in names) for d in data_ids}


def test_join_data_coordinates(query_repo: Registry) -> None:
    exposures = sorted(d["exposure"] for d in query_data_ids(query_repo, ["exposure"]))
    chosen = exposures[::2]
    uploaded = [_data_id(query_repo, instrument="Cam", exposure=e) for e in chosen]
    everything = query_data_ids(query_repo, ["exposure", "detector"], limit=None)
    expected = {k for k in _keys(everything, "exposure", "detector") if k[0] in chosen}
    with query_repo.query() as q:
        results = q.join_data_coordinates(uploaded).data_ids(["exposure", "detector"])
        assert _keys(results, "exposure", "detector") == expected
        assert results.count() == len(expected)
        # The uploaded dimensions join the query even when the results do not name them.
        assert q.join_data_coordinates(uploaded).constraint_dimensions.names >= {"exposure"}
        detectors = q.join_data_coordinates(uploaded).data_ids(["detector"])
        assert _keys(detectors, "detector") == {(k[1],) for k in expected}


def test_join_data_coordinates_with_datasets(query_repo: Registry) -> None:
    visits = [11, 14]
    uploaded = [_data_id(query_repo, instrument="Cam", visit=v, detector=2) for v in visits]
    expected = [
        ref
        for ref in query_datasets(query_repo, "calexp", CALEXPS)
        if (ref.dataId["visit"], ref.dataId["detector"]) in {(v, 2) for v in visits}
    ]
    with query_repo.query() as q:
        refs = list(q.join_data_coordinates(uploaded).datasets("calexp", CALEXPS))
    assert set(refs) == set(expected)
    assert len(refs) == len(expected) == 2


def test_large_upload_is_one_bound_value(query_repo: Registry) -> None:
    real = {d["visit"] for d in query_data_ids(query_repo, ["visit"])}
    values = list(range(100_000, 150_000)) + sorted(real)[:3]
    uploaded = [_data_id(query_repo, instrument="Cam", visit=v) for v in values]
    with query_repo.query() as q:
        results = q.join_data_coordinates(uploaded).data_ids(["visit"])
        assert _keys(results, "visit") == {(v,) for v in sorted(real)[:3]}
        statement = results._driver.plan(results.spec).statement
    assert statement is not None
    compiled = statement.compile()
    # No IN list and no value per row: the rows travel as one bound JSON text.
    assert len(str(compiled)) < 5_000
    assert len(compiled.params) < 10


def test_join_data_coordinate_table(query_repo: Registry) -> None:
    detectors = query_data_ids(query_repo, ["detector"], instrument="Cam")
    wanted = sorted(d["detector"] for d in detectors)[1:3]
    table = Table({"instrument": ["Cam"] * len(wanted), "detector": wanted})
    with query_repo.query() as q:
        records = list(q.join_data_coordinate_table(table).dimension_records("detector"))
    assert sorted((r.instrument, r.id) for r in records) == [("Cam", d) for d in wanted]


def test_table_with_string_keys_and_implied_columns(query_repo: Registry) -> None:
    exposures = {d["exposure"]: d for d in query_data_ids(query_repo, ["exposure"])}
    groups = sorted({d["group"] for d in exposures.values()})[:2]
    # Many distinct strings: not written into the SQL one by one.
    names = groups + [f"missing-{n}" for n in range(3_000)]
    table = {"instrument": ["Cam"] * len(names), "group": names}
    expected = {e for e, d in exposures.items() if d["group"] in groups}
    with query_repo.query() as q:
        found = q.join_data_coordinate_table(table).data_ids(["exposure"])
        assert _keys(found, "exposure") == {(e,) for e in expected}
        # An implied column constrains too: a visit with the wrong filter matches nothing.
        visit, data_id = next(iter(exposures.items()))
        right = {
            "instrument": ["Cam"],
            "visit": [visit],
            "physical_filter": [data_id["physical_filter"]],
        }
        wrong = {"instrument": ["Cam"], "visit": [visit], "physical_filter": ["no-such"]}
        assert _keys(q.join_data_coordinate_table(right).data_ids(["visit"]), "visit") == {(visit,)}
        assert q.join_data_coordinate_table(wrong).data_ids(["visit"]).count() == 0


def test_empty_upload_finds_nothing(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.join_data_coordinates([]).data_ids(["visit"])
        assert list(results) == []
        assert results.count() == 0
        assert any("No data IDs were joined" in r for r in results.explain_no_results())


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"instrument": ["Cam"], "vist": [1]}, "not a dimension"),
        ({"visit": [10]}, "no column for instrument"),
        ({"instrument": ["Cam", "Cam"], "visit": [10]}, "differ in length"),
        ({"instrument": ["Cam"], "visit": ["10"]}, "visit values are ints"),
        ({}, "no columns"),
        ([("Cam", 10)], "astropy Table or a mapping"),
    ],
    ids=["unknown", "missing", "lengths", "type", "empty", "not-a-table"],
)
def test_bad_tables(query_repo: Registry, table: Any, message: str) -> None:
    with query_repo.query() as q, pytest.raises(InvalidQueryError, match=message):
        q.join_data_coordinate_table(table)


def test_bad_data_ids(query_repo: Registry) -> None:
    visit = _data_id(query_repo, instrument="Cam", visit=10)
    detector = _data_id(query_repo, instrument="Cam", detector=1)
    unchecked = DataCoordinate.from_required_values(detector.dimensions, ("Cam", "1"))
    with query_repo.query() as q:
        with pytest.raises(InvalidQueryError, match="same dimensions"):
            q.join_data_coordinates([visit, detector])
        with pytest.raises(InvalidQueryError, match="DataCoordinate objects"):
            q.join_data_coordinates([{"instrument": "Cam", "visit": 10}])  # type: ignore[list-item]
        with pytest.raises(InvalidQueryError, match="detector values are ints"):
            q.join_data_coordinates([unchecked])


def test_explain_uploads_matching_nothing(query_repo: Registry) -> None:
    missing = [_data_id(query_repo, instrument="Cam", visit=v) for v in (900, 901)]
    with query_repo.query() as q:
        results = q.join_data_coordinates(missing).data_ids(["visit", "detector"])
        assert results.count() == 0
        (reason,) = results.explain_no_results()
        assert "None of the 2 data IDs joined into the query" in reason
        # Data IDs that exist explain nothing.
        real = [_data_id(query_repo, instrument="Cam", visit=10)]
        assert q.join_data_coordinates(real).data_ids(["visit"]).explain_no_results() == []


def test_materialize(query_repo: Registry) -> None:
    where = "band = 'g' AND detector IN (1, 3)"
    with query_repo.query() as q:
        base = q.where(where).join_dataset_search("calexp", CALEXPS)
        direct_ids = _keys(base.data_ids(["visit", "detector"]), "visit", "detector")
        direct_refs = set(base.datasets("calexp", CALEXPS))
        assert direct_refs == set(query_datasets(query_repo, "calexp", CALEXPS, where=where))
        materialized = base.materialize()
        assert (
            _keys(materialized.data_ids(["visit", "detector"]), "visit", "detector") == direct_ids
        )
        assert set(materialized.datasets("calexp", CALEXPS)) == direct_refs
        # The dataset search is kept: general rows can still carry its fields.
        rows = list(materialized.general(["visit", "detector"], "calexp.run"))
        assert {r["calexp.dataset_id"] for r in rows} == {ref.id for ref in direct_refs}
        # Fewer dimensions: the search of calexp (visit, detector) cannot be kept.
        visits = base.materialize(dimensions=["visit"])
        assert _keys(visits.data_ids(["visit"]), "visit") == {(v,) for v, _ in direct_ids}
        assert visits.constraint_dataset_types == frozenset()
        with pytest.raises(InvalidQueryError, match="not all among the materialized"):
            base.materialize(dimensions=["visit"], datasets=["calexp"])
        with pytest.raises(InvalidQueryError, match="not searched by this query"):
            base.materialize(datasets=["raw"])
        nothing = q.where("visit > 1000").materialize(dimensions=["visit"])
        assert nothing.data_ids(["visit"]).count() == 0
