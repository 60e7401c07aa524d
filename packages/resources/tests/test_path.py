"""Construction rules and pure path algebra of ResourcePath (no I/O)."""

from __future__ import annotations

import os
import pickle
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from skybutler.resources import (
    InvalidURIError,
    ResourcePath,
    UnknownSchemeError,
    known_schemes,
)
from skybutler.resources._schemes import BUILTIN_SCHEMES, ENTRY_POINT_GROUP


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/data/file.fits", "file:///data/file.fits"),
        ("/data/dir/", "file:///data/dir/"),
        ("/data/../other/x", "file:///other/x"),
        ("/a b/c#d.txt", "file:///a%20b/c%23d.txt"),
        ("s3://bucket/key/x.txt", "s3://bucket/key/x.txt"),
        ("S3://bucket/k", "s3://bucket/k"),
        ("file:///tmp/x", "file:///tmp/x"),
        ("https://host:8080/a/b?x=1", "https://host:8080/a/b?x=1"),
        ("mem://store/a", "mem://store/a"),
    ],
    ids=["abs", "abs-dir", "dotdot", "quoted", "s3", "scheme-case", "file-uri", "https", "mem"],
)
def test_construction(given: str, expected: str) -> None:
    assert str(ResourcePath(given)) == expected


def test_relative_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert ResourcePath("a/b.txt").geturl() == f"file://{tmp_path}/a/b.txt"
    rel = ResourcePath("a/b.txt", forceAbsolute=False)
    assert rel.scheme == ""
    assert not rel.isabs()
    assert str(rel) == "a/b.txt"
    assert rel.abspath() == ResourcePath(tmp_path / "a" / "b.txt")
    assert ResourcePath("x.txt", root="s3://bucket/base/").geturl() == "s3://bucket/base/x.txt"
    assert ResourcePath("x.txt", root=str(tmp_path)).ospath == str(tmp_path / "x.txt")
    assert ResourcePath(Path("a")).geturl() == f"file://{tmp_path}/a"
    assert ResourcePath("~/x").ospath == os.path.expanduser("~/x")
    assert ResourcePath("c:thing", forceAbsolute=False).scheme == "", (
        "no '//': a path, not a scheme"
    )


def test_force_directory() -> None:
    assert ResourcePath("/data/dir", forceDirectory=True).geturl() == "file:///data/dir/"
    assert ResourcePath("/data/dir/").dirLike is True
    assert ResourcePath("/data/file", forceDirectory=False).dirLike is False
    assert ResourcePath("/data/unknown").dirLike is None
    with pytest.raises(InvalidURIError, match="forceDirectory=False"):
        ResourcePath("/data/dir/", forceDirectory=False)
    same = ResourcePath("/data/dir/")
    assert ResourcePath(same) is same
    assert ResourcePath("s3://bucket").join("k").geturl() == "s3://bucket/k"


def test_bad_input() -> None:
    with pytest.raises(UnknownSchemeError) as info:
        ResourcePath("nosuch://host/path")
    message = str(info.value)
    assert "'nosuch'" in message
    for scheme in ("file", "s3", "gs", "https", "mem"):
        assert scheme in message
    with pytest.raises(InvalidURIError, match="empty"):
        ResourcePath("")
    with pytest.raises(InvalidURIError, match="int"):
        ResourcePath(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidURIError, match="Malformed"):
        ResourcePath("http://[::1/x")


def test_join() -> None:
    root = ResourcePath("s3://bucket/root/")
    assert root.join("a/b.txt").geturl() == "s3://bucket/root/a/b.txt"
    assert root.join("a/").dirLike is True
    assert root.join("a/b.txt", forceDirectory=False).dirLike is False
    assert root.join("./a/../b.txt").geturl() == "s3://bucket/root/b.txt"
    assert root.join("/abs/path").geturl() == "file:///abs/path"
    assert root.join("gs://other/x") == ResourcePath("gs://other/x")
    assert (
        root.join(ResourcePath("rel/y", forceAbsolute=False)).geturl() == "s3://bucket/root/rel/y"
    )
    assert root.join("sp ace").path == "/root/sp%20ace"
    assert root.join("t", isTemporary=True).isTemporary
    with pytest.raises(InvalidURIError, match="is a file"):
        root.join("f.txt", forceDirectory=False).join("x")


def test_parent_dirname_basename_split() -> None:
    f = ResourcePath("s3://bucket/a/b/c.txt")
    d = ResourcePath("s3://bucket/a/b/")
    assert f.parent() == d
    assert f.dirname() == d
    assert d.dirname() == d
    assert d.parent() == ResourcePath("s3://bucket/a/")
    assert f.basename() == "c.txt"
    assert d.basename() == ""
    assert f.split() == (d, "c.txt")
    top = ResourcePath("s3://bucket/")
    assert top.is_root
    assert top.parent() == top
    assert f.root_uri() == top
    assert f.relativeToPathRoot == "a/b/c.txt"


@pytest.mark.parametrize(
    ("name", "ext", "new", "renamed"),
    [
        ("x.fits", ".fits", ".yaml", "x.yaml"),
        ("x.fits.gz", ".fits.gz", "json", "x.json"),
        ("x.tar.bz2", ".tar.bz2", "", "x"),
        ("a.b.c.txt", ".txt", ".csv", "a.b.c.csv"),
        ("noext", "", ".txt", "noext.txt"),
    ],
    ids=["simple", "compressed", "no-dot", "many-dots", "none"],
)
def test_extensions(name: str, ext: str, new: str, renamed: str) -> None:
    uri = ResourcePath(f"mem://x/dir/{name}")
    assert uri.getExtension() == ext
    assert uri.updatedExtension(new).basename() == renamed
    assert uri.updatedExtension(None) is uri
    assert uri.updatedFile("other.dat").geturl() == "mem://x/dir/other.dat"


def test_relative_to() -> None:
    base = ResourcePath("s3://bucket/a/")
    assert ResourcePath("s3://bucket/a/b/c.txt").relative_to(base) == "b/c.txt"
    assert ResourcePath("s3://bucket/a/sp%20ace").relative_to(base) == "sp ace"
    assert ResourcePath("s3://bucket/z/c.txt").relative_to(base) is None
    assert ResourcePath("s3://bucket/z/c.txt").relative_to(base, walk_up=True) == "../z/c.txt"
    assert ResourcePath("s3://other/a/c.txt").relative_to(base) is None
    assert ResourcePath("gs://bucket/a/c.txt").relative_to(base) is None


def test_value_semantics() -> None:
    a = ResourcePath("s3://bucket/k")
    b = ResourcePath("s3://bucket/k")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != ResourcePath("s3://bucket/k2")
    assert a != "s3://bucket/k"
    assert repr(a) == 'ResourcePath("s3://bucket/k")'
    with pytest.raises(AttributeError, match="immutable"):
        a._path = "/x"  # type: ignore[misc]
    for uri in (a, ResourcePath("/tmp/d/"), ResourcePath("rel", forceAbsolute=False)):
        clone = pickle.loads(pickle.dumps(uri))
        assert clone == uri
        assert type(clone) is type(uri)
        assert clone.dirLike == uri.dirLike


def test_replace() -> None:
    uri = ResourcePath("s3://bucket/a/b.txt")
    assert uri.replace(netloc="other").geturl() == "s3://other/a/b.txt"
    assert uri.replace(scheme="gs").geturl() == "gs://bucket/a/b.txt"


def test_entry_points_match_builtin_table() -> None:
    declared = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    builtin = {k: v for k, v in BUILTIN_SCHEMES.items() if k}
    assert declared == builtin
    assert set(builtin) <= set(known_schemes())


def test_package_resources() -> None:
    pkg = ResourcePath("resource://skybutler.resources/")
    assert pkg.isdir()
    init = pkg.join("__init__.py")
    assert init.exists()
    assert b"ResourcePath" in init.read()
    assert init.size() == len(init.read())
    assert any("_path.py" in files for _, _, files in pkg.walk())
    with init.as_local() as local:
        assert local.read() == init.read()
    with pytest.raises(PermissionError, match="read-only"):
        init.write(b"x")
    assert not pkg.join("missing.txt").exists()
    with pytest.raises(FileNotFoundError):
        ResourcePath("resource://no.such.package/x").read()
