"""Conformance tests of dimension-record storage: tables, writes, reads, overlaps."""

# mypy: disable-error-code="attr-defined, union-attr"
# (record fields are attributes generated per element, unknown to a type checker)

from __future__ import annotations

__all__ = ["DimensionRecordFixtures", "DimensionRecordTests"]

from typing import Any

import pytest
import sqlalchemy as sa

from .._timespan import Timespan
from ..dimensions import DimensionRecord, DimensionUniverse
from ..errors import ConflictingDefinitionError, DimensionError, MissingDimensionRecordError
from ..registry import RegistryManagers
from ..registry.dimensions import DimensionRecordManager
from ..sphgeom import HtmPixelization, Region
from ._dimension_record_data import box, default_universe_records, insert_all
from ._registry_base import RegistryFixtures

Records = dict[str, list[DimensionRecord]]

SPATIAL = ("tract", "patch", "visit", "visit_detector_region")
ELEMENTS_WITH_TABLES = (
    "instrument",
    "physical_filter",
    "subfilter",
    "detector",
    "group",
    "day_obs",
    "visit_system",
    "exposure",
    "visit",
    "visit_definition",
    "visit_system_membership",
    "visit_detector_region",
    "skymap",
    "tract",
    "patch",
    "ssp_hypothesis_table",
    "ssp_hypothesis_bundle",
    "ssp_balanced_index",
)


def _replace(record: DimensionRecord, **changes: Any) -> DimensionRecord:
    return type(record)(**{**record.toDict(), **changes})


def key_of(manager: DimensionRecordManager, record: DimensionRecord) -> tuple[Any, ...]:
    """Return a record's required values in the order of its table's key columns."""
    return tuple(getattr(record, c) for c in manager.layout(record.definition).key_columns)


def envelope_indices(region: Region, level: int = 7) -> set[int]:
    """Return the HTM pixels of ``level`` whose union covers ``region``."""
    return {
        index
        for begin, end in HtmPixelization(level).envelope(region)
        for index in range(begin, end)
    }


class DimensionRecordFixtures(RegistryFixtures):
    """Fixtures of the dimension-record tests."""

    @pytest.fixture
    def records(self, managers: RegistryManagers) -> DimensionRecordManager:
        """Return the dimension-record manager of a fresh repository."""
        return managers.dimensions

    @pytest.fixture
    def sample(self, records: DimensionRecordManager) -> Records:
        """Return sample records of every element of the default universe."""
        return default_universe_records(records.universe)

    @pytest.fixture
    def populated(self, records: DimensionRecordManager, sample: Records) -> DimensionRecordManager:
        """Return the manager with every sample record inserted."""
        insert_all(records, sample)
        return records

    @staticmethod
    def overlap_rows(manager: DimensionRecordManager, element: str) -> set[tuple[Any, ...]]:
        """Return the overlap rows of an element as (system, level, data ID..., index)."""
        table = manager.overlap_table(element)
        return {tuple(row) for row in manager.db.fetch_all(sa.select(table))}


class DimensionRecordTests(DimensionRecordFixtures):
    """Tests of `DimensionRecordManager` with the default universe."""

    def test_tables_follow_the_universe(self, records: DimensionRecordManager) -> None:
        universe = records.universe
        existing = records.db.table_names()
        with_tables = [e for e in universe.database_elements if e.hasTable()]
        assert {records.table(e).name for e in with_tables} <= existing
        for name in SPATIAL:
            assert records.overlap_table(name).name == f"{name}_skypix_overlap"
            assert records.overlap_summary_table(name).name in existing
        assert records.layout("visit").key_columns == ("instrument", "id")
        assert records.layout("visit").key_dimensions == ("instrument", "visit")
        exposure = records.table("exposure")
        assert [c.name for c in exposure.primary_key.columns] == ["instrument", "id"]
        referred = {fk.referred_table.name for fk in exposure.foreign_key_constraints}
        assert referred == {"physical_filter", "day_obs", "group"}
        detector = records.table("detector")
        assert any(
            {c.name for c in u.columns} == {"instrument", "full_name"}
            for u in detector.constraints
            if isinstance(u, sa.UniqueConstraint)
        )
        with pytest.raises(DimensionError, match="band"):
            records.table("band")
        with pytest.raises(DimensionError, match="pixel indices"):
            records.table("htm7")
        with pytest.raises(DimensionError, match="not spatial"):
            records.overlap_table("exposure")

    @pytest.mark.parametrize("element", ELEMENTS_WITH_TABLES, ids=str)
    def test_round_trip(
        self, populated: DimensionRecordManager, sample: Records, element: str
    ) -> None:
        given = sample[element]
        fetched = populated.fetch(element)
        assert fetched == sorted(given, key=lambda r: tuple(r.dataId.required_values))
        for record in given:
            assert populated.fetch_one(element, record.dataId) == record
            stored = populated.fetch(element, [record.dataId])[0]
            for field in record.fields.names:  # exact values, not just equality of records
                assert repr(getattr(stored, field)) == repr(getattr(record, field))

    def test_every_element_is_covered(self, records: DimensionRecordManager) -> None:
        universe = records.universe
        assert universe is DimensionUniverse()
        expected = {e.name for e in universe.database_elements if e.hasTable()}
        assert set(ELEMENTS_WITH_TABLES) == expected
        assert set(default_universe_records(universe)) == expected

    def test_insert_mappings(self, records: DimensionRecordManager) -> None:
        records.insert("instrument", [{"name": "Cam", "detector_max": 4}])
        records.insert("detector", [{"instrument": "Cam", "id": 1, "full_name": "d1"}])
        (detector,) = records.fetch("detector")
        assert (detector.instrument, detector.id, detector.full_name) == ("Cam", 1, "d1")
        assert detector.purpose is None

    def test_implied_union_and_skypix_are_refused(self, records: DimensionRecordManager) -> None:
        with pytest.raises(DimensionError, match="physical_filter records with band=") as info:
            records.insert("band", [{"name": "r"}])
        assert "no table" in str(info.value)
        with pytest.raises(DimensionError, match="htm7"):
            records.insert("htm7", [{"id": 1}])

    def test_duplicates_are_refused(self, populated: DimensionRecordManager) -> None:
        detector = populated.fetch("detector")[0]
        with pytest.raises(ConflictingDefinitionError, match="already exist") as info:
            populated.insert("detector", [_replace(detector, id=10), detector])
        assert "{instrument: 'HSC', detector: 0}" in str(info.value)
        assert "skip_existing" in str(info.value)
        assert len(populated.fetch("detector")) == 4  # the new detector 10 was not kept
        twice = _replace(detector, id=11, full_name="x")
        with pytest.raises(ConflictingDefinitionError, match="more than once"):
            populated.insert("detector", [twice, twice])

    def test_alternate_keys_are_unique(self, populated: DimensionRecordManager) -> None:
        detector = populated.fetch("detector")[0]
        clash = _replace(detector, id=20)  # same full_name as detector 0
        with pytest.raises(ConflictingDefinitionError, match="full_name") as info:
            populated.insert("detector", [clash])
        assert "detector: 0" in str(info.value)
        with pytest.raises(ConflictingDefinitionError, match="full_name"):
            populated.sync(clash)
        other = _replace(detector, id=21, full_name="unique")
        populated.insert("detector", [other])
        with pytest.raises(ConflictingDefinitionError, match="full_name"):
            populated.sync(_replace(other, full_name=detector.full_name), update=True)

    def test_missing_references_are_named(
        self, records: DimensionRecordManager, sample: Records
    ) -> None:
        records.insert("instrument", sample["instrument"])
        with pytest.raises(MissingDimensionRecordError, match="physical_filter") as info:
            records.insert("exposure", sample["exposure"])
        text = str(info.value)
        assert "physical_filter {instrument: 'HSC', physical_filter: 'HSC-I'}, " in text
        assert "{instrument: 'HSC', physical_filter: 'HSC-R'}" in text
        assert "day_obs {instrument: 'HSC', day_obs: 20130617}" in text
        assert "group {instrument: 'HSC', group: 'g1'}" in text
        assert records.fetch("exposure") == []
        with pytest.raises(MissingDimensionRecordError, match="instrument"):
            records.sync(_replace(sample["detector"][0], instrument="Nope"))

    def test_one_transaction_per_call(
        self, records: DimensionRecordManager, sample: Records
    ) -> None:
        records.insert("instrument", sample["instrument"])
        bad = _replace(sample["detector"][0], id=99, instrument="Nope")
        with pytest.raises(MissingDimensionRecordError):
            records.insert("detector", [*sample["detector"], bad])
        assert records.fetch("detector") == []
        with pytest.raises(MissingDimensionRecordError), records.db.transaction(write=True):
            records.insert("detector", sample["detector"])
            records.insert("detector", [bad])
        assert records.fetch("detector") == []

    def test_as_record(self, records: DimensionRecordManager, sample: Records) -> None:
        detector = sample["detector"][0]
        assert records.as_record("detector", detector) is detector
        assert records.as_record("detector", detector.toDict()) == detector
        with pytest.raises(DimensionError, match="instrument record was given"):
            records.as_record("detector", sample["instrument"][0])
        with pytest.raises(DimensionError, match="nonsense"):
            records.as_record("detector", {**detector.toDict(), "nonsense": 1})

    def test_skip_existing_keeps_stored(self, populated: DimensionRecordManager) -> None:
        detector = populated.fetch("detector")[0]
        changed = _replace(detector, purpose="WAVEFRONT")
        new = _replace(detector, id=30, full_name="new")
        populated.insert("detector", [changed, new], skip_existing=True)
        assert populated.fetch_one("detector", detector.dataId) == detector
        assert populated.fetch_one("detector", new.dataId) == new
        visit = populated.fetch("visit")[0]
        before = self.overlap_rows(populated, "visit")
        moved = _replace(visit, region=box(10.0, 10.0, 0.5))
        populated.insert("visit", [moved], skip_existing=True)
        assert self.overlap_rows(populated, "visit") == before

    def test_replace_overwrites(self, populated: DimensionRecordManager) -> None:
        exposure = populated.fetch("exposure")[0]
        changed = _replace(exposure, exposure_time=15.0, timespan=None, physical_filter="HSC-I")
        populated.insert("exposure", [changed], replace=True)
        stored = populated.fetch_one("exposure", exposure.dataId)
        assert stored == changed
        assert stored is not None
        assert stored.timespan is None
        patch = populated.fetch("patch")[0]
        moved = _replace(patch, region=box(200.0, -30.0, 0.1))
        populated.insert("patch", [moved], replace=True)
        key = key_of(populated, patch)
        indices = {row[-1] for row in self.overlap_rows(populated, "patch") if row[2:-1] == key}
        assert indices == envelope_indices(moved.region)

    def test_sync(self, populated: DimensionRecordManager) -> None:
        detector = populated.fetch("detector")[0]
        assert populated.sync(detector) is False
        new = _replace(detector, id=40, full_name="forty")
        assert populated.sync(new) is True
        assert populated.fetch_one("detector", new.dataId) == new
        changed = _replace(detector, purpose="GUIDER", raft="9")
        with pytest.raises(ConflictingDefinitionError) as info:
            populated.sync(changed)
        text = str(info.value)
        assert "detector" in text
        assert "{instrument: 'HSC', detector: 0}" in text
        assert "purpose: stored 'SCIENCE', given 'GUIDER'" in text
        assert "raft: stored '1', given '9'" in text
        assert populated.fetch_one("detector", detector.dataId) == detector
        assert populated.sync(changed, update=True) == {"purpose": "SCIENCE", "raft": "1"}
        assert populated.fetch_one("detector", detector.dataId) == changed

    def test_sync_compares_every_kind_of_field(self, populated: DimensionRecordManager) -> None:
        visit = populated.fetch("visit")[0]
        assert populated.sync(visit) is False
        later = Timespan(None, None, _nsec=(visit.timespan.nsec[0], visit.timespan.nsec[1] + 5))
        with pytest.raises(ConflictingDefinitionError, match="timespan: stored"):
            populated.sync(_replace(visit, timespan=later))
        with pytest.raises(ConflictingDefinitionError, match="physical_filter: stored 'HSC-R'"):
            populated.sync(_replace(visit, physical_filter="HSC-I"))
        moved = _replace(visit, region=box(300.0, 60.0, 0.4))
        with pytest.raises(ConflictingDefinitionError, match="region: stored"):
            populated.sync(moved)
        old = populated.sync(moved, update=True)
        assert isinstance(old, dict)
        assert set(old) == {"region"}
        assert old["region"].encode() == visit.region.encode()
        indices = {row[-1] for row in self.overlap_rows(populated, "visit")}
        assert indices == envelope_indices(moved.region)

    def test_fetch_by_data_ids_and_where(self, populated: DimensionRecordManager) -> None:
        fetched = populated.fetch(
            "detector", [{"instrument": "HSC", "detector": d} for d in (3, 1)]
        )
        assert [r.id for r in fetched] == [1, 3]
        assert populated.fetch("detector", [{"instrument": "HSC", "id": 2}])[0].id == 2
        assert populated.fetch("detector", [{"instrument": "HSC", "detector": 77}]) == []
        assert [r.name for r in populated.fetch("physical_filter", where={"band": "i"})] == [
            "HSC-I"
        ]
        exposures = populated.fetch("exposure", where={"exposure": 903335})
        assert [r.obs_id for r in exposures] == ["HSCA00903335"]
        table = populated.table("exposure")
        assert len(populated.fetch("exposure", where=table.c.seq_num > 12)) == 1
        with pytest.raises(DimensionError, match="timespan"):
            populated.fetch("exposure", where={"timespan": None})

    def test_overlaps_match_envelopes(
        self, populated: DimensionRecordManager, sample: Records
    ) -> None:
        for element in SPATIAL:
            rows = self.overlap_rows(populated, element)
            assert {row[:2] for row in rows} == {("htm", 7)}
            for record in sample[element]:
                key = key_of(populated, record)
                got = {row[-1] for row in rows if row[2:-1] == key}
                assert got == envelope_indices(record.region), element
                assert got, element
            governor = {"tract": "hsc_rings_v1", "patch": "hsc_rings_v1"}.get(element, "HSC")
            summary = populated.db.fetch_all(sa.select(populated.overlap_summary_table(element)))
            assert [tuple(row) for row in summary] == [("htm", 7, governor)]

    def test_cache_sees_writes_and_forgets_rollbacks(
        self, populated: DimensionRecordManager
    ) -> None:
        detector = populated.fetch_one("detector", {"instrument": "HSC", "detector": 1})
        assert detector is not None
        changed = _replace(detector, purpose="GUIDER")
        populated.sync(changed, update=True)
        assert populated.fetch_one("detector", detector.dataId) == changed
        new = _replace(detector, id=50, full_name="fifty")

        class BoomError(Exception):
            pass

        with pytest.raises(BoomError), populated.db.transaction(write=True):
            populated.insert("detector", [new])
            assert populated.fetch_one("detector", new.dataId) == new
            raise BoomError
        assert populated.fetch_one("detector", new.dataId) is None
        # Another manager's write is found even though the element is cached...
        other = RegistryManagers.open(populated.db).dimensions
        other.insert("detector", [new])
        assert populated.fetch_one("detector", new.dataId) == new
        # ... and forgotten when it is rolled back, though this manager never wrote.
        newer = _replace(detector, id=51, full_name="fifty-one")
        with pytest.raises(BoomError), populated.db.transaction(write=True):
            other.insert("detector", [newer])
            assert populated.fetch_one("detector", newer.dataId) == newer
            raise BoomError
        assert populated.fetch_one("detector", newer.dataId) is None
