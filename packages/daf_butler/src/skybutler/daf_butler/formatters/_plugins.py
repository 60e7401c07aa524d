"""`PluginTable`: short plugin names resolved through built-ins, then an entry-point group.

The plugins a package ships are listed in a built-in table so that resolving
them never scans installed distributions; other names are looked up, once,
in the entry-point group. Upstream's fully qualified class names are
accepted through an alias table, so upstream configuration files keep
working, but only short names are ever written down.
"""

from __future__ import annotations

__all__ = ["PluginTable"]

import importlib
import threading
from collections.abc import Mapping
from typing import Any, Generic, TypeVar, cast

from ..errors import ButlerError

_T = TypeVar("_T")


class PluginTable(Generic[_T]):
    """Resolve short names to classes of one plugin family.

    Parameters
    ----------
    group
        Entry-point group of the family.
    base
        Class every plugin must derive from.
    builtins
        ``{name: "module:Class"}`` shipped with the package.
    aliases
        Other accepted spellings (upstream class paths) ``{alias: name}``.
    error
        Error class raised for unknown or broken plugins.
    """

    def __init__(
        self,
        group: str,
        base: type[Any],
        builtins: Mapping[str, str],
        aliases: Mapping[str, str],
        error: type[ButlerError],
    ) -> None:
        self.group = group
        self._base = base
        self._builtins = dict(builtins)
        self._aliases = dict(aliases)
        self._error = error
        self._loaded: dict[str, type[_T]] = {}
        self._entry_points: dict[str, str] | None = None
        self._lock = threading.Lock()

    def canonical(self, name: str) -> str:
        """Return the short name for a name or accepted alias (unchanged if unknown)."""
        return self._aliases.get(name, name)

    def _plugin_values(self) -> dict[str, str]:
        if self._entry_points is None:
            from importlib.metadata import entry_points

            found: dict[str, str] = {}
            for ep in entry_points(group=self.group):
                if ep.name in found and found[ep.name] != ep.value:
                    raise self._error(
                        f"Two plugins are installed under the name {ep.name!r} in entry-point "
                        f"group {self.group!r} ({found[ep.name]} and {ep.value}); uninstall one."
                    )
                found[ep.name] = ep.value
            self._entry_points = found
        return self._entry_points

    def register(self, name: str, cls: type[_T]) -> None:
        """Make a class available under a short name in this process (tests, notebooks).

        Raises
        ------
        ButlerError
            (of the table's error class) The name is taken by another class.
        """
        if not (isinstance(cls, type) and issubclass(cls, self._base)):
            raise self._error(f"{cls!r} is not a {self._base.__name__} subclass.")
        known = self._loaded.get(name)
        if (known is not None and known is not cls) or name in self._builtins:
            raise self._error(f"The name {name!r} is already used in group {self.group!r}.")
        self._loaded[name] = cls

    def unregister(self, name: str) -> None:
        """Forget a class added by `register`."""
        if name not in self._builtins:
            self._loaded.pop(name, None)

    def aliases_of(self, name: str) -> list[str]:
        """Return the other accepted spellings (upstream class paths) of a short name."""
        return sorted(alias for alias, short in self._aliases.items() if short == name)

    def names(self) -> list[str]:
        """Return every known short name (built-in and installed)."""
        return sorted({*self._builtins, *self._plugin_values(), *self._loaded})

    def load(self, name: str) -> type[_T]:
        """Return the class of a plugin name.

        Raises
        ------
        ButlerError
            (of the table's error class) The name is unknown, or its plugin
            cannot be imported or is not of the right kind.
        """
        short = self.canonical(name)
        found = self._loaded.get(short)
        if found is not None:
            return found
        with self._lock:
            target = self._builtins.get(short)
            if target is None:
                target = self._plugin_values().get(short)
            if target is None:
                raise self._error(
                    f"Unknown {self._base.__name__.lower()} {name!r}; known: {self.names()} "
                    f"(plugins register in entry-point group {self.group!r})."
                )
            module_name, _, attr = target.partition(":")
            try:
                obj = getattr(importlib.import_module(module_name), attr)
            except (ImportError, AttributeError) as exc:
                raise self._error(
                    f"Plugin {short!r} ({target}) of group {self.group!r} is broken: {exc}"
                ) from exc
            if not (isinstance(obj, type) and issubclass(obj, self._base)):
                raise self._error(
                    f"Plugin {short!r} ({target}) of group {self.group!r} is not a "
                    f"{self._base.__name__} subclass."
                )
            self._loaded[short] = cast(type[_T], obj)
            return cast(type[_T], obj)
