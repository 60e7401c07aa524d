"""Progress bars for long work: the names of `skybutler.daf_butler._progress`, for commands.

Library code imports `skybutler.daf_butler._progress` (a command line layer
is above it); command code, here and in the packages above, may use this
module. ``butler --progress`` calls `set_enabled`.
"""

from __future__ import annotations

__all__ = ["ProgressBar", "bar", "is_enabled", "iterate", "set_enabled"]

from .._progress import ProgressBar, bar, is_enabled, iterate, set_enabled
