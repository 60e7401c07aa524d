"""The query conformance suite: the same answers on every database backend.

Subclass `QueryConformance` and give it a class-scoped ``query_registry``
fixture returning an empty, writeable registry; the suite fills it once with
`build_query_repo` and checks grammar features, join paths, dataset
searches, spatial and temporal constraints, explanations and bad input
against answers worked out from that repository's design.
"""

# mypy: disable-error-code="attr-defined,union-attr"
from __future__ import annotations

__all__ = ["QueryConformance"]

import logging
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from ..errors import (
    EmptyQueryResultError,
    InvalidQueryError,
    MissingCollectionError,
    MissingDatasetTypeError,
    QuerySyntaxError,
)
from ..queries import Query, query_data_ids, query_datasets, query_dimension_records
from ..queries._rows import FIRST_BATCH, stream_batches
from ..registry import Registry
from ..sphgeom import Circle, LonLat, UnitVector3d
from ._query_data import build_query_repo, visit_region


def _ids(data_ids: Any, key: str) -> set[Any]:
    return {data_id[key] for data_id in data_ids}


class QueryConformance:
    """Queries every registry backend must answer identically."""

    @pytest.fixture(scope="class")
    @classmethod
    def query_registry(cls) -> Registry:
        """Return an empty, writeable registry (one per test class)."""
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def repo(cls, query_registry: Registry) -> Registry:
        build_query_repo(query_registry)
        return query_registry

    # ------------------------------------------------------------ grammar

    @pytest.mark.parametrize(
        ("where", "expected"),
        [
            ("visit IN (10..14:2)", {10, 12, 14}),
            ("visit IN (10, 12..13)", {10, 12, 13}),
            ("visit NOT IN (10..13)", {14, 15}),
            ("band = 'r'", {13, 14, 15}),
            ("physical_filter = 'g' AND visit > 10", {11, 12}),
            ("NOT (visit = 10) AND visit <= 12", {11, 12}),
            ("visit = 10 OR visit = 15", {10, 15}),
            ("target_name = 'field'", {11, 13, 15}),
            ("visit.target_name != 'field'", {10, 12, 14}),
            ("visit.name = 'v12'", {12}),
            ("visit.exposure_time > 10.5 AND visit.id <= 11", {10, 11}),
            ("visit % 2 = 0", {10, 12, 14}),
            ("visit + 1 = 12", {11}),
            ("-visit = -10", {10}),
            ("visit * 2 >= 28", {14, 15}),
            ("visit.instrument = 'Cam' AND visit < 11", {10}),
            ("visit.seq_num = NULL AND visit < 12", {10, 11}),
            ("GLOB(visit.name, 'v1?') AND visit.name != 'v10'", {11, 12, 13, 14, 15}),
            ("GLOB(visit.name, 'v*5')", {15}),
            ("day_obs = 20240101 AND visit >= 15", {15}),
            ("visit.day_obs > 20240101", set()),
        ],
        ids=lambda value: str(value)[:40],
    )
    def test_where_grammar(self, repo: Registry, where: str, expected: set[int]) -> None:
        results = repo.queryDataIds(["visit"], where=where, instrument="Cam")
        assert _ids(results, "visit") == expected

    @pytest.mark.parametrize(
        ("where", "expected"),
        [
            ("exposure.timespan OVERLAPS T'2024-01-01T01:00:10/tai'", {11}),
            ("exposure.timespan OVERLAPS T'2024-01-01 00:59:40'", {11}),  # UTC, TAI - 37 s
            ("exposure.timespan OVERLAPS T'60310.0'", {10}),  # MJD, TAI
            (
                "exposure.timespan OVERLAPS (T'2024-01-01T00:30:00/tai', "
                "T'2024-01-01T02:00:10/tai')",
                {11, 12},
            ),
            ("exposure.timespan.begin >= T'2024-01-01T02:00:00/tai'", {12, 13, 14, 15}),
            ("exposure.timespan.end < T'2024-01-01T01:00:00/tai'", {10}),
            ("exposure.timespan < T'2024-01-01T01:00:00/tai'", {10}),
            ("exposure.timespan > T'2024-01-01T04:00:00/tai'", {15}),
            ("exposure.timespan OVERLAPS (T'2024-01-01T04:00:00/tai', NULL)", {14, 15}),
            ("exposure.obs_id IN ('e10', 'e11')", {10, 11}),
            ("exposure.can_see_sky = NULL AND exposure < 11", {10}),
        ],
        ids=lambda value: str(value)[:40],
    )
    def test_temporal(self, repo: Registry, where: str, expected: set[int]) -> None:
        results = repo.queryDataIds(["exposure"], where=where)
        assert _ids(results, "exposure") == expected

    def test_bind_values(self, repo: Registry) -> None:
        assert _ids(
            repo.queryDataIds(["visit"], where="visit IN (:v)", bind={"v": [10, 11]}), "visit"
        ) == {10, 11}
        # Upstream's legacy colon-less binds.
        assert _ids(repo.queryDataIds(["visit"], where="visit = v", bind={"v": 12}), "visit") == {
            12
        }
        assert _ids(
            repo.queryDataIds(
                ["visit"], where="band = :b AND visit < :top", bind={"b": "r", "top": 15}
            ),
            "visit",
        ) == {13, 14}

    @pytest.mark.parametrize(
        ("where", "bind", "expected"),
        [
            ("band = :band", {"band": "g"}, {10, 11, 12}),
            ("band = :band AND visit > 10", {"band": "g"}, {11, 12}),
            ("visit = :visit OR visit = 15", {"visit": 10}, {10, 15}),
        ],
        ids=["band=:band", "band=:band-and", "visit=:visit-or"],
    )
    def test_bind_named_like_a_dimension(
        self, repo: Registry, where: str, bind: dict[str, Any], expected: set[int]
    ) -> None:
        # A bare name the expression also writes as ':name' is the dimension, not the bind.
        assert _ids(repo.queryDataIds(["visit"], where=where, bind=bind), "visit") == expected

    def test_streamed_rows_decode_like_sqlalchemy(self, repo: Registry) -> None:
        # Enough rows to pass the first (SQLAlchemy) batch and reach the raw cursor ones.
        managers = repo._managers
        vdr = managers.dimensions.table("visit_detector_region")
        visit = managers.dimensions.table("visit")
        dataset = managers.datasets.table
        statement = (
            sa.select(vdr.c.region, dataset.c.id, dataset.c.ingest_date, *visit.c)
            .select_from(vdr.join(visit, sa.true()).join(dataset, sa.true()))
            .order_by(vdr.c.visit, vdr.c.detector, visit.c.id, dataset.c.id)
        )
        streamed = [row for batch in stream_batches(managers.db.engine, statement) for row in batch]
        with managers.db.engine.connect() as connection:
            expected = [tuple(row) for row in connection.execute(statement)]
        assert len(streamed) > 10 * FIRST_BATCH
        assert streamed == expected
        assert {type(row[1]) for row in streamed} == {uuid.UUID}

    def test_data_id_and_keywords(self, repo: Registry) -> None:
        assert _ids(query_data_ids(repo, ["detector"], instrument="Cam"), "detector") == {
            1,
            2,
            3,
            4,
        }
        assert _ids(
            query_data_ids(repo, ["detector"], data_id={"instrument": "Other"}), "detector"
        ) == {1}
        # A string for an integer dimension is looked up by its alternate keys.
        assert _ids(query_data_ids(repo, ["detector"], detector="A3"), "detector") == {3}
        assert _ids(
            query_data_ids(repo, ["exposure"], data_id={"exposure.obs_id": "e12"}), "exposure"
        ) == {12}

    def test_implied_and_union_dimensions(self, repo: Registry) -> None:
        data_ids = list(repo.queryDataIds(["visit"], where="visit = 13"))
        assert [d.mapping for d in data_ids] == [
            {
                "instrument": "Cam",
                "visit": 13,
                "band": "r",
                "day_obs": 20240101,
                "physical_filter": "r",
            }
        ]
        assert _ids(repo.queryDataIds(["band"]), "band") == {"g", "r"}
        assert _ids(
            repo.queryDataIds(["band"], instrument="Cam", where="physical_filter = 'r2'"), "band"
        ) == {"r"}
        # A where may name dimensions the query does not return: they are joined, then dropped.
        assert _ids(
            repo.queryDataIds(["physical_filter"], where="visit = 14"), "physical_filter"
        ) == {"r"}

    def test_always_joined_combinations(self, repo: Registry) -> None:
        pairs = {(d["exposure"], d["visit"]) for d in repo.queryDataIds(["exposure", "visit"])}
        assert pairs == {(e, e) for e in range(10, 16)}

    def test_ambiguous_and_unknown_names(self, repo: Registry) -> None:
        with pytest.raises(InvalidQueryError, match="ambiguous"):
            list(repo.queryDataIds(["exposure", "visit"], where="target_name = 'field'"))
        with pytest.raises(InvalidQueryError, match="close names: 'visit'"):
            list(repo.queryDataIds(["visit"], where="vist = 3"))
        with pytest.raises(InvalidQueryError, match="has no field 'nope'"):
            list(repo.queryDataIds(["visit"], where="visit.nope = 3"))

    # ------------------------------------------------------------ datasets

    def test_find_first_through_chain(self, repo: Registry) -> None:
        refs = query_datasets(repo, "calexp", ["chain"])
        runs = {(r.dataId["visit"], r.dataId["detector"]): r.run for r in refs}
        expected = {
            (v, d): "run/a" if v == 10 else "run/b" for v in range(10, 15) for d in range(1, 5)
        }
        assert runs == expected
        reversed_order = query_datasets(repo, "calexp", ["run/a", "run/b"], where="detector = 1")
        assert {r.dataId["visit"]: r.run for r in reversed_order} == {
            10: "run/a",
            11: "run/a",
            12: "run/a",
            13: "run/b",
            14: "run/b",
        }

    def test_all_datasets_without_find_first(self, repo: Registry) -> None:
        refs = query_datasets(repo, "calexp", ["run/a", "run/b"], find_first=False)
        assert len(refs) == 12 + 16
        assert len({r.id for r in refs}) == 28
        legacy = repo.queryDatasets("calexp", collections=["run/a", "run/b"])
        assert {r.id for r in legacy} == {r.id for r in refs}
        assert legacy.count() == 28

    def test_dataset_fields(self, repo: Registry) -> None:
        refs = query_datasets(
            repo, "calexp", "chain", find_first=False, where="calexp.run = 'run/a'"
        )
        assert {r.run for r in refs} == {"run/a"}
        assert len(refs) == 12
        one = refs[0]
        found = query_datasets(
            repo, "calexp", "chain", find_first=False, where=f"calexp.dataset_id = UUID('{one.id}')"
        )
        assert [r.id for r in found] == [one.id]
        by_bind = query_datasets(
            repo, "calexp", "run/a", where="dataset_id = :id", bind={"id": one.id}
        )
        assert [r.id for r in by_bind] == [one.id]
        recent = query_datasets(repo, "raw", "run/a", where="raw.ingest_date > T'2020-01-01'")
        assert len(recent) == 24
        assert (
            query_datasets(repo, "raw", "run/a", where="ingest_date < T'2020-01-01'", explain=False)
            == []
        )

    def test_tagged_and_dimensionless(self, repo: Registry) -> None:
        tagged = query_datasets(repo, "raw", "tagged")
        assert {(r.dataId["exposure"], r.run) for r in tagged} == {(10, "run/a")}
        assert len(tagged) == 4
        summary = query_datasets(repo, "summary", "run/a")
        assert len(summary) == 1
        assert not summary[0].dataId.mapping

    def test_calibrations_by_observation_time(self, repo: Registry) -> None:
        refs = query_datasets(
            repo, "bias", "calib", where="exposure IN (10, 12, 13) AND detector = 2"
        )
        assert {r.run for r in refs} == {"calib/runs", "calib/runs2"}
        early = query_datasets(repo, "bias", "calib", where="exposure IN (10, 12) AND detector = 2")
        assert [r.run for r in early] == ["calib/runs"]
        late = query_datasets(repo, "bias", "calib", data_id={"instrument": "Cam", "exposure": 15})
        assert {r.run for r in late} == {"calib/runs2"}
        assert len(late) == 4
        # Without a time every certified dataset matches.
        assert len(query_datasets(repo, "bias", "calib", detector=2, instrument="Cam")) == 2

    def test_dataset_constraints(self, repo: Registry) -> None:
        visits = repo.queryDataIds(["visit"], datasets="calexp", collections="run/b")
        assert _ids(visits, "visit") == {11, 12, 13, 14}
        with Query(repo) as query:
            joined = query.join_dataset_search("calexp", ["run/a"]).where("detector = 2")
            assert _ids(joined.data_ids(["visit"]), "visit") == {10, 11, 12}
            assert len(list(query.datasets("calexp", ["chain"]).limit(3))) == 3
        assert _ids(repo.queryDataIds(["visit", "detector"]).subset(["visit"]), "visit") == set(
            range(10, 16)
        )
        found = repo.queryDataIds(["visit", "detector"], where="visit = 10").findDatasets(
            "calexp", ["run/a"]
        )
        assert len(list(found)) == 4

    def test_expanded_results(self, repo: Registry) -> None:
        (data_id,) = repo.queryDataIds(["visit"], where="visit = 11").expanded()
        assert data_id.hasRecords()
        assert data_id.records["visit"].name == "v11"
        (ref,) = query_datasets(repo, "raw", "tagged", detector=1, with_dimension_records=True)
        assert ref.dataId.hasRecords()
        assert ref.dataId.records["exposure"].obs_id == "e10"

    # ------------------------------------------------------------ spatial

    @pytest.mark.parametrize(
        ("dimensions", "where", "key", "expected"),
        [
            (["visit", "patch"], "visit = 10", "patch", {1, 2}),
            (["visit", "patch"], "patch = 1", "visit", {10}),
            (["visit", "patch"], "patch = 3", "visit", {11, 12}),
            (["visit", "tract"], "", "visit", set(range(10, 16))),
            (["visit"], "visit.region OVERLAPS CIRCLE(12, 0, 0.1)", "visit", {12}),
            (["visit"], "visit.region OVERLAPS BOX(13, 0, 2.2, 0.2)", "visit", {12, 13, 14}),
            (
                ["visit"],
                "visit.region OVERLAPS POLYGON(10.9, -0.1, 11.1, -0.1, 11, 0.1)",
                "visit",
                {11},
            ),
            (["visit"], "visit.region OVERLAPS REGION('CIRCLE 15 0 0.1')", "visit", {15}),
            (["visit"], "visit.region OVERLAPS POINT(13.05, 0.2) AND band = 'r'", "visit", {13}),
            (
                ["visit", "detector"],
                "visit_detector_region.region OVERLAPS POINT(12.1, 0.1)",
                "detector",
                {4},
            ),
            (["patch"], "patch.region OVERLAPS POINT(12.5, 0)", "patch", {4}),
        ],
        ids=lambda value: str(value)[:40],
    )
    def test_spatial(
        self, repo: Registry, dimensions: list[str], where: str, key: str, expected: set[int]
    ) -> None:
        assert _ids(repo.queryDataIds(dimensions, where=where), key) == expected

    def test_bound_regions(self, repo: Registry) -> None:
        circle = Circle(UnitVector3d(LonLat.fromDegrees(14, 0)), 1e-6)
        found = repo.queryDataIds(["visit"], where="visit.region OVERLAPS :r", bind={"r": circle})
        assert _ids(found, "visit") == {14}
        point = LonLat.fromDegrees(11.0, 0.0)
        found = repo.queryDataIds(["visit"], where="visit.region OVERLAPS :p", bind={"p": point})
        assert _ids(found, "visit") == {11}

    @pytest.mark.parametrize("skypix", ["htm7", "htm9", "healpix8"])
    def test_skypix_from_regions(self, repo: Registry, skypix: str) -> None:
        pixelization = repo.dimensions.dimensions[skypix].pixelization
        region = visit_region(12)
        expected = {
            p
            for begin, end in pixelization.envelope(region)
            for p in range(begin, end)
            if pixelization.pixel(p).overlaps(region)
        }
        found = repo.queryDataIds(["visit", skypix], where="visit = 12")
        assert _ids(found, skypix) == expected
        assert expected
        pixel = min(expected)
        visits = _ids(query_data_ids(repo, ["visit", skypix], data_id={skypix: pixel}), "visit")
        assert 12 in visits
        assert visits <= {11, 12, 13}

    def test_spatial_refused_under_or(self, repo: Registry) -> None:
        with pytest.raises(InvalidQueryError, match="cannot be combined with OR or NOT"):
            list(
                repo.queryDataIds(["visit"], where="visit = 3 OR visit.region OVERLAPS POINT(1, 1)")
            )
        with pytest.raises(InvalidQueryError, match="cannot be listed on their own"):
            list(repo.queryDataIds(["htm7"]))

    # ------------------------------------------------------------ records, order, limit

    def test_dimension_records(self, repo: Registry) -> None:
        records = query_dimension_records(repo, "visit", where="band = 'r'")
        assert {r.id for r in records} == {13, 14, 15}
        assert all(r.region is not None and r.timespan is not None for r in records)
        (other,) = repo.queryDimensionRecords("detector", instrument="Other")
        assert other.full_name == "B1"
        day = query_dimension_records(repo, "day_obs", where="day_obs = 20240102")
        assert [d.timespan for d in day] == [
            repo.expandDataId(instrument="Cam", day_obs=20240102).records["day_obs"].timespan
        ]

    def test_order_by_and_limit(self, repo: Registry, caplog: pytest.LogCaptureFixture) -> None:
        top = query_dimension_records(repo, "visit", order_by="-visit.id", limit=2)
        assert [r.id for r in top] == [15, 14]
        by_time = query_dimension_records(repo, "exposure", order_by=["exposure.timespan.begin"])
        assert [r.id for r in by_time] == list(range(10, 16))
        ordered = repo.queryDataIds(["visit"]).order_by("-visit").limit(3, offset=1)
        assert [d["visit"] for d in ordered] == [14, 13, 12]
        with caplog.at_level(logging.WARNING):
            capped = query_data_ids(repo, ["visit"], limit=-2)
        assert len(capped) == 2
        assert "only the first 2" in caplog.text
        assert query_data_ids(repo, ["visit"], limit=0) == []
        with pytest.raises(InvalidQueryError, match="has no field"):
            query_data_ids(repo, ["visit"], order_by="visit.bogus")

    def test_count_and_any(self, repo: Registry) -> None:
        results = repo.queryDataIds(["visit", "detector"], instrument="Cam")
        assert results.count() == 24
        assert results.any()
        spatial = repo.queryDataIds(["visit", "patch"], where="patch = 3")
        assert spatial.count() == 2
        assert not repo.queryDataIds(["visit"], where="visit > 100").any()

    # ------------------------------------------------------------ explanations

    def test_explanations(self, repo: Registry) -> None:
        with pytest.raises(EmptyQueryResultError, match="visit = 99") as info:
            query_data_ids(repo, ["visit"], where="visit = 99")
        assert info.value.reasons
        with pytest.raises(EmptyQueryResultError, match="'Nope' is not in the registry"):
            query_data_ids(repo, ["visit"], instrument="Nope")
        with pytest.raises(EmptyQueryResultError, match="contradict"):
            query_data_ids(repo, ["visit"], where="visit = 10 AND band = 'r'")
        with pytest.raises(
            EmptyQueryResultError, match="No datasets of type 'bias' in collection 'run/a'"
        ):
            query_datasets(repo, "bias", "run/a")
        assert query_data_ids(repo, ["visit"], where="visit = 99", explain=False) == []
        reasons = repo.queryDatasets(
            "calexp", collections="run/a", where="visit = 15"
        ).explain_no_results()
        assert any("'visit = 15'" in reason for reason in reasons)
        assert repo.queryDataIds(["visit"]).explain_no_results() == []

    def test_unknown_collection_and_dataset_type(self, repo: Registry) -> None:
        with pytest.raises(MissingCollectionError):
            query_datasets(repo, "raw", "no/such/run")
        with pytest.raises(MissingDatasetTypeError):
            query_datasets(repo, "rawr", "run/a")

    # ------------------------------------------------------------ bad input

    @pytest.mark.parametrize(
        ("where", "bind", "message"),
        [
            ("visit = ", None, "Invalid query expression"),
            ("visit = 'x'", None, "Cannot compare an int and a string"),
            ("visit = :nope", None, "has no value"),
            ("visit = 1", {"unused": 3}, "not used"),
            ("visit.region OVERLAPS CIRCLE(1, 2, -1)", None, "non-negative"),
            ("visit.region OVERLAPS CIRCLE(1, 2, 'x')", None, "must be a number"),
            ("visit.region OVERLAPS POINT(1, 100)", None, "dec must be"),
            ("visit.region OVERLAPS 3", None, "OVERLAPS needs two regions"),
            ("FOO(visit)", None, "Unknown function"),
            ("visit.name < 3", None, "Cannot compare"),
            ("visit + 'a' = 3", None, "needs numbers"),
            ("visit", None, "not a condition"),
            ("GLOB(visit, 'x')", None, "string field"),
            ("visit.timespan OVERLAPS 3", None, "cannot overlap"),
            ("visit IN (1..3) AND band IN (1..3)", None, "range needs an integer"),
            ("visit.region = NULL OR visit < 3", None, ""),
        ],
        ids=lambda value: str(value)[:40],
    )
    def test_bad_input(
        self, repo: Registry, where: str, bind: dict[str, Any] | None, message: str
    ) -> None:
        if not message:  # a valid query: NULL tests work on regions too
            assert _ids(repo.queryDataIds(["visit"], where=where, bind=bind), "visit") == set()
            return
        with pytest.raises(InvalidQueryError, match=message):
            list(repo.queryDataIds(["visit"], where=where, bind=bind))

    def test_syntax_error_has_caret(self, repo: Registry) -> None:
        with pytest.raises(QuerySyntaxError) as info:
            list(repo.queryDataIds(["visit"], where="visit = = 3"))
        assert "^" in str(info.value)
        with pytest.raises(InvalidQueryError, match="values are ints"):
            query_data_ids(repo, ["visit"], visit=[1, 2])
