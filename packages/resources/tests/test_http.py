"""The http, https, dav and davs schemes against wsgidav (HTTP, HTTPS) and a static server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from _services import free_port
from _services.webdav import DAV_PASSWORD, DAV_USER, StaticHttpServer, WebDavServer

from skybutler.resources import (
    InvalidURIError,
    ResourceError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePath,
    ResourcePermissionError,
    ResourceUnavailableError,
    UnsupportedOperationError,
)
from skybutler.resources.testing import ResourcePathConformance

pytestmark = pytest.mark.service


def _fresh_dir(server: WebDavServer, scheme: str | None = None) -> ResourcePath:
    url = server.url if scheme is None else scheme + server.url[server.url.index(":") :]
    return ResourcePath(f"{url}/{uuid.uuid4().hex}/", forceDirectory=True)


# ---------------------------------------------------------------- conformance


class TestWebDavOverHttp(ResourcePathConformance):
    @pytest.fixture
    def root(self, webdav_server: WebDavServer, http_env: None) -> ResourcePath:
        return _fresh_dir(webdav_server)


class TestWebDavOverHttps(ResourcePathConformance):
    @pytest.fixture
    def root(self, webdav_https_server: WebDavServer, https_env: None) -> ResourcePath:
        return _fresh_dir(webdav_https_server)


class TestDavScheme(ResourcePathConformance):
    """``davs://`` is WebDAV over HTTPS without the OPTIONS detection."""

    @pytest.fixture
    def root(self, webdav_https_server: WebDavServer, https_env: None) -> ResourcePath:
        return _fresh_dir(webdav_https_server, "davs")


# ---------------------------------------------------------------- WebDAV specifics


@pytest.fixture
def dav_root(webdav_server: WebDavServer, http_env: None) -> ResourcePath:
    return _fresh_dir(webdav_server)


def _on_disk(server: WebDavServer, uri: ResourcePath) -> Path:
    return server.directory / uri.relativeToPathRoot


def test_write_is_visible_on_the_server_disk(
    webdav_server: WebDavServer, dav_root: ResourcePath
) -> None:
    target = dav_root.join("deep/er/file.bin")
    target.write(b"\x00\x01payload")
    assert _on_disk(webdav_server, target).read_bytes() == b"\x00\x01payload"
    # Only the file itself: the temporary upload name was moved, not copied.
    assert sorted(p.name for p in _on_disk(webdav_server, target).parent.iterdir()) == ["file.bin"]


def test_info_and_isdir(webdav_server: WebDavServer, dav_root: ResourcePath) -> None:
    target = dav_root.join("info/x.txt")
    target.write(b"12345")
    info = target.get_info()
    assert (info.is_file, info.size) == (True, 5)
    assert info.last_modified == pytest.approx(
        _on_disk(webdav_server, target).stat().st_mtime, abs=2
    )
    folder = dav_root.join("info")
    assert folder.dirLike is None
    assert folder.isdir()
    assert not folder.get_info().is_file
    assert folder.size() == 0
    with pytest.raises(ResourceNotFoundError, match="nope"):
        dav_root.join("nope").get_info()


def test_remove_refuses_non_empty_directory(dav_root: ResourcePath) -> None:
    folder = dav_root.join("full/", forceDirectory=True)
    folder.join("child.txt").write(b"x")
    with pytest.raises(ResourceError, match="not empty"):
        folder.remove()
    assert folder.join("child.txt").exists()
    folder.join("child.txt").remove()
    folder.remove()
    assert not folder.exists()


def test_large_write_after_directory_removed_behind_our_back(
    webdav_server: WebDavServer, dav_root: ResourcePath
) -> None:
    payload = b"L" * 200_000  # large enough to check the parent before uploading
    dav_root.join("gone/one.bin").write(payload)
    shutil.rmtree(_on_disk(webdav_server, dav_root.join("gone/", forceDirectory=True)))
    dav_root.join("gone/two.bin").write(payload)
    assert dav_root.join("gone/two.bin").read() == payload


def test_mkdir_over_a_file_is_refused(dav_root: ResourcePath) -> None:
    dav_root.join("plainfile").write(b"x")
    with pytest.raises(ResourceExistsError, match="plainfile"):
        dav_root.join("plainfile/", forceDirectory=True).mkdir()
    dav_root.join("a/b/c/", forceDirectory=True).mkdir()
    dav_root.join("a/b/c/", forceDirectory=True).mkdir()  # existing: fine
    assert dav_root.join("a/b/c").isdir()


def test_walk_missing_directory(dav_root: ResourcePath) -> None:
    with pytest.raises(ResourceNotFoundError, match="missing"):
        list(dav_root.join("missing/", forceDirectory=True).walk())


def test_server_side_transfer_refuses_overwrite(dav_root: ResourcePath) -> None:
    src = dav_root.join("t/src.txt")
    dst = dav_root.join("t/dst.txt")
    src.write(b"new")
    dst.write(b"old")
    with pytest.raises(ResourceExistsError):
        dst.transfer_from(src, transfer="move")
    assert (src.read(), dst.read()) == (b"new", b"old")
    dst.transfer_from(src, transfer="move", overwrite=True)
    assert dst.read() == b"new"
    assert not src.exists()
    with pytest.raises(ResourceNotFoundError):
        dav_root.join("t/other.txt").transfer_from(src, transfer="copy")


def test_mexists_batches_listings(dav_root: ResourcePath) -> None:
    names = [f"f{i}.txt" for i in range(6)]
    for name in names[::2]:
        dav_root.join(f"batch/{name}").write(b"x")
    dav_root.join("batch/sub/", forceDirectory=True).mkdir()
    asked = [dav_root.join(f"batch/{name}") for name in names]
    asked += [dav_root.join("batch/sub/", forceDirectory=True), dav_root.join("nodir/a.txt")]
    asked += [dav_root.join(f"nodir2/{name}") for name in names]
    result = ResourcePath.mexists(asked)
    expected = {uri: uri.exists() for uri in asked}
    assert result == expected
    assert sum(result.values()) == 4


def test_presigned_get_refused_on_webdav(dav_root: ResourcePath) -> None:
    with pytest.raises(UnsupportedOperationError, match="presigned"):
        dav_root.join("x").generate_presigned_get_url(expiration_time_seconds=60)
    with pytest.raises(UnsupportedOperationError):
        dav_root.join("x").generate_presigned_put_url(expiration_time_seconds=60)


def _temporaries(server: WebDavServer, directory: ResourcePath) -> list[str]:
    folder = _on_disk(server, directory)
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name) if folder.exists() else []


def test_upload_dying_midway_never_shows_a_partial_file(
    webdav_server: WebDavServer,
    dav_root: ResourcePath,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from skybutler.resources._http import _resource

    local = tmp_path / "big.bin"
    local.write_bytes(b"z" * 300_000)

    def dying_chunks(path: str) -> Iterator[bytes]:
        yield b"z" * 100_000
        raise OSError("disk read failed halfway")

    real_chunks = _resource._file_chunks
    monkeypatch.setattr(_resource, "_file_chunks", dying_chunks)
    target = dav_root.join("up/big.bin")
    with pytest.raises(OSError, match="halfway"):
        target.transfer_from(ResourcePath(local), transfer="copy")
    assert not target.exists()
    assert not _on_disk(webdav_server, target).exists()
    # With the source readable again the same upload goes through, complete.
    monkeypatch.setattr(_resource, "_file_chunks", real_chunks)
    target.transfer_from(ResourcePath(local), transfer="copy")
    assert target.size() == 300_000


def test_failed_commit_removes_the_uploaded_temporary(
    webdav_server: WebDavServer, dav_root: ResourcePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.resources._http._resource import HttpResourcePath

    def broken_move(self: HttpResourcePath, src: HttpResourcePath, overwrite: bool) -> None:
        assert _temporaries(webdav_server, self.parent()) != []  # the upload did arrive
        raise ResourceError("MOVE failed")

    target = dav_root.join("commit/file.txt")
    with monkeypatch.context() as patch:
        patch.setattr(HttpResourcePath, "_move_here", broken_move)
        with pytest.raises(ResourceError, match="MOVE failed"):
            target.write(b"never visible")
    assert _temporaries(webdav_server, target.parent()) == []
    assert not _on_disk(webdav_server, target).exists()


def test_overwrite_false_is_enforced_by_the_server(
    webdav_server: WebDavServer, dav_root: ResourcePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.resources._http._resource import HttpResourcePath

    target = dav_root.join("race/keep.txt")
    target.write(b"first writer")
    # As if another writer created the file between our existence check and our upload.
    with monkeypatch.context() as patch:
        patch.setattr(HttpResourcePath, "exists", lambda self: False)
        with pytest.raises(ResourceExistsError, match=r"keep\.txt"):
            target.write(b"second writer", overwrite=False)
    assert target.read() == b"first writer"
    assert _temporaries(webdav_server, target.parent()) == []


# ---------------------------------------------------------------- authentication


def test_credentials_in_uri_are_used_and_hidden(
    webdav_server: WebDavServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SKYBUTLER_HTTP_AUTH_USER", "SKYBUTLER_HTTP_AUTH_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("SKYBUTLER_HTTP_AUTH_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("LSST_HTTP_AUTH_BEARER_TOKEN", raising=False)
    host = webdav_server.url.split("://")[1]
    uri = ResourcePath(f"http://{DAV_USER}:{DAV_PASSWORD}@{host}/{uuid.uuid4().hex}/cred.txt")
    assert DAV_PASSWORD not in str(uri)
    assert DAV_PASSWORD not in repr(uri)
    uri.write(b"with URI credentials")
    assert uri.read() == b"with URI credentials"
    assert uri.parent().join("cred.txt").read() == b"with URI credentials"


@pytest.mark.parametrize("where", ["uri", "env"], ids=["password-in-uri", "password-in-env"])
def test_wrong_password_is_a_permission_error(
    webdav_server: WebDavServer, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.delenv("SKYBUTLER_HTTP_AUTH_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("LSST_HTTP_AUTH_BEARER_TOKEN", raising=False)
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "2")
    host = webdav_server.url.split("://")[1]
    bad = "not-the-Password-42"
    if where == "uri":
        monkeypatch.delenv("SKYBUTLER_HTTP_AUTH_PASSWORD", raising=False)
        uri = ResourcePath(f"http://{DAV_USER}:{bad}@{host}/secret.txt")
    else:
        monkeypatch.setenv("SKYBUTLER_HTTP_AUTH_USER", DAV_USER)
        monkeypatch.setenv("SKYBUTLER_HTTP_AUTH_PASSWORD", bad)
        uri = ResourcePath(f"http://{host}/secret.txt")
    with pytest.raises(ResourcePermissionError) as info:
        uri.read()
    message = str(info.value)
    assert bad not in message
    assert "401" in message
    assert "secret.txt" in message
    assert "SKYBUTLER_HTTP_AUTH_BEARER_TOKEN" in message
    assert f"user {DAV_USER!r}" in message


def test_no_credentials_says_so(
    webdav_server: WebDavServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "SKYBUTLER_HTTP_AUTH_USER",
        "SKYBUTLER_HTTP_AUTH_PASSWORD",
        "SKYBUTLER_HTTP_AUTH_BEARER_TOKEN",
        "LSST_HTTP_AUTH_BEARER_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ResourcePermissionError, match="no credentials"):
        ResourcePath(f"{webdav_server.url}/x.txt").exists()


@pytest.mark.parametrize("from_file", [True, False], ids=["token-file", "token-value"])
def test_bearer_token_is_sent(
    static_http_server: StaticHttpServer,
    static_file: ResourcePath,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    from_file: bool,
) -> None:
    token = f"tok-{uuid.uuid4().hex}"
    if from_file:
        (tmp_path / "token").write_text(token + "\n")
        monkeypatch.setenv("LSST_HTTP_AUTH_BEARER_TOKEN", str(tmp_path / "token"))
    else:
        monkeypatch.setenv("SKYBUTLER_HTTP_AUTH_BEARER_TOKEN", token)
    static_http_server.requests.clear()
    static_file.read()
    assert [r[3] for r in static_http_server.requests] == [f"Bearer {token}"]


def test_unknown_ca_is_reported(
    webdav_https_server: WebDavServer, http_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    uri = ResourcePath(f"{webdav_https_server.url}/{uuid.uuid4().hex}.txt")
    with pytest.raises(ResourceUnavailableError, match="SKYBUTLER_HTTP_CACERT_BUNDLE"):
        uri.exists()


def test_nothing_listening_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "2")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MIN", "0.01")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MAX", "0.02")
    monkeypatch.setenv("SKYBUTLER_HTTP_TIMEOUT_CONNECT", "2")
    port = free_port()
    uri = ResourcePath(f"http://someone:pw-xyz@127.0.0.1:{port}/data/file.txt")
    with pytest.raises(ResourceUnavailableError) as info:
        uri.read()
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "2 attempts" in message
    assert "pw-xyz" not in message
    assert isinstance(info.value, ConnectionError)


# ---------------------------------------------------------------- plain HTTP (no WebDAV)


@pytest.fixture
def static_file(static_http_server: StaticHttpServer, http_env: None) -> ResourcePath:
    name = f"{uuid.uuid4().hex}.bin"
    (static_http_server.directory / name).write_bytes(bytes(range(256)) * 40)
    return ResourcePath(f"{static_http_server.url}/{name}")


def test_plain_read_and_size(
    static_http_server: StaticHttpServer, static_file: ResourcePath
) -> None:
    assert static_file.exists()
    assert static_file.read() == bytes(range(256)) * 40
    assert static_file.size() == 10240
    info = static_file.get_info()
    assert (info.is_file, info.size) == (True, 10240)
    on_disk = static_http_server.directory / static_file.basename()
    assert info.last_modified == pytest.approx(on_disk.stat().st_mtime, abs=1.5)
    assert not static_file.isdir()


def test_plain_partial_read_uses_range(
    static_http_server: StaticHttpServer, static_file: ResourcePath
) -> None:
    static_http_server.requests.clear()
    assert static_file.read(300) == (bytes(range(256)) * 2)[:300]
    gets = [r[:3] for r in static_http_server.requests if r[0] == "GET"]
    assert gets == [("GET", static_file.path, "bytes=0-299")]
    assert static_file.read(0) == b""
    # Asking for more than there is gives what there is.
    assert static_file.read(20000) == bytes(range(256)) * 40


def test_plain_missing(static_http_server: StaticHttpServer, http_env: None) -> None:
    missing = ResourcePath(f"{static_http_server.url}/no/such/file.txt")
    assert not missing.exists()
    with pytest.raises(ResourceNotFoundError, match=r"file\.txt"):
        missing.read()
    with pytest.raises(FileNotFoundError):
        missing.size()


def test_plain_server_refuses_writes(static_file: ResourcePath) -> None:
    with pytest.raises(UnsupportedOperationError, match="plain HTTP server") as info:
        static_file.write(b"nope")
    assert "WebDAV" in str(info.value)
    with pytest.raises(UnsupportedOperationError, match="plain HTTP server"):
        static_file.remove()
    with pytest.raises(UnsupportedOperationError):
        list(static_file.parent().walk())
    assert static_file.read(1) == b"\x00"


def test_transient_errors_are_retried(
    static_http_server: StaticHttpServer, static_file: ResourcePath, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "3")
    static_http_server.fail_next[static_file.path] = 2
    assert static_file.read() == bytes(range(256)) * 40
    assert static_http_server.fail_next[static_file.path] == 0
    static_http_server.fail_next[static_file.path] = 3
    with pytest.raises(ResourceUnavailableError, match="503") as info:
        static_file.read(10)
    assert "127.0.0.1" in str(info.value)
    assert static_http_server.fail_next[static_file.path] == 0


def test_plain_presigned_get_is_the_url(static_file: ResourcePath) -> None:
    import urllib.request

    url = static_file.generate_presigned_get_url(expiration_time_seconds=60)
    assert url == str(static_file)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.read() == bytes(range(256)) * 40


def test_plain_download_through_as_local(static_file: ResourcePath) -> None:
    with static_file.as_local() as local:
        assert Path(local.ospath).read_bytes() == bytes(range(256)) * 40


# ---------------------------------------------------------------- URI handling and imports


def test_dav_uri_maps_to_wire_scheme() -> None:
    uri = ResourcePath("davs://u:p@host.example:8443/a/b.txt")
    assert str(uri) == "davs://u@host.example:8443/a/b.txt"
    assert uri._url == "https://host.example:8443/a/b.txt"  # type: ignore[attr-defined]
    assert ResourcePath("dav://host/x")._url == "http://host/x"  # type: ignore[attr-defined]
    assert ResourcePath("https://host").path == "/"


def test_import_does_not_load_httpx() -> None:
    code = (
        "import sys\n"
        "import skybutler.resources as r\n"
        "assert 'httpx' not in sys.modules, 'import'\n"
        "r.ResourcePath('https://example.org/a/b.txt').join('c')\n"
        "assert 'httpx' not in sys.modules, 'URI'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_uri_credentials_edge_cases() -> None:
    with pytest.raises(InvalidURIError, match="without a user name"):
        ResourcePath("https://:only-secret@host.example/x")
    with pytest.raises(InvalidURIError) as info:
        ResourcePath("https://nohost:pw@/x")
    assert "pw" not in str(info.value).replace("https://nohost@/x", "")
    plain = ResourcePath("https://reader@host.example/x")
    assert str(plain) == "https://reader@host.example/x"


# ---------------------------------------------------------------- PROPFIND parsing

_MULTISTATUS = b"""<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:">
  <d:response>
    <d:href>https://host.example/dir%20one/</d:href>
    <d:propstat>
      <d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop>
      <d:status>HTTP/1.1 200 OK</d:status>
    </d:propstat>
    <d:propstat>
      <d:prop><d:getcontentlength/></d:prop>
      <d:status>HTTP/1.1 404 Not Found</d:status>
    </d:propstat>
  </d:response>
  <d:response>
    <d:href>/dir%20one/caf%C3%A9.txt</d:href>
    <d:propstat>
      <d:prop>
        <d:resourcetype/>
        <d:getcontentlength>42</d:getcontentlength>
        <d:getlastmodified>Sun, 06 Nov 1994 08:49:37 GMT</d:getlastmodified>
        <d:getetag>"abc"</d:getetag>
      </d:prop>
      <d:status>HTTP/1.1 200 OK</d:status>
    </d:propstat>
  </d:response>
  <d:response>
    <d:href>/dir%20one/locked</d:href>
    <d:status>HTTP/1.1 403 Forbidden</d:status>
  </d:response>
</d:multistatus>
"""


def test_parse_multistatus() -> None:
    from skybutler.resources._http._propfind import DavEntry, parse_multistatus

    entries = parse_multistatus(_MULTISTATUS)
    assert entries == [
        DavEntry("/dir one", True, 0, None, None),
        DavEntry("/dir one/café.txt", False, 42, 784111777.0, '"abc"'),
    ]
    assert entries[1].name == "café.txt"


@pytest.mark.parametrize(
    "body",
    [b"<html><body>not dav</body></html>", b"not xml at all <", b""],
    ids=["html", "garbage", "empty"],
)
def test_parse_multistatus_rejects_other_documents(body: bytes) -> None:
    from skybutler.resources._http._propfind import parse_multistatus

    with pytest.raises(ValueError):
        parse_multistatus(body)
