"""Small helpers shared across daf_butler: importing objects named in configuration.

Configuration names Python objects in two ways: a short name listed by the
component that owns the plugin (``TableDelegate``, ``arrow_to_astropy``) or a
fully qualified name (``astropy.table.Table``). Both are resolved here, in one
place, so that every configuration key behaves the same way.
"""

from __future__ import annotations

import builtins
import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["get_full_type_name", "import_qualified", "is_module_loaded", "normalize_type_name"]

_NO_ALIASES: Mapping[str, str] = {}


def import_qualified(name: str, *, aliases: Mapping[str, str] = _NO_ALIASES) -> Any:
    """Return the object a configuration value names.

    Parameters
    ----------
    name
        A short name found in ``aliases``, a builtin name (``dict``,
        ``builtins.int``) or a fully qualified name ``package.module.Object``.
        Attributes of classes are allowed (``package.module.Class.method``).
    aliases
        Short names accepted in this context, mapped to fully qualified names.

    Returns
    -------
    object
        The imported object.

    Raises
    ------
    ImportError
        No module or attribute of that name exists; the message says which
        part could not be found and lists the short names allowed here.
    """
    target = aliases.get(name, name)
    if "." not in target or target.startswith("builtins."):
        short = target.removeprefix("builtins.")
        if hasattr(builtins, short):
            return getattr(builtins, short)
        raise ImportError(
            _explain(name, "it is neither a builtin nor a fully qualified name", aliases)
        )
    parts = target.split(".")
    # Import the longest importable module prefix, then walk attributes from there.
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            obj: Any = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not _is_prefix(exc.name, module_name):
                # A module that exists failed to import one of its own dependencies.
                raise ImportError(
                    f"Cannot import {target!r}: importing {module_name!r} needs the missing "
                    f"module {exc.name!r} (install it to use this object)."
                ) from exc
            continue
        for attribute in parts[split:]:
            try:
                obj = getattr(obj, attribute)
            except AttributeError:
                raise ImportError(
                    _explain(
                        name,
                        f"module {module_name!r} has no attribute path {'.'.join(parts[split:])!r}",
                        aliases,
                    )
                ) from None
        return obj
    raise ImportError(_explain(name, f"no module {parts[0]!r} is installed", aliases))


def _is_prefix(prefix: str, dotted: str) -> bool:
    return dotted == prefix or dotted.startswith(prefix + ".")


def _explain(name: str, reason: str, aliases: Mapping[str, str]) -> str:
    message = f"Cannot import {name!r}: {reason}."
    if aliases:
        message += f" Short names allowed here: {', '.join(sorted(aliases))}."
    return message


def get_full_type_name(obj: Any) -> str:
    """Return the fully qualified name of a type (or of the type of an instance).

    Builtins are returned without their ``builtins.`` prefix (``dict``).
    """
    cls = obj if isinstance(obj, type) else type(obj)
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def normalize_type_name(name: str) -> str:
    """Return a type name with a leading ``builtins.`` removed."""
    return name.removeprefix("builtins.")


def is_module_loaded(qualified_name: str) -> bool:
    """Return whether the top-level package of ``qualified_name`` is imported.

    An object can only be an instance of a class whose module has been
    imported, so callers use this to avoid importing heavy optional packages
    (pandas, pyarrow) merely to find out that an object is not one of theirs.
    """
    import sys

    if "." not in qualified_name:
        return True
    return qualified_name.split(".", 1)[0] in sys.modules
