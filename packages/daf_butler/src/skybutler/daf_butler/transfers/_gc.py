"""Pausing Python's cyclic garbage collector during bulk work.

Reading or writing tens of thousands of datasets allocates millions of
small objects, which makes the collector scan the whole heap (astropy,
SQLAlchemy, everything loaded) again and again: about 40 % of an import's
time, for nothing, since this work makes no reference cycles worth
collecting. The collector is paused for the duration and restored to its
previous state afterwards; objects are still freed by reference counting.
"""

from __future__ import annotations

__all__ = ["paused_gc"]

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector inside the block (nesting is fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
