"""DataCoordinate: standardization, states, derived data IDs and serialization."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybutler.daf_butler._timespan import Timespan
from skybutler.daf_butler.dimensions import DataCoordinate, DimensionRecord, DimensionUniverse
from skybutler.daf_butler.errors import (
    DimensionError,
    DimensionNameError,
    DimensionValueError,
    InconsistentDataIdError,
)
from skybutler.daf_butler.sphgeom import ConvexPolygon, UnitVector3d

VISIT_FULL = {
    "instrument": "HSC",
    "visit": 903334,
    "physical_filter": "HSC-R",
    "band": "r",
    "day_obs": 20130617,
}


class TestStandardize:
    def test_kwargs_give_required_only(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(instrument="HSC", detector=5, visit=12)
        assert data_id.dimensions == universe.conform(["visit", "detector"])
        assert not data_id.hasFull()
        assert not data_id.hasRecords()
        assert data_id.required == {"instrument": "HSC", "detector": 5, "visit": 12}
        assert data_id.required_values == ("HSC", 5, 12)
        assert data_id.mapping == data_id.required

    def test_mapping_and_kwargs_merge(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(
            {"instrument": "HSC", "detector": 1}, detector=7, universe=universe
        )
        assert data_id["detector"] == 7
        assert data_id["instrument"] == "HSC"

    def test_full_when_every_key_given(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(VISIT_FULL, universe=universe)
        assert data_id.hasFull()
        assert data_id.full == VISIT_FULL
        assert data_id.full_values == ("HSC", 903334, "r", 20130617, "HSC-R")
        assert data_id["band"] == "r"

    def test_some_implied_values_are_dropped(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(
            instrument="HSC", visit=1, physical_filter="HSC-R", universe=universe
        )
        assert not data_id.hasFull()
        assert "physical_filter" not in data_id
        assert data_id.get("physical_filter") is None

    def test_numpy_values_become_builtin(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(
            instrument=np.str_("HSC"), detector=np.int64(5), universe=universe
        )
        assert type(data_id["detector"]) is int
        assert type(data_id["instrument"]) is str
        assert data_id == DataCoordinate.standardize(instrument="HSC", detector=5)

    @pytest.mark.parametrize(
        ("kwargs", "pattern"),
        [
            (
                {"instrument": "HSC", "detector": "S11"},
                r"'S11' \(str\) for dimension 'detector'.*ints",
            ),
            (
                {"instrument": "HSC", "detector": 5.0},
                r"5\.0 \(float\) for dimension 'detector'.*ints",
            ),
            ({"instrument": "HSC", "detector": True}, r"True \(bool\) for dimension 'detector'"),
            ({"instrument": 3, "detector": 1}, r"3 \(int\) for dimension 'instrument'.*strs"),
            (
                {"instrument": "HSC", "detector": None},
                r"None \(NoneType\) for dimension 'detector'",
            ),
        ],
        ids=["str_for_int", "float_for_int", "bool_for_int", "int_for_str", "none"],
    )
    def test_wrong_value_type(
        self, universe: DimensionUniverse, kwargs: dict[str, Any], pattern: str
    ) -> None:
        with pytest.raises(DimensionValueError, match=pattern):
            DataCoordinate.standardize(kwargs, universe=universe)

    def test_missing_required(self, universe: DimensionUniverse) -> None:
        with pytest.raises(DimensionNameError, match=r"required dimension 'instrument'") as info:
            DataCoordinate.standardize(visit=5, universe=universe)
        assert isinstance(info.value, KeyError)
        group = universe.conform(["detector"])
        with pytest.raises(DimensionNameError, match=r"'detector'.*needs values for instrument"):
            DataCoordinate.standardize(instrument="HSC", dimensions=group)

    def test_unknown_key(self, universe: DimensionUniverse) -> None:
        with pytest.raises(DimensionNameError, match=r"'detecter'.*known ones are.*detector"):
            DataCoordinate.standardize(instrument="HSC", detecter=5, universe=universe)
        group = universe.conform(["detector"])
        with pytest.raises(DimensionNameError, match=r"'detecter'"):
            DataCoordinate.standardize(instrument="HSC", detector=1, detecter=5, dimensions=group)

    def test_explicit_dimensions_ignore_extra_dimensions(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(
            {"instrument": "HSC", "detector": 5, "visit": 1},
            dimensions=["detector"],
            universe=universe,
        )
        assert data_id.dimensions == universe.conform(["detector"])
        assert data_id.hasFull()

    def test_existing_data_id(self, universe: DimensionUniverse) -> None:
        full = DataCoordinate.standardize(VISIT_FULL, universe=universe)
        assert DataCoordinate.standardize(full) is full
        assert DataCoordinate.standardize(full, dimensions=full.dimensions) is full
        sub = DataCoordinate.standardize(full, dimensions=["physical_filter"])
        assert sub.mapping == {"instrument": "HSC", "physical_filter": "HSC-R", "band": "r"}
        more = DataCoordinate.standardize(full, detector=3)
        assert more["detector"] == 3
        assert more["visit"] == 903334

    def test_defaults(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(detector=4, defaults={"instrument": "HSC"})
        assert data_id.required == {"instrument": "HSC", "detector": 4}
        defaults = DataCoordinate.standardize(instrument="LSSTCam", universe=universe)
        data_id = DataCoordinate.standardize({"detector": 4}, defaults=defaults)
        assert data_id["instrument"] == "LSSTCam"
        explicit = DataCoordinate.standardize(instrument="HSC", detector=4, defaults=defaults)
        assert explicit["instrument"] == "HSC"

    def test_non_default_universe(self, spectro_universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(
            telescope="T", observation=3, universe=spectro_universe
        )
        assert data_id.universe is spectro_universe
        assert list(data_id.dimensions.required) == ["telescope", "observation"]


class TestConstructors:
    def test_from_values(self, universe: DimensionUniverse) -> None:
        group = universe.conform(["visit"])
        required = DataCoordinate.from_required_values(group, ("HSC", 903334))
        full = DataCoordinate.from_full_values(group, ("HSC", 903334, "r", 20130617, "HSC-R"))
        assert required == full
        assert hash(required) == hash(full)
        assert full.mapping == VISIT_FULL
        with pytest.raises(DimensionValueError, match="needs 2 required values"):
            DataCoordinate.from_required_values(group, ("HSC",))
        with pytest.raises(DimensionValueError, match="needs 5 values"):
            DataCoordinate.from_full_values(group, ("HSC", 1))

    def test_no_implied_means_full(self, universe: DimensionUniverse) -> None:
        group = universe.conform(["detector"])
        data_id = DataCoordinate.from_required_values(group, ("HSC", 1))
        assert data_id.hasFull()
        assert data_id.full_values == ("HSC", 1)

    def test_empty(self, universe: DimensionUniverse) -> None:
        empty = DataCoordinate.make_empty(universe)
        assert empty.hasFull()
        assert empty.hasRecords()
        assert len(empty) == 0
        assert str(empty) == "{}"
        assert empty == DataCoordinate.standardize({}, universe=universe)

    def test_direct_construction_refused(self) -> None:
        with pytest.raises(TypeError, match="standardize"):
            DataCoordinate()


class TestAccess:
    def test_mapping_protocol(self, universe: DimensionUniverse) -> None:
        data_id = DataCoordinate.standardize(instrument="HSC", detector=5, visit=12)
        assert list(data_id) == ["instrument", "detector", "visit"]
        assert data_id.keys() == ("instrument", "detector", "visit")
        assert data_id.values() == ("HSC", 5, 12)
        assert dict(data_id.items()) == {"instrument": "HSC", "detector": 5, "visit": 12}
        assert dict(data_id) == dict(data_id.items())
        assert len(data_id) == 3
        assert data_id.get("band", "none") == "none"
        assert data_id.get("nope", 1) == 1
        with pytest.raises(DimensionNameError, match="implied dimension 'band' is not known"):
            data_id["band"]
        with pytest.raises(DimensionNameError, match="'skymap' is not a dimension of data ID"):
            data_id["skymap"]
        with pytest.raises(DimensionNameError, match="no implied values"):
            _ = data_id.full_values
        with pytest.raises(DimensionNameError, match="no implied values"):
            _ = data_id.full

    def test_str_repr(self) -> None:
        data_id = DataCoordinate.standardize(instrument="HSC", detector=5)
        assert str(data_id) == "{instrument: 'HSC', detector: 5}"
        assert repr(data_id) == "{'instrument': 'HSC', 'detector': 5}"

    def test_equality(self, universe: DimensionUniverse) -> None:
        a = DataCoordinate.standardize(instrument="HSC", detector=5)
        assert a == {"instrument": "HSC", "detector": 5}
        assert a != {"instrument": "HSC", "detector": 6}
        assert a != {"instrument": "HSC", "detector": "x"}
        assert a != DataCoordinate.standardize(instrument="HSC", detector=5, visit=1)
        assert a != 5
        assert sorted(
            [
                DataCoordinate.standardize(instrument="HSC", detector=2),
                DataCoordinate.standardize(instrument="DECam", detector=9),
                DataCoordinate.standardize(instrument="HSC", detector=1),
            ]
        ) == [
            {"instrument": "DECam", "detector": 9},
            {"instrument": "HSC", "detector": 1},
            {"instrument": "HSC", "detector": 2},
        ]


class TestDerived:
    def test_subset(self, universe: DimensionUniverse) -> None:
        full = DataCoordinate.standardize({**VISIT_FULL, "detector": 50}, universe=universe)
        assert full.hasFull()
        sub = full.subset(["physical_filter"])
        assert sub.hasFull()
        assert sub.mapping == {"instrument": "HSC", "physical_filter": "HSC-R", "band": "r"}
        assert full.subset(full.dimensions) is full
        required_only = DataCoordinate.standardize(instrument="HSC", visit=1, detector=50)
        assert required_only.subset(["detector"]).mapping == {"instrument": "HSC", "detector": 50}
        with pytest.raises(DimensionNameError, match="physical_filter"):
            required_only.subset(["physical_filter"])
        with pytest.raises(DimensionNameError, match="skymap"):
            full.subset(["skymap"])

    def test_union(self, universe: DimensionUniverse) -> None:
        visit = DataCoordinate.standardize(VISIT_FULL, universe=universe)
        detector = DataCoordinate.standardize(instrument="HSC", detector=50)
        both = visit.union(detector)
        assert both.hasFull()
        assert both.mapping == {**VISIT_FULL, "detector": 50}
        assert detector.union(visit) == both
        assert visit.union(DataCoordinate.standardize(instrument="HSC")) is visit
        with pytest.raises(InconsistentDataIdError, match="disagree on 'instrument'"):
            visit.union(DataCoordinate.standardize(instrument="DECam", detector=1))
        partial = DataCoordinate.standardize(instrument="HSC", visit=1).union(detector)
        assert not partial.hasFull()
        assert partial.required == {"instrument": "HSC", "detector": 50, "visit": 1}
        skymap = DataCoordinate.standardize(skymap="rings", tract=1)
        assert len(detector.union(skymap)) == 4


def _region() -> ConvexPolygon:
    return ConvexPolygon([UnitVector3d(1, 0, 0), UnitVector3d(0, 1, 0), UnitVector3d(0, 0, 1)])


def _timespan(start: str, end: str) -> Timespan:
    from astropy.time import Time

    return Timespan(Time(start, scale="tai"), Time(end, scale="tai"))


@pytest.fixture
def visit_detector_records(universe: DimensionUniverse) -> dict[str, DimensionRecord | None]:
    def make(element: str, /, **kwargs: Any) -> DimensionRecord:
        return universe[element].RecordClass(**kwargs)

    return {
        "instrument": make("instrument", name="HSC", class_name="HyperSuprimeCam"),
        "band": make("band", name="r"),
        "physical_filter": make("physical_filter", instrument="HSC", name="HSC-R", band="r"),
        "day_obs": make(
            "day_obs",
            instrument="HSC",
            id=20130617,
            timespan=_timespan("2013-06-17T00:00:00", "2013-06-18T00:00:00"),
        ),
        "detector": make("detector", instrument="HSC", id=50, full_name="1_50"),
        "visit": make(
            "visit",
            instrument="HSC",
            id=903334,
            name="v903334",
            physical_filter="HSC-R",
            day_obs=20130617,
            region=_region(),
            timespan=_timespan("2013-06-17T13:00:00", "2013-06-17T13:01:00"),
        ),
        "visit_detector_region": None,
    }


class TestExpanded:
    def test_expand(self, universe: DimensionUniverse, visit_detector_records: Any) -> None:
        data_id = DataCoordinate.standardize({**VISIT_FULL, "detector": 50}, universe=universe)
        expanded = data_id.expanded(visit_detector_records)
        assert expanded.hasRecords()
        assert expanded == data_id
        assert expanded.visit.name == "v903334"
        assert expanded.detector.full_name == "1_50"
        assert expanded.records["band"].name == "r"
        assert expanded.visit_detector_region is None
        # The observation family prefers visit_detector_region, which has no record here.
        assert expanded.region is None
        assert expanded.timespan == visit_detector_records["visit"].timespan
        assert expanded.subset(["visit"]).region == _region()
        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            _ = expanded.nothing
        with pytest.raises(AttributeError, match="has no records"):
            _ = data_id.visit
        with pytest.raises(DimensionError, match="has no records"):
            _ = data_id.records
        with pytest.raises(DimensionError, match="has no records"):
            _ = data_id.region

    def test_expand_errors(self, universe: DimensionUniverse, visit_detector_records: Any) -> None:
        required_only = DataCoordinate.standardize(instrument="HSC", visit=903334, detector=50)
        with pytest.raises(DimensionError, match="implied values"):
            required_only.expanded(visit_detector_records)
        data_id = DataCoordinate.standardize({**VISIT_FULL, "detector": 50}, universe=universe)
        records = dict(visit_detector_records)
        del records["detector"]
        with pytest.raises(DimensionNameError, match="No record given for element 'detector'"):
            data_id.expanded(records)

    def test_subset_and_union_keep_records(
        self, universe: DimensionUniverse, visit_detector_records: Any
    ) -> None:
        data_id = DataCoordinate.standardize({**VISIT_FULL, "detector": 50}, universe=universe)
        expanded = data_id.expanded(visit_detector_records)
        visit = expanded.subset(["visit"])
        assert visit.hasRecords()
        assert set(visit.records) == {"band", "instrument", "day_obs", "physical_filter", "visit"}
        detector = expanded.subset(["detector"])
        # The union lacks no element: visit_detector_region was dropped by both subsets.
        assert not visit.union(detector).hasRecords()
        assert visit.union(expanded.subset(["physical_filter"])).hasRecords()

    def test_round_trip(self, universe: DimensionUniverse, visit_detector_records: Any) -> None:
        data_id = DataCoordinate.standardize({**VISIT_FULL, "detector": 50}, universe=universe)
        expanded = data_id.expanded(visit_detector_records)
        simple = expanded.to_simple()
        assert simple["dataId"] == {**VISIT_FULL, "detector": 50}
        again = DataCoordinate.from_simple(simple, universe=universe)
        assert again == expanded
        assert again.hasRecords()
        assert again.visit == expanded.visit
        assert again.day_obs.timespan == expanded.day_obs.timespan
        assert again.visit.region.encode() == _region().encode()
        minimal = DataCoordinate.from_simple(expanded.to_simple(minimal=True), universe=universe)
        assert minimal.hasFull()
        assert not minimal.hasRecords()
        pickled = pickle.loads(pickle.dumps(expanded))
        assert pickled == expanded
        assert pickled.hasRecords()
        assert pickled.visit == expanded.visit


@pytest.mark.parametrize(
    "mapping",
    [
        {"instrument": "HSC", "detector": 5},
        {"instrument": "HSC", "visit": 1, "detector": 5},
        VISIT_FULL,
        {"skymap": "rings", "tract": 9813, "patch": 42, "band": "i"},
        {"htm7": 1234},
        {},
    ],
    ids=["detector", "visit_detector", "visit_full", "patch_band", "htm7", "empty"],
)
def test_simple_and_pickle_round_trip(universe: DimensionUniverse, mapping: dict[str, Any]) -> None:
    data_id = DataCoordinate.standardize(mapping, universe=universe)
    again = DataCoordinate.from_simple(data_id.to_simple(), universe=universe)
    assert again == data_id
    assert again.mapping == data_id.mapping
    assert again.hasFull() == data_id.hasFull()
    assert pickle.loads(pickle.dumps(data_id)) == data_id
    assert data_id.to_simple() == {"dataId": mapping, "records": None}


# Property tests -----------------------------------------------------------------------------

instruments = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
ids = st.integers(min_value=-(2**62), max_value=2**62)


@given(instrument=instruments, detector=ids, visit=ids)
def test_standardize_forms_agree(instrument: str, detector: int, visit: int) -> None:
    from_kwargs = DataCoordinate.standardize(instrument=instrument, detector=detector, visit=visit)
    from_mapping = DataCoordinate.standardize(
        {"visit": visit, "detector": detector, "instrument": instrument}
    )
    from_numpy = DataCoordinate.standardize(
        instrument=np.str_(instrument), detector=np.int64(detector), visit=np.int64(visit)
    )
    assert from_kwargs == from_mapping == from_numpy
    assert hash(from_kwargs) == hash(from_mapping) == hash(from_numpy)
    assert from_kwargs.required == {"instrument": instrument, "detector": detector, "visit": visit}
    again = DataCoordinate.from_simple(from_kwargs.to_simple())
    assert again == from_kwargs
    assert hash(again) == hash(from_kwargs)


@given(a=st.tuples(instruments, ids), b=st.tuples(instruments, ids))
def test_equality_matches_values(a: tuple[str, int], b: tuple[str, int]) -> None:
    da = DataCoordinate.standardize(instrument=a[0], detector=a[1])
    db = DataCoordinate.standardize(instrument=b[0], detector=b[1])
    assert (da == db) == (a == b)
    if da == db:
        assert hash(da) == hash(db)
    assert (da < db) == (a < b)


@given(
    instrument=instruments,
    visit=ids,
    band=st.sampled_from(["g", "r", "i"]),
    day_obs=st.integers(min_value=19700101, max_value=21001231),
)
def test_full_and_required_only_agree(instrument: str, visit: int, band: str, day_obs: int) -> None:
    full = DataCoordinate.standardize(
        instrument=instrument,
        visit=visit,
        physical_filter=f"{instrument}-{band}",
        band=band,
        day_obs=day_obs,
    )
    required = DataCoordinate.standardize(instrument=instrument, visit=visit)
    assert full.hasFull()
    assert not required.hasFull()
    assert full == required
    assert hash(full) == hash(required)
    assert full.subset(["physical_filter"])["band"] == band
