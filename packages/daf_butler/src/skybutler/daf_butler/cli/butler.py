"""The ``butler`` command: a click group whose subcommands are plugins.

Subcommands come from the ``skybutler.butler.cli`` entry points (see
`skybutler.daf_butler.cli._plugins`) and are imported only when run, so
``butler --help`` lists them quickly. A command that cannot be loaded is
listed as broken and explains why when used. User errors (`ButlerError`,
and the `~skybutler.resources.errors.ResourceError` of a bad URI) end with a
one-line message and exit status 1; usage errors exit with status 2. The
traceback is shown only with ``--log-level DEBUG`` (or finer).
"""

from __future__ import annotations

__all__ = ["ButlerCLI", "cli", "main"]

from typing import Any

import click

from .. import _progress
from ..errors import ButlerError
from ._plugins import CommandEntry, discover_commands, load_object

# Logging is imported only when a command runs: 'butler --help' never needs it.
_LEVEL_NAMES = "CRITICAL, ERROR, WARNING, INFO, VERBOSE, DEBUG, TRACE"
_META_KEY = "skybutler.butler.commands"


def _broken_command(name: str, problem: str) -> click.Command:
    def refuse(args: tuple[str, ...]) -> None:
        raise click.ClickException(f"The butler command {name!r} cannot be used: {problem}")

    return click.Command(
        name,
        callback=refuse,
        params=[click.Argument(["args"], nargs=-1, type=click.UNPROCESSED)],
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
        short_help=f"BROKEN: {problem}",
        help=f"This command is broken: {problem}",
    )


def _is_user_error(err: BaseException) -> bool:
    if isinstance(err, ButlerError):
        return True
    from skybutler.resources.errors import ResourceError

    return isinstance(err, ResourceError)


class ButlerCLI(click.Group):
    """The root ``butler`` group, loading subcommands from entry points on demand."""

    def _entries(self, ctx: click.Context) -> dict[str, CommandEntry]:
        # Cached on the root context: one scan per invocation, never stale between two.
        meta = ctx.find_root().meta
        if _META_KEY not in meta:
            meta[_META_KEY] = discover_commands()
        entries: dict[str, CommandEntry] = meta[_META_KEY]
        return entries

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Return the names of the built-in and plugin subcommands, sorted."""
        return sorted(set(super().list_commands(ctx)) | set(self._entries(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return one subcommand (a refusing stand-in if it is broken)."""
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            return command
        entry = self._entries(ctx).get(cmd_name)
        if entry is None:
            return None
        if entry.problem is not None:
            return _broken_command(cmd_name, entry.problem)
        try:
            loaded = load_object(entry.value)
        except Exception as err:
            return _broken_command(
                cmd_name,
                f"its entry point {entry.value!r} (from {entry.distribution}) failed to load: "
                f"{type(err).__name__}: {err}. Reinstall or fix that package.",
            )
        if not isinstance(loaded, click.Command):
            return _broken_command(
                cmd_name,
                f"its entry point {entry.value!r} (from {entry.distribution}) is a "
                f"{type(loaded).__name__}, not a click command.",
            )
        if not any(param.name == "options_file" for param in loaded.params):
            from ._options import options_file_parameter

            loaded.params.append(options_file_parameter())
        return loaded

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the subcommands with their registered short help, importing none."""
        entries = self._entries(ctx)
        rows = []
        for name in self.list_commands(ctx):
            builtin = self.commands.get(name)
            if builtin is not None:
                text = builtin.get_short_help_str(limit=200)
            else:
                entry = entries[name]
                text = entry.short_help or f"(no short help registered by {entry.distribution})"
                if entry.problem is not None:
                    text = f"BROKEN: {entry.problem}"
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, turning user errors into a one-line message and exit 1."""
        try:
            return super().invoke(ctx)
        except Exception as err:
            if not _is_user_error(err):
                raise
            if getattr(ctx.obj, "debug", False):
                import traceback

                traceback.print_exc()
            raise click.ClickException(str(err)) from None


def _levels_callback(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, int]:
    from ._logging import parse_log_levels

    try:
        return parse_log_levels(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


def _labels_callback(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> dict[str, str]:
    from ._logging import parse_labels

    try:
        return parse_labels(value)
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


@click.group(
    cls=ButlerCLI,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--log-level",
    multiple=True,
    callback=_levels_callback,
    metavar="LEVEL|COMPONENT=LEVEL",
    help=f"Logging level ({_LEVEL_NAMES}) for the skybutler loggers, or for one "
    "logger with COMPONENT=LEVEL ('.' is the Python root logger). Repeatable. "
    "DEBUG also shows tracebacks of errors.",
)
@click.option("--long-log", is_flag=True, help="Log with time, logger, file and line.")
@click.option(
    "--log-file",
    multiple=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Also append log records to this file; a .json name writes one JSON record per "
    "line. Repeatable.",
)
@click.option(
    "--log-tty/--no-log-tty",
    default=True,
    show_default=True,
    help="Log to the terminal (standard error).",
)
@click.option(
    "--log-label",
    multiple=True,
    callback=_labels_callback,
    metavar="KEY=VALUE",
    help="Attach a label to every log record (shown by --long-log and JSON files). Repeatable.",
)
@click.option(
    "--progress/--no-progress",
    default=False,
    show_default=True,
    help="Show progress bars for long work (on a terminal only).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    log_level: dict[str, int],
    long_log: bool,
    log_file: tuple[str, ...],
    log_tty: bool,
    log_label: dict[str, str],
    progress: bool,
) -> None:
    """Manage and query Data Butler repositories.

    Run 'butler COMMAND --help' for the arguments and options of a command.
    """
    from ._logging import LogSettings, configure_logging, reset_logging

    settings = LogSettings(log_level, long_log, log_file, log_tty, log_label)
    ctx.obj = settings
    configure_logging(settings)
    ctx.call_on_close(reset_logging)
    _progress.set_enabled(progress)
    ctx.call_on_close(lambda: _progress.set_enabled(False))


def main() -> None:
    """Run ``butler`` (the console script).

    The garbage collector waits until the command has its repository open
    (see `skybutler.daf_butler._gc`): start-up makes no garbage worth it.
    """
    from .._gc import hold_for_start_up

    hold_for_start_up()
    cli(prog_name="butler")
