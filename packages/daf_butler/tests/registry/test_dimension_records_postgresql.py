"""Dimension-record storage on PostgreSQL (a fresh database, and a schema of its own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler.dimensions import DimensionUniverse
from skybutler.daf_butler.registry.databases import Database, open_database
from skybutler.daf_butler.testing import DimensionRecordConformance

SPECTROGRAPH = Path(__file__).parents[1] / "dimensions" / "data" / "spectrograph.yaml"


class TestPostgresqlDimensionRecords(DimensionRecordConformance):
    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url)

    @pytest.fixture
    def alternate_universe(self) -> DimensionUniverse:
        return DimensionUniverse(SPECTROGRAPH)


class TestPostgresqlNamespaceDimensionRecords(TestPostgresqlDimensionRecords):
    """The same suite with the repository in its own schema."""

    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url, namespace="dims_repo")
