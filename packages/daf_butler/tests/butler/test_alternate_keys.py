"""Data IDs given by alternate keys and record fields in Butler.get, put and exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from skybutler.daf_butler import Butler
from skybutler.daf_butler.errors import DatasetNotFoundError

from .conftest import MakeRepo


@pytest.fixture
def butler(make_repo: MakeRepo) -> Iterator[Butler]:
    """A repository with detectors 0-3 (full names A0-A3) and one ``meta`` per detector."""
    with Butler(make_repo("repo"), run="run", writeable=True) as butler:
        for detector in range(4):
            butler.put({"detector": detector}, "meta", instrument="Cam", detector=detector)
        yield butler


@pytest.mark.parametrize(
    ("data_id", "detector"),
    [
        pytest.param({"detector": "A2"}, 2, id="alternate-key"),
        pytest.param({"detector.full_name": "A3"}, 3, id="record-field"),
        pytest.param({"detector": 1}, 1, id="primary-key"),
    ],
)
def test_get_by_alternate_key(butler: Butler, data_id: dict[str, Any], detector: int) -> None:
    assert butler.get("meta", instrument="Cam", **data_id) == {"detector": detector}
    assert butler.exists("meta", instrument="Cam", collections="run", **data_id)


def test_put_by_alternate_key_stores_the_primary_key(butler: Butler) -> None:
    ref = butler.put({"x": 1}, "raw", instrument="Cam", detector="A0")
    assert ref.dataId["detector"] == 0
    assert butler.get("raw", instrument="Cam", detector=0) == {"x": 1}


@pytest.mark.parametrize(
    ("data_id", "message"),
    [
        pytest.param({"detector": "Z9"}, "matches no data ID", id="no-record"),
        pytest.param({"camera.name": "x"}, "name no dimension element", id="unknown-element"),
    ],
)
def test_lookup_errors_say_what_matched(
    butler: Butler, data_id: dict[str, Any], message: str
) -> None:
    with pytest.raises(DatasetNotFoundError, match=message):
        butler.get("meta", instrument="Cam", **data_id)


def test_a_field_matching_two_records_is_refused(butler: Butler) -> None:
    butler.registry.insertDimensionData(
        "detector",
        {"instrument": "Cam", "id": 7, "full_name": "B7", "purpose": "SCIENCE"},
        {"instrument": "Cam", "id": 8, "full_name": "B8", "purpose": "SCIENCE"},
    )
    with pytest.raises(DatasetNotFoundError, match="more than one data ID"):
        butler.get("meta", instrument="Cam", **{"detector.purpose": "SCIENCE"})
