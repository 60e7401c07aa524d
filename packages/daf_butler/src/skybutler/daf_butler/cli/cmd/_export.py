"""``export``, ``export-calibs`` and ``import``."""

from __future__ import annotations

__all__ = ["butler_import", "export", "export_calibs"]

import click

from .._help import SHORT_HELP
from .._options import (
    collections_option,
    dataset_type_option,
    limit_option,
    repo_argument,
    split_commas,
    transfer_option,
    where_option,
)
from .._output import render_table

_EXPORT_FILE = "export.yaml"


@click.command("export", short_help=SHORT_HELP["export"])
@repo_argument()
@click.argument("directory")
@dataset_type_option("Dataset types to export (names or globs; comma-separated); all types.")
@collections_option(
    "Collections to search (names or globs; comma-separated or repeated); every collection "
    "by default. Collections named without a pattern are exported too."
)
@where_option()
@click.option(
    "--find-first/--no-find-first",
    default=False,
    show_default=True,
    help="For each data ID, only the dataset in the first of --collections.",
)
@limit_option(default=0)
@transfer_option()
@click.option(
    "--export-file",
    default=_EXPORT_FILE,
    show_default=True,
    help="Name of the export file in DIRECTORY.",
)
@click.option("-q", "--quiet", is_flag=True, help="Do not list the datasets exported.")
def export(
    repo: str,
    directory: str,
    dataset_type: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    find_first: bool,
    limit: int,
    transfer: str,
    export_file: str,
    quiet: bool,
) -> None:
    """Export the datasets the query finds in REPO, with their files, into DIRECTORY.

    DIRECTORY gets an export file in upstream's YAML format (with the
    dimension records, collections and dataset types the datasets need) and
    the files at their paths in the datastore; 'butler import' reads it.
    """
    from ...script import export as run

    table = run(
        repo,
        directory,
        dataset_type=split_commas(dataset_type),
        collections=split_commas(collections),
        where=where,
        find_first=find_first,
        limit=limit,
        transfer=transfer,
        export_file=export_file,
    )
    if not quiet and table.rows:
        click.echo(render_table(table))
    click.echo(f"Exported {len(table.rows)} dataset(s) to {directory}.")


@click.command("export-calibs", short_help=SHORT_HELP["export-calibs"])
@repo_argument()
@click.argument("directory")
@click.argument("collections", nargs=-1, required=True)
@dataset_type_option("Calibration dataset types to export (names or globs); all by default.")
@transfer_option()
def export_calibs(
    repo: str,
    directory: str,
    collections: tuple[str, ...],
    dataset_type: tuple[str, ...],
    transfer: str,
) -> None:
    """Export the CALIBRATION collections among COLLECTIONS of REPO into DIRECTORY.

    The datasets are exported with their validity ranges and files.
    """
    from ...script import export_calibs as run

    table = run(
        repo,
        directory,
        split_commas(collections),
        dataset_type=split_commas(dataset_type),
        transfer=transfer,
    )
    if table.rows:
        click.echo(render_table(table))
    click.echo(f"Exported {len(table.rows)} calibration dataset(s) to {directory}.")


@click.command("import", short_help=SHORT_HELP["import"])
@repo_argument()
@click.argument("directory")
@transfer_option()
@click.option(
    "--export-file",
    default=_EXPORT_FILE,
    show_default=True,
    help="Name of the export file in DIRECTORY.",
)
@click.option(
    "-s",
    "--skip-dimensions",
    multiple=True,
    help="Dimension elements whose records are not imported (comma-separated or repeated).",
)
@click.option(
    "--track-file-attrs/--no-track-file-attrs",
    default=True,
    show_default=True,
    help="Record the size (and checksum, if kept) of each file.",
)
def butler_import(
    repo: str,
    directory: str,
    transfer: str,
    export_file: str,
    skip_dimensions: tuple[str, ...],
    track_file_attrs: bool,
) -> None:
    """Import the export in DIRECTORY (its export file and dataset files) into REPO.

    Everything is imported in one transaction: on an error nothing is.
    """
    from ...script import butler_import as run

    run(
        repo,
        directory,
        transfer=transfer,
        export_file=export_file,
        skip_dimensions=split_commas(skip_dimensions),
        track_file_attrs=track_file_attrs,
    )
    click.echo(f"Imported {directory} into {repo}.")
