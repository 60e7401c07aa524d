"""The ``gs`` scheme against fake-gcs-server."""

from __future__ import annotations

import json
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import pytest

from skybutler.resources import (
    InvalidURIError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePath,
    ResourceUnavailableError,
    UnsupportedOperationError,
)
from skybutler.resources.testing import ResourcePathConformance

pytestmark = pytest.mark.service


def _fresh_root(bucket: str) -> ResourcePath:
    return ResourcePath(f"gs://{bucket}/test-{uuid.uuid4().hex}/", forceDirectory=True)


@pytest.fixture(scope="module")
def service_account_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway service-account key file (the emulator does not check signatures)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path_factory.mktemp("gcs-key") / "key.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "test",
                "private_key_id": "test-key",
                "private_key": pem,
                "client_email": "signer@test.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


class TestGSOnFakeGCS(ResourcePathConformance):
    supports_presign = True

    @pytest.fixture
    def root(
        self, fake_gcs: Any, service_account_key: Path, monkeypatch: pytest.MonkeyPatch
    ) -> ResourcePath:
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key))
        return _fresh_root(fake_gcs.bucket)


@pytest.fixture
def root(fake_gcs: Any, monkeypatch: pytest.MonkeyPatch) -> ResourcePath:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    return _fresh_root(fake_gcs.bucket)


def test_missing_bucket_says_so(fake_gcs: Any) -> None:
    uri = ResourcePath(f"gs://no-such-bucket-{uuid.uuid4().hex[:8]}/a.txt")
    assert not uri.exists()
    with pytest.raises(ResourceNotFoundError, match=r"bucket 'no-such-bucket-\w+' does not exist"):
        uri.read()
    with pytest.raises(ResourceNotFoundError, match=r"bucket .* does not exist"):
        uri.write(b"x")


def test_overwrite_false_on_existing_key(root: ResourcePath, tmp_path: Path) -> None:
    target = root.join("exists.txt")
    target.write(b"first")
    with pytest.raises(ResourceExistsError, match=r"exists\.txt"):
        target.write(b"second", overwrite=False)
    local = tmp_path / "source.txt"
    local.write_bytes(b"from disk")
    with pytest.raises(ResourceExistsError):
        target.transfer_from(ResourcePath(local), transfer="copy")
    assert target.read() == b"first"


def test_create_only_condition_stops_a_racing_writer(
    root: ResourcePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = root.join("raced.txt")
    target.write(b"winner")
    with monkeypatch.context() as patch:
        patch.setattr(type(target), "exists", lambda self: False)
        with pytest.raises(ResourceExistsError, match="created meanwhile"):
            target.write(b"loser", overwrite=False)
    assert target.read() == b"winner"


def test_presign_without_signing_credentials_is_unsupported(root: ResourcePath) -> None:
    with pytest.raises(UnsupportedOperationError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        root.join("x.txt").generate_presigned_get_url(expiration_time_seconds=60)


def test_presigned_url_is_v4_and_names_the_object(
    root: ResourcePath, service_account_key: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key))
    url = root.join("a b.txt").generate_presigned_put_url(expiration_time_seconds=120)
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query)
    assert query["X-Goog-Algorithm"] == ["GOOG4-RSA-SHA256"]
    assert query["X-Goog-Expires"] == ["120"]
    assert urllib.parse.unquote(parts.path).endswith(f"{root.relativeToPathRoot}a b.txt")


def test_get_info_reports_checksums(root: ResourcePath) -> None:
    target = root.join("sum.txt")
    target.write(b"hello")
    info = target.get_info()
    assert info.size == 5
    assert info.checksums["md5"] == "XUFAKrxLKna5cZ2REBfFkg=="  # base64(md5(b"hello"))
    assert info.last_modified is not None


def test_mkdir_and_remove_empty_directory(root: ResourcePath) -> None:
    empty = root.join("empty/", forceDirectory=True)
    empty.mkdir()
    assert empty.exists()
    assert root.join("empty").isdir()
    empty.remove()
    assert not empty.exists()


def test_emulator_down_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    from _services import free_port  # type: ignore[import-not-found]

    port = free_port()
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "2")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MIN", "0.01")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MAX", "0.02")
    uri = ResourcePath("gs://bucket/key.txt")
    with pytest.raises(
        ResourceUnavailableError, match=rf"127\.0\.0\.1:{port}.*STORAGE_EMULATOR_HOST"
    ):
        uri.read()


def test_uri_without_bucket_is_invalid() -> None:
    with pytest.raises(InvalidURIError, match="bucket"):
        ResourcePath("gs:///key")
