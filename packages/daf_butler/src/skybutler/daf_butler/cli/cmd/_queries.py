"""``query-datasets``, ``query-data-ids`` and ``query-dimension-records``."""

from __future__ import annotations

__all__ = ["query_data_ids", "query_datasets", "query_dimension_records"]

from typing import TYPE_CHECKING

import click

from .._help import SHORT_HELP
from .._options import (
    collections_option,
    limit_option,
    offset_option,
    order_by_option,
    repo_argument,
    split_commas,
    where_option,
)
from .._output import echo_tables, format_option

if TYPE_CHECKING:
    from ...script import QueryTables


def _echo(result: QueryTables, output_format: str, what: str) -> None:
    if result.empty and output_format.lower() == "table":
        click.echo(f"No {what} found.")
        for reason in result.reasons:
            click.echo(f"  - {reason}")
        return
    echo_tables(result.tables, output_format)


@click.command("query-datasets", short_help=SHORT_HELP["query-datasets"])
@repo_argument()
@click.argument("glob", nargs=-1)
@collections_option()
@where_option()
@click.option(
    "--find-first/--no-find-first",
    default=False,
    show_default=True,
    help="For each data ID, show only the dataset in the first of --collections that has one "
    "(needs an ordered list of collections).",
)
@limit_option()
@order_by_option()
@click.option("--show-uri", is_flag=True, help="Add a column with the URI of each file.")
@format_option()
def query_datasets(
    repo: str,
    glob: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    find_first: bool,
    limit: int,
    order_by: tuple[str, ...],
    show_uri: bool,
    output_format: str,
) -> None:
    """List the datasets in REPO of the dataset types matching GLOB (all types by default).

    Prints one table per dataset type. Without --collections every collection
    is searched.
    """
    from ...script import query_datasets as run

    result = run(
        repo,
        split_commas(glob),
        collections=split_commas(collections),
        where=where,
        find_first=find_first,
        limit=limit,
        order_by=split_commas(order_by),
        show_uri=show_uri,
    )
    _echo(result, output_format, "datasets")


@click.command("query-data-ids", short_help=SHORT_HELP["query-data-ids"])
@repo_argument()
@click.argument("dimensions", nargs=-1)
@collections_option()
@click.option(
    "--datasets",
    multiple=True,
    help="Keep only data IDs with a dataset of these types (names or globs; comma-separated "
    "or repeated) in --collections. Without DIMENSIONS, their dimensions are used.",
)
@where_option()
@order_by_option()
@limit_option()
@offset_option()
@format_option()
def query_data_ids(
    repo: str,
    dimensions: tuple[str, ...],
    collections: tuple[str, ...],
    datasets: tuple[str, ...],
    where: str,
    order_by: tuple[str, ...],
    limit: int,
    offset: int,
    output_format: str,
) -> None:
    """List the data IDs in REPO of DIMENSIONS that match the query.

    DIMENSIONS may be comma-separated; give DIMENSIONS, --datasets or both.
    """
    from ...script import query_data_ids as run

    if not dimensions and not datasets:
        raise click.UsageError("Give DIMENSIONS, --datasets, or both.")
    result = run(
        repo,
        split_commas(dimensions),
        collections=split_commas(collections),
        datasets=split_commas(datasets),
        where=where,
        order_by=split_commas(order_by),
        limit=limit,
        offset=offset,
    )
    _echo(result, output_format, "data IDs")


@click.command("query-dimension-records", short_help=SHORT_HELP["query-dimension-records"])
@repo_argument()
@click.argument("element")
@click.option(
    "--datasets",
    multiple=True,
    help="Keep only records of data IDs with a dataset of these types (names or globs; "
    "comma-separated or repeated) in --collections.",
)
@collections_option()
@where_option()
@order_by_option()
@limit_option()
@offset_option()
@click.option("--no-check", is_flag=True, hidden=True, help="Ignored (deprecated upstream).")
@format_option()
def query_dimension_records(
    repo: str,
    element: str,
    datasets: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    order_by: tuple[str, ...],
    limit: int,
    offset: int,
    no_check: bool,
    output_format: str,
) -> None:
    """List the records in REPO of the dimension ELEMENT that match the query."""
    from ...script import query_dimension_records as run

    result = run(
        repo,
        element,
        datasets=split_commas(datasets),
        collections=split_commas(collections),
        where=where,
        order_by=split_commas(order_by),
        limit=limit,
        offset=offset,
    )
    _echo(result, output_format, f"{element} records")
