"""Table layouts of dimension records, derived from a `DimensionUniverse`.

Every element with a table (not skypix dimensions, not implied-union
dimensions such as ``band``) gets one table named after it whose columns are
the fields of its records: required dimension keys (the element's own key
under its primary-key name, others named after their dimension) forming the
primary key, implied dimension keys, alternate keys (unique together with the
other required keys), metadata, ``region`` and ``timespan``. Foreign keys
point at the tables of the required and implied dimensions, leaving out those
another foreign key of the table already implies.

Each spatial element also gets ``<element>_skypix_overlap`` (which common
skypix pixels its regions touch) and ``<element>_skypix_overlap_summary``
(for which governor values those rows exist).
"""

from __future__ import annotations

__all__ = ["ElementLayout", "Reference", "layout_universe", "table_specs"]

import dataclasses
from collections.abc import Callable, Mapping

from ...dimensions import ColumnSpec, Dimension, DimensionElement, DimensionUniverse
from ..databases import FieldSpec, FieldType, ForeignKeySpec, TableSpec

_FIELD_TYPES: Mapping[str, FieldType] = {
    "int": "int",
    "string": "string",
    "hash": "hash",
    "float": "float",
    "bool": "bool",
    "uuid": "uuid",
    "region": "region",
    "timespan": "timespan",
    "datetime": "datetime",
}

SKYPIX_SYSTEM = "skypix_system"
SKYPIX_LEVEL = "skypix_level"
SKYPIX_INDEX = "skypix_index"


@dataclasses.dataclass(frozen=True, slots=True)
class Reference:
    """A foreign key from an element's table to another element's table."""

    element: str
    """Name of the referenced element."""
    source: tuple[str, ...]
    """Columns of the referring table."""
    target: tuple[str, ...]
    """Columns of the referenced table, in the same order."""


@dataclasses.dataclass(frozen=True, slots=True)
class ElementLayout:
    """Where and how the records of one element are stored."""

    element: DimensionElement
    table_name: str
    spec: TableSpec
    key_columns: tuple[str, ...]
    """Table columns of the element's required dimensions, in ``element.required`` order."""
    key_dimensions: tuple[str, ...]
    """Names of the required dimensions, in the same order."""
    references: tuple[Reference, ...]
    overlap_name: str | None = None
    overlap_spec: TableSpec | None = None
    summary_name: str | None = None
    summary_spec: TableSpec | None = None
    governor_column: str | None = None
    """Column of this element's table holding its governor value, if it has one."""

    @property
    def fields(self) -> tuple[str, ...]:
        """Names of the record fields, which are also the table's field names."""
        return self.element.schema.names


def _field(column: ColumnSpec, *, primary_key: bool = False) -> FieldSpec:
    return FieldSpec(
        column.name,
        _FIELD_TYPES[column.type],
        length=column.length if column.type == "string" else column.nbytes,
        nullable=column.nullable and not primary_key,
        primary_key=primary_key,
        doc=column.doc,
    )


def _references(
    element: DimensionElement, columns: set[str], table_names: Mapping[str, str]
) -> list[Reference]:
    """Return the foreign keys of an element's table, redundant ones left out."""
    candidates = [d for d in element.required if d.name != element.name]
    candidates.extend(element.implied)
    candidates = [d for d in candidates if d.name in table_names]
    # A key to (instrument, physical_filter) already guarantees the instrument exists.
    kept = [
        d
        for d in candidates
        if not any(o is not d and d.name in o.required.names for o in candidates)
    ]
    references = []
    for dimension in kept:
        source = tuple(dimension.required.names)
        if not columns.issuperset(source):
            continue
        target = tuple(dimension.schema.required.names)
        references.append(Reference(dimension.name, source, target))
    return references


def _layout(
    element: DimensionElement,
    table_names: Mapping[str, str],
    shrink: Callable[[str], str],
) -> ElementLayout:
    schema = element.schema
    key_columns = tuple(schema.required.names)
    key_dimensions = tuple(element.required.names)
    fields = [_field(column, primary_key=True) for column in schema.required]
    fields.extend(_field(column) for column in schema.implied)
    fields.extend(_field(column) for column in schema.remainder)
    if isinstance(element, Dimension):
        others = tuple(
            c for c, d in zip(key_columns, key_dimensions, strict=True) if d != element.name
        )
        unique = tuple((*others, key.name) for key in element.alternateKeys)
    else:
        unique = ()
    references = _references(element, set(schema.names), table_names)
    indexes = tuple(r.source for r in references if r.source != key_columns[: len(r.source)])
    spec = TableSpec(
        fields=tuple(fields),
        unique=unique,
        indexes=indexes,
        foreign_keys=tuple(
            ForeignKeySpec(table_names[r.element], r.source, r.target) for r in references
        ),
        doc=element.doc or f"Records of the {element.name} dimension element.",
    )
    governor = element.governor
    governor_column = None
    if governor is not None:
        governor_column = key_columns[key_dimensions.index(governor.name)]
    layout = ElementLayout(
        element,
        table_names[element.name],
        spec,
        key_columns,
        key_dimensions,
        tuple(references),
        governor_column=governor_column,
    )
    if element.spatial is None:
        return layout
    overlap_name, overlap_spec, summary_name, summary_spec = _overlap_specs(
        layout, table_names, shrink
    )
    return dataclasses.replace(
        layout,
        overlap_name=overlap_name,
        overlap_spec=overlap_spec,
        summary_name=summary_name,
        summary_spec=summary_spec,
    )


def _overlap_specs(
    layout: ElementLayout, table_names: Mapping[str, str], shrink: Callable[[str], str]
) -> tuple[str, TableSpec, str, TableSpec]:
    element = layout.element
    dims = layout.key_dimensions
    key_fields = [
        FieldSpec(name, spec.dtype, length=spec.length, primary_key=True)
        for name, spec in zip(dims, (layout.spec.field(c) for c in layout.key_columns), strict=True)
    ]
    skypix_fields = (
        FieldSpec(SKYPIX_SYSTEM, "string", length=16, primary_key=True),
        FieldSpec(SKYPIX_LEVEL, "smallint", primary_key=True),
    )
    overlap = TableSpec(
        fields=(
            *skypix_fields,
            *key_fields,
            FieldSpec(SKYPIX_INDEX, "int", primary_key=True),
        ),
        indexes=((SKYPIX_SYSTEM, SKYPIX_LEVEL, SKYPIX_INDEX, *dims),),
        foreign_keys=(
            ForeignKeySpec(layout.table_name, dims, layout.key_columns, on_delete="CASCADE"),
        ),
        doc=f"Common skypix pixels overlapping each {element.name} region.",
    )
    governor = element.governor
    summary_fields: tuple[FieldSpec, ...] = skypix_fields
    summary_keys: tuple[ForeignKeySpec, ...] = ()
    if governor is not None:
        summary_fields += (
            FieldSpec(
                governor.name,
                layout.spec.field(layout.governor_column or "").dtype,
                length=governor.primaryKey.length,
                primary_key=True,
            ),
        )
        summary_keys = (
            ForeignKeySpec(
                table_names[governor.name],
                (governor.name,),
                (governor.primaryKey.name,),
                on_delete="CASCADE",
            ),
        )
    summary = TableSpec(
        fields=summary_fields,
        foreign_keys=summary_keys,
        doc=f"Governor values for which {element.name} overlap rows exist.",
    )
    return (
        shrink(f"{element.name}_skypix_overlap"),
        overlap,
        shrink(f"{element.name}_skypix_overlap_summary"),
        summary,
    )


def layout_universe(
    universe: DimensionUniverse, shrink: Callable[[str], str]
) -> dict[str, ElementLayout]:
    """Return the storage layout of every element with a table, in universe order.

    Parameters
    ----------
    universe
        The repository's dimension universe.
    shrink
        Turns a table name into one the database accepts (`Database.shrink_name`).
    """
    elements = [e for e in universe.database_elements if e.hasTable()]
    table_names = {e.name: shrink(e.name) for e in elements}
    return {e.name: _layout(e, table_names, shrink) for e in elements}


def table_specs(layouts: Mapping[str, ElementLayout]) -> dict[str, TableSpec]:
    """Return every table of the layouts, referenced tables first."""
    specs = {layout.table_name: layout.spec for layout in layouts.values()}
    for layout in layouts.values():
        if layout.overlap_spec is not None and layout.overlap_name is not None:
            specs[layout.overlap_name] = layout.overlap_spec
        if layout.summary_spec is not None and layout.summary_name is not None:
            specs[layout.summary_name] = layout.summary_spec
    return specs
