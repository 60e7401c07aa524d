"""Benchmarks of ``Butler.export`` and ``Butler.import_`` with the datasets' files.

A repository holds 10,000 small dicts (``StructuredDataDict``, one YAML file
each) of one instrument, 100 detectors and 100 exposures. They are exported
with their dimension records to a directory (files copied), then imported
into a fresh repository (files copied again), on SQLite and on a throwaway
PostgreSQL server when its programs are installed. The issue's target for
export then import of 10,000 datasets with their files is 5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _repo_setup import add_camera, data_ids
from _timing import once, report, settle_file_system

from skybutler.daf_butler import Butler, DatasetType

RUN = "Cam/raw/all"


def fill(butler: Butler, n: int) -> None:
    """Give a repository the records and datasets exported."""
    registry = butler.registry
    add_camera(registry, n)
    registry.registerDatasetType(
        DatasetType(
            "meta",
            ["instrument", "detector", "exposure"],
            "StructuredDataDict",
            universe=butler.dimensions,
        )
    )
    with butler.transaction():
        for i, data_id in enumerate(data_ids(n)):
            butler.put({"i": i}, "meta", data_id, run=RUN)


def run(make_db: Callable[[], str | None], label: str, n: int, tmp: Path, transfer: str) -> None:
    """Print the figures of one backend and transfer mode."""
    tag = f"{label}-{transfer}"

    def make(name: str) -> str:
        root = str(tmp / f"{tag}-{name}")
        db = make_db()
        Butler.makeRepo(root, config={"registry": {"db": db}} if db else None)
        return root

    source = Butler(make("source"), run=RUN)
    fill(source, n)
    refs = list(source.registry.queryDatasets("meta", collections=RUN))
    out = tmp / f"{tag}-export"

    def export() -> None:
        with source.export(directory=str(out), transfer=transfer) as context:
            context.saveDatasets(refs)

    settle_file_system(str(tmp))
    cpu = time.process_time()
    seconds_export = once(export)
    cpu_export = time.process_time() - cpu
    report(f"{label}: export {len(refs):,} datasets with files ({transfer})", seconds_export)
    target = Butler(make("target"), writeable=True)
    settle_file_system(str(tmp))
    cpu = time.process_time()
    seconds_import = once(lambda: target.import_(directory=str(out), transfer=transfer))
    cpu_import = time.process_time() - cpu
    report(f"{label}: import {len(refs):,} datasets with files ({transfer})", seconds_import)
    report(f"{label}: export + import ({transfer})", seconds_export + seconds_import, 5.0)
    # On a shared machine the wall-clock figures include waiting for a CPU.
    report(f"{label}: export + import ({transfer}), CPU time", cpu_export + cpu_import)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="number of datasets")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-butler-export-") as tmp:
        for transfer in ("copy", "symlink"):
            run(lambda: None, "SQLite", args.n, Path(tmp), transfer)

        from _services.postgres import run_postgres
        from _services.s3 import ServiceStartError

        try:
            with run_postgres() as server:
                run(server.create_database, "PostgreSQL", args.n, Path(tmp), "copy")
        except ServiceStartError as err:
            print(f"PostgreSQL figures skipped: {err}")


if __name__ == "__main__":
    main()
