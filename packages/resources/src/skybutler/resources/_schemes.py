"""Find the `ResourcePath` subclass that handles a URI scheme.

Schemes are plugins in the entry-point group ``skybutler.resources.schemes``;
each entry point names a `ResourcePath` subclass. The schemes this package
ships are also listed in `BUILTIN_SCHEMES` so that resolving them never scans
installed distributions (a scan costs milliseconds; a URI must cost
microseconds). A test keeps that table and the package's entry points equal.
Other schemes are looked up through the entry points, once, on first use.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING

from .errors import UnknownSchemeError

if TYPE_CHECKING:
    from ._path import ResourcePath

__all__ = ["BUILTIN_SCHEMES", "ENTRY_POINT_GROUP", "known_schemes", "scheme_class"]

ENTRY_POINT_GROUP = "skybutler.resources.schemes"

BUILTIN_SCHEMES: dict[str, str] = {
    "": "skybutler.resources._file:SchemelessResourcePath",
    "file": "skybutler.resources._file:FileResourcePath",
    "mem": "skybutler.resources._mem:InMemoryResourcePath",
    "resource": "skybutler.resources._package:PackageResourcePath",
    "s3": "skybutler.resources._s3:S3ResourcePath",
    "gs": "skybutler.resources._gs:GSResourcePath",
    "http": "skybutler.resources._http:HttpResourcePath",
    "https": "skybutler.resources._http:HttpResourcePath",
    "dav": "skybutler.resources._http:DavResourcePath",
    "davs": "skybutler.resources._http:DavResourcePath",
}
"""Schemes shipped with this package, by name, as ``module:Class``."""

_resolved: dict[str, type[ResourcePath]] = {}
_plugins: dict[str, str] | None = None
_lock = threading.Lock()


def _load(target: str, scheme: str) -> type[ResourcePath]:
    from ._path import ResourcePath

    module_name, _, attr = target.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr)
    except ImportError as exc:
        raise UnknownSchemeError(
            f"The {scheme!r} scheme is installed but cannot be loaded ({exc}); "
            f"install its extra, e.g. pip install 'skybutler-resources[{_extra_for(scheme)}]'."
        ) from exc
    if not (isinstance(obj, type) and issubclass(obj, ResourcePath)):
        raise UnknownSchemeError(
            f"Plugin {target!r} for scheme {scheme!r} is not a ResourcePath subclass."
        )
    return obj


def _extra_for(scheme: str) -> str:
    return {
        "s3": "s3",
        "gs": "gs",
        "http": "https",
        "https": "https",
        "dav": "https",
        "davs": "https",
    }.get(scheme, scheme)


def _plugin_table() -> dict[str, str]:
    global _plugins
    if _plugins is None:
        from importlib.metadata import entry_points  # costs ~25 ms: only when a plugin is needed

        _plugins = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return _plugins


def known_schemes() -> list[str]:
    """Return the names of every scheme that can be used, sorted."""
    return sorted({*BUILTIN_SCHEMES, *_plugin_table()} - {""})


def scheme_class(scheme: str) -> type[ResourcePath]:
    """Return the `ResourcePath` subclass for a (lower-case) scheme name.

    Raises
    ------
    UnknownSchemeError
        No plugin handles the scheme, or its plugin cannot be imported.
    """
    found = _resolved.get(scheme)
    if found is not None:
        return found
    with _lock:
        target = BUILTIN_SCHEMES.get(scheme) or _plugin_table().get(scheme)
        if target is None:
            raise UnknownSchemeError(
                f"No plugin handles the URI scheme {scheme!r}; "
                f"known schemes: {', '.join(known_schemes())}."
            )
        found = _resolved[scheme] = _load(target, scheme)
    return found
