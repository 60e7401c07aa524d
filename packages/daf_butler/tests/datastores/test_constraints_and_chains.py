"""Constraints, chained datastores, the in-memory datastore and the datastore factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skybutler.daf_butler.datastores import (
    ChainedDatastore,
    Constraints,
    DatastoreConfig,
    FileDatastore,
    InMemoryDatastore,
    datastore_from_config,
)
from skybutler.daf_butler.errors import DatasetTypeNotSupportedError, DatastoreConfigError
from skybutler.daf_butler.testing import make_ref


@pytest.mark.parametrize(
    ("config", "accepted"),
    [
        (None, {"calexp", "metrics", "table"}),
        ({"accept": ["calexp"]}, {"calexp"}),
        ({"reject": ["calexp"]}, {"metrics", "table"}),
        ({"reject": ["all"], "accept": ["StructuredDataDict"]}, {"metrics"}),
        ({"accept": ["all"], "reject": ["ArrowAstropy"]}, {"calexp", "metrics"}),
        ({"accept": ["instrument+detector"], "reject": ["metrics"]}, {"calexp", "table"}),
        ({"reject": [{"instrument<Cam>": ["calexp"]}]}, {"metrics", "table"}),
        ({"reject": [{"instrument<Other>": ["calexp"]}]}, {"calexp", "metrics", "table"}),
        ({"accept": ["calexp"], "reject": ["MaskedImage"]}, {"calexp"}),
    ],
    ids=[
        "none",
        "accept-list",
        "reject-list",
        "reject-all-but",
        "accept-all-but",
        "name-beats-dimensions",
        "instrument-reject",
        "other-instrument",
        "name-beats-storage-class",
    ],
)
def test_constraints(config: Any, accepted: set[str]) -> None:
    constraints = Constraints(config)
    refs = {
        "calexp": make_ref("calexp", "MaskedImage"),
        "metrics": make_ref("metrics", "StructuredDataDict"),
        "table": make_ref("table", "ArrowAstropy"),
    }
    assert {name for name, ref in refs.items() if constraints.accepts(ref)} == accepted


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"accept": ["all"], "reject": ["all"]}, "both accept and reject"),
        ({"allow": ["x"]}, "Unknown constraint keys"),
        ({"accept": [{"instrument<X>": "calexp"}]}, "must hold a list"),
    ],
    ids=["all-both", "unknown-key", "not-a-list"],
)
def test_bad_constraints(config: Any, match: str) -> None:
    with pytest.raises(DatastoreConfigError, match=match):
        Constraints(config)


def test_rejected_put(tmp_path: Path) -> None:
    datastore = datastore_from_config(
        {"cls": "file", "root": str(tmp_path), "constraints": {"reject": ["metrics"]}}
    )
    ref = make_ref("metrics", "StructuredDataDict")
    with pytest.raises(DatasetTypeNotSupportedError, match="rejected by the constraints"):
        datastore.put({"a": 1}, ref)
    assert datastore.put_many([({"a": 1}, ref)]) == []


@pytest.fixture
def chain(tmp_path: Path) -> ChainedDatastore:
    chained = datastore_from_config(
        {
            "cls": "chained",
            "datastores": [
                {"datastore": {"cls": "inmemory", "name": "memory"}},
                {"cls": "file", "root": str(tmp_path / "hsc"), "name": "hsc-files"},
                {"cls": "file", "root": str(tmp_path / "all"), "name": "all-files"},
                {"cls": "file", "root": str(tmp_path / "archive"), "name": "archive"},
            ],
            "datastore_constraints": [
                {"constraints": {"accept": ["StructuredDataDict"]}},
                {"constraints": {"reject": ["all"], "accept": [{"instrument<HSC>": ["metrics"]}]}},
                None,
                None,
            ],
            "read_only": ["archive"],
        }
    )
    assert isinstance(chained, ChainedDatastore)
    return chained


def test_chain_routes_puts(chain: ChainedDatastore) -> None:
    memory = chain.datastores[0]
    hsc_ref = make_ref("metrics", "StructuredDataDict", instrument="HSC")
    cam_ref = make_ref("metrics", "StructuredDataDict")
    table = make_ref("numbers", "StructuredDataList")
    chain.put_many([({"a": 1}, hsc_ref), ({"b": 2}, cam_ref), ([1], table)])
    held = {
        ds.name: sorted(
            r.datasetType.name + str(r.dataId["instrument"])
            for r, k in ds.knows_these([hsc_ref, cam_ref, table]).items()
            if k
        )
        for ds in chain.datastores
    }
    assert held == {
        "memory": ["metricsCam", "metricsHSC"],
        "hsc-files": ["metricsHSC"],
        "all-files": ["metricsCam", "metricsHSC", "numbersCam"],
        "archive": [],
    }
    assert chain.get(table) == [1]
    assert chain.getURI(hsc_ref).scheme == "mem"  # served by the first member holding it
    assert chain.getURI(table).scheme == "file"
    assert set(chain.roots()) == {"memory", "hsc-files", "all-files", "archive"}
    memory.remove(hsc_ref)
    assert chain.get(hsc_ref) == {"a": 1}  # the next member still has it
    chain.trash(hsc_ref)
    chain.emptyTrash()
    assert not chain.knows(hsc_ref)


def test_read_only_member_serves_reads(chain: ChainedDatastore) -> None:
    archive = chain.datastores[3]
    ref = make_ref("old", "StructuredDataDict")
    archive.put({"old": True}, ref)
    assert chain.get(ref) == {"old": True}
    chain.trash(ref)
    chain.emptyTrash()
    assert archive.knows(ref)  # never written or removed through the chain
    assert chain.export_records([ref])["archive"]


def test_chain_rejects_when_no_member_accepts(tmp_path: Path) -> None:
    chain = datastore_from_config(
        {
            "cls": "chained",
            "datastores": [{"cls": "inmemory"}],
            "datastore_constraints": [{"constraints": {"reject": ["all"]}}],
        }
    )
    with pytest.raises(DatasetTypeNotSupportedError):
        chain.put({"a": 1}, make_ref("metrics", "StructuredDataDict"))
    predicted = make_ref("x", "StructuredDataDict")
    with pytest.raises(FileNotFoundError):
        chain.getURIs(predicted, predict=True)


def test_chain_predicts_with_first_accepting(chain: ChainedDatastore) -> None:
    ref = make_ref("numbers", "StructuredDataList")
    primary = chain.getURIs(ref, predict=True).primaryURI
    assert primary is not None
    assert primary.fragment == "predicted"


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"cls": "chained"}, "non-empty list"),
        (
            {
                "cls": "chained",
                "datastores": [{"cls": "inmemory"}],
                "datastore_constraints": [None, None],
            },
            "one per datastore",
        ),
        ({"cls": "nope"}, "Unknown datastore 'nope'"),
    ],
    ids=["no-members", "constraints-count", "unknown-cls"],
)
def test_bad_datastore_config(config: Any, match: str) -> None:
    with pytest.raises(DatastoreConfigError, match=match):
        datastore_from_config(config)


def test_upstream_class_names_and_config(tmp_path: Path) -> None:
    memory = datastore_from_config(
        {"datastore": {"cls": "lsst.daf.butler.datastores.inMemoryDatastore.InMemoryDatastore"}}
    )
    assert isinstance(memory, InMemoryDatastore)
    config = DatastoreConfig({"datastore": {"root": str(tmp_path)}})
    assert config["cls"] == "file"
    assert config["records.table"] == "file_datastore_records"
    files = datastore_from_config(config)
    assert isinstance(files, FileDatastore)
    assert files.templates.default is not None


def test_in_memory_copies(tmp_path: Path) -> None:
    ref = make_ref("metrics", "StructuredDataDict")
    obj = {"a": [1]}
    copying = InMemoryDatastore()
    copying.put(obj, ref)
    obj["a"].append(2)
    assert copying.get(ref) == {"a": [1]}
    sharing = InMemoryDatastore({"copy": False, "name": "shared"})
    sharing.put(obj, ref)
    assert sharing.get(ref) is obj
    assert sharing.getURI(ref).geturl() == f"mem://shared/{ref.id}"
    assert sharing.export_records([ref]) == {"shared": []}


def test_builtin_datastores_match_entry_points() -> None:
    from importlib.metadata import entry_points

    from skybutler.daf_butler.datastores import DATASTORES

    declared = {ep.name: ep.value for ep in entry_points(group=DATASTORES.group)}
    assert declared == DATASTORES._builtins
    assert {DATASTORES.load(name).short_name for name in declared} == set(declared)
