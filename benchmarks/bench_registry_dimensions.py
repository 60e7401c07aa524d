"""Benchmarks of dimension-record storage: registering exposures, expanding data IDs.

Registers 10,000 exposures with their dimension records (instrument, physical
filters, 189 detectors, day_obs, one group per exposure) in a fresh
repository, then expands data IDs and defines visits with regions (overlap
rows included). Runs on SQLite, then on a throwaway PostgreSQL server started
with the tests' helper (``tests/_services/postgres.py``) when its programs
are installed; otherwise the PostgreSQL figures are skipped with the reason.
Timespans are built from integer nanoseconds, as an ingest reading many
headers would after converting times in bulk.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from _timing import once, report

from skybutler.daf_butler._timespan import NSEC_PER_SEC, Timespan
from skybutler.daf_butler.dimensions import DimensionRecord, DimensionUniverse
from skybutler.daf_butler.registry import RegistryManagers
from skybutler.daf_butler.registry.databases import Database, open_database
from skybutler.daf_butler.registry.dimensions import DimensionRecordManager
from skybutler.daf_butler.sphgeom import ConvexPolygon

N_EXPOSURES = 10_000
N_VISITS = 2_000
N_DETECTORS = 189
N_NIGHTS = 20
FILTERS = {"u": "u_24", "g": "g_6", "r": "r_57", "i": "i_39", "z": "z_20", "y": "y_10"}
START = 1_704_067_200 * NSEC_PER_SEC  # 2024-01-01 TAI, in ns since 1970


def _day_obs(night: int) -> int:
    return 20240101 + night


def exposure_records(universe: DimensionUniverse) -> dict[str, list[DimensionRecord]]:
    """Return the records of one instrument and its exposures, in insertion order."""
    inst = {"instrument": "LSSTCam"}
    rows: dict[str, list[dict[str, Any]]] = {
        "instrument": [
            {"name": "LSSTCam", "detector_max": 1000, "class_name": "lsst.obs.lsst.LsstCam"}
        ],
        "physical_filter": [{**inst, "name": f, "band": b} for b, f in FILTERS.items()],
        "detector": [
            {**inst, "id": d, "full_name": f"R{d // 9:02d}_S{d % 9:02d}", "purpose": "SCIENCE"}
            for d in range(N_DETECTORS)
        ],
        "day_obs": [
            {
                **inst,
                "id": _day_obs(n),
                "timespan": Timespan.from_day_obs(_day_obs(n), offset=-12 * 3600),
            }
            for n in range(N_NIGHTS)
        ],
        "group": [{**inst, "name": f"grp{e:06d}"} for e in range(N_EXPOSURES)],
        "exposure": [],
    }
    per_night = N_EXPOSURES // N_NIGHTS
    filters = list(FILTERS.values())
    for e in range(N_EXPOSURES):
        night, seq = divmod(e, per_night)
        begin = START + night * 86_400 * NSEC_PER_SEC + seq * 40 * NSEC_PER_SEC
        rows["exposure"].append(
            {
                **inst,
                "id": 2024010100000 + e,
                "physical_filter": filters[e % len(filters)],
                "group": f"grp{e:06d}",
                "day_obs": _day_obs(night),
                "obs_id": f"MC_O_{_day_obs(night)}_{seq:06d}",
                "exposure_time": 30.0,
                "dark_time": 30.2,
                "observation_type": "science",
                "observation_reason": "survey",
                "seq_num": seq,
                "seq_start": seq,
                "seq_end": seq,
                "target_name": "field",
                "science_program": "BLOCK-1",
                "tracking_ra": (e * 0.7) % 360.0,
                "tracking_dec": -30.0 + (e % 50),
                "sky_angle": 0.0,
                "azimuth": 180.0,
                "zenith_angle": 30.0,
                "has_simulated": False,
                "can_see_sky": True,
                "timespan": Timespan(None, None, _nsec=(begin, begin + 30 * NSEC_PER_SEC)),
            }
        )
    return {
        name: [universe[name].RecordClass(**row) for row in element_rows]
        for name, element_rows in rows.items()
    }


def visit_records(universe: DimensionUniverse) -> list[DimensionRecord]:
    """Return visits (one per exposure of the first nights) with 3.5-degree regions."""
    exposures = exposure_records(universe)["exposure"][:N_VISITS]
    visits = []
    for exposure in exposures:
        ra, dec = exposure.tracking_ra, exposure.tracking_dec  # type: ignore[attr-defined]
        h = 1.75
        visits.append(
            universe["visit"].RecordClass(
                instrument="LSSTCam",
                id=exposure.id,  # type: ignore[attr-defined]
                physical_filter=exposure.physical_filter,  # type: ignore[attr-defined]
                day_obs=exposure.day_obs,  # type: ignore[attr-defined]
                name=exposure.obs_id,  # type: ignore[attr-defined]
                region=ConvexPolygon.fromDegrees(
                    (ra - h, dec - h), (ra + h, dec - h), (ra + h, dec + h), (ra - h, dec + h)
                ),
                timespan=exposure.timespan,  # type: ignore[attr-defined]
            )
        )
    return visits


def run(label: str, make_db: Callable[[], Database]) -> None:
    """Print the figures of one backend."""
    universe = DimensionUniverse()
    manager: DimensionRecordManager = RegistryManagers.initialize(make_db()).dimensions
    records: dict[str, list[DimensionRecord]] = {}
    build = once(lambda: records.update(exposure_records(universe)))

    def register() -> None:
        for name, element_records in records.items():
            manager.insert(name, element_records)

    insert = once(register)
    report(f"[{label}] build records for {N_EXPOSURES:,} exposures", build)
    report(f"[{label}] register {N_EXPOSURES:,} exposures with their records", insert, 2.0)
    report(f"[{label}] build + register, end to end", build + insert)
    ids = [{"instrument": "LSSTCam", "exposure": r.id} for r in records["exposure"]]  # type: ignore[attr-defined]
    report(
        f"[{label}] expand_data_ids, {N_EXPOSURES:,} exposure data IDs",
        once(lambda: manager.expand_data_ids(ids)),
    )
    per_one = once(lambda: [manager.expand_data_id(i) for i in ids[:500]]) / 500
    report(f"[{label}] expand_data_id, one exposure data ID (warm caches)", per_one)
    visits = visit_records(universe)
    report(
        f"[{label}] insert {N_VISITS:,} visits with 3.5-degree regions (overlap rows too)",
        once(lambda: manager.insert("visit", visits)),
    )
    again = [universe["visit"].RecordClass(**{**v.toDict(), "exposure_time": 1.0}) for v in visits]
    report(
        f"[{label}] replace those {N_VISITS:,} visits (overlaps deleted and rewritten)",
        once(lambda: manager.insert("visit", again, replace=True)),
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", lambda: open_database(f"sqlite:///{tmp}/gen3.sqlite3"))
    try:
        from _services.postgres import run_postgres
        from _services.s3 import ServiceStartError
    except ImportError as err:
        print(f"[postgresql] skipped: cannot import the test server helper ({err})")
        return
    try:
        with run_postgres() as server:
            url = server.create_database()
            run("postgresql", lambda: open_database(url))
    except ServiceStartError as err:
        print(f"[postgresql] skipped: {err}")


if __name__ == "__main__":
    main()
