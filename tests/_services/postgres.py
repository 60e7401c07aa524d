"""A throwaway PostgreSQL 15 cluster for the tests (recipe of infra.md section 1).

The session fixture ``postgres_server`` runs ``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/15/bin`` in a fresh directory owned by ``postgres``
(through ``runuser`` when the tests run as root, since ``initdb`` refuses
root), on a free loopback port with trust authentication and fsync off, and
installs ``btree_gist`` in ``template1`` so that every database created later
has it. The function fixture ``postgres_url`` gives each test a fresh database
and drops it afterwards; ``postgres_url_factory`` makes as many as a test
wants. `run_postgres` does the work and raises `ServiceStartError`, so
benchmarks can use it too.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import free_port, unavailable
from .s3 import ServiceStartError

__all__ = ["PGBIN", "PostgresServer", "run_postgres"]

PGBIN = Path("/usr/lib/postgresql/15/bin")
"""Where Debian's ``postgresql-15`` package puts the server programs."""


@dataclass
class PostgresServer:
    """Where a running throwaway cluster listens, and helpers to make databases in it."""

    host: str
    port: int
    user: str = "postgres"
    _counter: Iterator[int] = field(default_factory=itertools.count, repr=False)

    def url(self, database: str) -> str:
        """Return the SQLAlchemy URL of one database of this cluster."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(sql)

    def create_database(self, *, template: str = "template1") -> str:
        """Create an empty database and return its URL.

        ``template1`` has ``btree_gist``; ``template0`` gives a database without it.
        """
        name = f"test_{os.getpid()}_{next(self._counter)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by `create_database`, closing its connections first."""
        name = url.rsplit("/", 1)[1]
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_postgres(args: list[str]) -> list[str]:
    # initdb refuses to run as root; the tests normally do.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _run(args: list[str], what: str) -> None:
    result = subprocess.run(_as_postgres(args), capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise ServiceStartError(
            f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout)[-800:]}"
        )


@contextlib.contextmanager
def run_postgres(*, timeout: float = 60) -> Iterator[PostgresServer]:
    """Run a throwaway PostgreSQL 15 cluster on 127.0.0.1 and remove it afterwards.

    Raises
    ------
    ServiceStartError
        The server programs are missing or the cluster could not start.
    """
    initdb = PGBIN / "initdb"
    if not initdb.exists():
        raise ServiceStartError(
            f"{initdb} not found: install the Debian package postgresql-15 (python dev.py does)."
        )
    try:
        import psycopg
    except ImportError as exc:
        raise ServiceStartError(f"psycopg is not installed ({exc})") from None
    # Not tmp_path: pytest's directories are private to root, and the server runs as postgres.
    directory = Path(tempfile.mkdtemp(prefix="skybutler-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    port = free_port()
    started = False
    try:
        _run(
            [
                str(initdb),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ],
            "initdb",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {directory} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        _run(
            [
                str(PGBIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(directory / "server.log"),
                "-w",
                "-t",
                str(int(timeout)),
                "-o",
                options,
                "start",
            ],
            "pg_ctl start",
        )
        started = True
        server = PostgresServer(host="127.0.0.1", port=port)
        import psycopg

        with psycopg.connect(
            host=server.host, port=port, user=server.user, dbname="template1", autocommit=True
        ) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        yield server
    finally:
        if started:
            with contextlib.suppress(Exception):
                _run(
                    [str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                    "pg_ctl stop",
                )
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Run one throwaway PostgreSQL cluster for the whole session."""
    try:
        with run_postgres() as server:
            yield server
    except ServiceStartError as exc:
        unavailable(str(exc))


@pytest.fixture
def postgres_url_factory(postgres_server: PostgresServer) -> Iterator[Callable[[], str]]:
    """Return a function making fresh databases; they are dropped after the test."""
    made: list[str] = []

    def make() -> str:
        url = postgres_server.create_database()
        made.append(url)
        return url

    yield make
    for url in made:
        with contextlib.suppress(Exception):
            postgres_server.drop_database(url)


@pytest.fixture
def postgres_url(postgres_url_factory: Callable[[], str]) -> str:
    """Return the URL of a fresh, empty database (with ``btree_gist``) for one test."""
    return postgres_url_factory()
