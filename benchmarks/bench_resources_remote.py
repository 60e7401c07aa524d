"""Remote ``ResourcePath`` figures on a loopback SeaweedFS server (started here, stopped after).

* ``mexists`` of 1,000 S3 objects: siblings in one directory (answered by a
  listing) and objects each in its own directory (one HEAD each, concurrent);
  target <= 1 s each.
* Copy throughput: upload from a local file, download to a local file, and a
  server-side copy, of a 64 MiB object.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from _timing import once, report

N_OBJECTS = 1000
COPY_SIZE = 64 * 1024 * 1024


def _populate(fs: object, paths: list[str]) -> None:
    fs.pipe(dict.fromkeys(paths, b"x"))  # type: ignore[attr-defined]  # s3fs: concurrent PUTs


def main() -> None:
    from _services.s3 import ServiceStartError, run_seaweedfs

    from skybutler.resources import ResourcePath, _s3

    threshold = _s3._LIST_THRESHOLD

    with tempfile.TemporaryDirectory(prefix="bench-s3-") as workdir:
        try:
            server_cm = run_seaweedfs(Path(workdir))
            server = server_cm.__enter__()
        except ServiceStartError as exc:
            print(f"SeaweedFS unavailable, nothing measured: {exc}")
            return
        try:
            os.environ.update(server.env())
            root = ResourcePath(
                f"s3://{server.bucket}/bench-{uuid.uuid4().hex}/", forceDirectory=True
            )
            fs, _ = root.to_fsspec()

            siblings = [root.join(f"flat/{i:05d}.dat") for i in range(N_OBJECTS)]
            _populate(fs, [u.to_fsspec()[1] for u in siblings])
            spread = [root.join(f"spread/{i:05d}/obj.dat") for i in range(N_OBJECTS)]
            _populate(fs, [u.to_fsspec()[1] for u in spread])
            half_missing = siblings[::2] + [
                root.join(f"flat/missing-{i}.dat") for i in range(N_OBJECTS // 2)
            ]

            ResourcePath.mexists(siblings[:10])  # warm the client and connection pool
            for name, uris in (
                ("mexists 1000 S3 siblings (one listing)", siblings),
                ("mexists 1000 S3 objects, 500 missing", half_missing),
                ("mexists 1000 S3 objects in 1000 directories (recursive listing)", spread),
            ):
                result: dict[ResourcePath, bool] = {}
                seconds = once(lambda uris=uris, out=result: out.update(ResourcePath.mexists(uris)))
                assert len(result) == len(uris)
                assert sum(result.values()) == len(set(uris) & set(siblings + spread))
                report(name, seconds, 1.0)
            # Without listings: one concurrent HEAD per object (what a scattered batch costs).
            _s3._LIST_THRESHOLD = 10**9
            seconds = once(lambda: ResourcePath.mexists(spread))
            report("mexists 1000 S3 objects, one HEAD each (listing off)", seconds, 1.0)
            _s3._LIST_THRESHOLD = threshold

            local = Path(workdir) / "payload.bin"
            local.write_bytes(os.urandom(COPY_SIZE))
            mib = COPY_SIZE / 2**20
            target = root.join("copy/payload.bin")
            seconds = once(lambda: target.transfer_from(ResourcePath(local), transfer="copy"))
            report(f"upload {mib:.0f} MiB local -> s3 ({mib / seconds:.0f} MiB/s)", seconds)
            back = Path(workdir) / "back.bin"
            download = ResourcePath(back)
            seconds = once(lambda: download.transfer_from(target, transfer="copy"))
            report(f"download {mib:.0f} MiB s3 -> local ({mib / seconds:.0f} MiB/s)", seconds)
            assert back.stat().st_size == COPY_SIZE
            copy = root.join("copy/server-side.bin")
            seconds = once(lambda: copy.transfer_from(target, transfer="copy"))
            report(f"server-side copy {mib:.0f} MiB s3 -> s3 ({mib / seconds:.0f} MiB/s)", seconds)
            small = root.join("copy/small.bin")
            seconds = once(lambda: [small.write(b"y" * 1024) for _ in range(100)])
            report("write 1 KiB object (mean of 100)", seconds / 100)
            seconds = once(lambda: [small.read() for _ in range(100)])
            report("read 1 KiB object (mean of 100)", seconds / 100)
        finally:
            server_cm.__exit__(None, None, None)


if __name__ == "__main__":
    main()
