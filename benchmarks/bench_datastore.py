"""Benchmarks of the file datastore: put, get and exists of small dicts.

A local file datastore whose records live in an SQLite registry stores
2,000 small dicts (``StructuredDataDict``, YAML files), first one ``put`` per
dataset (each in its own registry transaction), then all in one
``put_many``; then times ``get`` and ``exists`` by ref, warm (records
remembered from the put) and cold (a fresh datastore object that must read
the records table). The datasets are registered beforehand, as the Butler
does before storing. Targets are the issue's Butler-level ones; the
datastore alone must stay well under them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import once, per_call, report, settle_file_system

from skybutler.daf_butler import DatasetRef, DatasetType
from skybutler.daf_butler.datastores import (
    FileDatastore,
    datastore_from_config,
    registry_record_stores,
)
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import open_database

N = 2_000
PUT_RUNS = ("run/a0", "run/a1", "run/a2")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        default=None,
        help="where to make the repository (default: the temporary directory; file creation "
        "cost depends heavily on the file system, try /dev/shm for memory)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print(f"repository in {tmp}")
        db = open_database(f"sqlite:///{tmp}/gen3.sqlite3")
        managers = RegistryManagers.initialize(db)
        universe = managers.dimensions.universe
        metrics = DatasetType(
            "metrics", ["instrument", "detector"], "StructuredDataDict", universe=universe
        )
        managers.dataset_types.register(metrics)
        for run in (*PUT_RUNS, "run/b"):
            managers.collections.register(run)

        def refs(run: str) -> list[DatasetRef]:
            made = [
                DatasetRef(metrics, {"instrument": "Cam", "detector": d}, run) for d in range(N)
            ]
            return managers.datasets.import_(metrics, run, made)

        rounds, batched = [refs(run) for run in PUT_RUNS], refs("run/b")
        stores = registry_record_stores(managers)
        config = {"cls": "file", "root": f"{tmp}/repo"}
        datastore = datastore_from_config(config, stores)
        assert isinstance(datastore, FileDatastore)
        payloads = [{"detector": d, "value": d * 0.5, "ok": True} for d in range(N)]

        def put_round(made: list[DatasetRef]) -> float:
            settle_file_system(tmp)
            start = time.perf_counter()
            for payload, ref in zip(payloads, made, strict=True):
                datastore.put(payload, ref)
            return time.perf_counter() - start

        # Best of three rounds (each into a new run), as bench_butler's put.
        best = min(put_round(made) for made in rounds)
        report(f"put, one call per dataset ({N:,}, best of {len(rounds)})", best / N, 0.5e-3)
        one_by_one = rounds[0]
        pairs = list(zip(payloads, batched, strict=True))
        settle_file_system(tmp)
        report(f"put_many of {N:,} (per dataset)", once(lambda: datastore.put_many(pairs)) / N)

        ref = one_by_one[N // 2]
        assert datastore.get(ref) == payloads[N // 2]
        report("get by ref, warm", per_call(lambda: datastore.get(ref), number=2000), 0.2e-3)
        report("exists, warm", per_call(lambda: datastore.exists(ref), number=2000), 0.1e-3)

        cold = datastore_from_config(config, stores)
        order = iter(one_by_one * 5)
        report(
            "get by ref, cold (records read from SQLite)",
            per_call(lambda: cold.get(next(order)), number=N, repeat=3),
            0.2e-3,
        )
        fresh = [datastore_from_config(config, stores) for _ in range(3)]
        for candidate in fresh:
            seconds = once(lambda c=candidate: [c.exists(r) for r in one_by_one]) / N
        report("exists, cold (records read from SQLite)", seconds, 0.1e-3)
        report(
            "mexists of 2,000, cold (per dataset)",
            once(lambda: datastore_from_config(config, stores).mexists(one_by_one)) / N,
        )
        db.close()


if __name__ == "__main__":
    main()
