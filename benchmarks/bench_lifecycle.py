"""Benchmarks of the repository life cycle: ingest and removal, on SQLite and local files.

- ingest 1,000 small files with ``transfer="copy"`` (one registry
  transaction, every file checked first, then copied under its template path;
  best of three rounds);
- ingest 50,000 files already under the root (``auto``: used in place);
- ``removeRuns`` of that RUN of 50,000 datasets: trash and registry rows in
  one transaction of set statements, then the run's directory renamed into
  the trash area and its files deleted by a thread; two figures: until the
  call returns, and until every file is deleted;
- for reference, the time the same number of files takes to delete with
  nothing else going on (on some virtual disks most of the removal).

Targets are issue 7's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import creation_cost, once, report, settle_file_system

from skybutler.daf_butler import Butler, DatasetRef, DatasetType, FileDataset
from skybutler.daf_butler.datastores.file import FileDatastore
from skybutler.daf_butler.datastores.file._trash_area import TRASH_DIRECTORY

N_INGEST = 1_000
N_REMOVE = 50_000
INGEST_ROUNDS = 3


def _files(directory: str, n: int) -> list[str]:
    os.makedirs(directory, exist_ok=True)
    paths = []
    for i in range(n):
        path = os.path.join(directory, f"f{i:06d}.json")
        with open(path, "w") as stream:
            json.dump({"i": i}, stream)
        paths.append(path)
    return paths


def _remove_run(butler: Butler, root: str, tmp: str, in_place: list[FileDataset]) -> None:
    """Ingest ``in_place`` where the files are, remove their RUN and print the figures."""
    n = len(in_place)
    report(
        f"ingest {n:,} files already under the root (auto: in place)",
        once(lambda: butler.ingest(*in_place)),
    )
    datastore = butler.datastore
    assert isinstance(datastore, FileDatastore)
    cpu = time.process_time()
    start = time.perf_counter()
    butler.removeRuns(["bench/big"])
    returned = time.perf_counter() - start
    cpu_returned = time.process_time() - cpu
    left = sum(len(names) for _, _, names in os.walk(f"{root}/staging"))
    aside = sum(len(names) for _, _, names in os.walk(f"{root}/{TRASH_DIRECTORY}"))
    report(f"removeRuns of a RUN of {n:,} datasets: until it returns", returned, 3.0)
    report("  CPU time of this process until it returns", cpu_returned)
    print(
        f"  when it returned: {left} files left at their paths, {aside:,} in the trash "
        "area (being deleted by a thread)"
    )
    if datastore._trash_area is not None:
        datastore._trash_area.wait()
    report(
        f"removeRuns of a RUN of {n:,} datasets: until every file is deleted",
        time.perf_counter() - start,
    )
    report("  CPU time of this process until every file is deleted", time.process_time() - cpu)
    gone = not os.path.exists(f"{root}/{TRASH_DIRECTORY}")
    print(f"  trash area emptied: {gone}")
    # The floor: deleting as many files of the same kind with nothing else to do.
    floor = _files(f"{tmp}/floor", n)
    os.sync()
    with ThreadPoolExecutor(16) as pool:
        report(
            f"for reference: unlink {n:,} such files on 16 threads, nothing else",
            once(lambda: list(pool.map(os.unlink, floor))),
        )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default=None, help="where to make the repository")
    parser.add_argument("--ingest", type=int, default=N_INGEST, help="files to ingest by copy")
    parser.add_argument("--remove", type=int, default=N_REMOVE, help="datasets in the RUN removed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        root = f"{tmp}/repo"
        Butler.makeRepo(root)
        butler = Butler(root, writeable=True)
        n = max(args.ingest, args.remove)
        butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": n})
        butler.registry.insertDimensionData(
            "detector", *({"instrument": "Cam", "id": d, "full_name": f"D{d}"} for d in range(n))
        )
        raw = DatasetType(
            "raw", ["instrument", "detector"], "StructuredDataDict", universe=butler.dimensions
        )
        butler.registry.registerDatasetType(raw)

        def datasets(paths: list[str], run: str) -> list[FileDataset]:
            return [
                FileDataset(p, DatasetRef(raw, {"instrument": "Cam", "detector": d}, run))
                for d, p in enumerate(paths)
            ]

        # First use imports formatters and the time code: not what is measured.
        butler.ingest(*datasets(_files(f"{tmp}/warm", 10), "bench/warm"), transfer="copy")
        butler.removeRuns(["bench/warm"])

        def ingest_round(k: int) -> float:
            copied = datasets(_files(f"{tmp}/outside{k}", args.ingest), f"bench/copied{k}")
            settle_file_system(tmp)
            return once(lambda: butler.ingest(*copied, transfer="copy"))

        # Best of three rounds (each into a new run, from new files), as bench_butler's put.
        report(
            f"ingest {args.ingest:,} files (copy), one transaction, best of {INGEST_ROUNDS}",
            min(ingest_round(k) for k in range(INGEST_ROUNDS)),
            0.5,
        )
        report("  for reference: one bare file creation here, just after", creation_cost(tmp))
        if args.remove > 0:
            staged = _files(f"{root}/staging", args.remove)
            _remove_run(butler, root, tmp, datasets(staged, "bench/big"))
        butler.close()


if __name__ == "__main__":
    main()
