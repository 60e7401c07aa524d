"""The registry side of datastore records: opaque tables, locations, trash, schema versions."""

from __future__ import annotations

from typing import Any

import pytest

from skybutler.daf_butler import DatasetRef, DatasetType
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import open_database


@pytest.fixture
def refs(sqlite_managers: RegistryManagers) -> list[DatasetRef]:
    universe = sqlite_managers.dimensions.universe
    dataset_type = DatasetType(
        "m", ["instrument", "detector"], "StructuredDataDict", universe=universe
    )
    sqlite_managers.dataset_types.register(dataset_type)
    sqlite_managers.collections.register("run")
    made = [DatasetRef(dataset_type, {"instrument": "Cam", "detector": d}, "run") for d in range(3)]
    return sqlite_managers.datasets.import_(dataset_type, "run", made)


def row(ref: DatasetRef, component: str = "__NULL_STRING__") -> dict[str, Any]:
    return {
        "dataset_id": ref.id,
        "component": component,
        "path": f"run/{ref.id}.yaml",
        "formatter": "yaml",
        "storage_class": "StructuredDataDict",
        "checksum": None,
        "file_size": 10,
    }


def test_versions_are_recorded(sqlite_managers: RegistryManagers) -> None:
    stored = sqlite_managers.attributes.stored_versions()
    assert str(stored["opaque"]) == "0.2.0"
    assert str(stored["datastores"]) == "0.2.2"  # 0.2.2: dataset_location indexed by dataset_id


def test_records_locations_and_trash(
    sqlite_managers: RegistryManagers, refs: list[DatasetRef]
) -> None:
    opaque = sqlite_managers.opaque.file_records("file_datastore_records")
    records = sqlite_managers.datastores.datastore_records("store", opaque)
    records.add([row(refs[0]), row(refs[1], "image"), row(refs[1], "mask")])
    assert records.known(ref.id for ref in refs) == {refs[0].id, refs[1].id}
    assert len(records.fetch([refs[0].id, refs[1].id])) == 3
    assert sqlite_managers.datastores.find_locations([refs[1].id, refs[2].id]) == {
        refs[1].id: {"store"},
        refs[2].id: set(),
    }
    records.trash([refs[1].id])
    assert records.fetch([refs[1].id]) == []
    assert {r["component"] for r in records.trashed()} == {"image", "mask"}
    assert records.known([refs[1].id]) == set()
    records.remove([refs[1].id])
    assert records.trashed() == []
    assert opaque.fetch([refs[1].id]) == []
    with records.transaction():
        records.add([row(refs[2])])
    assert records.known([refs[2].id]) == {refs[2].id}


def test_duplicate_records_are_refused(
    sqlite_managers: RegistryManagers, refs: list[DatasetRef]
) -> None:
    from skybutler.daf_butler.errors import ConflictingDefinitionError

    opaque = sqlite_managers.opaque.file_records("file_datastore_records")
    records = sqlite_managers.datastores.datastore_records("store", opaque)
    records.add([row(refs[0])])
    with pytest.raises(ConflictingDefinitionError, match="already has records"):
        records.add([row(refs[0])])


def test_stored_datasets_cannot_leave_the_registry(
    sqlite_managers: RegistryManagers, refs: list[DatasetRef]
) -> None:
    opaque = sqlite_managers.opaque.file_records("file_datastore_records")
    records = sqlite_managers.datastores.datastore_records("store", opaque)
    records.add([row(refs[0])])
    with pytest.raises(Exception, match=r"(?i)foreign key|still"):
        sqlite_managers.datasets.remove([refs[0]])
    records.trash([refs[0].id])
    assert sqlite_managers.datasets.remove([refs[0]]) == 1


def test_read_only_registry(
    tmp_path: Any, sqlite_managers: RegistryManagers, refs: list[DatasetRef]
) -> None:
    opaque = sqlite_managers.opaque.file_records("my_records")
    opaque.insert([row(refs[0])])
    assert sqlite_managers.opaque.names() == ["my_records"]
    url = sqlite_managers.db.url
    reader = RegistryManagers.open(open_database(url, writeable=False))
    table = reader.opaque.file_records("my_records")
    assert [r["path"] for r in table.fetch([refs[0].id])] == [f"run/{refs[0].id}.yaml"]
    missing = reader.opaque.file_records("never_created")
    assert missing.name == "never_created"
