"""WebDAV (wsgidav on cheroot, HTTP and HTTPS) and plain static HTTP servers for the tests.

All servers run in this process, on 127.0.0.1 at a port the OS picks, each in
a daemon thread, for the whole session:

``webdav_server`` / ``webdav_https_server``
    wsgidav with basic auth (`DAV_USER` / `DAV_PASSWORD`) over a temporary
    directory; the HTTPS one presents a certificate for ``127.0.0.1`` and
    ``localhost`` signed by a throw-away CA whose PEM file it exposes.
``static_http_server``
    the standard library's `http.server` (no WebDAV, no auth), extended to
    answer ``Range`` requests, and recording every request it gets.
``http_env`` / ``https_env``
    function-scoped fixtures that point the ``SKYBUTLER_HTTP_*`` variables
    at the test credentials (and, for HTTPS, the test CA) and make retries
    fast.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import unavailable

__all__ = [
    "DAV_PASSWORD",
    "DAV_USER",
    "StaticHttpServer",
    "WebDavServer",
    "http_env",
    "https_env",
    "static_http_server",
    "webdav_https_server",
    "webdav_server",
]

DAV_USER = "butler"
DAV_PASSWORD = "s3cret-dav-pw"


@dataclass(frozen=True)
class WebDavServer:
    """A running wsgidav server."""

    url: str
    """Base URL, e.g. ``http://127.0.0.1:40123`` (no trailing slash)."""
    directory: Path
    """The local directory the server exposes at ``/``."""
    ca_file: Path | None
    """PEM file of the CA that signed the server certificate (HTTPS only)."""

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        return int(self.url.rsplit(":", 1)[1])


@dataclass
class StaticHttpServer:
    """A running plain HTTP server serving files from a directory."""

    url: str
    directory: Path
    requests: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    """Every request received: method, path, ``Range`` and ``Authorization`` headers."""
    fail_next: dict[str, int] = field(default_factory=dict)
    """Answer this many requests for a path with ``503 Service Unavailable`` first."""


# ---------------------------------------------------------------- certificates


def _make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """Write a CA certificate and a server certificate and key for 127.0.0.1; return their paths."""
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError as exc:
        unavailable(f"the 'cryptography' package is needed to make a test TLS certificate ({exc}).")
    import ipaddress

    now = datetime.datetime.now(datetime.UTC)
    validity = (now - datetime.timedelta(hours=1), now + datetime.timedelta(days=2))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "skybutler test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = (directory / n for n in ("ca.pem", "server.pem", "server.key"))
    ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


# ---------------------------------------------------------------- wsgidav


@contextlib.contextmanager
def _run_wsgidav(directory: Path, tls: tuple[Path, Path] | None) -> Iterator[str]:
    try:
        from cheroot import wsgi
        from wsgidav.wsgidav_app import WsgiDAVApp
    except ImportError as exc:
        unavailable(f"wsgidav and cheroot are needed for the WebDAV tests ({exc}).")
    config: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "provider_mapping": {"/": str(directory)},
        "http_authenticator": {
            "domain_controller": None,
            "accept_basic": True,
            "accept_digest": False,
            "default_to_digest": False,
        },
        "simple_dc": {"user_mapping": {"*": {DAV_USER: {"password": DAV_PASSWORD}}}},
        "verbose": 1,
        "logging": {"enable": False},
        "dir_browser": {"enable": False},
    }
    try:
        app = WsgiDAVApp(config)
        server = wsgi.Server(("127.0.0.1", 0), app, numthreads=16)
        if tls is not None:
            from cheroot.ssl.builtin import BuiltinSSLAdapter

            server.ssl_adapter = BuiltinSSLAdapter(str(tls[0]), str(tls[1]))
        server.prepare()
    except Exception as exc:  # any failure means the service is missing
        unavailable(f"wsgidav could not start: {exc!r}")
    port = server.bind_addr[1]
    thread = threading.Thread(target=server.serve, name=f"wsgidav-{port}", daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    finally:
        server.stop()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def webdav_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDavServer]:
    """Run wsgidav over plain HTTP with basic auth for the session."""
    directory = tmp_path_factory.mktemp("webdav-http")
    with _run_wsgidav(directory, None) as url:
        yield WebDavServer(url, directory, None)


@pytest.fixture(scope="session")
def webdav_https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDavServer]:
    """Run wsgidav over HTTPS (test CA) with basic auth for the session."""
    directory = tmp_path_factory.mktemp("webdav-https")
    ca_file, cert_file, key_file = _make_certificates(tmp_path_factory.mktemp("webdav-tls"))
    with _run_wsgidav(directory, (cert_file, key_file)) as url:
        yield WebDavServer(url, directory, ca_file)


# ---------------------------------------------------------------- plain HTTP

_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """The standard file handler plus single ``bytes=a-b`` ranges, recording requests."""

    server_record: StaticHttpServer

    def send_head(self) -> Any:
        self.server_record.requests.append(
            (self.command, self.path, self.headers.get("Range"), self.headers.get("Authorization"))
        )
        failures = self.server_record.fail_next.get(self.path, 0)
        if failures:
            self.server_record.fail_next[self.path] = failures - 1
            self.send_error(503, "Try again later")
            return None
        match = _RANGE.match(self.headers.get("Range") or "")
        path = Path(self.translate_path(self.path))
        if match is None or not path.is_file():
            return super().send_head()
        data = path.read_bytes()
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else len(data) - 1, len(data) - 1)
        if start >= len(data):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        import io

        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        return io.BytesIO(data[start : end + 1])

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def static_http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticHttpServer]:
    """Serve a temporary directory read-only over plain HTTP (no WebDAV) for the session."""
    directory = tmp_path_factory.mktemp("static-http")
    record = StaticHttpServer("", directory)
    handler = type("Handler", (_RangeHandler,), {"server_record": record})
    try:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
        )
    except OSError as exc:
        unavailable(f"the static HTTP server could not start: {exc}")
    server.daemon_threads = True
    record.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="static-http", daemon=True)
    thread.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# ---------------------------------------------------------------- client environment


@pytest.fixture
def http_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give HTTP clients the test credentials, no stray auth settings, and fast retries."""
    for name in (
        "SKYBUTLER_HTTP_AUTH_BEARER_TOKEN",
        "LSST_HTTP_AUTH_BEARER_TOKEN",
        "LSST_HTTP_CACERT_BUNDLE",
        "SKYBUTLER_HTTP_CACERT_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SKYBUTLER_HTTP_AUTH_USER", DAV_USER)
    monkeypatch.setenv("SKYBUTLER_HTTP_AUTH_PASSWORD", DAV_PASSWORD)
    monkeypatch.setenv("SKYBUTLER_RESOURCES_RETRIES", "3")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MIN", "0.01")
    monkeypatch.setenv("SKYBUTLER_RESOURCES_BACKOFF_MAX", "0.05")


@pytest.fixture
def https_env(
    http_env: None, monkeypatch: pytest.MonkeyPatch, webdav_https_server: WebDavServer
) -> None:
    """Like `http_env`, and trust the CA of `webdav_https_server`."""
    assert webdav_https_server.ca_file is not None
    monkeypatch.setenv("SKYBUTLER_HTTP_CACERT_BUNDLE", str(webdav_https_server.ca_file))
