"""Root pytest configuration: real-server fixtures shared by every package's tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_SERVICES = Path(__file__).parent / "tests" / "_services"
sys.path.insert(0, str(_SERVICES.parent))
pytest.register_assert_rewrite("_services")

# Each module of tests/_services defines session-scoped fixtures that start one kind of server.
pytest_plugins = sorted(
    f"_services.{p.stem}" for p in _SERVICES.glob("*.py") if not p.stem.startswith("_")
)
