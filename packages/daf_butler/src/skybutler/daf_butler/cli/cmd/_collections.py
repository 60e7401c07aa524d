"""``query-collections``, ``collection-chain`` and ``remove-collections``."""

from __future__ import annotations

__all__ = ["collection_chain", "query_collections", "remove_collections"]

from typing import TYPE_CHECKING

import click

from .._help import SHORT_HELP
from .._options import confirm_option, confirm_or_abort, repo_argument, split_commas
from .._output import echo_table, format_option, render_table

if TYPE_CHECKING:
    from ...script import CollectionRemoval

# Kept here (and checked against the script layer by a test) so that loading the
# command for its --help imports nothing of the registry.
_COLLECTION_TYPES = ("RUN", "TAGGED", "CHAINED", "CALIBRATION")
_CHAINS_MODES = ("TABLE", "INVERSE-TABLE", "TREE", "INVERSE-TREE", "FLATTEN", "NO-CHILDREN")
_CHAIN_MODES = ("redefine", "extend", "remove", "prepend", "pop")
_EXCLUDED = ("*_config", "*_log", "*_metadata", "packages")


@click.command("query-collections", short_help=SHORT_HELP["query-collections"])
@repo_argument()
@click.argument("glob", nargs=-1)
@click.option(
    "--collection-type",
    multiple=True,
    type=click.Choice(_COLLECTION_TYPES, case_sensitive=False),
    help="Show only collections of this type. Repeatable.",
)
@click.option(
    "--chains",
    type=click.Choice(_CHAINS_MODES, case_sensitive=False),
    default="TREE",
    show_default=True,
    help="How to show chains: TREE and INVERSE-TREE indent children (or parents) below "
    "each collection, TABLE and INVERSE-TABLE list them in a column, FLATTEN replaces "
    "chains by what they hold, NO-CHILDREN shows the matches alone.",
)
@click.option(
    "-t",
    "--show-dataset-types",
    is_flag=True,
    help="Add a column of the dataset types in each collection.",
)
@click.option(
    "--exclude-dataset-types",
    multiple=True,
    default=_EXCLUDED,
    show_default=True,
    help="Glob patterns of dataset types --show-dataset-types leaves out (comma-separated "
    "or repeated).",
)
@format_option()
def query_collections(
    repo: str,
    glob: tuple[str, ...],
    collection_type: tuple[str, ...],
    chains: str,
    show_dataset_types: bool,
    exclude_dataset_types: tuple[str, ...],
    output_format: str,
) -> None:
    """List the collections in REPO whose names match GLOB (every collection by default).

    GLOB values are collection names or glob patterns (*, ?, [...]).
    """
    from ...script import query_collections as run

    table = run(
        repo,
        split_commas(glob),
        collection_type=collection_type,
        chains=chains,
        show_dataset_types=show_dataset_types,
        exclude_dataset_types=split_commas(exclude_dataset_types),
    )
    echo_table(table, output_format, empty="No collections match.")


@click.command("collection-chain", short_help=SHORT_HELP["collection-chain"])
@repo_argument()
@click.argument("parent")
@click.argument("children", nargs=-1)
@click.option("--doc", help="Documentation string to set on the chain.")
@click.option(
    "--mode",
    type=click.Choice(_CHAIN_MODES, case_sensitive=False),
    default="redefine",
    show_default=True,
    help="redefine: the chain becomes CHILDREN; extend/prepend: add CHILDREN at the end/front; "
    "remove: take CHILDREN out; pop: take out the children at the positions given as CHILDREN "
    "(0 by default; write negative positions after --).",
)
@click.option(
    "--flatten/--no-flatten",
    default=False,
    help="Put the collections inside chained CHILDREN in the chain instead of those chains "
    "(not with remove or pop).",
)
def collection_chain(
    repo: str,
    parent: str,
    children: tuple[str, ...],
    doc: str | None,
    mode: str,
    flatten: bool,
) -> None:
    """Define or edit the CHAINED collection PARENT in REPO, then print its children.

    CHILDREN may be comma-separated. The chain is created if it does not exist
    (except by remove and pop).
    """
    from ...script import collection_chain as run

    if flatten and mode.lower() in ("remove", "pop"):
        raise click.UsageError(f"--flatten cannot be used with --mode {mode.lower()}.")
    chain = run(repo, parent, split_commas(children), doc=doc, mode=mode, flatten=flatten)
    click.echo(f"[{', '.join(chain)}]")


@click.command("remove-collections", short_help=SHORT_HELP["remove-collections"])
@repo_argument()
@click.argument("collection")
@confirm_option()
@click.option(
    "--remove-from-parents",
    is_flag=True,
    help="Take the collections out of the chains that hold them first (otherwise that is "
    "an error).",
)
def remove_collections(
    repo: str, collection: str, confirm: bool, remove_from_parents: bool
) -> None:
    """Remove the TAGGED, CHAINED and CALIBRATION collections of REPO matching COLLECTION.

    COLLECTION is a name or a glob pattern. RUN collections are never removed by
    this command (use 'butler remove-runs'). Removing a chain leaves its children.
    """
    from ...script import remove_collections as run

    def note_runs(result: CollectionRemoval) -> None:
        if result.runs:
            click.echo(
                "These RUN collections match but are not removed (use 'butler remove-runs'): "
                + ", ".join(result.runs)
            )

    def ask(result: CollectionRemoval) -> bool:
        note_runs(result)
        return confirm_or_abort("Collections to remove:", render_table(result.plan), confirm)

    result = run(repo, collection, remove_from_parents=remove_from_parents, confirm=ask)
    if not result.plan.rows:
        note_runs(result)
        click.echo(f"No TAGGED, CHAINED or CALIBRATION collection matches {collection!r}.")
    elif result.removed:
        click.echo(f"Removed {len(result.removed)} collection(s).")
