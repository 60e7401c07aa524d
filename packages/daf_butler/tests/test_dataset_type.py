"""DatasetType: names, components, storage classes, equality and serialization."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler._lookup_key import LookupKey
from skybutler.daf_butler._storage_class import StorageClass
from skybutler.daf_butler._storage_class_factory import StorageClassFactory
from skybutler.daf_butler.dimensions import DimensionUniverse
from skybutler.daf_butler.errors import DatasetTypeError, MissingStorageClassError


@pytest.fixture(scope="module")
def universe() -> DimensionUniverse:
    return DimensionUniverse()


@pytest.fixture
def sc() -> dict[str, StorageClass]:
    """Storage classes for these tests, registered under names no config uses."""
    part = StorageClass("SkyTestPart", pytype=list)
    count = StorageClass("SkyTestCount", pytype=int)
    classes = {
        "part": part,
        "count": count,
        "composite": StorageClass(
            "SkyTestComposite",
            pytype=dict,
            components={"alpha": part, "beta": part},
            derivedComponents={"count": count},
        ),
        "dict": StorageClass("SkyTestDict", pytype=dict),
        "mapping": StorageClass("SkyTestMapping", pytype="collections.abc.Mapping"),
        "base": StorageClass("SkyTestBase", pytype=dict),
    }
    classes["child"] = StorageClass("SkyTestChild", inheritsFrom=classes["base"])
    factory = StorageClassFactory()
    for storage_class in classes.values():
        factory.registerStorageClass(storage_class)
    return classes


def test_construction(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    dt = DatasetType("calexp", ["instrument", "visit", "detector"], sc["dict"], universe=universe)
    assert dt.name == "calexp"
    assert dt.dimensions == universe.conform(["visit", "detector"])
    assert dt.storageClass is sc["dict"]
    assert dt.storageClass_name == "SkyTestDict"
    assert not dt.isCalibration()
    assert not dt.isComponent()
    assert dt.parentStorageClass is None
    assert repr(dt) == (
        "DatasetType('calexp', {band, instrument, day_obs, detector, physical_filter, visit}, "
        "SkyTestDict)"
    )
    same = DatasetType("calexp", dt.dimensions, "SkyTestDict")
    assert same == dt
    assert hash(same) == hash(dt)
    flat = DatasetType("flat", ["instrument", "detector"], "SkyTestDict", isCalibration=True)
    assert flat.isCalibration()
    assert repr(flat).endswith("SkyTestDict, isCalibration=True)")


def test_lazy_storage_class(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    dt = DatasetType("a", [], "SkyTestComposite", universe=universe)
    assert dt.storageClass == sc["composite"]
    missing = DatasetType("b", [], "NoSuchStorageClassAnywhere", universe=universe)
    assert missing.storageClass_name == "NoSuchStorageClassAnywhere"
    with pytest.raises(MissingStorageClassError, match="NoSuchStorageClassAnywhere"):
        _ = missing.storageClass


@pytest.mark.parametrize(
    "name",
    ["1abc", "a..b", "a-b", "", ".a", "a.", "a b", "calexp.1"],
    ids=[
        "digit",
        "double_dot",
        "dash",
        "empty",
        "leading_dot",
        "trailing_dot",
        "space",
        "digit_component",
    ],
)
def test_bad_names(name: str) -> None:
    with pytest.raises(DatasetTypeError, match=r"must match \^\[a-zA-Z_\]") as info:
        DatasetType(name, [], "SkyTestDict")
    assert repr(name) in str(info.value)


def test_component_names() -> None:
    assert DatasetType.splitDatasetTypeName("a.b.c") == ("a", "b.c")
    assert DatasetType.splitDatasetTypeName("calexp") == ("calexp", None)
    assert DatasetType.nameWithComponent("calexp", "wcs") == "calexp.wcs"
    dt = DatasetType("a.b.c", [], "SkyTestPart", parentStorageClass="SkyTestComposite")
    assert dt.isComponent()
    assert dt.nameAndComponent() == ("a", "b.c")
    assert dt.component() == "b.c"


def test_parent_storage_class_rules() -> None:
    with pytest.raises(DatasetTypeError, match="needs the storage class of its composite"):
        DatasetType("calexp.wcs", [], "SkyTestPart")
    with pytest.raises(DatasetTypeError, match="not a component"):
        DatasetType("calexp", [], "SkyTestPart", parentStorageClass="SkyTestComposite")
    with pytest.raises(DatasetTypeError, match="StorageClass or its name"):
        DatasetType("calexp", [], 42)  # type: ignore[arg-type]


def test_components(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    composite = DatasetType(
        "deep", ["skymap", "tract"], sc["composite"], universe=universe, isCalibration=True
    )
    assert composite.isComposite()
    assert not DatasetType("x", [], sc["dict"]).isComposite()
    assert composite.componentTypeName("alpha") == "deep.alpha"
    with pytest.raises(
        DatasetTypeError, match=r"no component 'gamma'.*\['alpha', 'beta', 'count'\]"
    ):
        composite.componentTypeName("gamma")
    alpha = composite.makeComponentDatasetType("alpha")
    assert alpha.name == "deep.alpha"
    assert alpha.storageClass is sc["part"]
    assert alpha.parentStorageClass is sc["composite"]
    assert alpha.parentStorageClass_name == "SkyTestComposite"
    assert alpha.dimensions == composite.dimensions
    assert alpha.isCalibration()
    assert "parentStorageClass=SkyTestComposite" in repr(alpha)
    assert alpha.makeCompositeDatasetType() == composite
    with pytest.raises(DatasetTypeError, match="is not a component"):
        composite.makeCompositeDatasetType()
    names = sorted(d.name for d in composite.makeAllComponentDatasetTypes())
    assert names == ["deep.alpha", "deep.beta", "deep.count"]
    assert DatasetType("x", [], sc["dict"]).makeAllComponentDatasetTypes() == []


def test_equality(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    base = DatasetType("a", ["instrument"], "SkyTestDict", universe=universe)
    variants = [
        DatasetType("b", ["instrument"], "SkyTestDict", universe=universe),
        DatasetType("a", ["skymap"], "SkyTestDict", universe=universe),
        DatasetType("a", ["instrument"], "SkyTestMapping", universe=universe),
        DatasetType("a", ["instrument"], "SkyTestDict", universe=universe, isCalibration=True),
    ]
    for variant in variants:
        assert variant != base
    a1 = DatasetType("a.alpha", [], "SkyTestPart", parentStorageClass="SkyTestComposite")
    a2 = DatasetType("a.alpha", [], "SkyTestPart", parentStorageClass="SkyTestDict")
    assert a1 != a2
    assert base != "a"
    assert sorted([variants[0], base]) == [base, variants[0]]


def test_compatibility(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    as_dict = DatasetType("a", ["instrument"], sc["dict"], universe=universe)
    as_mapping = DatasetType("a", ["instrument"], sc["mapping"], universe=universe)
    # A dict is a Mapping: dict data can be used where Mapping data is expected.
    assert as_mapping.is_compatible_with(as_dict)
    assert not as_dict.is_compatible_with(as_mapping)
    assert as_dict.is_compatible_with(as_dict)
    renamed = DatasetType("b", ["instrument"], sc["dict"], universe=universe)
    assert not as_mapping.is_compatible_with(renamed)
    unknown = DatasetType("a", ["instrument"], "NoSuchStorageClassAnywhere", universe=universe)
    assert not as_mapping.is_compatible_with(unknown)


def test_override_storage_class(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    as_dict = DatasetType("a", ["instrument"], sc["dict"], universe=universe, isCalibration=True)
    as_mapping = as_dict.overrideStorageClass("SkyTestMapping")
    assert as_mapping.storageClass_name == "SkyTestMapping"
    assert as_mapping.isCalibration()
    assert as_mapping.dimensions == as_dict.dimensions
    assert as_dict.overrideStorageClass(sc["dict"]) is as_dict
    with pytest.raises(DatasetTypeError, match="'SkyTestPart' is not compatible"):
        as_dict.overrideStorageClass("SkyTestPart")
    component = DatasetType(
        "c.alpha", [], sc["part"], parentStorageClass=sc["composite"], universe=universe
    )
    assert component.overrideStorageClass("SkyTestPart") is component


@pytest.mark.parametrize(
    "kwargs",
    [
        {
            "name": "raw",
            "dimensions": ["instrument", "exposure", "detector"],
            "storageClass": "SkyTestDict",
        },
        {
            "name": "flat",
            "dimensions": ["instrument", "detector", "physical_filter"],
            "storageClass": "SkyTestDict",
            "isCalibration": True,
        },
        {
            "name": "deep.alpha",
            "dimensions": ["skymap", "tract", "patch", "band"],
            "storageClass": "SkyTestPart",
            "parentStorageClass": "SkyTestComposite",
        },
        {"name": "summary", "dimensions": [], "storageClass": "SkyTestDict"},
    ],
    ids=["raw", "calibration", "component", "no_dimensions"],
)
def test_round_trips(
    universe: DimensionUniverse, sc: dict[str, StorageClass], kwargs: dict[str, Any]
) -> None:
    dt = DatasetType(universe=universe, **kwargs)
    simple = dt.to_simple()
    assert set(simple) == {
        "name",
        "storageClass",
        "dimensions",
        "parentStorageClass",
        "isCalibration",
    }
    assert simple["dimensions"] == list(dt.dimensions.names)
    assert DatasetType.from_simple(json.loads(json.dumps(simple)), universe=universe) == dt
    assert DatasetType.from_simple(simple) == dt
    assert pickle.loads(pickle.dumps(dt)) == dt


def test_minimal_simple_form(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    dt = DatasetType("raw", ["instrument", "detector"], "SkyTestDict", universe=universe)
    assert dt.to_simple(minimal=True) == {"name": "raw"}
    with pytest.raises(DatasetTypeError, match="pass a registry"):
        DatasetType.from_simple({"name": "raw"})

    class FakeRegistry:
        dimensions = universe

        def getDatasetType(self, name: str) -> DatasetType:
            assert name == "raw"
            return dt

    assert DatasetType.from_simple({"name": "raw"}, registry=FakeRegistry()) is dt


def test_lookup_names(universe: DimensionUniverse, sc: dict[str, StorageClass]) -> None:
    dt = DatasetType(
        "deep.alpha",
        ["skymap", "tract"],
        sc["child"],
        parentStorageClass=sc["composite"],
        universe=universe,
    )
    keys = dt._lookupNames()
    assert keys == (
        LookupKey(name="deep.alpha"),
        LookupKey(name="deep"),
        LookupKey(dimensions=universe.conform(["skymap", "tract"])),
        LookupKey(name="SkyTestChild"),
        LookupKey(name="SkyTestBase"),
        LookupKey(name="SkyTestComposite"),
    )
    assert str(keys[2]) == "skymap+tract"
    plain = DatasetType("summary", [], "NoSuchStorageClassAnywhere", universe=universe)
    assert [str(k) for k in plain._lookupNames()] == ["summary", "NoSuchStorageClassAnywhere"]


def test_lookup_key(universe: DimensionUniverse) -> None:
    key = LookupKey(name="calexp")
    scoped = key.clone(dataId={"instrument": "HSC"})
    assert scoped != key
    assert scoped.dataId == {"instrument": "HSC"}
    assert str(scoped) == "calexp (instrument<HSC>)"
    assert hash(scoped) == hash(LookupKey("calexp", dataId={"instrument": "HSC"}))
    dims = LookupKey(dimensions=["visit"], universe=universe)
    assert dims.dimensions == universe.conform(["visit"])
    assert dims.name is None
    with pytest.raises(ValueError, match="exactly one"):
        LookupKey()
