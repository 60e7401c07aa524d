"""The default universe matches upstream's version 8; other universes load too."""

from __future__ import annotations

import copy
import logging
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

from skybutler.daf_butler.dimensions import (
    Dimension,
    DimensionCombination,
    DimensionUniverse,
    GovernorDimension,
    SkyPixDimension,
    TopologicalSpace,
)
from skybutler.daf_butler.errors import DimensionConfigError, DimensionNameError

# §1.2 of the spec, typed in by hand: keys (PK first), requires (as configured),
# implies, metadata, spatial, temporal, flags.
S, INT, F, B, H = "string", "int", "float", "bool", "hash"
V8: dict[str, dict[str, Any]] = {
    "instrument": {
        "keys": [("name", S, 32)],
        "metadata": [
            ("visit_max", INT, None),
            ("visit_system", INT, None),
            ("exposure_max", INT, None),
            ("detector_max", INT, None),
            ("class_name", S, 64),
        ],
        "governor": True,
        "cached": True,
    },
    "band": {"keys": [("name", S, 32)], "cached": True, "union_of": "physical_filter"},
    "physical_filter": {
        "keys": [("name", S, 32)],
        "requires": ["instrument"],
        "implies": ["band"],
        "cached": True,
    },
    "subfilter": {"keys": [("id", INT, None)], "requires": ["band"], "cached": True},
    "detector": {
        "keys": [("id", INT, None), ("full_name", S, 32)],
        "requires": ["instrument"],
        "metadata": [("name_in_raft", S, 32), ("raft", S, 32), ("purpose", S, 32)],
        "cached": True,
    },
    "group": {"keys": [("name", S, 64)], "requires": ["instrument"]},
    "day_obs": {"keys": [("id", INT, None)], "requires": ["instrument"], "temporal": True},
    "visit": {
        "keys": [("id", INT, None), ("name", S, 64)],
        "requires": ["instrument"],
        "implies": ["physical_filter", "day_obs"],
        "metadata": [
            ("seq_num", INT, None),
            ("exposure_time", F, None),
            ("target_name", S, 64),
            ("observation_reason", S, 68),
            ("science_program", S, 64),
            ("azimuth", F, None),
            ("zenith_angle", F, None),
        ],
        "spatial": True,
        "temporal": True,
    },
    "exposure": {
        "keys": [("id", INT, None), ("obs_id", S, 64)],
        "requires": ["instrument"],
        "implies": ["physical_filter", "group", "day_obs"],
        "metadata": [
            ("exposure_time", F, None),
            ("dark_time", F, None),
            ("observation_type", S, 16),
            ("observation_reason", S, 68),
            ("seq_num", INT, None),
            ("seq_start", INT, None),
            ("seq_end", INT, None),
            ("target_name", S, 64),
            ("science_program", S, 64),
            ("tracking_ra", F, None),
            ("tracking_dec", F, None),
            ("sky_angle", F, None),
            ("azimuth", F, None),
            ("zenith_angle", F, None),
            ("has_simulated", B, None),
            ("can_see_sky", B, None),
        ],
        "temporal": True,
    },
    "skymap": {
        "keys": [("name", S, 64), ("hash", H, 40)],
        "metadata": [
            ("tract_max", INT, None),
            ("patch_nx_max", INT, None),
            ("patch_ny_max", INT, None),
        ],
        "governor": True,
        "cached": True,
    },
    "tract": {"keys": [("id", INT, None)], "requires": ["skymap"], "spatial": True},
    "patch": {
        "keys": [("id", INT, None)],
        "requires": ["skymap", "tract"],
        "metadata": [("cell_x", INT, None), ("cell_y", INT, None)],
        "spatial": True,
    },
    "visit_detector_region": {
        "requires": ["visit", "detector"],
        "spatial": True,
        "populated_by": "visit",
    },
    "visit_system": {
        "keys": [("id", INT, None), ("name", S, 32)],
        "requires": ["instrument"],
        "cached": True,
    },
    "visit_definition": {
        "requires": ["exposure", "visit"],
        "populated_by": "visit",
        "always_join": True,
    },
    "visit_system_membership": {
        "requires": ["visit", "visit_system"],
        "populated_by": "visit",
        "always_join": True,
    },
    "ssp_hypothesis_table": {"keys": [("name", S, 64)]},
    "ssp_hypothesis_bundle": {"keys": [("id", INT, None)], "requires": ["ssp_hypothesis_table"]},
    "ssp_balanced_index": {"keys": [("id", INT, None)], "requires": ["ssp_hypothesis_table"]},
}

# Dependency rounds as listed in §1.2 (sorting within a round is the rule under test).
ROUNDS = [
    [
        "band",
        *(f"healpix{n}" for n in range(1, 18)),
        *(f"htm{n}" for n in range(1, 25)),
        "instrument",
        "skymap",
        "ssp_hypothesis_table",
    ],
    [
        "day_obs",
        "detector",
        "group",
        "physical_filter",
        "ssp_balanced_index",
        "ssp_hypothesis_bundle",
        "subfilter",
        "tract",
        "visit_system",
    ],
    ["exposure", "patch", "visit"],
    ["visit_definition", "visit_detector_region", "visit_system_membership"],
]


def test_identity(universe: DimensionUniverse) -> None:
    assert universe.version == 8
    assert universe.namespace == "daf_butler"
    assert DimensionUniverse() is universe
    assert DimensionUniverse(version=8) is universe
    assert DimensionUniverse(version=8, namespace="daf_butler") is universe
    assert repr(universe) == "DimensionUniverse(8, 'daf_butler')"


def test_element_order_is_dependency_rounds_sorted_by_name(universe: DimensionUniverse) -> None:
    expected = [name for round_ in ROUNDS for name in sorted(round_)]
    assert [e.name for e in universe.getStaticElements()] == expected
    combinations = set(ROUNDS[3]) | {"visit_detector_region"}
    assert [d.name for d in universe.getStaticDimensions()] == [
        n for n in expected if n not in combinations
    ]
    for index, name in enumerate(expected):
        assert universe.getElementIndex(name) == index


def test_every_element_is_listed(universe: DimensionUniverse) -> None:
    database = [e.name for e in universe.getDatabaseElements()]
    assert sorted(database) == sorted(V8)
    assert len(universe.skypix_dimensions) == 24 + 17


@pytest.mark.parametrize("name", list(V8), ids=list(V8))
def test_v8_element_definition(universe: DimensionUniverse, name: str) -> None:
    spec = V8[name]
    element = universe[name]
    keys = spec.get("keys", [])
    if keys:
        assert isinstance(element, Dimension)
        columns = [element.primaryKey, *element.alternateKeys]
        assert [(c.name, c.type) for c in columns] == [(k[0], k[1]) for k in keys]
        for column, (_, type_, size) in zip(columns, keys, strict=True):
            assert not column.nullable
            assert (column.length if type_ == S else column.nbytes if type_ == H else None) == size
    else:
        assert isinstance(element, DimensionCombination)
    metadata = [(c.name, c.type) for c in element.metadata_columns]
    assert metadata == [(m[0], m[1]) for m in spec.get("metadata", [])]
    for column, (_, type_, size) in zip(
        element.metadata_columns, spec.get("metadata", []), strict=False
    ):
        assert column.length == (size if type_ == S else None)

    # Effective required set: the configured requires, their own requirements, and itself.
    required = set()
    pending = list(spec.get("requires", []))
    while pending:
        dep = pending.pop()
        required.add(dep)
        pending.extend(V8[dep].get("requires", []))
    if keys:
        required.add(name)
    assert set(element.required.names) == required
    assert set(element.implied.names) == set(spec.get("implies", []))

    assert (element.spatial is not None) == spec.get("spatial", False)
    assert (element.temporal is not None) == spec.get("temporal", False)
    assert isinstance(element, GovernorDimension) == spec.get("governor", False)
    assert element.is_cached == spec.get("cached", False)
    assert element.alwaysJoin == spec.get("always_join", False)
    populated_by = element.populated_by
    assert (populated_by.name if populated_by else None) == spec.get("populated_by")
    union = spec.get("union_of")
    assert element.viewOf == union
    assert element.hasTable() == (union is None)


def test_metadata_nullability(universe: DimensionUniverse) -> None:
    patch = universe["patch"]
    assert [c.nullable for c in patch.metadata_columns] == [False, False]
    assert all(c.nullable for c in universe["exposure"].metadata_columns)


def test_governors(universe: DimensionUniverse) -> None:
    assert list(universe.getGovernorDimensions().names) == ["instrument", "skymap"]
    assert universe["patch"].governor == universe["skymap"]
    assert universe["visit_detector_region"].governor == universe["instrument"]
    assert universe["band"].governor is None
    assert universe["ssp_hypothesis_bundle"].governor is None


def test_topology(universe: DimensionUniverse) -> None:
    spatial = {f.name: [m.name for m in f.members] for f in universe.spatial_families}
    temporal = {f.name: [m.name for m in f.members] for f in universe.temporal_families}
    assert spatial == {
        "observation_regions": ["visit_detector_region", "visit"],
        "skymap_regions": ["patch", "tract"],
    }
    assert temporal == {"observation_timespans": ["exposure", "visit", "day_obs"]}
    assert universe["visit"].spatial is universe.spatial_families["observation_regions"]
    assert universe["visit"].temporal.space is TopologicalSpace.TEMPORAL
    assert set(universe["visit"].topology) == {TopologicalSpace.SPATIAL, TopologicalSpace.TEMPORAL}


def test_skypix(universe: DimensionUniverse) -> None:
    assert universe.commonSkyPix.name == "htm7"
    assert list(universe.skypix.names) == ["htm", "healpix"]
    htm7 = universe["htm7"]
    assert isinstance(htm7, SkyPixDimension)
    assert htm7.system is universe.skypix["htm"]
    assert universe.skypix["htm"][7] is htm7
    assert htm7.level == 7
    assert htm7.primaryKey.name == "id"
    assert htm7.primaryKey.type == "int"
    assert not htm7.hasTable()
    assert htm7.spatial is universe.skypix["htm"]
    assert type(htm7.pixelization).__name__ == "HtmPixelization"
    assert type(universe["healpix17"].pixelization).__name__ == "HealpixPixelization"
    assert "htm25" not in universe
    assert "healpix18" not in universe
    with pytest.raises(KeyError, match=r"1..24"):
        universe.skypix["htm"][25]


def test_lookup(universe: DimensionUniverse) -> None:
    assert universe["visit"] == "visit"
    assert universe.get("nope") is None
    assert "visit" in universe
    with pytest.raises(DimensionNameError, match=r"'visti'.*instrument") as info:
        universe["visti"]
    assert isinstance(info.value, KeyError)
    assert universe.sorted(["visit", "band", "instrument"]) == ["band", "instrument", "visit"]
    assert universe.sorted([universe["visit"], universe["band"]], reverse=True) == [
        universe["visit"],
        universe["band"],
    ]
    assert [e.name for e in universe.get_elements_populated_by("visit")] == [
        "visit_definition",
        "visit_detector_region",
        "visit_system_membership",
    ]


def test_element_ordering_and_repr(universe: DimensionUniverse) -> None:
    assert universe["instrument"] < universe["visit"]
    assert sorted([universe["visit"], universe["band"]]) == [universe["band"], universe["visit"]]
    assert repr(universe["visit"]) == "DatabaseDimension('visit')"
    assert str(universe["visit"]) == "visit"
    assert universe["visit"].minimal_group == universe.conform(["visit"])


def test_pickle(universe: DimensionUniverse, spectro_universe: DimensionUniverse) -> None:
    assert pickle.loads(pickle.dumps(universe)) is universe
    assert pickle.loads(pickle.dumps(spectro_universe)) is spectro_universe
    assert pickle.loads(pickle.dumps(universe["visit"])) is universe["visit"]


def test_config_round_trip(universe: DimensionUniverse) -> None:
    config = universe.config
    assert config["version"] == 8
    # The same definition from a mapping gives back the same singleton.
    assert DimensionUniverse(config) is universe


def test_compatibility(universe: DimensionUniverse, minimal_config: Any) -> None:
    other_ns = DimensionUniverse(minimal_config())
    assert not universe.isCompatibleWith(other_ns)
    config = universe.config
    config["version"] = 9999
    newer = DimensionUniverse(config)
    assert newer is not universe
    assert universe.isCompatibleWith(newer)
    assert DimensionUniverse(version=9999) is newer


def test_unknown_version_lookup() -> None:
    with pytest.raises(DimensionConfigError, match="version 12345"):
        DimensionUniverse(version=12345, namespace="nowhere")


def test_same_key_different_definition(
    minimal_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    config = minimal_config()
    first = DimensionUniverse(config)
    changed = copy.deepcopy(config)
    changed["elements"]["camera"]["metadata"] = [{"name": "x", "type": "float"}]
    with caplog.at_level(logging.WARNING):
        assert DimensionUniverse(changed) is first
    assert "differs from the one with version 1" in caplog.text
    assert "x" not in first["camera"].RecordClass.fields.names


def test_same_key_cosmetic_differences(
    universe: DimensionUniverse, caplog: pytest.LogCaptureFixture
) -> None:
    config = universe.config
    # Other docs, element order, requires order and a dotted pixelization class name.
    elements = config["elements"]
    for element in elements.values():
        element["doc"] = "Documented differently."
    config["elements"] = dict(reversed(list(elements.items())))
    config["elements"]["visit_detector_region"]["requires"] = ["detector", "visit"]
    config["skypix"]["htm"]["class"] = "lsst.sphgeom.HtmPixelization"
    with caplog.at_level(logging.WARNING):
        assert DimensionUniverse(config) is universe
    assert not caplog.text


def test_default_follows_search_path(
    universe: DimensionUniverse,
    minimal_config: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = minimal_config()
    (tmp_path / "dimensions.yaml").write_text(yaml.safe_dump({"dimensions": config}))
    monkeypatch.setenv("DAF_BUTLER_CONFIG_PATH", str(tmp_path))
    monkeypatch.setattr(DimensionUniverse, "_default", None)
    custom = DimensionUniverse()
    assert custom.namespace == config["namespace"]
    assert "camera" in custom
    monkeypatch.undo()
    assert DimensionUniverse() is universe


def test_loads_from_config_object(minimal_config: Any) -> None:
    from skybutler.daf_butler._config import Config

    config = minimal_config()
    universe = DimensionUniverse(Config({"dimensions": config, "datastore": {"root": "x"}}))
    assert universe.namespace == config["namespace"]
    assert DimensionUniverse(Config(config)) is universe


def test_loads_from_path_string(write_universe: Any, minimal_config: Any) -> None:
    path: Path = write_universe(minimal_config())
    universe = DimensionUniverse(str(path))
    assert list(universe["camera"].required.names) == ["site", "camera"]


class TestSpectrographUniverse:
    def test_structure(self, spectro_universe: DimensionUniverse) -> None:
        u = spectro_universe
        assert (u.version, u.namespace) == (3, "spectro_test")
        assert u.commonSkyPix.name == "healpix8"
        assert [d.name for d in u.skypix_dimensions] == sorted(f"healpix{n}" for n in range(4, 11))
        names = [e.name for e in u.elements if not isinstance(e, SkyPixDimension)]
        assert names == [
            "disperser_kind",
            "telescope",
            "grating",
            "night",
            "plate",
            "spectrograph",
            "fiber",
            "observation",
            "fiber_assignment",
        ]
        assert isinstance(u["telescope"], GovernorDimension)

    def test_legacy_storage_translation(self, spectro_universe: DimensionUniverse) -> None:
        u = spectro_universe
        assert u["spectrograph"].is_cached
        assert u["disperser_kind"].viewOf == "grating"
        assert not u["disperser_kind"].hasTable()
        assert u["grating"].is_cached
        assert not u["night"].is_cached

    def test_relationships(self, spectro_universe: DimensionUniverse) -> None:
        u = spectro_universe
        fa = u["fiber_assignment"]
        assert list(fa.required.names) == ["telescope", "spectrograph", "fiber", "observation"]
        assert fa.populated_by == u["observation"]
        assert fa.alwaysJoin
        assert fa.spatial is not None
        assert fa.spatial.name == "fiber_regions"
        assert u["observation"].temporal is u["night"].temporal
        group = u.conform(["observation", "fiber"])
        assert list(group.required) == ["telescope", "spectrograph", "fiber", "observation"]
        assert list(group.implied) == ["disperser_kind", "grating", "night", "plate"]
        assert "fiber_assignment" in group.elements
        assert group.region_dimension == "fiber_assignment"
        assert group.timespan_dimension == "observation"

    def test_records(self, spectro_universe: DimensionUniverse) -> None:
        import uuid

        from astropy.time import Time

        record_class = spectro_universe["observation"].RecordClass
        assert record_class.fields.names == (
            "telescope",
            "id",
            "grating",
            "night",
            "plate",
            "exptime",
            "airmass",
            "observed_at",
            "checksum",
            "timespan",
        )
        when = Time("2024-01-01T00:00:00", scale="tai")
        record = record_class(
            telescope="T1",
            observation=4,
            grating="G",
            night=20240101,
            plate=7,
            observed_at=when,
            checksum=str(uuid.UUID(int=5)),
        )
        assert record.id == 4
        assert record.checksum == uuid.UUID(int=5)
        simple = record.to_simple()
        again = type(record).from_simple(simple, spectro_universe)
        assert again == record
        assert again.observed_at == when
