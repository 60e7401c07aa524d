"""``query_all_datasets``: the refs of every matching type, checked against one query per type."""

from __future__ import annotations

import fnmatch
import logging
from pathlib import Path
from typing import Any

import pytest

from skybutler.daf_butler import Butler, DatasetRef
from skybutler.daf_butler.errors import CollectionNameError, InvalidQueryError
from skybutler.daf_butler.queries import query_all_datasets, query_datasets
from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.testing._query_data import build_query_repo


def _per_type(
    repo: Registry, collections: Any, pattern: str = "*", **kwargs: Any
) -> list[DatasetRef]:
    """Return the refs of each registered type matching ``pattern``, one query per type."""
    refs: list[DatasetRef] = []
    for dataset_type in repo.queryDatasetTypes(...):
        if fnmatch.fnmatchcase(dataset_type.name, pattern):
            refs += query_datasets(
                repo, dataset_type, collections, explain=False, limit=None, **kwargs
            )
    return refs


@pytest.mark.parametrize(
    ("collections", "kwargs"),
    [
        (["run/a"], {}),
        (["chain"], {}),
        (["run/b", "run/a", "calib"], {}),
        (["chain"], {"where": "visit = 12"}),
        (["chain"], {"instrument": "Cam", "detector": 2}),
        (["run/a", "calib/runs"], {"where": "detector = :d", "bind": {"d": 3}}),
        ("*", {"find_first": False}),
        ("run/*", {"find_first": False}),
    ],
    ids=lambda value: str(value)[:30],
)
def test_matches_one_query_per_type(
    query_repo: Registry, collections: Any, kwargs: dict[str, Any]
) -> None:
    found = query_all_datasets(query_repo, collections, limit=None, **kwargs)
    expected = _per_type(query_repo, collections, **kwargs)
    assert expected
    assert sorted(map(str, found)) == sorted(map(str, expected))
    assert len(found) == len(set(found))


@pytest.mark.parametrize("name", ["c*", "raw", ["raw", "summary"], "b?as"])
def test_name_patterns(query_repo: Registry, name: Any) -> None:
    collections = ["run/b", "run/a", "calib"]
    found = query_all_datasets(query_repo, collections, name=name, limit=None)
    names = [name] if isinstance(name, str) else name
    expected = [r for n in names for r in _per_type(query_repo, collections, n)]
    assert sorted(map(str, found)) == sorted(map(str, expected))
    assert {r.datasetType.name for r in found} == {r.datasetType.name for r in expected}


def test_limits(query_repo: Registry, caplog: pytest.LogCaptureFixture) -> None:
    everything = query_all_datasets(query_repo, ["chain"], limit=None)
    total = len(everything)
    assert total > 5
    with caplog.at_level(logging.WARNING):
        capped = query_all_datasets(query_repo, ["chain"], limit=-5)
    assert len(capped) == 5
    assert "more than 5" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert len(query_all_datasets(query_repo, ["chain"], limit=-total)) == total
    assert "more than" not in caplog.text
    assert len(query_all_datasets(query_repo, ["chain"], limit=3)) == 3
    assert query_all_datasets(query_repo, ["chain"], limit=0) == []
    assert set(query_all_datasets(query_repo, ["chain"], limit=-5)) <= set(everything)


def test_nothing_found_is_empty(query_repo: Registry) -> None:
    assert query_all_datasets(query_repo, ["chain"], name="no-such-*") == []
    assert query_all_datasets(query_repo, ["chain"], where="visit > 1000") == []


def test_order_by(query_repo: Registry) -> None:
    found = query_all_datasets(query_repo, ["chain"], order_by="-detector", limit=None)
    assert sorted(map(str, found)) == sorted(map(str, _per_type(query_repo, ["chain"])))
    for name in {r.datasetType.name for r in found}:
        of_type = [r for r in found if r.datasetType.name == name]
        if "detector" in of_type[0].datasetType.dimensions.names:
            detectors = [r.dataId["detector"] for r in of_type]
            assert detectors == sorted(detectors, reverse=True)
    with pytest.raises(InvalidQueryError, match="Cannot order by 'detectr'"):
        query_all_datasets(query_repo, ["chain"], order_by="detectr")


def test_bad_input(query_repo: Registry) -> None:
    with pytest.raises(CollectionNameError, match="find_first"):
        query_all_datasets(query_repo, "*")
    with pytest.raises(InvalidQueryError, match="Unknown name"):
        query_all_datasets(query_repo, ["chain"], where="vist = 12")
    with pytest.raises(InvalidQueryError, match="Unknown dimension"):
        query_all_datasets(query_repo, ["chain"], detectr=1)


def test_butler_method(tmp_path: Path) -> None:
    root = str(tmp_path / "repo")
    Butler.makeRepo(root)
    with Butler(root, writeable=True) as butler:
        build_query_repo(butler.registry)
    with Butler(root, collections=["chain"]) as butler:
        found = butler.query_all_datasets(where="detector = 1", with_dimension_records=True)
        expected = _per_type(butler.registry, ["chain"], where="detector = 1")
        assert sorted(map(str, found)) == sorted(map(str, expected))
        assert all(ref.dataId.hasRecords() for ref in found)
        assert len(butler.query_all_datasets(limit=2)) == 2
