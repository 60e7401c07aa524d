"""The syntax tree of a ``where`` expression: operators, literals, names and groupings.

Nodes are frozen, slotted dataclasses: they can be shared, hashed and matched
with ``match`` (positional patterns follow the field order). Each records the
`Span` of source text it came from; the span takes no part in equality, so a
tree equals the tree parsed from its own `str`. The built-in function nodes
live in ``_function_nodes.py``.
"""

from __future__ import annotations

__all__ = [
    "BinaryOp",
    "BindName",
    "Identifier",
    "IsIn",
    "Node",
    "NumericLiteral",
    "Parens",
    "RangeLiteral",
    "Span",
    "StringLiteral",
    "TimeLiteral",
    "TupleNode",
    "UnaryOp",
    "UuidLiteral",
]

import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ._time import format_time

if TYPE_CHECKING:
    import astropy.time

    from ._visitor import TreeVisitor

_T = TypeVar("_T")

# Binding strength, weakest first: a node printed as an operand of an operator
# that binds more tightly than the node itself gets parentheses.
LEVEL_OR = 1
LEVEL_AND = 2
LEVEL_NOT = 3
LEVEL_OVERLAPS = 4
LEVEL_EQUALITY = 5
LEVEL_RELATIONAL = 6
LEVEL_IN = 7
LEVEL_ADDITIVE = 8
LEVEL_MULTIPLICATIVE = 9
LEVEL_UNARY = 10
LEVEL_ATOM = 11

BINARY_LEVELS: dict[str, int] = {
    "OR": LEVEL_OR,
    "AND": LEVEL_AND,
    "OVERLAPS": LEVEL_OVERLAPS,
    "=": LEVEL_EQUALITY,
    "!=": LEVEL_EQUALITY,
    "<": LEVEL_RELATIONAL,
    "<=": LEVEL_RELATIONAL,
    ">": LEVEL_RELATIONAL,
    ">=": LEVEL_RELATIONAL,
    "+": LEVEL_ADDITIVE,
    "-": LEVEL_ADDITIVE,
    "*": LEVEL_MULTIPLICATIVE,
    "/": LEVEL_MULTIPLICATIVE,
    "%": LEVEL_MULTIPLICATIVE,
}
"""Binary operators and their levels; all are left-associative except comparisons."""

NON_ASSOCIATIVE_LEVELS = frozenset({LEVEL_OVERLAPS, LEVEL_EQUALITY, LEVEL_RELATIONAL})


class Span(NamedTuple):
    """Offsets ``[start, end)`` of a node's text in the expression it was parsed from."""

    start: int
    end: int


_NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Node(ABC):
    """Base of every node of a ``where`` expression tree."""

    span: Span = field(default=_NO_SPAN, compare=False, repr=False, kw_only=True)
    """Where the node's text is in the parsed expression; ``(0, 0)`` if built in code."""

    @abstractmethod
    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        """Call the method of ``visitor`` for this kind of node and return its result.

        Parameters
        ----------
        visitor
            The visitor.

        Returns
        -------
        object
            What the visitor method returns.
        """

    @property
    @abstractmethod
    def children(self) -> tuple[Node, ...]:
        """The nodes directly below this one, in source order."""


def level_of(node: Node) -> int:
    """Return how tightly ``node`` binds, for deciding where printing needs parentheses."""
    if isinstance(node, BinaryOp):
        return BINARY_LEVELS[node.op]
    if isinstance(node, UnaryOp):
        return LEVEL_NOT if node.op == "NOT" else LEVEL_UNARY
    if isinstance(node, IsIn):
        return LEVEL_IN
    return LEVEL_ATOM


def _operand(node: Node, minimum: int) -> str:
    # Parentheses only where the text would otherwise parse differently.
    text = str(node)
    return f"({text})" if level_of(node) < minimum else text


@dataclass(frozen=True, slots=True)
class BinaryOp(Node):
    """A binary operator: ``OR``, ``AND``, ``OVERLAPS``, a comparison or arithmetic."""

    op: str
    """The operator: ``OR``, ``AND``, ``OVERLAPS``, ``=``, ``!=``, ``<``, ``<=``,
    ``>``, ``>=``, ``+``, ``-``, ``*``, ``/`` or ``%``."""

    lhs: Node
    rhs: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_binary_op(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.lhs, self.rhs)

    def __str__(self) -> str:
        level = BINARY_LEVELS[self.op]
        # Long chains such as "a OR b OR c ..." are left-deep trees: print them in
        # a loop so that thousands of terms do not exhaust the recursion limit.
        chain = [self]
        lhs = self.lhs
        if level in NON_ASSOCIATIVE_LEVELS:
            left_minimum = level + 1
        else:
            left_minimum = level
            while isinstance(lhs, BinaryOp) and BINARY_LEVELS[lhs.op] == level:
                chain.append(lhs)
                lhs = lhs.lhs
        pieces = [_operand(lhs, left_minimum)]
        pieces.extend(f" {node.op} {_operand(node.rhs, level + 1)}" for node in reversed(chain))
        return "".join(pieces)


@dataclass(frozen=True, slots=True)
class UnaryOp(Node):
    """A prefix operator: ``NOT``, ``-`` or ``+``."""

    op: str
    """``NOT``, ``-`` or ``+``."""

    operand: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_unary_op(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def __str__(self) -> str:
        if self.op == "NOT":
            return f"NOT {_operand(self.operand, LEVEL_NOT)}"
        operand = _operand(self.operand, LEVEL_UNARY)
        # "- 1..5" keeps its space, or it would read as a range from -1; "- -x" reads better.
        if isinstance(self.operand, RangeLiteral) or operand[0] in "+-":
            return f"{self.op} {operand}"
        return f"{self.op}{operand}"


@dataclass(frozen=True, slots=True)
class IsIn(Node):
    """``lhs [NOT] IN (values...)``."""

    lhs: Node
    values: tuple[Node, ...]
    """Literals, ranges, bind names, simple identifiers or function calls."""

    not_in: bool = False
    """Whether the test is ``NOT IN``."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_is_in(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.lhs, *self.values)

    def __str__(self) -> str:
        keyword = "NOT IN" if self.not_in else "IN"
        values = ", ".join(str(value) for value in self.values)
        return f"{_operand(self.lhs, LEVEL_ADDITIVE)} {keyword} ({values})"


@dataclass(frozen=True, slots=True)
class Parens(Node):
    """An expression in parentheses, kept so that printing shows them again."""

    expr: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_parens(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.expr,)

    def __str__(self) -> str:
        return f"({self.expr})"


@dataclass(frozen=True, slots=True)
class TupleNode(Node):
    """A parenthesized pair ``(a, b)``; it stands for a time range."""

    items: tuple[Node, Node]

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_tuple(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return self.items

    def __str__(self) -> str:
        return f"({self.items[0]}, {self.items[1]})"


@dataclass(frozen=True, slots=True)
class Identifier(Node):
    """A name: ``visit``, ``visit.exposure_time`` or ``raw.timespan.begin``."""

    name: str
    """The name as written, with its dots."""

    @property
    def parts(self) -> tuple[str, ...]:
        """The dot-separated parts of the name (one to three)."""
        return tuple(self.name.split("."))

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_identifier(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class BindName(Node):
    """A bind parameter written ``:name``; its value comes from the query's ``bind``."""

    name: str
    """The name, without the colon."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_bind_name(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return f":{self.name}"


@dataclass(frozen=True, slots=True)
class NumericLiteral(Node):
    """A number, kept as written (with its sign, if any) and as a Python number."""

    text: str
    """The literal as written, e.g. ``-1.e+20``."""

    value: int | float = field(init=False)
    """The number: an `int` when written without ``.`` or an exponent, else a `float`."""

    def __post_init__(self) -> None:
        text = self.text
        is_float = "." in text or "e" in text or "E" in text
        object.__setattr__(self, "value", float(text) if is_float else int(text))

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_numeric_literal(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class StringLiteral(Node):
    """A single-quoted string; it cannot contain a quote or a newline."""

    value: str

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_string_literal(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return f"'{self.value}'"


@dataclass(frozen=True, slots=True, eq=False)
class TimeLiteral(Node):
    """A time ``T'...'``, read into an astropy time.

    Two time literals are equal when their times have the same format, scale
    and two-part Julian date.
    """

    value: astropy.time.Time

    def _key(self) -> tuple[Any, ...]:
        time = self.value
        return (time.format, time.scale, float(time.jd1), float(time.jd2))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TimeLiteral):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_time_literal(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return f"T'{format_time(self.value)}'"


@dataclass(frozen=True, slots=True)
class RangeLiteral(Node):
    """An integer range ``start..stop[:stride]``; ``stop`` is included."""

    start: int
    stop: int
    stride: int | None = None
    """The step, a positive integer, or `None` if not written."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_range_literal(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        stride = "" if self.stride is None else f":{self.stride}"
        return f"{self.start}..{self.stop}{stride}"


@dataclass(frozen=True, slots=True)
class UuidLiteral(Node):
    """A UUID written ``UUID('...')``, e.g. a dataset ID."""

    value: uuid.UUID

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_uuid_literal(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return ()

    def __str__(self) -> str:
        return f"UUID('{self.value}')"
