"""A recursive-descent parser for ``where`` expressions.

Binary operators are parsed by precedence climbing over this table, weakest
first (all left-associative except the comparisons, which cannot be chained)::

    OR < AND < NOT (prefix) < OVERLAPS < (= !=) < (< <= > >=) < [NOT] IN
       < (+ -) < (* / %) < unary (+ -)

``NOT`` applies to a whole comparison (``NOT a < b`` is ``NOT (a < b)``) and
can only start a condition, as in upstream's grammar. The left side of ``IN``
is an arithmetic expression; its list holds literals, ranges, bind names,
simple identifiers and function calls. A sign directly before a number is part
of the number (``-5`` is one literal).
"""

from __future__ import annotations

__all__ = ["MAX_NESTING", "parse_expression"]

from typing import cast

from ...errors import QuerySyntaxError
from ._functions import build_call
from ._lexer import BIND, EOF, NUMERIC, QUALIFIED, RANGE, SIMPLE, STRING, TIME, Token, tokenize
from ._messages import make_syntax_error
from ._nodes import (
    BINARY_LEVELS,
    LEVEL_IN,
    LEVEL_NOT,
    LEVEL_OR,
    NON_ASSOCIATIVE_LEVELS,
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
    TimeLiteral,
    TupleNode,
    UnaryOp,
)
from ._time import parse_time_string

MAX_NESTING = 64
"""How deeply parentheses, calls and prefix operators may nest."""

_IN_ITEM_KINDS = frozenset({NUMERIC, STRING, TIME, RANGE, SIMPLE, BIND})


def parse_expression(expression: str) -> Node | None:
    """Parse a ``where`` expression into a syntax tree.

    Parameters
    ----------
    expression
        The expression, e.g. ``"instrument = 'HSC' AND visit IN (12..20:2)"``;
        it may span several lines.

    Returns
    -------
    Node or None
        The root of the tree, or `None` if ``expression`` is empty or only
        whitespace, which means "no constraint".

    Raises
    ------
    QuerySyntaxError
        Raised if the expression is not valid; the message quotes it with a
        caret under the offending place and says what was expected there.
    """
    tokens = tokenize(expression)
    if tokens[0].kind == EOF:
        return None
    try:
        return _Parser(expression, tokens).parse()
    except RecursionError:  # only when called with an almost exhausted stack
        raise make_syntax_error(
            expression, 0, len(expression), "the expression is nested too deeply to parse"
        ) from None


class _Parser:
    __slots__ = ("_depth", "_expression", "_pos", "_tokens")

    def __init__(self, expression: str, tokens: list[Token]) -> None:
        self._expression = expression
        self._tokens = tokens
        self._pos = 0
        self._depth = 0

    def parse(self) -> Node:
        node = self._expr(LEVEL_OR)
        tok = self._tokens[self._pos]
        if tok.kind != EOF:
            if tok.kind == ")":
                raise self._error(tok, "unmatched ')'")
            if tok.kind == ",":
                raise self._error(
                    tok,
                    "unexpected ','; comma-separated values belong in an IN list, a function "
                    "call or a (begin, end) pair",
                )
            raise self._error(
                tok,
                f"expected an operator or the end of the expression after "
                f"'{self._tokens[self._pos - 1].text}', found {_found(tok)}",
            )
        return node

    # -------------------------------------------------------------- helpers

    def _error(self, tok: Token, message: str) -> QuerySyntaxError:
        return make_syntax_error(self._expression, tok.start, max(tok.end, tok.start + 1), message)

    def _enter(self, tok: Token) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            raise self._error(tok, f"the expression nests more than {MAX_NESTING} levels deep here")

    # -------------------------------------------------------------- operators

    def _expr(self, min_level: int) -> Node:
        """Parse operators of ``min_level`` or tighter, by precedence climbing."""
        tokens = self._tokens
        tok = tokens[self._pos]
        left: Node
        if tok.kind == "NOT":
            if min_level > LEVEL_NOT:
                raise self._error(
                    tok,
                    f"NOT cannot follow '{tokens[self._pos - 1].text}' directly; it negates a "
                    "whole condition: put it in parentheses, e.g. '(NOT a = 1)'",
                )
            self._pos += 1
            self._enter(tok)
            operand = self._expr(LEVEL_NOT)
            self._depth -= 1
            left = UnaryOp("NOT", operand, span=Span(tok.start, operand.span.end))
        else:
            left = self._unary()
        while True:
            tok = tokens[self._pos]
            kind = tok.kind
            level = BINARY_LEVELS.get(kind)
            if level is None:
                if kind == "IN" or kind == "NOT":
                    if kind == "NOT" and tokens[self._pos + 1].kind != "IN":
                        raise self._error(
                            tok,
                            "expected IN after NOT: NOT either starts a condition "
                            "('NOT a = 1') or forms NOT IN ('a NOT IN (1, 2)')",
                        )
                    if min_level > LEVEL_IN:
                        return left
                    left = self._in(left)
                    continue
                return left
            if level < min_level:
                return left
            self._pos += 1
            right = self._expr(level + 1)
            left = BinaryOp(kind, left, right, span=Span(left.span.start, right.span.end))
            if level in NON_ASSOCIATIVE_LEVELS:
                following = tokens[self._pos]
                if BINARY_LEVELS.get(following.kind) == level:
                    raise self._error(
                        following,
                        f"comparison operators cannot be chained: '{kind}' is followed by "
                        f"'{following.text}'; combine comparisons with AND "
                        "(e.g. 'a < b AND b < c') or add parentheses",
                    )

    def _unary(self) -> Node:
        tokens = self._tokens
        tok = tokens[self._pos]
        kind = tok.kind
        if kind == "-" or kind == "+":
            following = tokens[self._pos + 1]
            if following.kind == NUMERIC:
                self._pos += 2
                return NumericLiteral(kind + following.text, span=Span(tok.start, following.end))
            self._pos += 1
            self._enter(tok)
            operand = self._unary()
            self._depth -= 1
            return UnaryOp(kind, operand, span=Span(tok.start, operand.span.end))
        return self._atom()

    # -------------------------------------------------------------- operands

    def _atom(self) -> Node:
        tok = self._tokens[self._pos]
        kind = tok.kind
        span = Span(tok.start, tok.end)
        if kind == SIMPLE:
            if self._tokens[self._pos + 1].kind == "(":
                return self._call(tok)
            self._pos += 1
            return Identifier(tok.text, span=span)
        if kind == QUALIFIED:
            if self._tokens[self._pos + 1].kind == "(":
                raise self._error(
                    tok, f"'{tok.text}' cannot be called: function names have no dots"
                )
            self._pos += 1
            return Identifier(tok.text, span=span)
        if kind == NUMERIC:
            self._pos += 1
            return NumericLiteral(tok.text, span=span)
        if kind == STRING:
            self._pos += 1
            return StringLiteral(tok.text[1:-1], span=span)
        if kind == BIND:
            self._pos += 1
            return BindName(tok.text[1:], span=span)
        if kind == "(":
            return self._parenthesized(tok)
        if kind == TIME:
            self._pos += 1
            try:
                time = parse_time_string(tok.text[2:-1])
            except ValueError as exc:
                raise self._error(tok, f"invalid time literal {tok.text}: {exc}") from None
            return TimeLiteral(time, span=span)
        if kind == RANGE:
            self._pos += 1
            start, stop, stride = cast("tuple[int, int, int | None]", tok.value)
            return RangeLiteral(start, stop, stride, span=span)
        raise self._expected_expression(tok)

    def _expected_expression(self, tok: Token) -> QuerySyntaxError:
        if self._pos == 0:
            return self._error(tok, f"expected an expression, found {_found(tok)}")
        previous = self._tokens[self._pos - 1].text
        hint = ""
        if previous == tok.kind == "=":
            hint = "; equality is written with a single '='"
        elif previous == "<" and tok.kind == ">":
            hint = "; the not-equal operator is '!='"
        return self._error(
            tok, f"expected an expression after '{previous}', found {_found(tok)}{hint}"
        )

    def _parenthesized(self, opening: Token) -> Node:
        tokens = self._tokens
        self._pos += 1
        self._enter(opening)
        first = self._expr(LEVEL_OR)
        tok = tokens[self._pos]
        result: Node
        if tok.kind == ")":
            self._pos += 1
            result = Parens(first, span=Span(opening.start, tok.end))
        elif tok.kind == ",":
            self._pos += 1
            second = self._expr(LEVEL_OR)
            tok = tokens[self._pos]
            if tok.kind == ",":
                raise self._error(
                    tok,
                    "a parenthesized list outside IN holds exactly two items, a (begin, end) "
                    "pair; use IN for a list of values",
                )
            if tok.kind != ")":
                raise self._error(
                    tok,
                    f"expected ')' to close the pair opened {_at(opening)}, found {_found(tok)}",
                )
            self._pos += 1
            result = TupleNode((first, second), span=Span(opening.start, tok.end))
        else:
            raise self._error(
                tok,
                f"expected ')' to close the '(' {_at(opening)}, or an operator, "
                f"found {_found(tok)}",
            )
        self._depth -= 1
        return result

    def _call(self, name: Token) -> Node:
        tokens = self._tokens
        opening = tokens[self._pos + 1]
        self._pos += 2
        self._enter(opening)
        args: list[Node] = []
        tok = tokens[self._pos]
        if tok.kind != ")":
            while True:
                args.append(self._expr(LEVEL_OR))
                tok = tokens[self._pos]
                if tok.kind == ",":
                    self._pos += 1
                    continue
                if tok.kind == ")":
                    break
                raise self._error(
                    tok,
                    f"expected ',' or ')' after argument {len(args)} of {name.text}(), "
                    f"found {_found(tok)}",
                )
        self._pos += 1
        self._depth -= 1
        return build_call(self._expression, name.text, tuple(args), Span(name.start, tok.end))

    def _in(self, lhs: Node) -> Node:
        tokens = self._tokens
        tok = tokens[self._pos]
        not_in = tok.kind == "NOT"
        if isinstance(lhs, IsIn):
            raise self._error(
                tok, "IN cannot test the result of another IN; add parentheses to say what you mean"
            )
        self._pos += 2 if not_in else 1
        keyword = "NOT IN" if not_in else "IN"
        opening = tokens[self._pos]
        if opening.kind != "(":
            raise self._error(
                opening,
                f"expected '(' after {keyword}: it takes a parenthesized list such as "
                f"(1, 3, 10..20), found {_found(opening)}",
            )
        self._pos += 1
        values: list[Node] = []
        while True:
            values.append(self._in_item(keyword))
            tok = tokens[self._pos]
            self._pos += 1
            if tok.kind == ")":
                break
            if tok.kind != ",":
                raise self._error(
                    tok, f"expected ',' or ')' in the {keyword} list, found {_found(tok)}"
                )
        return IsIn(lhs, tuple(values), not_in, span=Span(lhs.span.start, tok.end))

    def _in_item(self, keyword: str) -> Node:
        tokens = self._tokens
        tok = tokens[self._pos]
        kind = tok.kind
        if kind in _IN_ITEM_KINDS:
            return self._atom()
        if (kind == "-" or kind == "+") and tokens[self._pos + 1].kind == NUMERIC:
            return self._unary()
        if kind == ")" and tokens[self._pos - 1].kind == "(":
            raise self._error(tok, f"the {keyword} list is empty; give at least one value")
        if kind == QUALIFIED:
            message = (
                f"'{tok.text}' cannot be in an {keyword} list: items are literals, ranges, "
                "bind names, simple identifiers (legacy binds) or function calls"
            )
        else:
            message = (
                f"expected a literal, a range, a bind name, a simple identifier or a function "
                f"call in the {keyword} list, found {_found(tok)}"
            )
        raise self._error(tok, message)


def _found(tok: Token) -> str:
    if tok.kind == EOF:
        return "the end of the expression"
    text = tok.text if len(tok.text) <= 30 else tok.text[:27] + "..."
    return f'"{text}"' if "'" in text else f"'{text}'"


def _at(tok: Token) -> str:
    return f"at line {tok.line}, column {tok.column}"
