"""Property tests: any input gives a tree, `None` or `InvalidQueryError`; trees print and re-parse.

Three sources of input: arbitrary text, "token soup" drawn from the language's
vocabulary (which often forms valid expressions with odd precedence), and
expressions generated from the grammar, which must always parse.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skybutler.daf_butler.errors import InvalidQueryError
from skybutler.daf_butler.queries.expressions import Node, parse_expression

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VOCABULARY = [
    "a", "visit", "visit.id", "raw.timespan.begin", "T", "NULL", "x_1", ":b", ":bind",
    "AND", "and", "OR", "Or", "NOT", "not", "IN", "in", "OVERLAPS", "overlaps",
    "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "(", ")", ",", "(", ")",
    "1", "0", "12.", "1.5", "1e3", ".5E-2", "'s'", "''", "'HSC-R'",
    "1..5", "-3..-1", "2..10:2", "T'2020-01-01'", "t'58849.5/utc'", "T'mjd/58849'",
    "T'2020-01-01 12'", "T'bad'",
    "POINT(", "CIRCLE(", "BOX(", "POLYGON(", "REGION(", "GLOB(", "UUID(", "f(",
    "UUID('" + "1" * 32 + "')",
    "'", "T'", ":", ".", "!", '"', "..", "\n", "\t",
]  # fmt: skip


def _check(text: str) -> Node | None:
    try:
        tree = parse_expression(text)
    except InvalidQueryError as error:
        message = str(error)
    else:
        message = ""
    if message:
        assert message.startswith("Invalid query expression at line ")
        return None
    if tree is not None:
        # Whatever parses prints canonically and reads back as the same tree.
        printed = str(tree)
        again = parse_expression(printed)
        assert again == tree, printed
        assert str(again) == printed
    return tree


@SETTINGS
@given(st.text(max_size=200))
def test_random_text(text: str) -> None:
    _check(text)


@SETTINGS
@given(st.text(alphabet="aTtN:'.()=<>!+-*/%,0123456789 \n\tEe_", max_size=80))
def test_random_text_from_language_characters(text: str) -> None:
    _check(text)


@SETTINGS
@given(
    st.lists(st.sampled_from(VOCABULARY), max_size=25),
    st.lists(st.sampled_from([" ", "", "  ", "\n"]), min_size=25, max_size=25),
)
def test_token_soup(words: list[str], gaps: list[str]) -> None:
    _check("".join(word + gap for word, gap in zip(words, gaps, strict=False)))


# ---------------------------------------------------------------- grammar-generated

_identifiers = st.sampled_from(["visit", "detector", "visit.id", "exposure.day_obs", "x.y.z", "T"])
_numbers = st.sampled_from(["1", "42", "1.", "1.5", "1e10", "1.e+20", ".2E5", "-7", "+3"])
_strings = st.sampled_from(["'HSC'", "''", "'a b'", "'x*'"])
_times = st.sampled_from(
    ["T'2020-01-01'", "t'2020-01-01T12:30'", "T'58849.5'", "T'mjd/58849/utc'", "T'2020:032'"]
)
_ranges = st.sampled_from(["1..5", "-3..3", "1..10:2", "5 .. 9 : 3"])
_binds = st.sampled_from([":a", ":visit_ids", ":r"])
_atoms = st.one_of(_identifiers, _numbers, _strings, _times, _ranges, _binds)
_in_items = st.one_of(_numbers, _strings, _times, _ranges, _binds, st.sampled_from(["legacy"]))
_keywords = {
    "AND": st.sampled_from(["AND", "and", "And"]),
    "OR": st.sampled_from(["OR", "or"]),
    "NOT": st.sampled_from(["NOT", "not"]),
    "IN": st.sampled_from(["IN", "in"]),
}
_space = st.sampled_from([" ", "  ", "\n", "\t "])


_operators = st.sampled_from(["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "OVERLAPS"])


@st.composite
def _expressions(draw: st.DrawFn, depth: int = 4) -> str:
    """Draw a valid expression; compound parts are parenthesized where the grammar needs it."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        atom: str = draw(_atoms)
        return atom
    sub = _expressions(depth - 1)
    choice = draw(st.integers(0, 10))
    if choice == 0:
        return f"({draw(sub)}{draw(_space)}{draw(_operators)}{draw(_space)}{draw(sub)})"
    if choice == 1:
        return f"({draw(sub)} {draw(_keywords['AND'])} {draw(sub)})"
    if choice == 2:
        return f"{draw(sub)} {draw(_keywords['OR'])} {draw(sub)}"
    if choice == 3:
        return f"({draw(_keywords['NOT'])} ({draw(sub)}))"
    if choice == 4:
        return f"-({draw(sub)})"
    if choice == 5:
        return f"({draw(sub)}, {draw(sub)})"
    if choice == 6:
        items = draw(st.lists(_in_items, min_size=1, max_size=4))
        return f"(({draw(sub)}) {draw(_keywords['IN'])} ({', '.join(items)}))"
    if choice == 7:
        return f"f({', '.join(draw(st.lists(sub, max_size=3)))})"
    if choice == 8:
        return f"POINT({draw(_numbers)}, {draw(_identifiers)})"
    if choice == 9:
        return f"circle({draw(_numbers)}, {draw(_binds)}, {draw(_numbers)})"
    return f"GLOB(visit.name, {draw(st.one_of(_strings, _binds))})"


@SETTINGS
@given(_expressions())
def test_grammar_generated_expressions_parse_and_round_trip(text: str) -> None:
    tree = _check(text)
    assert tree is not None, text


@pytest.mark.parametrize(
    "text",
    ["\x00", "\ufeffa = 1", "a = 1\x0c", "'\u00e9'", "T'\u00e9'", "é", "a\u2028= 1", "🙂"],
    ids=["nul", "bom", "form-feed", "accent-in-string", "accent-in-time", "accent", "ls", "emoji"],
)
def test_odd_characters(text: str) -> None:
    _check(text)
