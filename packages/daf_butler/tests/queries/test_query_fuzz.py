"""Property test of the whole query path: random expressions give results or `InvalidQueryError`.

Expressions are drawn from the vocabulary of the sample repository (its
dimensions, fields, literals of every type and the region functions), so
many are valid; whatever the input, a query either runs or fails with an
`InvalidQueryError`, never a SQL or Python error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skybutler.daf_butler.errors import InvalidQueryError
from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.testing._query_data import build_query_repo

WORDS = [
    "visit", "detector", "band", "exposure", "visit.name", "visit.region", "exposure.timespan",
    "exposure.timespan.begin", "visit.exposure_time", "patch", "tract", "physical_filter",
    "instrument", "NULL", "target_name", "nope",
    "AND", "OR", "NOT", "IN", "OVERLAPS", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "%",
    "(", ")", ",", "1", "12", "2.5", "'g'", "'Cam'", "10..14:2", "T'2024-01-01T01:00:00/tai'",
    "POINT(12, 0)", "CIRCLE(12, 0, 0.1)", "BOX(13, 0, 2, 1)", "REGION('CIRCLE 15 0 1')",
    "GLOB(visit.name, 'v1*')", "UUID('" + "1" * 32 + "')", ":v",
]  # fmt: skip


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Registry:
    path: Path = tmp_path_factory.mktemp("fuzz") / "gen3.sqlite3"
    registry = Registry.createFromConfig(f"sqlite:///{path}")
    build_query_repo(registry)
    return registry


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=9))
def test_random_expressions_run_or_fail_cleanly(repo: Registry, words: list[str]) -> None:
    where = " ".join(words)
    bind = {"v": 11} if ":v" in words else None
    try:
        rows = list(repo.queryDataIds(["visit", "detector"], where=where, bind=bind))
    except InvalidQueryError:
        return
    assert all(row["visit"] in range(10, 16) for row in rows)
