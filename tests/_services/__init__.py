"""Real servers for the tests, started on 127.0.0.1 by session-scoped fixtures.

A fixture that cannot start its server calls `unavailable`, which skips the
test with the reason, or fails it when ``SKYBUTLER_REQUIRE_SERVICES=1`` (as
in CI), so that a broken install is never mistaken for a pass.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import pytest

__all__ = ["free_port", "stop_process", "unavailable", "wait_until"]


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when services are required, because a server is missing."""
    if os.environ.get("SKYBUTLER_REQUIRE_SERVICES") == "1":
        pytest.fail(f"Required test service unavailable: {reason}", pytrace=False)
    pytest.skip(f"test service unavailable: {reason}")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    check: Callable[[], bool], timeout: float, what: str, log: Path | None = None
) -> None:
    """Poll ``check`` until it is true; call `unavailable` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    tail = ""
    if log is not None and log.exists():
        tail = " Log tail: " + log.read_text(errors="replace")[-800:]
    unavailable(f"{what} did not become ready within {timeout:.0f} s.{tail}")


def stop_process(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Terminate a server process, killing it if it does not stop in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)


def port_open(port: int) -> bool:
    """Return whether something accepts TCP connections on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0
