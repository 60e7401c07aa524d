"""What a ``general`` query returns: dimension keys plus chosen record and dataset fields.

`resolve_fields` checks the fields asked for by ``Query.general``;
`general_columns` adds their SQL columns to a plan's SELECT; `RowDecoder`
turns result rows into upstream's dicts, keyed by dimension name
(``visit``), ``element.field`` (``visit.exposure_time``) and
``dataset_type.field`` (``raw.dataset_id``, ``raw.run``). Each column's
label is positional (``g__0``...), so long element and dataset type names
never meet PostgreSQL's 63-character limit.
"""

from __future__ import annotations

__all__ = ["GeneralFields", "RowDecoder", "general_columns", "resolve_fields"]

import dataclasses
from collections.abc import Collection, Iterable, Mapping, Set
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from .._timespan import nsec_to_time
from ..dimensions import DimensionGroup, DimensionUniverse, SkyPixDimension
from ..errors import InvalidQueryError
from ._columns import DATASET_FIELDS, DatasetField, DimensionField, value_type_of_field
from ._identifiers import IdentifierResolver, suggest

if TYPE_CHECKING:
    from ..registry.databases import TimespanRepresentation

DatasetFieldsArg = Mapping[str, Set[str] | EllipsisType] | None
DimensionFieldsArg = Mapping[str, Set[str] | EllipsisType] | None


@dataclasses.dataclass(frozen=True)
class GeneralFields:
    """The record and dataset fields of a ``general`` query, in output order."""

    fields: tuple[DimensionField | DatasetField, ...]

    @property
    def dataset_types(self) -> tuple[str, ...]:
        """Names of the dataset types with fields, in order of first appearance."""
        names = [f.dataset_type for f in self.fields if isinstance(f, DatasetField)]
        return tuple(dict.fromkeys(names))

    @staticmethod
    def label(index: int) -> str:
        """Return the SQL label of the field at ``index``."""
        return f"g__{index}"


def _element_fields(universe: DimensionUniverse, element: str, asked: Any) -> list[str]:
    if element not in universe.elements.names:
        raise InvalidQueryError(
            f"Unknown dimension element {element!r} in dimension_fields."
            + suggest(element, universe.elements.names)
        )
    resolved = universe[element]
    known = list(resolved.schema.remainder.names)
    if isinstance(resolved, SkyPixDimension) or not resolved.hasTable():
        raise InvalidQueryError(
            f"Element {element!r} has no stored records, so it has no fields to return."
        )
    chosen = _checked(asked, known, f"Element {element!r} has no field", "its fields are")
    return known if chosen is None else chosen


def _dataset_fields(name: str, asked: Any, searched: Iterable[str]) -> list[str]:
    if name not in searched:
        raise InvalidQueryError(
            f"Dataset type {name!r} is not searched by this query; add it with "
            "join_dataset_search(dataset_type, collections) first."
        )
    chosen = _checked(asked, DATASET_FIELDS, "Datasets have no field", "dataset fields are")
    if chosen is None:
        return list(DATASET_FIELDS)
    # A row always carries what a DatasetRef needs (for iter_tuples).
    return list(dict.fromkeys(["dataset_id", "run", *chosen]))


def _checked(asked: Any, known: Collection[str], unknown: str, listing: str) -> list[str] | None:
    """Return the fields asked for, sorted (`None` for ``...``: all of them).

    Raises
    ------
    InvalidQueryError
        A field is not in ``known``; the message is ``unknown`` with the field,
        then ``listing`` with the known fields and a suggestion.
    """
    if asked is ...:
        return None
    if isinstance(asked, str):
        asked = [asked]
    for field in asked:
        if field not in known:
            raise InvalidQueryError(
                f"{unknown} {field!r}; {listing} {', '.join(known)}." + suggest(field, known)
            )
    return sorted(asked)


def resolve_fields(
    universe: DimensionUniverse,
    dimensions: DimensionGroup,
    names: Iterable[str],
    dimension_fields: DimensionFieldsArg,
    dataset_fields: DatasetFieldsArg,
    searched: Mapping[str, DimensionGroup],
) -> tuple[DimensionGroup, GeneralFields]:
    """Return the dimensions and fields of a ``general`` query.

    The dimensions returned are those asked for plus those of every element
    and dataset type with fields. ``searched`` gives the dimensions of each
    dataset type the query searches.

    Raises
    ------
    InvalidQueryError
        A name is unknown, or names a dataset type the query does not search.
    """
    by_element: dict[str, list[str]] = {}
    by_dataset: dict[str, list[str]] = {}
    for element, asked in (dimension_fields or {}).items():
        by_element.setdefault(element, []).extend(_element_fields(universe, element, asked))
    for name, asked in (dataset_fields or {}).items():
        by_dataset.setdefault(name, []).extend(_dataset_fields(name, asked, searched))
    resolver = IdentifierResolver(universe, dimensions, tuple(searched))
    extra: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise InvalidQueryError(f"Field names must be strings, not {name!r}.")
        ref = resolver.resolve(name)
        if isinstance(ref, DimensionField) and ref.attribute is None:
            by_element.setdefault(ref.element, []).extend(
                _element_fields(universe, ref.element, [ref.field])
            )
        elif isinstance(ref, DatasetField) and ref.attribute is None:
            by_dataset.setdefault(ref.dataset_type, []).extend(
                _dataset_fields(ref.dataset_type, [ref.field], searched)
            )
        elif hasattr(ref, "dimension"):
            extra.add(ref.dimension)  # a dimension key: its values are returned anyway
        else:
            raise InvalidQueryError(
                f"{name!r} is not a field to return; write 'element.field' or 'dataset_type.field'."
            )
    fields: list[DimensionField | DatasetField] = []
    group_names = set(dimensions.names) | extra
    for element, element_fields in by_element.items():
        group_names |= universe[element].minimal_group.names
        fields.extend(DimensionField(element, f) for f in dict.fromkeys(element_fields))
    for name, names_of in by_dataset.items():
        group_names |= searched[name].names
        fields.extend(DatasetField(name, f) for f in dict.fromkeys(names_of))
    return universe.conform(group_names), GeneralFields(tuple(fields))


def general_columns(context: Any, general: GeneralFields) -> dict[str, Any]:
    """Return the labelled SQL columns of the fields, joining what they need.

    ``context`` is the plan's column source (``_plan._Context``).
    """
    columns: dict[str, Any] = {}
    for index, ref in enumerate(general.fields):
        label = GeneralFields.label(index)
        typed = context.column(ref)
        if typed.dtype == "timespan":
            for column in typed.sql.flatten(label):
                columns[str(column.key)] = column
        else:
            columns[label] = typed.sql
    return columns


class RowDecoder:
    """Turns the rows of one ``general`` plan into dicts keyed like upstream's.

    Parameters
    ----------
    universe
        The dimension universe.
    dimensions
        The dimensions of the rows' data IDs.
    general
        The fields of the query.
    representation
        How the database stores timespans.
    key_label
        Gives the SQL label of a dimension key column.
    """

    def __init__(
        self,
        universe: DimensionUniverse,
        dimensions: DimensionGroup,
        general: GeneralFields,
        representation: type[TimespanRepresentation],
        key_label: Any,
    ) -> None:
        self._keys = [(d, key_label(d)) for d in dimensions.data_coordinate_keys]
        self._plain: list[tuple[str, str, str]] = []
        self._spans: list[tuple[str, str, tuple[str, ...]]] = []
        self._representation = representation
        for index, ref in enumerate(general.fields):
            label = GeneralFields.label(index)
            dtype = value_type_of_field(universe, ref)
            if dtype == "timespan":
                self._spans.append((str(ref), label, representation.column_names(label)))
            else:
                self._plain.append((str(ref), label, dtype))

    def key_labels(self) -> list[str]:
        """Return the labels that identify a distinct row (regions left out)."""
        labels = [label for _, label in self._keys]
        labels += [label for _, label, dtype in self._plain if dtype != "region"]
        labels += [column for _, _, names in self._spans for column in names]
        return labels

    def __call__(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Return the output dict of one row (a mapping of SQL label to value)."""
        out = {name: row.get(label) for name, label in self._keys}
        for name, label, dtype in self._plain:
            value = row[label]
            if dtype == "datetime" and isinstance(value, int):
                value = nsec_to_time(value)
            out[name] = value
        for name, label, names in self._spans:
            out[name] = self._representation.decode(label, {n: row[n] for n in names})
        return out
