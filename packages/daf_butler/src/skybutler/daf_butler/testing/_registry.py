"""The Registry conformance suite: upstream's registry API end to end, on any backend."""

from __future__ import annotations

__all__ = ["RegistryConformance"]

import multiprocessing
import uuid
from collections.abc import Iterator

import pytest
from astropy.time import Time

from .._collection_type import CollectionType
from .._dataset_type import DatasetType
from .._timespan import Timespan
from .._uuid import DatasetIdGenEnum
from ..errors import (
    CollectionCycleError,
    CollectionTypeError,
    ConflictingDefinitionError,
    DatasetTypeError,
    MissingCollectionError,
    OrphanedRecordError,
)
from ..registry import Registry


def _tai(text: str) -> Time:
    return Time(text, scale="tai")


def populate(registry: Registry) -> None:
    """Insert a small camera: one instrument, two filters, four detectors, three exposures."""
    registry.insertDimensionData(
        "instrument",
        {
            "name": "Cam",
            "visit_max": 10**6,
            "exposure_max": 10**6,
            "detector_max": 100,
            "class_name": "x.Cam",
        },
    )
    registry.insertDimensionData(
        "physical_filter",
        {"instrument": "Cam", "name": "Cam-r", "band": "r"},
        {"instrument": "Cam", "name": "Cam-g", "band": "g"},
    )
    registry.insertDimensionData(
        "detector",
        *[
            {"instrument": "Cam", "id": i, "full_name": f"D{i}", "purpose": "SCIENCE"}
            for i in range(4)
        ],
    )
    registry.insertDimensionData("day_obs", {"instrument": "Cam", "id": 20260101})
    registry.insertDimensionData(
        "group", *[{"instrument": "Cam", "name": f"g{i}"} for i in range(3)]
    )
    registry.insertDimensionData(
        "exposure",
        *[
            {
                "instrument": "Cam",
                "id": 100 + i,
                "obs_id": f"E{i}",
                "physical_filter": "Cam-r",
                "group": f"g{i}",
                "day_obs": 20260101,
                "timespan": Timespan(
                    _tai(f"2026-0{i + 1}-01T00:00:00"), _tai(f"2026-0{i + 1}-01T00:01:00")
                ),
            }
            for i in range(3)
        ],
    )


def _concurrent_worker(url: str, worker: int, count: int, batch: int) -> int:
    """Insert ``count`` datasets into a run of its own and prepend that run to a shared chain."""
    registry = Registry.fromConfig(url)
    run = f"run/{worker}"
    registry.registerRun(run)
    dataset_type = registry.getDatasetType("flat_thing")
    inserted = 0
    for start in range(0, count, batch):
        ids = [
            {"instrument": "Cam", "detector": (worker * count + i) % 4}
            for i in range(start, start + batch)
        ]
        # Distinct data IDs per run: the detector alone repeats, so use one run per batch.
        sub_run = f"{run}/{start}"
        registry.registerRun(sub_run)
        registry.insertDatasets(dataset_type, ids[:4], run=sub_run)
        inserted += len(ids[:4])
        registry.registerCollection(f"chain-member/{worker}/{start}", CollectionType.TAGGED)
        with registry.transaction():
            chain = registry.getCollectionChain("shared-chain")
            registry.setCollectionChain("shared-chain", [f"chain-member/{worker}/{start}", *chain])
    registry.close()
    return inserted


class RegistryConformance:
    """Tests of the `Registry` API every database backend must pass.

    Subclass it and provide ``registry_url``: the URL of a fresh, empty
    database for each test.
    """

    @pytest.fixture
    def registry_url(self) -> str:
        """Return the URL of a fresh, empty database."""
        raise NotImplementedError("Subclasses provide the registry_url fixture.")

    @pytest.fixture
    def registry(self, registry_url: str) -> Iterator[Registry]:
        """Create a registry in the fresh database."""
        registry = Registry.createFromConfig(registry_url)
        yield registry
        registry.close()

    @pytest.fixture
    def camera(self, registry: Registry) -> Registry:
        """Return a registry holding the small camera of `populate`."""
        populate(registry)
        return registry

    # ------------------------------------------------------------ life cycle

    def test_create_then_open(self, registry_url: str) -> None:
        created = Registry.createFromConfig(registry_url)
        populate(created)
        created.registerRun("r")
        created.close()
        opened = Registry.fromConfig(registry_url)
        assert opened.dimensions.version == 8
        assert opened.getCollectionType("r") is CollectionType.RUN
        record = opened.expandDataId(instrument="Cam", detector=2).records["detector"]
        assert record is not None
        assert record.toDict()["full_name"] == "D2"
        opened.close()

    # ------------------------------------------------------------ the full story

    def test_datasets_in_runs_chains_and_tags(self, camera: Registry) -> None:
        registry = camera
        raw = DatasetType(
            "raw", registry.dimensions.conform(["exposure", "detector"]), "StructuredDataDict"
        )
        assert registry.registerDatasetType(raw)
        assert not registry.registerDatasetType(raw), (
            "registering the same definition again is a no-op"
        )
        registry.registerRun("old")
        registry.registerRun("new")
        data_id = {"instrument": "Cam", "exposure": 100, "detector": 1}
        (old_ref,) = registry.insertDatasets(raw, [data_id], run="old")
        (new_ref,) = registry.insertDatasets("raw", [data_id], run="new")
        assert old_ref.id != new_ref.id
        assert registry.findDataset("raw", data_id, collections=["old", "new"]) == old_ref
        assert registry.findDataset("raw", data_id, collections=["new", "old"]) == new_ref
        assert registry.getDataset(new_ref.id) == new_ref

        registry.registerCollection("defaults", CollectionType.CHAINED)
        registry.setCollectionChain("defaults", ["new", "old"])
        assert registry.getCollectionChain("defaults") == ("new", "old")
        assert registry.findDataset("raw", data_id, collections="defaults") == new_ref
        assert (
            registry.findDataset(
                "raw", instrument="Cam", exposure=100, detector=2, collections="defaults"
            )
            is None
        )

        registry.registerCollection("best", CollectionType.TAGGED, doc="hand-picked")
        registry.associate("best", [old_ref])
        assert registry.findDataset("raw", data_id, collections="best") == old_ref
        assert registry.getCollectionDocumentation("best") == "hand-picked"
        registry.disassociate("best", [old_ref])
        assert registry.findDataset("raw", data_id, collections="best") is None
        assert registry.getDataset(old_ref.id) == old_ref, "disassociating keeps the dataset"

        registry.removeDatasets([new_ref])
        assert registry.getDataset(new_ref.id) is None
        assert registry.findDataset("raw", data_id, collections="defaults") == old_ref

    def test_deterministic_ids(self, camera: Registry) -> None:
        registry = camera
        raw = DatasetType(
            "raw", registry.dimensions.conform(["exposure", "detector"]), "StructuredDataDict"
        )
        registry.registerDatasetType(raw)
        registry.registerRun("Cam/raw/all")
        (ref,) = registry.insertDatasets(
            raw,
            [{"instrument": "Cam", "exposure": 101, "detector": 3}],
            run="Cam/raw/all",
            idGenerationMode=DatasetIdGenEnum.DATAID_TYPE_RUN,
        )
        expected = uuid.uuid5(
            uuid.UUID("840b31d9-05cd-5161-b2c8-00d32b280d0f"),
            "dataset_type=raw,run=Cam/raw/all,detector=3,exposure=101,instrument=Cam",
        )
        assert ref.id == expected

    def test_calibrations(self, camera: Registry) -> None:
        registry = camera
        bias = DatasetType(
            "bias",
            registry.dimensions.conform(["detector"]),
            "StructuredDataDict",
            isCalibration=True,
        )
        registry.registerDatasetType(bias)
        registry.registerRun("calib/run")
        early, late = (
            registry.insertDatasets(
                bias, [{"instrument": "Cam", "detector": 0}], run=f"calib/run/{n}"
            )
            if registry.registerRun(f"calib/run/{n}") or True
            else None
            for n in ("a", "b")
        )
        registry.registerCollection("calib", CollectionType.CALIBRATION)
        jan_to_feb = Timespan(_tai("2026-01-01"), _tai("2026-02-15"))
        feb_on = Timespan(_tai("2026-02-15"), None)
        registry.certify("calib", early, jan_to_feb)
        registry.certify("calib", late, feb_on)
        with pytest.raises(ConflictingDefinitionError, match="bias"):
            registry.certify("calib", late, Timespan(_tai("2026-02-01"), _tai("2026-03-01")))
        # Lookup by the exposure's own time.
        found = registry.findDataset(
            "bias", instrument="Cam", detector=0, exposure=100, collections="calib"
        )
        assert found is not None
        assert found.id == early[0].id
        found = registry.findDataset(
            "bias", instrument="Cam", detector=0, exposure=102, collections="calib"
        )
        assert found is not None
        assert found.id == late[0].id
        # An explicit timespan wins; decertify splits a range in two.
        registry.decertify("calib", "bias", Timespan(_tai("2026-01-10"), _tai("2026-01-20")))
        assert (
            registry.findDataset(
                "bias",
                instrument="Cam",
                detector=0,
                collections="calib",
                timespan=Timespan.fromInstant(_tai("2026-01-15")),
            )
            is None
        )
        for day in ("2026-01-05", "2026-01-25"):
            hit = registry.findDataset(
                "bias",
                instrument="Cam",
                detector=0,
                collections="calib",
                timespan=Timespan.fromInstant(_tai(day)),
            )
            assert hit is not None
            assert hit.id == early[0].id
        with pytest.raises(CollectionTypeError):
            registry.certify("calib/run/a", early, jan_to_feb)

    # ------------------------------------------------------------ bad input

    def test_unknown_collection_suggests_names(self, camera: Registry) -> None:
        camera.registerRun("HSC/runs/RC2")
        with pytest.raises(MissingCollectionError, match="HSC/runs/RC2"):
            camera.getCollectionType("HSC/runs/RC3")

    def test_chain_cycle_refused(self, registry: Registry) -> None:
        registry.registerCollection("a", CollectionType.CHAINED)
        registry.registerCollection("b", CollectionType.CHAINED)
        registry.setCollectionChain("a", ["b"])
        with pytest.raises(CollectionCycleError):
            registry.setCollectionChain("b", ["a"])
        assert registry.getCollectionChain("b") == ()

    def test_removal_rules(self, camera: Registry) -> None:
        registry = camera
        flat = DatasetType("flat", registry.dimensions.conform(["detector"]), "StructuredDataDict")
        registry.registerDatasetType(flat)
        registry.registerRun("r")
        (ref,) = registry.insertDatasets(flat, [{"instrument": "Cam", "detector": 1}], run="r")
        registry.registerCollection("chain", CollectionType.CHAINED)
        registry.setCollectionChain("chain", ["r"])
        with pytest.raises(OrphanedRecordError, match="chain"):
            registry.removeCollection("r")
        with pytest.raises(OrphanedRecordError, match="flat"):
            registry.removeDatasetType("flat")
        registry.setCollectionChain("chain", [])
        registry.removeCollection("r")
        assert registry.getDataset(ref.id) is None, "removing a run removes its datasets"
        registry.removeDatasetType("flat")
        with pytest.raises(KeyError):
            registry.getDatasetType("flat")

    def test_conflicting_dataset_type_definition(self, registry: Registry) -> None:
        one = DatasetType("thing", registry.dimensions.conform(["detector"]), "StructuredDataDict")
        registry.registerDatasetType(one)
        other = DatasetType("thing", registry.dimensions.conform(["visit"]), "StructuredDataDict")
        with pytest.raises(ConflictingDefinitionError, match="thing"):
            registry.registerDatasetType(other)
        registry.registerRun("r")
        with pytest.raises(DatasetTypeError):
            registry.insertDatasets(other, [{"instrument": "Cam", "visit": 1}], run="r")

    def test_missing_dimension_record_named(self, camera: Registry) -> None:
        flat = DatasetType("flat", camera.dimensions.conform(["detector"]), "StructuredDataDict")
        camera.registerDatasetType(flat)
        camera.registerRun("r")
        with pytest.raises(LookupError, match="detector") as info:
            camera.insertDatasets(
                flat,
                [{"instrument": "Cam", "detector": 1}, {"instrument": "Cam", "detector": 99}],
                run="r",
            )
        assert "99" in str(info.value)
        assert camera.findDataset("flat", instrument="Cam", detector=1, collections="r") is None, (
            "a failed insert leaves nothing behind"
        )

    def test_duplicate_insert_leaves_nothing(self, camera: Registry) -> None:
        flat = DatasetType("flat", camera.dimensions.conform(["detector"]), "StructuredDataDict")
        camera.registerDatasetType(flat)
        camera.registerRun("r")
        camera.insertDatasets(flat, [{"instrument": "Cam", "detector": 1}], run="r")
        with pytest.raises(ConflictingDefinitionError):
            camera.insertDatasets(
                flat,
                [{"instrument": "Cam", "detector": 2}, {"instrument": "Cam", "detector": 1}],
                run="r",
            )
        assert camera.findDataset("flat", instrument="Cam", detector=2, collections="r") is None

    # ------------------------------------------------------------ many writers

    def test_concurrent_writers(self, registry_url: str) -> None:
        registry = Registry.createFromConfig(registry_url)
        populate(registry)
        registry.registerDatasetType(
            DatasetType(
                "flat_thing", registry.dimensions.conform(["detector"]), "StructuredDataDict"
            )
        )
        registry.registerCollection("shared-chain", CollectionType.CHAINED)
        registry.close()
        workers, count, batch = 16, 40, 10
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers) as pool:
            results = pool.starmap(
                _concurrent_worker, [(registry_url, w, count, batch) for w in range(workers)]
            )
        assert sum(results) == workers * (count // batch) * 4
        registry = Registry.fromConfig(registry_url)
        chain = registry.getCollectionChain("shared-chain")
        assert len(chain) == workers * (count // batch)
        assert len(set(chain)) == len(chain)
        runs = registry.queryCollections("run/*", collectionTypes=CollectionType.RUN)
        assert len(runs) == workers * (1 + count // batch)
        registry.close()
