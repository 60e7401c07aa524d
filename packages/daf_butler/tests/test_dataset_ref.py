"""DatasetRef, dataset IDs (UUIDv7 and name-based UUIDv5) and DatasetExistence."""

from __future__ import annotations

import hashlib
import json
import pickle
import time
import uuid
from typing import Any

import pytest

from skybutler.daf_butler._dataset_existence import DatasetExistence
from skybutler.daf_butler._dataset_ref import DatasetRef
from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler._storage_class import StorageClass
from skybutler.daf_butler._storage_class_factory import StorageClassFactory
from skybutler.daf_butler._uuid import (
    NS_UUID,
    DatasetIdFactory,
    DatasetIdGenEnum,
    dataset_id_text,
    generate_uuidv7,
)
from skybutler.daf_butler.dimensions import DataCoordinate, DimensionUniverse
from skybutler.daf_butler.errors import DatasetTypeError, DimensionError, DimensionNameError

RAW_DATA_ID = {"instrument": "DECam", "detector": 56, "exposure": 411371}


@pytest.fixture(scope="module")
def universe() -> DimensionUniverse:
    return DimensionUniverse()


@pytest.fixture
def storage_classes() -> dict[str, StorageClass]:
    part = StorageClass("SkyRefPart", pytype=list)
    classes = {
        "part": part,
        "composite": StorageClass(
            "SkyRefComposite", pytype=dict, components={"left": part, "right": part}
        ),
        "mapping": StorageClass("SkyRefMapping", pytype="collections.abc.Mapping"),
    }
    for storage_class in classes.values():
        StorageClassFactory().registerStorageClass(storage_class)
    return classes


@pytest.fixture
def raw(universe: DimensionUniverse, storage_classes: Any) -> DatasetType:
    return DatasetType(
        "raw", ["instrument", "exposure", "detector"], "SkyRefComposite", universe=universe
    )


def _manual_uuid5(namespace: uuid.UUID, text: str) -> uuid.UUID:
    """UUIDv5 by the RFC recipe, written out without the uuid module's helper."""
    digest = bytearray(hashlib.sha1(namespace.bytes + text.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    return uuid.UUID(bytes=bytes(digest))


class TestDatasetIds:
    def test_namespace(self) -> None:
        assert uuid.uuid5(uuid.NAMESPACE_DNS, "lsst.org") == NS_UUID
        assert DatasetIdFactory.NS_UUID == NS_UUID

    def test_enum_values(self) -> None:
        assert [(m.name, m.value) for m in DatasetIdGenEnum] == [
            ("UNIQUE", 0),
            ("DATAID_TYPE", 1),
            ("DATAID_TYPE_RUN", 2),
        ]

    @pytest.mark.parametrize(
        ("detector", "expected"),
        [
            (56, "3f452f1d-b8a5-5202-8190-4e723004a6ba"),
            (60, "5d32ede2-f2ca-5d3b-b900-bba4a00c3bf9"),
        ],
        ids=["detector56", "detector60"],
    )
    def test_spec_vectors_run_mode(self, raw: DatasetType, detector: int, expected: str) -> None:
        ref = DatasetRef(
            raw,
            {**RAW_DATA_ID, "detector": detector},
            "DECam/raw/all",
            id_generation_mode=DatasetIdGenEnum.DATAID_TYPE_RUN,
        )
        assert ref.id == uuid.UUID(expected)

    def test_recipe_text(self, raw: DatasetType) -> None:
        data_id = DataCoordinate.standardize(RAW_DATA_ID, dimensions=raw.dimensions)
        assert dataset_id_text("raw", data_id.required, "DECam/raw/all") == (
            "dataset_type=raw,run=DECam/raw/all,detector=56,exposure=411371,instrument=DECam"
        )
        assert dataset_id_text("raw", data_id.required) == (
            "dataset_type=raw,detector=56,exposure=411371,instrument=DECam"
        )

    @pytest.mark.parametrize(
        ("name", "dimensions", "data_id", "text"),
        [
            (
                "raw",
                ["instrument", "exposure", "detector"],
                RAW_DATA_ID,
                "dataset_type=raw,detector=56,exposure=411371,instrument=DECam",
            ),
            (
                "deepCoadd",
                ["skymap", "tract", "patch", "band"],
                {"skymap": "rings", "tract": 9813, "patch": 42, "band": "i"},
                "dataset_type=deepCoadd,band=i,patch=42,skymap=rings,tract=9813",
            ),
            (
                # Only required values count: band is implied by physical_filter.
                "calexp",
                ["instrument", "visit", "detector"],
                {
                    "instrument": "HSC",
                    "visit": 903334,
                    "detector": 16,
                    "physical_filter": "HSC-R",
                    "band": "r",
                    "day_obs": 20130617,
                },
                "dataset_type=calexp,detector=16,instrument=HSC,visit=903334",
            ),
            ("skyMap", [], {}, "dataset_type=skyMap"),
        ],
        ids=["raw", "coadd", "calexp_full", "no_dimensions"],
    )
    def test_dataid_type_mode_vectors(
        self,
        universe: DimensionUniverse,
        storage_classes: Any,
        name: str,
        dimensions: list[str],
        data_id: dict[str, Any],
        text: str,
    ) -> None:
        dataset_type = DatasetType(name, dimensions, "SkyRefMapping", universe=universe)
        expected = _manual_uuid5(NS_UUID, text)
        for run in ("run_a", "other/run"):
            ref = DatasetRef(
                dataset_type, data_id, run, id_generation_mode=DatasetIdGenEnum.DATAID_TYPE
            )
            assert ref.id == expected
            assert ref.id.version == 5
        with_run = DatasetRef(
            dataset_type, data_id, "run_a", id_generation_mode=DatasetIdGenEnum.DATAID_TYPE_RUN
        )
        run_text = text.replace(f"dataset_type={name}", f"dataset_type={name},run=run_a", 1)
        assert with_run.id == _manual_uuid5(NS_UUID, run_text)

    def test_uuidv7_layout(self) -> None:
        before = time.time_ns() // 1_000_000
        value = generate_uuidv7()
        after = time.time_ns() // 1_000_000
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
        assert before <= value.int >> 80 <= after

    def test_uuidv7_monotonic_and_unique(self) -> None:
        values = [generate_uuidv7() for _ in range(20000)]
        assert values == sorted(values)
        assert len(set(values)) == len(values)

    def test_unique_mode(self, raw: DatasetType) -> None:
        a = DatasetRef(raw, RAW_DATA_ID, "run")
        b = DatasetRef(raw, RAW_DATA_ID, "run")
        assert a.id.version == 7
        assert a.id != b.id
        assert a != b


class TestDatasetRef:
    def test_construction(self, raw: DatasetType, universe: DimensionUniverse) -> None:
        dataset_id = uuid.UUID("3f452f1d-b8a5-5202-8190-4e723004a6ba")
        ref = DatasetRef(raw, RAW_DATA_ID, "DECam/raw/all", id=str(dataset_id))
        assert ref.id == dataset_id
        assert ref.run == "DECam/raw/all"
        assert ref.datasetType is raw
        assert ref.dimensions == raw.dimensions
        assert ref.dataId == RAW_DATA_ID
        assert ref.dataId.dimensions == raw.dimensions
        assert ref.datastore_records is None
        assert str(ref) == (
            "raw@{instrument: 'DECam', detector: 56, exposure: 411371} [sc=SkyRefComposite] "
            "(run=DECam/raw/all id=3f452f1d-b8a5-5202-8190-4e723004a6ba)"
        )
        assert repr(ref).startswith("DatasetRef(DatasetType('raw'")
        assert ref.isComposite()
        assert not ref.isComponent()

    def test_construction_errors(self, raw: DatasetType) -> None:
        with pytest.raises(DimensionNameError, match="'exposure'"):
            DatasetRef(raw, {"instrument": "DECam", "detector": 1}, "run")
        with pytest.raises(DimensionError, match="conform=False"):
            DatasetRef(raw, RAW_DATA_ID, "run", conform=False)
        with pytest.raises(TypeError, match="run name"):
            DatasetRef(raw, RAW_DATA_ID, None)  # type: ignore[arg-type]
        with pytest.raises(DatasetTypeError, match="needs a DatasetType"):
            DatasetRef("raw", RAW_DATA_ID, "run")  # type: ignore[arg-type]
        data_id = DataCoordinate.standardize(RAW_DATA_ID, dimensions=raw.dimensions)
        assert DatasetRef(raw, data_id, "run", conform=False).dataId is data_id

    def test_equality(self, raw: DatasetType, universe: DimensionUniverse) -> None:
        dataset_id = uuid.uuid4()
        a = DatasetRef(raw, RAW_DATA_ID, "run", id=dataset_id)
        b = DatasetRef(raw, dict(RAW_DATA_ID), "other_run", id=dataset_id)
        assert a == b  # the run is not part of equality
        assert hash(a) == hash(b)
        assert a != DatasetRef(raw, {**RAW_DATA_ID, "detector": 1}, "run", id=dataset_id)
        renamed = DatasetType("raw2", raw.dimensions, raw.storageClass_name)
        assert a != DatasetRef(renamed, RAW_DATA_ID, "run", id=dataset_id)
        assert a != dataset_id
        refs = [
            DatasetRef(raw, {**RAW_DATA_ID, "detector": d}, run)
            for run, d in [("b", 1), ("a", 9), ("a", 2)]
        ]
        assert [(r.run, r.dataId["detector"]) for r in sorted(refs)] == [
            ("a", 2),
            ("a", 9),
            ("b", 1),
        ]

    def test_components(self, raw: DatasetType) -> None:
        ref = DatasetRef(raw, RAW_DATA_ID, "run", datastore_records={"file": ["x"]})
        left = ref.makeComponentRef("left")
        assert left.datasetType.name == "raw.left"
        assert left.isComponent()
        assert left.id == ref.id
        assert left.run == ref.run
        assert left.datastore_records == {"file": ["x"]}
        assert left.makeCompositeRef() == ref
        with pytest.raises(DatasetTypeError, match="no component 'middle'"):
            ref.makeComponentRef("middle")

    def test_replace_and_override(self, raw: DatasetType) -> None:
        ref = DatasetRef(raw, RAW_DATA_ID, "run", datastore_records={"a": [1]})
        moved = ref.replace(run="elsewhere")
        assert moved.run == "elsewhere"
        assert moved.id == ref.id
        assert moved.datastore_records == {"a": [1]}
        assert ref.replace(datastore_records=None).datastore_records is None
        new_id = uuid.uuid4()
        assert ref.replace(id=new_id).id == new_id
        as_mapping = ref.overrideStorageClass("SkyRefMapping")
        assert as_mapping.datasetType.storageClass_name == "SkyRefMapping"
        assert as_mapping.id == ref.id
        assert as_mapping != ref
        assert ref.is_compatible_with(ref)
        assert as_mapping.is_compatible_with(ref)
        assert not ref.is_compatible_with(as_mapping)
        assert not ref.is_compatible_with(moved)
        assert ref.conform_to(as_mapping.datasetType) == as_mapping
        assert ref.conform_to(raw) is ref
        with pytest.raises(DatasetTypeError, match="not compatible"):
            as_mapping.conform_to(raw)
        with pytest.raises(DatasetTypeError, match="not compatible"):
            ref.overrideStorageClass("SkyRefPart")

    def test_expanded(self, raw: DatasetType, universe: DimensionUniverse) -> None:
        ref = DatasetRef(
            DatasetType("bias", ["instrument", "detector"], "SkyRefMapping", universe=universe),
            {"instrument": "HSC", "detector": 5},
            "run",
        )
        records = {
            "instrument": universe["instrument"].RecordClass(name="HSC"),
            "detector": universe["detector"].RecordClass(instrument="HSC", id=5, full_name="x"),
        }
        expanded = ref.expanded(ref.dataId.expanded(records))
        assert expanded == ref
        assert expanded.dataId.hasRecords()
        assert expanded.dataId.detector.full_name == "x"
        with pytest.raises(DimensionError, match="must be an expanded data ID"):
            ref.expanded(ref.dataId)

    def test_grouping(self, raw: DatasetType, universe: DimensionUniverse) -> None:
        other = DatasetType("bias", ["instrument", "detector"], "SkyRefMapping", universe=universe)
        refs = [
            DatasetRef(raw, RAW_DATA_ID, "run"),
            DatasetRef(other, {"instrument": "HSC", "detector": 1}, "run"),
            DatasetRef(raw, {**RAW_DATA_ID, "detector": 2}, "run"),
        ]
        grouped = DatasetRef.groupByType(refs)
        assert list(grouped) == [raw, other]
        assert grouped[raw] == [refs[0], refs[2]]
        assert list(DatasetRef.iter_by_type(refs)) == [
            (raw, [refs[0], refs[2]]),
            (other, [refs[1]]),
        ]

    def test_round_trips(self, raw: DatasetType, universe: DimensionUniverse) -> None:
        ref = DatasetRef(raw, RAW_DATA_ID, "DECam/raw/all")
        simple = ref.to_simple()
        assert simple["id"] == str(ref.id)
        assert simple["run"] == "DECam/raw/all"
        assert simple["datasetType"] == raw.to_simple()
        assert simple["dataId"] == {"dataId": RAW_DATA_ID, "records": None}
        again = DatasetRef.from_simple(json.loads(json.dumps(simple)), universe=universe)
        assert again == ref
        assert again.run == ref.run
        assert DatasetRef.from_simple(simple, datasetType=raw) == ref
        assert pickle.loads(pickle.dumps(ref)) == ref
        component = ref.makeComponentRef("right")
        assert DatasetRef.from_simple(component.to_simple()) == component

    def test_minimal_round_trip(self, raw: DatasetType) -> None:
        ref = DatasetRef(raw, RAW_DATA_ID, "run")
        component = ref.makeComponentRef("left")
        assert ref.to_simple(minimal=True) == {"id": str(ref.id)}
        assert component.to_simple(minimal=True) == {"id": str(ref.id), "component": "left"}
        with pytest.raises(DatasetTypeError, match="pass a registry"):
            DatasetRef.from_simple({"id": str(ref.id)})

        class FakeRegistry:
            dimensions = raw.dimensions.universe

            def getDataset(self, dataset_id: uuid.UUID) -> DatasetRef:
                assert dataset_id == ref.id
                return ref

        registry = FakeRegistry()
        assert DatasetRef.from_simple(ref.to_simple(minimal=True), registry=registry) is ref
        assert (
            DatasetRef.from_simple(component.to_simple(minimal=True), registry=registry)
            == component
        )


class TestDatasetExistence:
    def test_values(self) -> None:
        assert DatasetExistence.UNRECOGNIZED.value == 0
        assert DatasetExistence.KNOWN == (
            DatasetExistence.RECORDED | DatasetExistence.DATASTORE | DatasetExistence._ASSUMED
        )
        assert DatasetExistence.VERIFIED == (
            DatasetExistence.RECORDED | DatasetExistence.DATASTORE | DatasetExistence._ARTIFACT
        )
        assert (
            len(
                {
                    m.value
                    for m in (
                        DatasetExistence.RECORDED,
                        DatasetExistence.DATASTORE,
                        DatasetExistence._ARTIFACT,
                        DatasetExistence._ASSUMED,
                    )
                }
            )
            == 4
        )

    @pytest.mark.parametrize(
        ("flags", "exists"),
        [
            (DatasetExistence.UNRECOGNIZED, False),
            (DatasetExistence.RECORDED, False),
            (DatasetExistence.DATASTORE, False),
            (DatasetExistence.RECORDED | DatasetExistence.DATASTORE, False),
            (DatasetExistence.KNOWN, True),
            (DatasetExistence.VERIFIED, True),
        ],
        ids=["unrecognized", "recorded", "datastore", "artifact_missing", "known", "verified"],
    )
    def test_truth(self, flags: DatasetExistence, exists: bool) -> None:
        assert bool(flags) is exists
