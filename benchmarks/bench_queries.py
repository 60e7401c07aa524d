"""Speed of the query system: parsing, streaming, spatial joins, dataset searches, latency.

Targets from the query-system issue:

- parse a 200-character ``where`` expression in 0.2 ms or less;
- stream 1,000,000 visit x detector data IDs in 5 s or less;
- a spatial visit x detector x tract x patch join over 100,000
  visit-detector regions in 5 s or less;
- ``query_datasets`` of 100,000 datasets by type and collection in 1 s or less;
- the first row of a query in 20 ms or less.

One repository holds two instruments: ``Stream`` (``N_VISITS`` visits x
``N_DETECTORS`` detectors, no regions: the data IDs streamed, and
``N_DATASETS`` ``calexp`` datasets in one run plus as many in another run that
the search must skip) and ``Sky`` (``N_SKY_VISITS`` visits x ``N_DETECTORS``
detectors with small regions on a sky map of 10 tracts of 10 x 10 patches).
Only the queries are timed, not the set-up.

Each figure is wall-clock time; the CPU time of this process (``time.process_time``:
Python work plus SQLite, but not the PostgreSQL server's own work) follows it
in brackets, since the machine may be shared. Runs on SQLite, then on a
throwaway PostgreSQL server (``tests/_services/postgres.py``) when its
programs are installed. Sizes come from environment variables
(defaults in brackets): ``BENCH_QUERIES_VISITS`` [5000],
``BENCH_QUERIES_DETECTORS`` [200], ``BENCH_QUERIES_DATASETS`` [100000],
``BENCH_QUERIES_SKY_VISITS`` [25], ``BENCH_QUERIES_PG_VISITS`` [1000],
``BENCH_QUERIES_PG_SKY_VISITS`` [5]. Sizes below a target's (a million
data IDs, 100,000 regions) get a figure extrapolated linearly, labelled so.
The spatial default is 5,000 regions, not 100,000, to keep the set-up
(inserting the regions) short; the join itself is computed in Python with
vectorised tests, so the full size runs in seconds: run it with
``BENCH_QUERIES_SKY_VISITS=500``.
"""

from __future__ import annotations

import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _timing import once, per_call, report

from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler._timespan import Timespan
from skybutler.daf_butler.queries import query_datasets
from skybutler.daf_butler.queries.expressions import parse_expression
from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.sphgeom import ConvexPolygon

MILLION = 1_000_000
BATCH = 50_000
N_VISITS = int(os.environ.get("BENCH_QUERIES_VISITS", "5000"))
N_DETECTORS = int(os.environ.get("BENCH_QUERIES_DETECTORS", "200"))
N_DATASETS = int(os.environ.get("BENCH_QUERIES_DATASETS", "100000"))
N_SKY_VISITS = int(os.environ.get("BENCH_QUERIES_SKY_VISITS", "25"))
N_PG_VISITS = int(os.environ.get("BENCH_QUERIES_PG_VISITS", "1000"))
N_PG_SKY_VISITS = int(os.environ.get("BENCH_QUERIES_PG_SKY_VISITS", "5"))
TARGET_REGIONS = 100_000

EXPRESSION = (
    "instrument = 'HSC' AND visit IN (12..20:2, 903334, :extra) AND detector != 9 "
    "AND exposure.observation_type = 'science' AND physical_filter IN ('HSC-R', 'HSC-I') "
    "AND visit.exposure_time > 30.5 AND NOT skymap = 'old'"
)

# Sky map: tracts of 2 x 2 degrees along the equator, each cut into 10 x 10 patches.
N_TRACTS = 10
TRACT_SIZE = 2.0
PATCHES = 10
# A visit is 0.3 degrees square; its detectors tile it in a grid of 20 columns.
VISIT_SIZE = 0.3
DETECTOR_COLUMNS = 20


def _square(ra0: float, dec0: float, ra1: float, dec1: float) -> ConvexPolygon:
    return ConvexPolygon.fromDegrees((ra0, dec0), (ra1, dec0), (ra1, dec1), (ra0, dec1))


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(registry: Registry, element: str, rows: Iterator[dict[str, Any]]) -> None:
    for batch in _batches(rows):
        registry.insertDimensionData(element, *batch)


def _visits(instrument: str, n: int) -> Iterator[dict[str, Any]]:
    day = Timespan.from_day_obs(20240101)
    for v in range(n):
        yield {
            "instrument": instrument,
            "id": v,
            "name": f"{instrument}{v}",
            "physical_filter": "r",
            "day_obs": 20240101,
            "exposure_time": 30.0,
            "timespan": day,
        }


def _detector_regions(n_visits: int, n_detectors: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(42)
    rows = max(1, math.ceil(n_detectors / DETECTOR_COLUMNS))
    width, height = VISIT_SIZE / DETECTOR_COLUMNS, VISIT_SIZE / rows
    sky_width = N_TRACTS * TRACT_SIZE
    for v in range(n_visits):
        ra0 = rng.uniform(0.1, sky_width - VISIT_SIZE - 0.1)
        dec0 = rng.uniform(-TRACT_SIZE / 2 + 0.1, TRACT_SIZE / 2 - VISIT_SIZE - 0.1)
        for d in range(n_detectors):
            col, row = d % DETECTOR_COLUMNS, d // DETECTOR_COLUMNS
            region = _square(
                ra0 + col * width,
                dec0 + row * height,
                ra0 + (col + 1) * width,
                dec0 + (row + 1) * height,
            )
            yield {"instrument": "Sky", "visit": v, "detector": d, "region": region}


def _sky_map(registry: Registry) -> None:
    registry.insertDimensionData(
        "skymap",
        {
            "name": "rings",
            "hash": b"0" * 40,
            "tract_max": N_TRACTS,
            "patch_nx_max": PATCHES,
            "patch_ny_max": PATCHES,
        },
    )
    half = TRACT_SIZE / 2
    tracts, patches = [], []
    step = TRACT_SIZE / PATCHES
    for t in range(N_TRACTS):
        ra0 = t * TRACT_SIZE
        tracts.append(
            {"skymap": "rings", "id": t, "region": _square(ra0, -half, ra0 + TRACT_SIZE, half)}
        )
        for y in range(PATCHES):
            for x in range(PATCHES):
                box = (
                    ra0 + x * step,
                    -half + y * step,
                    ra0 + (x + 1) * step,
                    -half + (y + 1) * step,
                )
                patches.append(
                    {
                        "skymap": "rings",
                        "tract": t,
                        "id": y * PATCHES + x,
                        "cell_x": x,
                        "cell_y": y,
                        "region": _square(*box),
                    }
                )
    registry.insertDimensionData("tract", *tracts)
    registry.insertDimensionData("patch", *patches)


def build(registry: Registry, n_visits: int, n_detectors: int, n_sky_visits: int) -> None:
    """Fill an empty registry with the two instruments, the sky map and the datasets."""
    for name, n in (("Stream", n_visits), ("Sky", n_sky_visits)):
        registry.insertDimensionData(
            "instrument",
            {"name": name, "visit_max": n + 1, "exposure_max": n + 1, "detector_max": n_detectors},
        )
        registry.insertDimensionData(
            "physical_filter", {"instrument": name, "name": "r", "band": "r"}
        )
        registry.insertDimensionData(
            "day_obs",
            {"instrument": name, "id": 20240101, "timespan": Timespan.from_day_obs(20240101)},
        )
        registry.insertDimensionData(
            "detector",
            *({"instrument": name, "id": d, "full_name": f"D{d}"} for d in range(n_detectors)),
        )
        _insert(registry, "visit", _visits(name, n))
    _insert(registry, "visit_detector_region", _detector_regions(n_sky_visits, n_detectors))
    _sky_map(registry)
    calexp = DatasetType(
        "calexp", ["visit", "detector"], "StructuredDataDict", universe=registry.dimensions
    )
    registry.registerDatasetType(calexp)
    data_ids = [
        {"instrument": "Stream", "visit": i // n_detectors, "detector": i % n_detectors}
        for i in range(min(N_DATASETS, n_visits * n_detectors))
    ]
    for run in ("run/other", "run/main"):
        registry.registerRun(run)
        for start in range(0, len(data_ids), BATCH):
            registry.insertDatasets(calexp, data_ids[start : start + BATCH], run=run)


def _count(iterable: Any) -> int:
    n = 0
    for _ in iterable:
        n += 1
    return n


def _timed(fn: Any) -> tuple[float, float]:
    """Return the wall-clock and CPU seconds of one call of ``fn``."""
    cpu = time.process_time()
    wall = once(fn)
    return wall, time.process_time() - cpu


def _cpu(seconds: float) -> str:
    return f"[CPU {seconds:.3f} s]"


def _first_row(make: Any) -> float:
    best = math.inf
    for _ in range(5):
        start = time.perf_counter()
        next(iter(make()))
        best = min(best, time.perf_counter() - start)
    return best


def run(url: str, label: str, n_visits: int, n_sky_visits: int) -> None:
    """Build the repository at ``url`` and print the figures of one backend."""
    registry = Registry.createFromConfig(url)
    n_vdr = n_sky_visits * N_DETECTORS
    n_datasets = min(N_DATASETS, n_visits * N_DETECTORS)
    seconds = once(lambda: build(registry, n_visits, N_DETECTORS, n_sky_visits))
    print(
        f"{label}: set-up ({n_visits:,} + {n_sky_visits:,} visits, {N_DETECTORS} detectors, "
        f"{n_vdr:,} regions, {2 * n_datasets:,} datasets): {seconds:.1f} s"
    )

    n_rows = n_visits * N_DETECTORS
    stream = registry.queryDataIds(["visit", "detector"], instrument="Stream")
    counted: list[int] = []
    seconds, cpu = _timed(lambda: counted.append(_count(stream)))
    assert counted == [n_rows], counted
    if n_rows == MILLION:
        report(f"{label}: stream 1,000,000 visit x detector data IDs {_cpu(cpu)}", seconds, 5.0)
    else:
        report(f"{label}: stream {n_rows:,} visit x detector data IDs {_cpu(cpu)}", seconds)
        scale = MILLION / n_rows
        report(
            f"{label}: stream 1,000,000 data IDs (extrapolated from {n_rows:,}) "
            f"{_cpu(cpu * scale)}",
            seconds * scale,
            5.0,
        )

    spatial = registry.queryDataIds(
        ["visit", "detector", "tract", "patch"], instrument="Sky", skymap="rings"
    )
    counted.clear()
    seconds, cpu = _timed(lambda: counted.append(_count(spatial)))
    name = f"{label}: spatial visit x detector x tract x patch join over {n_vdr:,} regions"
    if n_vdr == TARGET_REGIONS:
        report(f"{name} ({counted[0]:,} rows) {_cpu(cpu)}", seconds, 5.0)
    else:
        report(f"{name} ({counted[0]:,} rows) {_cpu(cpu)}", seconds)
        scale = TARGET_REGIONS / n_vdr
        report(
            f"{label}: spatial join over 100,000 regions (extrapolated from {n_vdr:,}) "
            f"{_cpu(cpu * scale)}",
            seconds * scale,
            5.0,
        )

    found: list[int] = []
    seconds, cpu = _timed(
        lambda: found.append(len(query_datasets(registry, "calexp", ["run/main"], limit=None)))
    )
    assert found == [n_datasets], found
    report(
        f"{label}: query_datasets of {n_datasets:,} datasets by type and collection {_cpu(cpu)}",
        seconds,
        1.0,
    )

    report(
        f"{label}: first row of visit x detector data IDs",
        _first_row(lambda: registry.queryDataIds(["visit", "detector"], instrument="Stream")),
        0.02,
    )
    report(
        f"{label}: first row of calexp datasets with a where expression",
        _first_row(
            lambda: registry.queryDatasets(
                "calexp", collections="run/main", where="visit > 10 AND detector IN (1..50)"
            )
        ),
        0.02,
    )


def main() -> None:
    report(
        f"parse {len(EXPRESSION)}-char where expression",
        per_call(lambda: parse_expression(EXPRESSION), number=2000),
        2e-4,
    )
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        run(f"sqlite:///{tmp}/gen3.sqlite3", "SQLite", N_VISITS, N_SKY_VISITS)

    from _services.postgres import run_postgres
    from _services.s3 import ServiceStartError

    try:
        with run_postgres() as server:
            run(server.create_database(), "PostgreSQL", N_PG_VISITS, N_PG_SKY_VISITS)
    except ServiceStartError as err:
        print(f"PostgreSQL figures skipped: {err}")


if __name__ == "__main__":
    main()
