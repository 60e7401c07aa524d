"""Conformance tests of the dataset manager: insertion, import, lookups and removal."""

from __future__ import annotations

__all__ = ["DatasetTests"]

import uuid

import pytest
import sqlalchemy as sa

from .._collection_type import CollectionType
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._timespan import Timespan
from .._uuid import DatasetIdGenEnum
from ..dimensions import DataCoordinate
from ..errors import (
    CollectionNameError,
    CollectionTypeError,
    ConflictingDefinitionError,
    MissingCollectionError,
    MissingDatasetTypeError,
)
from ..registry import RegistryManagers
from ._dataset_fixtures import DatasetFixtures, raw_ids
from ._registry_base import reopen

RUN, TAGGED, CHAINED, CALIBRATION = (
    CollectionType.RUN,
    CollectionType.TAGGED,
    CollectionType.CHAINED,
    CollectionType.CALIBRATION,
)


def _count(managers: RegistryManagers, table: sa.Table) -> int:
    return int(managers.db.fetch_scalar(sa.select(sa.func.count()).select_from(table)))


class DatasetTests(DatasetFixtures):
    """Tests of `DatasetManager` other than TAGGED and CALIBRATION collections."""

    # ------------------------------------------------------------ insert

    def test_insert_and_get(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_ids = raw_ids(range(3), range(2))
        refs = repo.datasets.insert(raw, "run1", data_ids)
        assert [ref.dataId for ref in refs] == [
            DataCoordinate.standardize(d, dimensions=raw.dimensions) for d in data_ids
        ]
        assert all(ref.run == "run1" and ref.datasetType == raw for ref in refs)
        assert len({ref.id for ref in refs}) == 6
        assert all(ref.id.version == 7 for ref in refs)
        # Every ID of a batch sorts after the previous batch's (time-ordered keys).
        later = repo.datasets.insert(raw, "run1", raw_ids([9], [0]))
        assert later[0].id > max(ref.id for ref in refs)
        other = RegistryManagers.open(reopen(repo.db))
        assert other.datasets.get_ref(refs[3].id) == refs[3]
        assert other.datasets.get_ref(str(refs[3].id)).run == "run1"  # type: ignore[union-attr]
        assert other.datasets.get_ref(uuid.uuid4()) is None
        wanted = [refs[5].id, uuid.uuid4(), refs[0].id, refs[5].id]
        assert other.datasets.get_refs(wanted) == [refs[5], refs[0], refs[5]]

    def test_ingest_date_is_tai_now(self, repo: RegistryManagers, raw: DatasetType) -> None:
        from astropy.time import Time

        (ref,) = repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        table = repo.datasets.table
        stored = repo.db.fetch_scalar(sa.select(table.c.ingest_date).where(table.c.id == ref.id))
        assert stored.scale == "tai"
        assert abs((Time.now() - stored).sec) < 10

    def test_insert_standardizes_data_ids(self, repo: RegistryManagers, raw: DatasetType) -> None:
        (ref,) = repo.datasets.insert(
            "raw", "run1", [{"instrument": "Cam", "detector": 3, "exposure": 4, "band": "g"}]
        )
        assert ref.dataId.required == {"instrument": "Cam", "detector": 3, "exposure": 4}
        assert ref.datasetType == raw
        found = repo.datasets.find(raw, ref.dataId, ["run1"])
        assert found == ref

    def test_insert_large_batch(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_ids = raw_ids(range(250), range(40))
        refs = repo.datasets.insert(raw, "run1", data_ids)
        assert len(refs) == 10_000
        assert len(repo.datasets.get_refs(ref.id for ref in refs)) == 10_000
        found = repo.datasets.find(raw, data_ids[4321], "run1")
        assert found == refs[4321]
        assert repo.datasets.insert(raw, "run1", []) == []

    def test_repeated_data_id_in_input(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_ids = raw_ids(range(2), range(2)) + raw_ids([1], [0])
        with pytest.raises(ConflictingDefinitionError, match="more than once") as info:
            repo.datasets.insert(raw, "run1", data_ids)
        assert "{instrument: 'Cam', detector: 0, exposure: 1}" in str(info.value)
        assert _count(repo, repo.datasets.table) == 0

    def test_insert_conflict_is_atomic(self, repo: RegistryManagers, raw: DatasetType) -> None:
        (first,) = repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        with pytest.raises(ConflictingDefinitionError) as info:
            repo.datasets.insert(raw, "run1", raw_ids(range(3), [1]))
        message = str(info.value)
        assert "run 'run1'" in message
        assert "{instrument: 'Cam', detector: 1, exposure: 1}" in message
        assert str(first.id) in message
        assert _count(repo, repo.datasets.table) == 1
        assert repo.datasets.find(raw, raw_ids([0], [1])[0], "run1") is None
        # The same data ID in another run is fine.
        repo.datasets.insert(raw, "run2", raw_ids([1], [1]))

    def test_conflict_inside_outer_transaction(
        self, repo: RegistryManagers, raw: DatasetType
    ) -> None:
        repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        with repo.db.transaction(write=True):
            with pytest.raises(ConflictingDefinitionError):
                repo.datasets.insert(raw, "run1", raw_ids(range(2), [1]))
            # The failed insertion left the transaction usable and added nothing.
            repo.datasets.insert(raw, "run1", raw_ids([5], [1]))
        assert _count(repo, repo.datasets.table) == 2

    def test_insert_bad_input(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_ids = raw_ids([1], [1])
        with pytest.raises(CollectionTypeError, match="'tagged' is TAGGED"):
            repo.datasets.insert(raw, "tagged", data_ids)
        with pytest.raises(MissingCollectionError, match="Did you mean 'run1'"):
            repo.datasets.insert(raw, "rnu1", data_ids)
        with pytest.raises(MissingDatasetTypeError, match="'nope'"):
            repo.datasets.insert("nope", "run1", data_ids)
        wrong = DatasetType(
            "raw", ["instrument", "detector"], "int", universe=raw.dimensions.universe
        )
        with pytest.raises(ConflictingDefinitionError, match="dimensions"):
            repo.datasets.insert(wrong, "run1", data_ids)
        with pytest.raises(LookupError, match="exposure"):
            repo.datasets.insert(raw, "run1", [{"instrument": "Cam", "detector": 1}])
        with pytest.raises(ValueError, match="detector"):
            repo.datasets.insert(
                raw, "run1", [{"instrument": "Cam", "detector": "x", "exposure": 1}]
            )
        assert _count(repo, repo.datasets.table) == 0

    def test_deterministic_ids(self, repo: RegistryManagers, universe: object) -> None:
        raw = repo.dataset_types.get("raw")
        repo.collections.register("DECam/raw/all")
        data_ids = [{"instrument": "DECam", "detector": d, "exposure": 411371} for d in (56, 60)]
        refs = repo.datasets.insert(
            raw, "DECam/raw/all", data_ids, DatasetIdGenEnum.DATAID_TYPE_RUN
        )
        # Upstream's recipe, so that both implementations give a dataset the same ID.
        assert [str(ref.id) for ref in refs] == [
            "3f452f1d-b8a5-5202-8190-4e723004a6ba",
            "5d32ede2-f2ca-5d3b-b900-bba4a00c3bf9",
        ]
        by_type = repo.datasets.insert(raw, "run1", data_ids[:1], DatasetIdGenEnum.DATAID_TYPE)
        with pytest.raises(ConflictingDefinitionError, match=str(by_type[0].id)) as info:
            repo.datasets.insert(raw, "run2", data_ids[:1], DatasetIdGenEnum.DATAID_TYPE)
        assert "run 'run1'" in str(info.value)
        assert repo.datasets.find(raw, data_ids[0], "run2") is None

    # ------------------------------------------------------------ import

    def test_import(self, repo: RegistryManagers, raw: DatasetType) -> None:
        refs = [
            DatasetRef(raw, data_id, "run1", id=uuid.uuid4()) for data_id in raw_ids(range(3), [2])
        ]
        imported = repo.datasets.import_(raw, "run1", refs)
        assert imported == refs
        assert repo.datasets.get_refs(r.id for r in refs) == refs
        # Importing again, or a subset with new ones, adds only what is new.
        extra = DatasetRef(raw, raw_ids([8], [2])[0], "run1", id=uuid.uuid4())
        assert repo.datasets.import_("raw", "run1", [refs[1], extra, refs[1]]) == [refs[1], extra]
        assert _count(repo, repo.datasets.table) == 4

    def test_import_conflicts(self, repo: RegistryManagers, raw: DatasetType) -> None:
        (ref,) = repo.datasets.import_(raw, "run1", [DatasetRef(raw, raw_ids([1], [1])[0], "run1")])
        moved = DatasetRef(raw, raw_ids([2], [1])[0], "run1", id=ref.id)
        with pytest.raises(ConflictingDefinitionError, match=str(ref.id)):
            repo.datasets.import_(raw, "run1", [moved])
        with pytest.raises(ConflictingDefinitionError, match="another run"):
            repo.datasets.import_(raw, "run2", [ref])
        elsewhere = DatasetRef(raw, ref.dataId, "run2", id=ref.id)
        with pytest.raises(ConflictingDefinitionError, match=str(ref.id)):
            repo.datasets.import_(raw, "run2", [elsewhere])
        same_data_id = DatasetRef(raw, ref.dataId, "run1", id=uuid.uuid4())
        with pytest.raises(ConflictingDefinitionError, match="already has dataset"):
            repo.datasets.import_(raw, "run1", [same_data_id])
        twice = [DatasetRef(raw, raw_ids([5], [d])[0], "run1", id=ref.id) for d in (1, 2)]
        with pytest.raises(ConflictingDefinitionError, match="given twice"):
            repo.datasets.import_(raw, "run1", twice)
        bias = repo.dataset_types.get("bias")
        with pytest.raises(ConflictingDefinitionError, match="dataset type"):
            repo.datasets.import_(
                raw, "run1", [DatasetRef(bias, {"instrument": "Cam", "detector": 1}, "run1")]
            )
        assert _count(repo, repo.datasets.table) == 1

    # ------------------------------------------------------------ find

    def test_find_follows_search_order(self, repo: RegistryManagers, raw: DatasetType) -> None:
        data_id = raw_ids([1], [1])[0]
        in_run1 = repo.datasets.insert(raw, "run1", [data_id])[0]
        in_run2 = repo.datasets.insert(raw, "run2", [data_id])[0]
        find = repo.datasets.find
        assert find(raw, data_id, ["run1", "run2"]) == in_run1
        assert find(raw, data_id, ["run2", "run1"]) == in_run2
        assert find("raw", data_id, "run2") == in_run2
        assert find(raw, raw_ids([2], [1])[0], ["run1", "run2"]) is None
        assert find(raw, data_id, ["calib", "tagged", "run2"]) == in_run2
        with pytest.raises(MissingCollectionError, match="'run3'"):
            find(raw, data_id, ["run1", "run3"])
        with pytest.raises(CollectionNameError, match="pattern"):
            find(raw, data_id, ["run*"])
        with pytest.raises(MissingDatasetTypeError):
            find("unknown", data_id, ["run1"])

    def test_find_through_nested_chains(self, repo: RegistryManagers, raw: DatasetType) -> None:
        collections = repo.collections
        for name in ("a", "b", "c", "d"):
            collections.register(name)
        collections.register("inner", CHAINED)
        collections.register("middle", CHAINED)
        collections.register("outer", CHAINED)
        collections.set_chain("inner", ["c", "d"])
        collections.set_chain("middle", ["b", "inner"])
        collections.set_chain("outer", ["a", "middle", "tagged"])
        data_id = raw_ids([1], [1])[0]
        refs = {run: repo.datasets.insert(raw, run, [data_id])[0] for run in ("d", "c", "b")}
        assert repo.datasets.find(raw, data_id, "outer") == refs["b"]
        assert repo.datasets.find(raw, data_id, "inner") == refs["c"]
        assert repo.datasets.find(raw, data_id, ["d", "outer"]) == refs["d"]
        # Chains are read afresh: edits (here by another process) are seen at once.
        other = RegistryManagers.open(reopen(repo.db))
        other.collections.set_chain("middle", ["inner", "b"])
        assert repo.datasets.find(raw, data_id, "outer") == refs["c"]
        other.collections.set_chain("inner", ["d"])
        assert repo.datasets.find(raw, data_id, "outer") == refs["d"]
        collections.set_chain("outer", ["a"])
        assert repo.datasets.find(raw, data_id, "outer") is None
        collections.register("empty", CHAINED)
        assert repo.datasets.find(raw, data_id, "empty") is None

    def test_find_components(self, repo: RegistryManagers, calexp: DatasetType) -> None:
        (ref,) = repo.datasets.insert(calexp, "run1", raw_ids([1], [1]))
        found = repo.datasets.find("calexp.mask", ref.dataId, "run1")
        assert found == ref.makeComponentRef("mask")
        found = repo.datasets.find(calexp.makeComponentDatasetType("image"), ref.dataId, "run1")
        assert found is not None
        assert found.datasetType.name == "calexp.image"
        assert repo.datasets.find("calexp.mask", raw_ids([2], [1])[0], "run1") is None

    # ------------------------------------------------------------ remove

    def test_remove_then_find(self, repo: RegistryManagers, raw: DatasetType) -> None:
        refs = repo.datasets.insert(raw, "run1", raw_ids(range(4), range(3)))
        repo.datasets.associate("tagged", refs)
        gone = refs[::2]
        assert repo.datasets.remove(gone) == len(gone)
        assert repo.datasets.remove(gone) == 0  # unknown datasets are ignored
        for ref in refs:
            expected = None if ref in gone else ref
            assert repo.datasets.find(raw, ref.dataId, "run1") == expected
            assert repo.datasets.find(raw, ref.dataId, "tagged") == expected
            assert repo.datasets.get_ref(ref.id) == expected
        record = repo.dataset_types.record("raw")
        assert _count(repo, record.tags) == 2 * (len(refs) - len(gone))
        # The data IDs can be used again.
        repo.datasets.insert(raw, "run1", [ref.dataId for ref in gone])

    def test_run_removal_cascades(
        self, repo: RegistryManagers, raw: DatasetType, biases: list[DatasetRef]
    ) -> None:
        refs = repo.datasets.insert(raw, "run1", raw_ids(range(3), [1]))
        kept = repo.datasets.insert(raw, "run2", raw_ids(range(3, 6), [1]))
        repo.datasets.associate("tagged", refs[:2] + kept[:1])
        repo.datasets.certify("calib", biases[:1], Timespan(None, None))
        repo.collections.remove("run1")
        repo.collections.remove("calib/run")
        assert repo.datasets.get_refs(r.id for r in refs + biases) == [biases[1]]
        assert repo.datasets.find(raw, refs[0].dataId, "tagged") is None
        assert repo.datasets.find(raw, kept[0].dataId, "tagged") == kept[0]
        assert repo.datasets.find("bias", biases[0].dataId, "calib") is None
        record = repo.dataset_types.record("raw")
        assert _count(repo, record.tags) == 4  # kept in run2 (3) and one tag
        assert repo.datasets.filter_collections_with_type(["run2", "tagged"], raw) == [
            "run2",
            "tagged",
        ]

    def test_collection_summaries(
        self, repo: RegistryManagers, raw: DatasetType, bias: DatasetType
    ) -> None:
        repo.datasets.insert(raw, "run1", raw_ids([1], [1]))
        other = [{"instrument": "Other", "detector": 1, "exposure": 1}]
        repo.datasets.insert(raw, "run2", other)
        repo.datasets.insert(bias, "run2", [{"instrument": "Other", "detector": 1}])
        repo.collections.register("chain", CHAINED)
        repo.collections.set_chain("chain", ["run1", "tagged"])
        keys = {name: repo.dataset_types.record(name).key for name in ("raw", "bias")}
        summary = repo.dataset_types.summaries.get("run2")
        assert summary.dataset_type_keys == {keys["raw"], keys["bias"]}
        assert summary.governors == {"instrument": {"Other"}}
        summary = repo.dataset_types.summaries.get(["run1", "run2"])
        assert summary.governors == {"instrument": {"Cam", "Other"}}
        assert repo.dataset_types.summaries.get("chain").dataset_type_keys == {keys["raw"]}
        names = ["run1", "run2", "chain", "tagged", "calib"]
        assert repo.datasets.filter_collections_with_type(names, "raw") == ["run1", "run2", "chain"]
        assert repo.datasets.filter_collections_with_type(names, bias) == ["run2"]

    def test_foreign_keys_are_indexed(self, repo: RegistryManagers) -> None:
        """Every foreign key of the dataset tables is covered by an index (no scans on cascades)."""
        tables = [
            repo.datasets.table,
            repo.dataset_types.summaries.table,
            *(
                t
                for name in ("raw", "bias")
                for t in (
                    repo.dataset_types.record(name).tags,
                    repo.dataset_types.record(name).calibs,
                )
                if t is not None
            ),
        ]
        for table in tables:
            indexed = [[c.name for c in index.columns] for index in table.indexes] + [
                [c.name for c in constraint.columns]
                for constraint in table.constraints
                if isinstance(constraint, sa.PrimaryKeyConstraint | sa.UniqueConstraint)
            ]
            for key in table.foreign_key_constraints:
                columns = set(key.column_keys)
                assert any(set(cols[: len(columns)]) == columns for cols in indexed), (
                    f"{table.name}: foreign key {sorted(columns)} has no index"
                )
