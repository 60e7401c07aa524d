"""Bad export files and conflicts: clear errors naming the line, and nothing half-imported."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skybutler.daf_butler import DatasetRef, Registry
from skybutler.daf_butler.errors import (
    ConflictingDefinitionError,
    MissingCollectionError,
    MissingDimensionRecordError,
    RepoImportError,
)
from skybutler.daf_butler.transfers import import_yaml

RegistryFactory = Callable[[], Registry]
Populate = Callable[[Registry], dict[str, list[DatasetRef]]]
Snapshot = Callable[[Registry], dict[str, Any]]


@pytest.fixture
def text(data_dir: Path) -> str:
    return (data_dir / "hsc-subset-1.0.2.yaml").read_text()


def line_of(text: str, fragment: str, offset: int = 0) -> int:
    """Return the 1-based line where ``fragment`` starts, plus ``offset``."""
    return text[: text.index(fragment)].count("\n") + 1 + offset


def variant(text: str, old: str, new: str, *, last: bool = False) -> str:
    """Return ``text`` with the first (or last) ``old`` replaced by ``new``."""
    index = text.rindex(old) if last else text.index(old)
    return text[:index] + new + text[index + len(old) :]


@pytest.mark.parametrize(
    "version", ["2.0.0", "1.1.0", "1.0.3", "banana", "1"], ids=lambda v: f"v{v}"
)
def test_unsupported_versions_say_which_are(
    sqlite_registry: RegistryFactory, text: str, version: str
) -> None:
    bad = variant(text, "version: 1.0.2", f"version: {version}")
    with pytest.raises(RepoImportError, match=r"line 2: .*1\.0\.0, 1\.0\.1 and 1\.0\.2"):
        import_yaml(sqlite_registry(), io.StringIO(bad))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param("data: [", "not valid YAML", id="not-yaml"),
        pytest.param("- 1\n- 2\n", "not a Butler export file", id="not-export"),
        pytest.param("description: x\ndata: []\n", "has no 'version'", id="no-version"),
        pytest.param("version: 1.0.2\ndata: 3\n", "'data' must be a list", id="data-not-list"),
        pytest.param(
            "version: 1.0.2\nuniverse_version: eight\ndata: []\n",
            "'universe_version' must be an integer",
            id="universe-version",
        ),
        pytest.param(
            "version: 1.0.2\ndata:\n- type: dimension\n  element: instrument\n- type: tea\n",
            "line 5: entry of unknown type 'tea'",
            id="entry-type",
        ),
    ],
)
def test_malformed_documents(sqlite_registry: RegistryFactory, document: str, message: str) -> None:
    with pytest.raises(RepoImportError, match=message):
        import_yaml(sqlite_registry(), io.StringIO(document))


def broken_cases(text: str) -> list[tuple[str, int, str]]:
    """Return (document, line of the record at fault, message) triples."""
    detector = "    id: 11\n    full_name: '1_37'"
    raw = "    - instrument: HSC\n      detector: 11\n      exposure: 903334\n"
    return [
        (
            variant(text, detector, "    id: eleven\n    full_name: '1_37'"),
            line_of(text, detector, -1),
            r"invalid detector record .*'id'",
        ),
        (
            variant(text, detector, detector + "\n    colour: blue"),
            line_of(text, detector, -1),
            r"invalid detector record .*colour",
        ),
        (
            variant(text, "  element: visit_system\n", "  element: visit_sistem\n"),
            line_of(text, "  element: visit_system\n"),
            "unknown dimension element 'visit_sistem'",
        ),
        (
            variant(text, raw, raw.replace("      exposure: 903334\n", "")),
            line_of(text, raw, -4),
            "invalid raw dataset",
        ),
        (
            variant(text, "    - !uuid '5d32ede2-f2ca-5d3b-b900-bba4a00c3bfa'\n", ""),
            line_of(text, "    - !uuid '5d32ede2-f2ca-5d3b-b900-bba4a00c3bf9'", -1),
            "1 dataset_id value",
        ),
        (
            variant(
                text, "  collection_type: TAGGED\n  name:", "  collection_type: BAGGED\n  name:"
            ),
            line_of(text, "  collection_type: TAGGED\n  name:", -1),
            "unknown collection_type 'BAGGED'",
        ),
        (
            variant(
                text,
                "  dataset_type: calexp\n  run: HSC/runs/RC2/w_2021_10\n",
                "  dataset_type: calexp\n",
            ),
            line_of(text, "  dataset_type: calexp\n", -1),
            "dataset entry without 'run'",
        ),
        (
            variant(
                text,
                "  - !uuid '3f452f1d-b8a5-5202-8190-4e723004a6ba'\n",
                "  - 'nope'\n",
                last=True,
            ),
            line_of(text, "  collection: HSC/tagged/best", -1),
            "dataset ID 'nope' is not a UUID",
        ),
        (
            variant(
                text,
                "  - !uuid '3f452f1d-b8a5-5202-8190-4e723004a6ba'\n",
                "  - !uuid '3f452f1d-b8a5-5202-8190-4e723004a6bb'\n",
                last=True,
            ),
            line_of(text, "  collection: HSC/tagged/best", -1),
            "are neither in the file nor in the registry",
        ),
        (
            variant(
                text,
                "  - timespan: !lsst.daf.butler.Timespan\n      begin: null\n"
                "      end: !butler_time/tai/iso '2014-01-01 00:00:00.000000000'\n",
                "  - timespan: 2014\n",
            ),
            line_of(text, "  - timespan: !lsst.daf.butler.Timespan\n      begin: null"),
            "needs a !lsst.daf.butler.Timespan",
        ),
        (
            variant(
                text,
                "  collection_type: TAGGED\n  dataset_ids",
                "  collection_type: RUN\n  dataset_ids",
            ),
            line_of(text, "  collection_type: TAGGED\n  dataset_ids", -2),
            "associations of a RUN collection",
        ),
    ]


@pytest.mark.parametrize("case", range(11), ids=lambda i: f"case{i}")
def test_broken_entries_name_their_line(
    sqlite_registry: RegistryFactory, snapshot: Snapshot, text: str, case: int
) -> None:
    document, line, message = broken_cases(text)[case]
    registry = sqlite_registry()
    before = snapshot(registry)
    with pytest.raises(RepoImportError, match=message) as info:
        import_yaml(registry, io.StringIO(document))
    assert f"line {line}:" in str(info.value)
    assert snapshot(registry) == before


def test_chain_to_a_missing_collection(sqlite_registry: RegistryFactory, text: str) -> None:
    bad = variant(text, "  - HSC/raw/all\n  - HSC/calib\n", "  - HSC/raw/al\n  - HSC/calib\n")
    with pytest.raises(MissingCollectionError, match=r"line \d+ \(chain 'HSC/defaults'\)"):
        import_yaml(sqlite_registry(), io.StringIO(bad))


def test_conflicting_records_name_element_record_and_fields(
    make_registry: RegistryFactory, snapshot: Snapshot, text: str
) -> None:
    registry = make_registry()
    registry.insertDimensionData(
        "instrument",
        {
            "name": "HSC",
            "visit_max": 21474800,
            "visit_system": 0,
            "exposure_max": 21474800,
            "detector_max": 100,
            "class_name": "my.Camera",
        },
    )
    before = snapshot(registry)
    with pytest.raises(ConflictingDefinitionError) as info:
        import_yaml(registry, io.StringIO(text))
    message = str(info.value)
    assert f"line {line_of(text, '  - name: HSC')}:" in message
    assert "instrument record {'instrument': 'HSC'}" in message
    assert "detector_max: 100 in the stored record, 200 in the file" in message
    assert "class_name: 'my.Camera' in the stored record" in message
    assert "skip_dimensions" in message
    assert snapshot(registry) == before
    # Skipping the element keeps the stored records and imports the rest.
    import_yaml(registry, io.StringIO(text), skip_dimensions={"instrument"})
    (stored,) = registry._managers.dimensions.fetch("instrument")
    assert stored.detector_max == 100
    assert len(registry._managers.dimensions.fetch("detector")) == 3


def test_conflicting_records_within_the_file(sqlite_registry: RegistryFactory, text: str) -> None:
    twice = variant(
        text,
        "- type: dimension\n  element: skymap\n",
        "- type: dimension\n  element: instrument\n  records:\n  - name: HSC\n"
        "    detector_max: 5\n- type: dimension\n  element: skymap\n",
    )
    with pytest.raises(ConflictingDefinitionError, match="another record of the file"):
        import_yaml(sqlite_registry(), io.StringIO(twice))


def test_failed_import_leaves_the_registry_as_it_was(
    make_registry: RegistryFactory, snapshot: Snapshot, text: str, data_dir: Path
) -> None:
    """Everything (dataset types, collections, records, datasets) goes when the last step fails."""
    registry = make_registry()
    with pytest.warns(UserWarning, match="universe version 0"):
        import_yaml(registry, data_dir / "legacy-version-0.yaml")
    before = snapshot(registry)
    late_failure = variant(
        text,
        "  - !uuid '3f452f1d-b8a5-5202-8190-4e723004a6ba'\n",
        "  - !uuid '3f452f1d-b8a5-5202-8190-4e723004a6bb'\n",
        last=True,
    )
    with pytest.raises(RepoImportError, match="neither in the file nor in the registry"):
        import_yaml(registry, io.StringIO(late_failure))
    assert snapshot(registry) == before

    def refuse(files: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        import_yaml(registry, io.StringIO(text), ingest_files=refuse)
    assert snapshot(registry) == before
    import_yaml(registry, io.StringIO(text))  # the registry still works
    assert "HSC/RC2/defaults" in registry.queryCollections()


def test_other_universe_version_fills_and_drops_with_a_warning(
    sqlite_registry: RegistryFactory, text: str
) -> None:
    older = variant(text, "universe_version: 8", "universe_version: 7")
    older = variant(older, "    detector_max: 200\n", "    detector_max: 200\n    colour: red\n")
    older = variant(older, "    has_simulated: false\n    can_see_sky: true\n", "")
    registry = sqlite_registry()
    with pytest.warns(UserWarning, match="version 7") as record:
        import_yaml(registry, io.StringIO(older))
    (warning,) = [w for w in record if "dimension universe" in str(w.message)]
    assert "dropped instrument fields ['colour']" in str(warning.message)
    assert "filled missing exposure fields ['can_see_sky', 'has_simulated']" in str(warning.message)
    (exposure,) = registry._managers.dimensions.fetch("exposure")
    assert exposure.can_see_sky is None


def test_datasets_need_their_records(sqlite_registry: RegistryFactory, text: str) -> None:
    registry = sqlite_registry()
    skip = {
        "detector",
        "exposure",
        "visit",
        "visit_detector_region",
        "visit_definition",
        "visit_system_membership",
    }
    with pytest.raises(MissingDimensionRecordError) as info:
        import_yaml(registry, io.StringIO(text), skip_dimensions=skip)
    message = str(info.value)
    assert "Datasets of type 'bias' refer to dimension records" in message
    assert "detector {'instrument': 'HSC', 'detector': 10}" in message
    assert registry.queryCollections() == []
