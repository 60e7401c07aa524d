"""Turning a `QuerySpec` into one SQL SELECT plus a Python stage.

Steps: parse the ``where`` strings; resolve every name to find the
dimensions the query must join (those returned, those of its dataset
searches and those the expressions mention); join dataset searches, then
dimension tables (``_joins.py``); translate the data ID and the expressions
into WHERE terms, turning region overlaps into overlap-table joins plus
exact tests after the query; join spatial families automatically; select the
columns results need; wrap the whole in a find-first window when a dataset
search asks for it.
"""

from __future__ import annotations

__all__ = ["Plan", "build_plan"]

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from typing import Any

import sqlalchemy as sa

from .._collection_type import CollectionType
from .._timespan import MAX_NSEC, MIN_NSEC
from ..dimensions import DimensionGroup, SkyPixDimension, SkyPixSystem
from ..errors import InvalidQueryError
from ..registry import RegistryManagers
from ..registry.dimensions._tables import SKYPIX_INDEX, SKYPIX_LEVEL, SKYPIX_SYSTEM
from ..sphgeom import Region
from ._columns import ColumnRef, DatasetField, DimensionField, DimensionKey, value_type_of_field
from ._datasets import DatasetSearch, search_relation
from ._general import general_columns
from ._identifiers import IdentifierResolver
from ._joins import JoinBuilder
from ._post import FanOut, Postprocessor, RegionSource
from ._spatial import spatial_relation
from ._spec import QuerySpec
from ._translate import ExpressionTranslator, Typed, check_binds
from ._uploads import upload_relation
from .expressions import BindName, GlobNode, Identifier, Node, parse_expression

RESULT_SEARCH = "ds"
FIND_FIRST = "_find_first"


def key_label(dimension: str) -> str:
    """Return the label of a dimension key column."""
    return f"k__{dimension}"


def field_label(element: str, field: str) -> str:
    """Return the label of a record field column."""
    return f"f__{element}__{field}"


@dataclasses.dataclass
class Plan:
    """A query ready to run."""

    spec: QuerySpec
    dimensions: DimensionGroup
    """Every dimension the query joins."""
    statement: sa.Select[Any] | None
    """The SELECT, or `None` if the query is known to return nothing."""
    doomed: list[str]
    """Why the query cannot return anything (checked before running it)."""
    post: Postprocessor
    constants: dict[str, Any]
    """Values of skypix dimensions given as constants."""
    search_keys: dict[str, dict[str, Any]]
    """Per dataset search alias, its relation's columns."""
    record_fields: tuple[str, ...] = ()
    """Record fields selected for a ``records`` query."""
    needs_distinct_in_python: bool = False


class _Context:
    """Column source and spatial sink for the translator of one plan."""

    def __init__(self, managers: RegistryManagers, builder: JoinBuilder, plan_state: _State):
        self.managers = managers
        self.builder = builder
        self.state = plan_state
        self.universe = managers.dimensions.universe

    def column(self, ref: ColumnRef) -> Typed:
        dtype = value_type_of_field(self.universe, ref)
        builder = self.builder
        if isinstance(ref, DimensionKey):
            name = ref.dimension
            if name in builder.keys:
                return Typed(dtype, builder.keys[name])
            if name in self.state.constants:
                return Typed(dtype, value=self.state.constants[name], literal=True)
            raise InvalidQueryError(
                f"Skypix dimension {name!r} is computed from regions after the query, so the "
                f"expression cannot constrain it; give its value as a data ID key ({name}=...)."
            )
        if isinstance(ref, DimensionField):
            if ref.field == "region":
                if isinstance(self.universe[ref.element], SkyPixDimension):
                    return Typed("region", ref=ref)
                return Typed("region", builder.field(ref.element, "region"), ref=ref)
            if ref.field == "timespan":
                span = builder.timespan(ref.element)
                if ref.attribute == "begin":
                    return Typed("datetime", _bigint_or(span.lower(), MIN_NSEC))
                if ref.attribute == "end":
                    return Typed("datetime", _bigint_or(span.upper(), MAX_NSEC))
                return Typed("timespan", span)
            return Typed(dtype, builder.field(ref.element, ref.field))
        return self._dataset_column(ref, dtype)

    def _dataset_column(self, ref: DatasetField, dtype: str) -> Typed:
        relation = self.state.relations[ref.dataset_type]
        if ref.field == "dataset_id":
            return Typed(dtype, relation.c.dataset_id)
        if ref.field == "ingest_date":
            return Typed(dtype, relation.c.ingest_date)
        if ref.field in ("run", "collection"):
            name = f"{ref.field}_{ref.dataset_type}"
            alias = self.state.name_tables.get(name)
            if alias is None:
                alias = self.managers.collections.tables["collection"].alias(name)
                key = relation.c.run_id if ref.field == "run" else relation.c.collection_id
                self.builder.join(alias, {})
                self.builder.where.append(alias.c.collection_id == key)
                self.state.name_tables[name] = alias
            return Typed(dtype, alias.c.name)
        span = self.managers.db.timespan(relation.c, "validity")
        if ref.attribute == "begin":
            return Typed("datetime", _bigint_or(span.lower(), MIN_NSEC))
        if ref.attribute == "end":
            return Typed("datetime", _bigint_or(span.upper(), MAX_NSEC))
        return Typed("timespan", span)

    # ------------------------------------------------------------ spatial

    def region_source(self, typed: Typed) -> RegionSource:
        if typed.literal:
            return RegionSource(constant=typed.value)
        ref = typed.ref
        assert isinstance(ref, DimensionField)
        element = self.universe[ref.element]
        if isinstance(element, SkyPixDimension):
            pixelization = element.pixelization
            if ref.element in self.state.constants:
                return RegionSource(constant=pixelization.pixel(self.state.constants[ref.element]))
            return RegionSource(skypix=key_label(ref.element), pixel=pixelization.pixel)
        label = field_label(ref.element, "region")
        self.state.selected[label] = self.builder.field(ref.element, "region")
        return RegionSource(label=label)

    def add_overlap(self, lhs: Typed, rhs: Typed, node: Node) -> None:
        if lhs.literal:
            lhs, rhs = rhs, lhs
        assert isinstance(lhs.ref, DimensionField)
        if rhs.literal:
            self.constrain_region(lhs.ref.element, rhs.value)
        else:
            assert isinstance(rhs.ref, DimensionField)
            self.spatial_join(lhs.ref.element, rhs.ref.element)
        self.state.post.checks.append((self.region_source(lhs), self.region_source(rhs)))

    def constrain_region(self, element_name: str, region: Region) -> None:
        """Keep rows whose element region may overlap ``region`` (exact test after)."""
        element = self.universe[element_name]
        if isinstance(element, SkyPixDimension):
            return  # tested exactly on the computed pixels
        overlap = self.managers.dimensions.overlap_table(element_name)
        common = self.universe.commonSkyPix
        ranges = common.pixelization.envelope(region)
        index = overlap.c[SKYPIX_INDEX]
        condition = sa.or_(*(index.between(b, e - 1) for b, e in ranges)) if ranges else sa.false()
        dims = self.managers.dimensions.layout(element_name).key_dimensions
        sub = (
            sa.select(*(overlap.c[d] for d in dims))
            .where(
                overlap.c[SKYPIX_SYSTEM] == common.system.name,
                overlap.c[SKYPIX_LEVEL] == common.level,
                condition,
            )
            .distinct()
            .subquery(f"region_{element_name}_{next(self.state.counter)}")
        )
        self.builder.join(sub, {d: sub.c[d] for d in dims})

    def spatial_join(self, first: str, second: str) -> None:
        """Join two spatial elements whose regions may overlap (exact test after)."""
        a, b = self.universe[first], self.universe[second]
        if isinstance(a, SkyPixDimension) or isinstance(b, SkyPixDimension):
            raise InvalidQueryError(
                "A skypix dimension's region cannot be joined to another region in a where "
                "expression; add the skypix dimension to the query's dimensions instead."
            )
        self.state.joined_families.add(frozenset((a.spatial, b.spatial)))
        common = self.universe.commonSkyPix
        manager = self.managers.dimensions
        o1 = manager.overlap_table(first).alias(f"o1_{first}")
        o2 = manager.overlap_table(second).alias(f"o2_{second}")
        d1 = manager.layout(first).key_dimensions
        d2 = manager.layout(second).key_dimensions
        conditions = [o1.c[SKYPIX_INDEX] == o2.c[SKYPIX_INDEX]]
        for table in (o1, o2):
            conditions.append(table.c[SKYPIX_SYSTEM] == common.system.name)
            conditions.append(table.c[SKYPIX_LEVEL] == common.level)
        columns = [o1.c[d].label(f"a_{d}") for d in d1]
        for d in d2:
            if d in d1:
                conditions.append(o1.c[d] == o2.c[d])
            else:
                columns.append(o2.c[d].label(f"b_{d}"))
        sub = (
            sa.select(*columns)
            .where(*conditions)
            .distinct()
            .subquery(f"join_{first}_{second}_{next(self.state.counter)}")
        )
        keys = {d: sub.c[f"a_{d}"] for d in d1}
        keys.update({d: sub.c[f"b_{d}"] for d in d2 if d not in d1})
        self.builder.join(sub, keys)


def _bigint_or(value: Any, default: int) -> Any:
    """Return a timespan bound, unbounded sides as the stored extremes, as a 64-bit integer."""
    return sa.func.coalesce(value, sa.literal(default, sa.BigInteger), type_=sa.BigInteger)


@dataclasses.dataclass
class _State:
    constants: dict[str, Any] = dataclasses.field(default_factory=dict)
    relations: dict[str, sa.Subquery] = dataclasses.field(default_factory=dict)
    selected: dict[str, Any] = dataclasses.field(default_factory=dict)
    post: Postprocessor = dataclasses.field(default_factory=Postprocessor)
    joined_families: set[frozenset[Any]] = dataclasses.field(default_factory=set)
    name_tables: dict[str, Any] = dataclasses.field(default_factory=dict)
    counter: Iterator[int] = dataclasses.field(default_factory=itertools.count)


def _nodes(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, GlobNode):
            stack.extend((current.expression, current.pattern))
        elif not isinstance(current, Identifier):
            stack.extend(current.children)


def _identifiers(node: Node) -> Iterator[Identifier]:
    return (n for n in _nodes(node) if isinstance(n, Identifier))


def _colon_binds(node: Node) -> set[str]:
    return {n.name for n in _nodes(node) if isinstance(n, BindName)}


def _dims_of(universe: Any, ref: Any) -> set[str]:
    if isinstance(ref, DimensionKey):
        return {ref.dimension}
    if isinstance(ref, DimensionField):
        return set(universe[ref.element].minimal_group.names)
    return set()


def build_plan(managers: RegistryManagers, spec: QuerySpec) -> Plan:
    """Build the SQL and the Python stage of a query.

    Raises
    ------
    InvalidQueryError
        An expression is malformed, names something unknown, mixes types, or
        a bind value is missing or unused.
    """
    universe = managers.dimensions.universe
    searches = spec.all_searches
    base = spec.dimensions.names | set(spec.data_id) | set(spec.joined)
    for search in searches:
        base |= search.dataset_type.dimensions.names
    if spec.element is not None:
        base |= universe[spec.element].minimal_group.names
    for upload in spec.uploads:
        base |= upload.dimensions.names
    base_group = universe.conform(base)
    trees: list[tuple[str, Node, Mapping[str, Any]]] = []
    extra: set[str] = set()
    names = [RESULT_SEARCH if s is spec.result_search else s.name for s in searches]
    # Two searches of one type need two aliases.
    names = [n if n not in names[:i] else f"{n}_{i}" for i, n in enumerate(names)]
    dataset_names = [s.name for s in searches]
    for text, bind in spec.where:
        tree = parse_expression(text)
        if tree is None:
            check_binds(bind, set())
            continue
        resolver = IdentifierResolver(
            universe, base_group, dataset_names, bind, colon_binds=_colon_binds(tree)
        )
        for identifier in _identifiers(tree):
            extra |= _dims_of(universe, _resolve_quiet(resolver, identifier, text))
        trees.append((text, tree, bind))
    order_refs = _order_refs(universe, base_group, dataset_names, spec.order_by)
    for ref, _ in order_refs:
        extra |= _dims_of(universe, ref)
    full = universe.conform(base | extra)

    builder = JoinBuilder(managers.dimensions)
    state = _State()
    doomed: list[str] = []
    search_keys: dict[str, dict[str, Any]] = {}
    for search, alias in zip(searches, names, strict=True):
        if not search.collections:
            doomed.extend(search.messages or [f"No collections to search for {search.name!r}."])
        relation, keys = search_relation(managers, search, alias)
        # The first search of a type (the returned one, if any) gives its fields and rank; a
        # later search of the same type only constrains.
        state.relations.setdefault(search.name, relation)
        search_keys[alias] = dict(relation.c)
        builder.join(relation, keys)
    for index, upload in enumerate(spec.uploads):
        if not upload.rows:
            doomed.append(
                "No data IDs were joined into the query (an empty join_data_coordinates, or a "
                "materialize that found nothing)."
            )
            continue
        if not upload.keys:
            continue  # data IDs without dimensions: one empty row constrains nothing
        relation, keys = upload_relation(managers.db.dialect_name, upload, f"upload_{index}")
        builder.join(relation, keys)
    missing = builder.join_dimensions(full)
    context = _Context(managers, builder, state)
    _join_skypix(context, full, missing, spec.data_id)
    for name, value in spec.data_id.items():
        if name in builder.keys:
            builder.where.append(builder.keys[name] == value)
    used: dict[int, set[str]] = {}
    for text, tree, bind in trees:
        resolver = IdentifierResolver(
            universe, base_group, dataset_names, bind, colon_binds=_colon_binds(tree)
        )
        translator = ExpressionTranslator(
            text, resolver, context, context, managers.db.dialect_name
        )
        builder.where.append(translator.translate(tree))
        used[id(bind)] = used.get(id(bind), set()) | translator.used_binds
        check_binds(bind, used[id(bind)])
    _automatic_spatial_joins(context, full, spec.data_id)
    for search in searches:
        _temporal_join(context, search, full)
    statement: sa.Select[Any] | None = _select(
        managers, spec, builder, state, full, order_refs, context
    )
    if doomed:
        statement = None
    return Plan(
        spec,
        full,
        statement,
        doomed,
        state.post,
        state.constants,
        search_keys,
        record_fields=tuple(universe[spec.element].schema.names) if spec.element else (),
        needs_distinct_in_python=bool(state.post) and _needs_distinct(spec, full),
    )


def _resolve_quiet(resolver: IdentifierResolver, identifier: Identifier, text: str) -> Any:
    try:
        return resolver.resolve(identifier.name)
    except InvalidQueryError as err:
        from .expressions import format_error

        start, end = identifier.span
        if end > start:
            raise InvalidQueryError(format_error(text, start, end, str(err).rstrip("."))) from None
        raise


def _order_refs(
    universe: Any, group: DimensionGroup, dataset_names: list[str], order_by: tuple[str, ...]
) -> list[tuple[ColumnRef, bool]]:
    refs: list[tuple[ColumnRef, bool]] = []
    resolver = IdentifierResolver(universe, group, dataset_names)
    for term in order_by:
        descending = term.startswith("-")
        name = term[1:] if descending else term
        ref = resolver.resolve(name)
        if not isinstance(ref, (DimensionKey, DimensionField, DatasetField)):
            raise InvalidQueryError(f"Cannot order by {term!r}: it is not a field.")
        if isinstance(ref, DimensionField) and ref.field == "region":
            raise InvalidQueryError(f"Cannot order by {term!r}: regions have no order.")
        refs.append((ref, descending))
    return refs


def _join_skypix(
    context: _Context, full: DimensionGroup, missing: list[str], data_id: Mapping[str, Any]
) -> None:
    universe = context.universe
    for name in missing:
        dimension = universe.dimensions[name]
        assert isinstance(dimension, SkyPixDimension)
        pixelization = dimension.pixelization
        element = _spatial_element(full)
        if name in data_id:
            context.state.constants[name] = int(data_id[name])
            if element is not None:
                pixel_region = pixelization.pixel(int(data_id[name]))
                context.constrain_region(element, pixel_region)
                source = context.region_source(
                    Typed("region", ref=DimensionField(element, "region"))
                )
                context.state.post.checks.append((source, RegionSource(constant=pixel_region)))
            continue
        if element is None:
            raise InvalidQueryError(
                f"The values of skypix dimension {name!r} cannot be listed on their own: give "
                f"its value in the data ID ({name}=...) or query it with a spatial dimension "
                "such as visit or patch."
            )
        source = context.region_source(Typed("region", ref=DimensionField(element, "region")))
        context.state.post.fanouts.append(
            FanOut(key_label(name), pixelization.envelope, pixelization.pixel, source)
        )


def _spatial_element(full: DimensionGroup) -> str | None:
    for family in full.spatial:
        if isinstance(family, SkyPixSystem):
            continue
        return family.choose(full).name
    return None


def _automatic_spatial_joins(
    context: _Context, full: DimensionGroup, data_id: Mapping[str, Any]
) -> None:
    families = [f for f in full.spatial if not isinstance(f, SkyPixSystem)]
    for first, second in itertools.combinations(families, 2):
        if frozenset((first, second)) in context.state.joined_families:
            continue
        a, b = first.choose(full).name, second.choose(full).name
        name = f"pairs_{a}_{b}_{next(context.state.counter)}"
        found = spatial_relation(context.managers, a, b, data_id, name, context.builder.keys)
        if found is not None:
            # Exact pairs computed in Python: no check after the query.
            relation, labels = found
            context.builder.join(relation, {d: relation.c[label] for d, label in labels.items()})
            continue
        # Too many records to read (or keys not writable as literals): join in SQL.
        context.spatial_join(a, b)
        pair = (
            context.region_source(Typed("region", ref=DimensionField(a, "region"))),
            context.region_source(Typed("region", ref=DimensionField(b, "region"))),
        )
        context.state.post.checks.append(pair)


def _temporal_join(context: _Context, search: DatasetSearch, full: DimensionGroup) -> None:
    """Match certified datasets whose validity overlaps the query's observation time."""
    if not search.has_calibrations or not full.temporal:
        return
    family = next(iter(full.temporal))
    element = family.choose(full).name
    relation = context.state.relations[search.name]
    validity = context.managers.db.timespan(relation.c, "validity")
    span = context.builder.timespan(element)
    context.builder.where.append(sa.or_(validity.isnull(), validity.overlaps(span)))


def _needs_distinct(spec: QuerySpec, full: DimensionGroup) -> bool:
    """Whether rows may repeat once projected to what the query returns."""
    if not set(spec.dimensions.names) >= set(full.names) or spec.searches:
        return True
    search = spec.result_search
    return search is not None and not search.find_first and len(search.collections) > 1


def _select(
    managers: RegistryManagers,
    spec: QuerySpec,
    builder: JoinBuilder,
    state: _State,
    full: DimensionGroup,
    order_refs: list[tuple[ColumnRef, bool]],
    context: _Context,
) -> sa.Select[Any]:
    columns: dict[str, Any] = {}
    for name in spec.dimensions.data_coordinate_keys:
        if name in builder.keys:
            columns[key_label(name)] = builder.keys[name]
    if spec.kind == "records" and spec.element is not None:
        element = managers.dimensions.universe[spec.element]
        if element.hasTable():
            table = builder.element_table(element)
            for field in element.schema.names:
                if field == "timespan":
                    span = managers.db.timespan(table.c, "timespan")
                    for column in span.flatten(field_label(element.name, "timespan")):
                        columns[str(column.key)] = column
                else:
                    columns[field_label(element.name, field)] = table.c[field]
    if spec.kind == "general" and spec.general is not None:
        columns.update(general_columns(context, spec.general))
    if spec.result_search is not None:
        relation = state.relations[spec.result_search.name]
        columns["ds__dataset_id"] = relation.c.dataset_id
        columns["ds__run_id"] = relation.c.run_id
    if state.post:
        for name in full.required:
            if name in builder.keys:
                columns.setdefault(key_label(name), builder.keys[name])
    columns.update(state.selected)
    orderings = []
    for i, (ref, descending) in enumerate(order_refs):
        typed = context.column(ref)
        if typed.literal:
            continue
        sql = typed.sql
        if typed.dtype == "timespan":
            sql = _bigint_or(sql.lower(), MIN_NSEC)
        label = f"o__{i}"
        columns[label] = sql
        orderings.append((label, descending))
    find_first = [s for s in spec.all_searches if s.find_first and _needs_rank(s)]
    if not columns:
        columns["_empty"] = sa.literal(1)
    statement = sa.select(*(c.label(k) for k, c in columns.items()))
    if builder.from_clause is not None:
        statement = statement.select_from(builder.from_clause)
    if builder.where:
        statement = statement.where(*builder.where)
    if find_first:
        partition = [builder.keys[d] for d in full.required if d in builder.keys]
        ranks = [state.relations[s.name].c["rank"] for s in find_first]
        window = sa.func.rank().over(partition_by=partition or None, order_by=ranks)
        inner = statement.add_columns(window.label(FIND_FIRST)).subquery("find_first")
        statement = sa.select(*(inner.c[k] for k in columns)).where(inner.c[FIND_FIRST] == 1)
    if _needs_distinct(spec, full):
        statement = statement.distinct()
    if orderings:
        selected = statement.selected_columns
        statement = statement.order_by(
            *(
                selected[label].desc() if desc else selected[label].asc()
                for label, desc in orderings
            )
        )
    elif spec.kind == "datasets" or spec.limit is not None:
        # A stable order makes pages and limits repeatable.
        selected = statement.selected_columns
        keys = [
            selected[key_label(d)] for d in spec.dimensions.required if key_label(d) in selected
        ]
        statement = statement.order_by(*keys)
    if spec.limit is not None and not state.post:
        statement = statement.limit(spec.limit)
    if spec.offset and not state.post:
        statement = statement.offset(spec.offset)
    return statement


def _needs_rank(search: DatasetSearch) -> bool:
    return len(search.collections) > 1 or any(
        c.type is CollectionType.CALIBRATION for c in search.collections
    )
