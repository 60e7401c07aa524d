"""Fixtures shared by the dimension tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from skybutler.daf_butler.dimensions import DimensionUniverse

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def universe() -> DimensionUniverse:
    return DimensionUniverse()


@pytest.fixture(scope="session")
def spectro_universe() -> DimensionUniverse:
    return DimensionUniverse(DATA / "spectrograph.yaml")


def _minimal_config(**elements: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": 1,
        # Universes are singletons per (version, namespace): each test gets its own key.
        "namespace": f"test_{uuid.uuid4().hex[:12]}",
        "skypix": {"common": "htm3", "htm": {"class": "HtmPixelization", "max_level": 4}},
        "elements": {
            "site": {"keys": [{"name": "name", "type": "string", "length": 8}], "governor": True},
            "camera": {
                "keys": [{"name": "id", "type": "int"}],
                "requires": ["site"],
            },
        },
    }
    base["elements"].update(elements)
    return base


@pytest.fixture
def minimal_config() -> Callable[..., dict[str, Any]]:
    """Return a function making a small valid universe mapping with extra elements."""
    return _minimal_config


@pytest.fixture
def write_universe(tmp_path: Path) -> Callable[[dict[str, Any] | str], Path]:
    """Write a universe (mapping or YAML text) to a file and return its path."""
    counter = iter(range(1000))

    def write(config: dict[str, Any] | str) -> Path:
        path = tmp_path / f"universe{next(counter)}.yaml"
        path.write_text(config if isinstance(config, str) else yaml.safe_dump(config))
        return path

    return write
