"""Finding subcommands from entry points without importing them."""

from __future__ import annotations

import sys
from importlib.metadata import entry_points
from pathlib import Path

import click
import pytest

from skybutler.daf_butler.cli import _plugins
from skybutler.daf_butler.cli._help import SHORT_HELP
from skybutler.daf_butler.cli._plugins import (
    COMMAND_GROUP,
    HELP_GROUP,
    EntryPointSpec,
    discover_commands,
    load_object,
    scan_entry_points,
)

from .conftest import Invoke, make_plugin


@pytest.mark.parametrize("group", ["console_scripts", COMMAND_GROUP, HELP_GROUP])
def test_scan_agrees_with_importlib_metadata(group: str) -> None:
    ours = {(s.name, s.value) for s in scan_entry_points([group])}
    theirs = {(ep.name, ep.value) for ep in entry_points(group=group)}
    assert ours == theirs


def test_daf_butler_commands_are_registered_with_help() -> None:
    commands = discover_commands()
    for name in SHORT_HELP:
        assert commands[name].distribution == "skybutler_daf_butler"
        assert commands[name].short_help == SHORT_HELP[name]
        assert commands[name].problem is None


@pytest.mark.parametrize("name", sorted(discover_commands()), ids=str)
def test_every_command_loads_and_matches_its_registered_help(name: str) -> None:
    entry = discover_commands()[name]
    command = load_object(entry.value)
    assert isinstance(command, click.Command)
    assert command.name == name
    assert command.short_help == entry.short_help


def test_first_distribution_on_path_wins(tmp_path: Path) -> None:
    first = make_plugin(tmp_path / "a", "dup", "[skybutler.butler.cli]\nx = m:one\n")
    second = make_plugin(tmp_path / "b", "dup", "[skybutler.butler.cli]\nx = m:two\n")
    specs = scan_entry_points([COMMAND_GROUP], path=[str(first), str(second)])
    assert [s.value for s in specs] == ["m:one"]


def test_scan_skips_missing_directories_and_distributions_without_entry_points(
    tmp_path: Path,
) -> None:
    (tmp_path / "plain-1.0.dist-info").mkdir()
    specs = scan_entry_points([COMMAND_GROUP], path=[str(tmp_path), str(tmp_path / "gone")])
    assert specs == []


def test_duplicate_names_are_reported() -> None:
    specs = [
        EntryPointSpec(COMMAND_GROUP, "same", "a.mod:cmd", "dist_a"),
        EntryPointSpec(COMMAND_GROUP, "same", "b.mod:cmd", "dist_b"),
    ]
    entry = discover_commands(specs)["same"]
    assert entry.problem is not None
    assert "dist_a (a.mod:cmd)" in entry.problem
    assert "dist_b (b.mod:cmd)" in entry.problem


def test_malformed_value_is_reported() -> None:
    entry = discover_commands([EntryPointSpec(COMMAND_GROUP, "bad", "no colon", "d")])["bad"]
    assert entry.problem is not None
    assert "not of the form 'module:object'" in entry.problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("nowhere_module_xyz:HELP", "failed to load", id="missing-module"),
        pytest.param("skybutler.daf_butler.cli._plugins:COMMAND_GROUP", "not a mapping", id="str"),
    ],
)
def test_broken_help_mapping_is_shown_not_dropped(value: str, expected: str) -> None:
    specs = [
        EntryPointSpec(COMMAND_GROUP, "cmd", "m:cmd", "d"),
        EntryPointSpec(HELP_GROUP, "d", value, "d"),
    ]
    entry = discover_commands(specs)["cmd"]
    assert entry.short_help is not None
    assert entry.short_help.startswith("[short help unavailable:")
    assert expected in entry.short_help


def test_discovery_imports_no_command_module(fake_plugins: Path) -> None:
    commands = discover_commands()
    assert commands["log-all"].short_help == "Log one record per level."
    assert commands["not-a-command"].short_help is None
    assert "fakeplug_cmds" not in sys.modules
    assert "fakeplug_help" in sys.modules
    assert _plugins.COMMAND_GROUP == COMMAND_GROUP


@pytest.mark.parametrize("name", sorted(discover_commands()), ids=str)
def test_every_command_help_runs(invoke: Invoke, name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {name}" in result.output or f"Usage: butler {name}" in result.output
