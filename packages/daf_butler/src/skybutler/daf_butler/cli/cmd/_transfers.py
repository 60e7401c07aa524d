"""``ingest-files``, ``ingest-zip``, ``transfer-datasets`` and ``retrieve-artifacts``."""

from __future__ import annotations

__all__ = ["ingest_files", "ingest_zip", "retrieve_artifacts", "transfer_datasets"]

from collections.abc import Callable
from typing import Any, TypeVar

import click

from .._help import SHORT_HELP
from .._options import (
    collections_option,
    dataset_type_option,
    limit_option,
    order_by_option,
    repo_argument,
    split_commas,
    transfer_option,
    where_option,
)

_F = TypeVar("_F", bound=Callable[..., Any])

# Kept here (and checked against the script layer by a test) so that --help imports nothing.
_ID_GENERATION_MODES = ("UNIQUE", "DATAID_TYPE", "DATAID_TYPE_RUN")


def _query_options(what: str) -> Callable[[_F], _F]:
    """Add the options that choose datasets: type, collections, where, find-first, limit, order."""

    def decorate(function: _F) -> _F:
        for option in reversed(
            [
                dataset_type_option(
                    f"Dataset types to {what} (names or globs; comma-separated "
                    "or repeated); all types by default."
                ),
                collections_option(),
                where_option(),
                click.option(
                    "--find-first/--no-find-first",
                    default=False,
                    show_default=True,
                    help="For each data ID, only the dataset in the first of --collections.",
                ),
                limit_option(default=0),
                order_by_option(),
            ]
        ):
            function = option(function)
        return function

    return decorate


@click.command("ingest-files", short_help=SHORT_HELP["ingest-files"])
@repo_argument()
@click.argument("dataset_type")
@click.argument("run")
@click.argument("table_file")
@click.option("--formatter", help="The formatter of the files (short name or class path).")
@click.option(
    "--id-generation-mode",
    type=click.Choice(_ID_GENERATION_MODES, case_sensitive=False),
    default="UNIQUE",
    show_default=True,
    help="How dataset IDs are made: new random IDs, or IDs computed from the dataset type "
    "and data ID (and run).",
)
@click.option(
    "--data-id",
    multiple=True,
    metavar="KEY=VALUE",
    help="A dimension value shared by every file (comma-separated or repeated).",
)
@click.option("--prefix", help="Where the relative file paths of TABLE_FILE are.")
@click.option(
    "--track-file-attrs/--no-track-file-attrs",
    default=True,
    show_default=True,
    help="Record the size (and checksum, if kept) of each file.",
)
@transfer_option()
def ingest_files(
    repo: str,
    dataset_type: str,
    run: str,
    table_file: str,
    formatter: str | None,
    id_generation_mode: str,
    data_id: tuple[str, ...],
    prefix: str | None,
    track_file_attrs: bool,
    transfer: str,
) -> None:
    """Ingest the files listed in TABLE_FILE into REPO as DATASET_TYPE datasets in RUN.

    TABLE_FILE is a CSV or ECSV table: its first column holds file paths or
    URIs, each other column the values of one dimension.
    """
    from ...script import ingest_files as run_ingest
    from ...script import parse_data_id

    count = run_ingest(
        repo,
        dataset_type,
        run,
        table_file,
        data_id=parse_data_id(split_commas(data_id)),
        formatter=formatter,
        id_generation_mode=id_generation_mode,
        prefix=prefix,
        track_file_attrs=track_file_attrs,
        transfer=transfer,
    )
    click.echo(f"Ingested {count} dataset(s) into {run!r}.")


@click.command("transfer-datasets", short_help=SHORT_HELP["transfer-datasets"])
@click.argument("source")
@click.argument("dest")
@_query_options("transfer")
@transfer_option()
@click.option(
    "--register-dataset-types",
    is_flag=True,
    help="Register in DEST the dataset types it does not have.",
)
@click.option(
    "--transfer-dimensions/--no-transfer-dimensions",
    default=True,
    show_default=True,
    help="Copy the dimension records the datasets need.",
)
@click.option(
    "--dry-run/--no-dry-run",
    default=False,
    show_default=True,
    help="Only count what would be transferred.",
)
def transfer_datasets(
    source: str,
    dest: str,
    dataset_type: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    find_first: bool,
    limit: int,
    order_by: tuple[str, ...],
    transfer: str,
    register_dataset_types: bool,
    transfer_dimensions: bool,
    dry_run: bool,
) -> None:
    """Copy the datasets the query finds in repository SOURCE to repository DEST.

    Dataset IDs and runs are kept; datasets DEST already has are skipped.
    """
    from ...script import transfer_datasets as run

    count = run(
        source,
        dest,
        dataset_type=split_commas(dataset_type),
        collections=split_commas(collections),
        where=where,
        find_first=find_first,
        limit=limit,
        order_by=split_commas(order_by),
        transfer=transfer,
        register_dataset_types=register_dataset_types,
        transfer_dimensions=transfer_dimensions,
        dry_run=dry_run,
    )
    verb = "would be transferred (dry run)" if dry_run else "transferred"
    click.echo(f"Number of datasets {verb}: {count}")


@click.command("retrieve-artifacts", short_help=SHORT_HELP["retrieve-artifacts"])
@repo_argument()
@click.argument("destination")
@_query_options("retrieve")
@transfer_option()
@click.option("-v", "--verbose", is_flag=True, help="List every file retrieved.")
@click.option(
    "--preserve-path/--no-preserve-path",
    default=True,
    show_default=True,
    help="Keep the paths the files have in the datastore (else file names only).",
)
@click.option(
    "--clobber/--no-clobber",
    default=False,
    show_default=True,
    help="Replace files already in DESTINATION.",
)
@click.option(
    "--zip/--no-zip",
    "as_zip",
    default=False,
    show_default=True,
    help="Write one Zip of the files and their index (for ingest-zip) instead of copies.",
)
def retrieve_artifacts(
    repo: str,
    destination: str,
    dataset_type: tuple[str, ...],
    collections: tuple[str, ...],
    where: str,
    find_first: bool,
    limit: int,
    order_by: tuple[str, ...],
    transfer: str,
    verbose: bool,
    preserve_path: bool,
    clobber: bool,
    as_zip: bool,
) -> None:
    """Copy the files of the datasets the query finds in REPO into DESTINATION.

    With --zip, write them instead into one Zip in DESTINATION, named from
    its contents, with the index ``butler ingest-zip`` reads.
    """
    if as_zip:
        from ...script import retrieve_artifacts_zip

        written, count = retrieve_artifacts_zip(
            repo,
            destination,
            dataset_type=split_commas(dataset_type),
            collections=split_commas(collections),
            where=where,
            find_first=find_first,
            limit=limit,
            order_by=split_commas(order_by),
            clobber=clobber,
        )
        if written is None:
            click.echo("No datasets found: no Zip written.")
        else:
            click.echo(f"Wrote {count} dataset(s) to {written}")
        return
    from ...script import retrieve_artifacts as run

    uris = run(
        repo,
        destination,
        dataset_type=split_commas(dataset_type),
        collections=split_commas(collections),
        where=where,
        find_first=find_first,
        limit=limit,
        order_by=split_commas(order_by),
        transfer=transfer,
        preserve_path=preserve_path,
        clobber=clobber,
    )
    if verbose:
        for uri in uris:
            click.echo(str(uri))
    click.echo(f"Number of files retrieved: {len(uris)}")


@click.command("ingest-zip", short_help=SHORT_HELP["ingest-zip"])
@repo_argument()
@click.argument("zip")
@transfer_option()
@click.option(
    "--transfer-dimensions/--no-transfer-dimensions",
    default=False,
    show_default=True,
    help="Transfer dimension records held by the Zip (upstream's V1 Zips hold none: the "
    "records must already be in REPO).",
)
@click.option(
    "--dry-run/--no-dry-run",
    default=False,
    show_default=True,
    help="Only check the Zip and count what would be ingested.",
)
@click.option(
    "--skip-existing/--no-skip-existing",
    default=False,
    show_default=True,
    help="Skip datasets REPO already has instead of failing.",
)
def ingest_zip(
    repo: str,
    zip: str,
    transfer: str,
    transfer_dimensions: bool,
    dry_run: bool,
    skip_existing: bool,
) -> None:
    """Ingest the Zip ZIP (from retrieve-artifacts --zip) into REPO; datasets are read in place."""
    from ...script import ingest_zip as run

    refs = run(
        repo,
        zip,
        transfer=transfer,
        transfer_dimensions=transfer_dimensions,
        dry_run=dry_run,
        skip_existing=skip_existing,
    )
    verb = "would be ingested (dry run)" if dry_run else "ingested"
    click.echo(f"Number of datasets {verb}: {len(refs)}")
