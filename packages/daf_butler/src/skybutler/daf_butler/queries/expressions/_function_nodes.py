"""Function calls in a ``where`` expression: the built-in region and GLOB functions, and others.

Built-in names are case-insensitive and print in upper case. Any other name
makes a generic `FunctionCall`, which the parser accepts and later stages
reject if they do not know it.
"""

from __future__ import annotations

__all__ = [
    "BoxNode",
    "CircleNode",
    "FunctionCall",
    "GlobNode",
    "PointNode",
    "PolygonNode",
    "RegionNode",
]

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from ._nodes import Identifier, Node

if TYPE_CHECKING:
    from ._visitor import TreeVisitor

_T = TypeVar("_T")


def _call(name: str, args: tuple[Node, ...]) -> str:
    return f"{name}({', '.join(str(arg) for arg in args)})"


@dataclass(frozen=True, slots=True)
class FunctionCall(Node):
    """A call of a function that is not built in, kept for later stages to resolve."""

    name: str
    """The name as written."""

    args: tuple[Node, ...]

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_function_call(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return self.args

    def __str__(self) -> str:
        return _call(self.name, self.args)


@dataclass(frozen=True, slots=True)
class PointNode(Node):
    """``POINT(ra, dec)``: a point on the sky, in degrees."""

    ra: Node
    dec: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_point(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.ra, self.dec)

    def __str__(self) -> str:
        return _call("POINT", self.children)


@dataclass(frozen=True, slots=True)
class CircleNode(Node):
    """``CIRCLE(ra, dec, radius)``: a circle on the sky, in degrees."""

    ra: Node
    dec: Node
    radius: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_circle(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.ra, self.dec, self.radius)

    def __str__(self) -> str:
        return _call("CIRCLE", self.children)


@dataclass(frozen=True, slots=True)
class BoxNode(Node):
    """``BOX(ra, dec, width, height)``: a box centred on a point, in degrees."""

    ra: Node
    dec: Node
    width: Node
    height: Node

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_box(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.ra, self.dec, self.width, self.height)

    def __str__(self) -> str:
        return _call("BOX", self.children)


@dataclass(frozen=True, slots=True)
class PolygonNode(Node):
    """``POLYGON(ra1, dec1, ra2, dec2, ra3, dec3, ...)``: the convex hull of the vertices."""

    vertices: tuple[tuple[Node, Node], ...]
    """``(ra, dec)`` of each vertex, in degrees."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_polygon(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return tuple(coordinate for vertex in self.vertices for coordinate in vertex)

    def __str__(self) -> str:
        return _call("POLYGON", self.children)


@dataclass(frozen=True, slots=True)
class RegionNode(Node):
    """``REGION(pos)``: a region given as an IVOA SIAv2 ``POS`` string or a bind name."""

    pos: Node
    """A `StringLiteral` or a `BindName`."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_region(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.pos,)

    def __str__(self) -> str:
        return _call("REGION", self.children)


@dataclass(frozen=True, slots=True)
class GlobNode(Node):
    """``GLOB(column, pattern)``: a whole-string, case-sensitive match with ``*`` and ``?``."""

    expression: Identifier
    """The string column matched."""

    pattern: Node
    """A `StringLiteral` or a `BindName`."""

    def accept(self, visitor: TreeVisitor[_T]) -> _T:
        return visitor.visit_glob(self)

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.expression, self.pattern)

    def __str__(self) -> str:
        return _call("GLOB", self.children)
