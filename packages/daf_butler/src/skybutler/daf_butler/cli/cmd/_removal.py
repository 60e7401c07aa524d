"""``remove-runs`` and ``prune-datasets``."""

from __future__ import annotations

__all__ = ["prune_datasets", "remove_runs"]

from typing import TYPE_CHECKING

import click

from .._help import SHORT_HELP
from .._options import (
    confirm_option,
    confirm_or_abort,
    repo_argument,
    split_commas,
    where_option,
)
from .._output import render_table

if TYPE_CHECKING:
    from ...script import DatasetPruning, RunRemoval


@click.command("remove-runs", short_help=SHORT_HELP["remove-runs"])
@repo_argument()
@click.argument("collection")
@confirm_option()
@click.option(
    "--force",
    is_flag=True,
    help="With --no-confirm, take the runs out of the chains that hold them (otherwise a "
    "run in a chain stops the removal; when asked, agreeing does this).",
)
def remove_runs(repo: str, collection: str, confirm: bool, force: bool) -> None:
    """Remove the RUN collections of REPO matching COLLECTION, their datasets and files.

    COLLECTION is a name or a glob pattern. Files ingested with --transfer
    direct are left in place.
    """
    from ...script import remove_runs as run

    def ask(result: RunRemoval) -> bool:
        if result.datasets.rows:
            click.echo("Datasets to remove:")
            click.echo(render_table(result.datasets))
        heading = "Runs to remove"
        if result.in_chains:
            heading += " (and take out of the chains listed)"
        return confirm_or_abort(heading + ":", render_table(result.runs), True)

    result = run(repo, collection, force=force, confirm=ask if confirm else None)
    if not result.runs.rows:
        click.echo(f"No RUN collection matches {collection!r}.")
    elif result.removed:
        click.echo(f"Removed {len(result.removed)} run(s).")


@click.command("prune-datasets", short_help=SHORT_HELP["prune-datasets"])
@repo_argument()
@click.argument("collections", nargs=-1)
@click.option(
    "--datasets",
    multiple=True,
    help="Dataset types to prune (names or globs; comma-separated or repeated); all types "
    "by default.",
)
@click.option(
    "--find-all",
    is_flag=True,
    help="Take every dataset in COLLECTIONS, not only the first found for each data ID.",
)
@where_option()
@click.option(
    "--disassociate",
    "disassociate_tags",
    multiple=True,
    metavar="TAG",
    help="Take the datasets out of this TAGGED collection (repeatable).",
)
@click.option(
    "--purge",
    "purge_run",
    metavar="RUN",
    help="Remove the datasets of this RUN found from the repository, with their files.",
)
@click.option("--unstore", is_flag=True, help="Delete the files of the datasets.")
@click.option("--dry-run", is_flag=True, help="Show what would be pruned and stop.")
@confirm_option()
@click.option("--quiet", is_flag=True, help="With --no-confirm, do not list the pruned datasets.")
def prune_datasets(
    repo: str,
    collections: tuple[str, ...],
    datasets: tuple[str, ...],
    find_all: bool,
    where: str,
    disassociate_tags: tuple[str, ...],
    purge_run: str | None,
    unstore: bool,
    dry_run: bool,
    confirm: bool,
    quiet: bool,
) -> None:
    """Take datasets of REPO out of TAGGED collections, delete their files, or purge them.

    The datasets are those found in COLLECTIONS (by default the --purge run
    or the --disassociate collections).
    """
    from ...script import prune_datasets as run

    def ask(result: DatasetPruning) -> bool:
        return confirm_or_abort("Datasets to prune:", render_table(result.plan), True)

    result = run(
        repo,
        collections=split_commas(collections),
        datasets=split_commas(datasets),
        find_all=find_all,
        where=where,
        disassociate=split_commas(disassociate_tags),
        purge=purge_run,
        unstore=unstore,
        dry_run=dry_run,
        confirm=ask if confirm else None,
    )
    if not result.plan.rows:
        click.echo("No datasets match; nothing was pruned.")
    elif dry_run:
        click.echo("Datasets that would be pruned (dry run):")
        click.echo(render_table(result.plan))
    elif result.pruned:
        if not confirm and not quiet:
            click.echo(render_table(result.plan))
        click.echo(f"Pruned {len(result.plan.rows)} dataset(s).")
