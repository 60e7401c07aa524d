"""Errors raised by ``skybutler.daf_butler``.

Every error derives from `ButlerError`; most also derive from the built-in
exception a caller would naturally catch, so ``except KeyError`` keeps working
for code written against upstream::

    ButlerError
    ├── ConfigError (ValueError)
    ├── DimensionError
    │   ├── DimensionConfigError (ValueError)      a broken universe file
    │   ├── DimensionNameError (KeyError)          an unknown or missing dimension
    │   ├── DimensionValueError (ValueError)       a data ID value of the wrong type
    │   ├── InconsistentDataIdError (ValueError)   data ID values that disagree
    │   └── MissingDimensionRecordError (LookupError)  no stored record for a data ID
    ├── RegionError (ValueError)
    │   └── InvalidRegionEncodingError             bytes that are not a region
    ├── TimespanError (ValueError)
    ├── StorageClassError
    │   ├── MissingStorageClassError (KeyError)
    │   ├── StorageClassComponentError (KeyError)  an unknown, missing or unreadable component
    │   ├── StorageClassConfigError (ValueError)
    │   ├── StorageClassConversionError (TypeError)
    │   └── StorageClassParameterError (ValueError)  an unknown read parameter or a bad value
    ├── EmptyQueryResultError (LookupError)     a query told to explain itself found nothing
    ├── InvalidQueryError (ValueError)            a query or its ``where`` expression is invalid
    │   ├── QuerySyntaxError                     a ``where`` string the grammar rejects
    │   └── UnimplementedQueryError (NotImplementedError)  a valid query that cannot be run
    ├── DatasetTypeError (ValueError)
    │   └── DatasetTypeNotSupportedError
    ├── ConflictingDefinitionError
    ├── DatasetNotFoundError (LookupError)       no dataset with the given ID
    ├── RepositoryExistsError (FileExistsError)  ``butler create`` over an existing repository
    ├── RepositoryNotFoundError (FileNotFoundError)  no ``butler.yaml`` where a repository should be
    ├── RemovalArgumentError (TypeError)         removal arguments that cannot go together
    ├── RepoTransferError                        exporting or importing a repository's contents
    │   ├── IncompatibleUniverseError (ValueError)  repositories of different universes
    │   ├── RepoImportError (ValueError)         an export file that cannot be imported
    │   └── ZipIndexError (ValueError)           a Zip of artifacts that cannot be ingested
    ├── DatastoreError
    │   ├── DatastoreConfigError (ValueError)      a datastore configuration that cannot work
    │   ├── DatastoreUnavailableError (ConnectionError)  a datastore root that cannot be reached
    │   ├── DatasetAlreadyStoredError (FileExistsError)  a put of a dataset already stored
    │   ├── FileNotFoundInDatastoreError (FileNotFoundError)  no stored artifact for a dataset
    │   ├── FileTemplateError (ValueError)         a file template that is malformed or not unique
    │   ├── IngestFileError (OSError)              a file to ingest that is missing or unreadable
    │   └── FormatterError
    │       ├── FileIntegrityError                 a file whose size or checksum changed
    │       ├── FormatterNotFoundError (KeyError)  no formatter for a dataset or a short name
    │       └── FormatterWriteError (TypeError)    an object a formatter cannot write
    └── RegistryError
        ├── CalibrationLookupError (LookupError)   several certified datasets match a lookup
        ├── CollectionChainError (ValueError)      a chain edit that cannot be done as asked
        ├── CollectionCycleError (ValueError)      a chain that would contain itself
        ├── CollectionNameError (ValueError)       a collection name that is not allowed
        ├── CollectionTypeError                    an operation the collection's type forbids
        ├── DatabaseConnectionError (ConnectionError)  a registry database that cannot be reached
        ├── IncompatibleSchemaVersionError         a repository written by other schema versions
        ├── MissingCollectionError (LookupError)
        ├── MissingDatasetTypeError (KeyError)     an unknown dataset type name
        ├── OrphanedRecordError                    a removal that would leave references behind
        ├── ReadOnlyDatabaseError                  a write to a registry opened read-only
        └── TransactionConflictError               retries of a conflicting transaction ran out
"""

from __future__ import annotations

__all__ = [
    "ButlerError",
    "CalibrationLookupError",
    "CollectionChainError",
    "CollectionCycleError",
    "CollectionNameError",
    "CollectionTypeError",
    "ConfigError",
    "ConflictingDefinitionError",
    "DatabaseConnectionError",
    "DatasetAlreadyStoredError",
    "DatasetNotFoundError",
    "DatasetTypeError",
    "DatasetTypeNotSupportedError",
    "DatastoreConfigError",
    "DatastoreError",
    "DatastoreUnavailableError",
    "DimensionConfigError",
    "DimensionError",
    "DimensionNameError",
    "DimensionValueError",
    "EmptyQueryResultError",
    "FileIntegrityError",
    "FileNotFoundInDatastoreError",
    "FileTemplateError",
    "FormatterError",
    "FormatterNotFoundError",
    "FormatterWriteError",
    "IncompatibleSchemaVersionError",
    "IncompatibleUniverseError",
    "InconsistentDataIdError",
    "IngestFileError",
    "InvalidQueryError",
    "InvalidRegionEncodingError",
    "MissingCollectionError",
    "MissingDatasetTypeError",
    "MissingDimensionRecordError",
    "MissingStorageClassError",
    "OrphanedRecordError",
    "QuerySyntaxError",
    "ReadOnlyDatabaseError",
    "RegionError",
    "RegistryError",
    "RemovalArgumentError",
    "RepoImportError",
    "RepoTransferError",
    "RepositoryExistsError",
    "RepositoryNotFoundError",
    "StorageClassComponentError",
    "StorageClassConfigError",
    "StorageClassConversionError",
    "StorageClassError",
    "StorageClassParameterError",
    "TimespanError",
    "TransactionConflictError",
    "UnimplementedQueryError",
    "ValidationError",
    "ZipIndexError",
]


class ButlerError(Exception):
    """Root of every error raised by ``skybutler.daf_butler``."""


class ConfigError(ButlerError, ValueError):
    """A configuration file or value is malformed or cannot be found."""


class DimensionError(ButlerError):
    """Something is wrong with dimensions, data IDs or dimension records."""


class DimensionConfigError(DimensionError, ValueError):
    """A dimension universe definition is invalid."""


class DimensionNameError(DimensionError, KeyError):
    """A dimension or element name is unknown, or a required one is missing."""

    def __str__(self) -> str:
        # KeyError would quote the message; users should read it plainly.
        return str(self.args[0]) if self.args else ""


class DimensionValueError(DimensionError, ValueError):
    """A data ID value has the wrong type or is otherwise not allowed."""


class InconsistentDataIdError(DimensionError, ValueError):
    """Data ID values contradict each other or the stored records."""


class RegionError(ButlerError, ValueError):
    """A sky region is invalid."""


class InvalidRegionEncodingError(RegionError):
    """Bytes do not hold a valid encoded region."""


class TimespanError(ButlerError, ValueError):
    """A timespan cannot be built from the values given."""


class StorageClassError(ButlerError):
    """Something is wrong with a storage class."""


class MissingStorageClassError(StorageClassError, KeyError):
    """No storage class of the requested name or Python type is known."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class StorageClassConfigError(StorageClassError, ValueError):
    """A storage class definition is invalid."""


class StorageClassConversionError(StorageClassError, TypeError):
    """An object cannot be converted to the Python type of a storage class."""


class DatasetTypeError(ButlerError, ValueError):
    """A dataset type is invalid or incompatible with another definition."""


class DatasetTypeNotSupportedError(DatasetTypeError):
    """A dataset type cannot be used where it was given."""


class ConflictingDefinitionError(ButlerError):
    """A definition conflicts with an existing one of the same name."""


class StorageClassComponentError(StorageClassError, KeyError):
    """A component is unknown to a storage class, missing, or cannot be extracted or assembled."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class StorageClassParameterError(StorageClassError, ValueError):
    """A read parameter is unknown to a storage class or has a value it cannot apply."""


class RegistryError(ButlerError):
    """Something went wrong in the registry database or its collections."""


class CollectionCycleError(RegistryError, ValueError):
    """A chained collection would contain itself, directly or through other chains."""


class CollectionNameError(RegistryError, ValueError):
    """A collection name is empty, too long or contains characters that are not allowed."""


class CollectionTypeError(RegistryError):
    """An operation is not allowed on a collection of this type."""


class DatabaseConnectionError(RegistryError, ConnectionError):
    """The registry database cannot be reached or opened."""


class IncompatibleSchemaVersionError(RegistryError):
    """A repository was written with schema versions this code cannot use."""


class MissingCollectionError(RegistryError, LookupError):
    """A collection of the given name does not exist."""


class OrphanedRecordError(RegistryError):
    """Removing something would leave other records pointing at nothing."""


class ReadOnlyDatabaseError(RegistryError):
    """A write was attempted on a registry database opened read-only."""


class TransactionConflictError(RegistryError):
    """A transaction kept conflicting with concurrent writers and was given up."""


class InvalidQueryError(ButlerError, ValueError):
    """A query is invalid: a malformed ``where`` expression, an unknown name, a bad bind value."""


class QuerySyntaxError(InvalidQueryError):
    """A ``where`` expression cannot be parsed.

    The message shows the expression with a caret under the offending place.
    ``expression`` holds the text and ``position`` the offset of that place in it.
    """

    def __init__(self, message: str, expression: str = "", position: int = 0) -> None:
        super().__init__(message)
        self.expression = expression
        self.position = position


class UnimplementedQueryError(InvalidQueryError, NotImplementedError):
    """A valid query the query system cannot run (a spatial constraint under OR or NOT)."""


class EmptyQueryResultError(ButlerError, LookupError):
    """A query asked to explain itself found nothing; ``reasons`` lists why.

    Parameters
    ----------
    reasons
        Each reason the query returned no rows.
    """

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = list(reasons)
        listed = "\n".join(f"  - {r}" for r in self.reasons) or "  - (no reason found)"
        super().__init__("The query found nothing:\n" + listed)


class MissingDimensionRecordError(DimensionError, LookupError):
    """No dimension record is stored for a data ID that needs one."""


class MissingDatasetTypeError(RegistryError, KeyError):
    """No dataset type of the given name is registered."""

    def __str__(self) -> str:
        # KeyError would quote the message; users should read it plainly.
        return str(self.args[0]) if self.args else ""


class CalibrationLookupError(RegistryError, LookupError):
    """A calibration lookup matched several certified datasets and cannot choose one."""


class DatasetNotFoundError(ButlerError, LookupError):
    """No dataset with the given ID (or type, data ID and collections) exists."""


class DatastoreError(ButlerError):
    """Something went wrong storing or reading a dataset's artifacts."""


class DatastoreConfigError(DatastoreError, ValueError):
    """A datastore configuration is malformed or names something unknown."""


class DatastoreUnavailableError(DatastoreError, ConnectionError):
    """A datastore root cannot be reached, created or written."""


class DatasetAlreadyStoredError(DatastoreError, FileExistsError):
    """A dataset (or a file where it would go) is already in the datastore."""


class FileNotFoundInDatastoreError(DatastoreError, FileNotFoundError):
    """A datastore holds no artifact for a dataset, or its file has gone."""


class FileTemplateError(DatastoreError, ValueError):
    """A file template is malformed, or cannot give unique paths for a dataset type."""


class FormatterError(DatastoreError):
    """A formatter cannot be found, or cannot read or write a dataset."""


class FileIntegrityError(FormatterError):
    """A stored file's size or checksum differs from the one recorded at write."""


class FormatterNotFoundError(FormatterError, KeyError):
    """No formatter is configured for a dataset, or a formatter name is unknown."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class FormatterWriteError(FormatterError, TypeError):
    """A formatter cannot write the object it was given."""


class RepoTransferError(ButlerError):
    """Exporting or importing the contents of a repository failed."""


class RepoImportError(RepoTransferError, ValueError):
    """An export file cannot be imported: unsupported version, malformed entry or record.

    The message names the file's line and the entry or record at fault.
    """


class CollectionChainError(RegistryError, ValueError):
    """A chain edit cannot be done as asked (an index out of range, an option the mode refuses)."""


class RepositoryExistsError(ButlerError, FileExistsError):
    """A repository already exists where a new one was to be created."""


class RepositoryNotFoundError(ButlerError, FileNotFoundError):
    """No repository (no ``butler.yaml``) exists at the given location."""


class IngestFileError(DatastoreError, OSError):
    """A file to ingest is missing or unreadable, or cannot be transferred as asked."""


class IncompatibleUniverseError(RepoTransferError, ValueError):
    """Two repositories' dimension universes differ, so datasets cannot move between them."""


class RemovalArgumentError(ButlerError, TypeError):
    """A removal was asked with arguments that cannot go together (upstream's `TypeError`)."""


class ZipIndexError(RepoTransferError, ValueError):
    """A Zip of artifacts is not a Zip, has no ``_butler_zip_index.json``, or a damaged one."""


class ValidationError(ButlerError, ValueError):
    """A repository's configuration cannot serve some of its dataset types (each one listed)."""
