"""Fixtures and helpers shared by the dataset conformance tests."""

from __future__ import annotations

__all__ = ["DatasetFixtures", "days", "raw_ids"]

from typing import Any

import pytest

from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._timespan import Timespan
from ..dimensions import DimensionUniverse
from ..registry import RegistryManagers
from ..registry.datasets import DatasetManager, DatasetTypeManager
from ._registry_base import RegistryFixtures

_MJD_2024 = 60310  # 2024-01-01


def days(begin: float | None, end: float | None) -> Timespan:
    """Return the timespan from day ``begin`` to day ``end`` of 2024 (`None`: unbounded)."""
    from astropy.time import Time

    def bound(day: float | None) -> Any:
        return None if day is None else Time(_MJD_2024 + day, format="mjd", scale="tai")

    return Timespan(bound(begin), bound(end))


def raw_ids(exposures: range | list[int], detectors: range | list[int]) -> list[dict[str, Any]]:
    """Return data IDs of ``raw`` for every exposure and detector (exposure-major)."""
    return [
        {"instrument": "Cam", "exposure": e, "detector": d} for e in exposures for d in detectors
    ]


class DatasetFixtures(RegistryFixtures):
    """Managers, dataset types and collections the dataset tests use.

    ``repo`` registers the dataset types ``raw`` (instrument, detector,
    exposure), ``calexp`` (same dimensions, a composite storage class),
    ``bias`` (instrument, detector; calibration) and ``flat`` (instrument,
    detector, physical_filter; calibration), the RUN collections ``run1``,
    ``run2`` and ``calib/run``, the TAGGED collection ``tagged`` and the
    CALIBRATION collection ``calib``.
    """

    @pytest.fixture
    def universe(self, managers: RegistryManagers) -> DimensionUniverse:
        return managers.dimensions.universe

    @pytest.fixture
    def dataset_types(self, managers: RegistryManagers) -> DatasetTypeManager:
        return managers.dataset_types

    @pytest.fixture
    def datasets(self, managers: RegistryManagers) -> DatasetManager:
        return managers.datasets

    @pytest.fixture
    def raw(self, universe: DimensionUniverse) -> DatasetType:
        return DatasetType("raw", ["instrument", "detector", "exposure"], "int", universe=universe)

    @pytest.fixture
    def calexp(self, universe: DimensionUniverse) -> DatasetType:
        return DatasetType(
            "calexp", ["instrument", "detector", "exposure"], "MaskedImage", universe=universe
        )

    @pytest.fixture
    def bias(self, universe: DimensionUniverse) -> DatasetType:
        return DatasetType(
            "bias", ["instrument", "detector"], "int", universe=universe, isCalibration=True
        )

    @pytest.fixture
    def flat(self, universe: DimensionUniverse) -> DatasetType:
        return DatasetType(
            "flat",
            ["instrument", "detector", "physical_filter"],
            "int",
            universe=universe,
            isCalibration=True,
        )

    @pytest.fixture
    def repo(
        self,
        managers: RegistryManagers,
        raw: DatasetType,
        calexp: DatasetType,
        bias: DatasetType,
        flat: DatasetType,
    ) -> RegistryManagers:
        for dataset_type in (raw, calexp, bias, flat):
            managers.dataset_types.register(dataset_type)
        collections = managers.collections
        for run in ("run1", "run2", "calib/run"):
            collections.register(run)
        collections.register("tagged", CollectionType.TAGGED)
        collections.register("calib", CollectionType.CALIBRATION)
        return managers

    @pytest.fixture
    def biases(self, repo: RegistryManagers, bias: DatasetType) -> list[DatasetRef]:
        """Return two biases of detector 1 and one of detector 2, in ``calib/run``."""
        first = repo.datasets.insert(
            bias, "calib/run", [{"instrument": "Cam", "detector": d} for d in (1, 2)]
        )
        repo.collections.register("calib/run2")
        second = repo.datasets.insert(bias, "calib/run2", [{"instrument": "Cam", "detector": 1}])
        return [first[0], second[0], first[1]]
