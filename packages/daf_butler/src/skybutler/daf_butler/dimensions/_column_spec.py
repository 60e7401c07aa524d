"""Column specifications: the typed fields of dimension records.

A `ColumnSpec` describes one field (``name``, ``type``, ``doc``, ``nullable``
and, for some types, a size). Each spec can build a *converter*: a function
that checks a Python value against the column type and returns it in its
canonical form (numpy integers become `int`, bytes become regions, ...).
"""

from __future__ import annotations

__all__ = [
    "COLUMN_TYPES",
    "ColumnSpec",
    "ColumnType",
]

import builtins
import dataclasses
import numbers
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

ColumnType = Literal[
    "int", "string", "hash", "float", "bool", "uuid", "region", "timespan", "datetime"
]

COLUMN_TYPES: tuple[str, ...] = get_args(ColumnType)
"""Every column type a universe file may use, in a stable order."""

_CONFIG_KEYS = frozenset({"name", "type", "doc", "nullable", "length", "nbytes"})


class ColumnValueError(ValueError):
    """A value does not fit a column; the caller adds which element and field."""


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnSpec:
    """The definition of one field of a dimension record.

    Parameters
    ----------
    name
        Field name.
    type
        One of `COLUMN_TYPES`.
    doc
        Human-readable description.
    nullable
        Whether `None` is an allowed value.
    length
        Maximum length of a ``string`` column.
    nbytes
        Maximum size in bytes of a ``hash`` column.
    """

    name: str
    type: ColumnType
    doc: str = ""
    nullable: bool = True
    length: int | None = None
    nbytes: int | None = None

    @property
    def pytype(self) -> builtins.type:
        """The Python type of values of this column."""
        return _pytype(self.type)

    def to_config(self) -> dict[str, Any]:
        """Return the mapping a universe file would use for this column."""
        result: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.length is not None:
            result["length"] = self.length
        if self.nbytes is not None:
            result["nbytes"] = self.nbytes
        if self.doc:
            result["doc"] = self.doc
        result["nullable"] = self.nullable
        return result

    def renamed(self, name: str, *, doc: str | None = None) -> ColumnSpec:
        """Return a non-nullable copy of this key column under another name."""
        return dataclasses.replace(
            self, name=name, nullable=False, doc=self.doc if doc is None else doc
        )

    def make_converter(self) -> Callable[[Any], Any]:
        """Return a function that checks and normalizes one value of this column.

        The function raises `ColumnValueError` with a message describing the
        expected type when the value does not fit.
        """
        check = _CHECKERS[self.type](self)
        if self.nullable:

            def convert(value: Any) -> Any:
                return None if value is None else check(value)

            return convert

        def convert_not_null(value: Any) -> Any:
            if value is None:
                raise ColumnValueError("a value is required (the column is not nullable)")
            return check(value)

        return convert_not_null

    def to_simple_value(self, value: Any) -> Any:
        """Return a JSON-compatible form of a (normalized) value."""
        if value is None:
            return None
        match self.type:
            case "hash":
                return bytes(value).hex()
            case "uuid":
                return str(value)
            case "region":
                return bytes(value.encode()).hex()
            case "timespan":
                return value.to_simple()
            case "datetime":
                from .._timespan import time_to_iso_tai

                return time_to_iso_tai(value)
        return value

    def from_simple_value(self, simple: Any) -> Any:
        """Invert `to_simple_value` (the result is not yet validated)."""
        if simple is None:
            return None
        match self.type:
            case "hash" if isinstance(simple, str):
                return bytes.fromhex(simple)
            case "region" if isinstance(simple, str):
                return bytes.fromhex(simple)
            case "timespan" if isinstance(simple, list | tuple):
                from .._timespan import Timespan

                return Timespan.from_simple(list(simple))
            case "datetime" if isinstance(simple, str):
                from .._timespan import iso_tai_to_time

                return iso_tai_to_time(simple)
        return simple


def column_spec_from_config(
    config: object, *, where: str, nullable: bool | None = None
) -> ColumnSpec:
    """Build a `ColumnSpec` from a universe-file mapping.

    Parameters
    ----------
    config
        Mapping with ``name``, ``type`` and optionally ``doc``, ``nullable``,
        ``length`` (strings) and ``nbytes`` (hashes).
    where
        Description of where the column appears, for error messages.
    nullable
        If not `None`, force this nullability (keys are never nullable).

    Raises
    ------
    ValueError
        If the mapping is malformed; the message names ``where``.
    """
    if not isinstance(config, Mapping):
        raise ValueError(f"{where}: a column must be a mapping with 'name' and 'type'.")
    unknown = set(config) - _CONFIG_KEYS
    if unknown:
        raise ValueError(
            f"{where}: unknown column field(s) {sorted(unknown)}; allowed: {sorted(_CONFIG_KEYS)}."
        )
    name = config.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"{where}: column name {name!r} is not a valid identifier.")
    type_ = config.get("type")
    if type_ not in COLUMN_TYPES:
        raise ValueError(
            f"{where}: column {name!r} has type {type_!r}; allowed types are "
            f"{', '.join(COLUMN_TYPES)}."
        )
    length = config.get("length")
    nbytes = config.get("nbytes")
    if type_ == "string":
        if not isinstance(length, int) or isinstance(length, bool) or length <= 0:
            raise ValueError(f"{where}: string column {name!r} needs a positive 'length'.")
    elif length is not None:
        raise ValueError(f"{where}: 'length' is only allowed on string columns ({name!r}).")
    if type_ == "hash":
        if not isinstance(nbytes, int) or isinstance(nbytes, bool) or nbytes <= 0:
            raise ValueError(f"{where}: hash column {name!r} needs a positive 'nbytes'.")
    elif nbytes is not None:
        raise ValueError(f"{where}: 'nbytes' is only allowed on hash columns ({name!r}).")
    doc = config.get("doc", "")
    if nullable is None:
        nullable = config.get("nullable", True)
        if not isinstance(nullable, bool):
            raise ValueError(f"{where}: 'nullable' of column {name!r} must be true or false.")
    return ColumnSpec(
        name=name,
        type=type_,
        doc=str(doc or "").strip(),
        nullable=nullable,
        length=length,
        nbytes=nbytes,
    )


def _pytype(type_: str) -> type:
    match type_:
        case "int":
            return int
        case "string":
            return str
        case "hash":
            return bytes
        case "float":
            return float
        case "bool":
            return bool
        case "uuid":
            return uuid.UUID
        case "region":
            from ..sphgeom import Region

            region_type: builtins.type = Region
            return region_type
        case "timespan":
            from .._timespan import Timespan

            return Timespan
        case _:
            import astropy.time

            time_type: builtins.type = astropy.time.Time
            return time_type


def _is_bool(value: object) -> bool:
    return type(value) is bool


def _describe(value: Any) -> str:
    return f"{value!r} ({type(value).__name__})"


def _int_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> int:
        if type(value) is int:
            return value
        if isinstance(value, numbers.Integral) and not _is_bool(value):
            return int(value)
        raise ColumnValueError(f"expected an int, got {_describe(value)}")

    return check


def _float_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> float:
        if type(value) is float:
            return value
        if isinstance(value, numbers.Real) and not _is_bool(value):
            return float(value)
        raise ColumnValueError(f"expected a float, got {_describe(value)}")

    return check


def _string_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    length = spec.length

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise ColumnValueError(f"expected a str, got {_describe(value)}")
        text = str(value)
        if length is not None and len(text) > length:
            raise ColumnValueError(
                f"{text!r} has {len(text)} characters; at most {length} are allowed"
            )
        return text

    return check


def _hash_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    nbytes = spec.nbytes

    def check(value: Any) -> bytes:
        if not isinstance(value, bytes | bytearray | memoryview):
            raise ColumnValueError(f"expected bytes, got {_describe(value)}")
        data = bytes(value)
        if nbytes is not None and len(data) > nbytes:
            raise ColumnValueError(f"a hash of {len(data)} bytes exceeds the {nbytes} allowed")
        return data

    return check


def _bool_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> bool:
        if type(value) is bool:
            return value
        # Databases without a boolean type hand back 0/1; numpy has its own bool.
        if isinstance(value, numbers.Integral) and value in (0, 1):
            return bool(value)
        if getattr(getattr(value, "dtype", None), "kind", None) == "b":
            return bool(value)
        raise ColumnValueError(f"expected a bool, got {_describe(value)}")

    return check


def _uuid_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> uuid.UUID:
        if isinstance(value, uuid.UUID):
            return value
        if isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                pass
        raise ColumnValueError(f"expected a UUID, got {_describe(value)}")

    return check


def _region_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        from ..sphgeom import Region

        if isinstance(value, Region):
            return value
        if isinstance(value, bytes | bytearray | memoryview):
            try:
                return Region.decode(bytes(value))
            except Exception as err:
                raise ColumnValueError(f"bytes do not hold an encoded region: {err}") from err
        raise ColumnValueError(f"expected a sphgeom Region, got {_describe(value)}")

    return check


def _timespan_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        from .._timespan import Timespan

        if isinstance(value, Timespan):
            return value
        raise ColumnValueError(f"expected a Timespan, got {_describe(value)}")

    return check


def _datetime_checker(spec: ColumnSpec) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        import astropy.time

        if isinstance(value, astropy.time.Time):
            return value
        raise ColumnValueError(f"expected an astropy Time, got {_describe(value)}")

    return check


_CHECKERS: dict[str, Callable[[ColumnSpec], Callable[[Any], Any]]] = {
    "int": _int_checker,
    "float": _float_checker,
    "string": _string_checker,
    "hash": _hash_checker,
    "bool": _bool_checker,
    "uuid": _uuid_checker,
    "region": _region_checker,
    "timespan": _timespan_checker,
    "datetime": _datetime_checker,
}
