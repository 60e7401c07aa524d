"""A visitor over ``where`` expression trees."""

from __future__ import annotations

__all__ = ["TreeVisitor"]

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ._function_nodes import (
        BoxNode,
        CircleNode,
        FunctionCall,
        GlobNode,
        PointNode,
        PolygonNode,
        RegionNode,
    )
    from ._nodes import (
        BinaryOp,
        BindName,
        Identifier,
        IsIn,
        NumericLiteral,
        Parens,
        RangeLiteral,
        StringLiteral,
        TimeLiteral,
        TupleNode,
        UnaryOp,
        UuidLiteral,
    )

_T = TypeVar("_T")


class TreeVisitor(ABC, Generic[_T]):
    """One method per kind of node; ``node.accept(visitor)`` calls the right one.

    Each method receives the node itself and decides whether and how to visit
    its children (``child.accept(self)``), so a visitor can translate a tree
    bottom-up, top-down, or stop early. Trees may also be taken apart with
    ``match`` statements instead.
    """

    @abstractmethod
    def visit_binary_op(self, node: BinaryOp) -> _T:
        """Visit a binary operator."""

    @abstractmethod
    def visit_unary_op(self, node: UnaryOp) -> _T:
        """Visit a prefix operator."""

    @abstractmethod
    def visit_is_in(self, node: IsIn) -> _T:
        """Visit an ``IN`` or ``NOT IN`` test."""

    @abstractmethod
    def visit_parens(self, node: Parens) -> _T:
        """Visit an expression in parentheses."""

    @abstractmethod
    def visit_tuple(self, node: TupleNode) -> _T:
        """Visit a parenthesized pair."""

    @abstractmethod
    def visit_identifier(self, node: Identifier) -> _T:
        """Visit a name."""

    @abstractmethod
    def visit_bind_name(self, node: BindName) -> _T:
        """Visit a ``:name`` bind parameter."""

    @abstractmethod
    def visit_numeric_literal(self, node: NumericLiteral) -> _T:
        """Visit a number."""

    @abstractmethod
    def visit_string_literal(self, node: StringLiteral) -> _T:
        """Visit a string."""

    @abstractmethod
    def visit_time_literal(self, node: TimeLiteral) -> _T:
        """Visit a time."""

    @abstractmethod
    def visit_range_literal(self, node: RangeLiteral) -> _T:
        """Visit an integer range."""

    @abstractmethod
    def visit_uuid_literal(self, node: UuidLiteral) -> _T:
        """Visit a UUID."""

    @abstractmethod
    def visit_function_call(self, node: FunctionCall) -> _T:
        """Visit a call of a function that is not built in."""

    @abstractmethod
    def visit_point(self, node: PointNode) -> _T:
        """Visit ``POINT(ra, dec)``."""

    @abstractmethod
    def visit_circle(self, node: CircleNode) -> _T:
        """Visit ``CIRCLE(ra, dec, radius)``."""

    @abstractmethod
    def visit_box(self, node: BoxNode) -> _T:
        """Visit ``BOX(ra, dec, width, height)``."""

    @abstractmethod
    def visit_polygon(self, node: PolygonNode) -> _T:
        """Visit ``POLYGON(...)``."""

    @abstractmethod
    def visit_region(self, node: RegionNode) -> _T:
        """Visit ``REGION(pos)``."""

    @abstractmethod
    def visit_glob(self, node: GlobNode) -> _T:
        """Visit ``GLOB(column, pattern)``."""
