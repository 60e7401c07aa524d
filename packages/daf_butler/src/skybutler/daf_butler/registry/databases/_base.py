"""The core of `Database`: engine, connections and transactions.

Tables are added on top of this in ``_schema.py`` and row operations
(insert, sync, ensure, replace, update, delete, fetch) in ``_database.py``;
backends subclass the result.
"""

from __future__ import annotations

__all__ = ["DatabaseCore"]

import contextlib
import functools
import itertools
import os
import threading
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa

from ...errors import (
    DatabaseConnectionError,
    ReadOnlyDatabaseError,
    RegistryError,
    TransactionConflictError,
)
from ._timespans import TimespanRepresentation
from ._transactions import (
    Frame,
    RetryPolicy,
    TransactionAttempt,
    iterate_attempts,
    pause_or_give_up,
)

_T = TypeVar("_T")

_IDLE_REUSE_SECONDS = 10.0
"""A connection idle for longer goes back through the pool (which checks it is alive)."""

_IDLE_KEPT = 8
"""At most this many idle connections are kept for reuse."""

_WRITE_IN_READ = (
    "A write transaction cannot be nested inside a read-only one; open the outer "
    "transaction with write=True."
)


def _sentence(text: str) -> str:
    """Return driver text as one sentence: whitespace folded, final punctuation ensured."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _dispose_after_fork(ref: weakref.ref[DatabaseCore]) -> None:
    db = ref()
    if db is not None:
        db._after_fork()


class DatabaseCore(ABC):
    """Engine, transactions and schema of one registry database.

    Parameters
    ----------
    engine
        The SQLAlchemy engine (built by the backend's ``from_url``).
    url
        The URL the engine was made from (kept to reopen it in other processes).
    namespace
        Schema holding the tables (PostgreSQL), or `None`.
    writeable
        Whether writes are allowed.
    retry_policy
        How conflicting transactions are retried.
    """

    dialect_name: ClassVar[str]
    """Short name of the backend (``sqlite``, ``postgresql``)."""

    max_identifier_length: ClassVar[int] = 1000
    """Longest table, index or constraint name the backend accepts."""

    timespan_representation: ClassVar[type[TimespanRepresentation]]
    """How ``timespan`` fields are stored and compared."""

    def __init__(
        self,
        engine: sa.Engine,
        *,
        url: str,
        namespace: str | None = None,
        writeable: bool = True,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self._engine = engine
        self._url = url
        self._namespace = namespace
        self._writeable = writeable
        self.retry_policy = retry_policy or RetryPolicy()
        self.conflicts_retried = 0
        """How many times a transaction of this object was retried after a conflict."""
        self._metadata = sa.MetaData(schema=namespace)
        # INSERTs compiled for the driver by (table, columns, conflict) (see Database.insert).
        self._driver_inserts: dict[tuple[sa.Table, tuple[str, ...], bool], object] = {}
        self._local = threading.local()
        self._lock = threading.Lock()
        # Connections between transactions, with when they were last used: taking one is a
        # list pop, where a pool checkout (events, reset-on-return, PostgreSQL's pre-ping)
        # costs more than a whole small transaction.
        self._idle: list[tuple[sa.Connection, float]] = []
        os.register_at_fork(
            after_in_child=functools.partial(_dispose_after_fork, weakref.ref(self))
        )

    # ------------------------------------------------------------ properties

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine."""
        return self._engine

    @property
    def metadata(self) -> sa.MetaData:
        """The metadata holding every table declared through this object."""
        return self._metadata

    @property
    def namespace(self) -> str | None:
        """The schema holding the tables, or `None` for the default one."""
        return self._namespace

    @property
    def url(self) -> str:
        """The URL the database was opened with (password included)."""
        return self._url

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return sa.make_url(self._url).render_as_string(hide_password=True)

    def is_writeable(self) -> bool:
        """Return whether writes are allowed."""
        return self._writeable

    def __repr__(self) -> str:
        ns = f", namespace={self._namespace!r}" if self._namespace else ""
        return f"{type(self).__name__}({self.display_url!r}{ns})"

    def close(self) -> None:
        """Close every pooled connection (the object stays usable)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            with contextlib.suppress(Exception):
                connection.close()
        self._engine.dispose()

    def _after_fork(self) -> None:
        # Connections are sockets or file handles shared with the parent: drop, never close.
        self._idle = []
        self._engine.dispose(close=False)
        self._local = threading.local()

    def _take_connection(self) -> tuple[sa.Connection, bool]:
        """Return a connection for a new transaction, and whether it was idle here."""
        with self._lock:
            while self._idle:
                connection, since = self._idle.pop()
                if time.monotonic() - since < _IDLE_REUSE_SECONDS and not connection.closed:
                    return connection, True
                with contextlib.suppress(Exception):
                    connection.close()
        return self._engine.connect(), False

    def _give_back(self, connection: sa.Connection, healthy: bool) -> None:
        """Keep a connection whose transaction ended for the next one, or close it."""
        if healthy and not connection.invalidated and not connection.closed:
            with self._lock:
                if len(self._idle) < _IDLE_KEPT:
                    self._idle.append((connection, time.monotonic()))
                    return
        with contextlib.suppress(Exception):
            connection.close()

    # ------------------------------------------------------------ backend hooks

    @abstractmethod
    def is_retryable(self, error: BaseException) -> bool:
        """Return whether an error is a transient conflict worth retrying the transaction."""

    @abstractmethod
    def _begin(self, connection: sa.Connection, write: bool) -> sa.RootTransaction:
        """Start a transaction on a fresh connection, read-only or for writing."""

    def _lock_schema(self, connection: sa.Connection) -> None:  # noqa: B027 (optional hook)
        """Serialize schema changes with other processes (no-op unless needed)."""

    def connection_hint(self) -> str:
        """Return advice for a user whose connection attempt failed."""
        return "Check the database URL."

    def _connection_error(self, error: BaseException) -> DatabaseConnectionError:
        orig = getattr(error, "orig", None) or error
        return DatabaseConnectionError(
            f"Cannot connect to the registry database {self.display_url}: "
            f"{_sentence(str(orig))} {self.connection_hint()}"
        )

    # ------------------------------------------------------------ transactions

    def _frame(self) -> Frame | None:
        return getattr(self._local, "frame", None)

    def in_transaction(self) -> bool:
        """Return whether this thread has a transaction open on this database."""
        return self._frame() is not None

    def in_write_transaction(self) -> bool:
        """Return whether this thread has a write transaction open on this database."""
        frame = self._frame()
        return frame is not None and frame.write

    @contextlib.contextmanager
    def transaction(
        self, *, write: bool = False, savepoint: bool = False
    ) -> Iterator[sa.Connection]:
        """Open a transaction, or join the one already open on this thread.

        Parameters
        ----------
        write
            Whether the block writes. On SQLite a write transaction starts with
            ``BEGIN IMMEDIATE``, so concurrent writers queue up front instead of
            failing on a lock upgrade. A write block cannot nest in a read one.
        savepoint
            When nested, run the block in a savepoint so that an error inside
            it undoes only the block's own work.

        Yields
        ------
        connection
            The connection of the transaction.

        Raises
        ------
        TransactionConflictError
            The outermost transaction hit a retryable conflict (and was rolled
            back); use `attempts` or `run` to retry automatically.
        ReadOnlyDatabaseError
            A write transaction was asked of a read-only database.
        """
        frame = self._frame()
        if frame is None:
            with self._outermost(write) as connection:
                yield connection
            return
        if write and not frame.write:
            raise RegistryError(_WRITE_IN_READ)
        if not savepoint:
            yield frame.connection
            return
        # Savepoints go straight to the driver: SQLAlchemy's nested transactions cost
        # more than the rest of a small insert, and nothing here needs their bookkeeping.
        driver: Any = frame.connection.connection.driver_connection
        frame.rollback_hooks.append({})
        level = len(frame.rollback_hooks) - 1
        name = f"skybutler_sp{level}"
        self._driver_statement(driver, f"SAVEPOINT {name}")
        try:
            yield frame.connection
        except BaseException:
            with contextlib.suppress(Exception):
                self._driver_statement(driver, f"ROLLBACK TO SAVEPOINT {name}")
                self._driver_statement(driver, f"RELEASE SAVEPOINT {name}")
            frame.run_rollback_hooks(level)
            raise
        self._driver_statement(driver, f"RELEASE SAVEPOINT {name}")
        frame.rollback_hooks[level - 1].update(frame.rollback_hooks.pop())

    def _driver_statement(self, driver: Any, sql: str) -> None:
        """Run a statement without parameters on the driver, errors as SQLAlchemy's."""
        dbapi_error = self._engine.dialect.loaded_dbapi.Error
        try:
            driver.execute(sql)
        except dbapi_error as err:
            raise sa.exc.DBAPIError.instance(sql, {}, err, dbapi_error) from err

    @contextlib.contextmanager
    def _outermost(self, write: bool) -> Iterator[sa.Connection]:
        if write and not self._writeable:
            raise ReadOnlyDatabaseError(
                f"The registry database {self.display_url} was opened read-only; open it "
                "writeable to change it."
            )
        connection, transaction = self._connect_and_begin(write)
        frame = Frame(connection, write)
        self._local.frame = frame
        healthy = False
        try:
            try:
                yield connection
            except BaseException as err:
                with contextlib.suppress(Exception):
                    transaction.rollback()
                frame.run_rollback_hooks()
                if isinstance(err, Exception) and self.is_retryable(err):
                    raise self._conflict(err) from err
                raise
            try:
                transaction.commit()
            except Exception as err:
                with contextlib.suppress(Exception):
                    transaction.rollback()
                frame.run_rollback_hooks()
                if self.is_retryable(err):
                    raise self._conflict(err) from err
                raise
            healthy = True
        finally:
            self._local.frame = None
            self._give_back(connection, healthy)
        for hook in frame.commit_hooks:
            hook()

    def _conflict(self, error: BaseException) -> TransactionConflictError:
        orig = getattr(error, "orig", None) or error
        return TransactionConflictError(
            f"Transaction on {self.display_url} conflicted with a concurrent one and was rolled "
            f"back: {_sentence(str(orig))}"
        )

    def _connect_and_begin(self, write: bool) -> tuple[sa.Connection, sa.RootTransaction]:
        # Nothing has run yet, so a busy database at connect or BEGIN is retried right here.
        for retry in itertools.count():
            last = retry + 1 >= self.retry_policy.max_attempts
            try:
                connection, reused = self._take_connection()
            except sa.exc.DBAPIError as err:
                if last or not self.is_retryable(err):
                    raise self._connection_error(err) from err
            else:
                try:
                    return connection, self._begin(connection, write)
                except Exception as err:
                    with contextlib.suppress(Exception):
                        connection.close()
                    if reused:
                        continue  # whatever went wrong, a fresh connection from the pool next
                    if not self.is_retryable(err):
                        raise
                    if last:
                        raise self._conflict(err) from err
            self.conflicts_retried += 1
            time.sleep(self.retry_policy.delay(retry))
        raise AssertionError("unreachable")  # pragma: no cover

    def attempts(self, *, write: bool = False) -> Iterator[TransactionAttempt]:
        """Yield attempts at a transaction until one succeeds.

        Use as::

            for attempt in db.attempts(write=True):
                with attempt as connection:
                    ...

        The whole block runs again after a retryable conflict (SQLite busy,
        PostgreSQL serialization failure or deadlock), after a jittered,
        growing pause; the block must therefore have no effect outside the
        database, or one that is safe to repeat. Inside an already open
        transaction there is a single attempt that joins it.
        """
        return iterate_attempts(self, write=write)

    def run(self, func: Callable[..., _T], /, *args: Any, write: bool = False, **kwargs: Any) -> _T:
        """Call ``func(*args, **kwargs)`` in a transaction, retrying it on conflicts.

        See `attempts`; the function is called again from scratch on a retry.
        """
        frame = self._frame()
        if frame is not None:
            # Joining the open transaction (its own attempts retry): call straight away.
            if write and not frame.write:
                raise RegistryError(_WRITE_IN_READ)
            return func(*args, **kwargs)
        # The loop of `attempts` without its context managers: most calls are single
        # lookups, where those layers cost as much as the statement.
        started = time.monotonic()
        last = self.retry_policy.max_attempts
        for number in range(1, last + 1):
            try:
                with self._outermost(write):
                    result = func(*args, **kwargs)
            except TransactionConflictError as err:
                pause_or_give_up(self, err, number, number < last, started)
                continue
            return result
        raise AssertionError("unreachable: the last attempt raises")  # pragma: no cover

    def on_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` once the current transaction commits (now, if there is none)."""
        frame = self._frame()
        if frame is None:
            hook()
        else:
            frame.commit_hooks.append(hook)

    def on_rollback(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` if the current transaction or savepoint is rolled back.

        Caches use this to forget what they learned from work that is undone.
        Without an open transaction nothing can be rolled back: the hook is dropped.
        """
        frame = self._frame()
        if frame is not None:
            # A dict keeps the order and makes repeats free (a list scan made a
            # transaction of many puts quadratic).
            frame.rollback_hooks[-1][hook] = None

    def _frame_connection(self) -> sa.Connection:
        frame = self._frame()
        if frame is None:
            raise RegistryError("No transaction is open on this thread.")  # pragma: no cover
        return frame.connection
