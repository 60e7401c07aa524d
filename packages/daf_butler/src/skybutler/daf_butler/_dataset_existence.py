"""`DatasetExistence`: what is known about whether a dataset exists."""

from __future__ import annotations

__all__ = ["DatasetExistence"]

import enum


class DatasetExistence(enum.Flag):
    """Flags describing where a dataset is known to exist.

    ``_ARTIFACT`` and ``_ASSUMED`` qualify ``DATASTORE``: whether the file was
    checked, or its existence assumed from the datastore's records.
    """

    UNRECOGNIZED = 0
    """Neither the registry nor the datastore knows the dataset."""

    RECORDED = enum.auto()
    """The registry knows the dataset."""

    DATASTORE = enum.auto()
    """The datastore knows the dataset."""

    _ARTIFACT = enum.auto()
    """The artifact was checked and exists."""

    _ASSUMED = enum.auto()
    """The artifact was not checked; its existence is assumed."""

    KNOWN = RECORDED | DATASTORE | _ASSUMED
    """Known to registry and datastore, artifact not checked."""

    VERIFIED = RECORDED | DATASTORE | _ARTIFACT
    """Known to registry and datastore, and the artifact was found."""

    def __bool__(self) -> bool:
        # True only when registry and datastore both know the dataset and the
        # artifact was either found or assumed present; a failed check is False.
        value = self.value
        both = DatasetExistence.RECORDED.value | DatasetExistence.DATASTORE.value
        present = DatasetExistence._ARTIFACT.value | DatasetExistence._ASSUMED.value
        return value & both == both and bool(value & present)
