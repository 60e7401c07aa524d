"""Fixtures of the export/import tests: registries on SQLite and PostgreSQL, sample contents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from astropy.time import Time

from skybutler.daf_butler import CollectionType, DatasetRef, DatasetType, Registry, Timespan
from skybutler.daf_butler.testing._dimension_record_data import default_universe_records
from skybutler.daf_butler.transfers import collection_associations, collection_datasets

DATA = Path(__file__).parent / "data"

RegistryFactory = Callable[[], Registry]
Populate = Callable[[Registry], dict[str, list[DatasetRef]]]
Snapshot = Callable[[Registry], dict[str, Any]]


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)],
)
def make_registry(request: pytest.FixtureRequest, tmp_path: Path) -> RegistryFactory:
    """Return a function making fresh, empty registries of one backend."""
    counter = iter(range(1000))
    if request.param == "sqlite":
        return lambda: Registry.createFromConfig(f"sqlite:///{tmp_path}/r{next(counter)}.sqlite3")
    factory = request.getfixturevalue("postgres_url_factory")
    return lambda: Registry.createFromConfig(factory())


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> RegistryFactory:
    """Return a function making fresh, empty SQLite registries."""
    counter = iter(range(1000))
    return lambda: Registry.createFromConfig(f"sqlite:///{tmp_path}/s{next(counter)}.sqlite3")


def tai(text: str) -> Time:
    return Time(text, scale="tai")


def _populate(registry: Registry) -> dict[str, list[DatasetRef]]:
    """Fill a registry with records of every element, all collection types and datasets."""
    records = default_universe_records(registry.dimensions)
    for element, rows in records.items():
        registry.insertDimensionData(element, *rows)
    universe = registry.dimensions
    calexp = DatasetType(
        "calexp", ["instrument", "visit", "detector"], "StructuredDataDict", universe=universe
    )
    bias = DatasetType(
        "bias",
        ["instrument", "detector"],
        "StructuredDataDict",
        universe=universe,
        isCalibration=True,
    )
    flat = DatasetType(
        "flat",
        ["instrument", "detector"],
        "StructuredDataDict",
        universe=universe,
        isCalibration=True,
    )
    empty = DatasetType("unused", ["instrument"], "StructuredDataDict", universe=universe)
    for dataset_type in (calexp, bias, flat, empty):
        registry.registerDatasetType(dataset_type)
    registry.registerRun("HSC/runs/a", doc="First run.")
    registry._managers.collections.update_run(
        "HSC/runs/a", host="node01", timespan=Timespan(tai("2021-03-04 05:06:07.123456789"), None)
    )
    registry.registerRun("HSC/calib/run")
    registry.registerCollection("HSC/tagged", CollectionType.TAGGED, doc="Hand-picked.")
    registry.registerCollection("HSC/calib", CollectionType.CALIBRATION)
    registry.registerCollection("HSC/inner", CollectionType.CHAINED)
    registry.registerCollection("HSC/outer", CollectionType.CHAINED, doc="Defaults.")
    registry.setCollectionChain("HSC/inner", ["HSC/calib", "HSC/calib/run"])
    registry.setCollectionChain("HSC/outer", ["HSC/runs/a", "HSC/inner", "HSC/tagged"])
    visit = records["visit"][0]
    calexps = registry.insertDatasets(
        calexp,
        [{"instrument": "HSC", "visit": visit.id, "detector": d} for d in range(4)],  # type: ignore[attr-defined]
        run="HSC/runs/a",
    )
    biases = registry.insertDatasets(
        bias, [{"instrument": "HSC", "detector": d} for d in range(4)], run="HSC/calib/run"
    )
    registry.associate("HSC/tagged", calexps[:2])
    registry.certify("HSC/calib", biases[:2], Timespan(None, tai("2020-01-01")))
    registry.certify("HSC/calib", biases[2:], Timespan(tai("2020-01-01"), tai("2021-01-01")))
    registry.certify("HSC/calib", biases[:1], Timespan(tai("2022-01-01"), None))
    flats = registry.insertDatasets(
        flat, [{"instrument": "HSC", "detector": d} for d in range(2)], run="HSC/calib/run"
    )
    registry.certify("HSC/calib", flats, Timespan(None, None))
    return {"calexp": calexps, "bias": biases, "flat": flats}


def _snapshot(registry: Registry) -> dict[str, Any]:
    """Return everything a registry holds, comparable between registries."""
    managers = registry._managers
    records = {
        e.name: sorted(
            (repr(r.toDict()) for r in managers.dimensions.fetch(e)),
        )
        for e in registry.dimensions.elements
        if e.hasTable()
    }
    collections = {}
    for name in registry.queryCollections():
        kind = registry.getCollectionType(name)
        info: dict[str, Any] = {"type": kind, "doc": registry.getCollectionDocumentation(name)}
        if kind is CollectionType.RUN:
            run = managers.collections.get_run(name)
            info["run"] = (run.host, run.timespan)
        if kind is CollectionType.CHAINED:
            info["children"] = registry.getCollectionChain(name)
        else:
            info["datasets"] = sorted(
                (r.datasetType.name, str(r.dataId.required), r.id, r.run)
                for r in collection_datasets(registry, name)
            )
            info["associations"] = sorted(
                (a.ref.id, a.timespan.nsec if a.timespan else None)
                for a in collection_associations(registry, name)
            )
        collections[name] = info
    dataset_types = sorted(
        (t.name, tuple(t.dimensions.names), t.storageClass_name, t.isCalibration())
        for t in registry.queryDatasetTypes()
    )
    return {"records": records, "collections": collections, "dataset_types": dataset_types}


@pytest.fixture
def populate() -> Callable[[Registry], dict[str, list[DatasetRef]]]:
    """Return the function filling a registry with sample contents (see `_populate`)."""
    return _populate


@pytest.fixture
def snapshot() -> Callable[[Registry], dict[str, Any]]:
    """Return the function listing everything a registry holds (see `_snapshot`)."""
    return _snapshot


@pytest.fixture
def data_dir() -> Path:
    """The directory of the export files used by the tests."""
    return DATA
