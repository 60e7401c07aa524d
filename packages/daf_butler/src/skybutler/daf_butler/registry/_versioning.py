"""Schema versions of registry managers, and the rule for opening a repository.

Every manager (attributes, collections, and later dimensions, datasets...)
has a short name and a `VersionTuple`; the repository stores
``version:<short name>`` → ``"M.m.p"`` in ``butler_attributes`` when it is
created. Opening it compares the stored and the code's versions
(`check_compatible`):

- another major version: the layouts differ, refused;
- a newer minor version in the repository: it may hold things this code does
  not understand, refused (upgrade skybutler);
- a newer minor version in the code: readable, but writing could leave rows the
  repository's schema cannot express, so only a read-only open is allowed
  (or migrate the repository);
- the patch number is ignored.
"""

from __future__ import annotations

__all__ = ["VersionTuple", "VersionedManager", "check_compatible"]

import dataclasses
import re
from abc import ABC, abstractmethod
from typing import ClassVar

from ..errors import IncompatibleSchemaVersionError
from .databases import TableSpec

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


@dataclasses.dataclass(frozen=True, order=True, slots=True)
class VersionTuple:
    """A ``major.minor.patch`` schema version."""

    major: int
    minor: int
    patch: int

    @classmethod
    def fromString(cls, text: str) -> VersionTuple:
        """Parse ``"M.m.p"``.

        Raises
        ------
        ValueError
            If the text is not three dot-separated integers.
        """
        match = _VERSION_RE.match(text.strip())
        if match is None:
            raise ValueError(f"Schema version {text!r} is not of the form 'major.minor.patch'.")
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


class VersionedManager(ABC):
    """A registry manager: owns some tables and a schema version for them.

    Subclasses set `short_name` and `schema_version` and describe their
    static tables in `table_specs`, in dependency order.
    """

    short_name: ClassVar[str]
    """Name under which the version is stored (``version:<short_name>``)."""

    schema_version: ClassVar[VersionTuple]
    """Version of the tables this code writes."""

    @classmethod
    @abstractmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        """Return the manager's static tables, referenced tables first."""


def check_compatible(
    manager: str, stored: VersionTuple, code: VersionTuple, *, writeable: bool
) -> None:
    """Refuse to use a repository whose schema this code cannot handle.

    Raises
    ------
    IncompatibleSchemaVersionError
        See the module documentation for the rule; the message names the
        manager, both versions and what to do.
    """
    prefix = (
        f"The repository's schema for registry manager {manager!r} is version {stored}, "
        f"but this skybutler uses version {code}"
    )
    if stored.major != code.major:
        if stored.major > code.major:
            action = "upgrade skybutler to a release that supports it"
        else:
            action = "migrate the repository to the new schema (or use an older skybutler)"
        raise IncompatibleSchemaVersionError(f"{prefix}: the major versions differ; {action}.")
    if stored.minor > code.minor:
        raise IncompatibleSchemaVersionError(
            f"{prefix}: the repository is newer; upgrade skybutler to use it."
        )
    if stored.minor < code.minor and writeable:
        raise IncompatibleSchemaVersionError(
            f"{prefix}: the repository is older and can only be opened read-only; migrate it "
            "to write to it."
        )
