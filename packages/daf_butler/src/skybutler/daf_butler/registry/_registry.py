"""`Registry`: upstream's registry API over the managers of one repository.

This module only translates: it normalizes arguments (names or objects, data
IDs with defaults, collection search paths) and calls the managers, which
hold the SQL. Method names are upstream's, so code written against
``lsst.daf.butler.Registry`` runs unchanged.
"""

from __future__ import annotations

__all__ = ["Registry"]

import contextlib
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._collection_type import CollectionType
from .._config import Config
from .._dataset_ref import DatasetRef
from .._dataset_type import DatasetType
from .._timespan import Timespan
from .._uuid import DatasetIdGenEnum
from ..dimensions import (
    DataCoordinate,
    DimensionElement,
    DimensionGroup,
    DimensionRecord,
    DimensionUniverse,
)
from ..errors import (
    CollectionTypeError,
    ConflictingDefinitionError,
    DatasetTypeError,
    MissingCollectionError,
)
from ._config import RegistryConfig
from ._defaults import RegistryDefaults
from ._foundation import RegistryManagers
from ._shared import SharedManagers, invalidate_shared, open_shared
from .databases import Database, open_database

_ALL_COLLECTION_TYPES = CollectionType.all()
_NO_DEFAULT_COLLECTIONS = (
    "No collections were given and the registry has no default collections; pass "
    "collections=... or construct the Butler/Registry with collections=."
)


def _as_config(config: Config | str | Mapping[str, Any] | None) -> RegistryConfig:
    if isinstance(config, str) and "://" in config and not config.endswith((".yaml", ".json")):
        return RegistryConfig({"db": config})
    return RegistryConfig(config)


class Registry:
    """The database of what exists in a repository.

    Make one with `createFromConfig` (a new repository) or `fromConfig` (an
    existing one); the `~skybutler.daf_butler.Butler` normally does this.

    Parameters
    ----------
    managers
        The managers of an opened or created registry schema.
    defaults
        Default collections, run and data ID values.
    """

    def __init__(
        self, managers: RegistryManagers, defaults: RegistryDefaults | None = None
    ) -> None:
        self._managers = managers
        self._defaults = defaults if defaults is not None else RegistryDefaults()
        self._share: SharedManagers | None = None
        self._owns_share = False

    # ------------------------------------------------------------ construction

    @classmethod
    def createFromConfig(
        cls,
        config: Config | str | Mapping[str, Any] | None = None,
        dimensionConfig: Config | str | Mapping[str, Any] | None = None,
        butlerRoot: str | None = None,
    ) -> Registry:
        """Create the schema of a new registry and return it.

        Parameters
        ----------
        config
            Registry configuration, or simply a database URL.
        dimensionConfig
            The dimension universe (a file, mapping or `Config`); the
            default universe when `None`.
        butlerRoot
            Replaces ``<butlerRoot>`` in the database URL.
        """
        reg_config = _as_config(config)
        if butlerRoot is not None:
            from .._config_paths import replace_butler_root

            replace_butler_root(reg_config, butlerRoot)
        universe = (
            DimensionUniverse(dimensionConfig)
            if dimensionConfig is not None
            else DimensionUniverse()
        )
        url = reg_config.get_database_url()
        invalidate_shared(url, reg_config.namespace)
        db = open_database(url, namespace=reg_config.namespace)
        return cls(RegistryManagers.initialize(db, universe))

    @classmethod
    def fromConfig(
        cls,
        config: Config | str | Mapping[str, Any],
        butlerRoot: str | None = None,
        writeable: bool = True,
        defaults: RegistryDefaults | None = None,
    ) -> Registry:
        """Open the registry of an existing repository.

        Parameters
        ----------
        config
            Registry configuration, or simply a database URL.
        butlerRoot
            Replaces ``<butlerRoot>`` in the database URL.
        writeable
            Open for writing.
        defaults
            Default collections, run and data ID values.
        """
        reg_config = _as_config(config)
        if butlerRoot is not None:
            from .._config_paths import replace_butler_root

            replace_butler_root(reg_config, butlerRoot)
        url = reg_config.get_database_url()
        namespace = reg_config.namespace
        # A process that already has this repository open reuses its schema (see _shared.py).
        shared = open_shared(
            url,
            namespace,
            writeable,
            lambda: open_database(url, namespace=namespace, writeable=writeable),
        )
        registry = cls(shared.managers, defaults)
        registry._share, registry._owns_share = shared, True
        return registry

    def copy(self, defaults: RegistryDefaults | None = None) -> Registry:
        """Return a registry sharing this one's database, with other defaults."""
        copied = Registry(self._managers, defaults if defaults is not None else self._defaults)
        copied._share = self._share
        return copied

    # ------------------------------------------------------------ basics

    @property
    def dimensions(self) -> DimensionUniverse:
        """The repository's dimension universe."""
        return self._managers.dimensions.universe

    @property
    def defaults(self) -> RegistryDefaults:
        """Default collections, run and data ID values."""
        return self._defaults

    @defaults.setter
    def defaults(self, value: RegistryDefaults) -> None:
        self._defaults = value

    @property
    def db(self) -> Database:
        """The database (for the query system and tools; not a stable API)."""
        return self._managers.db

    def isWriteable(self) -> bool:
        """Return whether this registry may be written to."""
        return self._managers.db.is_writeable()

    @contextlib.contextmanager
    def transaction(self, *, savepoint: bool = False) -> Iterator[None]:
        """Group registry operations into one all-or-nothing transaction."""
        with self._managers.db.transaction(write=True, savepoint=savepoint):
            yield

    def refresh(self) -> None:
        """Forget cached collections, dataset types and records (another process changed them)."""
        self._managers.collections.refresh()
        self._managers.dimensions.clear_caches()
        self._managers.datasets.refresh()

    def close(self) -> None:
        """Release the database connections (once no other registry opened here uses them)."""
        if self._owns_share and self._share is not None:
            self._owns_share = False
            self._share.release()
        else:
            self._managers.db.close()

    def __repr__(self) -> str:
        return f"Registry({self._managers.db.display_url!r})"

    # ------------------------------------------------------------ collections

    def registerCollection(
        self, name: str, type: CollectionType = CollectionType.TAGGED, doc: str | None = None
    ) -> bool:
        """Register a collection; return `True` if it was new.

        Raises
        ------
        CollectionTypeError
            A collection of that name exists with another type.
        """
        return self._managers.collections.register(name, type, doc=doc)[1]

    def registerRun(self, name: str, doc: str | None = None) -> bool:
        """Register a RUN collection; return `True` if it was new."""
        return self._managers.collections.register(name, CollectionType.RUN, doc=doc)[1]

    def getCollectionType(self, name: str) -> CollectionType:
        """Return the type of a collection.

        Raises
        ------
        MissingCollectionError
            No such collection; the message suggests close names.
        """
        return self._managers.collections.get_type(name)

    def getCollectionDocumentation(self, collection: str) -> str | None:
        """Return the documentation string of a collection."""
        return self._managers.collections.get_doc(collection)

    def setCollectionDocumentation(self, collection: str, doc: str | None) -> None:
        """Set (or clear, with `None`) the documentation string of a collection."""
        self._managers.collections.set_doc(collection, doc)

    def getCollectionChain(self, parent: str) -> tuple[str, ...]:
        """Return the children of a CHAINED collection, in search order."""
        return self._managers.collections.get_chain(parent)

    def setCollectionChain(
        self, parent: str, children: Iterable[str] | str, *, flatten: bool = False
    ) -> None:
        """Replace the children of a CHAINED collection, atomically.

        Raises
        ------
        CollectionCycleError
            The chain would contain itself.
        MissingCollectionError
            A child does not exist.
        """
        self._managers.collections.set_chain(parent, children, flatten=flatten)

    def getCollectionParentChains(self, collection: str) -> set[str]:
        """Return the names of the CHAINED collections that directly hold ``collection``."""
        return set(self._managers.collections.get_parents(collection))

    def removeCollection(self, name: str) -> None:
        """Remove a collection; removing a RUN removes its datasets too.

        Raises
        ------
        OrphanedRecordError
            The collection is a child of a chain; the message names the chains.
        """
        self._managers.datasets.before_collection_removal(name)
        self._managers.collections.remove(name)

    def queryCollections(
        self,
        expression: Any = ...,
        datasetType: DatasetType | str | None = None,
        collectionTypes: CollectionType | Iterable[CollectionType] = _ALL_COLLECTION_TYPES,
        flattenChains: bool = False,
        includeChains: bool | None = None,
    ) -> list[str]:
        """Return the names of the collections matching an expression.

        Parameters
        ----------
        expression
            A name, glob pattern, regular expression, a list of these, or
            ``...`` for every collection.
        datasetType
            Keep only collections that hold datasets of this type.
        collectionTypes
            Keep only collections of these types.
        flattenChains
            Replace chains by their children (recursively).
        includeChains
            Keep the chains themselves as well; default ``not flattenChains``.
        """
        records = self._managers.collections.query(
            expression,
            types=collectionTypes,
            flatten_chains=flattenChains,
            include_chains=includeChains,
        )
        names = [record.name for record in records]
        if datasetType is not None:
            dataset_type = self._resolve_dataset_type(datasetType)
            names = self._managers.datasets.filter_collections_with_type(names, dataset_type)
        return names

    def _search_path(self, collections: Any) -> list[str]:
        """Turn a ``collections`` argument (or the defaults) into an ordered list of names."""
        if collections is None:
            names = list(self._defaults.collections)
            if not names:
                raise MissingCollectionError(_NO_DEFAULT_COLLECTIONS)
            return names
        if isinstance(collections, str):
            return [collections]
        names = list(collections)
        if any(not isinstance(name, str) for name in names):
            raise CollectionTypeError(
                f"An ordered collection search path must be a list of names; got {names!r} "
                "(patterns are only allowed where order does not matter)."
            )
        return names

    def _output_run(self, run: str | None) -> str:
        run = run if run is not None else self._defaults.run
        if run is None:
            raise CollectionTypeError(
                "No RUN collection was given and the registry has no default run; pass run=... ."
            )
        if self.getCollectionType(run) is not CollectionType.RUN:
            raise CollectionTypeError(
                f"Collection {run!r} is not a RUN collection; datasets are born in runs."
            )
        return run

    # ------------------------------------------------------------ dimensions

    def insertDimensionData(
        self,
        element: DimensionElement | str,
        *data: Mapping[str, Any] | DimensionRecord,
        conform: bool = True,
        replace: bool = False,
        skip_existing: bool = False,
    ) -> None:
        """Insert dimension records (all in one transaction, one round trip per table)."""
        self._managers.dimensions.insert(
            element, data, replace=replace, skip_existing=skip_existing
        )

    def syncDimensionData(
        self,
        element: DimensionElement | str,
        row: Mapping[str, Any] | DimensionRecord,
        conform: bool = True,
        update: bool = False,
    ) -> bool | dict[str, Any]:
        """Insert a record if it is new, or check it matches the stored one.

        Returns
        -------
        inserted_or_updated : `bool` or `dict`
            `True` if inserted, `False` if identical, or (with ``update``) the
            old values of the fields that were changed.

        Raises
        ------
        ConflictingDefinitionError
            The stored record differs; the message names each field.
        """
        record = self._managers.dimensions.as_record(element, row)
        return self._managers.dimensions.sync(record, update=update)

    def expandDataId(
        self,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        dimensions: Iterable[str] | DimensionGroup | None = None,
        records: Mapping[str, DimensionRecord | None] | None = None,
        withDefaults: bool = True,
        **kwargs: Any,
    ) -> DataCoordinate:
        """Return a data ID with implied values and dimension records filled in.

        Raises
        ------
        DimensionNameError
            A required key is missing.
        InconsistentDataIdError
            Given values contradict the stored records.
        LookupError
            A needed dimension record does not exist (the error names it).
        """
        defaults = self._defaults.dataId if withDefaults else None
        group = None
        if dimensions is not None:
            group = (
                dimensions
                if isinstance(dimensions, DimensionGroup)
                else self.dimensions.conform(dimensions)
            )
        standard = DataCoordinate.standardize(
            dataId,
            dimensions=group,
            universe=self.dimensions,
            defaults=self._governor_defaults(defaults, group, dataId, kwargs),
            **kwargs,
        )
        return self._managers.dimensions.expand_data_id(standard, records=records)

    def _governor_defaults(
        self,
        defaults: Mapping[str, Any] | None,
        group: DimensionGroup | None,
        data_id: Any,
        kwargs: Mapping[str, Any],
    ) -> DataCoordinate | None:
        if not defaults:
            return None
        given = set(kwargs) | (set(data_id.keys()) if data_id is not None else set())
        wanted = {k: v for k, v in defaults.items() if k not in given}
        if not wanted or (group is not None and not set(wanted) & set(group.names)):
            return None
        return DataCoordinate.standardize(wanted, universe=self.dimensions)

    # ------------------------------------------------------------ dataset types

    def registerDatasetType(self, datasetType: DatasetType) -> bool:
        """Register a dataset type; return `True` if it was new.

        Raises
        ------
        ConflictingDefinitionError
            A different definition of that name exists; the message says what differs.
        """
        if datasetType.isComponent():
            raise DatasetTypeError(
                f"Component dataset type {datasetType.name!r} cannot be registered; register "
                f"its parent {datasetType.nameAndComponent()[0]!r} instead."
            )
        return self._managers.dataset_types.register(datasetType)

    def removeDatasetType(self, name: str | tuple[str, ...]) -> None:
        """Remove dataset types (refused while any dataset of the type exists)."""
        for one in (name,) if isinstance(name, str) else name:
            self._managers.dataset_types.remove(one)

    def getDatasetType(self, name: str) -> DatasetType:
        """Return the registered dataset type of this name (components included).

        Raises
        ------
        MissingDatasetTypeError
            No such dataset type; the message suggests close names.
        """
        return self._managers.dataset_types.get(name)

    def queryDatasetTypes(
        self, expression: Any = ..., *, missing: list[str] | None = None
    ) -> list[DatasetType]:
        """Return the registered dataset types matching names, globs or regular expressions."""
        return self._managers.dataset_types.query(expression, missing=missing)

    def _resolve_dataset_type(self, dataset_type: DatasetType | str) -> DatasetType:
        if isinstance(dataset_type, str):
            return self.getDatasetType(dataset_type)
        try:
            return self._managers.dataset_types.resolve(dataset_type)[1]
        except ConflictingDefinitionError as exc:
            # The manager's message names each difference; callers catch DatasetTypeError.
            raise DatasetTypeError(str(exc)) from exc

    # ------------------------------------------------------------ datasets

    def insertDatasets(
        self,
        datasetType: DatasetType | str,
        dataIds: Iterable[DataCoordinate | Mapping[str, Any]],
        run: str | None = None,
        expand: bool = True,
        idGenerationMode: DatasetIdGenEnum = DatasetIdGenEnum.UNIQUE,
    ) -> list[DatasetRef]:
        """Insert new datasets into a RUN collection and return their refs.

        Raises
        ------
        ConflictingDefinitionError
            A dataset of this type and data ID is already in the run.
        LookupError
            (with ``expand``) A data ID names a dimension record that does not exist.
        """
        dataset_type = self._resolve_dataset_type(datasetType)
        run_name = self._output_run(run)
        group = dataset_type.dimensions
        standard = [
            DataCoordinate.standardize(d, dimensions=group, universe=self.dimensions)
            for d in dataIds
        ]
        if expand:
            standard = self._managers.dimensions.expand_data_ids(standard)
        return self._managers.datasets.insert(dataset_type, run_name, standard, idGenerationMode)

    def _importDatasets(
        self, datasets: Iterable[DatasetRef], expand: bool = True
    ) -> list[DatasetRef]:
        """Insert datasets with the IDs they already have (all must share type and run)."""
        refs = list(datasets)
        if not refs:
            return []
        by_key: dict[tuple[str, str], list[DatasetRef]] = {}
        for ref in refs:
            by_key.setdefault((ref.datasetType.name, ref.run), []).append(ref)
        result: list[DatasetRef] = []
        with self.transaction():
            for (_, run), group in by_key.items():
                dataset_type = self._resolve_dataset_type(group[0].datasetType)
                if expand:
                    data_ids = self._managers.dimensions.expand_data_ids([r.dataId for r in group])
                    group = [r.expanded(d) for r, d in zip(group, data_ids, strict=True)]
                result.extend(self._managers.datasets.import_(dataset_type, run, group))
        return result

    def findDataset(
        self,
        datasetType: DatasetType | str,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        collections: Any = None,
        timespan: Timespan | None = None,
        datastore_records: bool = False,
        **kwargs: Any,
    ) -> DatasetRef | None:
        """Find the dataset of a type and data ID: the first match in the collections, in order.

        Calibration collections match on validity: against ``timespan`` or,
        when none is given, the timespan of the exposure or visit in the
        data ID.

        Raises
        ------
        MissingDatasetTypeError
            The dataset type is not registered.
        MissingCollectionError
            A collection does not exist.
        CalibrationLookupError
            Several calibrations match and no time was given to choose.
        """
        parent_name, component = DatasetType.splitDatasetTypeName(
            datasetType if isinstance(datasetType, str) else datasetType.name
        )
        dataset_type = self._resolve_dataset_type(
            parent_name if isinstance(datasetType, str) or component else datasetType
        )
        search = self._search_path(collections)
        defaults = self._defaults.dataId
        # Keys beyond the dataset type's dimensions (an exposure for a calibration) are
        # allowed: they can supply the time a calibration lookup needs.
        given = DataCoordinate.standardize(
            dataId,
            universe=self.dimensions,
            defaults=self._governor_defaults(defaults, dataset_type.dimensions, dataId, kwargs),
            **kwargs,
        )
        if dataset_type.isCalibration() and timespan is None and given.dimensions.temporal:
            timespan = self._managers.dimensions.expand_data_id(given).timespan
        data_id = DataCoordinate.standardize(
            given.mapping, dimensions=dataset_type.dimensions, universe=self.dimensions
        )
        ref = self._managers.datasets.find(dataset_type, data_id, search, timespan=timespan)
        if ref is not None and component is not None:
            return ref.makeComponentRef(component)
        return ref

    def getDataset(self, id: uuid.UUID | str) -> DatasetRef | None:
        """Return the dataset with this ID, or `None`."""
        return self._managers.datasets.get_ref(uuid.UUID(str(id)))

    def associate(self, collection: str, refs: Iterable[DatasetRef]) -> None:
        """Add existing datasets to a TAGGED collection."""
        self._managers.datasets.associate(collection, list(refs))

    def disassociate(self, collection: str, refs: Iterable[DatasetRef]) -> None:
        """Remove datasets from a TAGGED collection (the datasets themselves stay)."""
        self._managers.datasets.disassociate(collection, list(refs))

    def certify(self, collection: str, refs: Iterable[DatasetRef], timespan: Timespan) -> None:
        """Associate calibration datasets with a CALIBRATION collection over a validity range.

        Raises
        ------
        ConflictingDefinitionError
            The range overlaps an existing one for the same type and data ID.
        """
        self._managers.datasets.certify(collection, list(refs), timespan)

    def decertify(
        self,
        collection: str,
        datasetType: str | DatasetType,
        timespan: Timespan,
        *,
        dataIds: Iterable[DataCoordinate | Mapping[str, Any]] | None = None,
    ) -> None:
        """Remove a validity range from a CALIBRATION collection, trimming or splitting."""
        dataset_type = self._resolve_dataset_type(datasetType)
        ids = None
        if dataIds is not None:
            ids = [
                DataCoordinate.standardize(
                    d, dimensions=dataset_type.dimensions, universe=self.dimensions
                )
                for d in dataIds
            ]
        self._managers.datasets.decertify(collection, dataset_type, timespan, data_ids=ids)

    def removeDatasets(self, refs: Iterable[DatasetRef]) -> None:
        """Remove datasets from the registry, with their associations, in bulk."""
        self._managers.datasets.remove(list(refs))

    # ------------------------------------------------------------ queries

    def query(self) -> Any:
        """Return a query builder (`~skybutler.daf_butler.queries.Query`), usable as a context."""
        from ..queries import Query

        return Query(self)

    def queryDataIds(
        self,
        dimensions: Iterable[str] | str | DimensionGroup,
        *,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        datasets: Any = None,
        collections: Any = None,
        where: str = "",
        bind: Mapping[str, Any] | None = None,
        check: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Return lazy data ID results (`DataCoordinateQueryResults`).

        ``datasets`` (with ``collections``) keeps the data IDs that have a
        dataset of those types.
        """
        from ..queries import legacy_query

        query = legacy_query(self, dataId, where, bind, kwargs, datasets, collections)
        return query.data_ids(dimensions)

    def queryDatasets(
        self,
        datasetType: Any,
        *,
        collections: Any = None,
        dimensions: Iterable[str] | None = None,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        where: str = "",
        findFirst: bool = False,
        bind: Mapping[str, Any] | None = None,
        check: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Return lazy dataset results of one or several dataset types (names, globs, ``...``)."""
        from ..queries import ChainedDatasetQueryResults, legacy_query

        query = legacy_query(self, dataId, where, bind, kwargs, None, None)
        if dimensions is not None:
            query = query.join_dimensions(dimensions)
        if isinstance(datasetType, (str, DatasetType)) and not (
            isinstance(datasetType, str) and any(c in datasetType for c in "*?[")
        ):
            return query.datasets(datasetType, collections, find_first=findFirst)
        types = self._managers.dataset_types.query(datasetType)
        return ChainedDatasetQueryResults(
            [query.datasets(t, collections, find_first=findFirst) for t in types]
        )

    def queryDimensionRecords(
        self,
        element: DimensionElement | str,
        *,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        datasets: Any = None,
        collections: Any = None,
        where: str = "",
        bind: Mapping[str, Any] | None = None,
        check: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Return lazy dimension record results (`DimensionRecordQueryResults`)."""
        from ..queries import legacy_query

        query = legacy_query(self, dataId, where, bind, kwargs, datasets, collections)
        return query.dimension_records(element)
