"""The registry foundation on SQLite, plus what only SQLite does."""

from __future__ import annotations

import pickle
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from skybutler.daf_butler.errors import DatabaseConnectionError, ReadOnlyDatabaseError
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import Database, FieldSpec, TableSpec, open_database
from skybutler.daf_butler.registry.databases._sqlite import SqliteDatabase
from skybutler.daf_butler.testing import RegistryFoundationConformance

SPEC = TableSpec(fields=(FieldSpec("name", "string", length=8, primary_key=True),))


class TestSqliteFoundation(RegistryFoundationConformance):
    @pytest.fixture
    def database(self, tmp_path: Path) -> Database:
        return open_database(f"sqlite:///{tmp_path}/gen3.sqlite3")


def test_connection_settings(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path}/repo.sqlite3")
    assert isinstance(db, SqliteDatabase)
    with db.transaction() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 60_000


def test_empty_strings_are_refused(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path}/repo.sqlite3")
    table = db.ensure_tables({"names": SPEC})["names"]
    with pytest.raises(sa.exc.IntegrityError, match="CHECK constraint"):
        db.insert(table, [{"name": ""}])


def test_in_memory_database() -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        db = open_database(url)
        managers = RegistryManagers.initialize(db)
        managers.collections.register("run")
        assert RegistryManagers.open(db).collections.get_type("run").name == "RUN"
        with pytest.raises(TypeError, match="in-memory"):
            pickle.dumps(db)


@pytest.mark.parametrize(
    "url",
    ["sqlite:///{tmp}/db.sqlite3?uri=true", "sqlite:///{tmp}/db.sqlite3?mode=ro"],
    ids=["uri", "mode"],
)
def test_url_options_are_refused(tmp_path: Path, url: str) -> None:
    with pytest.raises(DatabaseConnectionError, match="query options"):
        open_database(url.format(tmp=tmp_path))


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/dir/gen3.sqlite3"
    with pytest.raises(DatabaseConnectionError, match=r"directory .*no/such/dir exists"):
        open_database(url)


def test_read_only_open_of_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatabaseConnectionError, match="exists and is readable"):
        open_database(f"sqlite:///{tmp_path}/missing.sqlite3", writeable=False)


def test_read_only_file_is_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "repo.sqlite3"
    RegistryManagers.initialize(open_database(f"sqlite:///{path}"))
    readonly = open_database(f"sqlite:///{path}", writeable=False)
    managers = RegistryManagers.open(readonly)
    with pytest.raises(ReadOnlyDatabaseError):
        managers.collections.register("nope")


def test_busy_database_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer holding the lock longer than busy_timeout makes the other retry, not fail."""
    monkeypatch.setattr(SqliteDatabase, "busy_timeout", 0.05)
    url = f"sqlite:///{tmp_path}/busy.sqlite3"
    holder = open_database(url)
    table = holder.ensure_tables({"names": SPEC})["names"]
    waiter = open_database(url)
    waiter_table = waiter.get_existing_tables({"names": SPEC})["names"]
    locked = threading.Event()

    def hold() -> None:
        with holder.transaction(write=True):
            holder.insert(table, [{"name": "first"}])
            locked.set()
            time.sleep(0.5)

    thread = threading.Thread(target=hold)
    thread.start()
    locked.wait(5)
    waiter.insert(waiter_table, [{"name": "second"}])
    thread.join()
    assert waiter.conflicts_retried > 0
    names = {row.name for row in waiter.fetch_all(sa.select(waiter_table.c.name))}
    assert names == {"first", "second"}
