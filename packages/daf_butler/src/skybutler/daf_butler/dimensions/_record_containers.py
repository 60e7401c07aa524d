"""Containers of the records of one element: `DimensionRecordSet` and `DimensionRecordTable`.

A `DimensionRecordSet` holds at most one record per data ID and finds them
by data ID or by required values; a `DimensionRecordTable` keeps records in
order, column by column, and converts to a `pyarrow.Table`. Query results
hand out pages of either (``iter_set_pages``, ``iter_table_pages``) so that
a million records never sit in memory at once.
"""

from __future__ import annotations

__all__ = ["DimensionRecordSet", "DimensionRecordTable"]

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, overload

from ..errors import DimensionValueError
from ._coordinate import DataCoordinate
from ._records import DimensionRecord

if TYPE_CHECKING:
    import pyarrow

    from ._elements import DimensionElement
    from ._universe import DimensionUniverse


def _element(
    element: DimensionElement | str, universe: DimensionUniverse | None
) -> DimensionElement:
    if isinstance(element, str):
        if universe is None:
            raise TypeError(
                f"Element {element!r} was given by name; pass universe= as well, or the "
                "DimensionElement itself."
            )
        return universe[element]
    return element


def _check_element(element: DimensionElement, record: DimensionRecord, container: str) -> None:
    if record.definition.name != element.name:
        raise DimensionValueError(
            f"A {record.definition.name} record cannot join a {container} of {element.name} "
            "records."
        )


class DimensionRecordSet:
    """The records of one element, at most one per data ID.

    Parameters
    ----------
    element
        The element (or its name, with ``universe``).
    records
        Records to start with; a later record replaces an earlier one of the
        same data ID.
    universe
        Needed only when ``element`` is a name.
    """

    def __init__(
        self,
        element: DimensionElement | str,
        records: Iterable[DimensionRecord] = (),
        universe: DimensionUniverse | None = None,
    ) -> None:
        self._element = _element(element, universe)
        self._by_key: dict[tuple[Any, ...], DimensionRecord] = {}
        self.update(records)

    @property
    def element(self) -> DimensionElement:
        """The element whose records these are."""
        return self._element

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[DimensionRecord]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        if isinstance(key, DimensionRecord):
            return key.definition.name == self._element.name and (
                self._by_key.get(key.dataId.required_values) == key
            )
        if isinstance(key, DataCoordinate):
            return self._required_values(key) in self._by_key
        return False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DimensionRecordSet):
            return NotImplemented
        return self._element.name == other._element.name and self._by_key == other._by_key

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"DimensionRecordSet({self._element.name!r}, {len(self)} records)"

    def _required_values(self, data_id: DataCoordinate | Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return tuple(data_id[name] for name in self._element.required.names)
        except KeyError as err:
            raise DimensionValueError(
                f"Data ID {dict(data_id)} lacks {err} needed to find a {self._element.name} record."
            ) from None

    def find(self, data_id: DataCoordinate | Mapping[str, Any]) -> DimensionRecord:
        """Return the record of a data ID.

        Raises
        ------
        LookupError
            The set has no record for it.
        """
        return self.find_with_required_values(self._required_values(data_id))

    def find_with_required_values(self, required_values: Iterable[Any]) -> DimensionRecord:
        """Return the record whose required values (in ``element.required`` order) these are.

        Raises
        ------
        LookupError
            The set has no record for them.
        """
        values = tuple(required_values)
        record = self._by_key.get(values)
        if record is None:
            names = dict(zip(self._element.required.names, values, strict=False))
            raise LookupError(f"No {self._element.name} record for {names} in this set.")
        return record

    def add(self, record: DimensionRecord, replace: bool = True) -> None:
        """Add a record; with ``replace=False`` a different one of the same data ID is an error.

        Raises
        ------
        DimensionValueError
            The record is of another element, or conflicts and ``replace`` is false.
        """
        _check_element(self._element, record, "container")
        key = record.dataId.required_values
        present = self._by_key.get(key)
        if present is not None and not replace and present != record:
            raise DimensionValueError(
                f"The set already holds {present!r}, which differs from {record!r}."
            )
        self._by_key[key] = record

    def update(self, records: Iterable[DimensionRecord], replace: bool = True) -> None:
        """Add several records (see `add`)."""
        for record in records:
            self.add(record, replace=replace)

    def discard(self, key: DimensionRecord | DataCoordinate) -> None:
        """Remove the record of a data ID (or that record) if the set holds it."""
        if isinstance(key, DimensionRecord):
            if key in self:
                del self._by_key[key.dataId.required_values]
        else:
            self._by_key.pop(self._required_values(key), None)

    def remove(self, key: DimensionRecord | DataCoordinate) -> None:
        """Remove the record of a data ID (or that record).

        Raises
        ------
        KeyError
            The set does not hold it.
        """
        if key not in self:
            raise KeyError(key)
        self.discard(key)

    def copy(self) -> DimensionRecordSet:
        """Return a shallow copy (records are immutable)."""
        return DimensionRecordSet(self._element, self)

    def issubset(self, other: DimensionRecordSet) -> bool:
        """Return whether every record here is in ``other``."""
        return all(record in other for record in self)

    def issuperset(self, other: DimensionRecordSet) -> bool:
        """Return whether every record of ``other`` is here."""
        return other.issubset(self)


class DimensionRecordTable:
    """Records of one element in order, held column by column.

    Parameters
    ----------
    element
        The element (or its name, with ``universe``).
    records
        The records, in the order kept.
    universe
        Needed only when ``element`` is a name.
    """

    def __init__(
        self,
        element: DimensionElement | str,
        records: Iterable[DimensionRecord] = (),
        universe: DimensionUniverse | None = None,
    ) -> None:
        self._element = _element(element, universe)
        self._names: tuple[str, ...] = self._element.RecordClass.fields.names
        self._columns: dict[str, list[Any]] = {name: [] for name in self._names}
        self.extend(records)

    @property
    def element(self) -> DimensionElement:
        """The element whose records these are."""
        return self._element

    def __len__(self) -> int:
        return len(self._columns[self._names[0]]) if self._names else 0

    def __iter__(self) -> Iterator[DimensionRecord]:
        for index in range(len(self)):
            yield self[index]

    def __repr__(self) -> str:
        return f"DimensionRecordTable({self._element.name!r}, {len(self)} records)"

    @overload
    def __getitem__(self, index: int) -> DimensionRecord: ...

    @overload
    def __getitem__(self, index: slice) -> DimensionRecordTable: ...

    def __getitem__(self, index: int | slice) -> DimensionRecord | DimensionRecordTable:
        if isinstance(index, slice):
            part = DimensionRecordTable(self._element)
            part._columns = {name: values[index] for name, values in self._columns.items()}
            return part
        values = {name: column[index] for name, column in self._columns.items()}
        return self._element.RecordClass(**values)

    def extend(self, records: Iterable[DimensionRecord]) -> None:
        """Append records.

        Raises
        ------
        DimensionValueError
            A record is of another element.
        """
        columns = [self._columns[name] for name in self._names]
        for record in records:
            _check_element(self._element, record, "table")
            for name, column in zip(self._names, columns, strict=True):
                column.append(getattr(record, name))

    def column(self, name: str) -> list[Any]:
        """Return the values of one field, in record order.

        Raises
        ------
        KeyError
            The element's records have no such field; the message lists theirs.
        """
        try:
            return list(self._columns[name])
        except KeyError:
            raise KeyError(
                f"{self._element.name} records have no field {name!r}; they have "
                f"{list(self._names)}."
            ) from None

    def to_arrow(self) -> pyarrow.Table:
        """Return the records as a `pyarrow.Table` (regions as their encoded bytes).

        Raises
        ------
        ImportError
            pyarrow is not installed.
        """
        try:
            import pyarrow
        except ImportError as err:
            raise ImportError(
                "DimensionRecordTable.to_arrow needs pyarrow; install it (pip install pyarrow)."
            ) from err
        return pyarrow.table(
            {
                name: [_arrow_value(value) for value in values]
                for name, values in self._columns.items()
            }
        )


def _arrow_value(value: Any) -> Any:
    """Return a value as pyarrow can hold it: regions encoded, timespans as TAI nanoseconds."""
    from .._timespan import Timespan
    from ..sphgeom import Region

    if isinstance(value, Region):
        return value.encode()
    if isinstance(value, Timespan):
        begin, end = value.nsec
        return {"begin_nsec": begin, "end_nsec": end}
    return value
