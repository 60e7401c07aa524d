"""Options, arguments and helpers shared by the ``butler`` subcommands."""

from __future__ import annotations

__all__ = ["confirm_option", "confirm_or_abort", "repo_argument", "split_commas"]

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])


def repo_argument() -> Callable[[_F], _F]:
    """Add the ``REPO`` argument: a repository directory or URI holding ``butler.yaml``."""
    return click.argument("repo", metavar="REPO")


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
