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
    associate,
    certify_calibrations,
    collection_chain,
    config_dump,
    config_validate,
    create_repo,
    open_butler,
    open_registry,
    query_collections,
    query_data_ids,
    query_dataset_types,
    query_datasets,
    query_dimension_records,
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


def test_create_repo_options_and_open_butler(tmp_path: Path) -> None:
    root = tmp_path / "r"
    outfile = tmp_path / "elsewhere.yaml"
    config_uri = create_repo(str(root), standalone=True, outfile=str(outfile))
    assert config_uri.ospath == str(outfile)
    assert not (root / "butler.yaml").exists()
    with pytest.raises(errors.RepositoryExistsError):
        create_repo(str(root), outfile=str(outfile))
    create_repo(str(tmp_path / "s" / "butler.yaml"))
    with open_butler(str(tmp_path / "s"), collections=["run"]) as butler:
        assert list(butler.collections.defaults) == ["run"]
        assert not butler.isWriteable()


def test_query_functions_without_click(query_repo: str) -> None:
    result = query_datasets(query_repo, ["calexp"], ["chain"], "detector = 1", find_first=True)
    (table,) = result.tables
    assert table.columns == ("type", "run", "id", "instrument", "detector", "visit")
    assert sorted(table.column("visit")) == ["10", "11", "12", "13", "14"]
    assert not result.empty
    empty = query_datasets(query_repo, ["calexp"], where="visit = 99")
    assert empty.empty
    assert empty.reasons
    assert query_datasets(query_repo, ["x*"]).reasons == ("No dataset types match.",)
    data_ids = query_data_ids(query_repo, ["detector"], where="instrument = 'Other'", limit=0)
    assert data_ids.tables[0].rows == (("Other", "1"),)
    with pytest.raises(errors.InvalidQueryError, match="Nothing to query"):
        query_data_ids(query_repo)
    records = query_dimension_records(query_repo, "instrument", limit=1, offset=1)
    assert records.tables[0].column("name") == ["Other"]
    none = query_dimension_records(query_repo, "instrument", where="instrument = 'Nope'")
    assert none.tables[0].columns == ("instrument",)
    assert none.reasons


def test_tag_certify_and_config_functions(writable_query_repo: str) -> None:
    repo = writable_query_repo
    assert associate(repo, "tag", ["raw"], ["run/a"], "exposure = 10") == 4
    assert certify_calibrations(repo, "calib/runs", "cal", "bias", "2024-01-01", None) == 4
    with pytest.raises(errors.TimespanError, match="is not after"):
        certify_calibrations(repo, "calib/runs", "cal", "bias", "2024-01-02", "2024-01-01")
    assert "db: sqlite" in config_dump(repo, ".registry")
    assert config_dump(repo, "datastore.cls").strip() == "cls: file"
    validation = config_validate(repo, ignore=["sum*"])
    assert validation.ok
    assert validation.checked == ("bias", "calexp", "raw")
