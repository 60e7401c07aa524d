"""`DatastoreTransaction`: undo actions for the work of a block that failed."""

from __future__ import annotations

__all__ = ["DatastoreTransaction"]

import logging
from collections.abc import Callable
from typing import Any

_LOG = logging.getLogger(__name__)


class DatastoreTransaction:
    """Undo actions registered by puts, run in reverse order if the block fails.

    Parameters
    ----------
    parent
        The enclosing transaction: on commit, undo actions move there, so an
        outer failure still undoes inner work.
    """

    def __init__(self, parent: DatastoreTransaction | None = None) -> None:
        self.parent = parent
        self._undo: list[tuple[str, Callable[[], Any]]] = []

    def registerUndo(
        self, name: str, undoFunc: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        """Register an action undoing some work (the `TransactionProtocol` of resources)."""
        self._undo.append((name, lambda: undoFunc(*args, **kwargs)))

    def rollback(self) -> None:
        """Run the undo actions, newest first; failures are logged, not raised."""
        while self._undo:
            name, action = self._undo.pop()
            try:
                action()
            except Exception:  # undo is best effort: report and go on
                _LOG.warning("Failed to undo %s during a datastore rollback", name, exc_info=True)

    def commit(self) -> None:
        """Keep the work; hand undo actions to the parent transaction, if any."""
        if self.parent is not None:
            self.parent._undo.extend(self._undo)
        self._undo = []
