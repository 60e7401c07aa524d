"""The ``butler_attributes`` table: repository-wide key/value settings.

It records the schema version of every manager (``version:<short name>``)
and any other setting a repository must remember (``config:dimensions.json``
for the universe, for instance).
"""

from __future__ import annotations

__all__ = ["ButlerAttributeManager"]

from collections.abc import Iterable, Iterator
from typing import ClassVar

import sqlalchemy as sa

from ..errors import ConflictingDefinitionError, IncompatibleSchemaVersionError, RegistryError
from ._versioning import VersionedManager, VersionTuple, check_compatible
from .databases import Database, FieldSpec, TableSpec

_TABLE = "butler_attributes"
_VERSION_PREFIX = "version:"


class ButlerAttributeManager(VersionedManager):
    """Reads and writes ``butler_attributes(name, value)``.

    Parameters
    ----------
    db
        The registry database.
    table
        The table, as returned by `Database.ensure_tables`.
    """

    short_name: ClassVar[str] = "attributes"
    schema_version: ClassVar[VersionTuple] = VersionTuple(1, 0, 1)

    def __init__(self, db: Database, table: sa.Table) -> None:
        self._db = db
        self._table = table

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return {
            _TABLE: TableSpec(
                fields=(
                    FieldSpec("name", "string", length=1024, primary_key=True),
                    FieldSpec("value", "string", length=65535, nullable=False),
                ),
                doc="Repository-wide settings, schema versions among them.",
            )
        }

    @property
    def table(self) -> sa.Table:
        """The ``butler_attributes`` table."""
        return self._table

    def get(self, name: str, default: str | None = None) -> str | None:
        """Return the value of an attribute, or ``default`` if it is not set."""
        table = self._table
        value = self._db.fetch_scalar(sa.select(table.c.value).where(table.c.name == name))
        return default if value is None else str(value)

    def set(self, name: str, value: str, *, force: bool = False) -> None:
        """Set an attribute.

        Raises
        ------
        ConflictingDefinitionError
            The attribute has another value and ``force`` is false.
        ValueError
            The name or value is empty.
        """
        if not name or not value:
            raise ValueError(
                f"Attribute names and values cannot be empty (got {name!r}={value!r})."
            )
        if force:
            self._db.replace(self._table, [{"name": name, "value": value}])
        else:
            self._db.sync(self._table, keys={"name": name}, compared={"value": value})

    def delete(self, name: str) -> bool:
        """Remove an attribute; return whether it existed."""
        return self._db.delete(self._table, ["name"], [{"name": name}]) > 0

    def items(self) -> Iterator[tuple[str, str]]:
        """Iterate over ``(name, value)`` pairs in name order."""
        table = self._table
        rows = self._db.fetch_all(sa.select(table.c.name, table.c.value).order_by(table.c.name))
        for row in rows:
            yield str(row[0]), str(row[1])

    def empty(self) -> bool:
        """Return whether no attribute is set."""
        return self._db.fetch_one(sa.select(self._table.c.name).limit(1)) is None

    # ------------------------------------------------------------ schema versions

    def stored_versions(self) -> dict[str, VersionTuple]:
        """Return the schema versions stored in the repository, by manager short name."""
        return {
            name.removeprefix(_VERSION_PREFIX): VersionTuple.fromString(value)
            for name, value in self.items()
            if name.startswith(_VERSION_PREFIX)
        }

    def store_versions(self, managers: Iterable[type[VersionedManager]]) -> None:
        """Record the schema versions of a new repository's managers.

        Raises
        ------
        IncompatibleSchemaVersionError
            The repository already records another version for a manager.
        """
        for manager in managers:
            try:
                self.set(_VERSION_PREFIX + manager.short_name, str(manager.schema_version))
            except ConflictingDefinitionError:
                stored = self.stored_versions()[manager.short_name]
                check_compatible(manager.short_name, stored, manager.schema_version, writeable=True)

    def check_versions(
        self, managers: Iterable[type[VersionedManager]], *, writeable: bool
    ) -> None:
        """Refuse a repository whose stored versions this code cannot use.

        Raises
        ------
        IncompatibleSchemaVersionError
            A manager's version is incompatible (see `check_compatible`).
        RegistryError
            The repository records no versions at all (it was never initialized)
            or none for one of the managers.
        """
        stored = self.stored_versions()
        if not stored:
            raise RegistryError(
                f"No registry schema found in {self._db.display_url}: the database is empty "
                "or was not made by skybutler. Create a repository first (Butler.makeRepo / "
                "butler create)."
            )
        for manager in managers:
            version = stored.get(manager.short_name)
            if version is None:
                raise IncompatibleSchemaVersionError(
                    f"The repository at {self._db.display_url} records no schema version for "
                    f"registry manager {manager.short_name!r} (it has {sorted(stored)}); it was "
                    "made by an incompatible program or is damaged."
                )
            check_compatible(
                manager.short_name, version, manager.schema_version, writeable=writeable
            )
