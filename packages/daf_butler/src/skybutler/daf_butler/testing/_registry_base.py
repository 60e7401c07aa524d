"""Fixtures and helpers shared by the parts of the registry conformance suite."""

from __future__ import annotations

__all__ = ["RegistryFixtures", "reopen"]

import pytest

from ..registry import RegistryManagers
from ..registry.collections import CollectionManager
from ..registry.databases import Database, open_database


def reopen(db: Database, *, writeable: bool = True) -> Database:
    """Open the same database again, as another process would."""
    return open_database(db.url, namespace=db.namespace, writeable=writeable)


class RegistryFixtures:
    """The abstract ``database`` fixture and what the tests build on it."""

    @pytest.fixture
    def database(self) -> Database:
        """Return a fresh, empty, writeable `Database` (not in memory)."""
        raise NotImplementedError("Subclasses provide the database fixture.")

    @pytest.fixture
    def managers(self, database: Database) -> RegistryManagers:
        """Return the managers of a repository created in ``database``."""
        return RegistryManagers.initialize(database)

    @pytest.fixture
    def collections(self, managers: RegistryManagers) -> CollectionManager:
        """Return the collection manager of a fresh repository."""
        return managers.collections
