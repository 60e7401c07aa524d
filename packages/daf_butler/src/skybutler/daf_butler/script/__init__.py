"""The work behind the ``butler`` commands, as plain functions.

Each ``butler`` subcommand parses its arguments, calls one function here and
prints what it returns; tests and scripts call these functions directly.
A repository argument is a directory or URI holding ``butler.yaml``.

Names load on first use (PEP 562), so a command importing one module of
this package does not pay for the others.
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from ._associate import associate, certify_calibrations
    from ._chains import CHAIN_MODES, collection_chain
    from ._collections import (
        CHAINS_MODES,
        CollectionRemoval,
        query_collections,
        remove_collections,
    )
    from ._config_cmds import ConfigValidation, config_dump, config_validate
    from ._dataset_types import query_dataset_types, register_dataset_type, remove_dataset_types
    from ._export import butler_import, export, export_calibs
    from ._queries import (
        QueryTables,
        dataset_table,
        find_refs,
        query_data_ids,
        query_datasets,
        query_dimension_records,
    )
    from ._removal import DatasetPruning, RunRemoval, prune_datasets, remove_runs
    from ._repo import create_repo, open_butler, open_registry
    from ._table import Table
    from ._transfers import (
        ID_GENERATION_MODES,
        ingest_files,
        ingest_zip,
        parse_data_id,
        retrieve_artifacts,
        retrieve_artifacts_zip,
        transfer_datasets,
    )

_LAZY: dict[str, str] = {
    "CHAINS_MODES": "._collections",
    "CHAIN_MODES": "._chains",
    "CollectionRemoval": "._collections",
    "ConfigValidation": "._config_cmds",
    "DatasetPruning": "._removal",
    "ID_GENERATION_MODES": "._transfers",
    "QueryTables": "._queries",
    "RunRemoval": "._removal",
    "Table": "._table",
    "associate": "._associate",
    "butler_import": "._export",
    "certify_calibrations": "._associate",
    "collection_chain": "._chains",
    "config_dump": "._config_cmds",
    "config_validate": "._config_cmds",
    "create_repo": "._repo",
    "dataset_table": "._queries",
    "export": "._export",
    "export_calibs": "._export",
    "find_refs": "._queries",
    "ingest_files": "._transfers",
    "ingest_zip": "._transfers",
    "open_butler": "._repo",
    "open_registry": "._repo",
    "parse_data_id": "._transfers",
    "prune_datasets": "._removal",
    "query_collections": "._collections",
    "query_data_ids": "._queries",
    "query_dataset_types": "._dataset_types",
    "query_datasets": "._queries",
    "query_dimension_records": "._queries",
    "register_dataset_type": "._dataset_types",
    "remove_collections": "._collections",
    "remove_dataset_types": "._dataset_types",
    "remove_runs": "._removal",
    "retrieve_artifacts": "._transfers",
    "retrieve_artifacts_zip": "._transfers",
    "transfer_datasets": "._transfers",
}

__all__ = [
    "CHAINS_MODES",
    "CHAIN_MODES",
    "ID_GENERATION_MODES",
    "CollectionRemoval",
    "ConfigValidation",
    "DatasetPruning",
    "QueryTables",
    "RunRemoval",
    "Table",
    "associate",
    "butler_import",
    "certify_calibrations",
    "collection_chain",
    "config_dump",
    "config_validate",
    "create_repo",
    "dataset_table",
    "export",
    "export_calibs",
    "find_refs",
    "ingest_files",
    "ingest_zip",
    "open_butler",
    "open_registry",
    "parse_data_id",
    "prune_datasets",
    "query_collections",
    "query_data_ids",
    "query_dataset_types",
    "query_datasets",
    "query_dimension_records",
    "register_dataset_type",
    "remove_collections",
    "remove_dataset_types",
    "remove_runs",
    "retrieve_artifacts",
    "retrieve_artifacts_zip",
    "transfer_datasets",
]

assert set(__all__) == set(_LAZY), "every lazily loaded name is exported"


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
