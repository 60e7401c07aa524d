"""`Query`, the builder behind ``with butler.query() as q:``.

A `Query` is immutable: `where`, `join_dataset_search`, `join_dimensions`,
`join_data_coordinates` and `materialize` return a new one with the
constraint added, and `data_ids`, `datasets`, `dimension_records` and
`general` turn it into lazy results. The one-call functions that build
queries from keyword arguments are in ``_one_call.py``.
"""

from __future__ import annotations

__all__ = ["Query", "collections_or_default", "normalize_data_id"]

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._dataset_type import DatasetType
from ..dimensions import (
    DataCoordinate,
    DimensionElement,
    DimensionGroup,
)
from ..errors import InvalidQueryError, MissingCollectionError
from ._datasets import DatasetSearch, resolve_search
from ._driver import QueryDriver
from ._general import DatasetFieldsArg, DimensionFieldsArg
from ._general_results import GeneralQueryResults, general_results
from ._materialize import materialize
from ._results import (
    DataCoordinateQueryResults,
    DatasetRefQueryResults,
    DimensionRecordQueryResults,
)
from ._spec import QuerySpec
from ._uploads import DataIdUpload, upload_from_columns, upload_from_data_ids

if TYPE_CHECKING:
    from ..registry import Registry


def _driver(registry: Registry) -> QueryDriver:
    driver: QueryDriver | None = getattr(registry, "_query_driver", None)
    if driver is None:
        driver = QueryDriver(registry._managers)
        registry._query_driver = driver  # type: ignore[attr-defined]
    return driver


class Query:
    """A query being built: constraints so far, turned into results by its methods.

    Parameters
    ----------
    registry
        The registry queried.
    """

    def __init__(
        self,
        registry: Registry,
        *,
        where: tuple[tuple[str, Mapping[str, Any]], ...] = (),
        data_id: Mapping[str, Any] | None = None,
        searches: tuple[DatasetSearch, ...] = (),
        joined: tuple[str, ...] = (),
        uploads: tuple[DataIdUpload, ...] = (),
    ) -> None:
        self._registry = registry
        self._driver = _driver(registry)
        self._where = where
        self._data_id = dict(data_id or {})
        self._searches = searches
        self._joined = joined
        self._uploads = uploads

    def __enter__(self) -> Query:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _copy(self, **changes: Any) -> Query:
        values: dict[str, Any] = {
            "where": self._where,
            "data_id": self._data_id,
            "searches": self._searches,
            "joined": self._joined,
            "uploads": self._uploads,
        }
        values.update(changes)
        return Query(self._registry, **values)

    @property
    def constraint_dimensions(self) -> DimensionGroup:
        """The dimensions the constraints so far involve."""
        universe = self._registry.dimensions
        names = set(self._joined) | set(self._data_id)
        for upload in self._uploads:
            names |= upload.dimensions.names
        for search in self._searches:
            names |= search.dataset_type.dimensions.names
        return universe.conform(names)

    @property
    def constraint_dataset_types(self) -> frozenset[str]:
        """Names of the dataset types searched as constraints."""
        return frozenset(s.name for s in self._searches)

    def where(
        self,
        *args: str | DataCoordinate | Mapping[str, Any],
        bind: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Query:
        """Return a query with more constraints: expressions, data IDs and key=value pairs."""
        where = list(self._where)
        data_id = dict(self._data_id)
        for arg in args:
            if isinstance(arg, str):
                where.append((arg, dict(bind or {})))
            else:
                data_id.update(normalize_data_id(self._registry, arg, {}, where))
        if bind and not any(isinstance(a, str) for a in args):
            raise InvalidQueryError(
                f"Bind values {sorted(bind)} were given without an expression to use them."
            )
        data_id.update(normalize_data_id(self._registry, None, kwargs, where))
        return self._copy(where=tuple(where), data_id=data_id)

    def join_dimensions(self, dimensions: Iterable[str] | DimensionGroup) -> Query:
        """Return a query that also joins these dimensions."""
        names = dimensions.names if isinstance(dimensions, DimensionGroup) else dimensions
        return self._copy(joined=self._joined + tuple(names))

    def join_dataset_search(
        self, dataset_type: DatasetType | str, collections: Any = None
    ) -> Query:
        """Return a query constrained to data IDs with a dataset of this type in the collections."""
        search = resolve_search(
            self._registry._managers,
            dataset_type,
            collections_or_default(self._registry, collections),
            find_first=False,
            governors=_governors(self._registry, self._data_id),
        )
        return self._copy(searches=(*self._searches, search))

    def join_data_coordinates(self, iterable: Iterable[DataCoordinate]) -> Query:
        """Return a query constrained to these data IDs (all of the same dimensions).

        The data IDs are joined like a table: their dimensions join the
        query, and only rows matching one of them are kept. An empty
        iterable makes a query that finds nothing.
        """
        universe = self._registry.dimensions
        upload = upload_from_data_ids(universe, iterable)
        if upload is None:
            upload = DataIdUpload(universe.empty, (), ())
        return self._copy(uploads=(*self._uploads, upload))

    def join_data_coordinate_table(self, table: Any) -> Query:
        """Return a query constrained to the data IDs in the rows of a table.

        Parameters
        ----------
        table
            An `astropy.table.Table` (or a mapping of column name to values)
            whose columns are dimensions: every required dimension of their
            group, and optionally implied ones, which then constrain too.
        """
        upload = upload_from_columns(self._registry.dimensions, table)
        return self._copy(uploads=(*self._uploads, upload))

    def materialize(
        self,
        *,
        dimensions: Iterable[str] | DimensionGroup | None = None,
        datasets: Iterable[str] | None = None,
    ) -> Query:
        """Run the query now and return one constrained to the data IDs it found.

        Upstream saves the rows to a temporary table; here the query is run
        and its data IDs (of ``dimensions``, default `constraint_dimensions`)
        are joined into a new query as by `join_data_coordinates`, so every
        ``where``, data ID and join constraint is baked into those rows. The
        dataset searches named in ``datasets`` (default: those whose
        dimensions are among ``dimensions``) are kept as constraints of the
        new query, so that ``datasets(...)`` and ``general(...)`` can still
        use them.

        Raises
        ------
        InvalidQueryError
            A dataset type is not searched by the query, or has dimensions
            outside ``dimensions``.
        """
        return materialize(self, dimensions, datasets)

    def general(
        self,
        dimensions: Iterable[str] | DimensionGroup | str,
        *names: str,
        dimension_fields: DimensionFieldsArg = None,
        dataset_fields: DatasetFieldsArg = None,
        find_first: bool | None = None,
    ) -> GeneralQueryResults:
        """Return rows of dimension keys with chosen record and dataset fields.

        Parameters
        ----------
        dimensions
            Dimensions of the rows (extended by those of every element and
            dataset type with fields).
        *names
            Fields to return, as ``'element.field'`` or ``'dataset_type.field'``.
        dimension_fields
            Fields per element name (a set of names, or ``...`` for all).
        dataset_fields
            Fields per dataset type (a set of names, or ``...`` for all);
            the dataset types must be searched already (`join_dataset_search`).
            ``dataset_id`` and ``run`` are always included.
        find_first
            Whether to keep only the first dataset in collection order for
            each data ID; by default, when exactly one dataset type has fields
            and its collections are a list of names, not patterns.

        Raises
        ------
        InvalidQueryError
            A field or element is unknown, a dataset type is not searched, or
            ``find_first`` is asked for with several dataset types or with
            collection patterns.
        """
        return general_results(
            self, dimensions, names, dimension_fields, dataset_fields, find_first
        )

    def _spec(self, kind: Any, dimensions: DimensionGroup, **changes: Any) -> QuerySpec:
        values: dict[str, Any] = {
            "where": self._where,
            "joined": self._joined,
            "data_id": self._data_id,
            "searches": self._searches,
            "uploads": self._uploads,
        }
        values.update(changes)
        return QuerySpec(kind=kind, dimensions=dimensions, **values)

    def data_ids(
        self, dimensions: Iterable[str] | DimensionGroup | str | None = None
    ) -> DataCoordinateQueryResults:
        """Return the data IDs of these dimensions that satisfy the constraints."""
        return DataCoordinateQueryResults(
            self._driver, self._spec("data_ids", self._dimension_group(dimensions))
        )

    def _dimension_group(
        self, dimensions: Iterable[str] | DimensionGroup | str | None
    ) -> DimensionGroup:
        """Return the group of ``dimensions`` (default: `constraint_dimensions`)."""
        if dimensions is None:
            return self.constraint_dimensions
        if isinstance(dimensions, DimensionGroup):
            return dimensions
        names = [dimensions] if isinstance(dimensions, str) else dimensions
        return self._registry.dimensions.conform(names)

    def datasets(
        self, dataset_type: DatasetType | str, collections: Any = None, *, find_first: bool = True
    ) -> DatasetRefQueryResults:
        """Return the datasets of a type in the collections that satisfy the constraints."""
        search = resolve_search(
            self._registry._managers,
            dataset_type,
            collections_or_default(self._registry, collections),
            find_first,
            governors=_governors(self._registry, self._data_id),
        )
        spec = self._spec("datasets", search.dataset_type.dimensions, result_search=search)
        return DatasetRefQueryResults(self._driver, spec)

    def dimension_records(self, element: str | DimensionElement) -> DimensionRecordQueryResults:
        """Return the records of an element that satisfy the constraints."""
        universe = self._registry.dimensions
        name = element if isinstance(element, str) else element.name
        resolved = universe[name]
        spec = self._spec("records", resolved.minimal_group, element=name)
        return DimensionRecordQueryResults(self._driver, spec)


def collections_or_default(registry: Registry, collections: Any) -> Any:
    """Return the collections to search: those given, or the registry's defaults."""
    if collections is None:
        defaults = list(registry.defaults.collections)
        if not defaults:
            raise MissingCollectionError(
                "No collections were given and there are no default collections; pass "
                "collections=... or make the Butler with collections=."
            )
        return defaults
    return collections


def _governors(registry: Registry, data_id: Mapping[str, Any]) -> dict[str, list[Any]]:
    governors = registry.dimensions.governor_dimensions.names
    return {name: [value] for name, value in data_id.items() if name in governors}


def normalize_data_id(
    registry: Registry,
    data_id: DataCoordinate | Mapping[str, Any] | None,
    kwargs: Mapping[str, Any],
    where: list[tuple[str, Mapping[str, Any]]],
) -> dict[str, Any]:
    """Return the dimension values of a data ID and keywords, checking names and types.

    A string given for an integer dimension is looked up by the dimension's
    alternate keys (``detector='S11'``): it becomes an expression added to
    ``where``. ``element.field`` keys (``exposure.day_obs``) do the same.
    """
    universe = registry.dimensions
    values: dict[str, Any] = {}
    items: dict[str, Any] = {}
    if isinstance(data_id, DataCoordinate):
        items.update(data_id.mapping)
    elif data_id is not None:
        items.update(data_id)
    items.update(kwargs)
    for key, value in items.items():
        if "." in key:
            where.append((f"{key} = :_value_{len(where)}", {f"_value_{len(where)}": value}))
            continue
        dimension = universe.dimensions.get(key)
        if dimension is None:
            from ._identifiers import suggest

            raise InvalidQueryError(
                f"Unknown dimension {key!r} in data ID." + suggest(key, universe.dimensions.names)
            )
        expected = dimension.primaryKey.pytype
        if dimension.names_by_alternate_key(value):
            names = dimension.alternateKeys.names
            alternates = " OR ".join(f"{key}.{n} = :_alt_{len(where)}" for n in names)
            where.append((f"({alternates})", {f"_alt_{len(where)}": value}))
            continue
        if hasattr(value, "item") and not isinstance(value, (str, bytes)):
            value = value.item()
        wrong = (expected is int and isinstance(value, bool)) or not isinstance(value, expected)
        if wrong and not (expected is float and isinstance(value, int)):
            raise InvalidQueryError(
                f"Data ID value {value!r} for {key!r} is a {type(value).__name__}; {key} "
                f"values are {expected.__name__}s."
            )
        values[key] = value
    return values
