"""The root ``butler`` group: listing, broken plugins, global options, errors."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from skybutler.daf_butler.cli._help import SHORT_HELP

from .conftest import Invoke


def test_help_lists_commands_with_short_help(invoke: Invoke) -> None:
    for args in (["--help"], ["-h"], []):
        result = invoke(*args)
        # Without a command click prints the help as a usage problem (exit 2).
        assert result.exit_code == (0 if args else 2), result.output
        for name, text in SHORT_HELP.items():
            assert f"{name}" in result.output
            assert text in result.output


def test_unknown_command_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("no-such-command")
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output


def test_broken_plugins_are_listed_with_their_problem(invoke: Invoke, fake_plugins: Path) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "log-all" in result.output
    assert "BROKEN: the entry point value 'not a valid value'" in result.output
    assert "(no short help registered by fakeplug)" in result.output


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("missing-module", "failed to load: ModuleNotFoundError", id="import-error"),
        pytest.param("not-a-command", "is a int, not a click command", id="not-a-command"),
        pytest.param("malformed", "not of the form 'module:object'", id="malformed"),
    ],
)
def test_broken_plugin_refuses_to_run(
    invoke: Invoke, fake_plugins: Path, name: str, expected: str
) -> None:
    for args in ([name], [name, "--help"], [name, "x", "--opt"]):
        result = invoke(*args)
        assert result.exit_code == 1, result.output
        assert f"The butler command {name!r} cannot be used" in result.output
        assert expected in result.output


def test_default_levels_show_info_of_skybutler_loggers(invoke: Invoke, fake_plugins: Path) -> None:
    result = invoke("log-all")
    assert result.exit_code == 0, result.output
    assert "INFO skybutler.fake: an info record" in result.output
    assert "a debug record" not in result.output
    assert "an other-logger record" not in result.output
    assert "progress=False" in result.output


@pytest.mark.parametrize(
    ("levels", "shown", "hidden"),
    [
        pytest.param(["DEBUG"], ["a debug record"], ["an other-logger record"], id="bare"),
        pytest.param(["warning"], ["a warning record"], ["an info record"], id="lowercase"),
        pytest.param(["skybutler.fake=VERBOSE"], ["an info record"], ["a debug"], id="component"),
        pytest.param([".=INFO"], ["an other-logger record"], ["a debug"], id="python-root"),
        pytest.param(["INFO", "skybutler=ERROR"], [], ["a warning record"], id="later-wins"),
    ],
)
def test_log_level(
    invoke: Invoke, fake_plugins: Path, levels: list[str], shown: list[str], hidden: list[str]
) -> None:
    args = [part for level in levels for part in ("--log-level", level)]
    result = invoke(*args, "log-all")
    assert result.exit_code == 0, result.output
    for text in shown:
        assert text in result.output
    for text in hidden:
        assert text not in result.output


def test_levels_are_restored_after_the_command(invoke: Invoke, fake_plugins: Path) -> None:
    before = logging.getLogger("skybutler").level
    invoke("--log-level", "TRACE", "log-all")
    assert logging.getLogger("skybutler").level == before
    assert logging.getLevelName(5) == "TRACE"
    assert logging.getLevelName(15) == "VERBOSE"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        pytest.param("--log-level", "LOUD", "Unknown log level 'LOUD'", id="level"),
        pytest.param("--log-level", "a=LOUD", "Unknown log level 'LOUD'", id="component"),
        pytest.param("--log-label", "novalue", "is not of the form KEY=VALUE", id="label"),
        pytest.param("--log-label", "=v", "is not of the form KEY=VALUE", id="empty-key"),
    ],
)
def test_bad_global_option_is_a_usage_error(
    invoke: Invoke, option: str, value: str, message: str
) -> None:
    result = invoke(option, value, "query-collections", "anywhere")
    assert result.exit_code == 2
    assert message in result.output


def test_log_files_long_log_labels_and_no_tty(
    invoke: Invoke, fake_plugins: Path, tmp_path: Path
) -> None:
    text_file = tmp_path / "log.txt"
    json_file = tmp_path / "log.json"
    text_file.write_text("earlier line\n")
    args = ["--log-file", str(text_file), "--log-file", str(json_file), "--no-log-tty"]
    result = invoke(*args, "--log-label", "run=r1", "--log-label", "who=me", "log-all")
    assert result.exit_code == 0, result.output
    assert "an info record" not in result.output
    text = text_file.read_text()
    assert text.startswith("earlier line\n")
    assert "INFO" in text
    assert "skybutler.fake {run=r1,who=me}" in text
    assert "an info record" in text
    records = [json.loads(line) for line in json_file.read_text().splitlines()]
    assert [r["message"] for r in records] == ["an info record", "a warning record"]
    assert records[0]["MDC"] == {"run": "r1", "who": "me"}
    assert records[0]["name"] == "skybutler.fake"
    assert records[0]["levelname"] == "INFO"


def test_long_log_on_the_terminal(invoke: Invoke, fake_plugins: Path) -> None:
    result = invoke("--long-log", "log-all")
    assert "(fakeplug_cmds.py:" in result.output
    assert "- an info record" in result.output


def test_progress_option_enables_the_helper(invoke: Invoke, fake_plugins: Path) -> None:
    result = invoke("--progress", "log-all")
    # The runner's stderr is not a terminal, so the helper still draws nothing.
    assert "progress=False" in result.output
    assert "Counting" not in result.output


def test_user_error_is_one_line_without_traceback(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("query-collections", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: No repository at")
    assert "butler create" in lines[0]
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("--log-level", "DEBUG", "query-collections", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert "RepositoryNotFoundError" in result.output
    assert "Error: No repository at" in result.output


def test_resource_errors_are_user_errors(invoke: Invoke) -> None:
    result = invoke("query-collections", "nosuchscheme://bucket/repo")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output


def test_help_text_level_names_match_the_levels() -> None:
    from skybutler.daf_butler.cli import butler
    from skybutler.daf_butler.cli._logging import LEVELS

    assert ", ".join(LEVELS) == butler._LEVEL_NAMES
