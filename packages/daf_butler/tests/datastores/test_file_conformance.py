"""The datastore conformance suite on file datastores: local, SQLite records, S3 and WebDAV."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import pytest

from skybutler.daf_butler import DatasetRef
from skybutler.daf_butler.datastores import (
    FileDatastore,
    InMemoryRecordStore,
    registry_record_stores,
)
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.testing import DatastoreConformance, make_ref


class _Reopenable(DatastoreConformance):
    def reopen_without_records(self, datastore: Any) -> Any:
        return FileDatastore(datastore.config, InMemoryRecordStore())


class TestLocalFileDatastore(_Reopenable):
    @pytest.fixture
    def datastore(self, tmp_path: Any, make_file_datastore: Any) -> FileDatastore:
        return make_file_datastore(str(tmp_path / "repo"))  # type: ignore[no-any-return]


class _RegisteringFileDatastore(FileDatastore):
    """Registers datasets before storing them, as the Butler does."""

    managers: RegistryManagers

    def put_many(self, items: Iterable[tuple[Any, DatasetRef]]) -> list[DatasetRef]:
        pairs = list(items)
        for dataset_type, refs in DatasetRef.iter_by_type(
            ref for _, ref in pairs if not ref.isComponent()
        ):
            self.managers.dataset_types.register(dataset_type)
            for run in {ref.run for ref in refs}:
                self.managers.collections.register(run)
                self.managers.datasets.import_(dataset_type, run, [r for r in refs if r.run == run])
        return super().put_many(pairs)


class _RegistryRecords(_Reopenable):
    """File datastores whose records live in a registry database."""

    @pytest.fixture
    def registry_managers(self) -> RegistryManagers:
        raise NotImplementedError

    @pytest.fixture
    def datastore(
        self, tmp_path: Any, make_file_datastore: Any, registry_managers: RegistryManagers
    ) -> FileDatastore:
        sqlite_managers = registry_managers
        stores = registry_record_stores(sqlite_managers)
        plain = make_file_datastore(str(tmp_path / "repo"))
        name = plain.name
        datastore = _RegisteringFileDatastore(plain.config, stores(name, plain.records_table))
        datastore.managers = sqlite_managers
        return datastore

    def same_storage(self, datastore: Any) -> Any:
        stores = registry_record_stores(datastore.managers)
        return FileDatastore(datastore.config, stores(datastore.name, datastore.records_table))

    def test_records_live_in_the_registry(
        self, datastore: FileDatastore, registry_managers: RegistryManagers
    ) -> None:
        sqlite_managers = registry_managers
        ref = make_ref("metrics", "StructuredDataDict")
        datastore.put({"a": 1}, ref)
        assert sqlite_managers.opaque.names() == ["file_datastore_records"]
        table = sqlite_managers.opaque.file_records("file_datastore_records")
        (row,) = table.fetch([ref.id])
        assert row["formatter"] == "yaml"
        assert row["component"] == "__NULL_STRING__"
        assert row["storage_class"] == "StructuredDataDict"
        locations = sqlite_managers.datastores.find_locations([ref.id])
        assert locations == {ref.id: {datastore.name}}
        # A second datastore object on the same registry sees the dataset.
        again = FileDatastore(
            datastore.config,
            registry_record_stores(sqlite_managers)(datastore.name, "file_datastore_records"),
        )
        assert again.get(ref) == {"a": 1}
        datastore.trash(ref)
        assert sqlite_managers.datastores.find_locations([ref.id]) == {ref.id: set()}
        datastore.emptyTrash()
        assert table.fetch([ref.id]) == []


class TestFileDatastoreWithSqliteRecords(_RegistryRecords):
    @pytest.fixture
    def registry_managers(self, sqlite_managers: RegistryManagers) -> RegistryManagers:
        return sqlite_managers


@pytest.mark.service
class TestFileDatastoreWithPostgresqlRecords(_RegistryRecords):
    @pytest.fixture
    def registry_managers(self, postgres_url: str) -> RegistryManagers:
        from skybutler.daf_butler.registry.databases import open_database

        return RegistryManagers.initialize(open_database(postgres_url))


@pytest.mark.service
class TestS3FileDatastore(_Reopenable):
    @pytest.fixture
    def datastore(self, seaweedfs: Any, tmp_path: Any, make_file_datastore: Any) -> Any:
        root = f"s3://{seaweedfs.bucket}/datastore-{uuid.uuid4().hex}/"
        return make_file_datastore(root, cached={"root": str(tmp_path / "cache")})


@pytest.mark.service
class TestWebDavFileDatastore(_Reopenable):
    @pytest.fixture
    def datastore(self, webdav_server: Any, http_env: None, make_file_datastore: Any) -> Any:
        root = f"{webdav_server.url}/datastore-{uuid.uuid4().hex}/"
        return make_file_datastore(root, cached={"expiry": {"mode": "disabled"}})
