"""Fixtures of the query tests: the query test repository on each backend.

A test asking for ``query_repo`` runs on SQLite and on PostgreSQL (the
latter marked ``service``: skipped when no server can start, a failure
under ``SKYBUTLER_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.testing._query_data import build_query_repo


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)]
)
def query_repo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Registry]:
    """Return the filled query test repository (`build_query_repo`) of one backend."""
    if request.param == "sqlite":
        path = Path(tmp_path_factory.mktemp("queries")) / "gen3.sqlite3"
        registry = Registry.createFromConfig(f"sqlite:///{path}")
        build_query_repo(registry)
        yield registry
        registry.close()
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    registry = Registry.createFromConfig(url)
    build_query_repo(registry)
    yield registry
    registry.close()
    server.drop_database(url)
