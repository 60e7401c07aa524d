"""The many-writers test: processes writing to one repository at once.

Each worker process (started with ``spawn``, as a batch system would start
fresh interpreters) reopens the repository, waits for the others at a
barrier, then makes many small write transactions and, every few of them,
registers a collection and prepends it to one shared chain, in one retried
transaction. The test then checks that every row and every prepended
collection is there, in an order consistent with each worker's own
sequence, and that no worker saw an error.
"""

from __future__ import annotations

__all__ = ["ConcurrencyTests", "concurrency_worker"]

import multiprocessing
import queue as queue_module
import time
import traceback
from typing import Any, ClassVar

import sqlalchemy as sa

from .._collection_type import CollectionType
from ..registry import RegistryManagers
from ..registry.databases import Database, FieldSpec, TableSpec
from ._registry_base import RegistryFixtures

WORK_SPEC = TableSpec(
    fields=(
        FieldSpec("worker", "int", primary_key=True),
        FieldSpec("seq", "int", primary_key=True),
        FieldSpec("payload", "string", length=64, nullable=False),
    )
)
_CHAIN = "shared/chain"


def concurrency_worker(
    db: Database,
    index: int,
    iterations: int,
    prepend_every: int,
    barrier: Any,
    results: Any,
) -> None:
    """Write ``iterations`` rows and prepend collections; report to ``results``."""
    try:
        managers = RegistryManagers.open(db)
        table = db.ensure_tables({"concurrency_work": WORK_SPEC})["concurrency_work"]
        collections = managers.collections
        barrier.wait(120)
        start = time.monotonic()
        prepended: list[str] = []
        for seq in range(iterations):
            db.insert(table, [{"worker": index, "seq": seq, "payload": f"{index}:{seq}"}])
            if seq % prepend_every == 0:
                name = f"worker{index}/tag{seq}"

                def step(name: str = name) -> None:
                    collections.register(name, CollectionType.TAGGED)
                    collections.prepend(_CHAIN, name)

                db.run(step, write=True)
                prepended.append(name)
        results.put((index, None, prepended, db.conflicts_retried, time.monotonic() - start))
    except BaseException as err:  # report everything: the parent asserts there was nothing
        text = "".join(traceback.format_exception(err))
        results.put((index, f"{type(err).__name__}: {err}\n{text}", [], 0, 0.0))


class ConcurrencyTests(RegistryFixtures):
    """Many processes writing to one repository at once."""

    concurrency_processes: ClassVar[int] = 12
    """Worker processes started."""
    concurrency_iterations: ClassVar[int] = 100
    """Write transactions per worker."""
    concurrency_prepend_every: ClassVar[int] = 5
    """A collection is registered and prepended every this many transactions."""

    def test_many_writers(self, managers: RegistryManagers) -> None:
        db = managers.db
        table = db.ensure_tables({"concurrency_work": WORK_SPEC})["concurrency_work"]
        managers.collections.register(_CHAIN, CollectionType.CHAINED)
        n = self.concurrency_processes
        iterations = self.concurrency_iterations
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(n)
        results = context.Queue()
        processes = [
            context.Process(
                target=concurrency_worker,
                args=(db, i, iterations, self.concurrency_prepend_every, barrier, results),
                daemon=True,
            )
            for i in range(n)
        ]
        started = time.monotonic()
        for process in processes:
            process.start()
        reports: list[tuple[int, str | None, list[str], int, float]] = []
        try:
            reports.extend(results.get(timeout=240) for _ in range(n))
        except queue_module.Empty:
            raise AssertionError(f"only {len(reports)} of {n} workers reported") from None
        finally:
            for process in processes:
                process.join(timeout=30)
                if process.is_alive():
                    process.kill()
        elapsed = time.monotonic() - started
        errors = [error for _, error, *_ in reports if error]
        assert not errors, errors[0]

        rows = db.fetch_all(sa.select(table.c.worker, table.c.seq))
        assert sorted((row.worker, row.seq) for row in rows) == [
            (w, s) for w in range(n) for s in range(iterations)
        ]
        chain = managers.collections.get_chain(_CHAIN)
        all_prepended = [name for _, _, names, *_ in reports for name in names]
        assert sorted(chain) == sorted(all_prepended)
        for _, _, names, *_ in reports:
            # A worker's later prepends sit before its earlier ones.
            positions = [chain.index(name) for name in names]
            assert positions == sorted(positions, reverse=True)
        retried = sum(report[3] for report in reports)
        print(
            f"\n{type(db).__name__}: {n} processes x {iterations} transactions "
            f"(+{len(all_prepended)} chain prepends) in {elapsed:.2f} s, "
            f"(slowest worker busy {max(report[4] for report in reports):.2f} s after the "
            f"start barrier), {retried} conflicts retried"
        )
