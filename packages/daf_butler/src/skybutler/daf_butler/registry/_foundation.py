"""Creating and opening the registry schema: managers, tables and versions.

`RegistryManagers` lists the managers of a repository in dependency order.
Creating a repository declares every manager's static tables in one
`Database.ensure_tables` call and stores each manager's schema version;
opening one checks those versions first and the tables second.

How later managers plug in: a manager subclasses `VersionedManager`
(``short_name``, ``schema_version``, ``table_specs()``), is added to
`RegistryManagers.managers` after those whose tables it refers to, and is
built from the tables returned here. Dimension-record tables depend on the
universe, so their manager creates them in its own ``initialize`` (from the
universe given, or the one the repository stores) and ``open``; dataset
tables refer to ``collection``/``run`` through
`collection_foreign_key`/`run_foreign_key`, and dynamic per-dimension-group
tables are created later with `Database.ensure_tables`, which is safe under
concurrent processes.
"""

from __future__ import annotations

__all__ = ["RegistryManagers"]

import dataclasses
import logging
from typing import TYPE_CHECKING, ClassVar

import sqlalchemy as sa

from ..errors import RegistryError
from ._attributes import ButlerAttributeManager
from ._versioning import VersionedManager
from .bridge import DatastoreBridgeManager
from .collections import CollectionManager
from .databases import Database, TableSpec
from .datasets import DatasetManager, DatasetTypeManager
from .dimensions import DimensionRecordManager
from .opaque import OpaqueTableManager

if TYPE_CHECKING:
    from ..dimensions import DimensionUniverse

_LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RegistryManagers:
    """The managers of one repository, sharing one `Database`."""

    managers: ClassVar[tuple[type[VersionedManager], ...]] = (
        ButlerAttributeManager,
        CollectionManager,
        DimensionRecordManager,
        DatasetTypeManager,
        DatasetManager,
        OpaqueTableManager,
        DatastoreBridgeManager,
    )
    """Manager classes, referenced tables' owners first."""

    db: Database
    attributes: ButlerAttributeManager
    collections: CollectionManager
    dimensions: DimensionRecordManager
    dataset_types: DatasetTypeManager
    datasets: DatasetManager
    opaque: OpaqueTableManager
    datastores: DatastoreBridgeManager

    @classmethod
    def _build(
        cls,
        db: Database,
        attributes: ButlerAttributeManager,
        tables: dict[str, sa.Table],
        dimensions: DimensionRecordManager,
    ) -> RegistryManagers:
        collections = CollectionManager(db, tables)
        # Dataset tables carry no foreign keys to dimension tables (yet): Registry
        # checks the records exist when it expands data IDs before inserting.
        dataset_types = DatasetTypeManager(db, tables, dimensions.universe, collections)
        datasets = DatasetManager(db, tables, dataset_types, collections)
        opaque = OpaqueTableManager(db, tables)
        bridges = DatastoreBridgeManager(db, tables)
        return cls(
            db, attributes, collections, dimensions, dataset_types, datasets, opaque, bridges
        )

    @classmethod
    def _specs(cls) -> dict[str, TableSpec]:
        specs: dict[str, TableSpec] = {}
        for manager in cls.managers:
            specs.update(manager.table_specs())
        return specs

    @classmethod
    def initialize(
        cls, db: Database, universe: DimensionUniverse | None = None
    ) -> RegistryManagers:
        """Create the schema of a new repository (or check an existing one).

        Raises
        ------
        IncompatibleSchemaVersionError
            The database already holds a repository of other schema versions.
        """
        tables = db.ensure_tables(cls._specs())
        attributes = ButlerAttributeManager(db, tables["butler_attributes"])
        db.run(attributes.store_versions, cls.managers, write=True)
        dimensions = DimensionRecordManager.initialize(db, attributes, universe)
        return cls._build(db, attributes, tables, dimensions)

    @classmethod
    def open(cls, db: Database) -> RegistryManagers:
        """Open the schema of an existing repository.

        Raises
        ------
        RegistryError
            The database holds no repository, or one with missing tables.
        IncompatibleSchemaVersionError
            A manager's stored version is incompatible with this code.
        """
        specs = cls._specs()
        tables = db.get_existing_tables(specs)
        if "butler_attributes" not in tables:
            raise RegistryError(
                f"No registry found in {db.display_url}: the database has no butler_attributes "
                "table. Create a repository first (Butler.makeRepo / butler create)."
            )
        attributes = ButlerAttributeManager(db, tables["butler_attributes"])
        attributes.check_versions(cls.managers, writeable=db.is_writeable())
        missing = sorted(set(specs) - set(tables))
        if missing:
            raise RegistryError(
                f"The registry in {db.display_url} lacks the tables {missing}; it is damaged "
                "or was made by an incompatible program."
            )
        dimensions = DimensionRecordManager.open(db, attributes)
        managers = cls._build(db, attributes, tables, dimensions)
        if db.is_writeable():
            managers._upgrade_patch_versions()
        return managers

    def _upgrade_patch_versions(self) -> None:
        """Bring a repository of older patch versions up to this code's.

        A patch version changes when only indexes are added, so the upgrade
        creates the indexes the repository lacks, on the static tables and on
        every dataset type's tag and calibration tables, then stores the new
        versions. It runs once, at the first writeable open by newer code; a
        read-only open works without it (the indexes only make things faster).
        """
        stored = self.attributes.stored_versions()
        outdated = [m for m in self.managers if stored[m.short_name] < m.schema_version]
        if not outdated:
            return
        self.dataset_types.read_all()  # declares every dataset type's tables
        created = self.db.create_missing_indexes(self.db.metadata.tables.values())
        for manager in outdated:
            self.attributes.set(
                f"version:{manager.short_name}", str(manager.schema_version), force=True
            )
        _LOG.info(
            "Upgraded the registry schema of %s to %s, creating %d missing indexes%s.",
            self.db.display_url,
            ", ".join(f"{m.short_name} {m.schema_version}" for m in outdated),
            len(created),
            f" ({', '.join(created)})" if created else "",
        )
