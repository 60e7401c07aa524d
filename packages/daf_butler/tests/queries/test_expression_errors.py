"""Invalid ``where`` expressions: the error type, the caret's place and what the message says."""

from __future__ import annotations

import re

import pytest

from skybutler.daf_butler.errors import ButlerError, InvalidQueryError, QuerySyntaxError
from skybutler.daf_butler.queries.expressions import MAX_NESTING, parse_expression

# (id, expression, line, column, words the message must contain); line and column count from 1.
INVALID: list[tuple[str, str, int, int, str]] = [
    ("and-at-end", "a AND", 1, 6, "expected an expression after 'AND'"),
    ("comparison-at-end", "a <", 1, 4, "expected an expression after '<'"),
    ("not-alone", "NOT", 1, 4, "expected an expression after 'NOT'"),
    ("plus-at-end", "a +", 1, 4, "expected an expression after '+'"),
    ("starts-with-operator", "= 1", 1, 1, "expected an expression, found '='"),
    ("comma-alone", ",", 1, 1, "expected an expression"),
    ("double-keyword", "a AND OR b", 1, 7, "expected an expression after 'AND', found 'OR'"),
    ("chained-lt", "a < b < c", 1, 7, "comparison operators cannot be chained"),
    ("chained-eq", "a = b = c", 1, 7, "cannot be chained"),
    ("chained-eq-ne", "a = b != c", 1, 7, "cannot be chained"),
    ("chained-le-gt", "a <= b > c", 1, 8, "cannot be chained"),
    ("chained-overlaps", "x OVERLAPS y OVERLAPS z", 1, 14, "cannot be chained"),
    ("unclosed-paren", "(a", 1, 3, "expected ')' to close the '(' at line 1, column 1"),
    ("unmatched-paren", "a)", 1, 2, "unmatched ')'"),
    ("empty-parens", "()", 1, 2, "expected an expression after '('"),
    ("unterminated-string", "x = 'abc", 1, 5, "unterminated string literal"),
    ("string-across-lines", "x = 'ab\nc'", 1, 5, "unterminated string literal"),
    ("unterminated-time", "x = T'2020", 1, 5, "unterminated time literal"),
    ("four-part-identifier", "a.b.c.d", 1, 6, "at most three dot-separated parts"),
    ("two-operands", "a = 1 2", 1, 7, "expected an operator or the end of the expression"),
    ("two-names", "visit detector", 1, 7, "found 'detector'"),
    ("stray-comma", "a = 1, b = 2", 1, 6, "unexpected ','"),
    ("in-without-list", "a IN 1", 1, 6, "expected '(' after IN"),
    ("not-in-without-list", "a NOT IN b", 1, 10, "expected '(' after NOT IN"),
    ("in-empty", "a IN ()", 1, 7, "the IN list is empty"),
    ("in-qualified", "a IN (b.c)", 1, 7, "'b.c' cannot be in an IN list"),
    ("in-expression", "a IN (1 + 2)", 1, 9, "expected ',' or ')' in the IN list"),
    ("in-trailing-comma", "a IN (1,)", 1, 9, "expected a literal, a range, a bind name"),
    ("in-parenthesized", "a IN ((1))", 1, 7, "expected a literal"),
    ("in-unclosed", "a IN (1", 1, 8, "expected ',' or ')' in the IN list"),
    ("not-without-in", "a NOT b", 1, 3, "expected IN after NOT"),
    ("in-of-in", "a IN (1) IN (2)", 1, 10, "IN cannot test the result of another IN"),
    ("three-tuple", "(a, b, c)", 1, 6, "exactly two items"),
    ("pair-unclosed", "(a, b", 1, 6, "expected ')' to close the pair"),
    ("not-after-comparison", "a = NOT b", 1, 5, "NOT cannot follow '='"),
    ("not-after-plus", "a + NOT b", 1, 5, "NOT cannot follow '+'"),
    ("point-one-arg", "POINT(1)", 1, 1, "POINT requires exactly two arguments (ra, dec), got 1"),
    ("circle-two-args", "CIRCLE(1, 2)", 1, 1, "CIRCLE requires exactly three arguments"),
    ("box-three-args", "BOX(1, 2, 3)", 1, 1, "BOX requires exactly four arguments"),
    ("box-five-args", "x OVERLAPS box(1, 2, 3, 4, 5)", 1, 12, "got 5 arguments"),
    ("polygon-four-args", "POLYGON(1, 2, 3, 4)", 1, 1, "at least six"),
    ("polygon-odd-args", "POLYGON(1, 2, 3, 4, 5, 6, 7)", 1, 1, "even number of arguments"),
    ("region-two-args", "REGION('a', 'b')", 1, 1, "REGION requires exactly one argument"),
    ("region-number", "REGION(1)", 1, 8, "string literal or a bind name, not a number"),
    ("glob-string-column", "GLOB('x', 'y')", 1, 6, "must be an identifier"),
    ("glob-identifier-pattern", "GLOB(x, y)", 1, 9, "string literal or a bind name"),
    ("glob-one-arg", "GLOB(x)", 1, 1, "GLOB requires exactly two arguments"),
    ("uuid-not-uuid", "UUID('nope')", 1, 6, "'nope' is not a UUID"),
    ("uuid-number", "UUID(1)", 1, 6, "must be a string literal"),
    ("uuid-no-args", "UUID()", 1, 1, "got no arguments"),
    ("point-string-arg", "POINT('a', 2)", 1, 7, "argument 1 of POINT must be a number"),
    ("circle-comparison-arg", "CIRCLE(1, 2, a < b)", 1, 14, "not a comparison"),
    ("polygon-time-arg", "POLYGON(0, 0, 1, 0, 0, T'2020-01-01')", 1, 24, "not a time literal"),
    ("zero-stride", "x = 1..5:0", 1, 10, "stride of a range must be a positive integer"),
    ("negative-stride", "x IN (1..5:-1)", 1, 12, "stride"),
    ("colon-alone", "a = :", 1, 5, "expected a bind name right after ':'"),
    ("colon-space", "a = : x", 1, 5, "bind name"),
    ("double-equals", "a == b", 1, 4, "equality is written with a single '='"),
    ("double-quotes", 'a = "b"', 1, 5, "string literals are written in single quotes"),
    ("bang", "a = b!", 1, 6, "the not-equal operator is '!='"),
    ("non-ascii-name", "visité = 1", 1, 6, "only ASCII letters"),
    ("unknown-character", "a = 1 @ 2", 1, 7, "unexpected character '@'"),
    ("sql-not-equal", "a <> b", 1, 4, "the not-equal operator is '!='"),
    ("qualified-call", "a.b(1)", 1, 1, "cannot be called"),
    ("call-missing-comma", "f(a b)", 1, 5, "expected ',' or ')' after argument 1 of f()"),
    ("time-hour-only", "T'2020-01-01 12'", 1, 1, "cannot tell the format"),
    ("time-unknown-format", "x = T'foo/2020-01-01'", 1, 5, "unknown time format 'foo'"),
    ("time-unknown-scale", "x > T'58849/xyz'", 1, 5, "unknown time scale 'xyz'"),
    ("time-exponent", "x > T'5e4'", 1, 5, "cannot tell the format"),
    ("time-bad-month", "x < T'2020-13-01'", 1, 5, "astropy cannot read"),
    ("range-minus-after-name", "a -1..5", 1, 3, "found '-1..5'"),
    ("multi-line-eof", "a = 1 AND\n  b = 2 AND\n  c <", 3, 6, "after '<'"),
    ("multi-line-tab", "a = 1\n\tAND (b", 2, 8, "expected ')'"),
    ("multi-line-middle", "a = 1\nAND b = = 2\nOR c", 2, 9, "single '='"),
    ("crlf-line", "a = 1\r\nAND )", 2, 5, "expected an expression after 'AND'"),
]


def _caret(message: str) -> tuple[str, int]:
    """Return the source line above the caret and the caret's 1-based column in it."""
    lines = message.split("\n")
    index = next(i for i, line in enumerate(lines) if re.fullmatch(r" {4}[ \t]*\^~*", line))
    return lines[index - 1][4:], lines[index].index("^") - 4 + 1


@pytest.mark.parametrize(
    ("expression", "line", "column", "words"),
    [v[1:] for v in INVALID],
    ids=[v[0] for v in INVALID],
)
def test_invalid_expression(expression: str, line: int, column: int, words: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        parse_expression(expression)
    error = info.value
    message = str(error)
    assert words in message
    assert f"at line {line}, column {column}:" in message.split("\n")[0]
    source_line, caret_column = _caret(message)
    assert source_line == expression.split("\n")[line - 1].rstrip("\r")
    assert caret_column == column
    # The caret line keeps the line's tabs, so it lines up however tabs are expanded.
    caret_line = next(t for t in message.split("\n") if re.fullmatch(r" {4}[ \t]*\^~*", t))
    expected_pad = "".join(c if c == "\t" else " " for c in source_line[: column - 1])
    assert caret_line[4:].split("^")[0] == expected_pad
    assert error.expression == expression
    lines_before = expression.split("\n")[: line - 1]
    assert error.position == sum(len(text) + 1 for text in lines_before) + column - 1


def test_invalid_table_is_broad() -> None:
    assert len(INVALID) >= 40


def test_error_hierarchy() -> None:
    with pytest.raises(InvalidQueryError) as info:
        parse_expression("a AND")
    assert isinstance(info.value, ButlerError)
    assert isinstance(info.value, ValueError)


def test_message_shows_every_line_and_marks_the_span() -> None:
    expression = "instrument = 'HSC'\nAND x = T'2020-01-01 12'\nAND visit = 1"
    with pytest.raises(QuerySyntaxError) as info:
        parse_expression(expression)
    lines = str(info.value).split("\n")
    assert lines[1:] == [
        "    instrument = 'HSC'",
        "    AND x = T'2020-01-01 12'",
        "            ^~~~~~~~~~~~~~~~",
        "    AND visit = 1",
    ]


def test_box_message_names_box() -> None:
    # Upstream's BOX error names CIRCLE; ours must name the function that was called.
    with pytest.raises(QuerySyntaxError) as info:
        parse_expression("BOX(1, 2)")
    assert "CIRCLE" not in str(info.value)


@pytest.mark.parametrize(
    "template",
    ["(" * 200 + "a" + ")" * 200, "NOT " * 200 + "a", "- " * 200 + "a", "f(" * 200 + ")" * 200],
    ids=["parens", "not", "minus", "calls"],
)
def test_deep_nesting_is_an_error_not_a_crash(template: str) -> None:
    with pytest.raises(QuerySyntaxError, match=f"more than {MAX_NESTING} levels"):
        parse_expression(template)


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_NESTING - 1
    tree = parse_expression("(" * depth + "a = 1" + ")" * depth)
    assert tree is not None
    assert str(tree) == "(" * depth + "a = 1" + ")" * depth
