"""Dimension records in the registry: tables from the universe, writes, reads, expansion.

`DimensionRecordManager` creates one table per element of the repository's
universe (plus overlap tables for spatial elements), stores that universe in
``butler_attributes`` so that a repository keeps the one it was made with,
and inserts, syncs, fetches and caches records and expands data IDs.
"""

from ._manager import DimensionRecordManager
from ._tables import ElementLayout, Reference, layout_universe, table_specs
from ._universe_io import UNIVERSE_ATTRIBUTE

__all__ = [
    "UNIVERSE_ATTRIBUTE",
    "DimensionRecordManager",
    "ElementLayout",
    "Reference",
    "layout_universe",
    "table_specs",
]
