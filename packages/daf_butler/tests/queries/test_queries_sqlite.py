"""The query conformance suite on SQLite."""

from __future__ import annotations

import pytest

from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.testing import QueryConformance


class TestSqliteQueries(QueryConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def query_registry(cls, tmp_path_factory: pytest.TempPathFactory) -> Registry:
        path = tmp_path_factory.mktemp("queries") / "gen3.sqlite3"
        return Registry.createFromConfig(f"sqlite:///{path}")
