"""DimensionRecord classes: fields, validation, timespan forms, serialization."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest
from astropy.time import Time

from skybutler.daf_butler._timespan import Timespan, time_to_nsec
from skybutler.daf_butler.dimensions import DataCoordinate, DimensionRecord, DimensionUniverse
from skybutler.daf_butler.errors import DimensionNameError, DimensionValueError
from skybutler.daf_butler.sphgeom import ConvexPolygon, Region, UnitVector3d

BEGIN = Time("2013-06-17 13:34:45.775", scale="tai")
END = Time("2013-06-17 13:35:17.947", scale="tai")


def _region() -> ConvexPolygon:
    return ConvexPolygon([UnitVector3d(1, 0, 0), UnitVector3d(0, 1, 0), UnitVector3d(0, 0, 1)])


def _exposure(universe: DimensionUniverse, **overrides: Any) -> DimensionRecord:
    values: dict[str, Any] = {
        "instrument": "HSC",
        "id": 903334,
        "physical_filter": "HSC-R",
        "group": "g1",
        "day_obs": 20130617,
        "obs_id": "HSCA90333400",
        "exposure_time": 30.0,
        "observation_type": "science",
        "seq_num": 12,
        "has_simulated": False,
        "can_see_sky": True,
        "timespan": Timespan(BEGIN, END),
    }
    values.update(overrides)
    return universe["exposure"].RecordClass(**values)


def test_field_order(universe: DimensionUniverse) -> None:
    assert universe["instrument"].RecordClass.fields.names == (
        "name",
        "visit_max",
        "visit_system",
        "exposure_max",
        "detector_max",
        "class_name",
    )
    assert universe["detector"].RecordClass.fields.names == (
        "instrument",
        "id",
        "full_name",
        "name_in_raft",
        "raft",
        "purpose",
    )
    assert universe["patch"].RecordClass.fields.names == (
        "skymap",
        "tract",
        "id",
        "cell_x",
        "cell_y",
        "region",
    )
    assert universe["visit_detector_region"].RecordClass.fields.names == (
        "instrument",
        "detector",
        "visit",
        "region",
    )
    visit = universe["visit"].RecordClass.fields
    assert visit.names[:4] == ("instrument", "id", "day_obs", "physical_filter")
    assert visit.names[-2:] == ("region", "timespan")
    assert list(visit.required.names) == ["instrument", "id"]
    assert list(visit.implied.names) == ["day_obs", "physical_filter"]
    assert universe["htm7"].RecordClass.fields.names == ("id", "region")


def test_record_class_is_cached_and_named(universe: DimensionUniverse) -> None:
    record_class = universe["visit"].RecordClass
    assert universe["visit"].RecordClass is record_class
    assert record_class.__name__ == "visit.RecordClass"
    assert issubclass(record_class, DimensionRecord)
    assert record_class.definition is universe["visit"]


def test_construct_and_access(universe: DimensionUniverse) -> None:
    record = _exposure(universe, seq_num=np.int32(12), exposure_time=30)
    assert record.id == 903334
    assert type(record.seq_num) is int
    assert type(record.exposure_time) is float
    assert record.dark_time is None
    assert record.timespan == Timespan(BEGIN, END)
    assert record.dataId == DataCoordinate.standardize(instrument="HSC", exposure=903334)


def test_primary_key_alias(universe: DimensionUniverse) -> None:
    detector = universe["detector"].RecordClass
    a = detector(instrument="HSC", detector=5, full_name="1_05")
    b = detector(instrument="HSC", id=5, full_name="1_05")
    assert a == b
    assert a.id == 5
    with pytest.raises(DimensionValueError, match="detector=5 and id=6"):
        detector(instrument="HSC", detector=5, id=6, full_name="x")


def test_data_id(universe: DimensionUniverse) -> None:
    physical_filter = universe["physical_filter"].RecordClass(
        instrument="HSC", name="HSC-R", band="r"
    )
    data_id = physical_filter.dataId
    assert data_id.hasFull()
    assert data_id.mapping == {"instrument": "HSC", "physical_filter": "HSC-R", "band": "r"}
    vdr = universe["visit_detector_region"].RecordClass(
        instrument="HSC", visit=1, detector=2, region=_region()
    )
    assert vdr.dataId.required == {"instrument": "HSC", "detector": 2, "visit": 1}
    assert not vdr.dataId.hasFull()


def test_split_timespan(universe: DimensionUniverse) -> None:
    record = _exposure(universe)
    plain = record.toDict()
    assert plain["timespan"] == Timespan(BEGIN, END)
    split = record.toDict(splitTimespan=True)
    assert "timespan" not in split
    assert list(split)[-2:] == ["datetime_begin", "datetime_end"]
    assert time_to_nsec(split["datetime_begin"]) == time_to_nsec(BEGIN)
    assert time_to_nsec(split["datetime_end"]) == time_to_nsec(END)
    assert type(record).fromDict(split) == record
    assert type(record).fromDict(plain) == record
    unbounded = _exposure(universe, timespan=Timespan(BEGIN, None))
    assert unbounded.toDict(splitTimespan=True)["datetime_end"] is None
    assert type(record).fromDict(unbounded.toDict(splitTimespan=True)) == unbounded
    no_time = _exposure(universe, timespan=None)
    assert no_time.toDict(splitTimespan=True)["datetime_begin"] is None
    with pytest.raises(DimensionValueError, match="both 'timespan' and 'datetime_begin'"):
        _exposure(universe, datetime_begin=BEGIN)


def test_region(universe: DimensionUniverse) -> None:
    vdr_class = universe["visit_detector_region"].RecordClass
    record = vdr_class(instrument="HSC", visit=1, detector=2, region=_region())
    assert isinstance(record.region, Region)
    from_bytes = vdr_class(instrument="HSC", visit=1, detector=2, region=_region().encode())
    assert from_bytes == record
    with pytest.raises(DimensionValueError, match=r"'region'.*do not hold an encoded region"):
        vdr_class(instrument="HSC", visit=1, detector=2, region=b"\x00garbage")
    with pytest.raises(DimensionValueError, match=r"'region'.*expected a sphgeom Region"):
        vdr_class(instrument="HSC", visit=1, detector=2, region="square")


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"id": "903334"}, r"field 'id' of a exposure record: expected an int, got '903334'"),
        ({"exposure_time": "long"}, r"'exposure_time'.*expected a float"),
        ({"obs_id": 5}, r"'obs_id'.*expected a str, got 5 \(int\)"),
        ({"obs_id": "x" * 65}, r"'obs_id'.*65 characters; at most 64"),
        ({"has_simulated": "no"}, r"'has_simulated'.*expected a bool"),
        ({"timespan": (1, 2)}, r"'timespan'.*expected a Timespan"),
        ({"instrument": None}, r"'instrument'.*a value is required"),
        ({"physical_filter": None}, r"'physical_filter'.*a value is required"),
        ({"id": True}, r"'id'.*expected an int, got True"),
    ],
    ids=[
        "str_for_int",
        "str_for_float",
        "int_for_str",
        "too_long",
        "str_for_bool",
        "tuple_for_timespan",
        "missing_required",
        "missing_implied",
        "bool_for_int",
    ],
)
def test_wrong_types(universe: DimensionUniverse, overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(DimensionValueError, match=pattern):
        _exposure(universe, **overrides)


def test_other_value_checks(universe: DimensionUniverse) -> None:
    skymap = universe["skymap"].RecordClass
    record = skymap(name="rings", hash=bytearray(b"\x01" * 20), tract_max=10)
    assert record.hash == b"\x01" * 20
    with pytest.raises(DimensionValueError, match=r"'hash'.*41 bytes exceeds the 40"):
        skymap(name="rings", hash=b"\x01" * 41)
    with pytest.raises(DimensionValueError, match=r"'hash'.*expected bytes"):
        skymap(name="rings", hash="0101")
    patch = universe["patch"].RecordClass
    with pytest.raises(DimensionValueError, match=r"'cell_x'.*a value is required"):
        patch(skymap="rings", tract=1, id=2, cell_y=0)
    exposure = _exposure(universe, has_simulated=1, can_see_sky=np.bool_(False))
    assert exposure.has_simulated is True
    assert exposure.can_see_sky is False


def test_unknown_field(universe: DimensionUniverse) -> None:
    with pytest.raises(DimensionNameError, match=r"Unknown field\(s\) colour for a band record"):
        universe["band"].RecordClass(name="r", colour="red")


def test_immutable(universe: DimensionUniverse) -> None:
    record = universe["band"].RecordClass(name="r")
    with pytest.raises(AttributeError, match="immutable"):
        record.name = "g"  # type: ignore[misc]


def test_equality_and_hash(universe: DimensionUniverse) -> None:
    a = _exposure(universe)
    b = _exposure(universe)
    c = _exposure(universe, seq_num=13)
    assert a == b
    assert hash(a) == hash(b)
    assert a != c
    assert hash(a) == hash(c)  # hash on the data ID only
    assert a != universe["band"].RecordClass(name="r")
    assert a != "exposure"


def test_repr(universe: DimensionUniverse) -> None:
    record = universe["physical_filter"].RecordClass(instrument="HSC", name="HSC-R", band="r")
    assert repr(record) == ("physical_filter.RecordClass(instrument='HSC', name='HSC-R', band='r')")


@pytest.mark.parametrize(
    "element", ["exposure", "visit_detector_region", "skymap", "band"], ids=str
)
def test_round_trips(universe: DimensionUniverse, element: str) -> None:
    records = {
        "exposure": lambda: _exposure(universe),
        "visit_detector_region": lambda: universe["visit_detector_region"].RecordClass(
            instrument="HSC", visit=1, detector=2, region=_region()
        ),
        "skymap": lambda: universe["skymap"].RecordClass(
            name="rings", hash=b"\x00\xff" * 10, tract_max=1, patch_nx_max=9, patch_ny_max=9
        ),
        "band": lambda: universe["band"].RecordClass(name="r"),
    }
    record = records[element]()
    simple = record.to_simple()
    assert simple["definition"] == element
    import json

    json.dumps(simple)  # JSON-compatible
    assert DimensionRecord.from_simple(simple, universe) == record
    assert DimensionRecord.from_simple(json.loads(json.dumps(simple))) == record
    assert type(record).fromDict(record.toDict()) == record
    assert type(record).fromDict(record.toDict(splitTimespan=True)) == record
    assert pickle.loads(pickle.dumps(record)) == record


def test_simple_form_values(universe: DimensionUniverse) -> None:
    simple = _exposure(universe).to_simple()["record"]
    assert simple["timespan"] == list(Timespan(BEGIN, END).nsec)
    vdr = universe["visit_detector_region"].RecordClass(
        instrument="HSC", visit=1, detector=2, region=_region()
    )
    assert vdr.to_simple()["record"]["region"] == _region().encode().hex()
