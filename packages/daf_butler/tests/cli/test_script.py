"""The script layer called directly, without click."""

from __future__ import annotations

from pathlib import Path

import pytest

from skybutler.daf_butler import errors
from skybutler.daf_butler.cli.cmd import _collections as cmd_collections
from skybutler.daf_butler.script import (
    CHAIN_MODES,
    CHAINS_MODES,
    CollectionRemoval,
    Table,
    collection_chain,
    create_repo,
    open_registry,
    query_collections,
    query_dataset_types,
    register_dataset_type,
    remove_collections,
    remove_dataset_types,
)
from skybutler.daf_butler.script._collections import DEFAULT_EXCLUDED_DATASET_TYPES


def test_cli_choices_match_the_script_layer() -> None:
    assert cmd_collections._CHAINS_MODES == CHAINS_MODES
    assert cmd_collections._CHAIN_MODES == CHAIN_MODES
    assert cmd_collections._EXCLUDED == DEFAULT_EXCLUDED_DATASET_TYPES


def test_open_registry_errors(tmp_path: Path) -> None:
    with pytest.raises(errors.RepositoryNotFoundError, match="butler create"):
        open_registry(str(tmp_path))
    (tmp_path / "butler.yaml").write_text("datastore: {cls: file}\n")
    with pytest.raises(errors.ConfigError, match="no 'registry' section"):
        open_registry(str(tmp_path))


def test_create_repo_then_open_by_config_file(tmp_path: Path) -> None:
    config_uri = create_repo(str(tmp_path / "r"))
    assert config_uri.basename() == "butler.yaml"
    registry = open_registry(str(tmp_path / "r" / "butler.yaml"))
    try:
        assert not registry.isWriteable()
        assert registry.queryCollections() == []
    finally:
        registry.close()
    with pytest.raises(errors.RepositoryExistsError):
        create_repo(str(tmp_path / "r"))


def test_create_repo_with_seed_config(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(f"registry:\n  db: sqlite:///{tmp_path}/elsewhere.sqlite3\n")
    create_repo(str(tmp_path / "r"), seed_config=str(seed))
    assert (tmp_path / "elsewhere.sqlite3").exists()
    assert not (tmp_path / "r" / "gen3.sqlite3").exists()
    assert "elsewhere.sqlite3" in (tmp_path / "r" / "butler.yaml").read_text()


def test_query_collections_table(repo: str) -> None:
    table = query_collections(repo, ["chain"], chains="TABLE")
    assert table == Table(("Name", "Type", "Children"), (("chain", "CHAINED", ("run_b", "run_a")),))
    assert table.column("Name") == ["chain"]
    with pytest.raises(ValueError, match="Unknown chains mode"):
        query_collections(repo, chains="SIDEWAYS")


def test_query_collections_dataset_types_column(repo: str) -> None:
    register_dataset_type(repo, "calexp_metadata", "StructuredDataDict", ["instrument"])
    table = query_collections(
        repo, ["run_a"], chains="NO-CHILDREN", show_dataset_types=True, exclude_dataset_types=()
    )
    assert table.columns == ("Name", "Type", "Dataset Types")
    assert table.rows == (("run_a", "RUN", ()),)


def test_table_checks_row_width() -> None:
    with pytest.raises(ValueError, match="columns"):
        Table(("a", "b"), (("only one",),))


def test_collection_chain_modes(repo: str) -> None:
    assert collection_chain(repo, "chain", ["tagged"], mode="extend") == (
        "run_b",
        "run_a",
        "tagged",
    )
    assert collection_chain(repo, "chain", ["0", "-1"], mode="pop") == ("run_a",)
    with pytest.raises(errors.CollectionChainError, match="Unknown mode"):
        collection_chain(repo, "chain", mode="shuffle")
    with pytest.raises(errors.CollectionChainError, match="--flatten cannot"):
        collection_chain(repo, "chain", ["run_a"], mode="remove", flatten=True)
    with pytest.raises(errors.MissingCollectionError):
        collection_chain(repo, "nochain", mode="pop")


def test_remove_collections_confirm_callback(repo: str) -> None:
    seen: list[CollectionRemoval] = []

    def refuse(plan: CollectionRemoval) -> bool:
        seen.append(plan)
        return False

    result = remove_collections(repo, "outer", confirm=refuse)
    assert result.removed == ()
    assert seen[0].plan.rows == (("outer", "CHAINED", ()),)
    result = remove_collections(repo, "*", remove_from_parents=False)
    assert result.removed == ("calib", "outer", "chain", "tagged")  # chains before children
    assert result.runs == ("run_a", "run_b")


def test_dataset_types_functions(repo: str) -> None:
    assert register_dataset_type(repo, "raw", "StructuredDataDict", ["instrument", "detector"])
    assert not register_dataset_type(repo, "raw", "StructuredDataDict", ["instrument", "detector"])
    table = query_dataset_types(repo, ["r*"], verbose=True)
    assert table.rows == (("raw", "instrument, detector", "StructuredDataDict", "False"),)
    assert query_dataset_types(repo, collections=["run_*"]).rows == ()
    assert remove_dataset_types(repo, ["raw", "nothere"]) == ("raw",)
    assert query_dataset_types(repo).rows == ()
