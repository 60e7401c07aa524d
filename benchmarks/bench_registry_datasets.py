"""Benchmarks of dataset storage: bulk insertion, warm lookups, bulk removal.

In a fresh repository, inserts ``N`` datasets of a ``raw``-like dataset type
(instrument, detector, exposure) into one RUN, in batches of 100,000 as a
pipeline or an ingest would write them; then times a warm `find` through a
CHAINED collection (an empty run first, the full one second), and the removal
of 50,000 datasets spread over the whole run. The data IDs need no dimension
records (dataset tables have no foreign keys to dimension tables unless a
repository wires them).

Runs on SQLite, then on a throwaway PostgreSQL server started with the
tests' helper (``tests/_services/postgres.py``) when its programs are
installed. ``N`` is 1,000,000 on SQLite and 200,000 on PostgreSQL by default
(override with ``--n-sqlite`` / ``--n-postgres``); with fewer than 1,000,000
the insertion figure is also extrapolated linearly to a million, and the
removal figure is then from a registry of ``N`` datasets.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _timing import once, per_call, report

from skybutler.daf_butler._collection_type import CollectionType
from skybutler.daf_butler._dataset_ref import DatasetRef
from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import Database, open_database

BATCH = 100_000
N_DETECTORS = 200
N_REMOVED = 50_000
MILLION = 1_000_000


def run(db: Database, label: str, n: int) -> None:
    """Print the figures of one backend."""
    managers = RegistryManagers.initialize(db)
    universe = managers.dimensions.universe
    raw = DatasetType("raw", ["instrument", "detector", "exposure"], "Exposure", universe=universe)
    managers.dataset_types.register(raw)
    managers.collections.register("raw/all")
    managers.collections.register("raw/empty")
    managers.collections.register("raw/chain", CollectionType.CHAINED)
    managers.collections.set_chain("raw/chain", ["raw/empty", "raw/all"])
    datasets = managers.datasets
    refs: list[DatasetRef] = []

    def insert_all() -> None:
        for start in range(0, n, BATCH):
            data_ids = [
                {"instrument": "Cam", "detector": i % N_DETECTORS, "exposure": i // N_DETECTORS}
                for i in range(start, min(n, start + BATCH))
            ]
            refs.extend(datasets.insert(raw, "raw/all", data_ids))

    seconds = once(insert_all)
    target = 30.0 if label == "SQLite" else 60.0
    if n == MILLION:
        report(f"{label}: insert 1,000,000 datasets ({BATCH:,} per call)", seconds, target)
    else:
        report(f"{label}: insert {n:,} datasets ({BATCH:,} per call)", seconds)
        report(f"{label}: insert 1,000,000 datasets (extrapolated)", seconds * MILLION / n, target)

    data_id = {"instrument": "Cam", "detector": 17, "exposure": (n // N_DETECTORS) // 2}
    found = datasets.find(raw, data_id, ["raw/chain"])
    assert found is not None
    assert found.dataId["exposure"] == data_id["exposure"]
    report(
        f"{label}: find warm through a chain",
        per_call(lambda: datasets.find(raw, data_id, ["raw/chain"]), number=2000),
        0.3e-3 if label == "SQLite" else None,
    )

    removed = refs[:: max(1, len(refs) // N_REMOVED)][:N_REMOVED]
    seconds = once(lambda: datasets.remove(removed))
    report(f"{label}: remove {len(removed):,} datasets from {n:,}", seconds, 3.0)
    assert datasets.get_ref(removed[0].id) is None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sqlite", type=int, default=MILLION)
    parser.add_argument("--n-postgres", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-datasets-") as tmp:
        run(open_database(f"sqlite:///{tmp}/gen3.sqlite3"), "SQLite", args.n_sqlite)

    from _services.postgres import run_postgres
    from _services.s3 import ServiceStartError

    try:
        with run_postgres() as server:
            url = server.create_database()
            run(open_database(url), "PostgreSQL", args.n_postgres)
    except ServiceStartError as err:
        print(f"PostgreSQL figures skipped: {err}")


if __name__ == "__main__":
    main()
