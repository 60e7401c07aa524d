"""Tables of `Database`: declaring them from specs and creating them.

Column types come from the field types of `TableSpec` (see `FieldType`);
backends add their own constraints through `_field_constraints` (SQLite's
string-length CHECKs) and `_exclusion_constraint` (PostgreSQL's gist
exclusion constraints), and serialize concurrent schema changes through
`DatabaseCore._lock_schema`.
"""

from __future__ import annotations

__all__ = ["DatabaseSchema"]

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from ...errors import RegistryError
from ._base import DatabaseCore
from ._specs import FieldSpec, TableSpec
from ._types import GUID, Base64Region, TaiNsec


class DatabaseSchema(DatabaseCore):
    """Declaring and creating tables (see the module documentation)."""

    def shrink_name(self, name: str) -> str:
        """Return ``name``, or a hashed abbreviation if the backend finds it too long."""
        if len(name) <= self.max_identifier_length:
            return name
        digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]
        return f"{name[: self.max_identifier_length - 9]}_{digest}"

    def _column_type(self, field: FieldSpec) -> sa.types.TypeEngine[Any]:
        match field.dtype:
            case "int":
                if field.autoincrement:
                    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")
                return sa.BigInteger()
            case "smallint":
                return sa.SmallInteger()
            case "string":
                return sa.String(field.length)
            case "text":
                return sa.Text()
            case "hash":
                return sa.LargeBinary(field.length)
            case "float":
                return sa.Double()
            case "bool":
                return sa.Boolean()
            case "uuid":
                return GUID()
            case "region":
                return Base64Region()
            case "datetime":
                return TaiNsec()
        raise AssertionError(f"no column type for {field.dtype}")  # pragma: no cover

    def _field_constraints(self, table: str, field: FieldSpec) -> list[sa.Constraint]:
        """Return backend-specific constraints of one field (none by default)."""
        return []

    def _exclusion_constraint(
        self, table: str, spec: TableSpec, fields: tuple[str, ...]
    ) -> sa.Constraint | None:
        """Return the no-overlap constraint of a spec's ``exclusion`` entry, if supported."""
        return None

    def define_table(self, name: str, spec: TableSpec) -> sa.Table:
        """Declare a table in `metadata` (idempotently) without creating it.

        Referenced tables must have been declared first.
        """
        key = f"{self._namespace}.{name}" if self._namespace else name
        with self._lock:
            if key in self._metadata.tables:
                return self._metadata.tables[key]
            items: list[sa.schema.SchemaItem] = []
            for field in spec.fields:
                if field.dtype == "timespan":
                    items.extend(self.timespan_representation.make_columns(field))
                    continue
                items.append(
                    sa.Column(
                        field.name,
                        self._column_type(field),
                        primary_key=field.primary_key,
                        autoincrement=field.autoincrement if field.primary_key else False,
                        nullable=field.nullable,
                        comment=field.doc or None,
                    )
                )
                items.extend(self._field_constraints(name, field))
            items.extend(self._keys(name, spec))
            table = sa.Table(
                name,
                self._metadata,
                *items,
                comment=spec.doc or None,
                sqlite_autoincrement=any(f.autoincrement for f in spec.fields),
            )
            table.info["timespans"] = spec.timespan_fields
            table.info["spec"] = spec
            return table

    def _columns_of(self, spec: TableSpec, names: tuple[str, ...]) -> list[str]:
        columns: list[str] = []
        for name in names:
            if spec.field(name).dtype == "timespan":
                columns.extend(self.timespan_representation.column_names(name))
            else:
                columns.append(name)
        return columns

    def _keys(self, name: str, spec: TableSpec) -> list[sa.schema.SchemaItem]:
        items: list[sa.schema.SchemaItem] = []
        for fields in spec.unique:
            cols = self._columns_of(spec, fields)
            items.append(
                sa.UniqueConstraint(*cols, name=self.shrink_name(f"{name}_unq_" + "_".join(cols)))
            )
        for fields in spec.indexes:
            cols = self._columns_of(spec, fields)
            items.append(sa.Index(self.shrink_name(f"{name}_idx_" + "_".join(cols)), *cols))
        for fk in spec.foreign_keys:
            key = f"{self._namespace}.{fk.table}" if self._namespace else fk.table
            target = self._metadata.tables.get(key)
            if target is None:
                raise RegistryError(
                    f"Table {name!r} refers to table {fk.table!r}, which is not declared yet; "
                    "declare referenced tables first."
                )
            items.append(
                sa.ForeignKeyConstraint(
                    list(fk.source),
                    [target.c[column] for column in fk.target],
                    ondelete=fk.on_delete,
                    name=self.shrink_name(f"{name}_fkey_{fk.table}_" + "_".join(fk.source)),
                )
            )
        for fields in spec.exclusion:
            constraint = self._exclusion_constraint(name, spec, fields)
            if constraint is not None:
                items.append(constraint)
            else:
                cols = self._columns_of(spec, fields)
                items.append(sa.Index(self.shrink_name(f"{name}_excl_" + "_".join(cols)), *cols))
        return items

    def ensure_tables(self, specs: Mapping[str, TableSpec]) -> dict[str, sa.Table]:
        """Declare tables and create those that do not exist yet, in one transaction.

        Safe when several processes do it at once. Specs are processed in
        order, so referenced tables come first.
        """
        tables = {name: self.define_table(name, spec) for name, spec in specs.items()}

        def create() -> None:
            connection = self._frame_connection()
            self._lock_schema(connection)
            inspector = sa.inspect(connection)
            for name, table in tables.items():
                if not inspector.has_table(name, schema=self._namespace):
                    table.create(connection)

        self.run(create, write=True)
        return tables

    def create_missing_indexes(self, tables: Iterable[sa.Table]) -> list[str]:
        """Create the indexes declared on ``tables`` that the database lacks, in one transaction.

        For repositories made before an index was added to a table's spec.
        Safe when several processes do it at once (the schema lock).

        Returns
        -------
        created
            Names of the indexes created.
        """
        wanted = list(tables)

        def create() -> list[str]:
            connection = self._frame_connection()
            self._lock_schema(connection)
            inspector = sa.inspect(connection)
            existing = set(inspector.get_table_names(schema=self._namespace))
            created: list[str] = []
            for table in wanted:
                if table.name not in existing:
                    continue  # declared for reading, never created: nothing to index
                present = {
                    index["name"]
                    for index in inspector.get_indexes(table.name, schema=self._namespace)
                }
                for index in sorted(table.indexes, key=lambda i: str(i.name)):
                    if index.name not in present:
                        index.create(connection)
                        created.append(str(index.name))
            return created

        return self.run(create, write=True)

    def get_existing_tables(self, specs: Mapping[str, TableSpec]) -> dict[str, sa.Table]:
        """Declare tables and return those that exist in the database (others are left out)."""
        tables = {name: self.define_table(name, spec) for name, spec in specs.items()}
        existing = self.table_names()
        return {name: table for name, table in tables.items() if name in existing}

    def table_names(self) -> set[str]:
        """Return the names of the tables in the database (in this namespace)."""

        def names() -> set[str]:
            return set(sa.inspect(self._frame_connection()).get_table_names(schema=self._namespace))

        return self.run(names)
