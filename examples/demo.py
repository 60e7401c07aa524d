"""The main job on the embedded default (SQLite registry + local files).

It creates a repository, describes an instrument and a night of
observations (dimension records with sky regions and times), stores real
astropy objects (a source catalogue as a table and a masked image as a
composite written one file per component), reads them back (whole, one
component, some columns, converted to pandas), and finds data the way
astronomers ask for it: by band, by time, by sky position, through a chain
of collections, and a calibration by the time of an exposure. It ends by
asking a query that finds nothing and printing why.

Run it with ``python3 dev.py demo`` (or ``nox -s demo``). Give a directory as
the first argument to keep the repository there; by default a temporary one
is used and removed.
"""

from __future__ import annotations

import sys
import tempfile

import numpy as np
from astropy.table import Table
from astropy.time import Time, TimeDelta

from skybutler.daf_butler import Butler, CollectionType, DatasetType, Timespan
from skybutler.daf_butler.errors import EmptyQueryResultError
from skybutler.daf_butler.sphgeom import ConvexPolygon
from skybutler.daf_butler.types import MaskedImage

NIGHT = Time("2024-01-01T00:00:00", scale="tai")


def _square(ra: float, dec: float, half: float) -> ConvexPolygon:
    return ConvexPolygon.fromDegrees(
        (ra - half, dec - half),
        (ra + half, dec - half),
        (ra + half, dec + half),
        (ra - half, dec + half),
    )


def describe_observations(butler: Butler) -> None:
    """Insert an instrument, its filters and detectors, and four exposures/visits."""
    insert = butler.registry.insertDimensionData
    insert(
        "instrument", {"name": "DemoCam", "detector_max": 4, "visit_max": 100, "exposure_max": 100}
    )
    insert(
        "physical_filter",
        {"instrument": "DemoCam", "name": "DemoCam-g", "band": "g"},
        {"instrument": "DemoCam", "name": "DemoCam-r", "band": "r"},
    )
    insert("detector", *({"instrument": "DemoCam", "id": d, "full_name": f"S{d}"} for d in (1, 2)))
    insert(
        "day_obs",
        {"instrument": "DemoCam", "id": 20240101, "timespan": Timespan.from_day_obs(20240101)},
    )
    for number in range(1, 5):
        start = NIGHT + TimeDelta(3600 * number, format="sec")
        common = {
            "instrument": "DemoCam",
            "id": number,
            "physical_filter": "DemoCam-g" if number <= 2 else "DemoCam-r",
            "day_obs": 20240101,
            "timespan": Timespan(start, start + TimeDelta(30, format="sec")),
        }
        insert("group", {"instrument": "DemoCam", "name": f"group{number}"})
        insert("exposure", {**common, "obs_id": f"DC_{number:04d}", "group": f"group{number}"})
        insert(
            "visit",
            {**common, "name": f"visit{number}", "region": _square(150.0 + number, 2.0, 0.4)},
        )
        insert("visit_definition", {"instrument": "DemoCam", "exposure": number, "visit": number})
        insert(
            "visit_detector_region",
            *(
                {
                    "instrument": "DemoCam",
                    "visit": number,
                    "detector": d,
                    "region": _square(149.8 + number + 0.4 * (d - 1), 2.0, 0.2),
                }
                for d in (1, 2)
            ),
        )
    print("Described DemoCam: 2 filters, 2 detectors, 4 exposures and visits with regions")


def store_products(butler: Butler) -> None:
    """Register dataset types and store catalogues, images and a calibration."""
    universe = butler.dimensions
    register = butler.registry.registerDatasetType
    register(DatasetType("src", ["visit", "detector"], "ArrowAstropy", universe=universe))
    register(DatasetType("calexp", ["visit", "detector"], "MaskedImage", universe=universe))
    register(DatasetType("bias", ["detector"], "NumpyArray", universe=universe, isCalibration=True))
    rng = np.random.default_rng(1)
    for visit in range(1, 5):
        for detector in (1, 2):
            catalogue = Table(
                {
                    "ra": 150.0 + visit + rng.uniform(-0.2, 0.2, 5),
                    "dec": 2.0 + rng.uniform(-0.2, 0.2, 5),
                    "flux": rng.lognormal(3, 1, 5),
                }
            )
            butler.put(catalogue, "src", instrument="DemoCam", visit=visit, detector=detector)
            image = rng.normal(100, 5, (16, 16)).astype(np.float32)
            masked = MaskedImage(image, np.zeros((16, 16), np.int32), image / 10, {"VISIT": visit})
            butler.put(masked, "calexp", instrument="DemoCam", visit=visit, detector=detector)
    print(f"Stored 8 source catalogues and 8 masked images in run {butler.run!r}")

    calib_run = "DemoCam/calib/run"
    butler.collections.register(calib_run)
    biases = [
        butler.put(
            np.full((16, 16), float(d)), "bias", instrument="DemoCam", detector=d, run=calib_run
        )
        for d in (1, 2)
    ]
    butler.collections.register("DemoCam/calib", CollectionType.CALIBRATION)
    butler.registry.certify("DemoCam/calib", biases, Timespan(NIGHT, None))
    butler.collections.register("DemoCam/defaults", CollectionType.CHAINED)
    butler.collections.redefine_chain("DemoCam/defaults", [str(butler.run), "DemoCam/calib"])
    print("Certified two biases from the start of the night; chain DemoCam/defaults made")


def read_and_query(root: str) -> None:
    """Read data back and query it, as an analyst would."""
    butler = Butler(root, collections="DemoCam/defaults")
    table = butler.get("src", instrument="DemoCam", visit=3, detector="S2")
    print(f"src of visit 3, detector S2: {len(table)} rows, columns {table.colnames}")
    fluxes = butler.get(
        "src", instrument="DemoCam", visit=3, detector=2, parameters={"columns": ["flux"]}
    )
    print(f"  only the flux column: {fluxes.colnames}")
    frame = butler.get("src", instrument="DemoCam", visit=3, detector=2, storageClass="DataFrame")
    print(f"  as a pandas DataFrame: {type(frame).__name__} of shape {frame.shape}")
    variance = butler.get("calexp.variance", instrument="DemoCam", visit=1, detector=1)
    print(f"calexp.variance, read as a component on its own: mean {variance.mean():.2f}")

    r_band = butler.query_data_ids(["visit"], where="band = 'r'", instrument="DemoCam")
    print(f"Visits in band r: {[d['visit'] for d in r_band]}")
    late = butler.query_datasets(
        "src", where="visit.timespan.begin > T'2024-01-01T02:30:00/tai'", instrument="DemoCam"
    )
    print(f"Catalogues observed after 02:30 TAI: {len(late)}")
    here = butler.query_data_ids(
        ["visit", "detector"], where="visit_detector_region.region OVERLAPS POINT(152.1, 2.0)"
    )
    print(f"Detectors covering (152.1, +2.0): {[(d['visit'], d['detector']) for d in here]}")
    (bias,) = butler.query_datasets(
        "bias", where="exposure = 2 AND detector = 1", instrument="DemoCam"
    )
    print(f"Bias valid for exposure 2, detector 1: run {bias.run!r}")
    records = butler.query_dimension_records("exposure", order_by="-exposure.id", limit=2)
    print(f"Last two exposures: {[r.obs_id for r in records]}")
    try:
        butler.query_data_ids(["visit"], where="band = 'r' AND visit = 1", instrument="DemoCam")
    except EmptyQueryResultError as err:
        print(f"An empty query explains itself: {err.reasons[0]}")
    butler.close()


def demo(root: str) -> None:
    """Run the whole walk-through in a new repository at ``root``."""
    Butler.makeRepo(root)
    print(f"Created a repository at {root} (SQLite registry, file datastore)")
    with Butler(root, run="DemoCam/runs/demo") as butler:
        describe_observations(butler)
        store_products(butler)
    read_and_query(root)


def main(argv: list[str]) -> None:
    """Run the demo in the given directory, or a temporary one."""
    if len(argv) > 1:
        demo(argv[1])
        return
    with tempfile.TemporaryDirectory() as workdir:
        demo(f"{workdir}/repo")


if __name__ == "__main__":
    main(sys.argv)
