"""``butler create``."""

from __future__ import annotations

__all__ = ["create"]

import click

from .._help import SHORT_HELP
from .._options import repo_argument


@click.command("create", short_help=SHORT_HELP["create"])
@repo_argument()
@click.option(
    "--seed-config",
    metavar="FILE",
    help="A configuration file whose values override the defaults (registry.db, for one).",
)
@click.option(
    "--dimension-config",
    metavar="FILE",
    help="A dimension universe file; the default universe otherwise.",
)
@click.option(
    "--standalone",
    is_flag=True,
    help="Write every configuration value into butler.yaml instead of relying on defaults.",
)
@click.option(
    "--override",
    is_flag=True,
    help="Keep the root values of --seed-config instead of the repository's location.",
)
@click.option(
    "-f",
    "--outfile",
    metavar="FILE",
    help="Write the configuration to FILE instead of REPO/butler.yaml.",
)
def create(
    repo: str,
    seed_config: str | None,
    dimension_config: str | None,
    standalone: bool,
    override: bool,
    outfile: str | None,
) -> None:
    """Create a new, empty repository at REPO (a directory or URI).

    The repository gets a butler.yaml, an SQLite registry database beside it
    (unless --seed-config names another database) and a file datastore.
    """
    from ...script import create_repo

    config_uri = create_repo(
        repo,
        seed_config=seed_config,
        dimension_config=dimension_config,
        standalone=standalone,
        override=override,
        outfile=outfile,
    )
    click.echo(f"Created a repository at {repo} ({config_uri}).")
