"""The registry foundation on PostgreSQL, plus what only PostgreSQL does."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from skybutler.daf_butler._timespan import Timespan
from skybutler.daf_butler.errors import DatabaseConnectionError, RegistryError
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import Database, FieldSpec, TableSpec, open_database
from skybutler.daf_butler.testing import RegistryFoundationConformance


class TestPostgresqlFoundation(RegistryFoundationConformance):
    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url)


class TestPostgresqlNamespaceFoundation(RegistryFoundationConformance):
    """The same suite with the repository in its own schema."""

    concurrency_processes = 8
    concurrency_iterations = 40

    @pytest.fixture
    def database(self, postgres_url: str) -> Database:
        return open_database(postgres_url, namespace="my_repo")


VALIDITY = TableSpec(
    fields=(
        FieldSpec("id", "int", primary_key=True, autoincrement=True),
        FieldSpec("detector", "int", nullable=False),
        FieldSpec("validity", "timespan", nullable=False),
    ),
    exclusion=(("detector", "validity"),),
)


def test_exclusion_constraint_refuses_overlaps(postgres_url: str) -> None:
    db = open_database(postgres_url)
    table = db.ensure_tables({"validity": VALIDITY})["validity"]
    span = Timespan(None, None, _nsec=(100, 200))
    db.insert(table, [{"detector": 1, "validity": span}, {"detector": 2, "validity": span}])
    db.insert(table, [{"detector": 1, "validity": Timespan(None, None, _nsec=(200, 300))}])
    with pytest.raises(sa.exc.IntegrityError, match="exclusion constraint"):
        db.insert(table, [{"detector": 1, "validity": Timespan(None, None, _nsec=(150, 250))}])
    with pytest.raises(sa.exc.IntegrityError):
        db.insert(table, [{"detector": 2, "validity": Timespan(None, None)}])
    assert db.fetch_scalar(sa.select(sa.func.count()).select_from(table)) == 3


def test_schemas_keep_repositories_apart(postgres_url: str) -> None:
    first = RegistryManagers.initialize(open_database(postgres_url, namespace="one"))
    second = RegistryManagers.initialize(open_database(postgres_url, namespace="two"))
    first.collections.register("only-in-one")
    assert second.collections.query(...) == []
    with pytest.raises(RegistryError, match="No registry found"):
        RegistryManagers.open(open_database(postgres_url, namespace="three", writeable=False))


def test_missing_btree_gist_is_a_clear_error(postgres_server: object) -> None:
    url = postgres_server.create_database(template="template0")  # type: ignore[attr-defined]
    try:
        with pytest.raises(DatabaseConnectionError, match="CREATE EXTENSION btree_gist"):
            open_database(url)
    finally:
        postgres_server.drop_database(url)  # type: ignore[attr-defined]


def test_unreachable_server_is_a_clear_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://someone:secret@127.0.0.1:{port}/butler"
    with pytest.raises(DatabaseConnectionError) as info:
        open_database(url)
    text = str(info.value)
    assert "secret" not in text
    assert f"127.0.0.1:{port}" in text
    assert "server is running" in text


def test_deadlocks_are_retried(postgres_url: str) -> None:
    """Two transactions locking rows in opposite orders: one deadlocks and is retried."""
    spec = TableSpec(
        fields=(FieldSpec("k", "int", primary_key=True), FieldSpec("v", "int", nullable=False))
    )
    setup = open_database(postgres_url)
    table = setup.ensure_tables({"counters": spec})["counters"]
    setup.insert(table, [{"k": 1, "v": 0}, {"k": 2, "v": 0}])
    barrier = threading.Barrier(2)
    databases = [open_database(postgres_url), open_database(postgres_url)]
    errors: list[BaseException] = []

    def bump(db: Database, first: int, second: int) -> Callable[[], None]:
        tab = db.get_existing_tables({"counters": spec})["counters"]
        attempts: list[int] = []

        def block() -> None:
            attempts.append(1)
            connection = db.transaction(write=True)
            with connection as conn:
                conn.execute(tab.update().where(tab.c.k == first).values(v=tab.c.v + 1))
                if len(attempts) == 1:
                    barrier.wait(10)  # both hold their first row: the second updates cross
                conn.execute(tab.update().where(tab.c.k == second).values(v=tab.c.v + 1))

        def run() -> None:
            try:
                db.run(block, write=True)
            except BaseException as err:
                errors.append(err)

        return run

    threads = [
        threading.Thread(target=bump(databases[0], 1, 2)),
        threading.Thread(target=bump(databases[1], 2, 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(db.conflicts_retried for db in databases) >= 1
    values = {row.k: row.v for row in setup.fetch_all(sa.select(table.c.k, table.c.v))}
    assert values == {1: 2, 2: 2}
