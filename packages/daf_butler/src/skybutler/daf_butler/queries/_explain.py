"""Why a query returned nothing.

Checked in order, stopping at the first that explains the emptiness:

1. what planning already knew (a dataset type in none of the collections,
   collections that cannot hold it);
2. each data ID value: a governor value the registry does not have, or no
   record for a dimension value;
3. the query without its ``where`` expressions: if that finds rows, each
   top-level ``AND`` term is run alone, and the terms that find nothing are
   named, or, when each finds something, the terms are reported as
   contradicting each other;
4. each set of data IDs joined into the query (``join_data_coordinates``)
   alone, the dataset searches alone, and the dimensions alone.
"""

from __future__ import annotations

__all__ = ["explain_no_results"]

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..dimensions import GovernorDimension
from ..errors import ButlerError
from .expressions import BinaryOp, BindName, Identifier, Node, Parens, parse_expression

if TYPE_CHECKING:
    from ._driver import QueryDriver
    from ._spec import QuerySpec


def _and_terms(node: Node) -> Iterator[Node]:
    while isinstance(node, Parens):
        node = node.expr
    if isinstance(node, BinaryOp) and node.op == "AND":
        yield from _and_terms(node.lhs)
        yield from _and_terms(node.rhs)
    else:
        yield node


def _binds_of(node: Node, bind: Mapping[str, Any]) -> dict[str, Any]:
    names: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (BindName, Identifier)) and current.name in bind:
            names.add(current.name)
        stack.extend(current.children)
    return {name: bind[name] for name in names}


def _has_rows(driver: QueryDriver, spec: QuerySpec) -> bool:
    try:
        return driver.any(driver.plan(spec))
    except ButlerError:
        return True  # a sub-query we cannot run explains nothing


def _data_id_reasons(driver: QueryDriver, spec: QuerySpec) -> list[str]:
    universe = driver.universe
    reasons = []
    for name, value in spec.data_id.items():
        dimension = universe.dimensions.get(name)
        if dimension is None or not dimension.hasTable():
            continue
        layout = driver.managers.dimensions.layout(name)
        key = {d: spec.data_id[d] for d in layout.key_dimensions if d in spec.data_id}
        if len(key) != len(layout.key_dimensions):
            continue
        try:
            found = driver.managers.dimensions.fetch_one(name, key)
        except ButlerError:
            continue  # a value of the wrong type: the query itself reports it
        if found is not None:
            continue
        if isinstance(dimension, GovernorDimension):
            known = sorted(str(r.dataId[name]) for r in driver.managers.dimensions.fetch(name))
            reasons.append(
                f"{name.capitalize()} {value!r} is not in the registry (known {name} values: "
                f"{', '.join(known) or 'none'})."
            )
        else:
            reasons.append(f"No {name} record matches the data ID {key}.")
    return reasons


def explain_no_results(driver: QueryDriver, spec: QuerySpec) -> list[str]:
    """Return the reasons a query finds nothing (empty if it does find something)."""
    plan = driver.plan(spec)
    if plan.doomed:
        return list(plan.doomed)
    if driver.any(plan):
        return []
    reasons = _data_id_reasons(driver, spec)
    if reasons:
        return reasons
    if spec.where:
        bare = dataclasses.replace(spec, where=(), order_by=(), limit=None, offset=0)
        if _has_rows(driver, bare):
            return _where_reasons(driver, bare, spec)
    for upload in spec.uploads:
        alone = dataclasses.replace(
            spec,
            kind="data_ids",
            dimensions=upload.dimensions,
            where=(),
            searches=(),
            result_search=None,
            element=None,
            uploads=(upload,),
            general=None,
            order_by=(),
            limit=None,
            offset=0,
        )
        if not _has_rows(driver, alone):
            constraint = f" and the data ID {dict(spec.data_id)}" if spec.data_id else ""
            return [
                f"None of the {len(upload.rows)} data IDs joined into the query (dimensions "
                f"{list(upload.dimensions.names)}) matches the dimension records{constraint}."
            ]
    for search in spec.all_searches:
        alone = dataclasses.replace(
            spec,
            kind="data_ids",
            dimensions=search.dataset_type.dimensions,
            where=(),
            searches=(search,),
            result_search=None,
            element=None,
            order_by=(),
            limit=None,
            offset=0,
        )
        if not _has_rows(driver, alone):
            collections = [c.name for c in search.collections]
            constraint = f" matching data ID {dict(spec.data_id)}" if spec.data_id else ""
            return [
                f"No datasets of type {search.name!r}{constraint} in collections {collections}."
            ]
    if spec.searches or spec.result_search is not None:
        return [
            "Each dataset search finds datasets, but no data ID has all of them together with "
            f"the dimensions {list(plan.dimensions.names)}."
        ]
    return [
        f"No data IDs of dimensions {list(plan.dimensions.names)} exist"
        + (f" for {dict(spec.data_id)}" if spec.data_id else "")
        + " (their dimension records are missing or do not relate)."
    ]


def _where_reasons(driver: QueryDriver, bare: QuerySpec, spec: QuerySpec) -> list[str]:
    terms: list[tuple[str, dict[str, Any]]] = []
    for text, bind in spec.where:
        tree = parse_expression(text)
        if tree is not None:
            terms.extend((str(term), _binds_of(term, bind)) for term in _and_terms(tree))
    failing = [
        text
        for text, bind in terms
        if not _has_rows(driver, dataclasses.replace(bare, where=((text, bind),)))
    ]
    if failing:
        return [f"No rows match the condition {text!r}." for text in failing]
    listed = " AND ".join(repr(text) for text, _ in terms)
    return [f"Each condition matches rows, but together they contradict each other: {listed}."]
