"""Collection names and collection search expressions.

An expression is a name, a glob (``*``, ``?``, ``[...]``, ``[!...]`` or
``[^...]``, case-sensitive as SQLite's GLOB), a compiled regular expression
(matched against the whole name), ``...`` (everything), or an iterable of
these. A bare ``*`` or an empty string also means everything. Names may not
contain glob characters, so a string is a glob exactly when it has one.
"""

from __future__ import annotations

__all__ = ["CollectionExpression", "check_collection_name", "is_pattern"]

import dataclasses
import fnmatch
import re
import types
from collections.abc import Iterable
from typing import Any

from ...errors import CollectionNameError
from ._tables import MAX_NAME_LENGTH

_GLOB_CHARS = frozenset("*?[")
_FORBIDDEN = frozenset("*?[],")


def is_pattern(text: str) -> bool:
    """Return whether a string is a glob pattern rather than a name."""
    return any(char in _GLOB_CHARS for char in text)


def check_collection_name(name: object) -> str:
    """Return ``name`` if it can name a collection.

    Raises
    ------
    CollectionNameError
        It is not a string, is empty or longer than 64 characters, or contains
        whitespace, control characters or any of ``* ? [ ] ,``.
    """
    if not isinstance(name, str):
        raise CollectionNameError(f"A collection name must be a string, not {name!r}.")
    bad = sorted({char for char in name if char in _FORBIDDEN or not char.isprintable()})
    bad += sorted({char for char in name if char.isspace()} - set(bad))
    if not name or len(name) > MAX_NAME_LENGTH or bad:
        why = (
            "is empty"
            if not name
            else f"has {len(name)} characters"
            if len(name) > MAX_NAME_LENGTH
            else f"contains {bad}"
        )
        raise CollectionNameError(
            f"Invalid collection name {name!r}: it {why}. Names have 1 to {MAX_NAME_LENGTH} "
            "characters, without whitespace, control characters or any of '* ? [ ] ,' "
            "(those are reserved for patterns and lists); '/' is the usual separator."
        )
    return name


def _glob_to_regex(glob: str) -> re.Pattern[str]:
    # fnmatch negates with '!'; SQLite's GLOB (upstream's semantics) with '^' too.
    return re.compile(fnmatch.translate(glob.replace("[^", "[!")))


@dataclasses.dataclass(frozen=True, slots=True)
class CollectionExpression:
    """A parsed collection search expression.

    ``items`` keeps the order given: each is a name (`str`) or a compiled
    pattern (`re.Pattern`); ``everything`` is true for ``...``, ``*`` or ``""``.
    """

    items: tuple[str | re.Pattern[str], ...] = ()
    everything: bool = False

    @classmethod
    def parse(cls, expression: Any) -> CollectionExpression:
        """Parse an expression (see the module documentation).

        Raises
        ------
        TypeError
            An element is neither a string, a pattern nor ``...``.
        """
        items: list[str | re.Pattern[str]] = []
        everything = False
        for element in _elements(expression):
            if element is Ellipsis or element in ("", "*"):
                everything = True
            elif isinstance(element, re.Pattern):
                items.append(element)
            elif isinstance(element, str):
                items.append(_glob_to_regex(element) if is_pattern(element) else element)
            else:
                raise TypeError(
                    f"Collection expression element {element!r} is not a name, a glob string, "
                    "a compiled regular expression or '...'."
                )
        return cls(tuple(items), everything)

    @property
    def names(self) -> tuple[str, ...]:
        """The plain names, in order."""
        return tuple(item for item in self.items if isinstance(item, str))

    @property
    def has_patterns(self) -> bool:
        """Whether anything other than plain names is involved."""
        return self.everything or any(isinstance(item, re.Pattern) for item in self.items)


def _elements(expression: Any) -> Iterable[Any]:
    if expression is Ellipsis or expression is None:
        return [Ellipsis]
    if isinstance(expression, str | re.Pattern | types.EllipsisType):
        return [expression]
    if isinstance(expression, Iterable):
        return list(expression)
    return [expression]
