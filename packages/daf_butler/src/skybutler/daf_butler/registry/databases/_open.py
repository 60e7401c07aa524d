"""Choosing a backend: short names in configuration, dialects in URLs.

Registry configuration names backends by short name (``engines: {sqlite:
sqlite, postgresql: postgresql}``), never by class path, so that renaming a
module cannot break a repository. `DATABASE_BACKENDS` maps each short name to
where its class lives; the class is imported only when used, so SQLite users
never import psycopg.
"""

from __future__ import annotations

__all__ = ["DATABASE_BACKENDS", "database_class", "open_database"]

import importlib
import re
from collections.abc import Mapping

import sqlalchemy as sa

from ...errors import ConfigError, DatabaseConnectionError
from ._database import Database
from ._transactions import RetryPolicy

DATABASE_BACKENDS: Mapping[str, str] = {
    "sqlite": "skybutler.daf_butler.registry.databases._sqlite:SqliteDatabase",
    "postgresql": "skybutler.daf_butler.registry.databases._postgresql:PostgresqlDatabase",
}
"""Short backend name to ``module:Class`` of its `Database` subclass."""


def database_class(name: str) -> type[Database]:
    """Return the `Database` subclass of a short backend name.

    Raises
    ------
    ConfigError
        The name is unknown (the message lists the known ones), or its module
        cannot be imported.
    """
    try:
        target = DATABASE_BACKENDS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown registry database backend {name!r}; known: {sorted(DATABASE_BACKENDS)}."
        ) from None
    module_name, _, class_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        hint = " Install skybutler-daf-butler[postgres]." if name == "postgresql" else ""
        raise ConfigError(f"Database backend {name!r} cannot be loaded: {err}.{hint}") from err
    cls: type[Database] = getattr(module, class_name)
    return cls


def open_database(
    url: str,
    *,
    namespace: str | None = None,
    writeable: bool = True,
    engine: str | None = None,
    retry_policy: RetryPolicy | None = None,
) -> Database:
    """Connect to a registry database, choosing the backend from the URL.

    Parameters
    ----------
    url
        SQLAlchemy URL: ``sqlite:///path/gen3.sqlite3``, ``sqlite://`` (memory),
        ``postgresql://user@host:port/db`` (psycopg 3 is used whatever driver
        the URL names).
    namespace
        PostgreSQL schema holding the repository's tables (created if missing
        and ``writeable``).
    writeable
        Whether writes are allowed.
    engine
        Short backend name overriding the one derived from the URL's dialect.
    retry_policy
        How conflicting transactions are retried.

    Raises
    ------
    DatabaseConnectionError
        The URL is malformed or the database cannot be reached.
    ConfigError
        The backend is unknown.
    """
    try:
        dialect = sa.make_url(url).get_backend_name()
    except sa.exc.ArgumentError:
        shown = re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)
        raise DatabaseConnectionError(
            f"{shown!r} is not a database URL; expected e.g. sqlite:///path/gen3.sqlite3 "
            "or postgresql://user@host:5432/database."
        ) from None
    cls = database_class(engine or dialect)
    return cls.from_url(url, namespace=namespace, writeable=writeable, retry_policy=retry_policy)
