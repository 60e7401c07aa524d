"""``associate`` and ``certify-calibrations``."""

from __future__ import annotations

__all__ = ["associate", "certify_calibrations"]

import click

from .._help import SHORT_HELP
from .._options import (
    collections_option,
    dataset_type_option,
    limit_option,
    repo_argument,
    split_commas,
    where_option,
)


@click.command("associate", short_help=SHORT_HELP["associate"])
@repo_argument()
@click.argument("collection")
@dataset_type_option("Dataset types to add (names or globs; comma-separated or repeated); all.")
@collections_option()
@where_option()
@click.option(
    "--find-first/--no-find-first",
    default=False,
    show_default=True,
    help="For each data ID, add only the dataset in the first of --collections that has one.",
)
@limit_option(default=0)
def associate(
    repo: str,
    collection: str,
    dataset_type: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    find_first: bool,
    limit: int,
) -> None:
    """Add the datasets the query finds to the TAGGED collection COLLECTION of REPO.

    COLLECTION is registered if it does not exist.
    """
    from ...script import associate as run

    count = run(
        repo,
        collection,
        dataset_type=split_commas(dataset_type),
        collections=split_commas(collections),
        where=where,
        find_first=find_first,
        limit=limit,
    )
    click.echo(f"Associated {count} dataset(s) with {collection!r}.")


@click.command("certify-calibrations", short_help=SHORT_HELP["certify-calibrations"])
@repo_argument()
@click.argument("input_collection")
@click.argument("output_collection")
@click.argument("dataset_type_name")
@click.option(
    "--begin-date",
    metavar="DATE",
    help="Start of the validity range (ISO date and time, TAI); unbounded by default.",
)
@click.option(
    "--end-date",
    metavar="DATE",
    help="End of the validity range (ISO date and time, TAI); unbounded by default.",
)
@click.option(
    "--search-all-inputs",
    is_flag=True,
    help="Certify the datasets of every collection in a chained INPUT_COLLECTION, not only "
    "the first found for each data ID.",
)
def certify_calibrations(
    repo: str,
    input_collection: str,
    output_collection: str,
    dataset_type_name: str,
    begin_date: str | None,
    end_date: str | None,
    search_all_inputs: bool,
) -> None:
    """Certify the DATASET_TYPE_NAME datasets of INPUT_COLLECTION into OUTPUT_COLLECTION.

    OUTPUT_COLLECTION is a CALIBRATION collection (registered if it does not
    exist); the datasets become valid between --begin-date and --end-date.
    """
    from ...script import certify_calibrations as run

    count = run(
        repo,
        input_collection,
        output_collection,
        dataset_type_name,
        begin_date=begin_date,
        end_date=end_date,
        search_all_inputs=search_all_inputs,
    )
    click.echo(f"Certified {count} dataset(s) into {output_collection!r}.")
