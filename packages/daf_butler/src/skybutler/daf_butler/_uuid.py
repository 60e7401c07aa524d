"""Dataset IDs: time-ordered random UUIDs and reproducible name-based ones.

``UNIQUE`` IDs are UUIDv7 (RFC 9562): a 48-bit Unix timestamp in
milliseconds, the version nibble 7, the RFC variant bits, and 74 further bits
that are random for the first ID of each millisecond and then increase, so
IDs made by one process sort in creation order.

The deterministic modes hash a text built from the dataset type name, the run
(``DATAID_TYPE_RUN`` only) and the required data ID values with UUIDv5, using
upstream's namespace and recipe so that the same dataset gets the same ID in
both implementations.
"""

from __future__ import annotations

__all__ = [
    "NS_UUID",
    "DatasetIdFactory",
    "DatasetIdGenEnum",
    "dataset_id_text",
    "generate_uuidv7",
    "make_dataset_id",
]

import enum
import secrets
import threading
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._dataset_type import DatasetType
    from .dimensions import DataCoordinate


class DatasetIdGenEnum(enum.Enum):
    """How a new dataset ID is generated."""

    UNIQUE = 0
    """A new time-ordered random ID (UUIDv7)."""

    DATAID_TYPE = 1
    """An ID computed from the dataset type and data ID."""

    DATAID_TYPE_RUN = 2
    """An ID computed from the dataset type, data ID and run."""


NS_UUID = uuid.UUID("840b31d9-05cd-5161-b2c8-00d32b280d0f")
"""Namespace of name-based dataset IDs (``uuid5(NAMESPACE_DNS, "lsst.org")``)."""

_COUNTER_BITS = 74
_lock = threading.Lock()
_last_ms = 0
_last_counter = 0


def generate_uuidv7() -> uuid.UUID:
    """Return a new UUIDv7, greater than any previously returned by this process."""
    global _last_ms, _last_counter
    now_ms = time.time_ns() // 1_000_000
    with _lock:
        if now_ms > _last_ms:
            # Leave the top bit clear so that increments within the millisecond fit.
            counter = secrets.randbits(_COUNTER_BITS - 1)
        else:
            # Same millisecond (or the clock went back): keep increasing. A random
            # step keeps forked processes sharing this state from colliding.
            now_ms = _last_ms
            counter = _last_counter + 1 + secrets.randbits(20)
            if counter >= 1 << _COUNTER_BITS:
                now_ms += 1
                counter = secrets.randbits(_COUNTER_BITS - 1)
        _last_ms, _last_counter = now_ms, counter
    rand_a = counter >> 62
    rand_b = counter & ((1 << 62) - 1)
    value = (now_ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


def dataset_id_text(
    dataset_type_name: str,
    required: Mapping[str, Any],
    run: str | None = None,
) -> str:
    """Return the text hashed into a name-based dataset ID.

    Parameters
    ----------
    dataset_type_name
        Name of the dataset type.
    required
        Required data ID values keyed by dimension name.
    run
        Run name, included only for ``DATAID_TYPE_RUN``.
    """
    items = [f"dataset_type={dataset_type_name}"]
    if run is not None:
        items.append(f"run={run}")
    items.extend(f"{key}={value}" for key, value in sorted(required.items()))
    return ",".join(items)


def make_dataset_id(
    run: str,
    dataset_type_name: str,
    required: Mapping[str, Any],
    mode: DatasetIdGenEnum = DatasetIdGenEnum.UNIQUE,
) -> uuid.UUID:
    """Return a dataset ID for one dataset.

    Parameters
    ----------
    run
        Run the dataset belongs to.
    dataset_type_name
        Name of its dataset type.
    required
        Required data ID values keyed by dimension name.
    mode
        How to generate the ID.
    """
    if mode is DatasetIdGenEnum.UNIQUE:
        return generate_uuidv7()
    with_run = run if mode is DatasetIdGenEnum.DATAID_TYPE_RUN else None
    return uuid.uuid5(NS_UUID, dataset_id_text(dataset_type_name, required, with_run))


class DatasetIdFactory:
    """Factory of dataset IDs, as used by registries and `DatasetRef`."""

    NS_UUID = NS_UUID

    def makeDatasetId(
        self,
        run: str,
        datasetType: DatasetType,
        dataId: DataCoordinate,
        idGenerationMode: DatasetIdGenEnum,
    ) -> uuid.UUID:
        """Return a dataset ID for a dataset of this type, data ID and run."""
        if idGenerationMode is DatasetIdGenEnum.UNIQUE:
            return generate_uuidv7()
        return make_dataset_id(run, datasetType.name, dataId.required, idGenerationMode)
