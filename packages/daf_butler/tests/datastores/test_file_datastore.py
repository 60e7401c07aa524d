"""File datastore behaviour beyond the conformance suite: failures, trust mode, checksums."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from skybutler.daf_butler.datastores import (
    FileDatastore,
    InMemoryRecordStore,
    datastore_from_config,
)
from skybutler.daf_butler.datastores.file._journal import JOURNAL_DIRECTORY
from skybutler.daf_butler.errors import (
    DatastoreConfigError,
    DatastoreError,
    DatastoreUnavailableError,
    FileIntegrityError,
    FileNotFoundInDatastoreError,
    FileTemplateError,
    FormatterWriteError,
)
from skybutler.daf_butler.formatters import FORMATTERS, Formatter
from skybutler.daf_butler.testing import make_ref
from skybutler.daf_butler.types import MaskedImage


class HalfWritingFormatter(Formatter):
    """Writes part of a file, then fails (a full disk, a crash in the middle)."""

    name: ClassVar[str] = "half"
    default_extension: ClassVar[str] = ".half"

    def write_local_file(self, obj: Any, path: str) -> None:
        with open(path, "wb") as stream:
            stream.write(b"partial")
        raise OSError("disk full")


@pytest.fixture
def half_formatter() -> Iterator[None]:
    FORMATTERS.register("half", HalfWritingFormatter)
    yield
    FORMATTERS.unregister("half")


def files_under(root: Path) -> list[str]:
    """Return the dataset files under ``root`` (open writers' journals left out)."""
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and p.parent.name != JOURNAL_DIRECTORY
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "repo"


def test_failed_write_leaves_no_file_and_no_record(
    root: Path, make_file_datastore: Any, half_formatter: None
) -> None:
    datastore = make_file_datastore(str(root), formatters={"StructuredDataList": "half"})
    good = make_ref("good", "StructuredDataDict")
    bad = make_ref("bad", "StructuredDataList")
    with pytest.raises(FormatterWriteError, match=r"Formatter 'half' cannot write .*disk full"):
        datastore.put_many([({"a": 1}, good), ([1, 2], bad)])
    # The whole batch is undone: the good file too.
    assert files_under(root) == []
    assert not datastore.knows(good)
    assert not datastore.knows(bad)


def test_failed_component_write_removes_the_other_components(
    root: Path, make_file_datastore: Any, half_formatter: None
) -> None:
    datastore = make_file_datastore(str(root), formatters={"split_image.variance": "half"})
    image = MaskedImage(np.ones((2, 2)))
    ref = make_ref("split_image", "MaskedImage")
    with pytest.raises(FormatterWriteError):
        datastore.put(image, ref)
    assert files_under(root) == []
    assert not datastore.knows(ref)


def test_object_the_formatter_cannot_write(root: Path, make_file_datastore: Any) -> None:
    datastore = make_file_datastore(str(root))
    ref = make_ref("metrics", "StructuredDataDict")
    with pytest.raises(FormatterWriteError, match=r"yaml.*cannot write the dict") as info:
        datastore.put({"a": object()}, ref)
    assert isinstance(info.value, TypeError)
    assert files_under(root) == []
    assert not datastore.knows(ref)


@pytest.mark.parametrize(
    "root_uri",
    ["/dev/null/datastore", "http://127.0.0.1:9/nothing-listens-here/"],
    ids=["under-a-file", "no-server"],
)
def test_unreachable_root(root_uri: str, http_env: None) -> None:
    with pytest.raises(DatastoreUnavailableError, match="Cannot create the root"):
        datastore_from_config({"cls": "file", "root": root_uri})


def test_root_needs_butler_root() -> None:
    with pytest.raises(DatastoreConfigError, match="give the repository root"):
        datastore_from_config({"cls": "file", "root": "<butlerRoot>/files"})
    with pytest.raises(DatastoreConfigError, match="needs a 'root'"):
        FileDatastore({})


def test_butler_root_and_default_name(tmp_path: Path) -> None:
    datastore = datastore_from_config({"root": "<butlerRoot>"}, butlerRoot=str(tmp_path))
    assert isinstance(datastore, FileDatastore)
    assert datastore.name == "FileDatastore@<butlerRoot>"
    assert datastore.root.ospath.rstrip("/") == str(tmp_path)


def test_non_unique_template_refused_at_setup(root: Path, make_file_datastore: Any) -> None:
    from skybutler.daf_butler import DimensionUniverse

    config = {
        "cls": "file",
        "root": str(root),
        "templates": {"instrument+detector": "{run}/{instrument}"},
    }
    with pytest.raises(FileTemplateError, match=r"lacks the dimensions \['detector'\]"):
        datastore_from_config(config, universe=DimensionUniverse())
    datastore = make_file_datastore(str(root), templates={"metrics": "{run}/{instrument}"})
    with pytest.raises(DatastoreConfigError, match="unique paths"):
        datastore.validateConfiguration([make_ref("metrics", "StructuredDataDict").datasetType])
    with pytest.raises(FileTemplateError, match="unique paths"):  # never silently at put
        datastore.put({"a": 1}, make_ref("metrics", "StructuredDataDict"))
    assert files_under(root) == []


def test_recorded_formatter_wins_over_new_config(root: Path, make_file_datastore: Any) -> None:
    first = make_file_datastore(str(root))
    ref = make_ref("metrics", "StructuredDataDict")
    first.put({"a": 1}, ref)
    exported = first.export_records([ref])
    assert exported[first.name][0]["formatter"] == "yaml"
    second = FileDatastore(
        {**first.config, "formatters": {"StructuredDataDict": "json"}}, InMemoryRecordStore()
    )
    second.import_records(exported)
    assert second.get(ref) == {"a": 1}
    new = make_ref("metrics", "StructuredDataDict", detector=2)
    second.put({"b": 2}, new)
    assert second.getURI(new).getExtension() == ".json"


def test_trust_mode_reads_without_records(root: Path, make_file_datastore: Any) -> None:
    writer = make_file_datastore(str(root))
    refs = [make_ref("metrics", "StructuredDataDict"), make_ref("split_image", "MaskedImage")]
    image = MaskedImage(np.arange(4.0).reshape(2, 2))
    writer.put({"a": 1}, refs[0])
    writer.put(image, refs[1])
    blind = make_file_datastore(str(root))
    assert blind.knows_these(refs) == dict.fromkeys(refs, False)
    trusting = make_file_datastore(str(root), trust_get_request=True)
    assert trusting.knows_these(refs) == dict.fromkeys(refs, True)
    assert trusting.get(refs[0]) == {"a": 1}
    assert trusting.get(refs[1]) == image
    np.testing.assert_array_equal(trusting.get(refs[1].makeComponentRef("image")), image.image)
    missing = make_ref("metrics", "StructuredDataDict", detector=5)
    with pytest.raises(FileNotFoundInDatastoreError):
        trusting.get(missing)


def test_checksums_and_integrity(root: Path, make_file_datastore: Any) -> None:
    datastore = make_file_datastore(str(root), checksum=True)
    ref = make_ref("metrics", "StructuredDataDict")
    datastore.put({"a": 1}, ref)
    (record,) = datastore.export_records([ref])[datastore.name]
    assert len(record["checksum"]) == 128
    path = datastore.getURI(ref).ospath
    assert record["file_size"] == os.path.getsize(path)
    Path(path).write_text("a: 12345\n")
    with pytest.raises(FileIntegrityError, match="changed or truncated"):
        datastore.get(ref)
    os.remove(path)
    assert not datastore.exists(ref)
    assert datastore.knows(ref)
    with pytest.raises(FileNotFoundInDatastoreError, match="recorded but missing"):
        datastore.get(ref)


def test_file_already_there_is_not_overwritten(root: Path, make_file_datastore: Any) -> None:
    datastore = make_file_datastore(str(root))
    ref = make_ref("metrics", "StructuredDataDict")
    target = Path(datastore.getURIs(ref, predict=True).primaryURI.ospath)
    target.parent.mkdir(parents=True)
    target.write_text("left over")
    from skybutler.daf_butler.errors import DatasetAlreadyStoredError

    with pytest.raises(DatasetAlreadyStoredError, match="already exists"):
        datastore.put({"a": 1}, ref)
    assert target.read_text() == "left over"


def test_uris(root: Path, make_file_datastore: Any) -> None:
    datastore = make_file_datastore(str(root))
    ref = make_ref("split_image", "MaskedImage")
    predicted = datastore.getURIs(ref, predict=True)
    assert predicted.primaryURI is None
    assert all(uri.fragment == "predicted" for uri in predicted.componentURIs.values())
    datastore.put(MaskedImage(np.ones((2, 2))), ref)
    uris = datastore.getURIs(ref)
    assert sorted(uris.componentURIs) == ["image", "mask", "metadata", "variance"]
    assert all(uri.exists() for uri in uris.componentURIs.values())
    with pytest.raises(DatastoreError, match="use getURIs"):
        datastore.getURI(ref)
    assert datastore.roots() == {datastore.name: datastore.root}


def test_transfer_between_file_datastores(tmp_path: Path, make_file_datastore: Any) -> None:
    source = make_file_datastore(str(tmp_path / "a"))
    target = make_file_datastore(str(tmp_path / "b"))
    refs = [make_ref("metrics", "StructuredDataDict", detector=d) for d in range(3)]
    source.put_many([({"d": d}, ref) for d, ref in enumerate(refs)])
    missing = make_ref("metrics", "StructuredDataDict", detector=9)
    assert target.transfer_from(source, [*refs, missing], transfer="copy") == refs
    assert [target.get(ref) for ref in refs] == [{"d": 0}, {"d": 1}, {"d": 2}]
    assert target.transfer_from(source, refs) == []  # already there
    memory = datastore_from_config({"cls": "inmemory"})
    assert memory.transfer_from(target, refs[:1]) == refs[:1]
    assert memory.get(refs[0]) == {"d": 0}


def test_put_many_with_sqlite_records_is_one_batch(
    root: Path, make_file_datastore: Any, sqlite_managers: Any
) -> None:
    from skybutler.daf_butler.datastores import registry_record_stores

    datastore = make_file_datastore(str(root), registry_record_stores(sqlite_managers))
    ref = make_ref("metrics", "StructuredDataDict")
    # The dataset is not in the registry: the records insert fails, nothing stays.
    from skybutler.daf_butler.errors import DatasetNotFoundError

    with pytest.raises(DatasetNotFoundError, match="not in the registry"):
        datastore.put({"a": 1}, ref)
    assert files_under(root) == []
    assert not datastore.knows(ref)


def test_records_carried_by_refs(root: Path, make_file_datastore: Any) -> None:
    writer = make_file_datastore(str(root))
    ref = make_ref("metrics", "StructuredDataDict")
    writer.put({"a": 1}, ref)
    exported = writer.export_records([ref])
    reader = make_file_datastore(str(root))  # empty records of its own
    assert not reader.knows(ref)
    carrying = ref.replace(datastore_records=exported)
    assert reader.get(carrying) == {"a": 1}
    assert reader.exists(carrying)
