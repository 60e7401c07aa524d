"""Sphinx extension: the ``butler`` command reference, generated from the click commands.

``.. butler-commands::`` renders the global options of ``butler`` and, for
every subcommand registered in the ``skybutler.butler.cli`` entry points,
its usage line, description, arguments and options. The text therefore
always matches the installed commands.
"""

from __future__ import annotations

import click
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import nested_parse_with_titles

from skybutler.daf_butler.cli._plugins import discover_commands, load_object
from skybutler.daf_butler.cli.butler import cli


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("`", "\\`").replace("|", "\\|")


def _params(ctx: click.Context, command: click.Command) -> list[str]:
    lines: list[str] = []
    # Arguments are in the usage line; their help records are empty.
    records = [
        p.get_help_record(ctx) for p in command.get_params(ctx) if not isinstance(p, click.Argument)
    ]
    for record in records:
        if record is None:
            continue
        opts, help_text = record
        lines += [f"``{opts}``", f"    {_escape(help_text) or '(no description)'}", ""]
    return lines


def _command_lines(name: str, command: click.Command, parent: click.Context) -> list[str]:
    ctx = click.Context(command, info_name=name, parent=parent)
    title = f"butler {name}"
    lines = [title, "~" * len(title), "", "::", ""]
    lines += [f"    butler {name} " + " ".join(command.collect_usage_pieces(ctx)), ""]
    for paragraph in (command.help or "").strip().split("\n\n"):
        text = " ".join(line.strip() for line in paragraph.splitlines())
        if text:
            lines += [_escape(text), ""]
    return lines + _params(ctx, command)


class ButlerCommands(SphinxDirective):
    """Render the reference of ``butler`` and its subcommands."""

    def run(self) -> list[nodes.Node]:
        """Build the reference from the click definitions."""
        root = click.Context(cli, info_name="butler")
        lines = [
            "butler (global options)",
            "~~~~~~~~~~~~~~~~~~~~~~~",
            "",
            "::",
            "",
            "    butler [OPTIONS] COMMAND [ARGS]...",
            "",
        ]
        lines += _params(root, cli)
        for name, entry in discover_commands().items():
            loaded = load_object(entry.value)
            if not isinstance(loaded, click.Command):
                raise TypeError(f"butler command {name!r} ({entry.value}) is not a click command")
            lines += _command_lines(name, loaded, root)
        container = nodes.section()
        nested_parse_with_titles(self.state, StringList(lines, source="butler-commands"), container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, object]:
    """Register the ``butler-commands`` directive."""
    app.add_directive("butler-commands", ButlerCommands)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
