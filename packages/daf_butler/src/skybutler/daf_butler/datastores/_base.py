"""The datastore interfaces, split by capability.

- `DatastoreReader`: ``knows``, ``exists``, ``get``, ``getURIs``...
- `DatastoreWriter`: ``put``, ``put_many``.
- `DatastoreRemover`: ``trash``, ``emptyTrash``, ``remove``, ``forget``.
- `DatastoreRecordIO`: ``export_records``/``import_records``, so a datastore
  can run from refs and exported records alone (batch jobs, no registry).

`Datastore` is all four plus a name, a configuration, constraints and
`transaction`; every implementation derives from it.
"""

from __future__ import annotations

__all__ = [
    "DatasetRefURIs",
    "Datastore",
    "DatastoreReader",
    "DatastoreRecordIO",
    "DatastoreRemover",
    "DatastoreWriter",
]

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from .. import _progress as progress
from ..errors import DatastoreError, FileNotFoundInDatastoreError
from ._constraints import Constraints
from ._transaction import DatastoreTransaction

if TYPE_CHECKING:
    from skybutler.resources import ResourcePath

    from .._dataset_ref import DatasetRef
    from .._storage_class import StorageClass


class DatasetRefURIs(NamedTuple):
    """Where a dataset is: one URI, or one per component for a disassembled composite."""

    primaryURI: ResourcePath | None
    """The URI of the whole dataset (`None` when disassembled)."""
    componentURIs: dict[str, ResourcePath]
    """URIs of the components (empty unless disassembled)."""


class DatastoreReader(ABC):
    """Read access: which datasets are held, and their content."""

    name: str

    @abstractmethod
    def knows_these(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """Return whether the datastore has a record of each dataset (no artifact check)."""

    def knows(self, ref: DatasetRef) -> bool:
        """Return whether the datastore has a record of the dataset."""
        return self.knows_these([ref])[ref]

    @abstractmethod
    def mexists(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """Return whether each dataset's artifacts are present."""

    def exists(self, ref: DatasetRef) -> bool:
        """Return whether the dataset's artifacts are present."""
        return self.mexists([ref])[ref]

    @abstractmethod
    def get(
        self,
        ref: DatasetRef,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> Any:
        """Return the dataset (or the component ``ref`` names).

        Parameters
        ----------
        ref
            The dataset, or one of its components.
        parameters
            Read parameters of the storage class (e.g. ``bbox``, ``columns``).
        storageClass
            Return the dataset converted to this storage class.

        Raises
        ------
        FileNotFoundInDatastoreError
            The datastore does not hold the dataset, or its file has gone.
        """

    @abstractmethod
    def getURIs(self, ref: DatasetRef, predict: bool = False) -> DatasetRefURIs:
        """Return where the dataset is (``predict``: where it would go if not stored)."""

    def getURI(self, ref: DatasetRef, predict: bool = False) -> ResourcePath:
        """Return the single URI of a dataset.

        Raises
        ------
        DatastoreError
            The dataset is stored as several files; use `getURIs`.
        """
        primary, components = self.getURIs(ref, predict)
        if primary is None:
            raise DatastoreError(
                f"Dataset {ref} is stored as {len(components)} component files "
                f"({sorted(components)}); use getURIs to get them all."
            )
        return primary


class DatastoreWriter(ABC):
    """Write access."""

    @abstractmethod
    def put_many(self, items: Iterable[tuple[Any, DatasetRef]]) -> list[DatasetRef]:
        """Store several datasets; return those accepted by the constraints.

        Records of all of them are written in one batch.

        Raises
        ------
        DatasetTypeNotSupportedError
            (from `put` only) The constraints reject the dataset.
        DatasetAlreadyStoredError
            A dataset is already stored.
        FormatterWriteError
            An object cannot be written; nothing is left behind for it.
        """

    def put(self, inMemoryDataset: Any, ref: DatasetRef) -> None:
        """Store one dataset.

        Raises
        ------
        DatasetTypeNotSupportedError
            The constraints reject the dataset.
        """
        from ..errors import DatasetTypeNotSupportedError

        if not self.put_many([(inMemoryDataset, ref)]):
            raise DatasetTypeNotSupportedError(
                f"Dataset {ref} is rejected by the constraints of datastore "
                f"{getattr(self, 'name', type(self).__name__)}; change its 'constraints' "
                "configuration to accept it."
            )


class DatastoreRemover(ABC):
    """Removal: trash first (cheap, transactional), delete artifacts later."""

    @abstractmethod
    def trash(self, refs: DatasetRef | Iterable[DatasetRef], ignore_errors: bool = True) -> None:
        """Forget datasets and mark their artifacts for deletion by `emptyTrash`.

        Raises
        ------
        FileNotFoundInDatastoreError
            A dataset is not held and ``ignore_errors`` is false.
        """

    @abstractmethod
    def emptyTrash(self, ignore_errors: bool = True) -> None:
        """Delete the artifacts of trashed datasets."""

    def remove(self, refs: DatasetRef | Iterable[DatasetRef]) -> None:
        """Delete datasets now.

        Raises
        ------
        FileNotFoundInDatastoreError
            A dataset is not held.
        """
        self.trash(refs, ignore_errors=False)
        self.emptyTrash(ignore_errors=False)

    @abstractmethod
    def forget(self, refs: Iterable[DatasetRef]) -> None:
        """Drop the records of datasets without touching their artifacts."""


class DatastoreRecordIO(ABC):
    """Records in and out, to run without the registry the datastore was made with."""

    @abstractmethod
    def export_records(self, refs: Iterable[DatasetRef]) -> dict[str, list[dict[str, Any]]]:
        """Return ``{datastore name: [JSON-compatible record rows]}`` for the datasets."""

    @abstractmethod
    def import_records(self, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Add records exported by `export_records` (entries for other datastores are ignored)."""


class Datastore(DatastoreReader, DatastoreWriter, DatastoreRemover, DatastoreRecordIO):
    """A datastore: every capability, a name, a configuration and constraints.

    Parameters
    ----------
    config
        The datastore's configuration (its ``datastore`` section).
    name
        Name recorded in ``dataset_location``.
    """

    short_name: ClassVar[str]
    """Plugin name (``file``, ``inmemory``, ``chained``)."""

    isEphemeral: ClassVar[bool] = False
    """Whether the content disappears with the process."""

    def __init__(self, config: Mapping[str, Any], name: str) -> None:
        self.config = config
        self.name = name
        self.constraints = Constraints(config.get("constraints"))
        self._transactions: list[DatastoreTransaction] = []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[DatastoreTransaction]:
        """Undo this block's puts if it raises (nested blocks join the outer one's undo)."""
        txn = DatastoreTransaction(self._transactions[-1] if self._transactions else None)
        self._transactions.append(txn)
        try:
            yield txn
        except BaseException:
            self._transactions.pop()
            txn.rollback()
            raise
        self._transactions.pop()
        txn.commit()

    def _register_undo(self, name: str, undo: Any) -> None:
        if self._transactions:
            self._transactions[-1].registerUndo(name, undo)

    def roots(self) -> dict[str, ResourcePath | None]:
        """Return the root URI of this datastore (and of its members), by name."""
        return {self.name: None}

    def close(self) -> None:
        """Release what the datastore holds between calls (it stays usable)."""

    def validateConfiguration(self, entities: Iterable[Any], logFailures: bool = False) -> None:
        """Check the configuration can serve these dataset types/refs/storage classes.

        Raises
        ------
        DatastoreError
            Something cannot be stored (the message lists every problem).
        """

    def transfer_from(
        self, source: Datastore, refs: Iterable[DatasetRef], transfer: str = "auto"
    ) -> list[DatasetRef]:
        """Copy datasets from another datastore; return those copied.

        Refs the source does not hold, or this datastore rejects or already
        holds, are skipped. The default reads each dataset and puts it.
        """
        wanted = [ref for ref in refs if self.constraints.accepts(ref)]
        held = self.knows_these(wanted)
        in_source = source.knows_these([ref for ref in wanted if not held[ref]])
        items = []
        for ref, present in progress.iterate(
            in_source.items(), desc="Transferring datasets", total=len(in_source)
        ):
            if present:
                items.append((source.get(ref), ref))
        return self.put_many(items)

    def _missing(self, ref: DatasetRef) -> FileNotFoundInDatastoreError:
        return FileNotFoundInDatastoreError(
            f"Dataset {ref} is not stored in datastore {self.name!r}; check the ID and run, "
            "or whether it was removed."
        )
