"""Invalid universe definitions fail with messages naming what is wrong."""

from __future__ import annotations

from typing import Any

import pytest

from skybutler.daf_butler.dimensions import DimensionUniverse
from skybutler.daf_butler.errors import DimensionConfigError

KEY_INT = [{"name": "id", "type": "int"}]


def _load(config: dict[str, Any]) -> DimensionUniverse:
    return DimensionUniverse(config)


def test_minimal_config_is_valid(minimal_config: Any) -> None:
    universe = _load(minimal_config())
    assert list(universe.conform(["camera"]).names) == ["site", "camera"]


BAD_ELEMENTS: dict[str, tuple[dict[str, Any], str]] = {
    "cycle": (
        {
            "alpha": {"keys": KEY_INT, "requires": ["beta"]},
            "beta": {"keys": KEY_INT, "implies": ["gamma"]},
            "gamma": {"keys": KEY_INT, "requires": ["alpha"]},
        },
        r"cycle.*alpha -> beta -> gamma -> alpha",
    ),
    "self_cycle": (
        {"alpha": {"keys": KEY_INT, "requires": ["alpha"]}},
        r"cycle.*alpha -> alpha",
    ),
    "unknown_requires": (
        {"lens": {"keys": KEY_INT, "requires": ["camara"]}},
        r"element 'lens' requires unknown dimension 'camara'",
    ),
    "unknown_implies": (
        {"lens": {"keys": KEY_INT, "requires": ["site"], "implies": ["filtre"]}},
        r"element 'lens' implies unknown dimension 'filtre'",
    ),
    "requires_combination": (
        {
            "pair": {"requires": ["site", "camera"]},
            "lens": {"keys": KEY_INT, "requires": ["pair"]},
        },
        r"'lens' requires 'pair', which is a dimension combination",
    ),
    "requires_and_implies": (
        {"lens": {"keys": KEY_INT, "requires": ["camera"], "implies": ["camera"]}},
        r"'lens' both requires and implies \['camera'\]",
    ),
    "clash_with_skypix": (
        {"htm3": {"keys": KEY_INT}},
        r"\['htm3'\] are defined more than once",
    ),
    "float_primary_key": (
        {"lens": {"keys": [{"name": "id", "type": "float"}]}},
        r"'lens'.*primary key 'id' has type 'float'.*int, string",
    ),
    "region_alternate_key": (
        {"lens": {"keys": [*KEY_INT, {"name": "footprint", "type": "region"}]}},
        r"alternate key 'footprint' has type 'region'.*int, string, hash, uuid",
    ),
    "unknown_column_type": (
        {"lens": {"keys": KEY_INT, "metadata": [{"name": "z", "type": "complex"}]}},
        r"column 'z' has type 'complex'; allowed types are int, string, hash, float, bool, "
        r"uuid, region, timespan, datetime",
    ),
    "string_without_length": (
        {"lens": {"keys": [{"name": "name", "type": "string"}]}},
        r"string column 'name' needs a positive 'length'",
    ),
    "hash_without_nbytes": (
        {"lens": {"keys": KEY_INT, "metadata": [{"name": "digest", "type": "hash"}]}},
        r"hash column 'digest' needs a positive 'nbytes'",
    ),
    "combination_without_requires": (
        {"pair": {"doc": "no keys and no requires"}},
        r"'pair'.*must list at least one dimension in 'requires'",
    ),
    "union_with_metadata": (
        {
            "kind": {
                "keys": [{"name": "name", "type": "string", "length": 8}],
                "implied_union_target": "camera",
                "metadata": [{"name": "x", "type": "int"}],
            }
        },
        r"'kind'.*implied-union.*remove metadata",
    ),
    "union_with_requires": (
        {
            "kind": {
                "keys": [{"name": "name", "type": "string", "length": 8}],
                "implied_union_target": "camera",
                "requires": ["site"],
            }
        },
        r"'kind'.*implied-union.*remove requires",
    ),
    "union_target_does_not_imply": (
        {
            "kind": {
                "keys": [{"name": "name", "type": "string", "length": 8}],
                "implied_union_target": "camera",
            }
        },
        r"'kind' has implied_union_target 'camera', but 'camera' does not imply 'kind'",
    ),
    "governor_with_requires": (
        {"lab": {"keys": KEY_INT, "requires": ["site"], "governor": True}},
        r"'lab': a governor dimension may not require",
    ),
    "always_join_on_dimension": (
        {"lens": {"keys": KEY_INT, "always_join": True}},
        r"'lens'.*'always_join' and 'populated_by' are allowed only on dimension combinations",
    ),
    "populated_by_not_required": (
        {"pair": {"requires": ["camera"], "populated_by": "other"}},
        r"'pair' is populated_by 'other', which is not one of its required dimensions",
    ),
    "reserved_column": (
        {"lens": {"keys": KEY_INT, "metadata": [{"name": "region", "type": "region"}]}},
        r"column name 'region' is reserved",
    ),
    "duplicate_column": (
        {"lens": {"keys": KEY_INT, "metadata": [{"name": "id", "type": "int"}]}},
        r"column name\(s\) \['id'\] are used twice",
    ),
    "bad_legacy_storage": (
        {"lens": {"keys": KEY_INT, "storage": {"cls": "some.module.FancyStorage"}}},
        r"unknown legacy storage class 'some.module.FancyStorage'",
    ),
    "bad_flag_type": (
        {"lens": {"keys": KEY_INT, "is_cached": "yes"}},
        r"'is_cached' must be true or false",
    ),
}


@pytest.mark.parametrize(
    ("elements", "message"), list(BAD_ELEMENTS.values()), ids=list(BAD_ELEMENTS)
)
def test_bad_element(minimal_config: Any, elements: dict[str, Any], message: str) -> None:
    with pytest.raises(DimensionConfigError, match=message):
        _load(minimal_config(**elements))


BAD_TOPOLOGY: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
    "no_shared_governor": (
        {
            "lab": {"keys": KEY_INT, "governor": True},
            "room": {"keys": KEY_INT, "requires": ["lab"]},
        },
        {"spatial": {"places": ["room", "camera"]}},
        r"family 'places' do not share a governor: room -> lab, camera -> site",
    ),
    "unknown_member": (
        {},
        {"temporal": {"times": ["camera", "night"]}},
        r"temporal family 'times' lists unknown element 'night'",
    ),
    "two_families": (
        {},
        {"spatial": {"a": ["camera"], "b": ["camera"]}},
        r"element 'camera' is in two spatial families \('a' and 'b'\)",
    ),
    "skypix_member": (
        {},
        {"spatial": {"a": ["htm2"]}},
        r"lists skypix dimension 'htm2'",
    ),
    "empty_family": (
        {},
        {"spatial": {"a": []}},
        r"a family needs at least one member",
    ),
}


@pytest.mark.parametrize(
    ("elements", "topology", "message"), list(BAD_TOPOLOGY.values()), ids=list(BAD_TOPOLOGY)
)
def test_bad_topology(
    minimal_config: Any, elements: dict[str, Any], topology: dict[str, Any], message: str
) -> None:
    config = minimal_config(**elements)
    config["topology"] = topology
    with pytest.raises(DimensionConfigError, match=message):
        _load(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pop("version"), r"'version' must be an integer"),
        (lambda c: c.update(version="8"), r"'version' must be an integer"),
        (lambda c: c.update(namespace=""), r"'namespace' must be a non-empty string"),
        (lambda c: c["skypix"].update(common="htm9"), r"skypix.common is 'htm9'"),
        (lambda c: c["skypix"].pop("common"), r"'skypix.common' must name a skypix dimension"),
        (lambda c: c["skypix"]["htm"].update(min_level=5), r"min_level <= max_level"),
        (lambda c: c["skypix"]["htm"].pop("class"), r"skypix system 'htm'.*'class'"),
        (lambda c: c.update(elements={}), r"'elements' must be a non-empty mapping"),
        (lambda c: c["elements"].update({"bad name": {}}), r"not a valid identifier"),
    ],
    ids=[
        "missing_version",
        "string_version",
        "empty_namespace",
        "unknown_common",
        "missing_common",
        "bad_levels",
        "missing_class",
        "no_elements",
        "bad_name",
    ],
)
def test_bad_top_level(minimal_config: Any, change: Any, message: str) -> None:
    config = minimal_config()
    change(config)
    with pytest.raises(DimensionConfigError, match=message):
        _load(config)


def test_duplicate_element_in_file(write_universe: Any) -> None:
    text = """
version: 1
namespace: dup_test
skypix: {common: htm1, htm: {class: HtmPixelization, max_level: 2}}
elements:
  camera:
    keys: [{name: id, type: int}]
  lens:
    keys: [{name: id, type: int}]
  camera:
    keys: [{name: name, type: string, length: 8}]
"""
    path = write_universe(text)
    with pytest.raises(DimensionConfigError, match=r"Duplicate key 'camera' at line 10"):
        DimensionUniverse(path)


def test_invalid_yaml(write_universe: Any) -> None:
    path = write_universe("version: [1\n")
    with pytest.raises(DimensionConfigError, match="not valid YAML"):
        DimensionUniverse(path)


def test_not_a_mapping(write_universe: Any) -> None:
    path = write_universe("- 1\n- 2\n")
    with pytest.raises(DimensionConfigError, match="must hold a mapping"):
        DimensionUniverse(path)


def test_wrong_config_type() -> None:
    with pytest.raises(TypeError, match="path or a mapping"):
        DimensionUniverse(42)


def test_unknown_keys_are_ignored_with_warning(
    minimal_config: Any, caplog: pytest.LogCaptureFixture
) -> None:
    config = minimal_config(lens={"keys": KEY_INT, "colour": "blue"})
    universe = _load(config)
    assert "lens" in universe
    assert "colour" in caplog.text
