"""Parsing valid ``where`` expressions: tree shapes, precedence and canonical text.

Expected shapes are written by hand from the grammar's precedence table; the
``shape`` helper below prints a tree with every operator fully parenthesized
and does not use the nodes' own ``str``.
"""

from __future__ import annotations

import uuid

import pytest

from skybutler.daf_butler.queries.expressions import (
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
    TupleNode,
    UnaryOp,
    UuidLiteral,
    parse_expression,
)

U1 = "12345678-1234-5678-1234-567812345678"
U2 = "a1b2c3d4-0000-4000-8000-00000000abcd"


def shape(node: Node) -> str:
    """Print a tree with explicit grouping, independently of ``Node.__str__``."""
    match node:
        case BinaryOp(op, lhs, rhs):
            return f"({shape(lhs)} {op} {shape(rhs)})"
        case UnaryOp(op, operand):
            return f"({op} {shape(operand)})"
        case IsIn(lhs, values, not_in):
            keyword = "NOT IN" if not_in else "IN"
            return f"({shape(lhs)} {keyword} [{', '.join(shape(v) for v in values)}])"
        case Parens(expr):
            inner = shape(expr)
            # "paren(a OR b)" for a grouped operator, "paren(a)" for a grouped operand.
            return "paren" + (inner if inner.startswith("(") else f"({inner})")
        case TupleNode((first, second)):
            return f"pair({shape(first)}, {shape(second)})"
        case Identifier(name):
            return name
        case BindName(name):
            return f":{name}"
        case NumericLiteral(text):
            return text
        case StringLiteral(value):
            return f"'{value}'"
        case RangeLiteral(start, stop, stride):
            return f"{start}..{stop}" + ("" if stride is None else f":{stride}")
        case TimeLiteral(time):
            return f"T[{time.format},{time.scale},{time.mjd}]"
        case UuidLiteral(value):
            return f"uuid:{value.hex}"
        case PointNode(ra, dec):
            return f"POINT({shape(ra)}, {shape(dec)})"
        case CircleNode(ra, dec, radius):
            return f"CIRCLE({shape(ra)}, {shape(dec)}, {shape(radius)})"
        case BoxNode(ra, dec, width, height):
            return f"BOX({shape(ra)}, {shape(dec)}, {shape(width)}, {shape(height)})"
        case PolygonNode(vertices):
            return "POLYGON(" + ", ".join(f"[{shape(a)}, {shape(b)}]" for a, b in vertices) + ")"
        case RegionNode(pos):
            return f"REGION({shape(pos)})"
        case GlobNode(expression, pattern):
            return f"GLOB({shape(expression)}, {shape(pattern)})"
        case FunctionCall(name, args):
            return f"call:{name}({', '.join(shape(a) for a in args)})"
    raise AssertionError(f"unexpected node {node!r}")


VALID: list[tuple[str, str, str]] = [
    # ---- operands: every token form
    ("simple-id", "a", "a"),
    ("underscore-id", "_x1", "_x1"),
    ("qualified-1-dot", "visit.id", "visit.id"),
    ("qualified-2-dots", "raw.timespan.begin", "raw.timespan.begin"),
    ("bind", ":visit_id", ":visit_id"),
    ("int", "1", "1"),
    ("big-int", "12345678901234567890", "12345678901234567890"),
    ("float-trailing-dot", "1.", "1."),
    ("float", "1.5", "1.5"),
    ("float-exponent", "1e10", "1e10"),
    ("float-dot-exponent-sign", "1.e+20", "1.e+20"),
    ("float-leading-dot-exponent", ".2E5", ".2E5"),
    ("float-exponent-minus", "1.5e-3", "1.5e-3"),
    ("negative-number-is-literal", "-5", "-5"),
    ("positive-number-is-literal", "+5", "+5"),
    ("signed-number-with-space", "- 5", "-5"),
    ("string", "'HSC'", "'HSC'"),
    ("empty-string", "''", "''"),
    ("string-with-double-quotes", "'say \"hi\" now'", "'say \"hi\" now'"),
    ("string-with-keywords", "'a AND b'", "'a AND b'"),
    ("range", "1..5", "1..5"),
    ("range-negative", "-5..-1", "-5..-1"),
    ("range-stride", "1..10:2", "1..10:2"),
    ("range-spaces", "1 .. 10 : 3", "1..10:3"),
    ("time-upper", "T'2020-01-01'", "T[iso,utc,58849.0]"),
    ("time-lower", "t'2021-01-01'", "T[iso,utc,59215.0]"),
    ("uuid", f"UUID('{U1}')", f"uuid:{uuid.UUID(U1).hex}"),
    ("uuid-lower", f"uuid('{U2}')", f"uuid:{uuid.UUID(U2).hex}"),
    ("bool-column", "exposure.can_see_sky", "exposure.can_see_sky"),
    ("not-bool-column", "NOT exposure.can_see_sky", "(NOT exposure.can_see_sky)"),
    ("null-is-identifier", "x = NULL", "(x = NULL)"),
    ("is-not-reserved", "is = 1", "(is = 1)"),
    ("between-like-not-reserved", "between = like", "(between = like)"),
    ("T-alone-is-identifier", "T = 1", "(T = 1)"),
    ("keyword-inside-qualified", "visit.in = 1", "(visit.in = 1)"),
    ("identifier-starting-with-keyword", "order = android", "(order = android)"),
    # ---- keywords in any case
    ("and-lower", "a and b", "(a AND b)"),
    ("or-mixed", "a Or b", "(a OR b)"),
    ("not-lower", "not a", "(NOT a)"),
    ("in-lower", "a in (1)", "(a IN [1])"),
    ("not-in-lower", "a not in (1)", "(a NOT IN [1])"),
    ("overlaps-lower", "x overlaps y", "(x OVERLAPS y)"),
    ("number-then-keyword", "a=1AND b=2", "((a = 1) AND (b = 2))"),
    # ---- boolean precedence and associativity
    ("or-and", "a OR b AND c", "(a OR (b AND c))"),
    ("and-or", "a AND b OR c", "((a AND b) OR c)"),
    ("or-left-assoc", "a OR b OR c", "((a OR b) OR c)"),
    ("and-left-assoc", "a AND b AND c", "((a AND b) AND c)"),
    ("not-or", "NOT a OR b", "((NOT a) OR b)"),
    ("not-and", "NOT a AND b", "((NOT a) AND b)"),
    ("and-not", "a AND NOT b", "(a AND (NOT b))"),
    ("not-not", "NOT NOT a", "(NOT (NOT a))"),
    ("not-comparison", "NOT a < b", "(NOT (a < b))"),
    ("not-equality", "NOT a = b", "(NOT (a = b))"),
    ("not-arithmetic-comparison", "NOT a + 1 > 2", "(NOT ((a + 1) > 2))"),
    ("not-in", "NOT a IN (1)", "(NOT (a IN [1]))"),
    ("not-overlaps", "NOT x OVERLAPS y", "(NOT (x OVERLAPS y))"),
    ("not-parens", "NOT (a OR b)", "(NOT paren(a OR b))"),
    # ---- comparisons: levels OVERLAPS < (= !=) < (< <= > >=)
    ("equality-overlaps", "a = b OVERLAPS c", "((a = b) OVERLAPS c)"),
    ("overlaps-equality", "a OVERLAPS b = c", "(a OVERLAPS (b = c))"),
    ("equality-relational", "a = b < c", "(a = (b < c))"),
    ("relational-equality", "a < b = c", "((a < b) = c)"),
    ("not-equal-ge", "a != b >= c", "(a != (b >= c))"),
    ("le-ne", "a <= b != c", "((a <= b) != c)"),
    ("two-conditions", "a = 1 AND b = 2", "((a = 1) AND (b = 2))"),
    ("mixed-conditions", "a < 1 OR b > 2 AND c <= 3", "((a < 1) OR ((b > 2) AND (c <= 3)))"),
    ("parenthesized-chain", "(a < b) < c", "(paren(a < b) < c)"),
    ("parenthesized-chain-right", "a < (b < c)", "(a < paren(b < c))"),
    # ---- arithmetic
    ("add-mul", "a + b * c", "(a + (b * c))"),
    ("mul-add", "a * b + c", "((a * b) + c)"),
    ("sub-left-assoc", "a - b - c", "((a - b) - c)"),
    ("div-left-assoc", "a / b / c", "((a / b) / c)"),
    ("mod-mul", "a % b * c", "((a % b) * c)"),
    ("sub-add", "a - b + c", "((a - b) + c)"),
    ("arith-on-both-sides", "a + b = c * d", "((a + b) = (c * d))"),
    ("arith-relational", "a + b < c - d", "((a + b) < (c - d))"),
    ("unary-minus-mul", "-a * b", "((- a) * b)"),
    ("unary-minus-add", "-a + b", "((- a) + b)"),
    ("mul-unary-minus", "a * -b", "(a * (- b))"),
    ("double-unary", "- - a", "(- (- a))"),
    ("unary-plus", "+a", "(+ a)"),
    ("unary-minus-parens", "-(a + b)", "(- paren(a + b))"),
    ("unary-qualified", "-x.y", "(- x.y)"),
    ("negative-literal-mul", "-5 * 2", "(-5 * 2)"),
    ("minus-negative-literal", "2 - -5", "(2 - -5)"),
    ("minus-negative-no-space", "2--5", "(2 - -5)"),
    ("minus-no-space", "a-1", "(a - 1)"),
    ("unary-minus-on-negative", "- -5", "(- -5)"),
    ("grouping", "(a OR b) AND c", "(paren(a OR b) AND c)"),
    ("grouping-right", "a AND (b OR c)", "(a AND paren(b OR c))"),
    ("double-parens", "((a))", "paren(paren(a))"),
    # ---- IN
    ("in-arith-lhs", "a + b IN (1, 2)", "((a + b) IN [1, 2])"),
    ("in-then-equality", "a IN (1) = b", "((a IN [1]) = b)"),
    ("equality-then-in", "a = b IN (1)", "(a = (b IN [1]))"),
    ("in-and-not-in", "a IN (1) AND b NOT IN (2)", "((a IN [1]) AND (b NOT IN [2]))"),
    ("in-or-not-in", "a IN (1) OR NOT b IN (2)", "((a IN [1]) OR (NOT (b IN [2])))"),
    ("not-in-range", "a NOT IN (1..5)", "(a NOT IN [1..5])"),
    ("in-ints", "visit IN (1, 2, 3)", "(visit IN [1, 2, 3])"),
    (
        "in-everything",
        "visit IN (1..10:2, 20, -3, :extra, legacy)",
        "(visit IN [1..10:2, 20, -3, :extra, legacy])",
    ),
    ("in-strings", "band IN ('g', 'r')", "(band IN ['g', 'r'])"),
    (
        "in-times",
        "t IN (T'2020-01-01', T'2021-01-01')",
        "(t IN [T[iso,utc,58849.0], T[iso,utc,59215.0]])",
    ),
    (
        "in-uuids",
        f"id IN (UUID('{U1}'), uuid('{U2}'))",
        f"(id IN [uuid:{uuid.UUID(U1).hex}, uuid:{uuid.UUID(U2).hex}])",
    ),
    ("in-function-call", "x IN (f(1))", "(x IN [call:f(1)])"),
    ("in-signed", "x IN (+1, -2)", "(x IN [+1, -2])"),
    ("in-negative-range-stride", "x IN (-1..-5:1)", "(x IN [-1..-5:1])"),
    ("in-range-spaces", "visit IN (1 ..5)", "(visit IN [1..5])"),
    ("qualified-in", "visit.id IN (1)", "(visit.id IN [1])"),
    ("bind-lhs-in", ":x IN (1)", "(:x IN [1])"),
    # ---- pairs
    ("pair-overlaps", "(t1, t2) OVERLAPS timespan", "(pair(t1, t2) OVERLAPS timespan)"),
    (
        "overlaps-time-pair",
        "timespan OVERLAPS (T'2020-01-01', T'2021-01-01')",
        "(timespan OVERLAPS pair(T[iso,utc,58849.0], T[iso,utc,59215.0]))",
    ),
    ("nested-pair", "(a, (b, c))", "pair(a, pair(b, c))"),
    ("pair-of-expressions", "(a OR b, c AND d)", "pair((a OR b), (c AND d))"),
    ("pair-with-null", "(NULL, T'2020-01-01')", "pair(NULL, T[iso,utc,58849.0])"),
    # ---- functions
    ("point", "POINT(1, 2)", "POINT(1, 2)"),
    ("point-lower", "point(ra, dec)", "POINT(ra, dec)"),
    ("circle", "CIRCLE(1, 2, 0.5)", "CIRCLE(1, 2, 0.5)"),
    ("box", "BOX(1, 2, 3, 4)", "BOX(1, 2, 3, 4)"),
    ("polygon-3", "POLYGON(0,0, 1,0, 0,1)", "POLYGON([0, 0], [1, 0], [0, 1])"),
    ("polygon-4", "Polygon(0,0,1,0,1,1,0,1)", "POLYGON([0, 0], [1, 0], [1, 1], [0, 1])"),
    ("region-string", "REGION('CIRCLE 1 2 3')", "REGION('CIRCLE 1 2 3')"),
    ("region-bind", "region(:r)", "REGION(:r)"),
    ("glob", "GLOB(name, 'a*')", "GLOB(name, 'a*')"),
    ("glob-qualified-bind", "glob(visit.name, :p)", "GLOB(visit.name, :p)"),
    ("generic-call-empty", "myfunc()", "call:myfunc()"),
    ("generic-call-args", "myFunc(a, b + 1)", "call:myFunc(a, (b + 1))"),
    ("generic-call-bool-args", "f(NOT a, b OR c)", "call:f((NOT a), (b OR c))"),
    (
        "overlaps-point-binds",
        "visit.region OVERLAPS POINT(:ra, :dec)",
        "(visit.region OVERLAPS POINT(:ra, :dec))",
    ),
    ("circle-arith-args", "CIRCLE(ra + 1, -dec, (r))", "CIRCLE((ra + 1), (- dec), paren(r))"),
    ("point-qualified-args", "POINT(x.ra, x.dec)", "POINT(x.ra, x.dec)"),
    ("point-signed-args", "POINT(-1.5, +2)", "POINT(-1.5, +2)"),
    ("glob-and", "GLOB(name, 'a*') AND x = 1", "(GLOB(name, 'a*') AND (x = 1))"),
    # ---- layout
    ("multi-line", "a = 1\nAND\n  b = 2", "((a = 1) AND (b = 2))"),
    ("blank-lines", "\n\n  visit = 1\n", "(visit = 1)"),
    ("tabs", "a\t=\t1", "(a = 1)"),
    ("crlf", "a = 1\r\nOR b = 2", "((a = 1) OR (b = 2))"),
    ("range-across-lines", "x IN (1..\n5)", "(x IN [1..5])"),
    ("no-spaces", "a=1AND(b<2OR c>=3)", "((a = 1) AND paren((b < 2) OR (c >= 3)))"),
    (
        "realistic",
        "instrument = 'HSC' AND visit IN (12..20:2, 903334) AND detector != 9 "
        "AND visit.exposure_time > 30.5",
        "((((instrument = 'HSC') AND (visit IN [12..20:2, 903334])) AND (detector != 9)) "
        "AND (visit.exposure_time > 30.5))",
    ),
]


@pytest.mark.parametrize(
    ("expression", "expected"), [v[1:] for v in VALID], ids=[v[0] for v in VALID]
)
def test_valid_expression_shape(expression: str, expected: str) -> None:
    tree = parse_expression(expression)
    assert tree is not None
    assert shape(tree) == expected


@pytest.mark.parametrize(
    ("expression", "expected"), [v[1:] for v in VALID], ids=[v[0] for v in VALID]
)
def test_valid_expression_round_trips(expression: str, expected: str) -> None:
    tree = parse_expression(expression)
    assert tree is not None
    again = parse_expression(str(tree))
    assert again == tree
    assert str(again) == str(tree)


@pytest.mark.parametrize("expression", ["", " ", "\t", "\n", "  \n\t \r\n "], ids=repr)
def test_empty_means_no_constraint(expression: str) -> None:
    assert parse_expression(expression) is None


CANONICAL: list[tuple[str, str]] = [
    ("a=1", "a = 1"),
    ("a   and   b", "a AND b"),
    ("a or not b", "a OR NOT b"),
    ("not(a)", "NOT (a)"),
    ("x in(1,2 ,3)", "x IN (1, 2, 3)"),
    ("x not in (1..5:2)", "x NOT IN (1..5:2)"),
    ("x overlaps y", "x OVERLAPS y"),
    ("point(1,2)", "POINT(1, 2)"),
    ("circle(1,2,3)", "CIRCLE(1, 2, 3)"),
    ("box(1,2,3,4)", "BOX(1, 2, 3, 4)"),
    ("polygon(1,2,3,4,5,6)", "POLYGON(1, 2, 3, 4, 5, 6)"),
    ("region( :r )", "REGION(:r)"),
    ("glob(x,'a*')", "GLOB(x, 'a*')"),
    ("myFunc(a,b)", "myFunc(a, b)"),
    ("uuid('12345678123456781234567812345678')", f"UUID('{U1}')"),
    (":x", ":x"),
    ("- 5", "-5"),
    ("-(a)", "-(a)"),
    ("- -a", "- -a"),
    ("-  1..5", "- 1..5"),
    ("(a,b)", "(a, b)"),
    ("a\n AND\tb", "a AND b"),
    ("1 .. 5 : 2", "1..5:2"),
    ("visit.id>=5", "visit.id >= 5"),
    ("a!=b", "a != b"),
    ("a%b*c/d", "a % b * c / d"),
    ("1.e+20", "1.e+20"),
    ("t'2020-01-01'", "T'2020-01-01 00:00:00.000'"),
    ("T'2020-01-01T12:30'", "T'2020-01-01T12:30:00.000'"),
    ("T'58849.5'", "T'58849.5'"),
    ("T'58849/utc'", "T'58849.0/utc'"),
    ("T'mjd/58849.5/tai'", "T'58849.5'"),
    ("T'+02020-01-01T00:00:00'", "T'fits/2020-01-01T00:00:00.000'"),
    ("T'2020:001'", "T'2020:001:00:00:00.000'"),
    ("T'2020-01-01 00:00:00.123456'", "T'2020-01-01 00:00:00.123456'"),
    ("T'2020-01-01/tai'", "T'2020-01-01 00:00:00.000/tai'"),
    ("T'unix/1577836800'", "T'unix/1577836800.0'"),
    ("T'2020-01-01T00:00:00+00:00'", "T'2020-01-01T00:00:00.000'"),
]


@pytest.mark.parametrize(("expression", "expected"), CANONICAL, ids=[c[0] for c in CANONICAL])
def test_canonical_string(expression: str, expected: str) -> None:
    assert str(parse_expression(expression)) == expected


def test_valid_table_is_broad() -> None:
    assert len(VALID) >= 100
