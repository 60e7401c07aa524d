"""The datastore conformance suite: one class of tests for every datastore.

Subclass `DatastoreConformance` and provide the ``datastore`` fixture, a
fresh, empty datastore configured with `DATASTORE_TEST_CONFIG` (merged
into its own configuration)::

    class TestMyDatastore(DatastoreConformance):
        @pytest.fixture
        def datastore(self, tmp_path):
            return datastore_from_config({"cls": "file", "root": str(tmp_path),
                                          **DATASTORE_TEST_CONFIG})

Override `DatastoreFixtures.reopen_without_records` to also run the tests
of datastores rebuilt from exported records (as batch jobs use them).
"""

from __future__ import annotations

__all__ = ["DATASTORE_TEST_CONFIG", "DatastoreConformance"]

from typing import Any

import numpy as np
import pytest

from ..errors import (
    DatasetAlreadyStoredError,
    DatastoreError,
    FileNotFoundInDatastoreError,
    StorageClassConversionError,
    StorageClassParameterError,
)
from ..types import Box, MaskedImage
from ._datastore_fixtures import DATASTORE_TEST_CONFIG, DatastoreFixtures, make_ref


class DatastoreConformance(DatastoreFixtures):
    """Every datastore must pass these."""

    # ------------------------------------------------------------ basics

    def test_put_get_dict(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        assert not datastore.knows(ref)
        assert not datastore.exists(ref)
        datastore.put({"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}, ref)
        assert datastore.knows(ref)
        assert datastore.exists(ref)
        assert datastore.get(ref) == {"a": 1, "b": [1, 2, 3], "c": {"d": "e"}}
        assert datastore.getURI(ref).geturl()

    def test_get_returns_independent_objects(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        datastore.put({"a": [1]}, ref)
        first = datastore.get(ref)
        first["a"].append(2)
        assert datastore.get(ref) == {"a": [1]}

    @pytest.mark.parametrize(
        ("storage_class", "obj"),
        [
            ("StructuredDataList", [1, "two", 3.0]),
            ("NumpyArray", np.arange(12, dtype=np.int16).reshape(3, 4)),
            ("int", 42),
        ],
        ids=["list", "numpy", "int"],
    )
    def test_round_trip(self, datastore: Any, storage_class: str, obj: Any) -> None:
        ref = make_ref(f"thing_{storage_class.lower()}", storage_class)
        datastore.put(obj, ref)
        back = datastore.get(ref)
        if isinstance(obj, np.ndarray):
            np.testing.assert_array_equal(back, obj)
            assert back.dtype == obj.dtype
        else:
            assert back == obj

    def test_put_many_and_mexists(self, datastore: Any) -> None:
        refs = [make_ref("metrics", "StructuredDataDict", detector=d) for d in range(20)]
        stored = datastore.put_many([({"detector": ref.dataId["detector"]}, ref) for ref in refs])
        assert stored == refs
        missing = make_ref("metrics", "StructuredDataDict", detector=99)
        existence = datastore.mexists([*refs, missing])
        assert existence == {**dict.fromkeys(refs, True), missing: False}
        assert datastore.knows_these(refs) == dict.fromkeys(refs, True)
        assert [datastore.get(ref)["detector"] for ref in refs] == list(range(20))

    def test_same_type_other_run_is_separate(self, datastore: Any) -> None:
        one = make_ref("metrics", "StructuredDataDict", run="a")
        two = make_ref("metrics", "StructuredDataDict", run="b")
        datastore.put({"v": 1}, one)
        datastore.put({"v": 2}, two)
        assert (datastore.get(one), datastore.get(two)) == ({"v": 1}, {"v": 2})

    # ------------------------------------------------------------ bad input

    def test_get_missing(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        with pytest.raises(FileNotFoundInDatastoreError, match="not stored"):
            datastore.get(ref)
        with pytest.raises(FileNotFoundInDatastoreError):
            datastore.getURIs(ref)
        with pytest.raises(FileNotFoundError):  # the built-in a caller would catch
            datastore.get(ref)

    def test_put_twice_refused(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        datastore.put({"a": 1}, ref)
        with pytest.raises(DatasetAlreadyStoredError, match="already"):
            datastore.put({"a": 2}, ref)
        # A second datastore object on the same storage refuses it too.
        other = self.same_storage(datastore)
        if other is not None:
            with pytest.raises(DatasetAlreadyStoredError, match="already"):
                other.put({"a": 3}, ref)
            assert other.get(ref) == {"a": 1}
        assert datastore.get(ref) == {"a": 1}

    def test_put_wrong_type_refused(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        with pytest.raises(StorageClassConversionError, match="StructuredDataDict"):
            datastore.put({1, 2, 3}, ref)
        assert not datastore.knows(ref)

    def test_put_component_refused(self, datastore: Any, masked_image: MaskedImage) -> None:
        ref = make_ref("calexp", "MaskedImage").makeComponentRef("image")
        with pytest.raises(DatastoreError, match="component"):
            datastore.put(masked_image.image, ref)

    def test_unknown_parameter(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        datastore.put({"a": 1}, ref)
        with pytest.raises(StorageClassParameterError, match="does not understand"):
            datastore.get(ref, parameters={"nope": 1})

    # ------------------------------------------------------------ composites

    @pytest.mark.parametrize("name", ["calexp", "split_image"], ids=["whole", "disassembled"])
    def test_composite(self, datastore: Any, masked_image: MaskedImage, name: str) -> None:
        ref = make_ref(name, "MaskedImage")
        datastore.put(masked_image, ref)
        assert datastore.get(ref) == masked_image
        for plane in ("image", "mask", "variance"):
            np.testing.assert_array_equal(
                datastore.get(ref.makeComponentRef(plane)), getattr(masked_image, plane)
            )
        assert datastore.get(ref.makeComponentRef("metadata")) == masked_image.metadata
        assert datastore.get(ref.makeComponentRef("bbox")) == Box(0, 0, 8, 6)
        box = Box(1, 2, 3, 4)
        assert datastore.get(ref, parameters={"bbox": box}) == masked_image.subimage(box)
        np.testing.assert_array_equal(
            datastore.get(ref.makeComponentRef("image"), parameters={"bbox": box}),
            masked_image.image[2:6, 1:4],
        )
        uris = datastore.getURIs(ref)
        if name == "split_image" and uris.primaryURI is None:
            assert sorted(uris.componentURIs) == ["image", "mask", "metadata", "variance"]

    # ------------------------------------------------------------ tables

    def test_table_parameters_and_conversion(self, datastore: Any, astropy_table: Any) -> None:
        pyarrow = pytest.importorskip("pyarrow")
        ref = make_ref("sources", "ArrowAstropy")
        datastore.put(astropy_table, ref)
        back = datastore.get(ref)
        assert back.colnames == ["a", "b", "c"]
        assert str(back["b"].unit) == "mag"
        np.testing.assert_array_equal(back["a"], astropy_table["a"])
        subset = datastore.get(ref, parameters={"columns": ["a", "c"]})
        assert subset.colnames == ["a", "c"]
        assert datastore.get(ref.makeComponentRef("rowcount")) == 5
        assert list(datastore.get(ref.makeComponentRef("columns"))) == ["a", "b", "c"]
        arrow = datastore.get(ref, storageClass="ArrowTable")
        assert isinstance(arrow, pyarrow.Table)
        assert arrow.column_names == ["a", "b", "c"]
        frame = datastore.get(ref, storageClass="DataFrame", parameters={"columns": ["a"]})
        assert list(frame.columns) == ["a"]

    def test_put_converts_to_storage_class(self, datastore: Any, astropy_table: Any) -> None:
        pyarrow = pytest.importorskip("pyarrow")
        ref = make_ref("sources", "ArrowAstropy")
        arrow = pyarrow.table({"x": [1, 2, 3]})
        datastore.put(arrow, ref)
        back = datastore.get(ref)
        assert type(back).__name__ == "Table"
        assert list(back["x"]) == [1, 2, 3]

    def test_table_filters(self, datastore: Any, astropy_table: Any) -> None:
        ref = make_ref("sources", "ArrowAstropy")
        datastore.put(astropy_table, ref)
        back = datastore.get(ref, parameters={"filters": [("a", ">=", 3)], "columns": ["a"]})
        assert list(back["a"]) == [3, 4]

    # ------------------------------------------------------------ removal

    def test_trash_and_empty(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        keep = make_ref("metrics", "StructuredDataDict", detector=2)
        datastore.put_many([({"a": 1}, ref), ({"b": 2}, keep)])
        datastore.trash(ref)
        assert not datastore.knows(ref)
        datastore.emptyTrash()
        assert not datastore.exists(ref)
        with pytest.raises(FileNotFoundInDatastoreError):
            datastore.get(ref)
        assert datastore.get(keep) == {"b": 2}
        datastore.put({"again": True}, ref)  # the same ID can be stored anew
        assert datastore.get(ref) == {"again": True}

    def test_remove(self, datastore: Any) -> None:
        ref = make_ref("metrics", "StructuredDataDict")
        with pytest.raises(FileNotFoundInDatastoreError):
            datastore.remove(ref)
        datastore.put({"a": 1}, ref)
        datastore.remove(ref)
        assert not datastore.knows(ref)
        assert not datastore.exists(ref)

    def test_transaction_rolls_back_puts(self, datastore: Any) -> None:
        kept = make_ref("metrics", "StructuredDataDict", detector=1)
        undone = make_ref("metrics", "StructuredDataDict", detector=2)
        with datastore.transaction():
            datastore.put({"a": 1}, kept)
        with pytest.raises(RuntimeError, match="boom"), datastore.transaction():
            datastore.put({"b": 2}, undone)
            with datastore.transaction():  # nested work is undone too
                datastore.put({"c": 3}, make_ref("other", "StructuredDataDict"))
            raise RuntimeError("boom")
        assert datastore.knows(kept)
        assert not datastore.knows(undone)
        assert not datastore.exists(undone)
        assert not datastore.knows(make_ref("other", "StructuredDataDict"))

    # ------------------------------------------------------------ records

    def test_export_records(self, datastore: Any, masked_image: MaskedImage) -> None:
        refs = [make_ref("metrics", "StructuredDataDict"), make_ref("split_image", "MaskedImage")]
        datastore.put({"a": 1}, refs[0])
        datastore.put(masked_image, refs[1])
        exported = datastore.export_records(refs)
        assert datastore.name in exported or any(exported)
        other = self.reopen_without_records(datastore)
        assert not any(other.knows_these(refs).values())
        other.import_records(exported)
        assert other.get(refs[0]) == {"a": 1}
        assert other.get(refs[1]) == masked_image
        np.testing.assert_array_equal(
            other.get(refs[1].makeComponentRef("variance")), masked_image.variance
        )
