"""Dataset types and datasets on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler.registry.databases import Database, open_database
from skybutler.daf_butler.testing import DatasetConformance


class TestSqliteDatasets(DatasetConformance):
    @pytest.fixture
    def database(self, tmp_path: Path) -> Database:
        return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")
