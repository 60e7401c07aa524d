"""HTCondor workflow plugin for bps.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
