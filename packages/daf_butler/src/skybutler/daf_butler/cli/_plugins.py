"""Find ``butler`` subcommands and their short help without importing them.

Two entry-point groups, both owned by daf_butler, describe the commands a
distribution adds:

``skybutler.butler.cli``
    One entry per command: the entry-point name is the command name, the
    value points at a click command object
    (``query-collections = "skybutler.daf_butler.cli.cmd._collections:query_collections"``).
``skybutler.butler.cli_help``
    One entry per distribution, pointing at a plain ``dict`` of command name
    to short help, kept in a module that imports nothing heavy
    (``daf_butler = "skybutler.daf_butler.cli._help:SHORT_HELP"``).

``butler --help`` reads the entry points and imports only the help
mappings. The entry points are read straight from the ``entry_points.txt``
files of the installed distributions (first distribution of a name on
``sys.path`` wins, as in `importlib.metadata`), which costs a few
milliseconds instead of the tens that importing `importlib.metadata` takes.
"""

from __future__ import annotations

__all__ = [
    "COMMAND_GROUP",
    "HELP_GROUP",
    "CommandEntry",
    "EntryPointSpec",
    "discover_commands",
    "load_object",
    "scan_entry_points",
]

import dataclasses
import importlib
import os
import re
import sys
from collections.abc import Iterable, Mapping

COMMAND_GROUP = "skybutler.butler.cli"
"""Entry-point group of ``butler`` subcommands (name = command name)."""

HELP_GROUP = "skybutler.butler.cli_help"
"""Entry-point group of per-distribution ``{command name: short help}`` mappings."""

_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")
_VALUE = re.compile(r"^[\w.]+\s*:\s*[\w.]+$")


@dataclasses.dataclass(frozen=True)
class EntryPointSpec:
    """An entry point as declared, not loaded."""

    group: str
    name: str
    value: str
    distribution: str


@dataclasses.dataclass(frozen=True)
class CommandEntry:
    """A ``butler`` subcommand known from the entry points.

    ``problem`` is set when the entry is unusable before even importing it
    (a name declared twice, a malformed value); such a command is listed as
    broken and refuses to run.
    """

    name: str
    value: str
    distribution: str
    short_help: str | None = None
    problem: str | None = None


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _parse_entry_points(text: str, groups: frozenset[str]) -> Iterable[tuple[str, str, str]]:
    section: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        match = _SECTION.match(line)
        if match:
            section = match["name"].strip()
        elif section in groups and "=" in line:
            name, _, value = line.partition("=")
            yield section, name.strip(), value.strip()


def scan_entry_points(
    groups: Iterable[str], path: Iterable[str] | None = None
) -> list[EntryPointSpec]:
    """Return the entry points of some groups declared by installed distributions.

    Parameters
    ----------
    groups
        Entry-point group names.
    path
        Directories to look in; `sys.path` by default.
    """
    wanted = frozenset(groups)
    seen: set[str] = set()
    found: list[EntryPointSpec] = []
    for entry in list(sys.path if path is None else path):
        directory = entry or os.getcwd()
        try:
            names = sorted(os.listdir(directory))
        except OSError:  # a zip file, or a directory that vanished
            continue
        for item in names:
            if not item.endswith((".dist-info", ".egg-info")):
                continue
            dist = _normalize(item.rpartition(".")[0].partition("-")[0])
            if dist in seen:
                continue
            seen.add(dist)
            try:
                with open(os.path.join(directory, item, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except OSError:
                continue
            found.extend(
                EntryPointSpec(group, name, value, dist)
                for group, name, value in _parse_entry_points(text, wanted)
            )
    return found


def load_object(value: str) -> object:
    """Import and return the object an entry-point value (``module:attr``) names."""
    module_name, _, attr = value.partition(":")
    obj: object = importlib.import_module(module_name.strip())
    for part in attr.strip().split("."):
        obj = getattr(obj, part)
    return obj


def _short_helps(specs: Iterable[EntryPointSpec]) -> tuple[dict[str, str], dict[str, str]]:
    helps: dict[str, str] = {}
    problems: dict[str, str] = {}
    for spec in specs:
        try:
            mapping = load_object(spec.value)
            if not isinstance(mapping, Mapping):
                raise TypeError(f"{spec.value} is a {type(mapping).__name__}, not a mapping")
        except Exception as err:
            problems[spec.distribution] = f"{spec.value} failed to load: {err}"
            continue
        helps.update((str(k), str(v)) for k, v in mapping.items())
    return helps, problems


def discover_commands(
    specs: Iterable[EntryPointSpec] | None = None,
) -> dict[str, CommandEntry]:
    """Return the ``butler`` subcommands by name, sorted, none of them imported.

    Parameters
    ----------
    specs
        Entry points of `COMMAND_GROUP` and `HELP_GROUP`; scanned from the
        installed distributions by default.
    """
    if specs is None:
        specs = scan_entry_points((COMMAND_GROUP, HELP_GROUP))
    specs = list(specs)
    helps, help_problems = _short_helps(s for s in specs if s.group == HELP_GROUP)
    by_name: dict[str, list[EntryPointSpec]] = {}
    for spec in specs:
        if spec.group == COMMAND_GROUP:
            by_name.setdefault(spec.name, []).append(spec)
    commands: dict[str, CommandEntry] = {}
    for name in sorted(by_name):
        first, *others = by_name[name]
        problem = None
        if others:
            declared = ", ".join(f"{s.distribution} ({s.value})" for s in (first, *others))
            problem = (
                f"the command name {name!r} is declared by more than one package: {declared}. "
                "Uninstall one of them or rename its entry point."
            )
        elif not _VALUE.match(first.value):
            problem = (
                f"the entry point value {first.value!r} of {first.distribution} is not of the "
                "form 'module:object'."
            )
        short_help = helps.get(name)
        if short_help is None and first.distribution in help_problems:
            short_help = f"[short help unavailable: {help_problems[first.distribution]}]"
        commands[name] = CommandEntry(name, first.value, first.distribution, short_help, problem)
    return commands
