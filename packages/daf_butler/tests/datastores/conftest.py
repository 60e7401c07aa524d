"""Shared fixtures of the datastore tests: file datastores on each kind of root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skybutler.daf_butler.datastores import FileDatastore, datastore_from_config
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import open_database
from skybutler.daf_butler.testing import DATASTORE_TEST_CONFIG

MakeDatastore = Callable[..., FileDatastore]


@pytest.fixture
def make_file_datastore() -> MakeDatastore:
    """Return a function making a file datastore with the conformance configuration."""

    def make(root: str, record_stores: Any = None, **config: Any) -> FileDatastore:
        section = {"cls": "file", "root": root, **DATASTORE_TEST_CONFIG, **config}
        datastore = datastore_from_config(section, record_stores)
        assert isinstance(datastore, FileDatastore)
        return datastore

    return make


@pytest.fixture
def sqlite_managers(tmp_path: Any) -> RegistryManagers:
    """Return the managers of a new SQLite registry."""
    db = open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")
    return RegistryManagers.initialize(db)
