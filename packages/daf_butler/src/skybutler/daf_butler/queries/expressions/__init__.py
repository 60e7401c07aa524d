"""The ``where`` expression language: parsing text into an immutable syntax tree.

`parse_expression` turns a string such as
``"instrument = 'HSC' AND visit IN (12..20:2) AND exposure.day_obs > 20240101"``
into a tree of `Node` objects (or `None` for an empty string); a malformed
string raises `~skybutler.daf_butler.errors.QuerySyntaxError` with a caret
under the offending place. Trees print back canonically with `str` and are
walked with a `TreeVisitor` or ``match`` statements. Nothing here knows about
dimensions or SQL; later stages resolve names and types.
"""

from ._function_nodes import (
    BoxNode,
    CircleNode,
    FunctionCall,
    GlobNode,
    PointNode,
    PolygonNode,
    RegionNode,
)
from ._functions import BUILTIN_FUNCTIONS
from ._lexer import KEYWORDS, Token, tokenize
from ._messages import format_error, line_and_column
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
from ._parser import MAX_NESTING, parse_expression
from ._time import default_time_scale, detect_time_format, format_time, parse_time_string
from ._visitor import TreeVisitor

__all__ = [
    "BUILTIN_FUNCTIONS",
    "KEYWORDS",
    "MAX_NESTING",
    "BinaryOp",
    "BindName",
    "BoxNode",
    "CircleNode",
    "FunctionCall",
    "GlobNode",
    "Identifier",
    "IsIn",
    "Node",
    "NumericLiteral",
    "Parens",
    "PointNode",
    "PolygonNode",
    "RangeLiteral",
    "RegionNode",
    "Span",
    "StringLiteral",
    "TimeLiteral",
    "Token",
    "TreeVisitor",
    "TupleNode",
    "UnaryOp",
    "UuidLiteral",
    "default_time_scale",
    "detect_time_format",
    "format_error",
    "format_time",
    "line_and_column",
    "parse_expression",
    "parse_time_string",
    "tokenize",
]
