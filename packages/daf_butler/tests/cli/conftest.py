"""Fixtures of the ``butler`` command tests: a small repository and fake plugins."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skybutler.daf_butler import Butler, CollectionType
from skybutler.daf_butler.cli.butler import cli
from skybutler.daf_butler.script import create_repo, open_registry

Invoke = Callable[..., Result]


@pytest.fixture
def invoke() -> Invoke:
    """Run ``butler`` in-process: ``invoke("query-collections", repo, input="y\\n")``."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture
def empty_repo(tmp_path: Path) -> str:
    """A freshly created repository."""
    root = tmp_path / "repo"
    create_repo(str(root))
    return str(root)


@pytest.fixture
def repo(empty_repo: str) -> str:
    """A repository with runs, a tagged and a calibration collection, chains and two types.

    ``chain`` = [run_b, run_a]; ``outer`` = [chain, tagged]; ``calexp`` has
    no datasets, ``bias`` is a calibration type.
    """
    registry = open_registry(empty_repo, writeable=True)
    try:
        registry.registerRun("run_a")
        registry.registerRun("run_b")
        registry.registerCollection("tagged", CollectionType.TAGGED)
        registry.registerCollection("calib", CollectionType.CALIBRATION)
        registry.registerCollection("chain", CollectionType.CHAINED)
        registry.setCollectionChain("chain", ["run_b", "run_a"])
        registry.registerCollection("outer", CollectionType.CHAINED)
        registry.setCollectionChain("outer", ["chain", "tagged"])
    finally:
        registry.close()
    return empty_repo


@pytest.fixture(scope="module")
def query_repo(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The query conformance repository (see `build_query_repo`); tests must not change it."""
    from skybutler.daf_butler.testing._query_data import build_query_repo

    root = str(tmp_path_factory.mktemp("query") / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        build_query_repo(butler.registry)
    return root


@pytest.fixture
def writable_query_repo(query_repo: str, tmp_path: Path) -> str:
    """A copy of `query_repo` that a test may change."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(query_repo, root)
    return str(root)


PLUGIN_MODULE = '''
"""A fake plugin module: commands for the tests."""
import logging

import click

from skybutler.daf_butler.cli import progress

log = logging.getLogger("skybutler.fake")


@click.command(short_help="Log one record per level.")
def log_all() -> None:
    """Log records at several levels."""
    log.debug("a debug record")
    log.info("an info record")
    log.warning("a warning record")
    logging.getLogger("other").info("an other-logger record")
    for _ in progress.iterate([1, 2, 3], desc="Counting"):
        pass
    click.echo(f"progress={progress.is_enabled()}")


not_a_command = 42
'''


def make_plugin(root: Path, dist: str, entry_points: str, module: str = PLUGIN_MODULE) -> Path:
    """Install a fake distribution (``<dist>-1.0.dist-info`` and a module) under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    (root / f"{dist}_cmds.py").write_text(module)
    return root


@pytest.fixture
def fake_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Put a fake plugin distribution on ``sys.path`` with working and broken commands."""
    root = make_plugin(
        tmp_path / "site",
        "fakeplug",
        """
        [skybutler.butler.cli]
        log-all = fakeplug_cmds:log_all
        not-a-command = fakeplug_cmds:not_a_command
        missing-module = fakeplug_nowhere:command
        malformed = not a valid value

        [skybutler.butler.cli_help]
        fakeplug = fakeplug_help:SHORT_HELP
        """,
    )
    (root / "fakeplug_help.py").write_text(
        'SHORT_HELP = {"log-all": "Log one record per level.", "missing-module": "Gone."}\n'
    )
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in ("fakeplug_cmds", "fakeplug_help"):
        sys.modules.pop(name, None)
