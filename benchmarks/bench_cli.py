"""Start-up speed of the ``butler`` command (issue 8 targets beside each figure).

Upstream's ``butler`` takes about 1.5 s to start. Each figure is the best of
several runs of the installed console script in a subprocess. Two set-ups:
"cached bytecode" is a normal installation (pip and ``uv sync
--compile-bytecode`` compile ``.pyc`` files; here they go to a temporary
``PYTHONPYCACHEPREFIX`` so the shared environment is left alone), and
"as installed" is this machine's default ``PYTHONDONTWRITEBYTECODE=1`` with
the bytecode ``dev.py`` compiled into the environment and the workspace
sources (without it, every start would compile every module it imports:
about 0.8 s for ``query-collections``).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import report

BUTLER = Path(sys.executable).with_name("butler")
RUNS = 7


def best_times(args: list[str], env: dict[str, str], runs: int = RUNS) -> tuple[float, float]:
    """Return the best wall-clock and CPU (user + system) times of running ``args``.

    One warm-up run comes first. The CPU time is the steadier figure on a
    machine shared with other work.
    """
    subprocess.run(args, env=env, capture_output=True, check=True)
    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def report_both(name: str, args: list[str], env: dict[str, str], target: float | None) -> None:
    wall, cpu = best_times(args, env)
    report(f"{name}, wall", wall, target)
    report(f"{name}, cpu", cpu, target)


def make_repo(root: Path) -> str:
    from skybutler.daf_butler import CollectionType, DatasetType
    from skybutler.daf_butler.script import create_repo, open_registry

    repo = str(root / "repo")
    create_repo(repo)
    registry = open_registry(repo, writeable=True)
    try:
        notes = DatasetType("notes", [], "StructuredDataDict", universe=registry.dimensions)
        registry.registerDatasetType(notes)
        for i in range(20):
            registry.registerRun(f"run{i:02d}")
            registry.insertDatasets(notes, [{}], run=f"run{i:02d}")
        registry.registerCollection("chain", CollectionType.CHAINED)
        registry.setCollectionChain("chain", [f"run{i:02d}" for i in range(10)])
    finally:
        registry.close()
    return repo


def main() -> None:
    if not BUTLER.exists():
        print(f"{BUTLER} is not installed; run uv sync first.")
        return
    with tempfile.TemporaryDirectory() as tmp:
        repo = make_repo(Path(tmp))
        cached = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        cached.pop("PYTHONDONTWRITEBYTECODE", None)
        uncached = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        for label, env in (("cached bytecode", cached), ("as installed", uncached)):
            report_both(f"python -c pass ({label})", [sys.executable, "-c", "pass"], env, None)
            report_both(f"butler --help ({label})", [str(BUTLER), "--help"], env, 0.15)
            report_both(
                f"butler query-collections REPO, 21 collections ({label})",
                [str(BUTLER), "query-collections", repo],
                env,
                0.3,
            )
            report_both(
                f"butler query-datasets REPO notes, 20 datasets ({label})",
                [str(BUTLER), "query-datasets", repo, "notes"],
                env,
                None,
            )


if __name__ == "__main__":
    main()
