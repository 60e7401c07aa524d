"""Conformance suites for implementations of daf_butler interfaces.

Each suite is a class of pytest tests with one abstract fixture; subclass it
in a test module and provide the fixture to run every test against your
implementation. pytest must be installed to use this package.

- `RegistryFoundationConformance` (fixture ``database``): registry
  databases, schema versions and collections, including many processes
  writing at once.
- `DimensionRecordConformance` (fixtures ``database`` and
  ``alternate_universe``): dimension-record tables, writes, reads, overlap
  rows, data ID expansion and the universe a repository keeps.
- `DatasetConformance` (fixture ``database``): dataset types, datasets,
  their TAGGED and CALIBRATION memberships, lookups and removals.
- `DatastoreConformance` (fixture ``datastore``): puts, gets, components,
  parameters, storage class conversions, removal, transactions and
  exported records, for any datastore.
- `QueryConformance` (class-scoped fixture ``query_registry``): the query
  system's answers on a small repository covering every join path.
- `RegistryConformance` (fixture ``registry_url``): upstream's `Registry`
  API end to end, its bad-input errors, and sixteen processes writing
  datasets and editing one chain at once.
"""

from ._datasets import DatasetConformance
from ._datastore_fixtures import DATASTORE_TEST_CONFIG, make_ref
from ._datastore_tests import DatastoreConformance
from ._dimension_records import DimensionRecordConformance
from ._query_tests import QueryConformance
from ._registry import RegistryConformance
from ._registry_foundation import RegistryFoundationConformance

__all__ = [
    "DATASTORE_TEST_CONFIG",
    "DatasetConformance",
    "DatastoreConformance",
    "DimensionRecordConformance",
    "QueryConformance",
    "RegistryConformance",
    "RegistryFoundationConformance",
    "make_ref",
]
