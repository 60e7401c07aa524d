"""Dimension-record storage on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler.dimensions import DimensionUniverse
from skybutler.daf_butler.registry.databases import Database, open_database
from skybutler.daf_butler.testing import DimensionRecordConformance

SPECTROGRAPH = Path(__file__).parents[1] / "dimensions" / "data" / "spectrograph.yaml"


class TestSqliteDimensionRecords(DimensionRecordConformance):
    @pytest.fixture
    def database(self, tmp_path: Path) -> Database:
        return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")

    @pytest.fixture
    def alternate_universe(self) -> DimensionUniverse:
        return DimensionUniverse(SPECTROGRAPH)
