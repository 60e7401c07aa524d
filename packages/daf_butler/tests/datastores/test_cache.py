"""The local cache of files read from remote roots: expiry rules and reads through it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from skybutler.daf_butler.datastores import DatastoreCacheManager
from skybutler.daf_butler.errors import DatastoreConfigError
from skybutler.daf_butler.testing import make_ref


def fill(
    cache: DatastoreCacheManager, tmp_path: Path, count: int, size: int = 10
) -> list[uuid.UUID]:
    ids = []
    for index in range(count):
        source = tmp_path / f"src{index}"
        source.write_bytes(b"x" * size)
        dataset_id = uuid.uuid4()
        cache.add(str(source), dataset_id, None, ".bin")
        ids.append(dataset_id)
        # Distinct modification times, oldest first.
        os.utime(cache.root / f"{dataset_id.hex}_.bin", (index, index))
    return ids


@pytest.mark.parametrize(
    ("mode", "threshold", "kept"),
    [("files", 2, 2), ("datasets", 3, 3), ("size", 25, 2), (None, None, 5)],
    ids=["files", "datasets", "size", "never"],
)
def test_expiry(tmp_path: Path, mode: str | None, threshold: int | None, kept: int) -> None:
    cache = DatastoreCacheManager(
        {"root": str(tmp_path / "cache"), "expiry": {"mode": mode, "threshold": threshold}}
    )
    ids = fill(cache, tmp_path, 5)
    cached = [dataset_id for dataset_id in ids if cache.find(dataset_id, None, ".bin")]
    assert cached == ids[-kept:]


def test_age_expiry(tmp_path: Path) -> None:
    cache = DatastoreCacheManager(
        {"root": str(tmp_path / "c"), "expiry": {"mode": "age", "threshold": 60}}
    )
    old = fill(cache, tmp_path, 2)
    source = tmp_path / "new"
    source.write_bytes(b"y")
    fresh = uuid.uuid4()
    cache.add(str(source), fresh, "image", ".fits")
    assert cache.find(fresh, "image", ".fits") is not None
    assert all(cache.find(i, None, ".bin") is None for i in old)  # written "in 1970"
    cache.remove([fresh])
    assert cache.files() == []


def test_environment_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAF_BUTLER_CACHE_DIRECTORY", str(tmp_path / "env"))
    monkeypatch.setenv("DAF_BUTLER_CACHE_EXPIRATION_MODE", "files=1")
    cache = DatastoreCacheManager({"root": str(tmp_path / "ignored")})
    assert (cache.mode, cache.threshold) == ("files", 1)
    assert cache.root == tmp_path / "env"
    monkeypatch.setenv("DAF_BUTLER_CACHE_EXPIRATION_MODE", "disabled")
    assert not DatastoreCacheManager(None).should_cache(make_ref("a", "StructuredDataDict"))


def test_cacheable_lookup(tmp_path: Path) -> None:
    cache = DatastoreCacheManager({"default": False, "cacheable": {"MaskedImage": True}})
    assert cache.should_cache(make_ref("calexp", "MaskedImage"))
    assert not cache.should_cache(make_ref("metrics", "StructuredDataDict"))


@pytest.mark.parametrize(
    ("expiry", "match"),
    [
        ({"mode": "weekly"}, "Unknown cache expiry mode"),
        ({"mode": "files"}, "needs a non-negative"),
    ],
    ids=["mode", "threshold"],
)
def test_bad_config(expiry: dict[str, Any], match: str) -> None:
    with pytest.raises(DatastoreConfigError, match=match):
        DatastoreCacheManager({"expiry": expiry})


@pytest.mark.service
def test_s3_reads_go_through_the_cache(
    seaweedfs: Any, tmp_path: Path, make_file_datastore: Any
) -> None:
    import numpy as np

    from skybutler.daf_butler.types import MaskedImage

    root = f"s3://{seaweedfs.bucket}/cache-{uuid.uuid4().hex}/"
    cache_dir = tmp_path / "cache"
    datastore = make_file_datastore(
        root, cached={"root": str(cache_dir), "expiry": {"mode": "files", "threshold": 10}}
    )
    ref = make_ref("calexp", "MaskedImage")
    image = MaskedImage(np.arange(6.0).reshape(2, 3))
    datastore.put(image, ref)
    assert datastore.cacheManager.files() == []
    assert datastore.get(ref) == image
    (cached,) = datastore.cacheManager.files()
    assert cached.name.startswith(ref.id.hex)
    # The second read is served from the cache, even with the remote file gone.
    datastore.getURI(ref).remove()
    np.testing.assert_array_equal(datastore.get(ref.makeComponentRef("image")), image.image)
    datastore.trash(ref)
    assert datastore.cacheManager.files() == []
