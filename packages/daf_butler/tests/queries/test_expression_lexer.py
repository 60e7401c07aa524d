"""Tokens of the ``where`` language: kinds, values and positions."""

from __future__ import annotations

import pytest

from skybutler.daf_butler.errors import QuerySyntaxError
from skybutler.daf_butler.queries.expressions import KEYWORDS, tokenize


def kinds_and_values(expression: str) -> list[tuple[str, object]]:
    return [(t.kind, t.value) for t in tokenize(expression)[:-1]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("visit", [("SIMPLE", "visit")]),
        ("_a9", [("SIMPLE", "_a9")]),
        ("visit.id", [("QUALIFIED", "visit.id")]),
        ("a.b.c", [("QUALIFIED", "a.b.c")]),
        (":bind_1", [("BIND", "bind_1")]),
        ("'it''s'", [("STRING", "it"), ("STRING", "s")]),
        ("''", [("STRING", "")]),
        ("T'2020-01-01'", [("TIME", "2020-01-01")]),
        ("t'58849'", [("TIME", "58849")]),
        ("T''", [("TIME", "")]),
        ("xT'a'", [("SIMPLE", "xT"), ("STRING", "a")]),
        ("T 'a'", [("SIMPLE", "T"), ("STRING", "a")]),
        ("1..5", [("RANGE", (1, 5, None))]),
        ("-5 .. -1", [("RANGE", (-5, -1, None))]),
        ("1..10:3", [("RANGE", (1, 10, 3))]),
        ("1 ..\t10 : 3", [("RANGE", (1, 10, 3))]),
        ("1", [("NUMERIC", "1")]),
        ("1.", [("NUMERIC", "1.")]),
        ("1.5", [("NUMERIC", "1.5")]),
        ("1e10", [("NUMERIC", "1e10")]),
        ("1.e+20", [("NUMERIC", "1.e+20")]),
        (".2E5", [("NUMERIC", ".2E5")]),
        ("-1", [("-", "-"), ("NUMERIC", "1")]),
        ("1.5.3", [("NUMERIC", "1.5"), ("NUMERIC", ".3")]),
        ("5visit", [("NUMERIC", "5"), ("SIMPLE", "visit")]),
        (
            "= != < <= > >= + - * / % ( ) ,",
            [(op, op) for op in ("=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%")]
            + [("(", "("), (")", ")"), (",", ",")],
        ),
        ("<=>", [("<=", "<="), (">", ">")]),
        ("and Or NOT in OverLaps", [(k, k) for k in ("AND", "OR", "NOT", "IN", "OVERLAPS")]),
        ("is null between like", [("SIMPLE", w) for w in ("is", "null", "between", "like")]),
        ("a.and", [("QUALIFIED", "a.and")]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_token_kinds_and_values(expression: str, expected: list[tuple[str, object]]) -> None:
    assert kinds_and_values(expression) == expected


def test_keywords_keep_their_text() -> None:
    token = tokenize("a oR b")[1]
    assert (token.kind, token.text, token.value) == ("OR", "oR", "OR")
    assert frozenset({"AND", "IN", "NOT", "OR", "OVERLAPS"}) == KEYWORDS


def test_positions_on_several_lines() -> None:
    expression = "visit = 1\n  AND\tdetector IN (1..\n3)\n"
    tokens = tokenize(expression)
    table = [(t.text, t.start, t.end, t.line, t.column) for t in tokens]
    assert table == [
        ("visit", 0, 5, 1, 1),
        ("=", 6, 7, 1, 7),
        ("1", 8, 9, 1, 9),
        ("AND", 12, 15, 2, 3),
        ("detector", 16, 24, 2, 7),
        ("IN", 25, 27, 2, 16),
        ("(", 28, 29, 2, 19),
        ("1..\n3", 29, 34, 2, 20),
        (")", 34, 35, 3, 2),
        ("", 35, 35, 3, 3),
    ]
    for token in tokens:
        assert expression[token.start : token.end] == token.text


def test_eof_token() -> None:
    assert [(t.kind, t.start) for t in tokenize("")] == [("EOF", 0)]
    assert [(t.kind, t.start) for t in tokenize("  \n ")] == [("EOF", 0)]
    last = tokenize("a AND   \n  ")[-1]
    assert (last.kind, last.start, last.line, last.column) == ("EOF", 5, 1, 6)


@pytest.mark.parametrize(
    ("expression", "position"),
    [("'abc", 0), ("x T'abc", 2), ("a ! b", 2), ("a : b", 2), ("a.b.c.d", 5), ("1..2:0", 5)],
)
def test_lexer_errors_point_at_the_place(expression: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        tokenize(expression)
    assert info.value.position == position
