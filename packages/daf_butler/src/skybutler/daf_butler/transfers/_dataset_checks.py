"""Checking that imported datasets refer to stored dimension records, in bulk.

Dataset tables have no foreign keys to dimension tables, so an import must
check that the records its data IDs name exist. Expanding every data ID
would do it at a cost per dataset; this asks, for each required dimension
of a dataset type, which of its distinct keys are stored (one query per
dimension and 10,000 keys), which is all a data ID of required values
depends on.
"""

from __future__ import annotations

__all__ = ["check_records_exist"]

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from ..errors import MissingDimensionRecordError

if TYPE_CHECKING:
    from ..registry import Registry

_SHOWN = 5


def check_records_exist(
    registry: Registry, dataset_type: DatasetType, refs: Sequence[DatasetRef]
) -> None:
    """Raise unless every record the data IDs of ``refs`` name is stored.

    Raises
    ------
    MissingDimensionRecordError
        Records are missing; the message names the first few of each element.
    """
    manager = registry._managers.dimensions
    problems = []
    for dimension in dataset_type.dimensions.required:
        element = registry.dimensions[dimension]
        if not element.hasTable():
            continue  # skypix dimensions (any index is valid)
        layout = manager.layout(element)
        names = layout.key_dimensions
        keys = list(dict.fromkeys(tuple(r.dataId[n] for n in names) for r in refs))
        stored = manager._existing_keys(layout, keys)
        missing = [k for k in keys if k not in stored]
        if missing:
            shown = ", ".join(str(dict(zip(names, key, strict=True))) for key in missing[:_SHOWN])
            more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
            problems.append(f"{element.name} {shown}{more}")
    if problems:
        raise MissingDimensionRecordError(
            f"Datasets of type {dataset_type.name!r} refer to dimension records that are "
            f"neither stored nor in the file: {'; '.join(problems)}. Export those records "
            "too, or insert them before importing."
        )
