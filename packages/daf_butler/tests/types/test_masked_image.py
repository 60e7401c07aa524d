"""Tests for Box, MaskedImage and MaskedImageDelegate."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skybutler.daf_butler._storage_class import StorageClass
from skybutler.daf_butler._storage_class_factory import StorageClassFactory
from skybutler.daf_butler.errors import StorageClassComponentError, StorageClassParameterError
from skybutler.daf_butler.types import Box, MaskedImage, MaskedImageDelegate


@pytest.fixture(scope="module")
def storage_class() -> Iterator[StorageClass]:
    factory = StorageClassFactory()
    factory.reset()
    yield factory.getStorageClass("MaskedImage")
    factory.reset()


@pytest.fixture
def delegate(storage_class: StorageClass) -> MaskedImageDelegate:
    result = storage_class.delegate()
    assert isinstance(result, MaskedImageDelegate)
    return result


def make_image(height: int = 4, width: int = 6) -> MaskedImage:
    rows, cols = np.indices((height, width))
    return MaskedImage(
        image=(rows * 100 + cols).astype(np.float32),
        mask=(rows + cols).astype(np.int32) % 3,
        variance=np.full((height, width), 2.5),
        metadata={"EXPTIME": 30.0, "FILTER": "r"},
    )


# --------------------------------------------------------------------- Box


def test_box_geometry() -> None:
    box = Box(1, 2, 3, 4)
    assert (box.x1, box.y1) == (4, 6)
    assert box.slices == (slice(2, 6), slice(1, 4))
    assert Box.from_shape((5, 7)) == Box(0, 0, 7, 5)
    assert Box(0, 0, 10, 10).contains(box)
    assert not box.contains(Box(0, 0, 10, 10))


@pytest.mark.parametrize(
    "args",
    [(0, 0, -1, 2), (0, 0, 1.5, 2), (True, 0, 1, 1)],
    ids=["negative", "float", "bool"],
)
def test_box_rejects_bad_values(args: tuple[object, ...]) -> None:
    with pytest.raises(ValueError, match="Box"):
        Box(*args)  # type: ignore[arg-type]


# ------------------------------------------------------------- MaskedImage


def test_masked_image_defaults_and_validation() -> None:
    plain = MaskedImage(np.ones((2, 3)))
    assert plain.mask.shape == (2, 3)
    assert plain.mask.dtype == np.int32
    assert not plain.variance.any()
    assert plain.metadata == {}
    assert plain.bbox == Box(0, 0, 3, 2)
    with pytest.raises(ValueError, match="2-D"):
        MaskedImage(np.ones(3))
    with pytest.raises(ValueError, match="mask has shape"):
        MaskedImage(np.ones((2, 2)), mask=np.zeros((3, 3), dtype=int))
    with pytest.raises(ValueError, match="integers or booleans"):
        MaskedImage(np.ones((2, 2)), mask=np.zeros((2, 2)))


def test_masked_image_equality() -> None:
    assert make_image() == make_image()
    other = make_image()
    other.image[0, 0] = -1
    assert make_image() != other
    assert make_image() != MaskedImage(make_image().image, metadata={"EXPTIME": 1.0})
    assert make_image() != "image"


def test_subimage_copies_the_region() -> None:
    image = make_image()
    cut = image.subimage(Box(2, 1, 3, 2))
    assert cut.image.tolist() == [[102, 103, 104], [202, 203, 204]]
    assert cut.metadata == image.metadata
    cut.image[0, 0] = -5
    assert image.image[1, 2] == 102
    with pytest.raises(ValueError, match="not inside"):
        image.subimage(Box(5, 0, 2, 1))


# ---------------------------------------------------------------- delegate


def test_disassemble_assemble_round_trip(delegate: MaskedImageDelegate) -> None:
    image = make_image()
    parts = delegate.disassemble(image)
    assert set(parts) == {"image", "mask", "variance", "metadata"}
    assert parts["metadata"] == {"EXPTIME": 30.0, "FILTER": "r"}
    assert delegate.assemble(parts) == image


def test_assemble_from_subset_uses_defaults(delegate: MaskedImageDelegate) -> None:
    image = make_image()
    rebuilt = delegate.assemble(delegate.disassemble(image, subset=["image", "variance"]))
    assert np.array_equal(rebuilt.image, image.image)
    assert not rebuilt.mask.any()
    assert rebuilt.metadata == {}


def test_round_trip_with_subregion(delegate: MaskedImageDelegate) -> None:
    image = make_image(5, 7)
    box = Box(1, 2, 4, 3)
    parts = delegate.disassemble(image)
    # A disassembled read applies the parameter to each plane, then assembles.
    planes = {
        name: delegate.handleParameters(value, {"bbox": box}) if name != "metadata" else value
        for name, value in parts.items()
    }
    from_planes = delegate.assemble(planes)
    from_whole = delegate.handleParameters(delegate.assemble(parts), {"bbox": box})
    assert from_planes == from_whole
    assert from_whole.image.shape == (3, 4)
    assert from_whole.image[0, 0] == image.image[2, 1]
    assert from_whole.metadata == image.metadata


def test_bbox_parameter_errors(delegate: MaskedImageDelegate) -> None:
    image = make_image()
    assert delegate.handleParameters(image, None) is image
    assert delegate.handleParameters(image, {"bbox": None}) is image
    with pytest.raises(StorageClassParameterError, match="not inside the image bounds"):
        delegate.handleParameters(image, {"bbox": Box(0, 0, 100, 1)})
    with pytest.raises(
        StorageClassParameterError, match=r"must be a skybutler\.daf_butler\.types\.Box"
    ):
        delegate.handleParameters(image, {"bbox": (0, 0, 1, 1)})
    with pytest.raises(StorageClassParameterError, match="does not understand"):
        delegate.handleParameters(image, {"origin": "LOCAL"})
    with pytest.raises(StorageClassParameterError, match="2-D array"):
        delegate.handleParameters(np.ones(3), {"bbox": Box(0, 0, 1, 1)})


def test_bbox_derived_component(delegate: MaskedImageDelegate) -> None:
    image = make_image(3, 8)
    assert delegate.getComponent(image, "bbox") == Box(0, 0, 8, 3)
    assert delegate.getComponent(image.variance, "bbox") == Box(0, 0, 8, 3)
    assert delegate.getComponent(image, "mask") is image.mask
    with pytest.raises(StorageClassComponentError, match="no component 'wcs'"):
        delegate.getComponent(image.image, "wcs")


@pytest.mark.parametrize(
    ("available", "expected"),
    [({"image", "mask"}, "image"), ({"mask", "variance", None}, "variance"), ({"mask"}, "mask")],
    ids=["image-first", "variance-next", "mask-last"],
)
def test_select_responsible_component(
    delegate: MaskedImageDelegate, available: set[str | None], expected: str
) -> None:
    assert delegate.selectResponsibleComponent("bbox", available) == expected


def test_select_responsible_component_errors(delegate: MaskedImageDelegate) -> None:
    with pytest.raises(StorageClassComponentError, match="'bbox' needs one of"):
        delegate.selectResponsibleComponent("bbox", {"metadata"})
    with pytest.raises(StorageClassComponentError, match="'other'"):
        delegate.selectResponsibleComponent("other", {"image"})


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 12),
    st.data(),
)
def test_subregion_matches_numpy_slicing(height: int, width: int, data: st.DataObject) -> None:
    x0 = data.draw(st.integers(0, width - 1))
    y0 = data.draw(st.integers(0, height - 1))
    box = Box(x0, y0, data.draw(st.integers(0, width - x0)), data.draw(st.integers(0, height - y0)))
    image = make_image(height, width)
    delegate = MaskedImageDelegate(StorageClassFactory().getStorageClass("MaskedImage"))
    cut = delegate.handleParameters(image, {"bbox": box})
    assert np.array_equal(cut.image, image.image[y0 : y0 + box.height, x0 : x0 + box.width])
    assert np.array_equal(cut.mask, image.mask[y0 : y0 + box.height, x0 : x0 + box.width])
    assert cut.bbox == Box(0, 0, box.width, box.height)
