"""DimensionGroup: expansion, required vs implied, set operations, caching."""

from __future__ import annotations

import pickle

import pytest

from skybutler.daf_butler.dimensions import DimensionGroup, DimensionUniverse
from skybutler.daf_butler.errors import DimensionError, DimensionNameError


def test_expansion_and_order(universe: DimensionUniverse) -> None:
    group = universe.conform(["visit"])
    # visit requires instrument and implies physical_filter (which implies band) and day_obs.
    assert set(group.names) == {"instrument", "visit", "physical_filter", "band", "day_obs"}
    assert list(group.names) == ["band", "instrument", "day_obs", "physical_filter", "visit"]
    assert list(group.required) == ["instrument", "visit"]
    assert list(group.implied) == ["band", "day_obs", "physical_filter"]
    assert list(group.data_coordinate_keys) == [
        "instrument",
        "visit",
        "band",
        "day_obs",
        "physical_filter",
    ]


def test_required_or_implied_depends_on_group(universe: DimensionUniverse) -> None:
    alone = universe.conform(["physical_filter"])
    assert list(alone.required) == ["instrument", "physical_filter"]
    assert list(alone.implied) == ["band"]
    with_visit = universe.conform(["physical_filter", "visit"])
    assert "physical_filter" in with_visit.implied
    assert "physical_filter" not in with_visit.required
    band = universe.conform(["band"])
    assert list(band.required) == ["band"]
    assert not band.implied


def test_transitive_requirements(universe: DimensionUniverse) -> None:
    group = universe.conform(["patch"])
    assert list(group.names) == ["skymap", "tract", "patch"]
    assert list(group.required) == ["skymap", "tract", "patch"]
    assert list(group.governors) == ["skymap"]
    assert list(group.elements) == ["skymap", "tract", "patch"]


def test_elements_include_combinations(universe: DimensionUniverse) -> None:
    group = universe.conform(["visit", "detector", "exposure"])
    assert "visit_detector_region" in group.elements
    assert "visit_definition" in group.elements
    assert "visit_system_membership" not in group.elements
    assert list(group.elements) == [
        e for e in universe.getStaticElements().names if e in set(group.elements)
    ]


def test_families(universe: DimensionUniverse) -> None:
    group = universe.conform(["visit", "detector"])
    assert list(group.spatial.names) == ["observation_regions"]
    assert list(group.temporal.names) == ["observation_timespans"]
    assert group.region_dimension == "visit_detector_region"
    assert group.timespan_dimension == "visit"
    both = universe.conform(["visit", "patch", "htm7", "htm9"])
    assert set(both.spatial.names) == {"observation_regions", "skymap_regions", "htm"}
    assert list(both.skypix) == ["htm7", "htm9"]
    assert both.spatial["htm"].choose(both).name == "htm9"
    assert both.region_dimension is None
    assert universe.empty.region_dimension is None
    exposure = universe.conform(["exposure"])
    assert exposure.temporal["observation_timespans"].choose(exposure).name == "exposure"


def test_lookup_order(universe: DimensionUniverse) -> None:
    group = universe.conform(["visit", "detector"])
    order = group.lookup_order
    assert set(order) == set(group.elements)
    # Every element comes after one that supplies each of its implied-only keys.
    known = set(group.required)
    for name in order:
        element = universe[name]
        assert set(element.required.names) <= known
        known |= set(element.implied.names)
    assert order.index("visit") < order.index("physical_filter") < order.index("band")


def test_caching(universe: DimensionUniverse) -> None:
    a = universe.conform(["visit", "detector"])
    assert DimensionGroup(universe, ["detector", "visit"]) is a
    assert DimensionGroup(universe, ("detector", "visit", "instrument")) is a
    assert universe.conform(a.names) is a
    assert universe.conform(a) is a
    assert universe.conform("visit") is universe.conform(["visit"])
    assert DimensionGroup(universe, [universe["visit"], universe["detector"]]) is a


def test_unknown_names(universe: DimensionUniverse) -> None:
    with pytest.raises(DimensionNameError, match="'visitt'"):
        universe.conform(["visitt"])
    with pytest.raises(DimensionNameError, match="'visit_detector_region' is a dimension element"):
        universe.conform(["visit_detector_region"])


def test_set_operations(universe: DimensionUniverse) -> None:
    visit = universe.conform(["visit"])
    detector = universe.conform(["detector"])
    union = visit | detector
    assert union == universe.conform(["visit", "detector"])
    assert union == visit.union(["detector"])
    assert visit.union() is visit
    assert (union & detector) == detector
    assert visit.intersection(detector) == universe.conform(["instrument"])
    assert detector.issubset(union)
    assert detector <= union
    assert detector < union
    assert not union < union
    assert union >= visit
    assert union > visit
    assert union.issuperset(["visit"])
    assert universe.conform(["skymap"]).isdisjoint(visit)
    assert "visit" in union
    assert "patch" not in union
    assert len(union) == len(list(union)) == 6  # instrument, visit, detector + 3 implied
    assert universe.empty.issubset(visit)
    assert len(universe.empty) == 0


def test_different_universes_do_not_mix(
    universe: DimensionUniverse, spectro_universe: DimensionUniverse
) -> None:
    with pytest.raises(DimensionError, match="different universes"):
        universe.conform(["instrument"]).union(spectro_universe.conform(["telescope"]))


def test_str_repr_hash(universe: DimensionUniverse) -> None:
    group = universe.conform(["detector"])
    assert str(group) == "{instrument, detector}"
    assert repr(group) == "DimensionGroup({instrument, detector})"
    assert hash(group) == hash(universe.conform(["instrument", "detector"]))
    assert group != universe.conform(["instrument"])
    assert group != {"instrument", "detector"}
    assert group.names == {"instrument", "detector"}


@pytest.mark.parametrize(
    "names",
    [[], ["instrument"], ["visit", "detector"], ["patch", "band"], ["htm7", "exposure"]],
    ids=["empty", "governor", "visit_detector", "patch_band", "skypix_exposure"],
)
def test_round_trips(universe: DimensionUniverse, names: list[str]) -> None:
    group = universe.conform(names)
    assert DimensionGroup.from_simple(group.to_simple(), universe) is group
    assert universe.conform(list(group.names)) is group
    assert universe.conform(list(group.required)) is group
    assert pickle.loads(pickle.dumps(group)) is group
    assert group.as_group() is group
