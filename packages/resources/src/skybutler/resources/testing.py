"""A conformance suite every `ResourcePath` scheme must pass.

Subclass `ResourcePathConformance` in a test module and provide the ``root``
fixture: a directory URI on the scheme under test that is empty and writable
(a fresh bucket prefix, a temporary directory...). Class attributes switch
off what a scheme cannot do::

    class TestMyScheme(ResourcePathConformance):
        supports_presign = True

        @pytest.fixture
        def root(self, my_server):
            return ResourcePath(f"my://{my_server}/{uuid.uuid4().hex}/")

Each test method then runs against that scheme. pytest must be installed to
use this module; it is not needed otherwise.
"""

from __future__ import annotations

import urllib.request
from typing import ClassVar

import pytest

from ._path import ResourcePath
from .errors import (
    InvalidTransferModeError,
    ResourceExistsError,
    ResourceNotFoundError,
)

__all__ = ["ResourcePathConformance"]


class ResourcePathConformance:
    """Tests of the behaviour every writable scheme shares."""

    supports_presign: ClassVar[bool] = False
    """Whether presigned GET and PUT URLs work on this scheme."""
    local_transfer_modes: ClassVar[tuple[str, ...]] = ("copy", "auto")
    """Modes to test for transfers from a local file into the scheme."""
    large_size: ClassVar[int] = 6 * 1024 * 1024 + 17
    """Size of the large-file round trip (above S3's multipart threshold)."""

    @pytest.fixture
    def root(self) -> ResourcePath:
        """Return an empty, writable directory URI on the scheme under test."""
        raise NotImplementedError("Subclasses provide the root fixture.")

    # ------------------------------------------------------------ read and write

    def test_write_read_round_trip(self, root: ResourcePath) -> None:
        target = root.join("dir/file.txt")
        assert not target.exists()
        target.write(b"hello world")
        assert target.exists()
        assert target.read() == b"hello world"
        assert target.read(5) == b"hello"
        assert target.size() == 11
        assert target.get_info().size == 11
        assert target.get_info().is_file

    def test_write_refuses_overwrite(self, root: ResourcePath) -> None:
        target = root.join("keep.bin")
        target.write(b"original")
        with pytest.raises(ResourceExistsError, match=r"keep\.bin"):
            target.write(b"replacement", overwrite=False)
        assert target.read() == b"original"
        target.write(b"replacement", overwrite=True)
        assert target.read() == b"replacement"

    def test_missing_file_errors_name_the_uri(self, root: ResourcePath) -> None:
        missing = root.join("nothing/here.txt")
        assert not missing.exists()
        with pytest.raises(FileNotFoundError, match=r"here\.txt"):
            missing.read()
        with pytest.raises(ResourceNotFoundError):
            missing.remove()

    def test_special_characters_round_trip(self, root: ResourcePath) -> None:
        target = root.join("with space/and+plus,comma=é.txt")
        target.write(b"odd name")
        assert target.read() == b"odd name"
        assert target.basename() == "and+plus,comma=é.txt"
        names = [name for _, _, files in root.walk() for name in files]
        assert "and+plus,comma=é.txt" in names

    def test_large_file_round_trip(self, root: ResourcePath) -> None:
        payload = bytes(range(256)) * (self.large_size // 256) + b"x" * (self.large_size % 256)
        target = root.join("large.bin")
        target.write(payload)
        assert target.size() == len(payload)
        assert target.read() == payload

    def test_remove(self, root: ResourcePath) -> None:
        target = root.join("gone.txt")
        target.write(b"x")
        target.remove()
        assert not target.exists()

    # ------------------------------------------------------------ directories

    def test_directories(self, root: ResourcePath) -> None:
        sub = root.join("made/", forceDirectory=True)
        sub.mkdir()
        sub.join("f.txt").write(b"1")
        assert sub.exists()
        assert sub.isdir()
        assert root.join("made").isdir()
        assert not sub.join("f.txt").isdir()

    def test_walk_and_filter(self, root: ResourcePath) -> None:
        for name in ("a/1.fits", "a/2.txt", "a/b/3.fits", "top.fits"):
            root.join(name).write(name.encode())
        found = {
            dirpath.join(name).relative_to(root): dirpath
            for dirpath, _, files in root.walk(r"\.fits$")
            for name in files
        }
        assert set(found) == {"a/1.fits", "a/b/3.fits", "top.fits"}
        tree = {
            str(dirpath.relative_to(root)): (dirs, files) for dirpath, dirs, files in root.walk()
        }
        assert tree[""] == (["a"], ["top.fits"])
        assert tree["a/"] == (["b"], ["1.fits", "2.txt"])
        files = sorted(
            str(u.relative_to(root)) for u in ResourcePath.findFileResources([root], r"\.txt$")
        )
        assert files == ["a/2.txt"]

    # ------------------------------------------------------------ file objects

    def test_open_text_and_binary(self, root: ResourcePath) -> None:
        target = root.join("opened.txt")
        with target.open("w") as stream:
            stream.write("line one\n")
            stream.write("línea dos\n")
        with target.open("r") as stream:
            assert stream.read().splitlines() == ["line one", "línea dos"]
        with target.open("rb") as stream:
            assert stream.read(4) == b"line"
        with pytest.raises(FileExistsError), target.open("x"):
            pass

    def test_failed_write_leaves_nothing(self, root: ResourcePath) -> None:
        target = root.join("half.bin")
        with pytest.raises(RuntimeError), target.open("wb") as stream:
            stream.write(b"partial")
            raise RuntimeError("writer died")
        assert not target.exists()

    def test_as_local(self, root: ResourcePath) -> None:
        target = root.join("local.dat")
        target.write(b"content")
        with target.as_local() as local:
            assert local.isLocal
            assert local.read() == b"content"
            local_path = local.ospath
        if not target.isLocal:
            assert not ResourcePath(local_path).exists()

    # ------------------------------------------------------------ transfers

    def test_transfer_from_local(self, root: ResourcePath, tmp_path: object) -> None:
        source_dir = ResourcePath(str(tmp_path), forceDirectory=True)
        for mode in self.local_transfer_modes:
            source = source_dir.join(f"source-{mode}.txt")
            source.write(mode.encode())
            target = root.join(f"in/{mode}.txt")
            target.transfer_from(source, transfer=mode)
            assert target.read() == mode.encode()
            with pytest.raises(ResourceExistsError):
                target.transfer_from(source, transfer=mode)

    def test_transfer_to_local_and_move(self, root: ResourcePath, tmp_path: object) -> None:
        source = root.join("out.txt")
        source.write(b"going out")
        local = ResourcePath(str(tmp_path)).join("copied.txt")
        local.transfer_from(source, transfer="copy")
        assert local.read() == b"going out"
        moved = root.join("moved/out.txt")
        moved.transfer_from(source, transfer="move")
        assert moved.read() == b"going out"
        assert not source.exists()

    def test_transfer_within_scheme(self, root: ResourcePath) -> None:
        source = root.join("same/src.txt")
        source.write(b"same scheme")
        target = root.join("same/dst.txt")
        target.transfer_from(source, transfer="copy")
        assert target.read() == b"same scheme"
        assert source.exists()
        target.transfer_from(source, transfer="copy", overwrite=True)

    def test_bad_transfer_mode(self, root: ResourcePath) -> None:
        source = root.join("src.txt")
        source.write(b"x")
        with pytest.raises(InvalidTransferModeError, match="teleport"):
            root.join("dst.txt").transfer_from(source, transfer="teleport")

    # ------------------------------------------------------------ bulk operations

    def test_mexists(self, root: ResourcePath) -> None:
        present = [root.join(f"m/{i}.txt") for i in range(0, 20, 2)]
        for uri in present:
            uri.write(b"x")
        asked = [root.join(f"m/{i}.txt") for i in range(20)]
        result = ResourcePath.mexists(asked)
        assert {u for u, ok in result.items() if ok} == set(present)
        assert len(result) == 20

    def test_mremove(self, root: ResourcePath) -> None:
        files = [root.join(f"r/{i}") for i in range(5)]
        for uri in files:
            uri.write(b"x")
        outcome = ResourcePath.mremove(files)
        assert all(v is None for v in outcome.values())
        assert not any(ResourcePath.mexists(files).values())

    def test_temporary_uri(self, root: ResourcePath) -> None:
        with ResourcePath.temporary_uri(prefix=root, suffix=".json") as temp:
            assert temp.isTemporary
            assert temp.getExtension() == ".json"
            assert not temp.exists()
            temp.write(b"{}")
            assert temp.exists()
        assert not temp.exists()

    # ------------------------------------------------------------ presigned URLs

    def test_presigned_urls(self, root: ResourcePath) -> None:
        target = root.join("signed.txt")
        if not self.supports_presign:
            with pytest.raises(NotImplementedError):
                target.generate_presigned_get_url(expiration_time_seconds=60)
            return
        put_url = target.generate_presigned_put_url(expiration_time_seconds=60)
        # urllib would send a form Content-Type, which some servers (moto) parse the body as.
        request = urllib.request.Request(
            put_url,
            data=b"signed upload",
            method="PUT",
            headers={"Content-Type": "application/octet-stream"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)
        assert target.read() == b"signed upload"
        get_url = target.generate_presigned_get_url(expiration_time_seconds=60)
        with urllib.request.urlopen(get_url, timeout=30) as response:
            assert response.read() == b"signed upload"
