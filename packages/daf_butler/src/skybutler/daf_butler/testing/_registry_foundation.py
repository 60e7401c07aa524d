"""The registry foundation conformance suite: databases, attributes, collections."""

from __future__ import annotations

__all__ = ["RegistryFoundationConformance"]

from ._attribute_tests import AttributeTests
from ._collection_tests import CollectionTests
from ._concurrency import ConcurrencyTests
from ._database_tests import DatabaseTests


class RegistryFoundationConformance(
    DatabaseTests, AttributeTests, CollectionTests, ConcurrencyTests
):
    """Every test a registry database backend must pass.

    Subclass it in a test module and provide the ``database`` fixture: a
    fresh, empty, writeable `Database` that other processes can open too
    (a file for SQLite, a new database or schema for PostgreSQL)::

        class TestSqlite(RegistryFoundationConformance):
            @pytest.fixture
            def database(self, tmp_path):
                return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")

    Class attributes of `ConcurrencyTests` size the many-writers test.
    """
