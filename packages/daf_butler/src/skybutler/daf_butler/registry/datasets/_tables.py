"""Tables of dataset types and datasets, static and per dimension group.

Static tables (created with the repository):

- ``dimension_graph_key`` / ``dimension_graph_definition``: the dimension
  groups of dataset types, by synthetic key (0 is the empty group);
- ``dataset_type``: registered dataset types, each naming its tag and (for
  calibration types) calibration tables;
- ``collection_summary_dataset_type``: which dataset types each collection
  may hold;
- ``dataset``: one row per dataset, in its RUN (removing the RUN removes it).

Dynamic tables, created the first time a dataset type needs them:

- ``dataset_tags_%08d`` per dimension group: membership of datasets in RUN
  and TAGGED collections, with the data ID's required values; at most one
  dataset per dataset type and data ID in a collection;
- ``dataset_calibs_%08d`` per dimension group of calibration types:
  certifications in CALIBRATION collections with a validity range, which may
  not overlap for one dataset type and data ID (an ``EXCLUDE USING gist``
  constraint on PostgreSQL, a check in `DatasetManager.certify` everywhere);
- ``collection_summary_<governor>``: which governor values (instruments,
  skymaps) each collection's datasets have.

Tag and calibration rows refer to their summary row, so a summary is never
missing something a collection holds. Foreign keys to dimension tables are
added only through a `DimensionForeignKeys` hook (see `DatasetTypeManager`).
"""

from __future__ import annotations

__all__ = [
    "COLLECTION_SUMMARY_TABLE",
    "DATASET_TABLE",
    "DATASET_TYPE_TABLE",
    "GROUP_DEFINITION_TABLE",
    "GROUP_KEY_TABLE",
    "DimensionForeignKeys",
    "calibs_spec",
    "calibs_table_name",
    "dataset_table_specs",
    "dataset_type_table_specs",
    "dimension_field",
    "dimension_foreign_keys",
    "governor_summary_spec",
    "governor_summary_table_name",
    "tags_spec",
    "tags_table_name",
]

from collections.abc import Callable

from ...dimensions import DimensionGroup, DimensionUniverse
from ..collections import collection_field, collection_foreign_key, run_foreign_key
from ..databases import Database, FieldSpec, FieldType, ForeignKeySpec, TableSpec

GROUP_KEY_TABLE = "dimension_graph_key"
GROUP_DEFINITION_TABLE = "dimension_graph_definition"
DATASET_TYPE_TABLE = "dataset_type"
COLLECTION_SUMMARY_TABLE = "collection_summary_dataset_type"
DATASET_TABLE = "dataset"

MAX_DATASET_TYPE_NAME = 128
MAX_STORAGE_CLASS_NAME = 64

DimensionForeignKeys = Callable[[str], ForeignKeySpec | None]
"""Returns the foreign key from a dataset table to a dimension's table, or `None`.

Called with a dimension name; the dataset table has one column per required
dimension, named after it (``instrument``, ``detector``...), so a foreign
key to ``detector`` would have source ``("instrument", "detector")``. The
referenced table must already be declared in the `Database`.
"""

_FIELD_TYPES: dict[str, FieldType] = {"int": "int", "string": "string", "hash": "hash"}


def tags_table_name(dimensions_key: int) -> str:
    """Return the name of the tag table of a dimension group key."""
    return f"dataset_tags_{dimensions_key:08d}"


def calibs_table_name(dimensions_key: int) -> str:
    """Return the name of the calibration table of a dimension group key."""
    return f"dataset_calibs_{dimensions_key:08d}"


def governor_summary_table_name(governor: str) -> str:
    """Return the name of the summary table of a governor dimension."""
    return f"collection_summary_{governor}"


def dimension_field(
    universe: DimensionUniverse, name: str, *, primary_key: bool = False
) -> FieldSpec:
    """Return the field holding a dimension's key value, typed from the universe."""
    column = universe.dimensions[name].primaryKey
    dtype = _FIELD_TYPES.get(column.type)
    if dtype is None:
        raise TypeError(
            f"Dimension {name!r} has a {column.type!r} key, which dataset tables cannot hold; "
            f"allowed key types: {sorted(_FIELD_TYPES)}."
        )
    length = column.length if dtype == "string" else column.nbytes
    return FieldSpec(name, dtype, length=length, nullable=False, primary_key=primary_key)


def dataset_type_table_specs() -> dict[str, TableSpec]:
    """Return the static tables of the dataset type manager, referenced tables first."""
    return {
        GROUP_KEY_TABLE: TableSpec(
            fields=(FieldSpec("id", "int", primary_key=True, autoincrement=True),),
            doc="Synthetic keys of the dimension groups of dataset types (0: no dimensions).",
        ),
        GROUP_DEFINITION_TABLE: TableSpec(
            fields=(
                FieldSpec("dimension_graph_id", "int", primary_key=True),
                FieldSpec("dimension_name", "string", length=64, primary_key=True),
            ),
            foreign_keys=(
                ForeignKeySpec(GROUP_KEY_TABLE, ("dimension_graph_id",), ("id",), "CASCADE"),
            ),
            doc="The required dimensions of each dimension group.",
        ),
        DATASET_TYPE_TABLE: TableSpec(
            fields=(
                FieldSpec("id", "int", primary_key=True, autoincrement=True),
                FieldSpec("name", "string", length=MAX_DATASET_TYPE_NAME, nullable=False),
                FieldSpec("storage_class", "string", length=MAX_STORAGE_CLASS_NAME, nullable=False),
                FieldSpec("dimensions_key", "int", nullable=False),
                FieldSpec("tag_association_table", "string", length=128, nullable=False),
                FieldSpec("calibration_association_table", "string", length=128),
            ),
            unique=(("name",),),
            foreign_keys=(ForeignKeySpec(GROUP_KEY_TABLE, ("dimensions_key",), ("id",)),),
            doc="Registered dataset types; calibration types name a calibration table.",
        ),
        COLLECTION_SUMMARY_TABLE: TableSpec(
            fields=(
                collection_field(primary_key=True),
                FieldSpec("dataset_type_id", "int", primary_key=True),
            ),
            foreign_keys=(
                collection_foreign_key(),
                ForeignKeySpec(DATASET_TYPE_TABLE, ("dataset_type_id",), ("id",), "CASCADE"),
            ),
            indexes=(("dataset_type_id",),),
            doc="Dataset types each collection may hold (a superset of what it holds).",
        ),
    }


def dataset_table_specs() -> dict[str, TableSpec]:
    """Return the static tables of the dataset manager."""
    return {
        DATASET_TABLE: TableSpec(
            fields=(
                FieldSpec("id", "uuid", primary_key=True),
                FieldSpec("dataset_type_id", "int", nullable=False),
                FieldSpec("ingest_date", "datetime", doc="TAI nanoseconds of the insertion."),
                collection_field("run_id"),
            ),
            foreign_keys=(
                ForeignKeySpec(DATASET_TYPE_TABLE, ("dataset_type_id",), ("id",)),
                run_foreign_key(),
            ),
            # run_id: cascades from a removed RUN; (type, run): counting a type's datasets
            # and checking a removed dataset type has none, without scanning.
            indexes=(("run_id",), ("dataset_type_id", "run_id")),
            doc="Every dataset, in the RUN collection it was inserted into.",
        ),
    }


def dimension_foreign_keys(db: Database, universe: DimensionUniverse) -> DimensionForeignKeys:
    """Return a hook adding foreign keys to the dimension tables declared in ``db``.

    A dimension gets a foreign key when its table (named after it, shrunk
    for the backend) is declared in ``db.metadata`` when a dataset table is
    created; its key columns are those of its required dimensions.
    """

    def hook(name: str) -> ForeignKeySpec | None:
        dimension = universe.dimensions[name]
        if not dimension.hasTable():
            return None
        table = db.shrink_name(name)
        key = f"{db.namespace}.{table}" if db.namespace else table
        if key not in db.metadata.tables:
            return None
        return ForeignKeySpec(
            table, tuple(dimension.required.names), tuple(dimension.schema.required.names)
        )

    return hook


def _summary_keys() -> list[ForeignKeySpec]:
    # Rows refer to their collection's summary row: removing the collection (or the
    # summary) removes them, and a summary can never miss what a collection holds.
    return [
        ForeignKeySpec(
            COLLECTION_SUMMARY_TABLE,
            ("collection_id", "dataset_type_id"),
            ("collection_id", "dataset_type_id"),
            "CASCADE",
        ),
        ForeignKeySpec(DATASET_TABLE, ("dataset_id",), ("id",), "CASCADE"),
    ]


def _dimension_keys(
    group: DimensionGroup, hook: DimensionForeignKeys | None
) -> list[ForeignKeySpec]:
    if hook is None:
        return []
    dims = tuple(group.required)
    dimensions = group.universe.dimensions
    # A key to (instrument, detector) already guarantees the instrument exists.
    needed = [
        name
        for name in dims
        if not any(o != name and name in dimensions[o].required.names for o in dims)
    ]
    keys = [hook(name) for name in needed]
    return list(dict.fromkeys(key for key in keys if key is not None))


def tags_spec(group: DimensionGroup, hook: DimensionForeignKeys | None = None) -> TableSpec:
    """Return the spec of the tag table of datasets with these dimensions."""
    dims = tuple(group.required)
    universe = group.universe
    return TableSpec(
        fields=(
            FieldSpec("dataset_type_id", "int", nullable=False),
            FieldSpec("dataset_id", "uuid", primary_key=True),
            collection_field(primary_key=True),
            *(dimension_field(universe, name) for name in dims),
        ),
        unique=(("dataset_type_id", "collection_id", *dims),),
        # Covers a search by type and collection: the data ID and the dataset ID come from
        # the index alone, in data ID order, with no lookup of the table row per dataset.
        indexes=(("dataset_type_id", "collection_id", *dims, "dataset_id"),),
        foreign_keys=(*_summary_keys(), *_dimension_keys(group, hook)),
        doc=f"Datasets with dimensions {list(dims)} in RUN and TAGGED collections.",
    )


def calibs_spec(group: DimensionGroup, hook: DimensionForeignKeys | None = None) -> TableSpec:
    """Return the spec of the calibration table of datasets with these dimensions."""
    dims = tuple(group.required)
    universe = group.universe
    return TableSpec(
        fields=(
            FieldSpec("id", "int", primary_key=True, autoincrement=True),
            FieldSpec("dataset_type_id", "int", nullable=False),
            FieldSpec("dataset_id", "uuid", nullable=False),
            collection_field(),
            *(dimension_field(universe, name) for name in dims),
            FieldSpec("validity", "timespan", nullable=False),
        ),
        indexes=(("dataset_id",), ("dataset_type_id", "collection_id")),
        exclusion=(("dataset_type_id", "collection_id", *dims, "validity"),),
        foreign_keys=(*_summary_keys(), *_dimension_keys(group, hook)),
        doc=f"Certifications of datasets with dimensions {list(dims)} in CALIBRATION collections.",
    )


def governor_summary_spec(
    universe: DimensionUniverse, governor: str, hook: DimensionForeignKeys | None = None
) -> TableSpec:
    """Return the spec of the summary table of a governor dimension."""
    foreign_keys = [collection_foreign_key()]
    if hook is not None and (key := hook(governor)) is not None:
        foreign_keys.append(key)
    return TableSpec(
        fields=(
            collection_field(primary_key=True),
            dimension_field(universe, governor, primary_key=True),
        ),
        foreign_keys=tuple(foreign_keys),
        doc=f"Values of {governor!r} each collection's datasets may have.",
    )
