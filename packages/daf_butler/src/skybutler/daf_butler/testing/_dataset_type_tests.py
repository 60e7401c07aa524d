"""Conformance tests of the dataset type manager."""

from __future__ import annotations

__all__ = ["DatasetTypeTests"]

import re

import pytest
import sqlalchemy as sa

from .._dataset_type import DatasetType
from ..dimensions import DimensionUniverse
from ..errors import (
    ConflictingDefinitionError,
    DatasetTypeError,
    MissingDatasetTypeError,
    OrphanedRecordError,
    RegistryError,
)
from ..registry import RegistryManagers
from ..registry.datasets import (
    DatasetManager,
    DatasetTypeManager,
    calibs_table_name,
    dimension_foreign_keys,
    tags_table_name,
)
from ._dataset_fixtures import DatasetFixtures, raw_ids
from ._registry_base import reopen


class DatasetTypeTests(DatasetFixtures):
    """Tests of `DatasetTypeManager`."""

    def test_register_is_idempotent(
        self, dataset_types: DatasetTypeManager, raw: DatasetType
    ) -> None:
        assert dataset_types.register(raw) is True
        assert dataset_types.register(raw) is False
        assert dataset_types.get("raw") == raw
        again = DatasetType("raw", raw.dimensions, "int")
        assert dataset_types.register(again) is False

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"dimensions": ["instrument", "detector"]}, "dimensions"),
            ({"storageClass": "StructuredDataDict"}, "storage class 'int' (registered) vs "),
            ({"isCalibration": True}, "isCalibration False (registered) vs True (given)"),
        ],
        ids=["dimensions", "storage-class", "calibration"],
    )
    def test_conflicting_registration(
        self,
        dataset_types: DatasetTypeManager,
        universe: DimensionUniverse,
        raw: DatasetType,
        change: dict[str, object],
        expected: str,
    ) -> None:
        dataset_types.register(raw)
        arguments: dict[str, object] = {
            "dimensions": ["instrument", "detector", "exposure"],
            "storageClass": "int",
            "isCalibration": False,
            **change,
        }
        other = DatasetType("raw", universe=universe, **arguments)  # type: ignore[arg-type]
        with pytest.raises(ConflictingDefinitionError, match=re.escape(expected)) as info:
            dataset_types.register(other)
        assert "'raw'" in str(info.value)
        assert dataset_types.get("raw") == raw
        # A fresh process sees the first definition too.
        assert RegistryManagers.open(reopen(dataset_types._db)).dataset_types.get("raw") == raw

    def test_components_are_not_registered(
        self, dataset_types: DatasetTypeManager, calexp: DatasetType
    ) -> None:
        component = calexp.makeComponentDatasetType("image")
        with pytest.raises(DatasetTypeError, match="register its composite 'calexp'"):
            dataset_types.register(component)
        with pytest.raises(MissingDatasetTypeError):
            dataset_types.get("calexp")

    def test_components_resolve_from_parent(
        self, dataset_types: DatasetTypeManager, calexp: DatasetType
    ) -> None:
        dataset_types.register(calexp)
        image = dataset_types.get("calexp.image")
        assert image == calexp.makeComponentDatasetType("image")
        assert image.isComponent()
        assert image.parentStorageClass_name == "MaskedImage"
        with pytest.raises(MissingDatasetTypeError, match=r"'calexp\.nothing'") as info:
            dataset_types.get("calexp.nothing")
        assert isinstance(info.value, KeyError)
        with pytest.raises(MissingDatasetTypeError):
            dataset_types.get("raw.image")

    def test_unknown_type_suggests_close_names(
        self, dataset_types: DatasetTypeManager, raw: DatasetType, bias: DatasetType
    ) -> None:
        dataset_types.register(raw)
        dataset_types.register(bias)
        with pytest.raises(MissingDatasetTypeError, match="Did you mean 'raw'") as info:
            dataset_types.get("rwa")
        assert isinstance(info.value, KeyError)
        assert str(info.value).startswith("Dataset type 'rwa' is not registered")
        with pytest.raises(MissingDatasetTypeError) as info:
            dataset_types.get("zzzzzzz")
        assert "Did you mean" not in str(info.value)

    @pytest.mark.parametrize(
        ("expression", "expected"),
        [
            (..., ["bias", "calexp", "flat", "raw"]),
            ("*", ["bias", "calexp", "flat", "raw"]),
            ("raw", ["raw"]),
            ("*a*", ["bias", "calexp", "flat", "raw"]),
            ("?a?", ["raw"]),
            ("[bf]*", ["bias", "flat"]),
            (re.compile("b.*|r.*"), ["bias", "raw"]),
            (["flat", "b*"], ["bias", "flat"]),
            ("calexp.mask", ["calexp.mask"]),
            ("nothing*", []),
        ],
        ids=[
            "ellipsis",
            "star",
            "name",
            "glob",
            "question",
            "brackets",
            "regex",
            "list",
            "component",
            "no-match",
        ],
    )
    def test_query(self, repo: RegistryManagers, expression: object, expected: list[str]) -> None:
        found = repo.dataset_types.query(expression)
        assert [t.name for t in found] == expected

    def test_query_reports_missing_names(self, repo: RegistryManagers) -> None:
        missing: list[str] = []
        found = repo.dataset_types.query(["raw", "unknown", "b*"], missing=missing)
        assert [t.name for t in found] == ["bias", "raw"]
        assert missing == ["unknown"]

    def test_tables_per_dimension_group(
        self, repo: RegistryManagers, raw: DatasetType, calexp: DatasetType, bias: DatasetType
    ) -> None:
        types = repo.dataset_types
        raw_record, calexp_record, bias_record = (types.record(t.name) for t in (raw, calexp, bias))
        assert raw_record.tags is calexp_record.tags  # same dimensions, one table
        assert raw_record.calibs is None
        assert bias_record.tags is not raw_record.tags
        assert bias_record.calibs is not None
        assert bias_record.tags.name == tags_table_name(bias_record.dimensions_key)
        assert bias_record.calibs.name == calibs_table_name(bias_record.dimensions_key)
        names = repo.db.table_names()
        assert {raw_record.tags.name, bias_record.tags.name, bias_record.calibs.name} <= names
        assert "collection_summary_instrument" in names
        assert calibs_table_name(raw_record.dimensions_key) not in names

    def test_dimensionless_type(self, repo: RegistryManagers, universe: DimensionUniverse) -> None:
        config = DatasetType("config", [], "StructuredDataDict", universe=universe)
        assert repo.dataset_types.register(config)
        (ref,) = repo.datasets.insert(config, "run1", [{}])
        assert repo.datasets.find("config", {}, "run1") == ref
        with pytest.raises(ConflictingDefinitionError, match="already has dataset"):
            repo.datasets.insert(config, "run1", [{}])
        reopened = RegistryManagers.open(reopen(repo.db))
        assert reopened.dataset_types.get("config") == config

    def test_other_process_sees_registrations(self, repo: RegistryManagers) -> None:
        other = RegistryManagers.open(reopen(repo.db))
        assert [t.name for t in other.dataset_types.query(...)] == [
            "bias",
            "calexp",
            "flat",
            "raw",
        ]
        assert other.dataset_types.get("flat").isCalibration()
        assert (
            other.dataset_types.get("flat").dimensions == repo.dataset_types.get("flat").dimensions
        )

    def test_rollback_forgets_registration(
        self, dataset_types: DatasetTypeManager, raw: DatasetType
    ) -> None:
        with pytest.raises(RuntimeError, match="undo"), dataset_types._db.transaction(write=True):
            assert dataset_types.register(raw)
            assert dataset_types.get("raw") == raw
            raise RuntimeError("undo")
        with pytest.raises(MissingDatasetTypeError):
            dataset_types.get("raw")
        assert dataset_types.register(raw) is True

    def test_remove(self, repo: RegistryManagers, raw: DatasetType) -> None:
        refs = repo.datasets.insert(raw, "run1", raw_ids(range(3), [1]))
        repo.datasets.insert(raw, "run2", raw_ids([7], [1]))
        with pytest.raises(OrphanedRecordError) as info:
            repo.dataset_types.remove("raw")
        message = str(info.value)
        assert "4 dataset(s)" in message
        assert "'run1' (3)" in message
        assert "'run2' (1)" in message
        assert repo.dataset_types.get("raw") == raw
        repo.datasets.remove(refs)
        with pytest.raises(OrphanedRecordError, match=r"1 dataset\(s\).*'run2' \(1\)"):
            repo.dataset_types.remove("raw")
        repo.collections.remove("run2")
        assert repo.dataset_types.remove("raw") == ["raw"]
        with pytest.raises(MissingDatasetTypeError):
            repo.dataset_types.get("raw")
        other = RegistryManagers.open(reopen(repo.db))
        assert [t.name for t in other.dataset_types.query(...)] == ["bias", "calexp", "flat"]
        # Registering it again works, with a new key.
        assert repo.dataset_types.register(raw) is True

    def test_remove_patterns_and_errors(self, repo: RegistryManagers, raw: DatasetType) -> None:
        repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        with pytest.raises(OrphanedRecordError, match="'raw'"):
            repo.dataset_types.remove("*")
        assert len(repo.dataset_types.query(...)) == 4  # nothing removed
        assert repo.dataset_types.remove(["bias", "f*"]) == ["bias", "flat"]
        assert repo.dataset_types.remove("nothing*") == []
        assert repo.dataset_types.remove("nothing") == []  # idempotent, as upstream
        with pytest.raises(DatasetTypeError, match="component"):
            repo.dataset_types.remove("calexp.image")

    def test_summary_rows_follow_type_removal(
        self, repo: RegistryManagers, bias: DatasetType
    ) -> None:
        refs = repo.datasets.insert(bias, "run1", [{"instrument": "Cam", "detector": 1}])
        table = repo.dataset_types.summaries.table
        key = repo.dataset_types.record("bias").key
        query = sa.select(sa.func.count()).where(table.c.dataset_type_id == key)
        assert repo.db.fetch_scalar(query) == 1
        repo.datasets.remove(refs)
        repo.dataset_types.remove("bias")
        assert repo.db.fetch_scalar(query) == 0

    def test_limits_of_stored_names(
        self, dataset_types: DatasetTypeManager, universe: DimensionUniverse
    ) -> None:
        long_name = DatasetType("x" * 129, ["instrument"], "int", universe=universe)
        with pytest.raises(DatasetTypeError, match="129 characters"):
            dataset_types.register(long_name)
        long_class = DatasetType("y", ["instrument"], "S" * 65, universe=universe)
        with pytest.raises(DatasetTypeError, match="storage class name has 65"):
            dataset_types.register(long_class)
        assert dataset_types.query(...) == []

    def test_dimension_foreign_keys(
        self, managers: RegistryManagers, universe: DimensionUniverse
    ) -> None:
        """With the hook, dataset tables refer to dimension tables (which then need records)."""
        db = managers.db
        tables = db.get_existing_tables(
            {**DatasetTypeManager.table_specs(), **DatasetManager.table_specs()}
        )
        types = DatasetTypeManager(
            db,
            tables,
            universe,
            managers.collections,
            dimension_foreign_keys=dimension_foreign_keys(db, universe),
        )
        datasets = DatasetManager(db, tables, types, managers.collections)
        flat = DatasetType(
            "flat",
            ["instrument", "detector", "physical_filter"],
            "int",
            universe=universe,
            isCalibration=True,
        )
        types.register(flat)
        record = types.record("flat")
        assert record.calibs is not None
        for table in (record.tags, record.calibs):
            referenced = {key.referred_table.name for key in table.foreign_key_constraints}
            # instrument is implied by the keys to detector and physical_filter.
            assert {"detector", "physical_filter"} <= referenced
            assert "instrument" not in referenced
        summary = types.summaries.governor_table("instrument")
        assert {k.referred_table.name for k in summary.foreign_key_constraints} >= {"instrument"}
        managers.collections.register("run")
        data_id = {"instrument": "Cam", "detector": 1, "physical_filter": "Cam_g", "band": "g"}
        with pytest.raises(RegistryError, match="dimension record"):
            datasets.insert(flat, "run", [data_id])
        dimensions = managers.dimensions
        dimensions.insert("instrument", [{"name": "Cam", "detector_max": 10, "class_name": "x"}])
        dimensions.insert("detector", [{"instrument": "Cam", "id": 1, "full_name": "d1"}])
        dimensions.insert("physical_filter", [{"instrument": "Cam", "name": "Cam_g", "band": "g"}])
        (ref,) = datasets.insert(flat, "run", [data_id])
        assert datasets.find(flat, data_id, "run") == ref

    def test_refresh_forgets_what_other_processes_changed(self, repo: RegistryManagers) -> None:
        assert repo.dataset_types.get("bias").isCalibration()
        other = RegistryManagers.open(reopen(repo.db))
        other.dataset_types.remove("bias")
        other.dataset_types.register(
            DatasetType("bias", ["instrument"], "int", universe=repo.dimensions.universe)
        )
        assert repo.dataset_types.get("bias").isCalibration()  # cached in this process
        repo.datasets.refresh()
        bias = repo.dataset_types.get("bias")
        assert not bias.isCalibration()
        assert list(bias.dimensions.required) == ["instrument"]
        (ref,) = repo.datasets.insert(bias, "run1", [{"instrument": "Cam"}])
        assert other.datasets.find("bias", {"instrument": "Cam"}, "run1") == ref
