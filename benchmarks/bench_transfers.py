"""Benchmarks of export and import in upstream's YAML format, registry side.

A repository with one instrument, 100 detectors, 100 exposures and 10,000
``raw`` datasets (each with a file path and formatter, as a datastore would
give them), half of them tagged and 100 calibrations certified, is exported
to one YAML document, which is then imported into a fresh repository. The
issue's target for the whole transfer, files included, is 5 s; the registry
part should take well under that.

Runs on SQLite, then on a throwaway PostgreSQL server started with the
tests' helper (``tests/_services/postgres.py``) when its programs are
installed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _repo_setup import N_DETECTORS, START, add_camera, data_ids
from _timing import once, report

from skybutler.daf_butler import CollectionType, DatasetRef, DatasetType, Registry, Timespan
from skybutler.daf_butler.transfers import FileDataset, export_yaml, import_yaml


def fill(registry: Registry, n: int) -> list[DatasetRef]:
    """Give a registry the records, collections and datasets exported."""
    universe = registry.dimensions
    add_camera(registry, n)
    raw = DatasetType("raw", ["instrument", "detector", "exposure"], "Exposure", universe=universe)
    bias = DatasetType(
        "bias", ["instrument", "detector"], "ExposureF", universe=universe, isCalibration=True
    )
    registry.registerDatasetType(raw)
    registry.registerDatasetType(bias)
    registry.registerRun("Cam/raw/all")
    registry.registerRun("Cam/calib/run")
    registry.registerCollection("Cam/tagged", CollectionType.TAGGED)
    registry.registerCollection("Cam/calib", CollectionType.CALIBRATION)
    registry.registerCollection("Cam/defaults", CollectionType.CHAINED)
    registry.setCollectionChain("Cam/defaults", ["Cam/raw/all", "Cam/calib"])
    refs = registry.insertDatasets(raw, data_ids(n), run="Cam/raw/all")
    biases = registry.insertDatasets(
        bias,
        [{"instrument": "Cam", "detector": d} for d in range(N_DETECTORS)],
        run="Cam/calib/run",
    )
    registry.associate("Cam/tagged", refs[::2])
    registry.certify("Cam/calib", biases, Timespan(START, None))
    return refs + biases


def files_of(refs: Sequence[DatasetRef]) -> list[FileDataset]:
    """Stand in for a datastore's export: one file per dataset."""
    return [
        FileDataset(f"{r.run}/{r.datasetType.name}/{r.id}.fits", r, "lsst.obs.base.FitsFormatter")
        for r in refs
    ]


def run(make: Callable[[], Registry], label: str, n: int) -> None:
    """Print the figures of one backend."""
    source = make()
    refs = fill(source, n)
    stream = io.StringIO()

    def export() -> None:
        with export_yaml(source, stream, file_exporter=files_of) as context:
            context.saveDatasets(refs)
            for name in ("Cam/tagged", "Cam/calib", "Cam/defaults"):
                context.saveCollection(name)

    cpu = time.process_time()
    seconds_export = once(export)
    cpu_export = time.process_time() - cpu
    text = stream.getvalue()
    report(
        f"{label}: export {len(refs):,} datasets ({len(text) / 1e6:.1f} MB of YAML)", seconds_export
    )
    target = make()
    cpu = time.process_time()
    seconds_import = once(lambda: import_yaml(target, io.StringIO(text)))
    cpu_import = time.process_time() - cpu
    report(f"{label}: import {len(refs):,} datasets", seconds_import)
    report(f"{label}: export + import", seconds_export + seconds_import, 5.0)
    # On a shared machine the wall-clock figures include waiting for a CPU.
    report(f"{label}: export + import, CPU time of this process", cpu_export + cpu_import)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of raw datasets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-transfers-") as tmp:
        counter = iter(range(10))
        run(
            lambda: Registry.createFromConfig(f"sqlite:///{tmp}/r{next(counter)}.sqlite3"),
            "SQLite",
            args.n,
        )

    from _services.postgres import run_postgres
    from _services.s3 import ServiceStartError

    try:
        with run_postgres() as server:
            run(lambda: Registry.createFromConfig(server.create_database()), "PostgreSQL", args.n)
    except ServiceStartError as err:
        print(f"PostgreSQL figures skipped: {err}")


if __name__ == "__main__":
    main()
