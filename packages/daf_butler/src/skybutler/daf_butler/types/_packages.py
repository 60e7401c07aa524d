"""`Packages`: the versions of the software a run used."""

from __future__ import annotations

import json
import pickle
import platform
from importlib import metadata
from typing import Any

import yaml

__all__ = ["Packages"]

_FORMATS = ("yaml", "json", "pickle")


class Packages(dict[str, str]):
    """A ``{package name: version}`` mapping with comparison helpers."""

    @classmethod
    def fromSystem(cls) -> Packages:
        """Return the versions of Python and of every installed distribution."""
        versions = cls({"python": platform.python_version()})
        for distribution in metadata.distributions():
            name = distribution.metadata["Name"]
            if name:
                versions.setdefault(name.lower().replace("_", "-"), distribution.version)
        return versions

    def difference(self, other: dict[str, str]) -> dict[str, tuple[str, str]]:
        """Return ``{name: (this version, other version)}`` where both have the package."""
        return {
            name: (version, other[name])
            for name, version in self.items()
            if name in other and other[name] != version
        }

    def extra(self, other: dict[str, str]) -> dict[str, str]:
        """Return the packages here that ``other`` lacks."""
        return {name: version for name, version in self.items() if name not in other}

    def missing(self, other: dict[str, str]) -> dict[str, str]:
        """Return the packages of ``other`` that are not here."""
        return {name: version for name, version in other.items() if name not in self}

    def toBytes(self, format: str = "yaml") -> bytes:
        """Serialize as ``yaml``, ``json`` or ``pickle``."""
        if format == "yaml":
            return yaml.safe_dump(dict(self), sort_keys=True).encode()
        if format == "json":
            return json.dumps(dict(self), sort_keys=True).encode()
        if format == "pickle":
            return pickle.dumps(dict(self))
        raise ValueError(f"Unknown Packages format {format!r}; use one of {list(_FORMATS)}.")

    @classmethod
    def fromBytes(cls, data: bytes, format: str) -> Packages:
        """Read what `toBytes` wrote."""
        loaded: Any
        if format == "yaml":
            loaded = yaml.safe_load(data)
        elif format == "json":
            loaded = json.loads(data)
        elif format == "pickle":
            loaded = pickle.loads(data)
        else:
            raise ValueError(f"Unknown Packages format {format!r}; use one of {list(_FORMATS)}.")
        if not isinstance(loaded, dict):
            raise ValueError(
                "Packages data must hold a mapping of names to versions, not "
                f"{type(loaded).__name__}."
            )
        return cls({str(k): str(v) for k, v in loaded.items()})

    def __repr__(self) -> str:
        return f"Packages({dict.__repr__(self)})"
