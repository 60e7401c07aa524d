"""Options, arguments and helpers shared by the ``butler`` subcommands."""

from __future__ import annotations

__all__ = [
    "TRANSFER_CHOICES",
    "collections_option",
    "confirm_option",
    "confirm_or_abort",
    "dataset_type_option",
    "limit_option",
    "offset_option",
    "options_file_parameter",
    "order_by_option",
    "repo_argument",
    "split_commas",
    "transfer_option",
    "where_option",
]

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])


def repo_argument() -> Callable[[_F], _F]:
    """Add the ``REPO`` argument: a repository directory or URI holding ``butler.yaml``."""
    return click.argument("repo", metavar="REPO")


TRANSFER_CHOICES = ("auto", "link", "symlink", "hardlink", "copy", "move", "relsymlink", "direct")
"""How files are transferred into or out of a datastore (upstream's ``--transfer`` choices)."""


def collections_option(help: str | None = None) -> Callable[[_F], _F]:
    """Add ``--collections`` (names or globs, comma-separated or repeated)."""
    return click.option(
        "--collections",
        multiple=True,
        help=help
        or "Collections to search (names or globs; comma-separated or repeated); every "
        "collection by default.",
    )


def where_option() -> Callable[[_F], _F]:
    """Add ``--where``: an expression in the query language."""
    return click.option(
        "--where",
        default="",
        metavar="EXPRESSION",
        help="A query expression, e.g. \"instrument = 'HSC' AND visit IN (1..10)\".",
    )


def limit_option(default: int = -20_000) -> Callable[[_F], _F]:
    """Add ``--limit``: 0 for no limit, negative to cap the results and warn."""
    return click.option(
        "--limit",
        type=int,
        default=default,
        show_default=True,
        help="The most results to show: 0 for all; a negative value caps the results and "
        "warns when the cap is reached.",
    )


def offset_option() -> Callable[[_F], _F]:
    """Add ``--offset``: results to skip first."""
    return click.option(
        "--offset",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="Results to skip before the first one shown.",
    )


def order_by_option() -> Callable[[_F], _F]:
    """Add ``--order-by`` (fields, ``-`` in front for descending)."""
    return click.option(
        "--order-by",
        multiple=True,
        help="Fields to sort by (comma-separated or repeated; '-field' sorts descending).",
    )


def dataset_type_option(help: str) -> Callable[[_F], _F]:
    """Add ``-d/--dataset-type`` (names or globs, comma-separated or repeated)."""
    return click.option("-d", "--dataset-type", multiple=True, help=help)


def transfer_option(default: str = "auto") -> Callable[[_F], _F]:
    """Add ``-t/--transfer``: how files move (one of `TRANSFER_CHOICES`)."""
    return click.option(
        "-t",
        "--transfer",
        type=click.Choice(TRANSFER_CHOICES, case_sensitive=False),
        default=default,
        show_default=True,
        help="How files are transferred.",
    )


def _read_options_file(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if not value:
        return
    import yaml

    from skybutler.resources import ResourcePath

    try:
        content = yaml.safe_load(ResourcePath(value).read())
    except Exception as err:  # any unreadable file or bad YAML is a usage error here
        raise click.BadParameter(f"cannot read {value!r}: {err}", ctx=ctx, param=param) from None
    section = (content or {}).get(ctx.info_name, {}) if isinstance(content, dict) else None
    if not isinstance(section, dict):
        raise click.BadParameter(
            f"{value!r} must map command names to {{option: value}} mappings, e.g. "
            f"'{ctx.info_name}: {{where: \"visit = 1\"}}'.",
            ctx=ctx,
            param=param,
        )
    # An option is known by its parameter name or any of its flags (format, find-first).
    names: dict[str, str] = {}
    for other in ctx.command.params:
        if other.name and other.expose_value:
            names[other.name] = other.name
            for flag in other.opts:
                names[flag.lstrip("-").replace("-", "_")] = other.name
    given = {str(key).lstrip("-").replace("-", "_"): v for key, v in section.items()}
    unknown = sorted(key for key in given if key not in names)
    if unknown:
        shown = sorted({name.replace("_", "-") for name in names})
        raise click.BadParameter(
            f"{value!r} gives {unknown}, which 'butler {ctx.info_name}' does not take; it takes "
            f"{shown}.",
            ctx=ctx,
            param=param,
        )
    defaults = {names[key]: v for key, v in given.items()}
    ctx.default_map = {**(ctx.default_map or {}), **defaults}


def options_file_parameter() -> click.Option:
    """Return ``-@/--options-file``: option values for this command from a YAML file.

    The file maps command names to ``{option: value}`` (upstream's format);
    values given on the command line win. The root ``butler`` group adds
    it to every command that does not declare it.
    """
    return click.Option(
        ["-@", "--options-file"],
        metavar="URI",
        is_eager=True,
        expose_value=False,
        callback=_read_options_file,
        help="A YAML file of option values, {command: {option: value}}; the command line wins.",
    )


def split_commas(values: Iterable[str]) -> tuple[str, ...]:
    """Split every value at commas (``a,b c`` gives ``a``, ``b``, ``c``), dropping blanks."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def confirm_option() -> Callable[[_F], _F]:
    """Add ``--confirm/--no-confirm`` to a destructive command (confirming by default)."""
    return click.option(
        "--confirm/--no-confirm",
        default=True,
        show_default=True,
        help="Print what would be removed and ask before removing it. "
        "--no-confirm removes without asking.",
    )


def confirm_or_abort(what: str, listing: str, confirm: bool) -> bool:
    """Show what a destructive command will do and, with ``confirm``, ask to go on.

    Parameters
    ----------
    what
        A heading ("Collections to remove:").
    listing
        The text of what would be removed (a rendered table).
    confirm
        Ask (the ``--confirm`` default); when false, show and go on.

    Returns
    -------
    proceed
        Whether to go on: always with ``confirm`` false, otherwise the answer.
    """
    click.echo(what)
    click.echo(listing)
    if not confirm:
        return True
    if click.confirm("Continue?", default=False):
        return True
    click.echo("Aborted; nothing was removed.")
    return False
