"""Dataset types, refs and objects shared by the datastore conformance tests."""

from __future__ import annotations

__all__ = ["DATASTORE_TEST_CONFIG", "DatastoreFixtures", "make_ref"]

from typing import Any

import numpy as np
import pytest

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..dimensions import DimensionUniverse
from ..types import MaskedImage

DATASTORE_TEST_CONFIG: dict[str, Any] = {
    "composites": {"disassembled": {"split_image": True}},
    "formatters": {"pickled": "pickle"},
}
"""Configuration the file datastores under test merge in: ``split_image``
datasets are written one file per component, ``pickled`` ones as pickles."""

_UNIVERSE = DimensionUniverse()


def make_ref(
    name: str, storage_class: str, run: str = "test/run", detector: int = 1, **extra: Any
) -> DatasetRef:
    """Return a new ref of a dataset type with dimensions ``instrument, detector``."""
    dataset_type = DatasetType(name, _UNIVERSE.conform(["instrument", "detector"]), storage_class)
    return DatasetRef(dataset_type, {"instrument": "Cam", "detector": detector, **extra}, run)


class DatastoreFixtures:
    """The abstract ``datastore`` fixture and sample objects."""

    supports_records_export: bool = True
    """Whether a datastore rebuilt from exported records can read the datasets."""

    @pytest.fixture
    def datastore(self) -> Any:
        """Return a fresh, empty datastore (configured with `DATASTORE_TEST_CONFIG`)."""
        raise NotImplementedError("Subclasses provide the datastore fixture.")

    def reopen_without_records(self, datastore: Any) -> Any:
        """Return a datastore on the same storage with an empty record store, or skip."""
        pytest.skip(f"{type(datastore).__name__} cannot be rebuilt from exported records")

    def same_storage(self, datastore: Any) -> Any:
        """Return another datastore object sharing storage and records, or `None`."""
        return None

    @pytest.fixture
    def masked_image(self) -> MaskedImage:
        rng = np.random.default_rng(42)
        image = rng.normal(size=(6, 8)).astype(np.float32)
        mask = (rng.integers(0, 4, size=(6, 8))).astype(np.int32)
        return MaskedImage(image, mask, np.abs(image) + 1, {"EXPTIME": 30.0, "filter": "r"})

    @pytest.fixture
    def astropy_table(self) -> Any:
        from astropy import units as u
        from astropy.table import Table

        table = Table({"a": np.arange(5), "b": np.linspace(0, 1, 5) * u.mag, "c": list("vwxyz")})
        table["b"].description = "brightness"
        return table
