"""The YAML formatter's fast path writes exactly what PyYAML's safe dumper writes."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skybutler.daf_butler.formatters._plain import YamlFormatter, flat_mapping_yaml

WORDS = st.sampled_from(
    ["r", "band", "ok", "yes", "No", "TRUE", "null", "Null", "on", "off", "a.b", "x-1", "_", "y"]
)
STRINGS = st.one_of(WORDS, st.text(max_size=12), st.text(alphabet="ab.-_:#' 0e", max_size=6))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    STRINGS,
)
MAPPINGS = st.dictionaries(STRINGS, SCALARS, max_size=6)


def _same(read: Any, written: Any) -> bool:
    if isinstance(written, float) and math.isnan(written):
        return isinstance(read, float) and math.isnan(read)
    return bool(read == written) and type(read) is type(written)


@settings(max_examples=400, deadline=None)
@given(MAPPINGS)
def test_fast_text_equals_pyyaml_and_reads_back(mapping: dict[str, Any]) -> None:
    fast = flat_mapping_yaml(mapping)
    if fast is None:
        return
    assert fast == yaml.dump(mapping, Dumper=yaml.SafeDumper, sort_keys=False)
    read = yaml.safe_load(fast)
    assert list(read) == list(mapping)
    assert all(_same(read[k], v) for k, v in mapping.items())


def test_typical_metrics_take_the_fast_path() -> None:
    metrics = {"detector": 12, "value": 0.5, "big": 1e16, "ok": True, "band": "r", "n": None}
    text = flat_mapping_yaml(metrics)
    assert text == yaml.dump(metrics, Dumper=yaml.SafeDumper, sort_keys=False)
    assert "big: 1.0e+16\n" in str(text)


@pytest.mark.parametrize(
    "mapping",
    [
        {},
        {"nested": {"a": 1}},
        {"items": [1, 2]},
        {1: "integer key"},
        {"answer": "yes"},
        {"text": "two words"},
        {"text": "12"},
        {"text": "x" * 200},
    ],
)
def test_anything_else_goes_through_pyyaml(mapping: dict[Any, Any]) -> None:
    assert flat_mapping_yaml(mapping) is None
    written = YamlFormatter().to_bytes(mapping)
    assert yaml.safe_load(written) == mapping
