"""Writers killed with SIGKILL at random points leave registry and storage agreeing.

Each round forks a writer (so it starts without re-importing anything) that
puts, ingests, prunes and removes runs in a loop, kills it after a random
delay, then reopens the repository (which recovers what dead writers left)
and checks that every dataset the datastore holds has its file and that
every file under the root belongs to a dataset (or to the trash, until it
is emptied).
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from skybutler.daf_butler import Butler, DatasetRef, FileDataset

MakeRepo = Callable[[str], str]

ROUNDS = 20


def _write_forever(root: str, outside: Path, seed: int, ready: int) -> None:
    """Change the repository in every way a writer can, until killed."""
    rng = random.Random(seed)
    butler = Butler(root, writeable=True)
    raw = butler.get_dataset_type("raw")
    runs: list[str] = []
    os.write(ready, b"r")
    for n in range(1_000_000):
        run = f"w{seed}/{n}"
        butler.registry.registerRun(run)
        runs.append(run)
        with butler.transaction():
            for detector in range(rng.randint(1, 3)):
                butler.put({"n": n}, "meta", instrument="Cam", detector=detector, run=run)
            # More work in the same transaction: files are written, records not committed.
            time.sleep(rng.uniform(0, 0.1))
        source = outside / f"{seed}-{n}.json"
        source.write_text(json.dumps({"n": n}))
        ref = DatasetRef(raw, {"instrument": "Cam", "detector": n % 4}, run)
        butler.ingest(FileDataset(source, ref), transfer=rng.choice(["copy", "move", "link"]))
        if rng.random() < 0.3:
            butler.pruneDatasets([ref], purge=True, unstore=True)
        if len(runs) > 2 and rng.random() < 0.5:
            butler.removeRuns([runs.pop(rng.randrange(len(runs) - 1))])


def _run_and_kill(root: str, outside: Path, seed: int, delay: float) -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the writer
        os.close(read_end)
        try:
            _write_forever(root, outside, seed, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 60)
        assert ready, "the writer did not start"
        time.sleep(delay)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_killed_writers_leave_a_consistent_repository(
    make_sqlite_repo: MakeRepo, tmp_path: Path, consistent: Callable, files: Callable
) -> None:
    root = make_sqlite_repo("repo")
    outside = tmp_path / "outside"
    outside.mkdir()
    with Butler(root, writeable=True) as butler:  # imports everything writers need, once
        butler.registry.registerRun("warm")
        butler.put({"warm": True}, "meta", instrument="Cam", detector=0, run="warm")
        (outside / "warm.json").write_text("{}")
        warm = DatasetRef(
            butler.get_dataset_type("raw"), {"instrument": "Cam", "detector": 0}, "warm"
        )
        butler.ingest(FileDataset(outside / "warm.json", warm), transfer="copy")
        butler.pruneDatasets([warm], purge=True, unstore=True)
    rng = random.Random(7)
    recovered = 0
    for seed in range(ROUNDS):
        _run_and_kill(root, outside, seed, rng.uniform(0.05, 2.0))
        with Butler(root, writeable=True) as butler:
            recovered += butler.datastore.recovered + butler.datastore.recover()
            consistent(butler)
            butler.datastore.emptyTrash()
            assert butler.datastore._store.trashed() == {}
            consistent(butler)
        journals = os.path.join(root, ".skybutler-journal")
        assert not os.path.exists(journals) or not os.listdir(journals)
    print(f"{ROUNDS} writers killed; {recovered} orphan files removed on reopening")
    with Butler(root) as butler:
        assert butler.registry.queryCollections(), "the writers got some work done"
        assert files(root)


def test_recovery_removes_only_unrecorded_files(make_sqlite_repo: MakeRepo) -> None:
    root = make_sqlite_repo("repo")
    butler = Butler(root, writeable=True)
    butler.registry.registerRun("r")
    kept = butler.put({"a": 1}, "meta", instrument="Cam", detector=1, run="r")
    journal = butler.datastore._journal
    # A writer that journalled two files, wrote them (and a temporary), then died.
    orphan = DatasetRef(kept.datasetType, {"instrument": "Cam", "detector": 2}, "r")
    path = butler.datastore._writer.artifact(orphan, None, None).path
    journal.begin([(orphan.id, path), (kept.id, butler.datastore._infos([kept])[kept.id][0].path)])
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    Path(full).write_text("{}")
    Path(os.path.dirname(full), f".{os.path.basename(full)}.0123456789ab.tmp").write_text("x")
    # Still held by this live writer: another opening leaves it alone.
    assert Butler(root, writeable=True).datastore.recover() == 0
    os.close(journal._fd)  # the writer dies: its lock goes
    journal._fd = None
    reopened = Butler(root, writeable=True)
    assert not os.path.exists(full)
    assert not [n for n in os.listdir(os.path.dirname(full)) if n.endswith(".tmp")]
    assert reopened.get(kept) == {"a": 1}


def test_journal_resolves_every_put_and_is_deleted_on_close(
    make_sqlite_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skybutler.daf_butler.datastores.file import _journal

    root = make_sqlite_repo("repo")
    journals = os.path.join(root, ".skybutler-journal")
    # Emptied once past this many bytes with nothing pending; each put adds two lines.
    monkeypatch.setattr(_journal, "_EMPTY_AT", 300)
    sizes = []
    with Butler(root, run="r", writeable=True) as butler:
        butler.registry.registerRun("r0")
        butler.registry.registerRun("r1")
        for i in range(8):  # two runs of the four detectors
            butler.put({"i": i}, "meta", instrument="Cam", detector=i % 4, run=f"r{i // 4}")
            (name,) = os.listdir(journals)
            sizes.append(os.path.getsize(os.path.join(journals, name)))
            assert _journal.pending_paths(root) == set()
    assert max(sizes) < 300 + 2 * min(s for s in sizes if s > 0)
    assert 0 in sizes
    assert sizes != sorted(sizes)  # it grew, was emptied and grew again
    assert os.listdir(journals) == []
