"""The ordered list of fields of an element's records."""

from __future__ import annotations

__all__ = ["DimensionRecordSchema"]

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._column_spec import ColumnSpec
from ._named import NamedValueAbstractSet

if TYPE_CHECKING:
    from ._elements import DimensionElement


class DimensionRecordSchema:
    """Column specifications of one element's records, in field order.

    The order is: the required dimensions (named after each dimension, except
    that a dimension's own key keeps its primary-key name such as ``id``),
    then the implied dimensions, then alternate keys, metadata, ``region``
    (spatial elements) and ``timespan`` (temporal elements).

    Parameters
    ----------
    element
        The element described.
    """

    def __init__(self, element: DimensionElement) -> None:
        from ._elements import Dimension

        self.element = element
        required = []
        for dimension in element.required:
            if dimension.name == element.name and isinstance(element, Dimension):
                required.append(element.primaryKey)
            else:
                required.append(dimension.key_column)
        implied = [dimension.key_column for dimension in element.implied]
        remainder = list(element.alternateKeys) if isinstance(element, Dimension) else []
        remainder.extend(element.metadata_columns)
        if element.spatial is not None:
            remainder.append(
                ColumnSpec(name="region", type="region", doc="Region on the sky.", nullable=True)
            )
        if element.temporal is not None:
            remainder.append(
                ColumnSpec(name="timespan", type="timespan", doc="Validity range.", nullable=True)
            )
        self.required: NamedValueAbstractSet[ColumnSpec] = NamedValueAbstractSet(required)
        self.implied: NamedValueAbstractSet[ColumnSpec] = NamedValueAbstractSet(implied)
        self.dimensions: NamedValueAbstractSet[ColumnSpec] = NamedValueAbstractSet(
            required + implied
        )
        self.remainder: NamedValueAbstractSet[ColumnSpec] = NamedValueAbstractSet(remainder)
        self.all: NamedValueAbstractSet[ColumnSpec] = NamedValueAbstractSet(
            required + implied + remainder
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Field names in order."""
        return tuple(self.all.names)

    def __iter__(self) -> Iterator[ColumnSpec]:
        return iter(self.all)

    def __len__(self) -> int:
        return len(self.all)

    def __repr__(self) -> str:
        return f"DimensionRecordSchema({self.element.name}: {', '.join(self.names)})"
