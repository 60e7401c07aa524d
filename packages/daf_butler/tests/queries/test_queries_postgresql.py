"""The query conformance suite on PostgreSQL: the same answers as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.testing import QueryConformance


class TestPostgresqlQueries(QueryConformance):
    @pytest.fixture(scope="class")
    @classmethod
    def query_registry(cls, postgres_server: Any) -> Iterator[Registry]:
        url = postgres_server.create_database()
        registry = Registry.createFromConfig(url)
        yield registry
        registry.close()
        postgres_server.drop_database(url)
