"""Conformance tests of data ID expansion and of the universe a repository keeps."""

# mypy: disable-error-code="attr-defined, union-attr"
# (record fields are attributes generated per element, unknown to a type checker)

from __future__ import annotations

__all__ = ["DimensionExpansionTests", "DimensionUniverseTests"]

import collections
import contextlib
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from .._timespan import Timespan, time_to_nsec
from ..dimensions import DimensionUniverse
from ..errors import (
    ConflictingDefinitionError,
    DimensionError,
    DimensionNameError,
    InconsistentDataIdError,
    MissingDimensionRecordError,
)
from ..registry import RegistryManagers
from ..registry.databases import Database
from ..registry.dimensions import UNIVERSE_ATTRIBUTE, DimensionRecordManager
from ..sphgeom import HealpixPixelization, HtmPixelization
from ._dimension_record_data import OBSERVED, box, insert_all, spectrograph_records
from ._dimension_record_tests import DimensionRecordFixtures, Records
from ._registry_base import reopen


@contextlib.contextmanager
def _count_statements(db: Database) -> Iterator[collections.Counter[str]]:
    """Count the statements run on ``db``'s engine by their first SQL word."""
    counts: collections.Counter[str] = collections.Counter()

    def count(*args: Any) -> None:
        counts[str(args[2]).lstrip().split(None, 1)[0].upper()] += 1

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


class DimensionExpansionTests(DimensionRecordFixtures):
    """Tests of `DimensionRecordManager.expand_data_id`."""

    def test_expand_fills_implied_values_and_records(
        self, populated: DimensionRecordManager, sample: Records
    ) -> None:
        data_id = populated.expand_data_id({"instrument": "HSC", "exposure": 903334})
        assert data_id.hasFull()
        assert data_id.hasRecords()
        assert data_id.mapping == {
            "instrument": "HSC",
            "exposure": 903334,
            "band": "r",
            "day_obs": 20130617,
            "group": "g1",
            "physical_filter": "HSC-R",
        }
        assert data_id.records["exposure"] == sample["exposure"][0]
        assert data_id.records["physical_filter"] == sample["physical_filter"][0]
        assert data_id.records["band"].name == "r"
        assert data_id.exposure.obs_id == "HSCA00903334"
        assert data_id.instrument.class_name == "lsst.obs.subaru.HyperSuprimeCam"
        assert data_id.timespan == sample["exposure"][0].timespan
        again = populated.expand_data_id(instrument="HSC", exposure=903334, band="r")
        assert again == data_id
        assert again.mapping == data_id.mapping
        assert populated.expand_data_id(data_id) is data_id

    def test_expand_spatial_and_combinations(
        self, populated: DimensionRecordManager, sample: Records
    ) -> None:
        data_id = populated.expand_data_id(instrument="HSC", visit=903334, detector=2)
        assert data_id.records["visit_detector_region"] == sample["visit_detector_region"][1]
        assert data_id.region.encode() == sample["visit_detector_region"][1].region.encode()
        assert "visit_system_membership" not in data_id.records  # needs visit_system
        # A combination row that is missing leaves a valid data ID without it.
        bare = populated.expand_data_id(instrument="HSC", visit=903334, detector=1)
        assert bare.records["visit_detector_region"] is None
        assert bare.records["detector"].full_name == "1_01"
        patch = populated.expand_data_id(skymap="hsc_rings_v1", tract=9813, patch=41)
        assert patch.patch.cell_x == 1
        assert patch.records["skymap"].hash == bytes(range(20))

    def test_expand_skypix_needs_no_record(self, populated: DimensionRecordManager) -> None:
        data_id = populated.expand_data_id(htm7=131072)
        record = data_id.records["htm7"]
        assert record.id == 131072
        assert record.region.encode() == HtmPixelization(7).pixel(131072).encode()
        both = populated.expand_data_id(instrument="HSC", detector=3, htm7=131073)
        assert both.records["detector"].id == 3

    @pytest.mark.parametrize(
        ("values", "element", "shown"),
        [
            ({"instrument": "HSC", "detector": 999}, "detector", "detector: 999"),
            ({"instrument": "Nope"}, "instrument", "instrument: 'Nope'"),
            ({"instrument": "HSC", "exposure": 1}, "exposure", "exposure: 1"),
            ({"skymap": "hsc_rings_v1", "tract": 1}, "tract", "tract: 1"),
        ],
        ids=["detector", "instrument", "exposure", "tract"],
    )
    def test_missing_record_is_named(
        self, populated: DimensionRecordManager, values: dict[str, object], element: str, shown: str
    ) -> None:
        with pytest.raises(MissingDimensionRecordError) as info:
            populated.expand_data_id(values)
        text = str(info.value)
        assert f"No {element} record" in text
        assert shown in text
        assert isinstance(info.value, LookupError)

    def test_inconsistent_values_are_refused(self, populated: DimensionRecordManager) -> None:
        with pytest.raises(InconsistentDataIdError) as info:
            populated.expand_data_id(instrument="HSC", exposure=903334, physical_filter="HSC-I")
        text = str(info.value)
        assert "physical_filter='HSC-I'" in text
        assert "physical_filter='HSC-R'" in text
        with pytest.raises(InconsistentDataIdError, match="band='r'"):
            populated.expand_data_id(instrument="HSC", exposure=903334, band="i")
        with pytest.raises(InconsistentDataIdError, match="day_obs"):
            populated.expand_data_id(instrument="HSC", visit=903334, day_obs=20130618)

    def test_given_records_are_used_and_checked(
        self, populated: DimensionRecordManager, sample: Records
    ) -> None:
        instrument = sample["instrument"][0]
        fake = type(instrument)(**{**instrument.toDict(), "detector_max": 7})
        data_id = populated.expand_data_id(
            instrument="HSC", detector=0, records={"instrument": fake}
        )
        assert data_id.instrument.detector_max == 7
        other = sample["instrument"][1]
        with pytest.raises(InconsistentDataIdError, match="instrument"):
            populated.expand_data_id(instrument="HSC", records={"instrument": other})

    def test_expand_many(self, populated: DimensionRecordManager, sample: Records) -> None:
        ids = [{"instrument": "HSC", "exposure": e} for e in (903334, 903335)]
        ids += [{"instrument": "HSC", "detector": d, "visit": 903334} for d in range(4)]
        expanded = populated.expand_data_ids(ids)
        assert [d.mapping for d in expanded] == [populated.expand_data_id(i).mapping for i in ids]
        assert all(d.hasRecords() for d in expanded)
        assert expanded[1].records["physical_filter"] == sample["physical_filter"][1]
        assert expanded[2].records["visit_detector_region"] == sample["visit_detector_region"][0]
        assert expanded[3].records["visit_detector_region"] is None
        assert populated.expand_data_ids([expanded[0]])[0] is expanded[0]
        with pytest.raises(MissingDimensionRecordError, match="detector: 9"):
            populated.expand_data_ids([*ids, {"instrument": "HSC", "detector": 9}])
        with pytest.raises(InconsistentDataIdError, match="HSC-R"):
            populated.expand_data_ids(
                [{"instrument": "HSC", "exposure": 903334, "physical_filter": "HSC-I"}]
            )

    def test_bulk_work_is_one_statement_per_table(
        self, populated: DimensionRecordManager, sample: Records
    ) -> None:
        visit = sample["visit"][0]
        visits = [
            type(visit)(**{**visit.toDict(), "id": 1000 + i, "name": f"v{i}"}) for i in range(60)
        ]
        with _count_statements(populated.db) as counts:
            populated.insert("visit", visits)
        assert counts["INSERT"] == 3  # visit, visit_skypix_overlap, its summary
        with _count_statements(populated.db) as counts:
            expanded = populated.expand_data_ids(
                [{"instrument": "HSC", "visit": v.id, "detector": 0} for v in visits]
            )
        assert len(expanded) == 60
        # visit, visit_detector_region and the cached instrument, physical_filter, detector
        # tables; day_obs: one query each, not one per data ID.
        assert counts["SELECT"] <= 6

    def test_bad_data_ids(self, populated: DimensionRecordManager) -> None:
        with pytest.raises(DimensionNameError, match="instrument"):
            populated.expand_data_id(detector=1)
        with pytest.raises(DimensionNameError, match="nonsense"):
            populated.expand_data_id(instrument="HSC", nonsense=1)
        group = populated.universe.conform(["instrument", "detector"])
        with pytest.raises(DimensionNameError):
            populated.expand_data_id({"instrument": "HSC"}, dimensions=group)
        expanded = populated.expand_data_id({"instrument": "HSC", "detector": 0}, dimensions=group)
        assert expanded.dimensions == group


class DimensionUniverseTests(DimensionRecordFixtures):
    """Tests of the universe stored in a repository, and of a non-default one."""

    @pytest.fixture
    def alternate_universe(self) -> DimensionUniverse:
        """Return the spectrograph universe of daf_butler's test data."""
        raise NotImplementedError(
            "Subclasses provide the alternate_universe fixture: DimensionUniverse loaded from "
            "packages/daf_butler/tests/dimensions/data/spectrograph.yaml."
        )

    def test_universe_is_stored(self, records: DimensionRecordManager, database: Database) -> None:
        attributes = RegistryManagers.open(database).attributes
        stored = json.loads(attributes.get(UNIVERSE_ATTRIBUTE) or "{}")
        assert stored["version"] == records.universe.version == 8
        assert set(stored["elements"]) >= {"instrument", "visit", "exposure"}

    def test_other_universe_is_refused_on_existing_repository(
        self, records: DimensionRecordManager, alternate_universe: DimensionUniverse
    ) -> None:
        with pytest.raises(ConflictingDefinitionError) as info:
            RegistryManagers.initialize(reopen(records.db), universe=alternate_universe)
        text = str(info.value)
        assert "version 8 in namespace 'daf_butler'" in text
        assert "spectro_test" in text

    def test_alternate_universe(
        self, database: Database, alternate_universe: DimensionUniverse
    ) -> None:
        manager = RegistryManagers.initialize(database, universe=alternate_universe).dimensions
        assert manager.universe is alternate_universe
        sample = spectrograph_records(alternate_universe)
        insert_all(manager, sample)
        for name, given in sample.items():
            assert manager.fetch(name) == given, name
        observation = manager.fetch("observation")[0]
        assert time_to_nsec(observation.observed_at) == time_to_nsec(OBSERVED)
        assert observation.checksum == uuid.UUID("12345678-1234-5678-1234-567812345678")
        assert observation.timespan == Timespan(OBSERVED, None)
        data_id = manager.expand_data_id(telescope="apo25", observation=11)
        assert data_id.mapping["disperser_kind"] == "transmission"
        assert data_id.mapping["plate"] == 7
        assert data_id.plate.label == "P7"
        with pytest.raises(DimensionError, match="disperser_kind"):
            manager.insert("disperser_kind", [{"name": "x"}])
        table = manager.overlap_table("fiber_assignment")
        rows = manager.db.fetch_all(sa.select(table))
        assert {(row.skypix_system, row.skypix_level) for row in rows} == {("healpix", 8)}
        region = sample["fiber_assignment"][0].region
        expected = {i for b, e in HealpixPixelization(8).envelope(region) for i in range(b, e)}
        assert {row.skypix_index for row in rows if row.fiber == 0} == expected
        # Opening the repository brings back its universe, not the default one.
        reopened = RegistryManagers.open(reopen(database)).dimensions
        assert reopened.universe is alternate_universe
        assert reopened.fetch("fiber") == sample["fiber"]
        again = RegistryManagers.initialize(reopen(database)).dimensions
        assert again.universe is alternate_universe
        with pytest.raises(ConflictingDefinitionError, match="spectro_test"):
            RegistryManagers.initialize(reopen(database), universe=DimensionUniverse())

    def test_long_names_are_shrunk(self, database: Database) -> None:
        long_name = "an_element_with_a_remarkably_long_name_for_testing"
        config = {
            "version": 1,
            "namespace": f"long_names_{uuid.uuid4().hex[:8]}",
            "skypix": {"common": "htm5", "htm": {"class": "HtmPixelization", "max_level": 8}},
            "elements": {
                "site": {
                    "keys": [{"name": "name", "type": "string", "length": 8}],
                    "governor": True,
                },
                long_name: {"keys": [{"name": "id", "type": "int"}], "requires": ["site"]},
            },
            "topology": {"spatial": {"regions": [long_name]}},
        }
        universe = DimensionUniverse(config)
        manager = RegistryManagers.initialize(database, universe=universe).dimensions
        limit = database.max_identifier_length
        names = {
            manager.table(long_name).name,
            manager.overlap_table(long_name).name,
            manager.overlap_summary_table(long_name).name,
        }
        assert all(len(name) <= limit for name in names)
        assert len(names) == 3
        assert names <= database.table_names()
        region = box(10.0, 10.0, 1.0)
        manager.insert("site", [{"name": "here"}])
        manager.insert(long_name, [{"site": "here", "id": 1, "region": region}])
        reopened = RegistryManagers.open(reopen(database)).dimensions
        (record,) = reopened.fetch(long_name)
        assert record.region.encode() == region.encode()
        rows = reopened.db.fetch_all(sa.select(reopened.overlap_table(long_name)))
        assert {row[-1] for row in rows} == {
            i for b, e in HtmPixelization(5).envelope(region) for i in range(b, e)
        }
