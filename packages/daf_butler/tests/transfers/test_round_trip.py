"""Export a registry, import it into a fresh one, and find the same contents."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from skybutler.daf_butler import CollectionType, DatasetRef, Registry, Timespan
from skybutler.daf_butler.transfers import (
    ExportLoader,
    FileDataset,
    RepoExportContext,
    collection_associations,
    collection_datasets,
    export_yaml,
    import_yaml,
)

RegistryFactory = Callable[[], Registry]
Populate = Callable[[Registry], dict[str, list[DatasetRef]]]
Snapshot = Callable[[Registry], dict[str, Any]]


def save_everything(registry: Registry, export: RepoExportContext) -> None:
    """Save every record, collection, dataset type and dataset of a registry."""
    managers = registry._managers
    for element in registry.dimensions.elements:
        if element.hasTable():
            export.saveDimensionData(element, managers.dimensions.fetch(element))
    for name in registry.queryCollections():
        export.saveCollection(name)
        if registry.getCollectionType(name) is CollectionType.RUN:
            export.saveDatasets(collection_datasets(registry, name))
    export.saveDatasetTypes(registry.queryDatasetTypes())


def export_text(registry: Registry, **kwargs: object) -> str:
    stream = io.StringIO()
    with export_yaml(registry, stream, **kwargs) as export:  # type: ignore[arg-type]
        save_everything(registry, export)
    return stream.getvalue()


def test_round_trip_keeps_everything(
    make_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = make_registry()
    populate(source)
    text = export_text(source)
    target = make_registry()
    import_yaml(target, io.StringIO(text))
    assert snapshot(target) == snapshot(source)
    # The copy exports to the same document: the format loses nothing.
    assert export_text(target) == text


def test_import_twice_changes_nothing(
    make_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = make_registry()
    populate(source)
    text = export_text(source)
    target = make_registry()
    import_yaml(target, io.StringIO(text))
    before = snapshot(target)
    import_yaml(target, io.StringIO(text))
    assert snapshot(target) == before


def test_document_layout(
    sqlite_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = sqlite_registry()
    refs = populate(source)

    def exporter(given: Sequence[DatasetRef]) -> list[FileDataset]:
        return [FileDataset(f"{ref.id}.json", ref, "json") for ref in given]

    document = yaml.safe_load(
        export_text(source, file_exporter=exporter)
        .replace("!uuid", "")
        .replace("!butler_time/tai/iso", "")
        .replace("!lsst.daf.butler.Timespan", "")
        .replace("!<lsst.sphgeom.ConvexPolygon>", "")
    )
    assert list(document) == [
        "description",
        "version",
        "universe_version",
        "universe_namespace",
        "data",
    ]
    assert document["description"] == "Butler Data Repository Export"
    assert document["version"] == "1.0.2"
    assert (document["universe_version"], document["universe_namespace"]) == (8, "daf_butler")
    kinds = [entry["type"] for entry in document["data"]]
    # Records, then collections, then dataset types with their datasets, then associations.
    groups = [k if k != "dataset" else "dataset_type" for k in kinds]
    assert groups == sorted(
        groups, key=["dimension", "collection", "dataset_type", "associations"].index
    )
    assert kinds[kinds.index("dataset_type") + 1] == "dataset"
    collections = {e["name"]: e for e in document["data"] if e["type"] == "collection"}
    assert list(collections["HSC/runs/a"]) == [
        "type",
        "collection_type",
        "name",
        "doc",
        "host",
        "timespan_begin",
        "timespan_end",
    ]
    assert collections["HSC/runs/a"]["timespan_begin"] == "2021-03-04 05:06:07.123456789"
    assert collections["HSC/outer"]["children"] == ["HSC/runs/a", "HSC/inner", "HSC/tagged"]
    names = list(collections)
    assert names.index("HSC/inner") < names.index("HSC/outer")  # chains after their chains
    dataset_type = next(e for e in document["data"] if e["type"] == "dataset_type")
    assert list(dataset_type) == ["type", "name", "dimensions", "storage_class", "is_calibration"]
    dataset = next(e for e in document["data"] if e["type"] == "dataset")
    assert list(dataset) == ["type", "dataset_type", "run", "records"]
    assert list(dataset["records"][0]) == ["dataset_id", "data_id", "path", "formatter"]
    # Without a formatter the key is left out (upstream's reader imports any it is given).
    plain = yaml.load(export_text(source), Loader=ExportLoader)
    record = next(e for e in plain["data"] if e["type"] == "dataset")["records"][0]
    assert list(record) == ["dataset_id", "data_id", "path"]
    calib = next(
        e
        for e in document["data"]
        if e["type"] == "associations" and e["collection_type"] == "CALIBRATION"
    )
    ranges = calib["validity_ranges"]
    assert [(r["timespan"]["begin"], r["timespan"]["end"]) for r in ranges] == [
        (None, "2020-01-01 00:00:00.000000000"),
        (None, None),
        ("2020-01-01 00:00:00.000000000", "2021-01-01 00:00:00.000000000"),
        ("2022-01-01 00:00:00.000000000", None),
    ]
    assert sorted(ranges[0]["dataset_ids"]) == sorted(str(r.id).strip() for r in refs["bias"][:2])


def test_files_pass_through_hooks(
    sqlite_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = sqlite_registry()
    refs = populate(source)

    def exporter(given: Sequence[DatasetRef]) -> list[FileDataset]:
        return [
            FileDataset(f"{ref.run}/{ref.datasetType.name}/{ref.id}.json", ref, "json")
            for ref in given
        ]

    stream = io.StringIO()
    with export_yaml(source, stream, file_exporter=exporter) as export:
        export.saveDatasets(
            refs["calexp"],
            rewrite=lambda f: FileDataset("moved/" + f.path, f.refs, f.formatter),
        )
    received: list[FileDataset] = []
    target = sqlite_registry()
    returned = import_yaml(target, io.StringIO(stream.getvalue()), ingest_files=received.extend)
    assert received == returned
    assert sorted(f.path for f in received) == sorted(
        f"moved/HSC/runs/a/calexp/{ref.id}.json" for ref in refs["calexp"]
    )
    assert {f.formatter for f in received} == {"json"}
    assert {r.id for f in received for r in f.refs} == {r.id for r in refs["calexp"]}


def test_save_datasets_brings_records_and_runs(
    sqlite_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = sqlite_registry()
    refs = populate(source)
    stream = io.StringIO()
    with export_yaml(source, stream) as export:
        export.saveDatasets(refs["calexp"][:1], elements=["instrument", "visit", "detector"])
        export.saveDatasets(refs["calexp"][:1])  # a repeat is exported once
    target = sqlite_registry()
    for element in ("instrument", "physical_filter", "day_obs"):  # what visits refer to
        target.insertDimensionData(element, *source._managers.dimensions.fetch(element))
    import_yaml(target, io.StringIO(stream.getvalue()))
    assert target.queryCollections() == ["HSC/runs/a"]
    assert [r.id for r in collection_datasets(target, "HSC/runs/a")] == [refs["calexp"][0].id]
    assert len(target._managers.dimensions.fetch("detector")) == 1


def test_save_data_ids_and_chains_with_children(
    sqlite_registry: RegistryFactory, populate: Populate, snapshot: Snapshot
) -> None:
    source = sqlite_registry()
    populate(source)
    stream = io.StringIO()
    with export_yaml(source, stream) as export:
        export.saveDataIds([{"instrument": "HSC", "detector": 1}])
        export.saveCollection("HSC/outer", include_children=True)
    target = sqlite_registry()
    import_yaml(target, io.StringIO(stream.getvalue()))
    assert target.getCollectionChain("HSC/outer") == ("HSC/runs/a", "HSC/inner", "HSC/tagged")
    assert target.getCollectionChain("HSC/inner") == ("HSC/calib", "HSC/calib/run")
    assert [r.dataId["detector"] for r in target._managers.dimensions.fetch("detector")] == [1]
    assert collection_datasets(target, "HSC/tagged") == []  # collections only, no datasets


def test_export_to_path_and_import_from_path(
    sqlite_registry: RegistryFactory, tmp_path: Path, populate: Populate, snapshot: Snapshot
) -> None:
    source = sqlite_registry()
    populate(source)
    with export_yaml(source, tmp_path / "export.yaml") as export:
        save_everything(source, export)
    target = sqlite_registry()
    import_yaml(target, tmp_path / "export.yaml")
    assert snapshot(target) == snapshot(source)


def test_failed_export_writes_nothing(sqlite_registry: RegistryFactory, tmp_path: Path) -> None:
    source = sqlite_registry()
    with pytest.raises(RuntimeError), export_yaml(source, tmp_path / "x.yaml"):
        raise RuntimeError("stop")
    assert (tmp_path / "x.yaml").read_text() == ""


def test_records_of_plain_data_ids_are_those_of_their_expansion(
    sqlite_registry: RegistryFactory, populate: Populate
) -> None:
    source = sqlite_registry()
    populate(source)
    refs = collection_datasets(source, "HSC/runs/a")
    assert refs
    assert not any(ref.dataId.hasRecords() for ref in refs)
    stream = io.StringIO()
    with export_yaml(source, stream) as export:
        export.saveDatasets(refs)
    target = sqlite_registry()
    import_yaml(target, io.StringIO(stream.getvalue()))
    universe = source.dimensions
    expected = {
        (name, repr(record))
        for data_id in source._managers.dimensions.expand_data_ids([r.dataId for r in refs])
        for name, record in data_id.records.items()
        if record is not None and universe[name].hasTable()
    }
    stored = {
        (element.name, repr(record))
        for element in universe.elements
        if element.hasTable()
        for record in target._managers.dimensions.fetch(element)
    }
    assert stored == expected
    assert {name for name, _ in stored} >= {"visit", "physical_filter", "visit_detector_region"}


SPECTROGRAPH = Path(__file__).parents[1] / "dimensions" / "data" / "spectrograph.yaml"


def test_other_universe_with_uuid_and_datetime_fields(tmp_path: Path) -> None:
    """Records of every column type (uuid and datetime fields too) round-trip."""
    from skybutler.daf_butler.testing._dimension_record_data import spectrograph_records

    def make(name: str) -> Registry:
        return Registry.createFromConfig(
            f"sqlite:///{tmp_path}/{name}.sqlite3", dimensionConfig=SPECTROGRAPH
        )

    source = make("source")
    records = spectrograph_records(source.dimensions)
    for element, rows in records.items():
        source.insertDimensionData(element, *rows)
    text = export_text(source)
    assert "!uuid '" in text
    assert "!butler_time/tai/iso '2021-03-04 05:06:07.123456789'" in text
    target = make("target")
    import_yaml(target, io.StringIO(text))
    for element in records:
        stored = target._managers.dimensions.fetch(element)
        assert stored == source._managers.dimensions.fetch(element), element
    assert export_text(target) == text


def test_associations_of_types_sharing_tables(
    sqlite_registry: RegistryFactory, populate: Populate
) -> None:
    """bias and flat have the same dimensions, so their rows share one table."""
    registry = sqlite_registry()
    refs = populate(registry)
    found = collection_associations(registry, "HSC/calib")
    assert sorted((a.ref.datasetType.name, a.ref.id) for a in found) == sorted(
        [("bias", r.id) for r in refs["bias"]]
        + [("bias", refs["bias"][0].id)]
        + [("flat", r.id) for r in refs["flat"]]
    )
    assert {a.timespan for a in found if a.ref.datasetType.name == "flat"} == {Timespan(None, None)}
