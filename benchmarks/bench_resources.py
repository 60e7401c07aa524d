"""Speed of skybutler.resources on local files (issue targets beside each figure)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import once, per_call, report

from skybutler.resources import ResourcePath


def bench_construction() -> None:
    report(
        "ResourcePath('s3://bucket/a/b/c.fits')",
        per_call(lambda: ResourcePath("s3://bucket/a/b/c.fits"), number=20000),
        5e-6,
    )
    report(
        "ResourcePath('/data/a/b/c.fits')",
        per_call(lambda: ResourcePath("/data/a/b/c.fits"), number=20000),
        5e-6,
    )
    root = ResourcePath("s3://bucket/repo/", forceDirectory=True)
    report(
        "join('raw/HSC/x.fits')", per_call(lambda: root.join("raw/HSC/x.fits"), number=20000), 5e-6
    )
    local = ResourcePath("/data/repo/", forceDirectory=True)
    report("join on a file URI", per_call(lambda: local.join("raw/HSC/x.fits"), number=20000), 5e-6)


def bench_copy(count: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = ResourcePath(tmp, forceDirectory=True).join("src/")
        dst = ResourcePath(tmp, forceDirectory=True).join("dst/")
        sources = [src.join(f"f{i:04d}.json") for i in range(count)]
        for uri in sources:
            uri.write(b'{"value": 1}' * 20)
        targets = [dst.join(uri.basename()) for uri in sources]
        dst.join("x").write(b"")  # make the directory so the first copy does not pay for it

        def copy_all() -> None:
            for s, t in zip(sources, targets, strict=True):
                t.transfer_from(s, transfer="copy")

        report(f"copy {count} small files file->file", once(copy_all), 0.5)
        report(f"mexists of {count} local files", once(lambda: ResourcePath.mexists(targets)))


def bench_import() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cmd = [sys.executable, "-c", "import skybutler.resources"]
    subprocess.run(cmd, env=env, check=True)  # write byte code once, as an installed package has
    best = min(once(lambda: subprocess.run(cmd, env=env, check=True)) for _ in range(7))
    bare = min(
        once(lambda: subprocess.run([sys.executable, "-c", "pass"], env=env, check=True))
        for _ in range(7)
    )
    report("python -c 'import skybutler.resources' (whole process)", best, 0.05)
    report("  of which the interpreter alone", bare)


def main() -> None:
    bench_construction()
    bench_copy()
    bench_import()


if __name__ == "__main__":
    main()
