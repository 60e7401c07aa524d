"""The dimension-record conformance suite: storage, expansion and universes."""

from __future__ import annotations

__all__ = ["DimensionRecordConformance"]

from ._dimension_record_tests import DimensionRecordTests
from ._dimension_universe_tests import DimensionExpansionTests, DimensionUniverseTests


class DimensionRecordConformance(
    DimensionRecordTests, DimensionExpansionTests, DimensionUniverseTests
):
    """Every test dimension-record storage must pass on a registry database backend.

    Subclass it in a test module and provide two fixtures: ``database`` (as
    for `RegistryFoundationConformance`: a fresh, empty, writeable `Database`)
    and ``alternate_universe`` (the spectrograph universe of daf_butler's test
    data, ``tests/dimensions/data/spectrograph.yaml``)::

        class TestSqliteDimensionRecords(DimensionRecordConformance):
            @pytest.fixture
            def database(self, tmp_path):
                return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")

            @pytest.fixture
            def alternate_universe(self):
                return DimensionUniverse(SPECTROGRAPH_YAML)
    """
