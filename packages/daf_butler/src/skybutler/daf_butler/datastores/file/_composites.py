"""`CompositesMap`: which composites are written as one file per component.

The ``composites`` section: ``default`` (`False`: composites are written
whole) and ``disassembled`` (lookup keys to booleans; dataset type names
win over storage classes, as with every lookup).
"""

from __future__ import annotations

__all__ = ["CompositesMap"]

from collections.abc import Mapping
from typing import Any

from ...formatters._lookup import LookupTable


class CompositesMap:
    """Disassembly choices.

    Parameters
    ----------
    config
        The ``composites`` section.
    """

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        config = config or {}
        self._default = bool(config.get("default", False))
        self._table: LookupTable[bool] = LookupTable(config.get("disassembled"), "composite")

    def shouldBeDisassembled(self, entity: Any) -> bool:
        """Return whether a composite dataset is written one file per component."""
        from ..._dataset_ref import DatasetRef
        from ..._dataset_type import DatasetType

        if isinstance(entity, DatasetRef | DatasetType) and (
            entity.isComponent() or not entity.isComposite()
        ):
            return False
        key, value = self._table.find(entity)
        return bool(value) if key is not None else self._default
