"""``config-dump`` and ``config-validate``."""

from __future__ import annotations

__all__ = ["config_dump", "config_validate"]

from typing import TextIO

import click

from .._help import SHORT_HELP
from .._options import dataset_type_option, repo_argument, split_commas


@click.command("config-dump", short_help=SHORT_HELP["config-dump"])
@repo_argument()
@click.option(
    "-s",
    "--subset",
    metavar="KEY",
    help="Show only this part of the configuration, as a key path: .registry or .datastore.root.",
)
@click.option(
    "-p",
    "--searchpath",
    multiple=True,
    metavar="FILE",
    help="A configuration file laid over the repository's (repeatable; later files win).",
)
@click.option(
    "--file",
    "output",
    type=click.File("w"),
    default="-",
    help="Write the configuration to this file instead of standard output.",
)
def config_dump(repo: str, subset: str | None, searchpath: tuple[str, ...], output: TextIO) -> None:
    """Print the configuration of REPO as YAML."""
    from ...script import config_dump as run

    output.write(run(repo, subset=subset, searchpath=split_commas(searchpath)))


@click.command("config-validate", short_help=SHORT_HELP["config-validate"])
@repo_argument()
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when all is well.")
@dataset_type_option("Check only these dataset types (names or globs; comma-separated).")
@click.option(
    "-i",
    "--ignore",
    multiple=True,
    help="Dataset types not to check (names or globs; comma-separated or repeated).",
)
def config_validate(
    repo: str, quiet: bool, dataset_type: tuple[str, ...], ignore: tuple[str, ...]
) -> None:
    """Check that the datastore of REPO can store its dataset types; exit 1 if not.

    Each dataset type needs a known storage class, a formatter and a file
    template that fits its dimensions.
    """
    from ...script import config_validate as run

    result = run(repo, dataset_type=split_commas(dataset_type), ignore=split_commas(ignore))
    if not result.ok:
        for problem in result.problems:
            click.echo(problem, err=True)
        raise click.ClickException(
            f"{len(result.problems)} of {len(result.checked)} dataset type(s) cannot be stored; "
            "fix the datastore configuration (formatters, templates) or the storage classes."
        )
    if not quiet:
        click.echo(f"No problems found ({len(result.checked)} dataset type(s) checked).")
