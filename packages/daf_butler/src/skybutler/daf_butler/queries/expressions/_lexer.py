"""Tokens of the ``where`` expression language.

One compiled regular expression, tried at each position, recognizes every
token. Alternatives are ordered as the language needs: a time literal before a
name (``T'...'``), a range before a number and the minus sign (``-1..5``). A
name with one or two dots is a qualified identifier; a name that is a keyword
in any case (``and``, ``In``) is that keyword.
"""

from __future__ import annotations

__all__ = ["KEYWORDS", "Token", "tokenize"]

import re
from typing import NamedTuple, cast

from ...errors import QuerySyntaxError
from ._messages import line_and_column, make_syntax_error

KEYWORDS = frozenset({"AND", "IN", "NOT", "OR", "OVERLAPS"})
"""Reserved words, matched case-insensitively; IS, NULL, BETWEEN and LIKE are not reserved."""

# Token kinds that are not an operator's text or an upper-cased keyword.
NUMERIC = "NUMERIC"
STRING = "STRING"
TIME = "TIME"
RANGE = "RANGE"
QUALIFIED = "QUALIFIED"
SIMPLE = "SIMPLE"
BIND = "BIND"
EOF = "EOF"

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# Each match skips leading blanks and takes one token (or the end of the text),
# which halves the number of matches compared with matching blanks on their own.
# Order matters: a time literal before a name (T'...'), a range before a number
# and before the minus operator (-1..5).
_TOKEN_RE = re.compile(
    rf"""
    [ \t\r]*
    (?:
      (?P<TIME>[Tt]'[^'\n]*')
    | (?P<BAD_TIME>[Tt]'[^'\n]*)
    | (?P<NAME>{_NAME}(?:\.{_NAME}){{0,2}})
    | (?P<RANGE>(?P<r_start>-?\d+)\s*\.\.\s*(?P<r_stop>-?\d+)(?:\s*:\s*(?P<r_stride>[+-]?\d+))?)
    | (?P<NUMERIC>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<OP>!=|<=|>=|[=<>+\-*/%(),])
    | (?P<STRING>'[^'\n]*')
    | (?P<BAD_STRING>'[^'\n]*)
    | (?P<BIND>:{_NAME})
    | (?P<NL>\n)
    | (?P<END>\Z)
    )
    """,
    re.VERBOSE,
)


class Token(NamedTuple):
    """One token of a ``where`` expression."""

    kind: str
    """``NUMERIC``, ``STRING``, ``TIME``, ``RANGE``, ``QUALIFIED``, ``SIMPLE``,
    ``BIND``, ``EOF``, an upper-cased keyword or an operator's text."""

    text: str
    """The characters of the token as written."""

    value: object
    """The string's or time's content, the bind's name, ``(start, stop, stride)``
    of a range, the upper-cased keyword; otherwise the text."""

    start: int
    """Offset of the first character."""

    end: int
    """Offset just past the last character."""

    line: int
    """Line number, from one."""

    column: int
    """Column of the first character, from one."""


def _describe_char(char: str) -> str:
    if char == '"':
        return "unexpected '\"'; string literals are written in single quotes"
    if char == "!":
        return "unexpected '!'; the not-equal operator is '!='"
    if char == ":":
        return "expected a bind name right after ':', such as ':visit_id'"
    if char.isalpha():
        return f"unexpected character {char!r}; names may use only ASCII letters, digits and '_'"
    return f"unexpected character {char!r}"


def tokenize(expression: str) -> list[Token]:
    """Split ``expression`` into tokens, ending with an ``EOF`` token.

    Parameters
    ----------
    expression
        A ``where`` expression.

    Returns
    -------
    list [Token]
        The tokens, without whitespace; the ``EOF`` token sits just after the
        last real token.

    Raises
    ------
    QuerySyntaxError
        Raised on a character that starts no token, an unterminated string or
        time literal, or a range with a stride that is not a positive integer.
    """
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN_RE.match
    pos = 0
    line = 1
    line_start = 0
    while True:
        m = match(expression, pos)
        if m is None:
            raise _lex_error(expression, pos, tokens)
        kind = cast(str, m.lastgroup)  # every alternative is a named group
        new_pos = m.end()
        start = m.start(kind)
        text = expression[start:new_pos]
        column = start - line_start + 1
        if kind == "NAME":
            if "." in text:
                append(Token(QUALIFIED, text, text, start, new_pos, line, column))
            else:
                upper = text.upper()
                if upper in KEYWORDS:
                    append(Token(upper, text, upper, start, new_pos, line, column))
                else:
                    append(Token(SIMPLE, text, text, start, new_pos, line, column))
        elif kind == "OP":
            append(Token(text, text, text, start, new_pos, line, column))
        elif kind == "STRING":
            append(Token(STRING, text, text[1:-1], start, new_pos, line, column))
        elif kind == "NUMERIC":
            append(Token(NUMERIC, text, text, start, new_pos, line, column))
        elif kind == "END":
            break
        elif kind == "NL":
            line += 1
            line_start = new_pos
        elif kind == "TIME":
            append(Token(TIME, text, text[2:-1], start, new_pos, line, column))
        elif kind == "BIND":
            append(Token(BIND, text, text[1:], start, new_pos, line, column))
        elif kind == "RANGE":
            append(Token(RANGE, text, _range_value(expression, m), start, new_pos, line, column))
            if "\n" in text:  # a range may span lines: its "\s*" matches newlines
                line += text.count("\n")
                line_start = start + text.rfind("\n") + 1
        else:
            what = "time" if kind == "BAD_TIME" else "string"
            raise make_syntax_error(
                expression,
                start,
                new_pos,
                f"unterminated {what} literal; close it with a single quote on the same line",
            )
        pos = new_pos
    # The end is reported just after the last token, where something was missing.
    eof_at = tokens[-1].end if tokens else 0
    eof_line, eof_column = line_and_column(expression, eof_at)
    append(Token(EOF, "", None, eof_at, eof_at, eof_line, eof_column))
    return tokens


def _range_value(expression: str, m: re.Match[str]) -> tuple[int, int, int | None]:
    start_text, stop_text, stride_text = m.group("r_start", "r_stop", "r_stride")
    if stride_text is None:
        return int(start_text), int(stop_text), None
    if not stride_text.isdigit() or int(stride_text) == 0:
        raise make_syntax_error(
            expression,
            m.start("r_stride"),
            m.end("r_stride"),
            f"the stride of a range must be a positive integer without a sign, not {stride_text!r}",
        )
    return int(start_text), int(stop_text), int(stride_text)


def _lex_error(expression: str, pos: int, tokens: list[Token]) -> QuerySyntaxError:
    while expression[pos] in " \t\r":
        pos += 1
    char = expression[pos]
    if char == "." and tokens and tokens[-1].end == pos and tokens[-1].kind == QUALIFIED:
        message = (
            f"an identifier has at most three dot-separated parts; "
            f"'{tokens[-1].text}.' cannot be continued"
        )
    else:
        message = _describe_char(char)
    return make_syntax_error(expression, pos, pos + 1, message)
