"""Speed of Config lookups, storage class loading and table conversions.

Targets are our own: a datastore looks configuration and storage classes up
for every dataset, so a lookup must cost microseconds.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import numpy as np
from _timing import per_call, report

from skybutler.daf_butler._config import Config
from skybutler.daf_butler._storage_class_factory import (
    StorageClassConfig,
    StorageClassFactory,
)


def bench_config() -> None:
    config = Config(
        {"datastore": {"formatters": {f"type{i}": {"formatter": "json"} for i in range(200)}}}
    )
    report(
        "Config['datastore.formatters.type150.formatter']",
        per_call(lambda: config["datastore.formatters.type150.formatter"], number=50000),
        2e-6,
    )
    report(
        "Config[('datastore', 'formatters', 'type150')]",
        per_call(lambda: config["datastore", "formatters", "type150"], number=50000),
        2e-6,
    )
    report(
        "'datastore.formatters.missing' in Config",
        per_call(lambda: "datastore.formatters.missing" in config, number=50000),
        2e-6,
    )
    report(
        "StorageClassConfig() (read shipped YAML)",
        per_call(StorageClassConfig, number=20, repeat=3),
        20e-3,
    )


def bench_factory() -> None:
    code = (
        "import time; t = time.perf_counter();"
        "from skybutler.daf_butler._storage_class_factory import StorageClassFactory;"
        "StorageClassFactory().getStorageClass('NumpyArray');"
        "print(time.perf_counter() - t)"
    )
    start = time.perf_counter()
    inner = float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    report("cold import + load default storage classes (in a fresh process)", inner, 0.3)
    report("  whole subprocess, interpreter start included", time.perf_counter() - start)
    factory = StorageClassFactory()
    factory.getStorageClass("int")
    report(
        "getStorageClass('ArrowAstropy')",
        per_call(lambda: factory.getStorageClass("ArrowAstropy"), number=50000),
        1e-6,
    )
    numpy_sc = factory.getStorageClass("NumpyArray")
    array = np.zeros(3)
    report(
        "coerce_type when already the right type",
        per_call(lambda: numpy_sc.coerce_type(array), number=50000),
        2e-6,
    )


def bench_conversion() -> None:
    factory = StorageClassFactory()
    rows = 100_000
    table = np.zeros(rows, dtype=[("id", "i8"), ("ra", "f8"), ("dec", "f8"), ("flux", "f4")])
    table["id"] = np.arange(rows)
    astropy_sc = factory.getStorageClass("ArrowAstropy")
    report(
        f"numpy -> astropy Table ({rows} rows)",
        per_call(lambda: astropy_sc.coerce_type(table), number=5, repeat=3),
        50e-3,
    )
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        print("pyarrow not installed: arrow conversions skipped")
        return
    arrow_sc = factory.getStorageClass("ArrowTable")
    astropy_table = astropy_sc.coerce_type(table)
    report(
        f"astropy Table -> pyarrow Table ({rows} rows)",
        per_call(lambda: arrow_sc.coerce_type(astropy_table), number=5, repeat=3),
        50e-3,
    )
    arrow_table = arrow_sc.coerce_type(astropy_table)
    report(
        f"pyarrow Table -> astropy Table ({rows} rows)",
        per_call(lambda: astropy_sc.coerce_type(arrow_table), number=5, repeat=3),
        50e-3,
    )


def main() -> None:
    bench_config()
    bench_factory()
    bench_conversion()


if __name__ == "__main__":
    main()
