"""``query-dataset-types``, ``register-dataset-type`` and ``remove-dataset-type``."""

from __future__ import annotations

__all__ = ["query_dataset_types", "register_dataset_type", "remove_dataset_type"]

import click

from .._help import SHORT_HELP
from .._options import repo_argument, split_commas
from .._output import echo_table, format_option


@click.command("query-dataset-types", short_help=SHORT_HELP["query-dataset-types"])
@repo_argument()
@click.argument("glob", nargs=-1)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also show dimensions, storage class and whether the type is a calibration.",
)
@click.option(
    "--collections",
    multiple=True,
    help="Show only dataset types with datasets in these collections (names or globs; "
    "comma-separated or repeated).",
)
@format_option()
def query_dataset_types(
    repo: str,
    glob: tuple[str, ...],
    verbose: bool,
    collections: tuple[str, ...],
    output_format: str,
) -> None:
    """List the dataset types in REPO whose names match GLOB (all by default)."""
    from ...script import query_dataset_types as run

    table = run(repo, split_commas(glob), verbose=verbose, collections=split_commas(collections))
    echo_table(table, output_format, empty="No dataset types match.")


@click.command("register-dataset-type", short_help=SHORT_HELP["register-dataset-type"])
@repo_argument()
@click.argument("dataset_type")
@click.argument("storage_class")
@click.argument("dimensions", nargs=-1)
@click.option(
    "--is-calibration/--no-is-calibration",
    default=False,
    show_default=True,
    help="Whether datasets of this type are calibrations (certified with validity ranges).",
)
def register_dataset_type(
    repo: str,
    dataset_type: str,
    storage_class: str,
    dimensions: tuple[str, ...],
    is_calibration: bool,
) -> None:
    """Register DATASET_TYPE in REPO with STORAGE_CLASS and DIMENSIONS.

    Registering an identical definition again does nothing; a different
    definition of the same name is an error.
    """
    from ...script import register_dataset_type as run

    if run(repo, dataset_type, storage_class, split_commas(dimensions), is_calibration):
        click.echo(f"Registered dataset type {dataset_type!r}.")
    else:
        click.echo(f"Dataset type {dataset_type!r} was already registered with this definition.")


@click.command("remove-dataset-type", short_help=SHORT_HELP["remove-dataset-type"])
@repo_argument()
@click.argument("dataset_type_name", nargs=-1, required=True)
def remove_dataset_type(repo: str, dataset_type_name: tuple[str, ...]) -> None:
    """Remove the dataset types of REPO matching DATASET_TYPE_NAME (names or globs).

    A dataset type that still has datasets is not removed.
    """
    from ...script import remove_dataset_types as run

    removed = run(repo, split_commas(dataset_type_name))
    if removed:
        click.echo(f"Removed dataset type(s): {', '.join(removed)}.")
    else:
        click.echo("No dataset type matches; nothing was removed.")
