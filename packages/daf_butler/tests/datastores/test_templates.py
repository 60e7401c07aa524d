"""File templates: upstream's syntax, the uniqueness check and per-dataset-type lookups."""

from __future__ import annotations

from typing import Any

import pytest

from skybutler.daf_butler import DatasetRef, DatasetType, DimensionUniverse
from skybutler.daf_butler.datastores import FileTemplate, FileTemplates, file_datastore_defaults
from skybutler.daf_butler.errors import FileTemplateError

UNIVERSE = DimensionUniverse()


def ref(
    name: str, dimensions: list[str], data_id: dict[str, Any], run: str = "run/a"
) -> DatasetRef:
    dataset_type = DatasetType(name, UNIVERSE.conform(dimensions), "MaskedImage")
    return DatasetRef(dataset_type, data_id, run)


@pytest.fixture
def calexp() -> DatasetRef:
    return ref(
        "calexp",
        ["instrument", "visit", "detector"],
        {
            "instrument": "HSC",
            "visit": 903334,
            "detector": 16,
            "band": "r",
            "physical_filter": "HSC-R",
            "day_obs": 20130617,
        },
    )


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{run}/{datasetType}/{visit:08d}_{detector}", "run_a/calexp/00903334_16"),
        ("{run:/}/{datasetType}", "run/a/calexp"),
        ("{run}/{datasetType}", "run_a/calexp"),
        ("{run:/}/{datasetType}.{component:?}/{tract:?}/{visit}", "run/a/calexp/903334"),
        ("{run:/}/{tract|visit}/{patch|detector:?}", "run/a/903334/16"),
        ("{run:/}/{nope|band}/{x:?}_{detector}", "run/a/r/_16"),
        ("{run:/}/a.b#c {detector}", "run/a/a_bHASHc 16"),
        ("/{run:/}/{id:?}", None),
    ],
    ids=[
        "spec",
        "keep-slash",
        "slash-replaced",
        "optional",
        "alternatives",
        "unknown-alt",
        "last-part",
        "absolute",
    ],
)
def test_format(calexp: DatasetRef, template: str, expected: str | None) -> None:
    path = FileTemplate(template).format(calexp)
    if expected is None:
        assert path == f"run/a/{calexp.id}"
    else:
        assert path == expected


def test_components(calexp: DatasetRef) -> None:
    template = FileTemplate("{run:/}/{datasetType}.{component:?}/{detector}")
    assert template.format(calexp.makeComponentRef("image")) == "run/a/calexp.image/16"
    assert template.format(calexp, component="mask") == "run/a/calexp.mask/16"
    with pytest.raises(FileTemplateError, match=r"no \{component\} field"):
        FileTemplate("{run}/{detector}").format(calexp.makeComponentRef("image"))


def test_bad_characters_in_values() -> None:
    odd = ref("raw", ["instrument", "detector"], {"instrument": 'A <b>:"c"', "detector": 1})
    assert FileTemplate("{run}/{instrument}/{detector}").format(odd) == "run_a/A__b___c_/1"


def test_default_template_gives_upstream_paths(calexp: DatasetRef) -> None:
    templates = FileTemplates(file_datastore_defaults()["templates"])
    path = templates.getTemplate(calexp).format(calexp)
    # Without records the detector's full name falls back to its ID: still unique.
    assert path == "run/a/calexp/20130617/r/HSC-R/903334/calexp_HSC_r_HSC-R_903334_16_run_a"


def test_record_fields_need_expanded_data_ids(calexp: DatasetRef) -> None:
    with pytest.raises(FileTemplateError, match="not expanded"):
        FileTemplate("{run}/{detector.purpose}").format(calexp)
    assert FileTemplate("{run}/{detector.purpose:?}").format(calexp) == "run_a"
    # A unique key of the dimension stands in for itself without records.
    assert FileTemplate("{run}/{visit.name}").format(calexp) == "run_a/903334"


@pytest.mark.parametrize(
    "text",
    ["{datasetType}/{visit}", "{run}/{}", "{run", "{run}/{0}"],
    ids=["no-run-or-id", "empty-field", "unclosed", "positional"],
)
def test_malformed(text: str) -> None:
    with pytest.raises(FileTemplateError):
        FileTemplate(text)


def test_uniqueness_check() -> None:
    dataset_type = DatasetType(
        "calexp", UNIVERSE.conform(["instrument", "visit", "detector"]), "MaskedImage"
    )
    FileTemplate("{run}/{instrument}/{visit}/{detector}").validate(dataset_type)
    FileTemplate("{run}/{instrument}/{visit}/{detector.full_name}").validate(dataset_type)
    FileTemplate("{run}/{id}").validate(dataset_type)
    with pytest.raises(FileTemplateError, match=r"lacks the dimensions \['detector'\]"):
        FileTemplate("{run}/{instrument}/{visit}").validate(dataset_type)
    with pytest.raises(FileTemplateError, match="detector"):
        # visit.name is not a key of detector.
        FileTemplate("{run}/{instrument}/{visit}/{visit.name}").validate(dataset_type)


def test_templates_lookup_and_instrument_override(calexp: DatasetRef) -> None:
    templates = FileTemplates(
        {
            "default": "{run}/{id}",
            "calexp": "{run}/calexp/{visit}/{detector}",
            "MaskedImage": "{run}/images/{id}",
            "instrument<HSC>": {"calexp": "{run}/hsc/{visit}/{detector}"},
            "instrument+visit+detector": "{run}/by-dims/{visit}/{detector}",
        }
    )
    assert templates.getTemplate(calexp).format(calexp) == "run_a/hsc/903334/16"
    other = ref(
        "calexp",
        ["instrument", "visit", "detector"],
        {
            "instrument": "LSST",
            "visit": 1,
            "detector": 2,
            "band": "g",
            "physical_filter": "g",
            "day_obs": 1,
        },
    )
    assert templates.getTemplate(other).format(other) == "run_a/calexp/1/2"
    deep = ref(
        "deep",
        ["instrument", "visit", "detector"],
        {
            "instrument": "LSST",
            "visit": 1,
            "detector": 2,
            "band": "g",
            "physical_filter": "g",
            "day_obs": 1,
        },
    )
    assert templates.getTemplate(deep).format(deep) == "run_a/by-dims/1/2"
    flat = ref("flat", ["instrument", "detector"], {"instrument": "LSST", "detector": 2})
    assert templates.getTemplate(flat).format(flat) == f"run_a/images/{flat.id}"


def test_non_unique_dimension_template_refused_at_setup() -> None:
    config = {"default": "{run}/{id}", "instrument+visit+detector": "{run}/{visit}"}
    with pytest.raises(FileTemplateError, match="unique paths"):
        FileTemplates(config, UNIVERSE)


def test_validate_templates_lists_every_problem() -> None:
    templates = FileTemplates({"default": "{run}/{datasetType}", "b": "{run}/{id}"})
    types = [
        DatasetType(name, UNIVERSE.conform(["instrument", "detector"]), "StructuredDataDict")
        for name in ("a", "b", "c")
    ]
    with pytest.raises(FileTemplateError) as info:
        templates.validateTemplates(types)
    message = str(info.value)
    assert "'a'" in message
    assert "'c'" in message
    assert "'b'" not in message


def test_default_can_be_disabled(calexp: DatasetRef) -> None:
    templates = FileTemplates({"default": False})
    with pytest.raises(FileTemplateError, match="default template is disabled"):
        templates.getTemplate(calexp)
