"""The main job on the embedded default, as far as skybutler goes today.

Today this walks through `skybutler.resources`: one URI API over local files
and memory (and, with credentials in the environment, S3, GCS and WebDAV).
As the registry, datastore and pipeline packages land, this grows into
create repository -> ingest -> run a pipeline -> query.

Run it with ``python3 dev.py demo`` (or ``nox -s demo``). Give a directory as
the first argument to keep the output there; by default a temporary one is
used and removed.
"""

from __future__ import annotations

import sys
import tempfile

from skybutler.resources import ResourcePath, ResourcePathExpression


def demo(workdir: ResourcePathExpression) -> None:
    root = ResourcePath(workdir, forceDirectory=True)
    print(f"Working in {root}")

    raw = root.join("raw/HSC/2024-01-01/")
    for detector in range(3):
        raw.join(f"visit_903334_det{detector:03d}.fits").write(
            b"SIMPLE  =                    T" + bytes(50)
        )
    print(f"Wrote 3 files under {raw}")

    staging = ResourcePath("mem://demo-staging/", forceDirectory=True)
    for dirpath, _, files in raw.walk(r"\.fits$"):
        for name in files:
            staging.join(name).transfer_from(dirpath.join(name), transfer="copy", overwrite=True)
    print(f"Copied them into memory: {sorted(f for _, _, fs in staging.walk() for f in fs)}")

    archive = root.join("archive/")
    sources = [
        uri for uri in ResourcePath.findFileResources([staging]) if isinstance(uri, ResourcePath)
    ]
    moved = [archive.join(uri.basename()) for uri in sources]
    ResourcePath.mtransfer("move", zip(sources, moved, strict=True))
    existence = ResourcePath.mexists(moved)
    print(f"Moved back to disk: {sum(existence.values())} of {len(moved)} exist in {archive}")

    first = moved[0]
    print(f"{first.basename()}: {first.size()} bytes, extension {first.getExtension()!r}")
    print(f"Relative to the work directory: {first.relative_to(root)}")


def main() -> None:
    if len(sys.argv) > 1:
        demo(sys.argv[1])
        return
    with tempfile.TemporaryDirectory(prefix="skybutler-demo-") as tmp:
        demo(tmp)


if __name__ == "__main__":
    main()
