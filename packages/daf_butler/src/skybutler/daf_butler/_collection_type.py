"""The four kinds of collection, with the integer codes stored in the registry."""

from __future__ import annotations

__all__ = ["CollectionType"]

import enum


class CollectionType(enum.IntEnum):
    """The kind of a collection; the value is what the ``collection.type`` column holds."""

    RUN = 1
    """Every dataset belongs to exactly one RUN, where it was written, and never leaves it."""

    TAGGED = 2
    """A free set of datasets, associated and disassociated at will."""

    CHAINED = 3
    """An ordered list of other collections, searched in order."""

    CALIBRATION = 4
    """Like TAGGED, plus a validity range for each association."""

    @classmethod
    def all(cls) -> frozenset[CollectionType]:
        """Return every collection type."""
        return frozenset(cls)

    @classmethod
    def from_name(cls, name: str) -> CollectionType:
        """Return the collection type of a name, ignoring case.

        Raises
        ------
        KeyError
            If the name is not one of ``RUN``, ``TAGGED``, ``CHAINED``, ``CALIBRATION``.
        """
        try:
            return cls[name.upper()]
        except KeyError:
            allowed = ", ".join(member.name for member in cls)
            raise KeyError(
                f"Unknown collection type {name!r}; allowed (any case): {allowed}."
            ) from None
