"""Syntax tree nodes: immutability, spans, equality, visitors and printing of built trees."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from skybutler.daf_butler.queries import expressions as ex
from skybutler.daf_butler.queries.expressions import (
    BinaryOp,
    BindName,
    Identifier,
    IsIn,
    Node,
    NumericLiteral,
    Parens,
    RangeLiteral,
    Span,
    StringLiteral,
    TreeVisitor,
    UnaryOp,
    parse_expression,
)


def parse(expression: str) -> Node:
    tree = parse_expression(expression)
    assert tree is not None
    return tree


def a() -> Identifier:
    return Identifier("a")


def b() -> Identifier:
    return Identifier("b")


def c() -> Identifier:
    return Identifier("c")


class _Names(TreeVisitor[list[str]]):
    """Collects the kind of every node, depth first, to check dispatch."""

    def _walk(self, label: str, node: Node) -> list[str]:
        out = [label]
        for child in node.children:
            below: list[str] = child.accept(self)
            out.extend(below)
        return out

    def visit_binary_op(self, node: ex.BinaryOp) -> list[str]:
        return self._walk(f"binary:{node.op}", node)

    def visit_unary_op(self, node: ex.UnaryOp) -> list[str]:
        return self._walk(f"unary:{node.op}", node)

    def visit_is_in(self, node: ex.IsIn) -> list[str]:
        return self._walk("not-in" if node.not_in else "in", node)

    def visit_parens(self, node: ex.Parens) -> list[str]:
        return self._walk("parens", node)

    def visit_tuple(self, node: ex.TupleNode) -> list[str]:
        return self._walk("tuple", node)

    def visit_identifier(self, node: ex.Identifier) -> list[str]:
        return [f"id:{node.name}"]

    def visit_bind_name(self, node: ex.BindName) -> list[str]:
        return [f"bind:{node.name}"]

    def visit_numeric_literal(self, node: ex.NumericLiteral) -> list[str]:
        return [f"num:{node.value!r}"]

    def visit_string_literal(self, node: ex.StringLiteral) -> list[str]:
        return [f"str:{node.value}"]

    def visit_time_literal(self, node: ex.TimeLiteral) -> list[str]:
        return [f"time:{node.value.scale}"]

    def visit_range_literal(self, node: ex.RangeLiteral) -> list[str]:
        return [f"range:{node.start}:{node.stop}:{node.stride}"]

    def visit_uuid_literal(self, node: ex.UuidLiteral) -> list[str]:
        return [f"uuid:{node.value.int}"]

    def visit_function_call(self, node: ex.FunctionCall) -> list[str]:
        return self._walk(f"call:{node.name}", node)

    def visit_point(self, node: ex.PointNode) -> list[str]:
        return self._walk("point", node)

    def visit_circle(self, node: ex.CircleNode) -> list[str]:
        return self._walk("circle", node)

    def visit_box(self, node: ex.BoxNode) -> list[str]:
        return self._walk("box", node)

    def visit_polygon(self, node: ex.PolygonNode) -> list[str]:
        return self._walk("polygon", node)

    def visit_region(self, node: ex.RegionNode) -> list[str]:
        return self._walk("region", node)

    def visit_glob(self, node: ex.GlobNode) -> list[str]:
        return self._walk("glob", node)


def test_visitor_reaches_every_kind_of_node() -> None:
    tree = parse(
        "NOT (a = -1.5 OR b IN (1..3:2, :x, 'y', T'2020-01-01/tai', UUID('" + "0" * 32 + "')))"
        " AND (t1, t2) OVERLAPS f(z) AND POINT(1, 2) OVERLAPS CIRCLE(1, 2, 3)"
        " AND BOX(1, 2, 3, 4) OVERLAPS POLYGON(0, 0, 1, 0, 0, 1)"
        " AND REGION(:r) OVERLAPS r AND GLOB(name, 'a*') AND c NOT IN (2)"
    )
    assert tree.accept(_Names()) == [
        "binary:AND",
        "binary:AND",
        "binary:AND",
        "binary:AND",
        "binary:AND",
        "binary:AND",
        "unary:NOT",
        "parens",
        "binary:OR",
        "binary:=",
        "id:a",
        "num:-1.5",
        "in",
        "id:b",
        "range:1:3:2",
        "bind:x",
        "str:y",
        "time:tai",
        "uuid:0",
        "binary:OVERLAPS",
        "tuple",
        "id:t1",
        "id:t2",
        "call:f",
        "id:z",
        "binary:OVERLAPS",
        "point",
        "num:1",
        "num:2",
        "circle",
        "num:1",
        "num:2",
        "num:3",
        "binary:OVERLAPS",
        "box",
        "num:1",
        "num:2",
        "num:3",
        "num:4",
        "polygon",
        "num:0",
        "num:0",
        "num:1",
        "num:0",
        "num:0",
        "num:1",
        "binary:OVERLAPS",
        "region",
        "bind:r",
        "id:r",
        "glob",
        "id:name",
        "str:a*",
        "not-in",
        "id:c",
        "num:2",
    ]


def test_match_statements_take_trees_apart() -> None:
    match parse("instrument = 'HSC' AND visit IN (1..5)"):
        case BinaryOp(
            "AND",
            BinaryOp("=", Identifier("instrument"), StringLiteral(value)),
            IsIn(Identifier("visit"), (RangeLiteral(1, 5, None),), False),
        ):
            assert value == "HSC"
        case other:
            pytest.fail(f"unexpected tree {other!r}")


def test_spans_cover_the_source_text() -> None:
    expression = "visit = 12 AND\n  detector NOT IN (1, :d) OR f(x, 'y')"
    tree = parse(expression)
    assert isinstance(tree, BinaryOp)
    assert tree.span == Span(0, len(expression))

    def text(node: Node) -> str:
        return expression[node.span.start : node.span.end]

    lhs = tree.lhs
    assert isinstance(lhs, BinaryOp)
    assert text(lhs) == "visit = 12 AND\n  detector NOT IN (1, :d)"
    assert isinstance(lhs.lhs, BinaryOp)
    assert [text(n) for n in (lhs.lhs, lhs.lhs.lhs, lhs.lhs.rhs)] == ["visit = 12", "visit", "12"]
    is_in = lhs.rhs
    assert isinstance(is_in, IsIn)
    assert text(is_in) == "detector NOT IN (1, :d)"
    assert [text(v) for v in is_in.values] == ["1", ":d"]
    assert text(tree.rhs) == "f(x, 'y')"
    assert [text(n) for n in tree.rhs.children] == ["x", "'y'"]


def test_span_of_signed_literal_and_parens() -> None:
    expression = "x = - 5 * (a)"
    tree = parse(expression)
    assert isinstance(tree, BinaryOp)
    assert isinstance(tree.rhs, BinaryOp)
    negative, group = tree.rhs.lhs, tree.rhs.rhs
    assert expression[negative.span.start : negative.span.end] == "- 5"
    assert expression[group.span.start : group.span.end] == "(a)"


def test_nodes_are_frozen_and_slotted() -> None:
    node = parse("a = 1")
    assert isinstance(node, BinaryOp)
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.op = "!="  # type: ignore[misc]
    assert not hasattr(node, "__dict__")


def test_equality_ignores_spans_and_nodes_hash() -> None:
    first, second = parse("a=1 AND b IN (2)"), parse("  a  =  1\nAND b IN(2)")
    assert first == second
    assert first.span != second.span
    assert hash(first) == hash(second)
    assert len({first, second, parse("a = 2 AND b IN (2)")}) == 2
    assert BinaryOp("=", a(), NumericLiteral("1"), span=Span(3, 9)) == BinaryOp(
        "=", a(), NumericLiteral("1")
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", 1), ("-7", -7), ("+3", 3), ("1.", 1.0), ("1e3", 1000.0), (".5E1", 5.0)],
)
def test_numeric_literal_values(text: str, value: float) -> None:
    literal = NumericLiteral(text)
    assert literal.value == value
    assert type(literal.value) is type(value)
    assert str(literal) == text


def test_identifier_parts() -> None:
    assert Identifier("visit").parts == ("visit",)
    assert Identifier("raw.timespan.begin").parts == ("raw", "timespan", "begin")


def test_uuid_literal_value() -> None:
    tree = parse("UUID('12345678123456781234567812345678')")
    assert tree == ex.UuidLiteral(uuid.UUID("12345678-1234-5678-1234-567812345678"))


# Trees built in code have no Parens nodes: printing must add parentheses exactly
# where the text would otherwise parse into another tree.
BUILT: list[tuple[str, Node, str]] = [
    ("or-under-and", BinaryOp("AND", BinaryOp("OR", a(), b()), c()), "(a OR b) AND c"),
    ("and-under-or", BinaryOp("OR", BinaryOp("AND", a(), b()), c()), "a AND b OR c"),
    ("right-nested-minus", BinaryOp("-", a(), BinaryOp("-", b(), c())), "a - (b - c)"),
    ("left-nested-minus", BinaryOp("-", BinaryOp("-", a(), b()), c()), "a - b - c"),
    ("chained-comparison", BinaryOp("<", BinaryOp("<", a(), b()), c()), "(a < b) < c"),
    ("eq-of-lt", BinaryOp("=", a(), BinaryOp("<", b(), c())), "a = b < c"),
    ("lt-of-eq", BinaryOp("<", a(), BinaryOp("=", b(), c())), "a < (b = c)"),
    ("not-of-and", UnaryOp("NOT", BinaryOp("AND", a(), b())), "NOT (a AND b)"),
    ("not-of-comparison", UnaryOp("NOT", BinaryOp("<", a(), b())), "NOT a < b"),
    ("not-under-comparison", BinaryOp("<", UnaryOp("NOT", a()), b()), "(NOT a) < b"),
    ("not-under-and", BinaryOp("AND", UnaryOp("NOT", a()), b()), "NOT a AND b"),
    ("minus-of-sum", UnaryOp("-", BinaryOp("+", a(), b())), "-(a + b)"),
    ("in-of-comparison", IsIn(BinaryOp("=", a(), b()), (NumericLiteral("1"),)), "(a = b) IN (1)"),
    ("in-of-sum", IsIn(BinaryOp("+", a(), b()), (BindName("x"),), True), "a + b NOT IN (:x)"),
    ("sum-of-in", BinaryOp("+", IsIn(a(), (NumericLiteral("1"),)), b()), "(a IN (1)) + b"),
    ("minus-of-range", UnaryOp("-", RangeLiteral(1, 5)), "- 1..5"),
    ("minus-of-minus", UnaryOp("-", UnaryOp("-", a())), "- -a"),
]


def _strip_parens(node: Node) -> str:
    """Structure of a tree with Parens nodes removed, for comparing built and parsed trees."""
    if isinstance(node, Parens):
        return _strip_parens(node.expr)
    if not node.children:
        return str(node)
    inner = ", ".join(_strip_parens(child) for child in node.children)
    return f"{type(node).__name__}:{getattr(node, 'op', '')}({inner})"


@pytest.mark.parametrize(("tree", "text"), [v[1:] for v in BUILT], ids=[v[0] for v in BUILT])
def test_printing_built_trees(tree: Node, text: str) -> None:
    assert str(tree) == text
    assert _strip_parens(parse(text)) == _strip_parens(tree)


def test_long_chains_print_without_recursion_limit() -> None:
    tree: Node = BinaryOp("=", a(), NumericLiteral("0"))
    for i in range(1, 5000):
        tree = BinaryOp("OR", tree, BinaryOp("=", a(), NumericLiteral(str(i))))
    text = str(tree)
    assert text.count(" OR ") == 4999
    assert text.startswith("a = 0 OR a = 1 OR ")
    parsed = parse(text)
    assert isinstance(parsed, BinaryOp)
    assert parsed.op == "OR"
