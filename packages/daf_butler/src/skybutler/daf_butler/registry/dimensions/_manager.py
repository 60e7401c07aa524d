"""`DimensionRecordManager`: the dimension-record tables of a repository."""

from __future__ import annotations

__all__ = ["DimensionRecordManager"]

from typing import ClassVar

from ...dimensions import DimensionUniverse
from ...errors import RegistryError
from .._attributes import ButlerAttributeManager
from .._versioning import VersionedManager, VersionTuple
from ..databases import Database, TableSpec
from ._expand import DimensionRecordExpansion
from ._tables import layout_universe, table_specs
from ._universe_io import load_universe, store_universe
from ._writes import DimensionRecordWrites


class DimensionRecordManager(DimensionRecordWrites, DimensionRecordExpansion, VersionedManager):
    """Stores, reads and checks the dimension records of one repository.

    Its tables depend on the repository's universe, which is stored in
    ``butler_attributes`` when the repository is created (`initialize`) and
    read back when it is opened (`open`); there are no static tables.

    Parameters
    ----------
    db
        The registry database.
    universe
        The repository's universe.
    layouts, tables
        See `DimensionRecordStorage`.
    """

    short_name: ClassVar[str] = "dimensions"
    schema_version: ClassVar[VersionTuple] = VersionTuple(6, 0, 2)

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return {}

    @classmethod
    def universe_table_specs(
        cls, db: Database, universe: DimensionUniverse
    ) -> dict[str, TableSpec]:
        """Return the tables of a universe's records, referenced tables first."""
        return table_specs(layout_universe(universe, db.shrink_name))

    @classmethod
    def initialize(
        cls,
        db: Database,
        attributes: ButlerAttributeManager,
        universe: DimensionUniverse | None = None,
    ) -> DimensionRecordManager:
        """Create the tables of a new repository and record its universe.

        Parameters
        ----------
        db
            The registry database.
        attributes
            The repository's attribute manager.
        universe
            The universe of the repository; `None` for the default one (or,
            if the repository exists, the one it stores).

        Raises
        ------
        ConflictingDefinitionError
            The repository exists and stores another universe.
        """

        def work() -> DimensionRecordManager:
            chosen = store_universe(attributes, universe)
            layouts = layout_universe(chosen, db.shrink_name)
            tables = db.ensure_tables(table_specs(layouts))
            return cls(db, chosen, layouts, tables)

        return db.run(work, write=True)

    @classmethod
    def open(cls, db: Database, attributes: ButlerAttributeManager) -> DimensionRecordManager:
        """Open the tables of an existing repository, with the universe it stores.

        Raises
        ------
        RegistryError
            The repository records no universe, or lacks some of its tables.
        ConflictingDefinitionError
            This process already loaded another universe with the stored
            version and namespace.
        """
        universe = load_universe(attributes)
        layouts = layout_universe(universe, db.shrink_name)
        specs = table_specs(layouts)
        tables = db.get_existing_tables(specs)
        missing = sorted(set(specs) - set(tables))
        if missing:
            raise RegistryError(
                f"The registry in {db.display_url} lacks the dimension-record tables {missing} "
                f"of its universe (version {universe.version}, namespace "
                f"{universe.namespace!r}); it is damaged or was made by an incompatible program."
            )
        return cls(db, universe, layouts, tables)
