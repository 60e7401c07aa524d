"""Fixtures of the repository life-cycle tests: repositories on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetType
from skybutler.daf_butler.datastores import FileDatastore

MakeRepo = Callable[[str], str]

BOOKKEEPING = {"butler.yaml", "gen3.sqlite3", "gen3.sqlite3-wal", "gen3.sqlite3-shm"}
JOURNALS = ".skybutler-journal/"
"""Where open writers keep their (empty between batches) write journals."""


def _populate(butler: Butler, detectors: int = 4) -> None:
    """Add an instrument, detectors and three dataset types."""
    registry = butler.registry
    registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": detectors + 1})
    registry.insertDimensionData(
        "detector",
        *({"instrument": "Cam", "id": d, "full_name": f"A{d}"} for d in range(detectors)),
    )
    for name, storage_class in [("meta", "StructuredDataDict"), ("raw", "StructuredDataDict")]:
        registry.registerDatasetType(
            DatasetType(name, ["instrument", "detector"], storage_class, universe=butler.dimensions)
        )


def _make(tmp_path: Path, db: str | None) -> MakeRepo:
    def make(name: str) -> str:
        root = str(tmp_path / name)
        Butler.makeRepo(root, config={"registry": {"db": db}} if db else None)
        with Butler(root, writeable=True) as butler:
            _populate(butler)
        return root

    return make


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A populated SQLite repository, made once and copied by `make_sqlite_repo`."""
    return _make(tmp_path_factory.mktemp("template"), None)("repo")


def _copier(tmp_path: Path, template: str) -> MakeRepo:
    def make(name: str) -> str:
        root = str(tmp_path / name)
        shutil.copytree(template, root)
        return root

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def make_repo(request: pytest.FixtureRequest, tmp_path: Path) -> MakeRepo:
    """Return a function making populated repositories of one backend (by name)."""
    if request.param == "sqlite":
        return _copier(tmp_path, request.getfixturevalue("sqlite_template"))
    factory = request.getfixturevalue("postgres_url_factory")

    def make(name: str) -> str:
        return _make(tmp_path, factory())(name)

    return make


@pytest.fixture
def make_sqlite_repo(tmp_path: Path, sqlite_template: str) -> MakeRepo:
    """Return a function making populated SQLite repositories."""
    return _copier(tmp_path, sqlite_template)


@pytest.fixture
def populate() -> Callable[[Butler], None]:
    """Return the function adding an instrument, detectors 0-3 and types ``raw``, ``meta``."""
    return _populate


@pytest.fixture
def files() -> Callable[[str | Path], set[str]]:
    """Return the function listing dataset files under a root (see `files_under`)."""
    return files_under


@pytest.fixture
def consistent() -> Callable[[Butler], None]:
    """Return the function asserting registry and storage agree (see `check_consistent`)."""
    return check_consistent


def files_under(root: str | Path) -> set[str]:
    """Return the dataset files under a repository root (bookkeeping files left out)."""
    found = set()
    for directory, _subdirs, names in os.walk(root):
        for name in names:
            relative = os.path.relpath(os.path.join(directory, name), root)
            if relative not in BOOKKEEPING and not relative.startswith(JOURNALS):
                found.add(relative)
    return found


def check_consistent(butler: Butler) -> None:
    """Assert that registry and storage agree: every held dataset has its files and back."""
    datastore = butler.datastore
    assert isinstance(datastore, FileDatastore)
    managers = butler.registry._managers
    refs = managers.datasets.get_refs(_all_dataset_ids(butler))
    held = {ref for ref, known in datastore.knows_these(refs).items() if known}
    missing = [ref for ref, there in datastore.mexists(held).items() if not there]
    assert not missing, f"registry datasets without files: {missing[:3]}"
    recorded = {
        info.path for infos in datastore._store.fetch(r.id for r in held).values() for info in infos
    }
    trashed = {info.path for infos in datastore._store.trashed().values() for info in infos}
    orphans = files_under(datastore.root.ospath) - recorded - trashed
    assert not orphans, f"files no dataset owns: {sorted(orphans)[:3]}"


def _all_dataset_ids(butler: Butler) -> list[object]:
    import sqlalchemy as sa

    managers = butler.registry._managers
    table = managers.datasets.table
    return [row[0] for row in managers.db.fetch_all(sa.select(table.c.id))]
