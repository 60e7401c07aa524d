"""The dataset conformance suite: dataset types, datasets, tags and certifications."""

from __future__ import annotations

__all__ = ["DatasetConformance"]

from ._dataset_association_tests import DatasetAssociationTests
from ._dataset_concurrency import DatasetConcurrencyTests
from ._dataset_tests import DatasetTests
from ._dataset_type_tests import DatasetTypeTests


class DatasetConformance(
    DatasetTypeTests, DatasetTests, DatasetAssociationTests, DatasetConcurrencyTests
):
    """Every test dataset storage must pass on a registry database backend.

    Subclass it in a test module and provide the ``database`` fixture (as for
    `RegistryFoundationConformance`: a fresh, empty, writeable `Database`
    that other processes can open too)::

        class TestSqliteDatasets(DatasetConformance):
            @pytest.fixture
            def database(self, tmp_path):
                return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")
    """
