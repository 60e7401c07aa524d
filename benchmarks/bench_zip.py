"""Benchmarks of Zips of artifacts: retrieve_artifacts_zip, ingest_zip, reading members.

A SQLite repository with local files holds ``--datasets`` small JSON
datasets; they are written into one Zip, the Zip is ingested into a second
repository, and every dataset is read back from inside the stored Zip.
Wall-clock and CPU time (`time.process_time`) are printed for each step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).parent))

from _timing import report

from skybutler.daf_butler import Butler, DatasetType

_T = TypeVar("_T")


def _repo(root: str, detectors: int) -> Butler:
    Butler.makeRepo(root)
    butler = Butler(root, writeable=True, run="zip/run")
    butler.registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": detectors})
    butler.registry.insertDimensionData(
        "detector",
        *({"instrument": "Cam", "id": d, "full_name": f"D{d}"} for d in range(detectors)),
    )
    return butler


def _step(name: str, fn: Callable[[], _T]) -> _T:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    report(f"{name} (wall)", time.perf_counter() - wall)
    report(f"{name} (CPU)", time.process_time() - cpu)
    return result


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--datasets", type=int, default=1000)
    n = parser.parse_args(argv).datasets
    with tempfile.TemporaryDirectory() as tmp:
        source = _repo(f"{tmp}/a", n)
        source.registry.registerDatasetType(
            DatasetType(
                "meta", ["instrument", "detector"], "StructuredDataDict", universe=source.dimensions
            )
        )
        refs = [source.put({"d": d}, "meta", instrument="Cam", detector=d) for d in range(n)]
        print(f"{n} datasets")
        zip_uri = _step(
            "retrieve_artifacts_zip", lambda: source.retrieve_artifacts_zip(refs, f"{tmp}/out")
        )
        target = _repo(f"{tmp}/b", n)
        ingested = _step("ingest_zip", lambda: target.ingest_zip(zip_uri))
        _step("get every dataset from the Zip", lambda: [target.get(r) for r in ingested])
        _step("removeRuns (Zip deleted)", lambda: target.removeRuns(["zip/run"]))


if __name__ == "__main__":
    main()
