"""Conformance suites for implementations of daf_butler interfaces.

Each suite is a class of pytest tests with one abstract fixture; subclass it
in a test module and provide the fixture to run every test against your
implementation. pytest must be installed to use this package.

- `RegistryFoundationConformance` (fixture ``database``): registry
  databases, schema versions and collections, including many processes
  writing at once.
"""

from ._registry_foundation import RegistryFoundationConformance

__all__ = ["RegistryFoundationConformance"]
