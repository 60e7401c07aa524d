"""Processes registering dataset types and inserting datasets into one repository at once."""

from __future__ import annotations

__all__ = ["DatasetConcurrencyTests", "dataset_worker"]

import multiprocessing
import queue as queue_module
import traceback
from typing import Any, ClassVar

import sqlalchemy as sa

from .._dataset_type import DatasetType
from ..registry import RegistryManagers
from ..registry.databases import Database
from ._dataset_fixtures import DatasetFixtures


def dataset_worker(db: Database, index: int, batches: int, barrier: Any, results: Any) -> None:
    """Register types (one shared, one of its own) and insert ``batches`` batches of datasets."""
    try:
        managers = RegistryManagers.open(db)
        universe = managers.dimensions.universe
        dims = ["instrument", "detector", "visit"]
        barrier.wait(120)
        shared = DatasetType("shared", dims, "int", universe=universe)
        own = DatasetType(f"own{index}", dims, "int", universe=universe)
        managers.dataset_types.register(shared)
        managers.dataset_types.register(own)
        count = 0
        for batch in range(batches):
            data_ids = [
                {"instrument": "Cam", "detector": index, "visit": batch * 100 + k}
                for k in range(100)
            ]
            count += len(managers.datasets.insert(shared, "shared/run", data_ids))
            count += len(managers.datasets.insert(own, "shared/run", data_ids[:10]))
        results.put((index, None, count))
    except BaseException as err:  # report everything: the parent asserts there was nothing
        text = "".join(traceback.format_exception(err))
        results.put((index, f"{type(err).__name__}: {err}\n{text}", 0))


class DatasetConcurrencyTests(DatasetFixtures):
    """Several processes registering the same and new dataset types and inserting at once."""

    dataset_processes: ClassVar[int] = 4
    dataset_batches: ClassVar[int] = 5

    def test_concurrent_registration_and_insertion(self, managers: RegistryManagers) -> None:
        managers.collections.register("shared/run")
        n, batches = self.dataset_processes, self.dataset_batches
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(n)
        results = context.Queue()
        processes = [
            context.Process(
                target=dataset_worker, args=(managers.db, i, batches, barrier, results), daemon=True
            )
            for i in range(n)
        ]
        for process in processes:
            process.start()
        reports: list[tuple[int, str | None, int]] = []
        try:
            reports.extend(results.get(timeout=240) for _ in range(n))
        except queue_module.Empty:
            raise AssertionError(f"only {len(reports)} of {n} workers reported") from None
        finally:
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.kill()
        errors = [error for _, error, _ in reports if error]
        assert not errors, errors[0]
        assert sum(count for *_, count in reports) == n * batches * 110
        types = managers.dataset_types
        names = [t.name for t in types.query(...)]
        assert names == sorted(["shared", *(f"own{i}" for i in range(n))])
        # One dimension group, hence one tag table, for all of them.
        assert len({types.record(name).dimensions_key for name in names}) == 1
        table = managers.datasets.table
        counts: dict[int, int] = dict(
            managers.db.fetch_all(
                sa.select(table.c.dataset_type_id, sa.func.count()).group_by(
                    table.c.dataset_type_id
                )
            )
        )
        assert counts[types.record("shared").key] == n * batches * 100
        assert all(counts[types.record(f"own{i}").key] == batches * 10 for i in range(n))
