"""Set-up shared by the export and transfer benchmarks: one camera's dimension records.

One instrument with ``N_DETECTORS`` detectors, one filter, day, group and
enough exposures (``n // N_DETECTORS``) for ``n`` datasets of dimensions
``instrument``, ``detector`` and ``exposure``; `data_ids` lists those.
"""

from __future__ import annotations

from typing import Any

from astropy.time import Time, TimeDelta

from skybutler.daf_butler import Registry

N_DETECTORS = 100

START = Time("2024-01-01 00:00:00", scale="tai")
"""When the first exposure begins."""


def add_camera(registry: Registry, n: int) -> None:
    """Insert the dimension records ``n`` datasets of one camera need."""
    registry.insertDimensionData("instrument", {"name": "Cam", "detector_max": N_DETECTORS})
    registry.insertDimensionData("physical_filter", {"instrument": "Cam", "name": "r", "band": "r"})
    registry.insertDimensionData("day_obs", {"instrument": "Cam", "id": 20240101})
    registry.insertDimensionData("group", {"instrument": "Cam", "name": "g"})
    registry.insertDimensionData(
        "detector",
        *({"instrument": "Cam", "id": i, "full_name": f"D{i}"} for i in range(N_DETECTORS)),
    )
    registry.insertDimensionData(
        "exposure",
        *(
            {
                "instrument": "Cam",
                "id": e,
                "obs_id": f"E{e}",
                "physical_filter": "r",
                "day_obs": 20240101,
                "group": "g",
                "exposure_time": 30.0,
                "datetime_begin": START + TimeDelta(e, format="sec"),
                "datetime_end": START + TimeDelta(e + 30, format="sec"),
            }
            for e in range(max(1, n // N_DETECTORS))
        ),
    )


def data_ids(n: int) -> list[dict[str, Any]]:
    """Return ``n`` data IDs over the camera's detectors and exposures."""
    return [
        {"instrument": "Cam", "detector": i % N_DETECTORS, "exposure": i // N_DETECTORS}
        for i in range(n)
    ]
