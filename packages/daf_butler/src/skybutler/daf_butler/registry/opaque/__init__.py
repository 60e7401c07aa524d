"""Opaque tables: datastore records kept in the registry without interpreting them."""

from ._manager import FILE_RECORDS_SPEC, OpaqueTable, OpaqueTableManager

__all__ = ["FILE_RECORDS_SPEC", "OpaqueTable", "OpaqueTableManager"]
