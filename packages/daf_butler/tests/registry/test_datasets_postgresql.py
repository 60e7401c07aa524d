"""Dataset types and datasets on PostgreSQL, plus what only PostgreSQL does."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from skybutler.daf_butler._collection_type import CollectionType
from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler._timespan import Timespan
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import Database, open_database
from skybutler.daf_butler.testing import DatasetConformance


class TestPostgresqlDatasets(DatasetConformance):
    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url)


class TestPostgresqlNamespaceDatasets(DatasetConformance):
    """The same suite with the repository in its own schema."""

    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url, namespace="my_repo")


def test_exclusion_constraint_guards_validity(postgres_url: str) -> None:
    """Overlapping rows written behind the manager's back are refused by the database."""
    managers = RegistryManagers.initialize(open_database(postgres_url))
    universe = managers.dimensions.universe
    bias = DatasetType(
        "bias", ["instrument", "detector"], "int", universe=universe, isCalibration=True
    )
    managers.dataset_types.register(bias)
    managers.collections.register("run")
    managers.collections.register("calib", CollectionType.CALIBRATION)
    refs = managers.datasets.insert(bias, "run", [{"instrument": "Cam", "detector": 1}] * 1)
    managers.datasets.certify("calib", refs, Timespan(None, None, _nsec=(100, 200)))
    record = managers.dataset_types.record("bias")
    assert record.calibs is not None
    row = {
        "dataset_type_id": record.key,
        "dataset_id": refs[0].id,
        "collection_id": managers.collections.find("calib").key,
        "instrument": "Cam",
        "detector": 1,
    }
    db = managers.db
    with pytest.raises(sa.exc.IntegrityError, match="exclusion constraint"):
        db.insert(record.calibs, [{**row, "validity": Timespan(None, None, _nsec=(150, 250))}])
    db.insert(record.calibs, [{**row, "validity": Timespan(None, None, _nsec=(200, 250))}])
    db.insert(record.calibs, [{**row, "detector": 2, "validity": Timespan(None, None)}])
