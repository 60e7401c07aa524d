"""A small repository for the query conformance tests: every join path in a few rows.

Contents (default universe):

- instrument ``Cam`` (filters ``g``->band g, ``r``->band r, ``r2``->band r),
  detectors 1-4 (full names ``A1`` ... ``A4``), a second instrument ``Other``
  with one detector;
- day_obs 20240101 and 20240102; exposures 10-15 (obs ids ``e10``...,
  one per hour from midnight TAI on 2024-01-01, 10-12 in ``g``, 13-15 in
  ``r``), each its own visit (same id) with ``visit_definition`` rows;
- regions: visits centred at ra 10, 11, ... 15 deg, dec 0, 0.6 deg wide;
  each visit-detector region a quarter of its visit;
- skymap ``sky`` with tract 0 (ra 8-18, dec -3-3) and patches 0-9 (1-degree
  columns from ra 8 to 18);
- dataset types ``raw`` (exposure, detector), ``calexp`` (visit,
  detector), ``bias`` (detector, calibration), ``summary`` (no dimensions);
- collections: runs ``run/a`` (raw of every exposure and detector, calexp
  of visits 10-12), ``run/b`` (calexp of visits 11-14: overrides ``run/a``
  when searched first), ``calib/runs`` with two biases per detector,
  CALIBRATION ``calib`` certifying the first for 2024-01-01 00:00-02:30 and
  the second from 02:30 on, TAGGED ``tagged`` (raw of exposure 10), CHAINED
  ``chain`` = [``run/b``, ``run/a``].
"""

from __future__ import annotations

__all__ = ["build_query_repo", "vdr_region", "visit_region"]

from typing import TYPE_CHECKING, Any

from astropy.time import Time, TimeDelta

from .._collection_type import CollectionType
from .._dataset_type import DatasetType
from .._timespan import Timespan
from ..sphgeom import ConvexPolygon

if TYPE_CHECKING:
    from ..registry import Registry

START = Time("2024-01-01T00:00:00", scale="tai")
HOUR = TimeDelta(3600, format="sec")


def _square(ra0: float, dec0: float, ra1: float, dec1: float) -> ConvexPolygon:
    return ConvexPolygon.fromDegrees((ra0, dec0), (ra1, dec0), (ra1, dec1), (ra0, dec1))


def visit_region(visit: int) -> ConvexPolygon:
    """Return the region of a visit (0.6 degrees wide, centred at ra ``visit``)."""
    ra = float(visit)
    return _square(ra - 0.3, -0.3, ra + 0.3, 0.3)


def vdr_region(visit: int, detector: int) -> ConvexPolygon:
    """Return the region of one detector of a visit (a quarter of the visit)."""
    ra, dec = float(visit) - 0.3, -0.3
    col, row = (detector - 1) % 2, (detector - 1) // 2
    return _square(ra + 0.3 * col, dec + 0.3 * row, ra + 0.3 * (col + 1), dec + 0.3 * (row + 1))


def build_query_repo(registry: Registry) -> None:
    """Fill an empty registry with the rows described in this module's docstring."""
    insert = registry.insertDimensionData
    insert(
        "instrument",
        {"name": "Cam", "visit_max": 100, "exposure_max": 100, "detector_max": 8},
        {"name": "Other", "visit_max": 100, "exposure_max": 100, "detector_max": 8},
    )
    insert(
        "physical_filter",
        {"instrument": "Cam", "name": "g", "band": "g"},
        {"instrument": "Cam", "name": "r", "band": "r"},
        {"instrument": "Cam", "name": "r2", "band": "r"},
        {"instrument": "Other", "name": "o_r", "band": "r"},
    )
    insert(
        "detector",
        *(
            {"instrument": "Cam", "id": d, "full_name": f"A{d}", "purpose": "SCIENCE"}
            for d in range(1, 5)
        ),
        {"instrument": "Other", "id": 1, "full_name": "B1", "purpose": "SCIENCE"},
    )
    insert(
        "day_obs",
        {"instrument": "Cam", "id": 20240101, "timespan": Timespan.from_day_obs(20240101)},
        {"instrument": "Cam", "id": 20240102, "timespan": Timespan.from_day_obs(20240102)},
    )
    insert("group", *({"instrument": "Cam", "name": f"g{e}"} for e in range(10, 16)))
    exposures: list[dict[str, Any]] = []
    visits: list[dict[str, Any]] = []
    definitions: list[dict[str, Any]] = []
    vdrs: list[dict[str, Any]] = []
    for e in range(10, 16):
        band_filter = "g" if e < 13 else "r"
        span = Timespan(
            START + HOUR * (e - 10), START + HOUR * (e - 10) + TimeDelta(30, format="sec")
        )
        common = {
            "instrument": "Cam",
            "id": e,
            "physical_filter": band_filter,
            "day_obs": 20240101,
            "exposure_time": 30.0,
            "target_name": "field" if e % 2 else "other",
            "timespan": span,
        }
        exposures.append(
            {**common, "obs_id": f"e{e}", "group": f"g{e}", "observation_type": "science"}
        )
        visits.append({**common, "name": f"v{e}", "region": visit_region(e)})
        definitions.append({"instrument": "Cam", "exposure": e, "visit": e})
        vdrs.extend(
            {"instrument": "Cam", "visit": e, "detector": d, "region": vdr_region(e, d)}
            for d in range(1, 5)
        )
    insert("exposure", *exposures)
    insert("visit", *visits)
    insert("visit_definition", *definitions)
    insert("visit_detector_region", *vdrs)
    insert(
        "skymap",
        {"name": "sky", "hash": b"0" * 40, "tract_max": 10, "patch_nx_max": 10, "patch_ny_max": 1},
    )
    insert("tract", {"skymap": "sky", "id": 0, "region": _square(8.0, -3.0, 18.0, 3.0)})
    insert(
        "patch",
        *(
            {
                "skymap": "sky",
                "tract": 0,
                "id": p,
                "cell_x": p,
                "cell_y": 0,
                "region": _square(8.0 + p, -3.0, 9.0 + p, 3.0),
            }
            for p in range(10)
        ),
    )
    universe = registry.dimensions
    raw = DatasetType("raw", ["exposure", "detector"], "StructuredDataDict", universe=universe)
    calexp = DatasetType("calexp", ["visit", "detector"], "StructuredDataDict", universe=universe)
    bias = DatasetType(
        "bias", ["detector"], "StructuredDataDict", universe=universe, isCalibration=True
    )
    summary = DatasetType("summary", [], "StructuredDataDict", universe=universe)
    for dataset_type in (raw, calexp, bias, summary):
        registry.registerDatasetType(dataset_type)
    registry.registerRun("run/a")
    registry.registerRun("run/b")
    registry.registerRun("calib/runs")
    base = {"instrument": "Cam"}
    registry.insertDatasets(
        raw,
        [{**base, "exposure": e, "detector": d} for e in range(10, 16) for d in range(1, 5)],
        run="run/a",
    )
    registry.insertDatasets(
        calexp,
        [{**base, "visit": v, "detector": d} for v in (10, 11, 12) for d in range(1, 5)],
        run="run/a",
    )
    registry.insertDatasets(
        calexp,
        [{**base, "visit": v, "detector": d} for v in (11, 12, 13, 14) for d in range(1, 5)],
        run="run/b",
    )
    registry.insertDatasets(summary, [{}], run="run/a")
    first = registry.insertDatasets(
        bias, [{**base, "detector": d} for d in range(1, 5)], run="calib/runs"
    )
    registry.registerRun("calib/runs2")
    second = registry.insertDatasets(
        bias, [{**base, "detector": d} for d in range(1, 5)], run="calib/runs2"
    )
    registry.registerCollection("calib", CollectionType.CALIBRATION)
    switch = START + HOUR * 2.5
    registry.certify("calib", first, Timespan(START, switch))
    registry.certify("calib", second, Timespan(switch, None))
    registry.registerCollection("tagged", CollectionType.TAGGED)
    tagged = (
        [
            ref
            for ref in registry.queryDatasets(raw, collections="run/a", findFirst=False)
            if ref.dataId["exposure"] == 10
        ]
        if hasattr(registry, "queryDatasets")
        else []
    )
    registry.associate("tagged", tagged)
    registry.registerCollection("chain", CollectionType.CHAINED)
    registry.setCollectionChain("chain", ["run/b", "run/a"])
