"""`DatasetRef`: a reference to one dataset (type, data ID, run and UUID)."""

from __future__ import annotations

__all__ = ["DatasetRef"]

import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ._dataset_type import DatasetType
from ._uuid import DatasetIdFactory, DatasetIdGenEnum
from .dimensions import DataCoordinate, DataId, DimensionGroup, DimensionUniverse
from .errors import DatasetTypeError, DimensionError

_UNCHANGED: Any = object()
_FACTORY = DatasetIdFactory()


class DatasetRef:
    """A dataset: its `DatasetType`, data ID, run and unique ID.

    Parameters
    ----------
    datasetType
        The dataset type.
    dataId
        The data ID (any form `DataCoordinate.standardize` accepts when
        ``conform`` is true).
    run
        The run collection holding the dataset.
    id
        The dataset ID; generated with ``id_generation_mode`` if not given.
    conform
        Standardize ``dataId`` against the dataset type's dimensions; with
        `False` it must already be such a `DataCoordinate`.
    id_generation_mode
        How to generate the ID when ``id`` is not given.
    datastore_records
        Opaque datastore records carried along with the reference.
    """

    __slots__ = ("_dataId", "_datasetType", "_datastore_records", "_id", "_run")

    def __init__(
        self,
        datasetType: DatasetType,
        dataId: DataId,
        run: str,
        *,
        id: uuid.UUID | str | None = None,
        conform: bool = True,
        id_generation_mode: DatasetIdGenEnum = DatasetIdGenEnum.UNIQUE,
        datastore_records: Mapping[str, Any] | None = None,
    ) -> None:
        if not isinstance(datasetType, DatasetType):
            raise DatasetTypeError(f"A DatasetRef needs a DatasetType, not {datasetType!r}.")
        if conform:
            data_id = DataCoordinate.standardize(dataId, dimensions=datasetType.dimensions)
        elif isinstance(dataId, DataCoordinate) and dataId.dimensions == datasetType.dimensions:
            data_id = dataId
        else:
            raise DimensionError(
                f"With conform=False the data ID must be a DataCoordinate of "
                f"{datasetType.dimensions}; got {dataId!r}."
            )
        if not isinstance(run, str) or not run:
            raise TypeError(f"A DatasetRef needs a run name (a non-empty str), not {run!r}.")
        self._datasetType = datasetType
        self._dataId = data_id
        self._run = run
        if id is None:
            self._id = _FACTORY.makeDatasetId(run, datasetType, data_id, id_generation_mode)
        else:
            self._id = id if isinstance(id, uuid.UUID) else uuid.UUID(str(id))
        self._datastore_records = datastore_records

    @classmethod
    def _from_trusted(
        cls, datasetType: DatasetType, dataId: DataCoordinate, run: str, id: uuid.UUID
    ) -> DatasetRef:
        """Build a reference from parts already checked (registry query results).

        ``dataId`` must be a `DataCoordinate` of the dataset type's dimensions.
        """
        ref = object.__new__(cls)
        ref._datasetType = datasetType
        ref._dataId = dataId
        ref._run = run
        ref._id = id
        ref._datastore_records = None
        return ref

    # Attributes --------------------------------------------------------------------------

    @property
    def id(self) -> uuid.UUID:
        """The dataset ID."""
        return self._id

    @property
    def datasetType(self) -> DatasetType:
        """The dataset type."""
        return self._datasetType

    @property
    def dataId(self) -> DataCoordinate:
        """The data ID."""
        return self._dataId

    @property
    def run(self) -> str:
        """The run collection."""
        return self._run

    @property
    def dimensions(self) -> DimensionGroup:
        """Dimensions of the dataset type."""
        return self._datasetType.dimensions

    @property
    def datastore_records(self) -> Mapping[str, Any] | None:
        """Opaque datastore records attached to this reference, if any."""
        return self._datastore_records

    def isComponent(self) -> bool:
        """Return whether this refers to a component."""
        return self._datasetType.isComponent()

    def isComposite(self) -> bool:
        """Return whether the storage class has components."""
        return self._datasetType.isComposite()

    # Comparison ------------------------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DatasetRef):
            return NotImplemented
        return (
            self._id == other._id
            and self._datasetType == other._datasetType
            and self._dataId == other._dataId
        )

    def __hash__(self) -> int:
        return hash(self._id)

    def __lt__(self, other: DatasetRef) -> bool:
        if not isinstance(other, DatasetRef):
            return NotImplemented
        mine = (self._run, self._datasetType.name)
        theirs = (other._run, other._datasetType.name)
        if mine != theirs:
            return mine < theirs
        if self._dataId != other._dataId:
            return self._dataId < other._dataId
        return self._id < other._id

    def __str__(self) -> str:
        return (
            f"{self._datasetType.name}@{self._dataId} [sc={self._datasetType.storageClass_name}] "
            f"(run={self._run} id={self._id})"
        )

    def __repr__(self) -> str:
        return (
            f"DatasetRef({self._datasetType!r}, {self._dataId}, run={self._run!r}, id={self._id})"
        )

    # Derived references ----------------------------------------------------------------------

    def _copy(self, dataset_type: DatasetType, data_id: DataCoordinate | None = None) -> DatasetRef:
        return DatasetRef(
            dataset_type,
            self._dataId if data_id is None else data_id,
            self._run,
            id=self._id,
            conform=False,
            datastore_records=self._datastore_records,
        )

    def expanded(self, dataId: DataCoordinate) -> DatasetRef:
        """Return a copy with an expanded data ID (which must equal the current one)."""
        if dataId != self._dataId or not dataId.hasRecords():
            raise DimensionError(
                f"Cannot expand {self} with data ID {dataId}: it must be an expanded data ID "
                "with the same values."
            )
        return self._copy(self._datasetType, dataId)

    def makeComponentRef(self, name: str) -> DatasetRef:
        """Return a reference to one component of this composite dataset."""
        return self._copy(self._datasetType.makeComponentDatasetType(name))

    def makeCompositeRef(self) -> DatasetRef:
        """Return a reference to the composite this component belongs to."""
        return self._copy(self._datasetType.makeCompositeDatasetType())

    def overrideStorageClass(self, storageClass: str | Any) -> DatasetRef:
        """Return a copy whose dataset type uses another (convertible) storage class."""
        return self.replace(storage_class=storageClass)

    def replace(
        self,
        *,
        id: uuid.UUID | None = None,
        run: str | None = None,
        storage_class: str | Any | None = None,
        datastore_records: Mapping[str, Any] | None = _UNCHANGED,
    ) -> DatasetRef:
        """Return a copy with some attributes replaced (unchanged when `None`)."""
        dataset_type = self._datasetType
        if storage_class is not None:
            dataset_type = dataset_type.overrideStorageClass(storage_class)
        return DatasetRef(
            dataset_type,
            self._dataId,
            self._run if run is None else run,
            id=self._id if id is None else id,
            conform=False,
            datastore_records=(
                self._datastore_records if datastore_records is _UNCHANGED else datastore_records
            ),
        )

    def conform_to(self, dataset_type: DatasetType) -> DatasetRef:
        """Return this reference with ``dataset_type``, which may differ only in storage class.

        Raises
        ------
        DatasetTypeError
            If the dataset types are not compatible.
        """
        if dataset_type == self._datasetType:
            return self
        # The stored data (of this ref's type) must be usable as ``dataset_type``.
        if not dataset_type.is_compatible_with(self._datasetType):
            raise DatasetTypeError(
                f"Dataset type {dataset_type!r} is not compatible with {self._datasetType!r} "
                f"of dataset {self}."
            )
        return self._copy(dataset_type)

    def is_compatible_with(self, other: DatasetRef) -> bool:
        """Return whether ``other`` is the same dataset, possibly with a convertible type.

        The IDs, runs and data IDs must match and ``other``'s dataset type must
        be usable where this one's is expected.
        """
        return (
            self._id == other._id
            and self._run == other._run
            and self._dataId == other._dataId
            and self._datasetType.is_compatible_with(other._datasetType)
        )

    @staticmethod
    def groupByType(refs: Iterable[DatasetRef]) -> dict[DatasetType, list[DatasetRef]]:
        """Group references by dataset type, keeping their order."""
        result: dict[DatasetType, list[DatasetRef]] = {}
        for ref in refs:
            result.setdefault(ref._datasetType, []).append(ref)
        return result

    @staticmethod
    def iter_by_type(
        refs: Iterable[DatasetRef],
    ) -> Iterator[tuple[DatasetType, list[DatasetRef]]]:
        """Iterate over ``(dataset type, references)`` pairs."""
        yield from DatasetRef.groupByType(refs).items()

    # Serialization ---------------------------------------------------------------------------

    def to_simple(self, minimal: bool = False) -> dict[str, Any]:
        """Return ``{id, datasetType, dataId, run, component}`` (JSON-compatible).

        With ``minimal`` only the ID (and component, if any) is written.
        """
        if minimal:
            simple: dict[str, Any] = {"id": str(self._id)}
            component = self._datasetType.component()
            if component is not None:
                simple["component"] = component
            return simple
        return {
            "id": str(self._id),
            "datasetType": self._datasetType.to_simple(),
            "dataId": self._dataId.to_simple(),
            "run": self._run,
            "component": None,
        }

    @classmethod
    def from_simple(
        cls,
        simple: Mapping[str, Any],
        universe: DimensionUniverse | None = None,
        registry: Any = None,
        datasetType: DatasetType | None = None,
    ) -> DatasetRef:
        """Rebuild a reference from `to_simple` output.

        A minimal form needs ``registry`` (to look the dataset up by ID).
        """
        dataset_id = uuid.UUID(str(simple["id"]))
        if simple.get("datasetType") is None and datasetType is None:
            if registry is None:
                raise DatasetTypeError(
                    f"Serialized dataset {dataset_id} has no dataset type; pass a registry or "
                    "the dataset type."
                )
            ref: DatasetRef = registry.getDataset(dataset_id)
            component = simple.get("component")
            return ref.makeComponentRef(component) if component else ref
        dataset_type = datasetType
        if universe is None:
            if registry is not None:
                universe = registry.dimensions
            elif dataset_type is not None:
                universe = dataset_type.dimensions.universe
        if dataset_type is None:
            dataset_type = DatasetType.from_simple(
                simple["datasetType"], universe=universe, registry=registry
            )
        universe = dataset_type.dimensions.universe
        data_id_simple = simple.get("dataId")
        data_id = (
            DataCoordinate.from_simple(data_id_simple, universe=universe)
            if data_id_simple is not None
            else DataCoordinate.make_empty(universe)
        )
        return cls(dataset_type, data_id, simple["run"], id=dataset_id)
