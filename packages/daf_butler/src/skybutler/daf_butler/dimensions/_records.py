"""`DimensionRecord`: one row of a dimension element, as a typed Python object.

Each element gets its own record class (``universe["visit"].RecordClass``),
generated on first use with one slot per field of the element's
`DimensionRecordSchema`. Records are immutable and validate every value.
"""

from __future__ import annotations

__all__ = ["DimensionRecord", "make_record_class"]

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import DimensionNameError, DimensionValueError
from ._column_spec import ColumnSpec, ColumnValueError

if TYPE_CHECKING:
    from ._coordinate import DataCoordinate
    from ._elements import DimensionElement
    from ._schema import DimensionRecordSchema
    from ._universe import DimensionUniverse


class DimensionRecord:
    """Base class of the record classes generated for each element.

    Construct records with keyword arguments named after the fields (see
    ``RecordClass.fields.names``). A dimension's own primary key may also be
    given under the dimension's name (``detector=5`` for ``id=5``), and a
    temporal element's ``timespan`` as ``datetime_begin``/``datetime_end``.
    """

    __slots__ = ()

    definition: ClassVar[DimensionElement]
    fields: ClassVar[DimensionRecordSchema]
    _field_names: ClassVar[tuple[str, ...]]
    _columns: ClassVar[tuple[ColumnSpec, ...]]
    _converters: ClassVar[tuple[Callable[[Any], Any], ...]]
    _pk_alias: ClassVar[tuple[str, str] | None]
    _has_timespan: ClassVar[bool]
    _data_id_fields: ClassVar[tuple[tuple[str, ...], bool]]

    def __init__(self, **kwargs: Any) -> None:
        cls = type(self)
        element = cls.definition.name
        if cls._pk_alias is not None and element in kwargs:
            pk = cls._pk_alias[1]
            value = kwargs.pop(element)
            if kwargs.setdefault(pk, value) != value:
                raise DimensionValueError(
                    f"A {element} record was given both {element}={value!r} and "
                    f"{pk}={kwargs[pk]!r}; they name the same field and must agree."
                )
        if cls._has_timespan and ("datetime_begin" in kwargs or "datetime_end" in kwargs):
            from .._timespan import Timespan

            begin = kwargs.pop("datetime_begin", None)
            end = kwargs.pop("datetime_end", None)
            if kwargs.get("timespan") is not None:
                raise DimensionValueError(
                    f"A {element} record was given both 'timespan' and "
                    "'datetime_begin'/'datetime_end'; give one form only."
                )
            kwargs["timespan"] = Timespan(begin, end)
        setter = object.__setattr__
        for name, convert in zip(cls._field_names, cls._converters, strict=True):
            value = kwargs.pop(name, None)
            try:
                setter(self, name, convert(value))
            except ColumnValueError as err:
                raise DimensionValueError(
                    f"Invalid value for field {name!r} of a {element} record: {err}."
                ) from None
        if kwargs:
            raise DimensionNameError(
                f"Unknown field(s) {', '.join(sorted(kwargs))} for a {element} record; its "
                f"fields are {', '.join(cls._field_names)}."
            )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} records are immutable; build a new one instead of "
            f"setting {name!r}."
        )

    @classmethod
    def fromDict(cls, mapping: Mapping[str, Any]) -> DimensionRecord:
        """Build a record from a `toDict` mapping (either timespan form)."""
        return cls(**mapping)

    def toDict(self, splitTimespan: bool = False) -> dict[str, Any]:
        """Return the fields as a dictionary, in field order.

        Parameters
        ----------
        splitTimespan
            Write ``datetime_begin`` and ``datetime_end`` in place of
            ``timespan`` (the form export files use).
        """
        result = {name: getattr(self, name) for name in self._field_names}
        if splitTimespan and self._has_timespan:
            timespan = result.pop("timespan")
            result["datetime_begin"] = timespan.begin if timespan is not None else None
            result["datetime_end"] = timespan.end if timespan is not None else None
        return result

    @property
    def dataId(self) -> DataCoordinate:
        """The data ID of this record (full when the record holds every value)."""
        from ._coordinate import _new

        fields, _ = self._data_id_fields
        return _new(self.definition.minimal_group, tuple(getattr(self, f) for f in fields))

    def _comparison_values(self) -> tuple[Any, ...]:
        values = []
        for column in self._columns:
            value = getattr(self, column.name)
            if column.type == "region" and value is not None:
                value = bytes(value.encode())
            values.append(value)
        return tuple(values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DimensionRecord):
            return NotImplemented
        if self.definition is not other.definition:
            return False
        return self._comparison_values() == other._comparison_values()

    def __hash__(self) -> int:
        fields, _ = self._data_id_fields
        return hash((self.definition.name, *(getattr(self, f) for f in fields)))

    def __repr__(self) -> str:
        body = ", ".join(f"{n}={getattr(self, n, '<unset>')!r}" for n in self._field_names)
        return f"{type(self).__name__}({body})"

    def __reduce__(self) -> tuple[Any, ...]:
        values = tuple(getattr(self, n) for n in self._field_names)
        return (_unpickle_record, (self.definition, values))

    def to_simple(self, minimal: bool = False) -> dict[str, Any]:
        """Return ``{"definition": element, "record": {field: JSON value}}``."""
        record = {
            column.name: column.to_simple_value(getattr(self, column.name))
            for column in self._columns
        }
        return {"definition": self.definition.name, "record": record}

    @classmethod
    def from_simple(
        cls,
        simple: Mapping[str, Any],
        universe: DimensionUniverse | None = None,
        registry: Any = None,
    ) -> DimensionRecord:
        """Rebuild a record from `to_simple` output."""
        if universe is None:
            if registry is not None:
                universe = registry.dimensions
            else:
                from ._universe import DimensionUniverse

                universe = DimensionUniverse()
        record_class = universe[simple["definition"]].RecordClass
        values = dict(simple["record"])
        for column in record_class._columns:
            if column.name in values:
                values[column.name] = column.from_simple_value(values[column.name])
        return record_class(**values)


def make_record_class(element: DimensionElement) -> type[DimensionRecord]:
    """Generate the record class of one element."""
    from ._elements import Dimension

    schema = element.schema
    names = schema.names
    pk_alias = None
    if isinstance(element, Dimension) and element.primaryKey.name != element.name:
        pk_alias = (element.name, element.primaryKey.name)
    # Map each dimension of the element's minimal group to the field holding its value.
    field_for = {column.name: column.name for column in schema.dimensions}
    if pk_alias is not None:
        field_for[element.name] = pk_alias[1]
    group = element.minimal_group
    if all(key in field_for for key in group._dc_keys):
        data_id_fields = (tuple(field_for[k] for k in group._dc_keys), True)
    else:
        data_id_fields = (tuple(field_for[k] for k in group._required), False)
    namespace = {
        "__slots__": names,
        "__module__": __name__,
        "definition": element,
        "fields": schema,
        "_field_names": names,
        "_columns": tuple(schema.all),
        "_converters": tuple(column.make_converter() for column in schema.all),
        "_pk_alias": pk_alias,
        "_has_timespan": "timespan" in names,
        "_data_id_fields": data_id_fields,
    }
    return type(f"{element.name}.RecordClass", (DimensionRecord,), namespace)


def _unpickle_record(element: DimensionElement, values: tuple[Any, ...]) -> DimensionRecord:
    record_class = element.RecordClass
    return record_class(**dict(zip(record_class._field_names, values, strict=True)))
