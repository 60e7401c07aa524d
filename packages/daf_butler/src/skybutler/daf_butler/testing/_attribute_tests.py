"""Conformance tests of ``butler_attributes`` and schema-version checks."""

from __future__ import annotations

__all__ = ["AttributeTests"]

from typing import Any

import pytest
import sqlalchemy as sa

from ..errors import ConflictingDefinitionError, IncompatibleSchemaVersionError, RegistryError
from ..registry import CollectionManager, RegistryManagers, VersionTuple
from ..registry.databases import Database
from ._registry_base import RegistryFixtures, reopen


class AttributeTests(RegistryFixtures):
    """Tests of the attribute manager and of opening repositories."""

    def test_attributes_get_set_delete(self, managers: RegistryManagers) -> None:
        attributes = managers.attributes
        assert attributes.get("config:x") is None
        assert attributes.get("config:x", "default") == "default"
        attributes.set("config:x", "1")
        attributes.set("config:x", "1")  # the same value again is fine
        with pytest.raises(ConflictingDefinitionError, match="stored '1', given '2'"):
            attributes.set("config:x", "2")
        attributes.set("config:x", "2", force=True)
        assert attributes.get("config:x") == "2"
        big = "v" * 10_000
        attributes.set("config:big", big)
        assert attributes.get("config:big") == big
        names = [name for name, _ in attributes.items()]
        assert names == sorted(names)
        assert {"config:x", "config:big", "version:collections"} <= set(names)
        assert attributes.delete("config:x")
        assert not attributes.delete("config:x")
        assert not attributes.empty()
        with pytest.raises(ValueError, match="cannot be empty"):
            attributes.set("config:y", "")

    def test_versions_are_stored(self, managers: RegistryManagers) -> None:
        stored = managers.attributes.stored_versions()
        for manager in RegistryManagers.managers:
            assert stored[manager.short_name] == manager.schema_version
            assert managers.attributes.get(f"version:{manager.short_name}") == str(
                manager.schema_version
            )

    def test_open_existing_repository(self, managers: RegistryManagers) -> None:
        managers.collections.register("run")
        other = RegistryManagers.open(reopen(managers.db))
        assert other.collections.get_type("run") is managers.collections.get_type("run")
        # Initializing again is harmless.
        again = RegistryManagers.initialize(reopen(managers.db))
        assert again.collections.find("run").key == managers.collections.find("run").key

    def test_open_empty_database_fails(self, database: Database) -> None:
        with pytest.raises(RegistryError, match="No registry found"):
            RegistryManagers.open(database)

    @pytest.mark.parametrize(
        ("stored", "writeable", "message"),
        [
            ("3.0.0", True, "upgrade skybutler"),
            ("1.0.0", True, "migrate the repository"),
            ("2.1.0", True, "repository is newer"),
            ("2.1.0", False, "repository is newer"),
        ],
        ids=["major-newer", "major-older", "minor-newer", "minor-newer-read-only"],
    )
    def test_incompatible_versions_are_refused(
        self, managers: RegistryManagers, stored: str, writeable: bool, message: str
    ) -> None:
        managers.attributes.set("version:collections", stored, force=True)
        db = reopen(managers.db, writeable=writeable)
        with pytest.raises(IncompatibleSchemaVersionError) as info:
            RegistryManagers.open(db)
        text = str(info.value)
        assert "'collections'" in text
        assert stored in text
        assert "2.0.0" in text
        assert message in text

    def test_code_with_newer_minor_opens_read_only(
        self, managers: RegistryManagers, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code = CollectionManager.schema_version
        newer = VersionTuple(code.major, code.minor + 1, 0)
        monkeypatch.setattr(CollectionManager, "schema_version", newer)
        with pytest.raises(IncompatibleSchemaVersionError, match="read-only") as info:
            RegistryManagers.open(reopen(managers.db))
        assert str(code) in str(info.value)
        assert str(newer) in str(info.value)
        RegistryManagers.open(reopen(managers.db, writeable=False))

    def test_patch_version_is_ignored(self, managers: RegistryManagers) -> None:
        managers.attributes.set("version:collections", "2.0.7", force=True)
        RegistryManagers.open(reopen(managers.db))

    def test_missing_manager_version_is_refused(self, managers: RegistryManagers) -> None:
        managers.attributes.delete("version:collections")
        with pytest.raises(IncompatibleSchemaVersionError, match="no schema version"):
            RegistryManagers.open(reopen(managers.db))

    def test_initialize_over_incompatible_repository_fails(
        self, managers: RegistryManagers
    ) -> None:
        managers.attributes.set("version:collections", "9.0.0", force=True)
        with pytest.raises(IncompatibleSchemaVersionError, match=r"9\.0\.0"):
            RegistryManagers.initialize(reopen(managers.db))

    @pytest.mark.parametrize("text", ["1.2", "a.b.c", "1.2.3.4", ""], ids=str)
    def test_bad_version_strings(self, text: str) -> None:
        with pytest.raises(ValueError, match=r"major\.minor\.patch"):
            VersionTuple.fromString(text)

    def test_older_patch_version_gets_missing_indexes_on_writeable_open(
        self, managers: RegistryManagers
    ) -> None:
        from .._dataset_type import DatasetType

        universe = managers.dimensions.universe
        managers.dataset_types.register(
            DatasetType("raw", ["instrument", "detector"], "StructuredDataDict", universe=universe)
        )
        db = managers.db
        record = managers.dataset_types.record("raw")
        dropped = [
            index
            for table in (db.metadata.tables[_qualified(db, "dataset_location")], record.tags)
            for index in table.indexes
        ]
        assert dropped, "the tables these repositories lacked have indexes declared"

        def drop() -> None:
            with db.transaction(write=True) as connection:
                for index in dropped:
                    index.drop(connection)

        db.run(drop, write=True)
        for short_name in ("datastores", "dataset_types"):
            code = managers.attributes.stored_versions()[short_name]
            older = VersionTuple(code.major, code.minor, code.patch - 1)
            managers.attributes.set(f"version:{short_name}", str(older), force=True)

        # A read-only open changes nothing.
        RegistryManagers.open(reopen(db, writeable=False))
        assert not _index_names(db, dropped) & {i.name for i in dropped}
        # A writeable open creates them and stores the code's versions.
        opened = RegistryManagers.open(reopen(db))
        assert {i.name for i in dropped} <= _index_names(opened.db, dropped)
        stored = opened.attributes.stored_versions()
        for manager in RegistryManagers.managers:
            assert stored[manager.short_name] == manager.schema_version
        # Once upgraded, opening again does nothing more.
        RegistryManagers.open(reopen(db))


def _qualified(db: Database, name: str) -> str:
    return f"{db.namespace}.{name}" if db.namespace else name


def _index_names(db: Database, indexes: list[Any]) -> set[str]:
    tables = {index.table.name for index in indexes}

    def read() -> set[str]:
        with db.transaction() as connection:
            inspector = sa.inspect(connection)
            return {
                str(found["name"])
                for table in tables
                for found in inspector.get_indexes(table, schema=db.namespace)
            }

    return db.run(read)
