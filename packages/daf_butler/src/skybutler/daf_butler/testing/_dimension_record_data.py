"""Sample dimension records for the dimension-record conformance tests.

`default_universe_records` covers every element with a table of the default
universe (version 8), regions and timespans included; `spectrograph_records`
covers the spectrograph universe of the daf_butler test data (elements
``telescope`` ... ``fiber_assignment``), whose common skypix is HEALPix and
whose records hold ``datetime`` and ``uuid`` fields.
"""

from __future__ import annotations

__all__ = [
    "OBSERVED",
    "box",
    "default_universe_records",
    "insert_all",
    "spectrograph_records",
]

import uuid
from collections.abc import Mapping
from typing import Any

from astropy.time import Time

from .._timespan import Timespan
from ..dimensions import DimensionRecord, DimensionUniverse
from ..registry.dimensions import DimensionRecordManager
from ..sphgeom import ConvexPolygon

BEGIN = Time("2013-06-17 13:34:45.775", scale="tai")
END = Time("2013-06-17 13:35:17.947", scale="tai")
OBSERVED = Time("2021-03-04 05:06:07.123456789", scale="tai")


def box(ra: float, dec: float, half: float) -> ConvexPolygon:
    """Return a small square region centred on ``(ra, dec)``, in degrees."""
    return ConvexPolygon.fromDegrees(
        (ra - half, dec - half),
        (ra + half, dec - half),
        (ra + half, dec + half),
        (ra - half, dec + half),
    )


def _make(
    universe: DimensionUniverse, rows: Mapping[str, list[dict[str, Any]]]
) -> dict[str, list[DimensionRecord]]:
    return {
        name: [universe[name].RecordClass(**row) for row in rows[name]]
        for name in universe.sorted(rows)
    }


def default_universe_records(universe: DimensionUniverse) -> dict[str, list[DimensionRecord]]:
    """Return records of every element with a table, in insertion order."""
    hsc = {"instrument": "HSC"}
    visit_region = box(150.0, 2.0, 0.75)
    rows: dict[str, list[dict[str, Any]]] = {
        "instrument": [
            {
                "name": "HSC",
                "visit_max": 21474800,
                "visit_system": 0,
                "exposure_max": 21474800,
                "detector_max": 200,
                "class_name": "lsst.obs.subaru.HyperSuprimeCam",
            },
            {"name": "LSSTCam", "detector_max": 1000},
        ],
        "physical_filter": [
            {**hsc, "name": "HSC-R", "band": "r"},
            {**hsc, "name": "HSC-I", "band": "i"},
        ],
        "subfilter": [{"band": "r", "id": 0}, {"band": "r", "id": 1}],
        "detector": [
            {**hsc, "id": i, "full_name": f"1_{i:02d}", "raft": "1", "purpose": "SCIENCE"}
            for i in range(4)
        ],
        "group": [{**hsc, "name": "g1"}, {**hsc, "name": "g2"}],
        "day_obs": [{**hsc, "id": 20130617, "timespan": Timespan.from_day_obs(20130617)}],
        "visit_system": [{**hsc, "id": 0, "name": "one-to-one"}],
        "exposure": [
            {
                **hsc,
                "id": 903334 + i,
                "physical_filter": "HSC-R" if i == 0 else "HSC-I",
                "group": "g1",
                "day_obs": 20130617,
                "obs_id": f"HSCA{903334 + i:08d}",
                "exposure_time": 30.0,
                "dark_time": 30.5,
                "observation_type": "science",
                "seq_num": 12 + i,
                "tracking_ra": 150.0,
                "tracking_dec": 2.0,
                "has_simulated": False,
                "can_see_sky": True,
                "timespan": Timespan(BEGIN, END) if i == 0 else None,
            }
            for i in range(2)
        ],
        "visit": [
            {
                **hsc,
                "id": 903334,
                "day_obs": 20130617,
                "physical_filter": "HSC-R",
                "name": "v903334",
                "seq_num": 12,
                "exposure_time": 30.0,
                "region": visit_region,
                "timespan": Timespan(BEGIN, END),
            }
        ],
        "visit_definition": [{**hsc, "exposure": 903334, "visit": 903334}],
        "visit_system_membership": [{**hsc, "visit_system": 0, "visit": 903334}],
        "visit_detector_region": [
            {**hsc, "visit": 903334, "detector": 0, "region": box(149.6, 1.6, 0.1)},
            {**hsc, "visit": 903334, "detector": 2, "region": box(150.4, 2.4, 0.1)},
        ],
        "skymap": [
            {
                "name": "hsc_rings_v1",
                "hash": bytes(range(20)),
                "tract_max": 18938,
                "patch_nx_max": 9,
                "patch_ny_max": 9,
            }
        ],
        "tract": [{"skymap": "hsc_rings_v1", "id": 9813, "region": box(150.0, 2.2, 0.9)}],
        "patch": [
            {
                "skymap": "hsc_rings_v1",
                "tract": 9813,
                "id": 40 + i,
                "cell_x": i,
                "cell_y": 0,
                "region": box(149.5 + 0.2 * i, 2.0, 0.1),
            }
            for i in range(3)
        ],
        "ssp_hypothesis_table": [{"name": "h1"}],
        "ssp_hypothesis_bundle": [{"ssp_hypothesis_table": "h1", "id": 1}],
        "ssp_balanced_index": [{"ssp_hypothesis_table": "h1", "id": 2}],
    }
    return _make(universe, rows)


def spectrograph_records(universe: DimensionUniverse) -> dict[str, list[DimensionRecord]]:
    """Return records of the spectrograph test universe, in insertion order."""
    apo = {"telescope": "apo25"}
    rows: dict[str, list[dict[str, Any]]] = {
        "telescope": [{"name": "apo25", "site": "Apache Point"}],
        "spectrograph": [{**apo, "name": "boss1"}],
        "fiber": [
            {**apo, "spectrograph": "boss1", "id": i, "x_mm": 1.5 * i, "y_mm": -2.0}
            for i in range(3)
        ],
        "grating": [{**apo, "name": "g600", "disperser_kind": "transmission"}],
        "night": [{**apo, "id": 20210304, "timespan": Timespan.from_day_obs(20210304)}],
        "plate": [{**apo, "id": 7, "label": "P7", "region": box(30.0, -10.0, 1.5)}],
        "observation": [
            {
                **apo,
                "id": 11,
                "grating": "g600",
                "night": 20210304,
                "plate": 7,
                "exptime": 900.0,
                "airmass": 1.2,
                "observed_at": OBSERVED,
                "timespan": Timespan(OBSERVED, None),
                "checksum": uuid.UUID("12345678-1234-5678-1234-567812345678"),
            }
        ],
        "fiber_assignment": [
            {
                **apo,
                "observation": 11,
                "spectrograph": "boss1",
                "fiber": i,
                "region": box(29.5 + 0.5 * i, -10.0, 0.05),
            }
            for i in range(3)
        ],
    }
    return _make(universe, rows)


def insert_all(
    manager: DimensionRecordManager, records: Mapping[str, list[DimensionRecord]]
) -> None:
    """Insert sample records, element by element, in the order given."""
    for name, element_records in records.items():
        manager.insert(name, element_records)
