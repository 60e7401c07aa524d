"""Opened registry schemas shared by the registries of one process.

Opening a repository declares a few hundred tables and reads the dimension
universe, which takes tens of milliseconds; a process that opens the same
repository again (a Butler per task, per thread, per request) reuses the
managers of a registry still alive, keyed by database URL, namespace and
writeability. Every reuse checks that the database is still the one opened
(the same SQLite file, the same ``butler_attributes``: versions and
universe) and makes the managers forget their cached collections, dataset
types and records, so nothing another process changed in the meantime is
missed; a database that changed underneath is opened afresh. Managers of
registries no longer referenced are dropped (the cache holds them weakly,
except the last few opened), and the connections are closed when the last
registry using them closes.
In-memory SQLite databases are never shared: each open makes a new one.
"""

from __future__ import annotations

__all__ = ["SharedManagers", "invalidate_shared", "open_shared"]

import collections
import os
import threading
import weakref
from collections.abc import Callable

import sqlalchemy as sa

from ._foundation import RegistryManagers
from .databases import Database

_Key = tuple[str, str | None, bool]

_LOCK = threading.Lock()
_OPEN: weakref.WeakValueDictionary[_Key, SharedManagers] = weakref.WeakValueDictionary()
_RECENT: collections.OrderedDict[_Key, SharedManagers] = collections.OrderedDict()
"""The last few opened, kept even once unused: a Butler opened and closed per task."""
_KEEP = 4


class SharedManagers:
    """Managers of one opened registry and how many registries still use them.

    Parameters
    ----------
    key
        Database URL, namespace and writeability.
    managers
        The opened managers.
    """

    def __init__(self, key: _Key, managers: RegistryManagers) -> None:
        self.key = key
        self.managers = managers
        self.users = 0
        self._fingerprint = _fingerprint(managers)

    def acquire(self) -> None:
        """Count one more registry using these managers."""
        with _LOCK:
            self.users += 1

    def release(self) -> None:
        """Count one registry fewer; close the connections once none is left."""
        with _LOCK:
            self.users = max(0, self.users - 1)
            last = self.users == 0
        if last:
            self.managers.db.close()

    def still_valid(self) -> bool:
        """Return whether the database is still the one these managers opened."""
        try:
            return _fingerprint(self.managers) == self._fingerprint
        except Exception:
            return False


def _file_identity(db: Database) -> tuple[int, int] | None:
    path: str | None = getattr(db, "path", None)
    if path is None:
        return None
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino


def _fingerprint(managers: RegistryManagers) -> tuple[object, ...]:
    return (_file_identity(managers.db), tuple(managers.attributes.items()))


def _shareable(url: str) -> bool:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        return False
    if parsed.get_backend_name() == "sqlite":
        return parsed.database not in (None, "", ":memory:")
    return True


def open_shared(
    url: str, namespace: str | None, writeable: bool, open_db: Callable[[], Database]
) -> SharedManagers:
    """Return the shared managers of a registry database, opening it if needed.

    Parameters
    ----------
    url
        The database URL.
    namespace
        The schema holding the tables, or `None`.
    writeable
        Whether writes are allowed.
    open_db
        Opens the database when no live managers can be reused.

    Returns
    -------
    shared
        The managers, counted as used once more (an in-memory database gets
        managers of its own, never shared).
    """
    key: _Key = (url, namespace, writeable)
    if not _shareable(url):
        own = SharedManagers(key, RegistryManagers.open(open_db()))
        own.acquire()
        return own
    with _LOCK:
        shared = _OPEN.get(key)
    if shared is not None and shared.still_valid():
        managers = shared.managers
        managers.collections.refresh()
        managers.dimensions.clear_caches()
        managers.datasets.refresh()
    else:
        shared = SharedManagers(key, RegistryManagers.open(open_db()))
        with _LOCK:
            _OPEN[key] = shared
    with _LOCK:
        _RECENT[key] = shared
        _RECENT.move_to_end(key)
        while len(_RECENT) > _KEEP:
            _RECENT.popitem(last=False)
    shared.acquire()
    return shared


def invalidate_shared(url: str, namespace: str | None) -> None:
    """Stop sharing the managers of a database whose schema is being (re)created."""
    with _LOCK:
        for writeable in (True, False):
            _OPEN.pop((url, namespace, writeable), None)
            _RECENT.pop((url, namespace, writeable), None)
