"""The datastore conformance suite on in-memory and chained datastores."""

from __future__ import annotations

from typing import Any

import pytest

from skybutler.daf_butler.datastores import (
    Datastore,
    FileDatastore,
    InMemoryRecordStore,
    datastore_from_config,
)
from skybutler.daf_butler.testing import DATASTORE_TEST_CONFIG, DatastoreConformance


class TestInMemoryDatastore(DatastoreConformance):
    @pytest.fixture
    def datastore(self) -> Datastore:
        return datastore_from_config({"cls": "inmemory"})


class TestChainedDatastore(DatastoreConformance):
    """An in-memory datastore in front of a file datastore: both get every dataset."""

    @pytest.fixture
    def datastore(self, tmp_path: Any) -> Datastore:
        file_section = {"cls": "file", "root": str(tmp_path / "repo"), **DATASTORE_TEST_CONFIG}
        return datastore_from_config(
            {"cls": "chained", "datastores": [{"cls": "inmemory"}, file_section]}
        )

    def reopen_without_records(self, datastore: Any) -> Any:
        # The file member alone, with empty records, stands for a batch job's datastore.
        return FileDatastore(datastore.datastores[1].config, InMemoryRecordStore())


class TestChainedFileOnly(DatastoreConformance):
    """A chain whose first member rejects everything: the second serves all."""

    @pytest.fixture
    def datastore(self, tmp_path: Any) -> Datastore:
        first = {"cls": "file", "root": str(tmp_path / "a"), **DATASTORE_TEST_CONFIG}
        second = {"cls": "file", "root": str(tmp_path / "b"), **DATASTORE_TEST_CONFIG}
        return datastore_from_config(
            {
                "cls": "chained",
                "datastores": [first, second],
                "datastore_constraints": [{"constraints": {"reject": ["all"]}}, None],
            }
        )
