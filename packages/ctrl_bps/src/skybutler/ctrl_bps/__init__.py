"""The bps command: batch processing of quantum graphs.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
