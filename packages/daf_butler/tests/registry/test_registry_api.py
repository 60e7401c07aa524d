"""The Registry conformance suite on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler.testing import RegistryConformance


class TestSqliteRegistry(RegistryConformance):
    @pytest.fixture
    def registry_url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path}/gen3.sqlite3"


@pytest.mark.service
class TestPostgresqlRegistry(RegistryConformance):
    @pytest.fixture
    def registry_url(self, postgres_url_factory: Callable[[], str]) -> str:
        return postgres_url_factory()
