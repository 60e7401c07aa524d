"""Translating a ``where`` syntax tree into a typed SQL condition.

Each node becomes a `Typed`: a value type plus its SQL form (or, for
literals, its Python value, so that a time literal compared with a
``datetime`` column becomes TAI nanoseconds and a string compared with an
integer key is refused with the place of the mistake marked).

Regions have no SQL form. A region ``OVERLAPS`` at the top level of the
expression (under ``AND`` only) is handed to a `SpatialSink`, which turns it
into an overlap-table join plus an exact test after the query; anywhere
else it is refused, as upstream does.
"""

from __future__ import annotations

__all__ = ["ColumnSource", "ExpressionTranslator", "SpatialSink", "Typed"]

import dataclasses
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import sqlalchemy as sa

from .._timespan import MAX_NSEC, MIN_NSEC, Timespan, time_to_nsec
from ..errors import InvalidQueryError
from ..sphgeom import Region
from ._columns import ColumnRef
from ._identifiers import NULL, IdentifierResolver
from ._regions import region_from_bind, region_from_node
from .expressions import (
    BinaryOp,
    BindName,
    BoxNode,
    CircleNode,
    FunctionCall,
    GlobNode,
    Identifier,
    IsIn,
    Node,
    NumericLiteral,
    Parens,
    PointNode,
    PolygonNode,
    RangeLiteral,
    RegionNode,
    StringLiteral,
    TimeLiteral,
    TreeVisitor,
    TupleNode,
    UnaryOp,
    UuidLiteral,
    format_error,
)

_NUMERIC = frozenset({"int", "float"})
_COMPARISONS = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "%": lambda a, b: a % b,
}


@dataclasses.dataclass(frozen=True)
class Typed:
    """A translated expression: its type, SQL form and, for literals, value."""

    dtype: str
    """A `ValueType`, or ``null``, ``timespan_literal``... for literals."""
    sql: Any = None
    """A SQLAlchemy column element, a `TimespanRepresentation`, or `None` (regions)."""
    value: Any = None
    """The Python value of a literal or bind value (a region, a Timespan, a number...)."""
    literal: bool = False
    ref: ColumnRef | None = None
    """The column a region refers to."""


class ColumnSource(Protocol):
    """Gives the SQL form of resolved names."""

    def column(self, ref: ColumnRef) -> Typed:
        """Return the translated form of a column."""
        ...


class SpatialSink(Protocol):
    """Receives the spatial constraints of an expression."""

    def add_overlap(self, lhs: Typed, rhs: Typed, node: Node) -> None:
        """Record ``lhs OVERLAPS rhs`` between regions (columns or literals)."""
        ...


class ExpressionTranslator(TreeVisitor[Typed]):
    """Translates one parsed expression.

    Parameters
    ----------
    text
        The expression as written (for error messages).
    resolver
        Resolves names.
    columns
        Gives the SQL of resolved names.
    spatial
        Receives top-level region overlaps.
    dialect
        ``sqlite`` or ``postgresql`` (``GLOB`` differs).
    """

    def __init__(
        self,
        text: str,
        resolver: IdentifierResolver,
        columns: ColumnSource,
        spatial: SpatialSink,
        dialect: str,
    ) -> None:
        self._text = text
        self._resolver = resolver
        self._columns = columns
        self._spatial = spatial
        self._dialect = dialect
        self._nested = 0  # > 0 under OR or NOT, where spatial terms are refused
        self.used_binds: set[str] = set()

    # ------------------------------------------------------------ helpers

    def error(self, node: Node, message: str) -> InvalidQueryError:
        """Return an error quoting the expression with ``node`` marked."""
        start, end = node.span
        if end <= start:
            return InvalidQueryError(f"{message} (in {self._text!r}).")
        return InvalidQueryError(format_error(self._text, start, end, message))

    def translate(self, node: Node) -> sa.ColumnElement[bool]:
        """Return the SQL condition of a whole expression."""
        result = node.accept(self)
        return self._as_condition(result, node)

    def _as_condition(self, result: Typed, node: Node) -> sa.ColumnElement[bool]:
        if result.dtype != "bool":
            raise self.error(node, f"Expression is not a condition (it is a {result.dtype})")
        if result.literal:
            return sa.true() if result.value else sa.false()
        return result.sql  # type: ignore[no-any-return]

    def _literal(self, dtype: str, value: Any) -> Typed:
        return Typed(dtype, value=value, literal=True)

    @staticmethod
    def _sql(typed: Typed) -> Any:
        return sa.literal(typed.value) if typed.literal else typed.sql

    def _bind_value(self, value: Any, node: Node) -> Typed:
        if isinstance(value, bool):
            return self._literal("bool", value)
        if isinstance(value, int):
            return self._literal("int", value)
        if isinstance(value, float):
            return self._literal("float", value)
        if isinstance(value, str):
            return self._literal("string", value)
        if isinstance(value, uuid.UUID):
            return self._literal("uuid", value)
        if isinstance(value, Timespan):
            return self._literal("timespan", value)
        if value is None:
            return self._literal("null", None)
        if type(value).__name__ == "Time":
            return self._literal("datetime", time_to_nsec(value))
        if isinstance(value, (list, tuple, set, frozenset)):
            return self._literal("list", list(value))
        if hasattr(value, "__index__"):
            return self._literal("int", int(value))
        if isinstance(value, (Region,)) or type(value).__name__ in ("LonLat", "SkyCoord"):
            return self._literal("region", region_from_bind(value))
        if hasattr(value, "item"):  # numpy scalars
            return self._bind_value(value.item(), node)
        raise self.error(node, f"Bind value {value!r} has an unsupported type {type(value)}")

    # ------------------------------------------------------------ names and literals

    def visit_identifier(self, node: Identifier) -> Typed:
        resolved = self._resolver.resolve(node.name)
        if resolved is NULL:
            return self._literal("null", None)
        if isinstance(resolved, tuple):
            self.used_binds.add(node.name)
            return self._bind_value(resolved[0], node)
        return self._columns.column(resolved)  # type: ignore[arg-type]

    def visit_bind_name(self, node: BindName) -> Typed:
        bind = self._resolver.bind
        if node.name not in bind:
            known = ", ".join(sorted(bind)) or "none"
            raise self.error(
                node, f"Bind parameter ':{node.name}' has no value (bind values given: {known})"
            )
        self.used_binds.add(node.name)
        return self._bind_value(bind[node.name], node)

    def visit_numeric_literal(self, node: NumericLiteral) -> Typed:
        return self._literal("int" if isinstance(node.value, int) else "float", node.value)

    def visit_string_literal(self, node: StringLiteral) -> Typed:
        return self._literal("string", node.value)

    def visit_time_literal(self, node: TimeLiteral) -> Typed:
        return self._literal("datetime", time_to_nsec(node.value))

    def visit_range_literal(self, node: RangeLiteral) -> Typed:
        raise self.error(node, "A range may only appear in an IN list")

    def visit_uuid_literal(self, node: UuidLiteral) -> Typed:
        return self._literal("uuid", node.value)

    def visit_parens(self, node: Parens) -> Typed:
        return node.expr.accept(self)

    def visit_tuple(self, node: TupleNode) -> Typed:
        bounds = []
        for item in node.items:
            typed = item.accept(self)
            if not typed.literal or typed.dtype not in ("datetime", "null"):
                raise self.error(
                    item, "A (begin, end) time range needs time literals, time binds or NULL"
                )
            bounds.append(typed.value)
        begin, end = bounds
        return self._literal("timespan", Timespan(None, None, _nsec=_nsec_pair(begin, end)))

    # ------------------------------------------------------------ functions

    def _region(self, node: Node) -> Typed:
        try:
            region = region_from_node(node, self._number)
        except InvalidQueryError as err:
            raise self.error(node, str(err).rstrip(".")) from None
        return self._literal("region", region)

    def _number(self, node: Node) -> float:
        typed = node.accept(self)
        if not typed.literal or typed.dtype not in _NUMERIC:
            raise self.error(node, "Region function arguments must be numbers or number binds")
        return float(typed.value)

    def visit_point(self, node: PointNode) -> Typed:
        return self._region(node)

    def visit_circle(self, node: CircleNode) -> Typed:
        return self._region(node)

    def visit_box(self, node: BoxNode) -> Typed:
        return self._region(node)

    def visit_polygon(self, node: PolygonNode) -> Typed:
        return self._region(node)

    def visit_region(self, node: RegionNode) -> Typed:
        if isinstance(node.pos, BindName):
            value = self.visit_bind_name(node.pos)
            if value.dtype == "region":
                return value
        return self._region(node)

    def visit_glob(self, node: GlobNode) -> Typed:
        column = node.expression.accept(self)
        pattern = node.pattern.accept(self)
        if column.dtype != "string" or column.literal:
            raise self.error(node.expression, "GLOB needs a string field as its first argument")
        if pattern.dtype != "string" or not pattern.literal:
            raise self.error(node.pattern, "GLOB needs a string pattern as its second argument")
        if self._dialect == "sqlite":
            return Typed("bool", column.sql.op("GLOB")(pattern.value))
        like = "".join(
            "%" if c == "*" else "_" if c == "?" else f"\\{c}" if c in "%_\\" else c
            for c in pattern.value
        )
        return Typed("bool", column.sql.like(like, escape="\\"))

    def visit_function_call(self, node: FunctionCall) -> Typed:
        raise self.error(
            node,
            f"Unknown function {node.name!r}; the functions are POINT, CIRCLE, BOX, POLYGON, "
            "REGION, GLOB and UUID",
        )

    # ------------------------------------------------------------ operators

    def visit_unary_op(self, node: UnaryOp) -> Typed:
        if node.op == "NOT":
            self._nested += 1
            try:
                operand = node.operand.accept(self)
            finally:
                self._nested -= 1
            return Typed("bool", sa.not_(self._as_condition(operand, node.operand)))
        operand = node.operand.accept(self)
        if operand.dtype not in _NUMERIC:
            raise self.error(node, f"Unary {node.op!r} needs a number, not a {operand.dtype}")
        if operand.literal:
            return self._literal(operand.dtype, -operand.value if node.op == "-" else operand.value)
        return Typed(operand.dtype, -operand.sql if node.op == "-" else operand.sql)

    def visit_binary_op(self, node: BinaryOp) -> Typed:
        op = node.op
        if op in ("AND", "OR"):
            if op == "OR":
                self._nested += 1
            try:
                first = self._as_condition(node.lhs.accept(self), node.lhs)
                second = self._as_condition(node.rhs.accept(self), node.rhs)
            finally:
                if op == "OR":
                    self._nested -= 1
            return Typed("bool", sa.and_(first, second) if op == "AND" else sa.or_(first, second))
        lhs, rhs = node.lhs.accept(self), node.rhs.accept(self)
        if op == "OVERLAPS":
            return self._overlaps(node, lhs, rhs)
        if op in _COMPARISONS:
            return self._compare(node, op, lhs, rhs)
        return self._arithmetic(node, op, lhs, rhs)

    def _arithmetic(self, node: BinaryOp, op: str, lhs: Typed, rhs: Typed) -> Typed:
        if lhs.dtype not in _NUMERIC or rhs.dtype not in _NUMERIC:
            raise self.error(
                node, f"Operator {op!r} needs numbers, not a {lhs.dtype} and a {rhs.dtype}"
            )
        dtype = "int" if lhs.dtype == rhs.dtype == "int" and op != "/" else "float"
        if lhs.literal and rhs.literal:
            try:
                return self._literal(dtype, _ARITHMETIC[op](lhs.value, rhs.value))
            except ZeroDivisionError:
                raise self.error(node, "Division by zero") from None
        return Typed(dtype, _ARITHMETIC[op](self._sql(lhs), self._sql(rhs)))

    def _overlaps(self, node: BinaryOp, lhs: Typed, rhs: Typed) -> Typed:
        if lhs.dtype == "region" or rhs.dtype == "region":
            if lhs.dtype != "region" or rhs.dtype != "region":
                raise self.error(
                    node, f"OVERLAPS needs two regions, not a {lhs.dtype} and a {rhs.dtype}"
                )
            if self._nested:
                raise self.error(
                    node,
                    "Spatial constraints cannot be combined with OR or NOT; combine them with AND "
                    "only, or run several queries",
                )
            if lhs.literal and rhs.literal:
                return self._literal("bool", bool(lhs.value.overlaps(rhs.value)))
            self._spatial.add_overlap(lhs, rhs, node)
            return self._literal("bool", True)
        if "timespan" not in (lhs.dtype, rhs.dtype):
            raise self.error(
                node,
                f"OVERLAPS compares regions or timespans, not a {lhs.dtype} and a {rhs.dtype}",
            )
        if lhs.dtype != "timespan":
            lhs, rhs = rhs, lhs
        if rhs.dtype == "datetime":
            if lhs.literal:
                begin, end = lhs.value.nsec
                if rhs.literal:
                    return self._literal("bool", begin <= rhs.value < end)
                return Typed("bool", sa.and_(rhs.sql >= begin, rhs.sql < end))
            value = rhs.value if rhs.literal else rhs.sql
            return Typed("bool", lhs.sql.contains_nsec(value))
        if rhs.dtype != "timespan":
            raise self.error(node, f"A timespan cannot overlap a {rhs.dtype}")
        if lhs.literal and rhs.literal:
            return self._literal("bool", bool(lhs.value.overlaps(rhs.value)))
        if lhs.literal:
            lhs, rhs = rhs, lhs
        return Typed("bool", lhs.sql.overlaps(rhs.value if rhs.literal else rhs.sql))

    def _compare(self, node: BinaryOp, op: str, lhs: Typed, rhs: Typed) -> Typed:
        if lhs.dtype == "null" or rhs.dtype == "null":
            other = rhs if lhs.dtype == "null" else lhs
            if op not in ("=", "!="):
                raise self.error(node, f"NULL can only be compared with = or !=, not {op!r}")
            if other.literal:
                raise self.error(node, "NULL must be compared with a field")
            sql = other.sql.isnull() if other.dtype == "timespan" else other.sql.is_(None)
            return Typed("bool", sql if op == "=" else sa.not_(sql))
        if "timespan" in (lhs.dtype, rhs.dtype):
            return self._compare_timespans(node, op, lhs, rhs)
        lhs, rhs = self._coerce_pair(node, lhs, rhs)
        if lhs.literal and rhs.literal:
            return self._literal("bool", bool(_COMPARISONS[op](lhs.value, rhs.value)))
        if lhs.dtype in ("uuid", "region", "bool") and op not in ("=", "!="):
            raise self.error(node, f"{lhs.dtype} values can only be compared with = or !=")
        return Typed("bool", _COMPARISONS[op](_bound(lhs, rhs), _bound(rhs, lhs)))

    def _coerce_pair(self, node: Node, lhs: Typed, rhs: Typed) -> tuple[Typed, Typed]:
        if lhs.dtype == rhs.dtype or (lhs.dtype in _NUMERIC and rhs.dtype in _NUMERIC):
            return lhs, rhs
        for a, b, flip in ((lhs, rhs, False), (rhs, lhs, True)):
            if a.dtype == "uuid" and b.dtype == "string" and b.literal:
                try:
                    converted = self._literal("uuid", uuid.UUID(b.value))
                except ValueError:
                    raise self.error(node, f"{b.value!r} is not a UUID") from None
                return (converted, a) if flip else (a, converted)
        described = f"{_article(lhs.dtype)} and {_article(rhs.dtype)}"
        hint = ""
        if {lhs.dtype, rhs.dtype} == {"int", "string"}:
            hint = "; quote strings and leave integers bare (e.g. visit = 12, band = 'r')"
        if "datetime" in (lhs.dtype, rhs.dtype):
            hint = "; write times as T'2024-01-01 00:00:00' (a time literal)"
        raise self.error(node, f"Cannot compare {described}{hint}")

    def _compare_timespans(self, node: BinaryOp, op: str, lhs: Typed, rhs: Typed) -> Typed:
        if op not in ("<", ">", "=", "!="):
            raise self.error(node, f"Timespans are compared with <, >, = or OVERLAPS, not {op!r}")
        if op == ">":
            lhs, rhs, op = rhs, lhs, "<"
        if lhs.literal and rhs.literal:
            raise self.error(node, "Comparison of two literal timespans")

        def bounds(typed: Typed) -> tuple[Any, Any]:
            if typed.dtype == "datetime":
                value = sa.literal(typed.value, sa.BigInteger) if typed.literal else typed.sql
                return value, value + 1
            if typed.dtype != "timespan":
                raise self.error(node, f"Cannot compare a timespan with a {typed.dtype}")
            if typed.literal:
                begin, end = typed.value.nsec
                return sa.literal(begin, sa.BigInteger), sa.literal(end, sa.BigInteger)
            return _lower(typed.sql), _upper(typed.sql)

        (lb, le), (rb, re) = bounds(lhs), bounds(rhs)
        if op == "<":
            return Typed("bool", le <= rb)
        equal = sa.and_(lb == rb, le == re)
        return Typed("bool", equal if op == "=" else sa.not_(equal))

    def visit_is_in(self, node: IsIn) -> Typed:
        lhs = node.lhs.accept(self)
        if lhs.dtype not in _NUMERIC | {"string", "uuid", "datetime"} or lhs.literal:
            raise self.error(node.lhs, f"IN needs a field on its left, not a {lhs.dtype}")
        scalars: list[Any] = []
        terms: list[sa.ColumnElement[bool]] = []
        for item in node.values:
            if isinstance(item, RangeLiteral):
                if lhs.dtype != "int":
                    raise self.error(item, f"A range needs an integer field, not a {lhs.dtype}")
                terms.append(_in_range(lhs.sql, item))
                continue
            typed = item.accept(self)
            values = typed.value if typed.dtype == "list" else [typed.value]
            for value in values:
                one = self._bind_value(value, item) if typed.dtype == "list" else typed
                if not one.literal:
                    raise self.error(item, "IN lists hold literals and bind values only")
                _, one = self._coerce_pair(item, lhs, one)
                scalars.append(one.value)
        if scalars:
            terms.append(lhs.sql.in_(scalars))
        condition = sa.or_(*terms) if terms else sa.false()
        return Typed("bool", sa.not_(condition) if node.not_in else condition)


def _bound(typed: Typed, other: Typed) -> Any:
    """Return the SQL of ``typed``, a literal taking the column type of ``other``."""
    if not typed.literal:
        return typed.sql
    if typed.dtype == "datetime":
        return sa.literal(typed.value, sa.BigInteger)
    column_type = getattr(other.sql, "type", None)
    return sa.literal(typed.value, type_=column_type)


def _article(dtype: str) -> str:
    return f"an {dtype}" if dtype[0] in "aeiou" else f"a {dtype}"


def _lower(timespan: Any) -> Any:
    return sa.func.coalesce(
        timespan.lower(), sa.literal(MIN_NSEC, sa.BigInteger), type_=sa.BigInteger
    )


def _upper(timespan: Any) -> Any:
    return sa.func.coalesce(
        timespan.upper(), sa.literal(MAX_NSEC, sa.BigInteger), type_=sa.BigInteger
    )


def _in_range(column: Any, node: RangeLiteral) -> sa.ColumnElement[bool]:
    condition = sa.and_(column >= node.start, column <= node.stop)
    if node.stride is not None and node.stride != 1:
        condition = sa.and_(condition, (column - node.start) % node.stride == 0)
    return condition


def _nsec_pair(begin: int | None, end: int | None) -> tuple[int, int]:
    b = MIN_NSEC if begin is None else begin
    e = MAX_NSEC if end is None else end
    if b >= e:
        return (MAX_NSEC, MIN_NSEC)
    return (b, e)


def check_binds(bind: Mapping[str, Any], used: set[str]) -> None:
    """Raise if bind values were given that no expression uses."""
    unused = sorted(set(bind) - used)
    if unused:
        raise InvalidQueryError(
            f"Bind values {unused} are not used by the query expression; remove them or refer "
            "to them as ':name'."
        )
