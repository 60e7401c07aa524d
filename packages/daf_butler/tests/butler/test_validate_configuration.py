"""Butler.validateConfiguration: dataset types checked against the datastore's configuration."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType, ValidationError


@pytest.fixture
def butler(tmp_path: Path) -> Iterator[Butler]:
    """A repository with one dataset type the datastore can store and one it cannot."""
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        for name, storage_class in [("fine", "StructuredDataDict"), ("plot", "Plot")]:
            butler.registry.registerDatasetType(
                DatasetType(name, ["instrument"], storage_class, universe=butler.dimensions)
            )
        yield butler


def test_a_type_without_formatter_is_named(
    butler: Butler, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(ValidationError) as info:
        butler.validateConfiguration(logFailures=True)
    message = str(info.value)
    assert message.startswith("1 of 2 dataset types cannot be stored")
    assert "\nplot: " in message
    assert "fine:" not in message
    assert [r.getMessage().split(":")[1].strip() for r in caplog.records] == ["plot"]


@pytest.mark.parametrize(
    ("names", "ignore"),
    [
        pytest.param(["fin*"], None, id="only-the-storable"),
        pytest.param(None, ["plot"], id="problem-ignored"),
    ],
)
def test_chosen_types_validate(
    butler: Butler, names: list[str] | None, ignore: list[str] | None
) -> None:
    butler.validateConfiguration(datasetTypeNames=names, ignore=ignore)


def test_failures_are_not_logged_unless_asked(
    butler: Butler, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(ValidationError):
        butler.validateConfiguration()
    assert not caplog.records
