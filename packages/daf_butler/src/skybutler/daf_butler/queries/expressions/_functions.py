"""Checking the arguments of built-in functions and building their nodes."""

from __future__ import annotations

__all__ = ["BUILTIN_FUNCTIONS", "build_call"]

import uuid
from collections.abc import Callable
from typing import NoReturn

from ._function_nodes import (
    BoxNode,
    CircleNode,
    FunctionCall,
    GlobNode,
    PointNode,
    PolygonNode,
    RegionNode,
)
from ._messages import make_syntax_error
from ._nodes import (
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
    UuidLiteral,
)

_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})
_DESCRIPTIONS: dict[type[Node], str] = {
    StringLiteral: "a string literal",
    TimeLiteral: "a time literal",
    RangeLiteral: "a range",
    UuidLiteral: "a UUID",
    TupleNode: "a pair",
    IsIn: "an IN test",
    PointNode: "a POINT",
    CircleNode: "a CIRCLE",
    BoxNode: "a BOX",
    PolygonNode: "a POLYGON",
    RegionNode: "a REGION",
    GlobNode: "a GLOB",
    NumericLiteral: "a number",
    Identifier: "an identifier",
    BindName: "a bind name",
    FunctionCall: "a function call",
}


def _describe(node: Node) -> str:
    if isinstance(node, BinaryOp):
        if node.op in _ARITHMETIC:
            return "an arithmetic expression"
        return "a logical expression" if node.op in ("AND", "OR") else "a comparison"
    if isinstance(node, UnaryOp):
        return "a NOT expression" if node.op == "NOT" else "a signed expression"
    if isinstance(node, Parens):
        return _describe(node.expr)
    return _DESCRIPTIONS.get(type(node), "an expression")


def _is_number_like(node: Node) -> bool:
    # What can evaluate to a number of degrees: numbers, names, binds, arithmetic on
    # them and unknown function calls (which later stages accept or reject).
    while isinstance(node, Parens):
        node = node.expr
    if isinstance(node, NumericLiteral | Identifier | BindName | FunctionCall):
        return True
    if isinstance(node, UnaryOp):
        return node.op != "NOT" and _is_number_like(node.operand)
    if isinstance(node, BinaryOp):
        return node.op in _ARITHMETIC and _is_number_like(node.lhs) and _is_number_like(node.rhs)
    return False


class _CallChecker:
    """Raises errors that point at a call's arguments."""

    __slots__ = ("args", "expression", "name", "span")

    def __init__(self, expression: str, name: str, args: tuple[Node, ...], span: Span) -> None:
        self.expression = expression
        self.name = name
        self.args = args
        self.span = span

    def fail(self, message: str, node: Node | None = None) -> NoReturn:
        span = self.span if node is None else node.span
        raise make_syntax_error(self.expression, span.start, span.end, message)

    def count(self, expected: int, what: str) -> None:
        if len(self.args) != expected:
            self.fail(f"{self.name} requires {what}, got {_count(len(self.args))}")

    def numbers(self) -> None:
        for index, arg in enumerate(self.args, start=1):
            if not _is_number_like(arg):
                self.fail(
                    f"argument {index} of {self.name} must be a number of degrees: a numeric "
                    f"literal, an identifier, a bind name or arithmetic on them, "
                    f"not {_describe(arg)}",
                    arg,
                )

    def string_or_bind(self, arg: Node, what: str) -> None:
        if not isinstance(arg, StringLiteral | BindName):
            self.fail(
                f"{what} of {self.name} must be a string literal or a bind name, "
                f"not {_describe(arg)}",
                arg,
            )


def _count(n: int) -> str:
    return "no arguments" if n == 0 else "1 argument" if n == 1 else f"{n} arguments"


def _point(c: _CallChecker) -> Node:
    c.count(2, "exactly two arguments (ra, dec)")
    c.numbers()
    return PointNode(c.args[0], c.args[1], span=c.span)


def _circle(c: _CallChecker) -> Node:
    c.count(3, "exactly three arguments (ra, dec, radius)")
    c.numbers()
    return CircleNode(c.args[0], c.args[1], c.args[2], span=c.span)


def _box(c: _CallChecker) -> Node:
    c.count(4, "exactly four arguments (ra, dec, width, height)")
    c.numbers()
    return BoxNode(c.args[0], c.args[1], c.args[2], c.args[3], span=c.span)


def _polygon(c: _CallChecker) -> Node:
    n = len(c.args)
    if n < 6 or n % 2:
        c.fail(
            "POLYGON requires an even number of arguments, at least six: the ra and dec of "
            f"three or more vertices (ra1, dec1, ra2, dec2, ra3, dec3, ...), got {_count(n)}"
        )
    c.numbers()
    vertices = tuple((c.args[i], c.args[i + 1]) for i in range(0, n, 2))
    return PolygonNode(vertices, span=c.span)


def _region(c: _CallChecker) -> Node:
    c.count(1, "exactly one argument (an IVOA SIAv2 POS string or a bind name)")
    c.string_or_bind(c.args[0], "the argument")
    return RegionNode(c.args[0], span=c.span)


def _glob(c: _CallChecker) -> Node:
    c.count(2, "exactly two arguments (a column identifier and a pattern)")
    column, pattern = c.args
    if not isinstance(column, Identifier):
        c.fail(
            f"the first argument of GLOB must be an identifier naming a string column, "
            f"not {_describe(column)}",
            column,
        )
    c.string_or_bind(pattern, "the pattern")
    return GlobNode(column, pattern, span=c.span)


def _uuid(c: _CallChecker) -> Node:
    c.count(1, "exactly one argument (a UUID in a string literal)")
    arg = c.args[0]
    if not isinstance(arg, StringLiteral):
        c.fail(f"the argument of UUID must be a string literal, not {_describe(arg)}", arg)
    try:
        value = uuid.UUID(arg.value)
    except ValueError:
        c.fail(
            f"{arg.value!r} is not a UUID; write 32 hexadecimal digits, e.g. "
            "'3b8f6c2e-0d4a-4c1e-9a57-6f1e2d3c4b5a'",
            arg,
        )
    return UuidLiteral(value, span=c.span)


BUILTIN_FUNCTIONS: dict[str, Callable[[_CallChecker], Node]] = {
    "BOX": _box,
    "CIRCLE": _circle,
    "GLOB": _glob,
    "POINT": _point,
    "POLYGON": _polygon,
    "REGION": _region,
    "UUID": _uuid,
}
"""Built-in function names (upper case) and the builders that check their arguments."""


def build_call(expression: str, name: str, args: tuple[Node, ...], span: Span) -> Node:
    """Return the node for the call ``name(args...)``.

    Parameters
    ----------
    expression
        The whole expression, for error messages.
    name
        The function name as written.
    args
        The parsed arguments.
    span
        Where the call is, from its name to its closing parenthesis.

    Returns
    -------
    Node
        A built-in function's node, `UuidLiteral` for ``UUID``, or a
        `FunctionCall` for any other name.

    Raises
    ------
    QuerySyntaxError
        Raised if a built-in function gets the wrong number or kind of arguments.
    """
    builder = BUILTIN_FUNCTIONS.get(name.upper())
    if builder is None:
        return FunctionCall(name, args, span=span)
    return builder(_CallChecker(expression, name.upper(), args, span))
