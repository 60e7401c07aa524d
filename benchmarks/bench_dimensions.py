"""Benchmarks of the dimension system: data IDs, groups, records and dataset IDs."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import per_call, report

from skybutler.daf_butler._dataset_ref import DatasetRef
from skybutler.daf_butler._dataset_type import DatasetType
from skybutler.daf_butler._uuid import (
    DatasetIdFactory,
    DatasetIdGenEnum,
    generate_uuidv7,
)
from skybutler.daf_butler.dimensions import (
    DataCoordinate,
    DimensionGroup,
    DimensionUniverse,
)


def main() -> None:
    universe = DimensionUniverse()
    names = ("instrument", "visit", "detector")
    group = universe.conform(names)
    mapping = {"instrument": "HSC", "visit": 903334, "detector": 16}

    report(
        "DataCoordinate.standardize, 3 keys as kwargs",
        per_call(
            lambda: DataCoordinate.standardize(
                instrument="HSC", visit=903334, detector=16, universe=universe
            ),
            number=20000,
        ),
        3e-6,
    )
    report(
        "DataCoordinate.standardize, 3-key dict + dimensions",
        per_call(lambda: DataCoordinate.standardize(mapping, dimensions=group), number=20000),
        3e-6,
    )
    data_id = DataCoordinate.standardize(mapping, universe=universe)
    report(
        "DataCoordinate.standardize, existing data ID",
        per_call(lambda: DataCoordinate.standardize(data_id), number=20000),
    )
    report(
        "DimensionGroup(universe, names), cached",
        per_call(lambda: DimensionGroup(universe, names), number=50000),
        1e-6,
    )
    report(
        "universe.conform(names), cached",
        per_call(lambda: universe.conform(names), number=50000),
        1e-6,
    )
    report("hash(DataCoordinate)", per_call(lambda: hash(data_id), number=50000))
    copy = DataCoordinate.standardize(mapping, universe=universe)
    report("DataCoordinate ==", per_call(lambda: data_id == copy, number=50000))

    detector_class = universe["detector"].RecordClass
    report(
        "detector record construction (6 fields)",
        per_call(
            lambda: detector_class(
                instrument="HSC", id=16, full_name="1_16", raft="1", purpose="SCIENCE"
            ),
            number=20000,
        ),
    )
    exposure_class = universe["exposure"].RecordClass
    exposure_values = {
        "instrument": "HSC",
        "id": 903334,
        "physical_filter": "HSC-R",
        "group": "g",
        "day_obs": 20130617,
        "obs_id": "HSCA90333400",
        "exposure_time": 30.0,
        "dark_time": 30.5,
        "observation_type": "science",
        "seq_num": 12,
        "target_name": "STRIPE82L",
        "tracking_ra": 320.1,
        "tracking_dec": 0.1,
        "has_simulated": False,
        "can_see_sky": True,
    }
    report(
        "exposure record construction (23 fields)",
        per_call(lambda: exposure_class(**exposure_values), number=10000),
    )

    dataset_type = DatasetType("raw", names, "StructuredDataDict", universe=universe)
    factory = DatasetIdFactory()
    report(
        "dataset ID, uuid5 DATAID_TYPE_RUN",
        per_call(
            lambda: factory.makeDatasetId(
                "HSC/raw/all", dataset_type, data_id, DatasetIdGenEnum.DATAID_TYPE_RUN
            ),
            number=20000,
        ),
    )
    report("dataset ID, UUIDv7 UNIQUE", per_call(generate_uuidv7, number=20000))
    report(
        "DatasetRef construction (data ID conformed, UUIDv7)",
        per_call(lambda: DatasetRef(dataset_type, data_id, "HSC/raw/all"), number=20000),
    )


if __name__ == "__main__":
    main()
