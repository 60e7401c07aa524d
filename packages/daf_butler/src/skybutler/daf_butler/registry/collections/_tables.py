"""Tables and records of the collection manager.

``collection`` holds every collection under a synthetic integer key;
``run`` adds RUN-only information; ``collection_chain`` holds the ordered
children of CHAINED collections. Tables of other managers refer to
collections through `collection_foreign_key` and `run_foreign_key`, whose
``ON DELETE CASCADE`` makes removing a collection remove its memberships and
removing a RUN remove its datasets.
"""

from __future__ import annotations

__all__ = [
    "CHAIN_TABLE",
    "COLLECTION_TABLE",
    "MAX_NAME_LENGTH",
    "RUN_TABLE",
    "CollectionRecord",
    "RunRecord",
    "collection_field",
    "collection_foreign_key",
    "collection_table_specs",
    "run_foreign_key",
]

import dataclasses

from ..._collection_type import CollectionType
from ..._timespan import Timespan
from ..databases import FieldSpec, ForeignKeySpec, TableSpec

COLLECTION_TABLE = "collection"
RUN_TABLE = "run"
CHAIN_TABLE = "collection_chain"
MAX_NAME_LENGTH = 64


@dataclasses.dataclass(frozen=True, slots=True)
class CollectionRecord:
    """A collection as the registry knows it."""

    key: int
    """The synthetic ``collection_id`` other tables use to refer to it."""
    name: str
    type: CollectionType


@dataclasses.dataclass(frozen=True, slots=True)
class RunRecord:
    """What the ``run`` table adds to a RUN collection."""

    name: str
    host: str | None
    """Host the run was made on, if recorded."""
    timespan: Timespan | None
    """When the run was made, if recorded."""


def collection_field(name: str = "collection_id", *, primary_key: bool = False) -> FieldSpec:
    """Return a field spec holding a collection key."""
    return FieldSpec(name, "int", nullable=False, primary_key=primary_key)


def collection_foreign_key(
    source: str = "collection_id", *, on_delete_cascade: bool = True
) -> ForeignKeySpec:
    """Return a foreign key from a field to ``collection``."""
    return ForeignKeySpec(
        COLLECTION_TABLE, (source,), ("collection_id",), "CASCADE" if on_delete_cascade else None
    )


def run_foreign_key(source: str = "run_id") -> ForeignKeySpec:
    """Return a foreign key from a field to ``run``; removing the RUN removes the row."""
    return ForeignKeySpec(RUN_TABLE, (source,), ("collection_id",), "CASCADE")


def collection_table_specs() -> dict[str, TableSpec]:
    """Return the specs of the collection tables, referenced tables first."""
    return {
        COLLECTION_TABLE: TableSpec(
            fields=(
                FieldSpec("collection_id", "int", primary_key=True, autoincrement=True),
                FieldSpec("name", "string", length=MAX_NAME_LENGTH, nullable=False),
                FieldSpec("type", "smallint", nullable=False),
                FieldSpec("doc", "text"),
            ),
            unique=(("name",),),
            doc="Every collection, with its synthetic key and type.",
        ),
        RUN_TABLE: TableSpec(
            fields=(
                collection_field(primary_key=True),
                FieldSpec("host", "string", length=128),
                FieldSpec("timespan", "timespan"),
            ),
            foreign_keys=(collection_foreign_key(),),
            doc="RUN collections: where and when each was made.",
        ),
        CHAIN_TABLE: TableSpec(
            fields=(
                collection_field("parent", primary_key=True),
                FieldSpec("position", "smallint", primary_key=True),
                collection_field("child"),
            ),
            # A child in a chain cannot be removed (no cascade); a removed parent takes its rows.
            foreign_keys=(
                collection_foreign_key("parent"),
                collection_foreign_key("child", on_delete_cascade=False),
            ),
            indexes=(("child",),),
            doc="Ordered children of CHAINED collections.",
        ),
    }
