"""Holding off Python's cyclic garbage collector during bulk work and start-up.

Importing SQLAlchemy, opening a registry, or turning a hundred thousand rows
into objects allocates millions of small objects, which makes the
collector scan the whole heap again and again: up to 40 % of the time, for
nothing, since this work makes no reference cycles worth collecting.
Objects are still freed by reference counting while the collector waits.

- `paused_gc` holds it off for a block; pauses nest and may overlap across
  threads, and the collector resumes when the last one ends, only if it was
  on when the first began.
- `hold_for_start_up` / `release_after_start_up` hold it off from a command's
  first line until its repository is open, then freeze everything allocated
  so far (modules, schema: never garbage, never scanned again) and resume.
"""

from __future__ import annotations

__all__ = ["hold_for_start_up", "paused_gc", "release_after_start_up"]

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pauses = 0
_resume = False


def _pause() -> None:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1


def _unpause() -> bool:
    """End one pause; return whether it was the last (and the collector is back)."""
    global _pauses
    with _lock:
        _pauses -= 1
        if _pauses == 0 and _resume:
            gc.enable()
            return True
        return False


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Hold off the cyclic garbage collector inside the block."""
    _pause()
    try:
        yield
    finally:
        _unpause()


_start_up_held = False


def hold_for_start_up() -> None:
    """Hold off the collector until `release_after_start_up` (a command's first line)."""
    global _start_up_held
    if not _start_up_held:
        _start_up_held = True
        _pause()


def release_after_start_up() -> None:
    """End the start-up hold, if any: freeze what start-up allocated and resume collecting."""
    global _start_up_held
    if _start_up_held:
        _start_up_held = False
        gc.freeze()
        _unpause()
