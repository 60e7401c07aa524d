"""``Query.general``: rows of keys and fields, checked against records and refs of other APIs."""

from __future__ import annotations

from typing import Any

import pytest
from astropy.time import Time

from skybutler.daf_butler import DatasetRef
from skybutler.daf_butler.errors import InvalidQueryError
from skybutler.daf_butler.queries import (
    GeneralQueryResults,
    GeneralResultTuple,
    query_data_ids,
    query_datasets,
    query_dimension_records,
)
from skybutler.daf_butler.registry import Registry

CALEXPS = ["run/b", "run/a"]


def _records(repo: Registry, element: str) -> dict[Any, Any]:
    return {r.dataId: r for r in query_dimension_records(repo, element, limit=None)}


def test_dimension_fields(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.general(
            ["visit"], "visit.name", "exposure_time", dimension_fields={"exposure": {"obs_id"}}
        )
        assert isinstance(results, GeneralQueryResults)
        rows = list(results)
    universe = query_repo.dimensions
    keys = set(universe.conform(["visit", "exposure"]).data_coordinate_keys)
    visits = {r.id: r for r in _records(query_repo, "visit").values()}
    exposures = {r.id: r for r in _records(query_repo, "exposure").values()}
    # visit_definition pairs each visit with the exposure of the same number.
    definitions = {
        (d["visit"], d["exposure"]) for d in query_data_ids(query_repo, ["visit", "exposure"])
    }
    assert {(row["visit"], row["exposure"]) for row in rows} == definitions
    for row in rows:
        assert set(row) == keys | {"visit.name", "visit.exposure_time", "exposure.obs_id"}
        visit = visits[row["visit"]]
        assert row["visit.name"] == visit.name
        assert row["visit.exposure_time"] == visit.exposure_time
        assert row["exposure.obs_id"] == exposures[row["exposure"]].obs_id
        assert row["physical_filter"] == visit.physical_filter
        assert row["day_obs"] == visit.day_obs


def test_region_and_timespan(query_repo: Registry) -> None:
    with query_repo.query() as q:
        rows = list(
            q.where("band = 'r'").general(
                ["visit"], dimension_fields={"visit": {"region", "timespan"}}
            )
        )
    visits = {r.id: r for r in _records(query_repo, "visit").values()}
    expected = {d["visit"] for d in query_data_ids(query_repo, ["visit"], where="band = 'r'")}
    assert {row["visit"] for row in rows} == expected
    for row in rows:
        record = visits[row["visit"]]
        assert row["visit.region"].encode() == record.region.encode()
        assert row["visit.timespan"] == record.timespan


def test_all_fields_of_an_element(query_repo: Registry) -> None:
    with query_repo.query() as q:
        rows = list(q.general(["detector"], dimension_fields={"detector": ...}))
    detectors = _records(query_repo, "detector")
    fields = query_repo.dimensions["detector"].schema.remainder.names
    assert len(rows) == len(detectors)
    for row in rows:
        record = next(
            r
            for r in detectors.values()
            if (r.instrument, r.id) == (row["instrument"], row["detector"])
        )
        for field in fields:
            assert row[f"detector.{field}"] == getattr(record, field)


def test_dataset_fields_find_first(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.join_dataset_search("calexp", CALEXPS).general(
            ["visit", "detector"], dataset_fields={"calexp": ...}
        )
        rows = list(results)
    refs = query_datasets(query_repo, "calexp", CALEXPS)
    by_id = {ref.id: ref for ref in refs}
    assert {row["calexp.dataset_id"] for row in rows} == set(by_id)
    assert len(rows) == len(refs)
    for row in rows:
        ref = by_id[row["calexp.dataset_id"]]
        assert row["calexp.run"] == ref.run
        assert row["calexp.collection"] == ref.run  # found in RUN collections
        assert row["calexp.timespan"] is None
        assert isinstance(row["calexp.ingest_date"], Time)
        assert {k: row[k] for k in ref.dataId.required} == dict(ref.dataId.required)
    assert results.count() == len(refs)
    assert results.any()


def test_dataset_fields_all_collections(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.join_dataset_search("calexp", CALEXPS).general(
            ["visit", "detector"], "calexp.run", find_first=False
        )
        rows = list(results)
    refs = query_datasets(query_repo, "calexp", CALEXPS, find_first=False)
    assert sorted((r["calexp.dataset_id"], r["calexp.run"]) for r in rows) == sorted(
        (ref.id, ref.run) for ref in refs
    )
    assert results.count() == len(refs)


def test_calibration_validity(query_repo: Registry) -> None:
    with query_repo.query() as q:
        rows = list(
            q.join_dataset_search("bias", "calib").general(
                ["exposure", "detector"], "bias.timespan", "bias.collection", "exposure.timespan"
            )
        )
    exposures = query_data_ids(query_repo, ["exposure", "detector"])
    assert len(rows) == len(exposures)
    for row in rows:
        assert row["bias.collection"] == "calib"
        assert row["bias.timespan"].overlaps(row["exposure.timespan"])
        (expected,) = query_datasets(
            query_repo,
            "bias",
            "calib",
            data_id={k: row[k] for k in ("instrument", "exposure", "detector")},
        )
        assert row["bias.dataset_id"] == expected.id
        assert row["bias.run"] == expected.run


def test_iter_tuples(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.join_dataset_search("raw", ["run/a"]).general(
            ["exposure", "detector"], "raw.dataset_id"
        )
        tuples = list(results.iter_tuples("raw"))
        rows = list(results)
        expanded = list(
            results.with_dimension_records().iter_tuples(query_repo.getDatasetType("raw"))
        )
    refs = query_datasets(query_repo, "raw", ["run/a"])
    assert sorted(t.refs[0].id for t in tuples) == sorted(ref.id for ref in refs)
    assert {t.refs[0] for t in tuples} == set(refs)
    for item in tuples:
        assert isinstance(item, GeneralResultTuple)
        (ref,) = item.refs
        assert isinstance(ref, DatasetRef)
        assert ref.dataId == item.data_id.subset(ref.datasetType.dimensions)
        assert item.raw_row["raw.dataset_id"] == ref.id
        assert item.data_id["exposure"] == item.raw_row["exposure"]
    assert sorted(r["raw.dataset_id"] for r in rows) == sorted(
        t.raw_row["raw.dataset_id"] for t in tuples
    )
    assert all(t.data_id.hasRecords() for t in expanded)
    assert not any(t.data_id.hasRecords() for t in tuples)
    # Without dataset types, only the data IDs.
    assert all(t.refs == [] for t in results.iter_tuples())


def test_order_by_and_limit(query_repo: Registry) -> None:
    visits = sorted(d["visit"] for d in query_data_ids(query_repo, ["visit"]))
    with query_repo.query() as q:
        top = list(q.general(["visit"], "visit.name").order_by("-visit").limit(3))
        by_name = list(q.general(["visit"], "visit.name").order_by("visit.name"))
    assert [row["visit"] for row in top] == visits[::-1][:3]
    names = [row["visit.name"] for row in by_name]
    assert names == sorted(names)


def test_where_and_nothing_found(query_repo: Registry) -> None:
    expected = {d["visit"] for d in query_data_ids(query_repo, ["visit"], where="visit > 12")}
    with query_repo.query() as q:
        found = q.where("visit > 12").general(["visit"], "visit.name")
        assert {row["visit"] for row in found} == expected
        empty = q.where("visit > 1000").general(["visit"], "visit.name")
        assert list(empty) == []
        assert empty.count() == 0
        assert not empty.any()
        assert any("visit > 1000" in reason for reason in empty.explain_no_results())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dimension_fields": {"vist": {"name"}}}, "Unknown dimension element 'vist'"),
        ({"dimension_fields": {"visit": {"nam"}}}, "has no field 'nam'"),
        ({"dimension_fields": {"htm7": {"region"}}}, "no stored records"),
        ({"dataset_fields": {"raw": ...}}, "not searched by this query"),
        ({"dataset_fields": {"calexp": {"ids"}}}, "Datasets have no field 'ids'"),
        ({"names": ("visit.nope",)}, "has no field 'nope'"),
        ({"names": ("visit.timespan.begin",)}, "is not a field to return"),
        (
            {"dataset_fields": {"calexp": ..., "bias": ...}, "find_first": True},
            "exactly one dataset type",
        ),
    ],
    ids=lambda value: str(value)[:30],
)
def test_bad_general_arguments(query_repo: Registry, kwargs: dict[str, Any], message: str) -> None:
    kwargs = dict(kwargs)  # the parameters are shared by both backends' runs
    names = kwargs.pop("names", ())
    with query_repo.query() as q:
        q = q.join_dataset_search("calexp", CALEXPS).join_dataset_search("bias", "calib")
        with pytest.raises(InvalidQueryError, match=message):
            q.general(["visit"], *names, **kwargs)


def test_bad_dimensions(query_repo: Registry) -> None:
    with query_repo.query() as q, pytest.raises(InvalidQueryError, match="vist"):
        q.general(["vist"])


def test_find_first_with_pattern_refused(query_repo: Registry) -> None:
    with query_repo.query() as q:
        with pytest.raises(InvalidQueryError, match="ordered list of collections"):
            q.join_dataset_search("calexp", "run/*").general(
                ["visit"], "calexp.run", find_first=True
            )
        # Without find-first the pattern is fine.
        rows = list(q.join_dataset_search("calexp", "run/*").general(["visit"], "calexp.run"))
    refs = query_datasets(query_repo, "calexp", "run/*", find_first=False)
    assert len(rows) == len(refs)


def test_iter_tuples_needs_dataset_fields(query_repo: Registry) -> None:
    with query_repo.query() as q:
        results = q.join_dataset_search("raw", ["run/a"]).general(["exposure"])
        with pytest.raises(InvalidQueryError, match="no fields of dataset type 'raw'"):
            next(results.iter_tuples("raw"))


def test_constraint_search_of_the_returned_type(query_repo: Registry) -> None:
    # Joining a search of the type returned must not undo find-first (nor change the refs).
    expected = set(query_datasets(query_repo, "calexp", CALEXPS))
    with query_repo.query() as q:
        joined = q.join_dataset_search("calexp", CALEXPS)
        assert set(joined.datasets("calexp", CALEXPS)) == expected
        rows = list(
            joined.join_dataset_search("calexp", ["run/a"]).general(["visit"], "calexp.run")
        )
    in_a = {ref.dataId["visit"] for ref in query_datasets(query_repo, "calexp", ["run/a"])}
    assert {(row["visit"], row["detector"], row["calexp.dataset_id"]) for row in rows} == {
        (ref.dataId["visit"], ref.dataId["detector"], ref.id)
        for ref in expected
        if ref.dataId["visit"] in in_a
    }
