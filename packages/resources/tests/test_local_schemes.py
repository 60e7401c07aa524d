"""The conformance suite on the schemes that need no server: file, mem."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from skybutler.resources import ResourcePath
from skybutler.resources.testing import ResourcePathConformance


class TestFileScheme(ResourcePathConformance):
    local_transfer_modes = ("copy", "auto", "link", "hardlink", "symlink", "relsymlink", "move")

    @pytest.fixture
    def root(self, tmp_path: Path) -> ResourcePath:
        return ResourcePath(tmp_path / "root", forceDirectory=True)


class TestMemScheme(ResourcePathConformance):
    @pytest.fixture
    def root(self) -> ResourcePath:
        return ResourcePath(f"mem://test-{uuid.uuid4().hex}/", forceDirectory=True)
