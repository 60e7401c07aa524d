"""`Butler`: the one object users hold — put and get Python objects by data ID, and query.

A Butler joins a `Registry` (what exists) and a `Datastore` (where its
artifacts are) through `DatasetRef` only. Writes go through both inside one
transaction: a put that fails in the formatter leaves neither a registry
row nor a file.
"""

from __future__ import annotations

__all__ = ["Butler"]

import contextlib
import logging
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath

from ._butler_collections import ButlerCollections
from ._butler_config import (
    BUTLER_CONFIG_FILE,
    ButlerConfig,
    get_known_repos,
    get_repo_uri,
)
from ._config import Config
from ._dataset_existence import DatasetExistence
from ._dataset_ref import DatasetRef
from ._dataset_type import DatasetType
from ._deferred import DeferredDatasetHandle
from ._storage_class import StorageClass
from ._timespan import Timespan
from .dimensions import DataCoordinate, DimensionUniverse
from .errors import (
    CollectionTypeError,
    ConfigError,
    DatasetNotFoundError,
    RepositoryExistsError,
    ValidationError,
)
from .registry import Registry, RegistryDefaults

_LOG = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .transfers import FileDataset, RepoExportContext

_DEFAULT_DATASTORE = {
    "cls": "file",
    "root": "<butlerRoot>",
    "records": {"table": "file_datastore_records"},
}
_DEFAULT_REGISTRY = {"db": "sqlite:///<butlerRoot>/gen3.sqlite3"}


class Butler:
    """A data repository: its registry, its datastore, and default collections.

    Parameters
    ----------
    config
        The repository: a directory or URI, its ``butler.yaml``, a label of
        the repository index, or a `ButlerConfig`.
    collections
        Collections searched by default, in order.
    run
        The RUN collection puts go to by default (registered if missing).
    searchPaths
        Accepted for upstream compatibility.
    writeable
        Open for writing; by default, when ``run`` is given.
    inferDefaults
        Accepted for upstream compatibility.
    without_datastore
        Open the registry only (``get`` and ``put`` are refused).
    **dataIdDefaults
        Default governor values, e.g. ``instrument="HSC"``.
    """

    _config: ButlerConfig
    _registry: Registry
    _datastore: Any
    _without_datastore: bool

    def __init__(
        self,
        config: Any = None,
        *,
        collections: str | Iterable[str] | None = None,
        run: str | None = None,
        searchPaths: Any = None,
        writeable: bool | None = None,
        inferDefaults: bool = True,
        without_datastore: bool = False,
        **dataIdDefaults: Any,
    ) -> None:
        if isinstance(config, Butler):
            self._config = config._config
            self._registry = config._registry.copy(
                RegistryDefaults(collections, run, inferDefaults, **dataIdDefaults)
            )
            self._datastore = config._datastore
            self._without_datastore = config._without_datastore
        else:
            self._config = ButlerConfig(config)
            if writeable is None:
                writeable = run is not None
            root = self._config.root.geturl()
            self._registry = Registry.fromConfig(
                Config(self._config["registry"].toDict()),
                butlerRoot=root,
                writeable=writeable,
                defaults=RegistryDefaults(collections, run, inferDefaults, **dataIdDefaults),
            )
            self._without_datastore = without_datastore
            self._datastore = None if without_datastore else self._make_datastore()
        if run is not None and self._registry.isWriteable():
            self._registry.registerRun(run)
        self._collections = ButlerCollections(self._registry)

    def _make_datastore(self) -> Any:
        from .datastores import datastore_from_config, registry_record_stores

        section = self._config["datastore"]
        return datastore_from_config(
            section.toDict() if isinstance(section, Config) else dict(section),
            registry_record_stores(self._registry._managers),
            butlerRoot=self._config.root.geturl().rstrip("/"),
            universe=self._registry.dimensions,
        )

    @classmethod
    def from_config(cls, config: Any = None, **kwargs: Any) -> Butler:
        """Return a Butler (the same as calling `Butler`)."""
        return cls(config, **kwargs)

    # ------------------------------------------------------------ repositories

    @staticmethod
    def makeRepo(
        root: str | ResourcePath,
        config: Config | Mapping[str, Any] | str | None = None,
        dimensionConfig: Config | Mapping[str, Any] | str | None = None,
        standalone: bool = False,
        searchPaths: Any = None,
        forceConfigRoot: bool = True,
        outfile: str | None = None,
        overwrite: bool = False,
    ) -> Config:
        """Create a repository: write ``butler.yaml`` and the registry schema.

        Parameters
        ----------
        root
            Directory or URI of the repository (created if missing).
        config
            Values overriding the defaults (embedded SQLite registry beside
            ``butler.yaml``, file datastore at the root): e.g. a PostgreSQL
            ``registry.db`` or an ``s3://`` datastore root.
        dimensionConfig
            The dimension universe; upstream's default (version 8) otherwise.
        standalone
            Accepted for upstream compatibility (defaults are always written).
        searchPaths
            Accepted for upstream compatibility.
        forceConfigRoot
            Accepted for upstream compatibility.
        outfile
            Write the configuration here instead of ``<root>/butler.yaml``.
        overwrite
            Replace an existing ``butler.yaml``.

        Returns
        -------
        config
            The configuration written.

        Raises
        ------
        RepositoryExistsError
            ``butler.yaml`` exists and ``overwrite`` is false.
        """
        root_uri = ResourcePath(root, forceDirectory=True)
        config_uri = ResourcePath(outfile) if outfile else root_uri.join(BUTLER_CONFIG_FILE)
        if config_uri.exists() and not overwrite:
            raise RepositoryExistsError(
                f"A repository already exists at {root_uri} ({config_uri}); choose another "
                "location, or pass overwrite=True to replace its configuration."
            )
        full = Config({"registry": dict(_DEFAULT_REGISTRY), "datastore": dict(_DEFAULT_DATASTORE)})
        if config is not None:
            given = Config(config) if not isinstance(config, Config) else config
            for section, value in given.toDict().items():
                if isinstance(value, Mapping) and isinstance(full.get(section), Config):
                    full[section] = {**full[section].toDict(), **value}
                else:
                    full[section] = value
        root_uri.mkdir()
        registry = Registry.createFromConfig(
            Config(full["registry"].toDict()),
            dimensionConfig=dimensionConfig,
            butlerRoot=root_uri.geturl(),
        )
        try:
            from .datastores import datastore_from_config, registry_record_stores

            datastore_from_config(
                full["datastore"].toDict(),
                registry_record_stores(registry._managers),
                butlerRoot=root_uri.geturl().rstrip("/"),
                universe=registry.dimensions,
            )
        finally:
            registry.close()
        text = full.dump()
        assert text is not None
        config_uri.write(text.encode(), overwrite=overwrite)
        return full

    @staticmethod
    def has_repo_config(root: str | ResourcePath) -> bool:
        """Return whether ``root`` holds a ``butler.yaml``."""
        return ResourcePath(root, forceDirectory=True).join(BUTLER_CONFIG_FILE).exists()

    @staticmethod
    def get_repo_uri(label: str, return_label: bool = False) -> ResourcePath:
        """Return the URI of a repository label of the repository index."""
        return get_repo_uri(label, return_label)

    @staticmethod
    def get_known_repos() -> set[str]:
        """Return the labels of the repository index."""
        return get_known_repos()

    def clone(
        self,
        *,
        collections: str | Iterable[str] | None = None,
        run: str | None = None,
        inferDefaults: bool = True,
        dataId: Mapping[str, Any] | None = None,
    ) -> Butler:
        """Return a Butler on the same repository and connections, with other defaults."""
        return Butler(
            self, collections=collections, run=run, inferDefaults=inferDefaults, **(dataId or {})
        )

    def close(self) -> None:
        """Release database connections and the datastore's journal."""
        if self._datastore is not None:
            self._datastore.close()
        self._registry.close()

    def __enter__(self) -> Butler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Butler({self._config.root.geturl()!r}, collections={list(self.collections)!r}, "
            f"run={self.run!r})"
        )

    # ------------------------------------------------------------ properties

    @property
    def registry(self) -> Registry:
        """The registry, with upstream's full API."""
        return self._registry

    @property
    def collections(self) -> ButlerCollections:
        """The default collections, and collection operations."""
        return self._collections

    @property
    def run(self) -> str | None:
        """The default output RUN collection."""
        return self._registry.defaults.run

    @property
    def dimensions(self) -> DimensionUniverse:
        """The repository's dimension universe."""
        return self._registry.dimensions

    @property
    def datastore(self) -> Any:
        """The datastore (not a stable API; prefer the Butler's methods)."""
        if self._datastore is None:
            raise ConfigError(
                "This Butler was opened with without_datastore=True; it cannot read or write "
                "datasets."
            )
        return self._datastore

    def isWriteable(self) -> bool:
        """Return whether this Butler may write."""
        return self._registry.isWriteable()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group puts and registry changes: all of them happen, or none."""
        with self._registry.transaction():
            if self._datastore is None:
                yield
            else:
                with self._datastore.transaction():
                    yield

    # ------------------------------------------------------------ finding datasets

    def get_dataset_type(self, name: str) -> DatasetType:
        """Return a registered dataset type."""
        return self._registry.getDatasetType(name)

    def get_dataset(
        self,
        id: uuid.UUID | str,
        *,
        storage_class: str | StorageClass | None = None,
        dimension_records: bool = False,
        datastore_records: bool = False,
    ) -> DatasetRef | None:
        """Return the dataset with this ID, or `None`."""
        ref = self._registry.getDataset(id)
        if ref is None:
            return None
        if dimension_records:
            ref = ref.expanded(self._registry.expandDataId(ref.dataId))
        if storage_class is not None:
            ref = ref.overrideStorageClass(storage_class)
        return ref

    def get_many_datasets(self, ids: Iterable[uuid.UUID | str]) -> list[DatasetRef]:
        """Return the datasets with these IDs (unknown IDs are left out)."""
        return self._registry._managers.datasets.get_refs(ids)

    def find_dataset(
        self,
        dataset_type: DatasetType | str,
        data_id: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        collections: str | Iterable[str] | None = None,
        timespan: Timespan | None = None,
        storage_class: str | StorageClass | None = None,
        dimension_records: bool = False,
        datastore_records: bool = False,
        **kwargs: Any,
    ) -> DatasetRef | None:
        """Return the first dataset of a type and data ID in the collections, or `None`."""
        ref = self._registry.findDataset(
            dataset_type, data_id, collections=collections, timespan=timespan, **kwargs
        )
        if ref is None:
            return None
        if dimension_records:
            ref = ref.expanded(self._registry.expandDataId(ref.dataId))
        if storage_class is not None:
            ref = ref.overrideStorageClass(storage_class)
        return ref

    def _find(
        self,
        dataset: DatasetRef | DatasetType | str,
        data_id: DataCoordinate | Mapping[str, Any] | None,
        collections: str | Iterable[str] | None,
        timespan: Timespan | None,
        kwargs: Mapping[str, Any],
    ) -> DatasetRef:
        if isinstance(dataset, DatasetRef):
            if data_id is not None or kwargs:
                raise TypeError("A DatasetRef was given: pass no data ID or keyword values too.")
            return dataset
        rewritten = self._rewrite_data_id(data_id, kwargs)
        ref = self._registry.findDataset(
            dataset, rewritten, collections=collections, timespan=timespan
        )
        if ref is not None:
            return ref
        raise self._not_found(dataset, data_id, collections, kwargs)

    def _rewrite_data_id(
        self, data_id: DataCoordinate | Mapping[str, Any] | None, kwargs: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Turn alternate keys and record fields into dimension values.

        ``detector="A1"`` (a string for an integer dimension) is looked up by
        the dimension's alternate keys; ``{"exposure.obs_id": "x"}`` by the
        record field. Both are left to the query system, which reads them the
        same way in ``where`` clauses and query data IDs; together they must
        match exactly one data ID.
        """
        items = dict(data_id.mapping if isinstance(data_id, DataCoordinate) else data_id or {})
        items.update(kwargs)
        universe = self.dimensions

        def looked_up(key: str, value: Any) -> bool:
            if "." in key:
                return True
            dimension = universe.dimensions.get(key)
            return dimension is not None and dimension.names_by_alternate_key(value)

        if not any(looked_up(key, value) for key, value in items.items()):
            return items
        names = {key.split(".", 1)[0] for key in items}
        unknown = sorted(names - set(universe.elements.names))
        if unknown:
            raise DatasetNotFoundError(
                f"Data ID key(s) {unknown} name no dimension element of the universe."
            )
        group = universe.conform([]).union(*(universe[name].minimal_group for name in names))
        found = list(self._registry.queryDataIds(group, dataId=items).limit(2))
        if len(found) != 1:
            matched = "no data ID" if not found else "more than one data ID"
            raise DatasetNotFoundError(
                f"Data ID {items} matches {matched} of {sorted(group.required)}; "
                "it must match exactly one."
            )
        return dict(found[0].required)

    def _not_found(
        self,
        dataset: DatasetType | str,
        data_id: Any,
        collections: Any,
        kwargs: Mapping[str, Any],
    ) -> DatasetNotFoundError:
        name = dataset if isinstance(dataset, str) else dataset.name
        searched = (
            list(self._registry.defaults.collections)
            if collections is None
            else [collections]
            if isinstance(collections, str)
            else list(collections)
        )
        given = {
            **(
                dict(data_id.mapping)
                if isinstance(data_id, DataCoordinate)
                else dict(data_id or {})
            ),
            **kwargs,
        }
        parent = DatasetType.splitDatasetTypeName(name)[0]
        holding = self._registry.queryCollections(searched, datasetType=parent, flattenChains=True)
        if not holding:
            problem = (
                f"none of them holds any dataset of type {parent!r}, so the dataset type or the "
                "collections are the problem"
            )
        else:
            problem = (
                f"{holding} hold datasets of type {parent!r} but none with this data ID, so the "
                "data ID is the problem"
            )
        return DatasetNotFoundError(
            f"No dataset of type {name!r} with data ID {given} in collections {searched}: "
            f"{problem}."
        )

    # ------------------------------------------------------------ put and get

    def put(
        self,
        obj: Any,
        datasetRefOrType: DatasetRef | DatasetType | str,
        /,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        run: str | None = None,
        **kwargs: Any,
    ) -> DatasetRef:
        """Store an object as a new dataset and return its ref.

        Parameters
        ----------
        obj
            The object (of a Python type the dataset type's storage class accepts).
        datasetRefOrType
            A ref (its ID and run are kept), a dataset type or its name.
        dataId
            The data ID (with ``**kwargs``), unless a ref is given.
        run
            The RUN collection; the Butler's default run otherwise.

        Raises
        ------
        ConflictingDefinitionError
            A dataset of this type and data ID is already in the run.
        FormatterWriteError
            The object cannot be written; nothing is left in registry or storage.
        """
        datastore = self.datastore
        with self.transaction():
            if isinstance(datasetRefOrType, DatasetRef):
                ref = datasetRefOrType
                existing = self._registry.getDataset(ref.id)
                if existing is None:
                    (ref,) = self._registry._importDatasets([ref])
            else:
                data_id = (
                    DataCoordinate.standardize(
                        self._rewrite_data_id(dataId, kwargs), universe=self.dimensions
                    )
                    if not isinstance(dataId, DataCoordinate) or kwargs
                    else dataId
                )
                (ref,) = self._registry.insertDatasets(datasetRefOrType, [data_id], run=run)
            datastore.put(obj, ref)
        return ref

    def get(
        self,
        datasetRefOrType: DatasetRef | DatasetType | str,
        /,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        collections: str | Iterable[str] | None = None,
        storageClass: StorageClass | str | None = None,
        timespan: Timespan | None = None,
        **kwargs: Any,
    ) -> Any:
        """Read a dataset (or a component of it) back as a Python object.

        Raises
        ------
        DatasetNotFoundError
            No such dataset in the collections; the message says whether the
            dataset type (or collections) or the data ID is the problem.
        """
        datastore = self.datastore
        ref = self._find(datasetRefOrType, dataId, collections, timespan, kwargs)
        return datastore.get(ref, parameters=parameters, storageClass=storageClass)

    def getDeferred(
        self,
        datasetRefOrType: DatasetRef | DatasetType | str,
        /,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        parameters: Mapping[str, Any] | None = None,
        collections: str | Iterable[str] | None = None,
        storageClass: StorageClass | str | None = None,
        timespan: Timespan | None = None,
        **kwargs: Any,
    ) -> DeferredDatasetHandle:
        """Find a dataset now and return a handle that reads it later."""
        datastore = self.datastore
        ref = self._find(datasetRefOrType, dataId, collections, timespan, kwargs)
        if not datastore.knows(ref):
            raise DatasetNotFoundError(
                f"Dataset {ref} is in the registry but its artifact is not in the datastore."
            )
        return DeferredDatasetHandle(self, ref, parameters, storageClass)

    get_deferred = getDeferred

    def exists(
        self,
        dataset_ref_or_type: DatasetRef | DatasetType | str,
        /,
        data_id: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        full_check: bool = True,
        collections: str | Iterable[str] | None = None,
        **kwargs: Any,
    ) -> DatasetExistence:
        """Return what registry and datastore know of a dataset (truthy when it is there)."""
        existence = DatasetExistence.UNRECOGNIZED
        if isinstance(dataset_ref_or_type, DatasetRef):
            ref: DatasetRef | None = dataset_ref_or_type
            if self._registry._managers.datasets.known_ids([dataset_ref_or_type.id]):
                existence |= DatasetExistence.RECORDED
        else:
            try:
                values = self._rewrite_data_id(data_id, kwargs)
            except DatasetNotFoundError:
                return existence  # an alternate key or record field that matches nothing
            ref = self._registry.findDataset(dataset_ref_or_type, values, collections=collections)
            if ref is not None:
                existence |= DatasetExistence.RECORDED
        if ref is None or self._datastore is None:
            return existence
        if full_check and self._datastore.exists(ref):
            # A datastore finds an artifact only of a dataset it knows: one question, not two.
            return existence | DatasetExistence.DATASTORE | DatasetExistence._ARTIFACT
        if self._datastore.knows(ref):
            existence |= DatasetExistence.DATASTORE
            if not full_check:
                existence |= DatasetExistence._ASSUMED
        return existence

    def getURIs(
        self,
        datasetRefOrType: DatasetRef | DatasetType | str,
        /,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        predict: bool = False,
        collections: str | Iterable[str] | None = None,
        run: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """Return where a dataset is (``predict``: where a new one would be written)."""
        if predict and not isinstance(datasetRefOrType, DatasetRef):
            run = run or self.run
            if run is None:
                raise CollectionTypeError("Predicting a URI needs a run: pass run=... .")
            dataset_type = (
                self.get_dataset_type(datasetRefOrType)
                if isinstance(datasetRefOrType, str)
                else datasetRefOrType
            )
            data_id = self._registry.expandDataId(
                dataId, dimensions=dataset_type.dimensions, **kwargs
            )
            ref = DatasetRef(dataset_type, data_id, run)
            return self.datastore.getURIs(ref, predict=True)
        ref = self._find(datasetRefOrType, dataId, collections, None, kwargs)
        return self.datastore.getURIs(ref, predict=predict)

    def getURI(
        self,
        datasetRefOrType: DatasetRef | DatasetType | str,
        /,
        dataId: DataCoordinate | Mapping[str, Any] | None = None,
        *,
        predict: bool = False,
        collections: str | Iterable[str] | None = None,
        run: str | None = None,
        **kwargs: Any,
    ) -> ResourcePath:
        """Return the single URI of a dataset (refused for one stored as several files)."""
        primary, components = self.getURIs(
            datasetRefOrType, dataId, predict=predict, collections=collections, run=run, **kwargs
        )
        if primary is None:
            from .errors import DatastoreError

            raise DatastoreError(
                f"The dataset is stored as {len(components)} component files "
                f"({sorted(components)}); use getURIs to get them all."
            )
        return primary  # type: ignore[no-any-return]

    # ------------------------------------------------------------ queries

    def query(self) -> Any:
        """Return a query builder: ``with butler.query() as q: q.data_ids(...)``."""
        from .queries import Query

        return Query(self._registry)

    def query_data_ids(self, dimensions: Any, **kwargs: Any) -> list[DataCoordinate]:
        """Return data IDs (see `skybutler.daf_butler.queries.query_data_ids`)."""
        from .queries import query_data_ids

        return query_data_ids(self._registry, dimensions, **kwargs)

    def query_datasets(
        self, dataset_type: DatasetType | str, collections: Any = None, **kwargs: Any
    ) -> list[DatasetRef]:
        """Return datasets (see `skybutler.daf_butler.queries.query_datasets`)."""
        from .queries import query_datasets

        return query_datasets(self._registry, dataset_type, collections, **kwargs)

    def query_all_datasets(
        self,
        collections: Any = None,
        *,
        name: str | Iterable[str] = "*",
        find_first: bool = True,
        data_id: DataCoordinate | Mapping[str, Any] | None = None,
        where: str = "",
        bind: Mapping[str, Any] | None = None,
        limit: int | None = -20_000,
        order_by: Iterable[str] | str | None = None,
        with_dimension_records: bool = False,
        **kwargs: Any,
    ) -> list[DatasetRef]:
        """Return datasets of many types (see `skybutler.daf_butler.queries.query_all_datasets`)."""
        from .queries import query_all_datasets

        return query_all_datasets(
            self._registry,
            collections,
            name=name,
            find_first=find_first,
            data_id=data_id,
            where=where,
            bind=bind,
            limit=limit,
            order_by=order_by,
            with_dimension_records=with_dimension_records,
            **kwargs,
        )

    def query_dimension_records(self, element: Any, **kwargs: Any) -> list[Any]:
        """Return dimension records (see `skybutler.daf_butler.queries.query_dimension_records`)."""
        from .queries import query_dimension_records

        return query_dimension_records(self._registry, element, **kwargs)

    # ------------------------------------------------------------ life cycle

    def ingest(
        self,
        *datasets: FileDataset,
        transfer: str | None = "auto",
        record_validation_info: bool = True,
        skip_existing: bool = False,
    ) -> None:
        """Register files written elsewhere as datasets, all in one transaction.

        Parameters
        ----------
        *datasets
            The files, each with the refs of the dataset(s) it holds (IDs and
            runs are kept; runs are registered if needed) and optionally its
            formatter (a short name, an upstream class path or a class).
        transfer
            ``auto`` (files under the datastore root are used in place, others
            copied), ``copy``, ``move``, ``link``, ``symlink``,
            ``relsymlink``, ``hardlink``, ``direct`` (the file stays where it
            is and is never deleted), or `None` (files already in place).
        record_validation_info
            Record each file's size (and checksum, if the datastore keeps them).
        skip_existing
            Skip datasets whose ID is already registered instead of failing.

        Raises
        ------
        IngestFileError
            A file is missing or unreadable, or cannot be transferred as
            asked; nothing is registered.
        ConflictingDefinitionError
            A dataset is already registered (without ``skip_existing``).
        """
        from ._butler_ingest import ingest

        ingest(
            self,
            datasets,
            transfer=transfer,
            record_validation_info=record_validation_info,
            skip_existing=skip_existing,
        )

    def transfer_from(
        self,
        source_butler: Butler,
        source_refs: Iterable[DatasetRef],
        transfer: str = "auto",
        skip_missing: bool = True,
        register_dataset_types: bool = False,
        transfer_dimensions: bool = False,
        dry_run: bool = False,
    ) -> list[DatasetRef]:
        """Copy datasets (IDs kept) and their files from another repository.

        Parameters
        ----------
        source_butler
            The repository to copy from (same dimension universe).
        source_refs
            The datasets; those already here are skipped.
        transfer
            How the files are copied (``auto``, ``copy``, ``link``...).
        skip_missing
            Leave out datasets the source datastore does not hold.
        register_dataset_types
            Register missing dataset types instead of failing.
        transfer_dimensions
            Copy the dimension records the datasets need (and those of
            elements their dimensions populate).
        dry_run
            Only return what would be transferred.

        Returns
        -------
        refs
            The datasets transferred (or that would be).

        Raises
        ------
        IncompatibleUniverseError
            The repositories' dimension universes differ.
        """
        from ._butler_transfer import transfer_from

        return transfer_from(
            self,
            source_butler,
            source_refs,
            transfer=transfer,
            skip_missing=skip_missing,
            register_dataset_types=register_dataset_types,
            transfer_dimensions=transfer_dimensions,
            dry_run=dry_run,
        )

    def transfer_dimension_records_from(
        self, source_butler: Butler, source_refs: Iterable[DatasetRef | DataCoordinate]
    ) -> None:
        """Copy the dimension records that datasets need from another repository."""
        from ._butler_transfer import transfer_dimension_records_from

        transfer_dimension_records_from(self, source_butler, source_refs)

    def validateConfiguration(
        self,
        logFailures: bool = False,
        datasetTypeNames: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
    ) -> None:
        """Check that the datastore can store every dataset type (or those named).

        Each dataset type's storage class must be known, and the datastore
        must have a formatter for it and a file template fitting its
        dimensions. ``datasetTypeNames`` and ``ignore`` take names or glob
        patterns; ``logFailures`` logs each problem as an error as well.

        Raises
        ------
        ValidationError
            Some dataset types cannot be stored; the message lists each one
            and why.
        """
        from ._butler_validate import validate_configuration

        result = validate_configuration(self, datasetTypeNames, ignore)
        if result.ok:
            return
        if logFailures:
            for problem in result.problems:
                _LOG.error("Configuration problem: %s", problem)
        raise ValidationError(
            f"{len(result.problems)} of {len(result.checked)} dataset types cannot be stored "
            "by this repository's configuration:\n" + "\n".join(result.problems)
        )

    def retrieveArtifacts(
        self,
        refs: Iterable[DatasetRef],
        destination: str | ResourcePath,
        transfer: str = "auto",
        preserve_path: bool = True,
        overwrite: bool = False,
    ) -> list[ResourcePath]:
        """Copy the files of datasets into a directory and return their new URIs.

        Parameters
        ----------
        refs
            The datasets.
        destination
            The directory (created if missing).
        transfer
            ``auto``, ``copy``, ``link``, ``symlink``, ``relsymlink`` or ``hardlink``.
        preserve_path
            Keep the paths relative to the datastore root; else file names only.
        overwrite
            Replace existing files; otherwise any existing one stops the copy first.
        """
        from ._butler_transfer import retrieve_artifacts

        return retrieve_artifacts(
            self,
            refs,
            destination,
            transfer=transfer,
            preserve_path=preserve_path,
            overwrite=overwrite,
        )

    def retrieve_artifacts_zip(
        self, refs: Iterable[DatasetRef], destination: str | ResourcePath, overwrite: bool = True
    ) -> ResourcePath:
        """Write the files of datasets and their index into one Zip; return its URI.

        Parameters
        ----------
        refs
            The datasets (each must be stored).
        destination
            Directory of the Zip, named from its contents (upstream's recipe).
        overwrite
            Replace a Zip of the same name.
        """
        from ._butler_zip import retrieve_artifacts_zip

        return retrieve_artifacts_zip(self, refs, destination, overwrite)

    def ingest_zip(
        self,
        zip: str | ResourcePath,
        transfer: str | None = "auto",
        *,
        transfer_dimensions: bool = False,
        dry_run: bool = False,
        skip_existing: bool = False,
    ) -> list[DatasetRef]:
        """Ingest a Zip written by `retrieve_artifacts_zip`; datasets are read in place from it.

        Parameters
        ----------
        zip
            The Zip.
        transfer
            How the Zip itself gets into the datastore (``auto`` copies).
        transfer_dimensions
            Accepted for upstream's signature; a Zip holds no dimension
            records, so they must already be in the repository.
        dry_run
            Check everything and return what would be ingested, changing nothing.
        skip_existing
            Skip datasets whose IDs are already registered instead of failing.

        Returns
        -------
        refs
            The datasets ingested (or that would be).
        """
        from ._butler_zip import ingest_zip

        return ingest_zip(
            self,
            zip,
            transfer,
            transfer_dimensions=transfer_dimensions,
            dry_run=dry_run,
            skip_existing=skip_existing,
        )

    def pruneDatasets(
        self,
        refs: Iterable[DatasetRef],
        *,
        disassociate: bool = True,
        unstore: bool = False,
        tags: Iterable[str] = (),
        purge: bool = False,
    ) -> None:
        """Remove datasets from TAGGED collections, from the datastore, or entirely.

        Parameters
        ----------
        refs
            The datasets.
        disassociate
            Remove them from the TAGGED collections ``tags``.
        unstore
            Delete their files (the datasets stay registered unless ``purge``).
        tags
            TAGGED collections to remove them from.
        purge
            Remove them from the repository (needs ``disassociate`` and ``unstore``).

        Raises
        ------
        RemovalArgumentError
            The arguments cannot go together (upstream's `TypeError`).
        """
        from ._butler_removal import prune_datasets

        prune_datasets(
            self, refs, disassociate=disassociate, unstore=unstore, tags=tags, purge=purge
        )

    def removeRuns(
        self,
        names: str | Iterable[str],
        unstore: bool | None = None,
        *,
        unlink_from_chains: bool = False,
    ) -> None:
        """Remove RUN collections, their datasets and their files.

        Parameters
        ----------
        names
            The runs.
        unstore
            Ignored, as upstream does (files are always deleted, except those
            ingested with ``direct``).
        unlink_from_chains
            Remove the runs from the chains holding them first (else those
            chains make the removal fail).

        Raises
        ------
        RemovalArgumentError
            A collection is not a RUN.
        OrphanedRecordError
            A run is in a chain and ``unlink_from_chains`` is false.
        """
        from ._butler_removal import remove_runs

        remove_runs(self, names, unlink_from_chains=unlink_from_chains)

    # ------------------------------------------------------------ export and import

    @contextlib.contextmanager
    def export(
        self,
        *,
        directory: str | ResourcePath | None = None,
        filename: str | ResourcePath | None = None,
        format: str = "yaml",
        transfer: str | None = None,
    ) -> Iterator[RepoExportContext]:
        """Export datasets, their files and what they need, in upstream's YAML format.

        Save what to export on the yielded `RepoExportContext`
        (``saveDatasets``, ``saveDataIds``, ``saveDimensionData``,
        ``saveCollection``); the export file is written when the block ends
        without an error.

        Parameters
        ----------
        directory
            Where the export file and the files of the datasets go.
        filename
            The export file, relative to ``directory`` (default
            ``export.yaml``).
        format
            The file format; only ``yaml``.
        transfer
            How dataset files get into ``directory`` (``copy``, ``link``,
            ``symlink``, ``relsymlink``, ``hardlink``, ``auto``), each at its
            path in the datastore; ``direct`` writes their absolute URIs;
            `None` writes their paths in the datastore and transfers nothing.

        Raises
        ------
        RepoTransferError
            The format or transfer mode is not supported, or a file cannot be
            transferred (the files already transferred are removed).
        """
        from ._butler_export import export

        with export(
            self, directory=directory, filename=filename, format=format, transfer=transfer
        ) as context:
            yield context

    def import_(
        self,
        *,
        directory: str | ResourcePath | None = None,
        filename: str | ResourcePath | None = None,
        format: str = "yaml",
        transfer: str | None = None,
        skip_dimensions: Iterable[str] | None = None,
        record_validation_info: bool = True,
        without_datastore: bool = False,
    ) -> None:
        """Import an export file and the files of its datasets, in one transaction.

        Parameters
        ----------
        directory
            The export directory: the export file's paths are relative to it
            (to the datastore root when `None`).
        filename
            The export file, relative to ``directory`` (default
            ``export.yaml``).
        format
            The file format; only ``yaml``.
        transfer
            How files get into the datastore: `None` (they are under its root
            already), ``auto``, ``copy``, ``move``, ``link``, ``symlink``,
            ``relsymlink``, ``hardlink`` or ``direct`` (their URIs are
            recorded as they are).
        skip_dimensions
            Elements whose records are not imported.
        record_validation_info
            Record each file's size (and checksum, if the datastore keeps them).
        without_datastore
            Import the registry contents only.

        Raises
        ------
        RepoImportError
            The file is not a supported export, or an entry in it is malformed
            (the message names the line).
        RepoTransferError
            The format or transfer mode is not supported, or a file is missing
            or cannot be transferred.
        ConflictingDefinitionError
            What the file holds conflicts with what the repository holds.
        """
        from ._butler_export import import_

        import_(
            self,
            directory=directory,
            filename=filename,
            format=format,
            transfer=transfer,
            skip_dimensions=skip_dimensions,
            record_validation_info=record_validation_info,
            without_datastore=without_datastore,
        )
