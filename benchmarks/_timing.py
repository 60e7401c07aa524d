"""Small timing helpers shared by the benchmark scripts.

Benchmarks print figures; they never fail on a slow machine. Each line reads
``name: measured (target)`` so a closing note can quote it directly.
"""

from __future__ import annotations

import os
import time
import timeit
from collections.abc import Callable


def per_call(fn: Callable[[], object], *, number: int = 1000, repeat: int = 5) -> float:
    """Return the best-of-``repeat`` time of one call of ``fn``, in seconds."""
    timer = timeit.Timer(fn)
    return min(timer.repeat(repeat=repeat, number=number)) / number


def once(fn: Callable[[], object]) -> float:
    """Return the wall-clock time of a single call of ``fn``, in seconds."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.3f} s"


def report(name: str, seconds: float, target: float | None = None) -> None:
    """Print one figure beside its target, marking whether the target is met."""
    if target is None:
        print(f"{name}: {_fmt(seconds)}")
        return
    verdict = "ok" if seconds <= target else "OVER TARGET"
    print(f"{name}: {_fmt(seconds)} (target <= {_fmt(target)}, {verdict})")


_PROBE_FILES = 200
_QUIET_PER_FILE = 100e-6  # a creation costs 20-40 µs on this project's VM when nothing interferes
_MAX_WAIT = 90.0
_probes = 0


def creation_cost(directory: str) -> float:
    """Return the time one bare file creation takes now in a new subdirectory of ``directory``.

    Printed beside figures that create files, so a reader can tell this code's
    cost from the disk's at that moment.
    """
    global _probes
    probe = os.path.join(directory, f".probe{_probes}")
    _probes += 1
    os.mkdir(probe)
    start = time.perf_counter()
    for i in range(_PROBE_FILES):
        fd = os.open(os.path.join(probe, str(i)), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"{}")
        os.close(fd)
    return (time.perf_counter() - start) / _PROBE_FILES


def settle_file_system(directory: str) -> None:
    """Wait until creating files in ``directory`` costs what it does on a quiet disk.

    Figures that time file creations call this first. On ext4 without a journal
    (the root file system of this project's VM) the kernel does not reuse an
    inode for about 30 s after its file was deleted, and every creation scans
    past the inodes freed in that window. After a test run or an earlier
    benchmark deleted thousands of files, one creation costs up to 1 ms instead
    of 30 µs, for half a minute or more, whatever program then runs. The probe
    files are kept (deleting them would start the same window) and go with
    ``directory``. What was waited for is printed, never hidden.
    """
    os.sync()
    started = time.monotonic()
    first = cost = creation_cost(directory)
    while cost > _QUIET_PER_FILE and time.monotonic() - started < _MAX_WAIT:
        time.sleep(3.0)
        cost = creation_cost(directory)
    waited = time.monotonic() - started
    if first > _QUIET_PER_FILE:
        print(
            f"  (file creation here cost {_fmt(first)} a file, as it does for about 30 s after "
            f"many files are deleted on ext4 without a journal; waited {waited:.0f} s: now "
            f"{_fmt(cost)})"
        )
