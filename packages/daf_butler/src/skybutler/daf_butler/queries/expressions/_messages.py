"""Error messages that show a ``where`` expression with a caret under a place in it."""

from __future__ import annotations

__all__ = ["format_error", "line_and_column", "make_syntax_error"]

from ...errors import QuerySyntaxError

_INDENT = "    "


def line_and_column(expression: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``expression``.

    Parameters
    ----------
    expression
        The text.
    offset
        A character offset into it; ``len(expression)`` means just past the end.

    Returns
    -------
    line, column
        Line and column numbers, both counting from one.
    """
    line_start = expression.rfind("\n", 0, offset) + 1
    return expression.count("\n", 0, offset) + 1, offset - line_start + 1


def format_error(expression: str, start: int, end: int, message: str) -> str:
    """Build a message that quotes ``expression`` and marks ``[start, end)``.

    Parameters
    ----------
    expression
        The whole ``where`` expression.
    start
        Offset of the offending place; the caret goes under it.
    end
        Offset just past the offending place; ``~`` marks continue to it on
        the caret's line. Use ``start`` or ``start + 1`` for a single caret.
    message
        What is wrong and what was expected, without a trailing period.

    Returns
    -------
    str
        ``Invalid query expression at line L, column C: <message>.`` followed
        by every line of the expression, with a caret line under the
        offending one.
    """
    start = max(0, min(start, len(expression)))
    line, column = line_and_column(expression, start)
    # A carriage return would send the terminal's cursor back over the line.
    lines = [text.rstrip("\r") for text in expression.split("\n")]
    out = [f"Invalid query expression at line {line}, column {column}: {message}."]
    for number, text in enumerate(lines, start=1):
        out.append(_INDENT + text)
        if number == line:
            prefix = text[: column - 1]
            # Keep tabs so that the caret lines up however the terminal expands them.
            pad = "".join(c if c == "\t" else " " for c in prefix)
            width = max(1, min(end, start + len(text) - (column - 1)) - start)
            out.append(_INDENT + pad + "^" + "~" * (width - 1))
    return "\n".join(out)


def make_syntax_error(expression: str, start: int, end: int, message: str) -> QuerySyntaxError:
    """Return a `QuerySyntaxError` whose message marks ``[start, end)``.

    Parameters
    ----------
    expression
        The whole ``where`` expression.
    start
        Offset of the offending place.
    end
        Offset just past it.
    message
        What is wrong and what was expected, without a trailing period.

    Returns
    -------
    QuerySyntaxError
        The error, not raised.
    """
    return QuerySyntaxError(format_error(expression, start, end, message), expression, start)
