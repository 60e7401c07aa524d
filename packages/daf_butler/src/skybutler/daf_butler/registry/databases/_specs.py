"""Backend-neutral descriptions of registry tables.

Managers describe their tables with `TableSpec` objects; a `Database` turns
them into SQLAlchemy tables with the column types of its backend (a UUID is
``uuid`` on PostgreSQL and a 16-byte BLOB on SQLite, a ``timespan`` field is
one ``int8range`` column on PostgreSQL and a ``<name>_begin``/``<name>_end``
pair on SQLite, and so on). Specs are plain frozen data: managers build them
once at import or from the dimension universe and pass them around freely.
"""

from __future__ import annotations

__all__ = ["FieldSpec", "FieldType", "ForeignKeySpec", "TableSpec"]

import dataclasses
from typing import Literal, get_args

FieldType = Literal[
    "int",
    "smallint",
    "string",
    "text",
    "hash",
    "float",
    "bool",
    "uuid",
    "region",
    "datetime",
    "timespan",
]
"""Column types a `FieldSpec` may use.

``int`` is a 64-bit integer; ``string`` needs a ``length`` (characters) and
``hash`` a ``length`` (bytes); ``text`` is unbounded; ``region`` is a sky
region stored as base64 text; ``datetime`` is an astropy time stored as
integer TAI nanoseconds; ``timespan`` is a `Timespan` in the backend's own
representation.
"""

_FIELD_TYPES = frozenset(get_args(FieldType))

OnDelete = Literal["CASCADE", "SET NULL"]


@dataclasses.dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field (usually one column) of a table.

    Parameters
    ----------
    name
        Field name; a ``timespan`` field may become several columns.
    dtype
        One of `FieldType`.
    length
        Maximum characters of a ``string`` field or bytes of a ``hash`` field.
    nullable
        Whether NULL is allowed (always false for primary-key fields).
    primary_key
        Whether the field is part of the primary key.
    autoincrement
        Whether the database generates the value (a single integer primary key).
    doc
        What the field holds.
    """

    name: str
    dtype: FieldType
    length: int | None = None
    nullable: bool = True
    primary_key: bool = False
    autoincrement: bool = False
    doc: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"Field name {self.name!r} is not a valid identifier.")
        if self.dtype not in _FIELD_TYPES:
            raise ValueError(
                f"Field {self.name!r} has type {self.dtype!r}; allowed: {sorted(_FIELD_TYPES)}."
            )
        if self.dtype in ("string", "hash") and (self.length is None or self.length <= 0):
            raise ValueError(f"Field {self.name!r} of type {self.dtype!r} needs a positive length.")
        if self.autoincrement and (self.dtype != "int" or not self.primary_key):
            raise ValueError(
                f"Field {self.name!r}: only an 'int' primary-key field can autoincrement."
            )
        if self.primary_key and self.nullable:
            object.__setattr__(self, "nullable", False)


@dataclasses.dataclass(frozen=True, slots=True)
class ForeignKeySpec:
    """A foreign key from some fields of a table to fields of another.

    Parameters
    ----------
    table
        Name of the referenced table, which must be declared first.
    source
        Fields of this table.
    target
        Referenced fields of ``table``, in the same order.
    on_delete
        What happens to rows of this table when the referenced row goes;
        `None` refuses the deletion.
    """

    table: str
    source: tuple[str, ...]
    target: tuple[str, ...]
    on_delete: OnDelete | None = None

    def __post_init__(self) -> None:
        if not self.source or len(self.source) != len(self.target):
            raise ValueError(
                f"Foreign key to {self.table!r}: source {self.source} and target "
                f"{self.target} must be non-empty and of the same length."
            )


@dataclasses.dataclass(frozen=True, slots=True)
class TableSpec:
    """A table: its fields, keys and indexes.

    Parameters
    ----------
    fields
        Fields in column order; the primary key is the fields marked so.
    unique
        Sets of fields that are unique together.
    indexes
        Sets of fields to index.
    foreign_keys
        Foreign keys to tables declared earlier.
    exclusion
        Sets of fields no two rows may share while the ``timespan`` field in
        the set overlaps: an ``EXCLUDE USING gist`` constraint on PostgreSQL;
        on SQLite a plain index, and the caller checks overlaps itself.
    doc
        What the table holds.
    """

    fields: tuple[FieldSpec, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKeySpec, ...] = ()
    exclusion: tuple[tuple[str, ...], ...] = ()
    doc: str = ""

    def __post_init__(self) -> None:
        names = [field.name for field in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"Duplicate field names in table spec: {names}.")
        known = set(names)
        groups = [*self.unique, *self.indexes, *self.exclusion]
        groups += [fk.source for fk in self.foreign_keys]
        for group in groups:
            unknown = [name for name in group if name not in known]
            if unknown:
                raise ValueError(f"Fields {unknown} are not in the table spec ({names}).")
        for group in self.exclusion:
            if sum(self.field(name).dtype == "timespan" for name in group) != 1:
                raise ValueError(
                    f"Exclusion constraint {group} must contain exactly one timespan field."
                )

    def field(self, name: str) -> FieldSpec:
        """Return the field of this name.

        Raises
        ------
        KeyError
            If there is none.
        """
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(f"No field {name!r} in table spec; fields: {[f.name for f in self.fields]}.")

    @property
    def primary_key(self) -> tuple[str, ...]:
        """Names of the primary-key fields."""
        return tuple(field.name for field in self.fields if field.primary_key)

    @property
    def timespan_fields(self) -> tuple[str, ...]:
        """Names of the ``timespan`` fields."""
        return tuple(field.name for field in self.fields if field.dtype == "timespan")
