"""Transaction bookkeeping: per-thread state, hooks, retry policy and attempts.

A context manager cannot run its body twice, so whole-block retries take the
form of an iterator of attempts (`Database.attempts`) or a function call
(`Database.run`); both are built on `TransactionAttempt` here. Only the
outermost transaction retries: an inner one cannot undo the work done before
it, so its conflicts travel up to the outermost level.
"""

from __future__ import annotations

__all__ = ["RetryPolicy", "TransactionAttempt", "pause_or_give_up"]

import dataclasses
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ...errors import TransactionConflictError

if TYPE_CHECKING:
    from ._base import DatabaseCore


@dataclasses.dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a conflicting transaction is retried.

    Parameters
    ----------
    max_attempts
        Attempts in all, the first included.
    initial_delay
        Upper bound of the first pause, in seconds; it doubles on each retry.
    max_delay
        Cap of the pause, in seconds.
    """

    max_attempts: int = 60
    initial_delay: float = 0.005
    max_delay: float = 1.0

    def delay(self, retry: int) -> float:
        """Return a random pause before retry number ``retry`` (0-based).

        The pause lies between half and all of the exponential bound, so that
        writers that collided do not collide again in lockstep.
        """
        bound = min(self.max_delay, self.initial_delay * 2.0**retry)
        return random.uniform(bound / 2, bound)


class Frame:
    """State of the transaction open on one thread: its connection and hooks."""

    __slots__ = ("commit_hooks", "connection", "rollback_hooks", "write")

    def __init__(self, connection: sa.Connection, write: bool) -> None:
        self.connection = connection
        self.write = write
        # One ordered set per savepoint level (index 0 = the transaction itself).
        self.rollback_hooks: list[dict[Callable[[], None], None]] = [{}]
        self.commit_hooks: list[Callable[[], None]] = []

    def run_rollback_hooks(self, level: int = 0) -> None:
        """Run (and forget) the rollback hooks of ``level`` and deeper levels."""
        hooks = [hook for level_hooks in self.rollback_hooks[level:] for hook in level_hooks]
        del self.rollback_hooks[max(level, 1) :]
        if level == 0:
            self.rollback_hooks[0] = {}
        for hook in hooks:
            hook()


class TransactionAttempt:
    """One try at running a block in a transaction, used as a context manager.

    A retryable conflict raised by the block (or by the commit) is swallowed
    after a pause, and the loop in `Database.attempts` makes the next attempt;
    the last attempt lets `TransactionConflictError` out.
    """

    def __init__(
        self, db: DatabaseCore, *, write: bool, number: int, retries_left: bool, started: float
    ) -> None:
        self._db = db
        self._write = write
        self._number = number
        self._retries_left = retries_left
        self._started = started
        self._context: AbstractContextManager[sa.Connection] | None = None
        self.done = False

    @property
    def number(self) -> int:
        """The attempt number, 1 for the first try."""
        return self._number

    def __enter__(self) -> sa.Connection:
        self._context = self._db.transaction(write=self._write)
        return self._context.__enter__()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        assert self._context is not None
        try:
            suppressed = self._context.__exit__(exc_type, exc, traceback)
        except TransactionConflictError as err:
            pause_or_give_up(self._db, err, self._number, self._retries_left, self._started)
            return True
        self.done = True
        return bool(suppressed)


def pause_or_give_up(
    db: DatabaseCore,
    error: TransactionConflictError,
    number: int,
    retries_left: bool,
    started: float,
) -> None:
    """After attempt ``number`` conflicted: pause before the next, or raise if it was the last."""
    if not retries_left:
        elapsed = time.monotonic() - started
        raise TransactionConflictError(
            f"Gave up after {number} attempts in {elapsed:.1f} s: every one "
            f"conflicted with concurrent writers on {db.display_url} ({error}). "
            "Retry later, or reduce the number of simultaneous writers."
        ) from error
    db.conflicts_retried += 1
    time.sleep(db.retry_policy.delay(number - 1))


def iterate_attempts(db: DatabaseCore, *, write: bool) -> Iterator[TransactionAttempt]:
    """Yield attempts until one finishes (see `Database.attempts`)."""
    started = time.monotonic()
    if db.in_transaction():
        # Joining an outer transaction: its own attempts do the retrying.
        yield TransactionAttempt(db, write=write, number=1, retries_left=False, started=started)
        return
    policy = db.retry_policy
    for number in range(1, policy.max_attempts + 1):
        attempt = TransactionAttempt(
            db,
            write=write,
            number=number,
            retries_left=number < policy.max_attempts,
            started=started,
        )
        yield attempt
        if attempt.done:
            return
