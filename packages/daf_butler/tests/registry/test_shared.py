"""Registries of one repository opened in one process share their opened schema."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType
from skybutler.daf_butler.errors import MissingCollectionError
from skybutler.daf_butler.registry import Database, Registry, RegistryManagers, open_database
from skybutler.daf_butler.registry._shared import open_shared


@pytest.fixture
def root(tmp_path: Path) -> str:
    path = str(tmp_path / "repo")
    Butler.makeRepo(path)
    return path


def _url(root: str) -> str:
    return f"sqlite:///{root}/gen3.sqlite3"


def test_registries_share_managers_and_keep_their_defaults(root: str) -> None:
    first = Butler(root, run="run/a")
    second = Butler(root, run="run/b")
    assert second.registry._managers is first.registry._managers
    assert (first.run, second.run) == ("run/a", "run/b")
    reader = Butler(root)
    assert not reader.isWriteable()
    assert first.isWriteable()
    assert reader.registry._managers is not first.registry._managers


def test_close_leaves_other_registries_usable(root: str) -> None:
    first = Butler(root, run="run/a")
    for _ in range(3):
        Butler(root, run="run/b").close()
    first.registry.registerRun("run/c")
    assert {"run/a", "run/b", "run/c"} <= set(first.registry.queryCollections())
    first.close()
    first.close()  # twice is harmless
    assert "run/c" in Butler(root).registry.queryCollections()


def test_changes_of_another_process_are_seen(root: str) -> None:
    butler = Butler(root, run="run/a")
    # Managers of their own, as another process would have.
    other = Registry(RegistryManagers.open(open_database(_url(root))))
    other.registerRun("run/elsewhere")
    other.registerDatasetType(
        DatasetType("thing", [], "StructuredDataDict", universe=other.dimensions)
    )
    again = Butler(root, run="run/a")
    assert again.registry.getDatasetType("thing").name == "thing"
    assert "run/elsewhere" in again.registry.queryCollections()
    # The registry opened earlier finds them on a miss too.
    assert butler.registry.getDatasetType("thing").name == "thing"
    other.close()


def test_recreated_repository_is_opened_afresh(root: str) -> None:
    butler = Butler(root, run="run/old")
    butler.close()
    shutil.rmtree(root)
    Butler.makeRepo(root)
    fresh = Butler(root, run="run/new")
    assert fresh.registry._managers is not butler.registry._managers
    with pytest.raises(MissingCollectionError):
        fresh.registry.getCollectionType("run/old")


def test_in_memory_registries_are_never_shared() -> None:
    def make() -> Database:
        db = open_database("sqlite://")
        RegistryManagers.initialize(db)
        return db

    a = open_shared("sqlite://", None, True, make)
    b = open_shared("sqlite://", None, True, make)
    assert a.managers is not b.managers
    a.release()
    b.release()
