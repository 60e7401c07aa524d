"""Instruments, raw ingest, visits, curated calibrations and sky maps.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
