"""Column specs, named sets and topological families."""

from __future__ import annotations

import uuid

import pytest
from astropy.time import Time

from skybutler.daf_butler._timespan import Timespan
from skybutler.daf_butler.dimensions import (
    COLUMN_TYPES,
    ColumnSpec,
    DimensionUniverse,
    NamedValueAbstractSet,
    SkyPixSystem,
    SortedSequenceSet,
)
from skybutler.daf_butler.sphgeom import Circle, Region, UnitVector3d


def test_column_types() -> None:
    assert COLUMN_TYPES == (
        "int",
        "string",
        "hash",
        "float",
        "bool",
        "uuid",
        "region",
        "timespan",
        "datetime",
    )


@pytest.mark.parametrize(
    ("spec", "pytype", "value", "simple"),
    [
        (ColumnSpec("n", "int"), int, 3, 3),
        (ColumnSpec("s", "string", length=4), str, "abc", "abc"),
        (ColumnSpec("h", "hash", nbytes=2), bytes, b"\x01\xff", "01ff"),
        (ColumnSpec("f", "float"), float, 1.5, 1.5),
        (ColumnSpec("b", "bool"), bool, True, True),
        (ColumnSpec("u", "uuid"), uuid.UUID, uuid.UUID(int=7), str(uuid.UUID(int=7))),
        (
            ColumnSpec("t", "timespan"),
            Timespan,
            Timespan(None, Time("2020-01-01", scale="tai")),
            None,
        ),
        (ColumnSpec("d", "datetime"), Time, Time("2020-01-01T00:00:00", scale="tai"), None),
        (ColumnSpec("r", "region"), Region, Circle(UnitVector3d(1, 0, 0)), None),
    ],
    ids=lambda v: v.type if isinstance(v, ColumnSpec) else "",
)
def test_column_spec_values(spec: ColumnSpec, pytype: type, value: object, simple: object) -> None:
    assert spec.pytype is pytype
    convert = spec.make_converter()
    assert convert(value) is value or convert(value) == value
    assert convert(None) is None
    as_simple = spec.to_simple_value(value)
    if simple is not None:
        assert as_simple == simple
    back = convert(spec.from_simple_value(as_simple))
    if spec.type == "region":
        assert back.encode() == value.encode()  # type: ignore[attr-defined]
    elif spec.type == "datetime":
        assert abs((back - value).to_value("s")) < 1e-9  # type: ignore[operator]
    else:
        assert back == value
    assert spec.to_simple_value(None) is None
    assert spec.from_simple_value(None) is None


def test_column_spec_config() -> None:
    spec = ColumnSpec("name", "string", doc="A name.", nullable=False, length=8)
    assert spec.to_config() == {
        "name": "name",
        "type": "string",
        "length": 8,
        "doc": "A name.",
        "nullable": False,
    }
    assert ColumnSpec("h", "hash", nbytes=4).to_config() == {
        "name": "h",
        "type": "hash",
        "nbytes": 4,
        "nullable": True,
    }
    renamed = spec.renamed("instrument")
    assert (renamed.name, renamed.type, renamed.length, renamed.nullable) == (
        "instrument",
        "string",
        8,
        False,
    )


def test_uuid_converter_rejects_garbage() -> None:
    from skybutler.daf_butler.dimensions._column_spec import ColumnValueError

    convert = ColumnSpec("u", "uuid").make_converter()
    with pytest.raises(ColumnValueError, match="expected a UUID"):
        convert("not-a-uuid")
    with pytest.raises(ColumnValueError, match="expected an astropy Time"):
        ColumnSpec("d", "datetime").make_converter()("2020-01-01")


def test_sorted_sequence_set() -> None:
    names = SortedSequenceSet(["b", "a", "c"])
    assert list(names) == ["b", "a", "c"]
    assert names[0] == "b"
    assert names[1:] == ("a", "c")
    assert names.index("c") == 2
    assert names == {"a", "b", "c"}
    assert names == SortedSequenceSet(["c", "b", "a"])
    assert names != ["b", "a", "c"]
    assert hash(names) == hash(frozenset("abc"))
    assert names & {"a", "z"} == {"a"}
    assert names | {"z"} == {"a", "b", "c", "z"}
    assert repr(names) == "{b, a, c}"
    assert "a" in names
    assert "z" not in names


def test_named_value_set(universe: DimensionUniverse) -> None:
    elements = NamedValueAbstractSet([universe["visit"], universe["instrument"]])
    assert list(elements.names) == ["visit", "instrument"]
    assert elements["visit"] is universe["visit"]
    assert elements[universe["instrument"]] is universe["instrument"]
    assert elements.get("nope") is None
    assert elements.get(universe["visit"]) is universe["visit"]
    assert "visit" in elements
    assert universe["visit"] in elements
    assert universe["detector"] not in elements
    assert 5 not in elements
    assert elements == NamedValueAbstractSet([universe["instrument"], universe["visit"]])
    assert elements == {universe["visit"], universe["instrument"]}
    assert elements != 5
    assert hash(elements) == hash(frozenset({"visit", "instrument"}))
    assert dict(elements.as_mapping()) == {
        "visit": universe["visit"],
        "instrument": universe["instrument"],
    }
    assert repr(elements) == "{visit, instrument}"
    assert (elements - {universe["visit"]}) == {universe["instrument"]}


def test_families(universe: DimensionUniverse) -> None:
    family = universe.spatial_families["observation_regions"]
    assert repr(family) == (
        "DatabaseTopologicalFamily('observation_regions', ['visit_detector_region', 'visit'])"
    )
    assert family.governor == universe["instrument"]
    assert family == universe["visit"].spatial
    assert family != universe.spatial_families["skymap_regions"]
    assert family != "observation_regions"
    assert hash(family) == hash(universe["visit"].spatial)
    with pytest.raises(LookupError, match="observation_regions"):
        family.choose(universe.conform(["skymap"]))
    htm = universe.skypix["htm"]
    assert isinstance(htm, SkyPixSystem)
    assert htm.class_name == "HtmPixelization"
    with pytest.raises(LookupError, match="htm"):
        htm.choose(universe.conform(["visit"]))


def test_unknown_pixelization(minimal_config: object) -> None:
    config = minimal_config()  # type: ignore[operator]
    config["skypix"]["q3c"] = {"class": "lsst.sphgeom.Q3cPixelization", "max_level": 2}
    universe = DimensionUniverse(config)
    with pytest.raises(LookupError, match="Q3cPixelization"):
        _ = universe["q3c1"].pixelization
