"""The fast writer and reader of dataset and association entries agree with PyYAML."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import yaml

from skybutler.daf_butler import Timespan
from skybutler.daf_butler._timespan import iso_tai_to_time
from skybutler.daf_butler.transfers import ExportDumper, ExportLoader
from skybutler.daf_butler.transfers._yaml_fast import entry_text
from skybutler.daf_butler.transfers._yaml_fast_read import load_entries

IDS = [uuid.UUID(int=i) for i in range(1, 4)]
ODD = ["1_37", "true", "no", "Null", "with space", "a: b", "it's", "é", "", "#hash", "-x", "07"]


def pyyaml(entry: dict[str, Any]) -> str:
    return yaml.dump([entry], Dumper=ExportDumper, sort_keys=False)


def load(text: str) -> Any:
    return yaml.load(text, Loader=ExportLoader)


def dataset_entry(value: Any = "HSC", path: Any = "run/raw/raw_1.fits") -> dict[str, Any]:
    return {
        "type": "dataset",
        "dataset_type": "raw",
        "run": "HSC/raw/all",
        "records": [
            {
                "dataset_id": IDS[:2],
                "data_id": [
                    {"instrument": value, "detector": 10, "exposure": 903334},
                    {"instrument": value, "detector": -1, "exposure": 903335},
                ],
                "path": path,
                "formatter": "lsst.obs.base.FitsFormatter",
            },
            {"dataset_id": IDS[2:], "data_id": [{}], "path": None},
        ],
    }


TAGGED = {
    "type": "associations",
    "collection": "tag",
    "collection_type": "TAGGED",
    "dataset_ids": IDS,
}
CALIB = {
    "type": "associations",
    "collection": "calib",
    "collection_type": "CALIBRATION",
    "validity_ranges": [
        {"timespan": Timespan(None, iso_tai_to_time("2014-01-01 00:00:00")), "dataset_ids": IDS},
        {"timespan": Timespan.makeEmpty(), "dataset_ids": []},
    ],
}


@pytest.mark.parametrize(
    "entry",
    [
        dataset_entry(),
        TAGGED,
        CALIB,
        {**TAGGED, "dataset_ids": []},
        {**dataset_entry(), "records": []},
    ],
    ids=["dataset", "tagged", "calibration", "no-ids", "no-records"],
)
def test_fast_text_is_pyyaml_text(entry: dict[str, Any]) -> None:
    assert entry_text(entry) == pyyaml(entry)


@pytest.mark.parametrize("value", ODD, ids=range(len(ODD)))
def test_odd_strings_read_back(value: str) -> None:
    entry = dataset_entry(value, path=value)
    text = entry_text(entry)
    assert text is not None
    assert load(text) == load(pyyaml(entry)) == [entry]


def test_other_entries_are_left_to_pyyaml() -> None:
    assert entry_text({"type": "dimension", "element": "instrument", "records": []}) is None
    assert entry_text(dataset_entry(value=1.5)) is None  # no fast form for floats


def document(*entries: dict[str, Any]) -> str:
    header = "description: Butler Data Repository Export\nversion: 1.0.2\ndata:\n"
    return header + "".join(pyyaml(e) for e in entries)


@pytest.mark.parametrize(
    "text",
    [
        document(dataset_entry(), TAGGED, CALIB),
        document(*(dataset_entry(v, v) for v in ODD)),
        document(dataset_entry()).replace("  run: HSC/raw/all\n", "  run: HSC/raw/all  # c\n"),
        document(dataset_entry()).replace("    formatter: lsst.obs.base.FitsFormatter\n", ""),
        document(dataset_entry()).replace("  - dataset_id:\n", "  - dataset_id:\n\n"),
        document(TAGGED).replace("collection_type: TAGGED", "collection_type: 'TAGGED'"),
        document({"type": "dimension", "element": "instrument", "records": [{"name": "HSC"}]}),
    ],
    ids=["mixed", "odd", "comment", "no-formatter", "blank", "quoted", "dimension"],
)
def test_fast_read_equals_pyyaml(text: str) -> None:
    result = load_entries(text)
    assert result is not None
    assert result[0] == load(text)


@pytest.mark.parametrize(
    "text",
    [
        document(TAGGED).replace("  - !uuid", "  - &a !uuid", 1),
        "version: 1.0.2\ndata: []\n",
        document(TAGGED) + "extra: 1\n",
        "# a comment\n" + document(TAGGED).replace("data:\n", "data:\n# here\n"),
    ],
    ids=["anchor", "flow", "key-after-data", "comment-line"],
)
def test_unusual_documents_are_left_to_pyyaml(text: str) -> None:
    assert load_entries(text) is None


def test_loader_falls_back_for_merge_keys_and_refuses_cycles() -> None:
    assert load("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n")["derived"] == {"x": 1, "y": 2}
    with pytest.raises(yaml.constructor.ConstructorError, match="recursive"):
        load("&a [*a]")
    with pytest.raises(yaml.constructor.ConstructorError, match="unhashable"):
        load("? [1]\n: 2\n")
