"""The ``s3`` scheme against real S3-protocol servers: SeaweedFS (checks SigV4) and moto."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

from skybutler.resources import (
    InvalidURIError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePath,
    ResourcePermissionError,
    ResourceUnavailableError,
)
from skybutler.resources.testing import ResourcePathConformance

pytestmark = pytest.mark.service


def _fresh_root(bucket: str) -> ResourcePath:
    return ResourcePath(f"s3://{bucket}/test-{uuid.uuid4().hex}/", forceDirectory=True)


class TestS3OnSeaweedFS(ResourcePathConformance):
    supports_presign = True

    @pytest.fixture
    def root(self, seaweedfs: Any) -> ResourcePath:
        return _fresh_root(seaweedfs.bucket)


class TestS3OnMoto(ResourcePathConformance):
    supports_presign = True

    @pytest.fixture
    def root(self, moto_s3: Any) -> ResourcePath:
        return _fresh_root(moto_s3.bucket)


@pytest.fixture(params=["seaweedfs", "moto_s3"])
def server(request: pytest.FixtureRequest) -> Any:
    """Each S3 server in turn, with the environment pointing at it."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def root(server: Any) -> ResourcePath:
    return _fresh_root(server.bucket)


# ---------------------------------------------------------------- bad input


def test_missing_bucket_says_so(server: Any) -> None:
    uri = ResourcePath(f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}/a/b.txt")
    assert not uri.exists()
    with pytest.raises(ResourceNotFoundError, match=r"bucket 'no-such-bucket-\w+' does not exist"):
        uri.read()
    with pytest.raises(ResourceNotFoundError, match=r"bucket .* does not exist"):
        uri.write(b"data")
    with pytest.raises(ResourceNotFoundError, match=r"bucket .* does not exist"):
        uri.root_uri().mkdir()


def test_wrong_credentials_are_reported(seaweedfs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    uri = _fresh_root(seaweedfs.bucket).join("secret.txt")
    uri.write(b"x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(ResourcePermissionError, match="AWS_SECRET_ACCESS_KEY") as info:
        uri.read()
    assert str(uri) in str(info.value)
    assert seaweedfs.endpoint_url in str(info.value)
    with pytest.raises(ResourcePermissionError):
        uri.exists()
    with pytest.raises(ResourcePermissionError):
        uri.write(b"y")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", seaweedfs.secret_key)
    assert uri.read() == b"x"


def test_wrong_credentials_in_profile_url(seaweedfs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    host = seaweedfs.endpoint_url.removeprefix("http://")
    monkeypatch.setenv(
        "SKYBUTLER_RESOURCES_S3_PROFILE_bad", f"http://{seaweedfs.access_key}:wrong@{host}"
    )
    uri = ResourcePath(f"s3://bad@{seaweedfs.bucket}/x.txt")
    with pytest.raises(ResourcePermissionError, match="SKYBUTLER_RESOURCES_S3_PROFILE_bad"):
        uri.write(b"x")


def test_server_down_is_unavailable_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    from _services import free_port  # type: ignore[import-not-found]

    port = free_port()  # nothing listens there
    monkeypatch.setenv("S3_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "2")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MIN", "0.01")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MAX", "0.02")
    uri = ResourcePath("s3://bucket/key.txt")
    for action in (uri.exists, uri.read, lambda: uri.write(b"x")):
        with pytest.raises(
            ResourceUnavailableError, match=rf"127\.0\.0\.1:{port}.*cannot be reached"
        ) as info:
            action()
        assert "s3://bucket/key.txt" in str(info.value)
        assert "S3_ENDPOINT_URL" in str(info.value)


def test_overwrite_false_on_existing_key(root: ResourcePath, tmp_path: Path) -> None:
    target = root.join("exists.txt")
    target.write(b"first")
    with pytest.raises(ResourceExistsError, match=r"exists\.txt"):
        target.write(b"second", overwrite=False)
    local = tmp_path / "source.txt"
    local.write_bytes(b"from disk")
    with pytest.raises(ResourceExistsError):
        target.transfer_from(ResourcePath(local), transfer="copy", overwrite=False)
    assert target.read() == b"first"
    fresh = root.join("fresh.txt")
    fresh.write(b"new", overwrite=False)
    assert fresh.read() == b"new"


def test_create_only_condition_stops_a_racing_writer(
    root: ResourcePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another client writes between our check and our PUT: the conditional PUT must refuse."""
    target = root.join("raced.txt")
    target.write(b"winner")
    with monkeypatch.context() as patch:
        patch.setattr(type(target), "exists", lambda self: False)
        with pytest.raises(ResourceExistsError, match="created meanwhile"):
            target.write(b"loser", overwrite=False)
    assert target.read() == b"winner"


def test_large_upload_from_local_file_is_multipart(root: ResourcePath, tmp_path: Path) -> None:
    payload = os.urandom(3 * 8 * 1024 * 1024 + 5)  # above two upload chunks: multipart
    local = tmp_path / "big.bin"
    local.write_bytes(payload)
    target = root.join("big.bin")
    target.transfer_from(ResourcePath(local), transfer="copy")
    assert target.size() == len(payload)
    with target.as_local() as copy:
        assert Path(copy.ospath).read_bytes() == payload
    with pytest.raises(ResourceExistsError):
        target.transfer_from(ResourcePath(local), transfer="copy")


# ---------------------------------------------------------------- features


def test_profile_endpoint_with_credentials(seaweedfs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    host = seaweedfs.endpoint_url.removeprefix("http://")
    monkeypatch.setenv(
        "LSST_RESOURCES_S3_PROFILE_mine",
        f"http://{seaweedfs.access_key}:{seaweedfs.secret_key}@{host}",
    )
    # The default endpoint points elsewhere: only the profile can reach the server.
    monkeypatch.setenv("S3_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong")
    uri = ResourcePath(f"s3://mine@{seaweedfs.bucket}/profiled/{uuid.uuid4().hex}.txt")
    assert uri.bucket == seaweedfs.bucket
    assert uri.profile == "mine"
    uri.write(b"via profile")
    assert uri.read() == b"via profile"
    assert uri.exists()
    assert ResourcePath.mexists([uri]) == {uri: True}


def test_bad_profile_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYBUTLER_RESOURCES_S3_PROFILE_odd", "not a url")
    with pytest.raises(InvalidURIError, match="SKYBUTLER_RESOURCES_S3_PROFILE_odd"):
        ResourcePath("s3://odd@bucket/key").exists()


def test_uri_without_bucket_is_invalid() -> None:
    with pytest.raises(InvalidURIError, match="bucket"):
        ResourcePath("s3:///key")


def test_get_info_reports_etag_and_time(root: ResourcePath) -> None:
    target = root.join("info.txt")
    before = time.time()
    target.write(b"hello")
    info = target.get_info()
    assert info.is_file
    assert info.size == 5
    assert info.last_modified is not None
    assert abs(info.last_modified - before) < 300
    assert info.checksums["etag"] == "5d41402abc4b2a76b9719d911017c592"  # md5(b"hello")
    folder = root.get_info()
    assert not folder.is_file


def test_mkdir_makes_empty_directory_visible(root: ResourcePath) -> None:
    empty = root.join("empty/", forceDirectory=True)
    assert not empty.exists()
    empty.mkdir()
    assert empty.exists()
    assert root.join("empty").isdir()
    assert next(d for _, d, _ in root.walk()) == ["empty"]
    empty.remove()
    assert not empty.exists()


def test_remove_non_empty_directory_refused(root: ResourcePath) -> None:
    root.join("full/a.txt").write(b"a")
    with pytest.raises(Exception, match="not empty"):
        root.join("full/", forceDirectory=True).remove()
    assert root.join("full/a.txt").exists()


def test_server_side_copy_and_move(root: ResourcePath) -> None:
    source = root.join("copy/src.bin")
    source.write(b"payload")
    target = root.join("copy/dst.bin")
    target.transfer_from(source, transfer="move")
    assert target.read() == b"payload"
    assert not source.exists()
    with pytest.raises(ResourceNotFoundError, match=r"source does not exist"):
        root.join("copy/other.bin").transfer_from(source, transfer="copy")


def test_mexists_many_siblings_and_directories(root: ResourcePath) -> None:
    present = {root.join(f"many/{i:03d}.txt") for i in range(0, 60, 3)}
    for uri in present:
        uri.write(b"x")
    root.join("many/sub/deep.txt").write(b"d")
    asked = [root.join(f"many/{i:03d}.txt") for i in range(60)]
    asked += [
        root.join("many/sub/", forceDirectory=True),
        root.join("many/sub"),
        root.join("many/nosub/"),
    ]
    result = ResourcePath.mexists(asked)
    assert {u for u, ok in result.items() if ok} == present | {
        root.join("many/sub/", forceDirectory=True),
        root.join("many/sub"),
    }
    assert len(result) == len(asked)


@pytest.mark.parametrize("strategy", ["listings", "truncated-listings", "one-request-each"])
def test_mexists_strategies_agree(
    root: ResourcePath, strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.resources import _s3

    if strategy == "one-request-each":
        monkeypatch.setattr(_s3, "_LIST_THRESHOLD", 10**9)
    elif strategy == "truncated-listings":
        real = _s3._list_under
        monkeypatch.setattr(_s3, "_list_under", lambda fs, b, p, r, limit: real(fs, b, p, r, 5))
    files = [f"a/{i:02d}.txt" for i in range(0, 30, 3)] + [f"b/{i}/f.txt" for i in range(0, 20, 2)]
    for name in files:
        root.join(name).write(b"x")
    root.join("m/", forceDirectory=True).mkdir()
    asked_files = [f"a/{i:02d}.txt" for i in range(30)] + [f"b/{i}/f.txt" for i in range(20)]
    asked = [root.join(name) for name in asked_files]
    dirs = {
        root.join("a/", forceDirectory=True): True,
        root.join("b/4"): True,
        root.join("b/5/", forceDirectory=True): False,
        root.join("m/", forceDirectory=True): True,
        root.join("a/00.txt/", forceDirectory=True): False,
        root.join("nope/", forceDirectory=True): False,
    }
    result = ResourcePath.mexists([*asked, *dirs])
    expected = {uri: name in files for uri, name in zip(asked, asked_files, strict=True)} | dirs
    assert result == expected


def test_presigned_url_honours_range(root: ResourcePath) -> None:
    target = root.join("ranged.bin")
    target.write(b"0123456789")
    url = target.generate_presigned_get_url(expiration_time_seconds=60)
    assert "X-Amz-Signature=" in url
    request = urllib.request.Request(url, headers={"Range": "bytes=2-5"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.read() == b"2345"


def test_to_fsspec(root: ResourcePath) -> None:
    target = root.join("fs.txt")
    target.write(b"via fsspec")
    fs, path = target.to_fsspec()
    assert fs.cat_file(path) == b"via fsspec"


def test_import_does_not_load_remote_libraries() -> None:
    code = (
        "import sys, skybutler.resources as r\n"
        "r.ResourcePath('s3://bucket/key').join('x'), r.ResourcePath('gs://bucket/key')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'s3fs', 'gcsfs', 'botocore', 'aiobotocore', 'boto3', 'fsspec', 'aiohttp', 'google'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
