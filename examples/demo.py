"""The main job on the embedded default, as far as skybutler goes today.

Today it walks through what exists: `skybutler.resources` (one URI API over
local files and memory; S3, GCS and WebDAV work the same way) and the
registry on the embedded SQLite database (dimension records, runs, chains,
datasets, calibrations). As the datastore and pipeline packages land, this
grows into create repository -> ingest -> run a pipeline -> query.

Run it with ``python3 dev.py demo`` (or ``nox -s demo``). Give a directory as
the first argument to keep the output there; by default a temporary one is
used and removed.
"""

from __future__ import annotations

import sys
import tempfile

from skybutler.resources import ResourcePath, ResourcePathExpression


def demo(workdir: ResourcePathExpression) -> None:
    root = ResourcePath(workdir, forceDirectory=True)
    print(f"Working in {root}")

    raw = root.join("raw/HSC/2024-01-01/")
    for detector in range(3):
        raw.join(f"visit_903334_det{detector:03d}.fits").write(
            b"SIMPLE  =                    T" + bytes(50)
        )
    print(f"Wrote 3 files under {raw}")

    staging = ResourcePath("mem://demo-staging/", forceDirectory=True)
    for dirpath, _, files in raw.walk(r"\.fits$"):
        for name in files:
            staging.join(name).transfer_from(dirpath.join(name), transfer="copy", overwrite=True)
    print(f"Copied them into memory: {sorted(f for _, _, fs in staging.walk() for f in fs)}")

    archive = root.join("archive/")
    sources = [
        uri for uri in ResourcePath.findFileResources([staging]) if isinstance(uri, ResourcePath)
    ]
    moved = [archive.join(uri.basename()) for uri in sources]
    ResourcePath.mtransfer("move", zip(sources, moved, strict=True))
    existence = ResourcePath.mexists(moved)
    print(f"Moved back to disk: {sum(existence.values())} of {len(moved)} exist in {archive}")

    first = moved[0]
    print(f"{first.basename()}: {first.size()} bytes, extension {first.getExtension()!r}")
    print(f"Relative to the work directory: {first.relative_to(root)}")


def registry_demo(workdir: ResourcePathExpression) -> None:
    from astropy.time import Time

    from skybutler.daf_butler import CollectionType, DatasetType, Timespan
    from skybutler.daf_butler.registry import Registry

    db = ResourcePath(workdir, forceDirectory=True).join("gen3.sqlite3")
    registry = Registry.createFromConfig(f"sqlite:///{db.ospath}")
    print(f"\nCreated a registry in {db} (dimension universe v{registry.dimensions.version})")
    registry.insertDimensionData("instrument", {"name": "HSC", "detector_max": 112})
    registry.insertDimensionData(
        "physical_filter", {"instrument": "HSC", "name": "HSC-R", "band": "r"}
    )
    registry.insertDimensionData(
        "detector", *[{"instrument": "HSC", "id": d, "full_name": f"1_{d}"} for d in range(3)]
    )
    registry.insertDimensionData("day_obs", {"instrument": "HSC", "id": 20240101})
    registry.insertDimensionData("group", {"instrument": "HSC", "name": "903334"})
    night = Timespan(
        Time("2024-01-01T10:00:00", scale="tai"), Time("2024-01-01T10:01:00", scale="tai")
    )
    registry.insertDimensionData(
        "exposure",
        {
            "instrument": "HSC",
            "id": 903334,
            "obs_id": "HSCA90333400",
            "physical_filter": "HSC-R",
            "group": "903334",
            "day_obs": 20240101,
            "timespan": night,
        },
    )
    raw = DatasetType(
        "raw", registry.dimensions.conform(["exposure", "detector"]), "StructuredDataDict"
    )
    bias = DatasetType(
        "bias", registry.dimensions.conform(["detector"]), "StructuredDataDict", isCalibration=True
    )
    registry.registerDatasetType(raw)
    registry.registerDatasetType(bias)
    registry.registerRun("HSC/raw/all")
    refs = registry.insertDatasets(
        raw,
        [{"instrument": "HSC", "exposure": 903334, "detector": d} for d in range(3)],
        run="HSC/raw/all",
    )
    print(f"Inserted {len(refs)} raws, e.g. {refs[0]}")
    registry.registerRun("HSC/calib/bias-2024")
    biases = registry.insertDatasets(
        bias, [{"instrument": "HSC", "detector": 1}], run="HSC/calib/bias-2024"
    )
    registry.registerCollection("HSC/calib", CollectionType.CALIBRATION)
    registry.certify("HSC/calib", biases, Timespan(Time("2024-01-01", scale="tai"), None))
    registry.registerCollection("HSC/defaults", CollectionType.CHAINED)
    registry.setCollectionChain("HSC/defaults", ["HSC/raw/all", "HSC/calib"])
    found = registry.findDataset(
        "bias", instrument="HSC", detector=1, exposure=903334, collections="HSC/defaults"
    )
    print(f"The bias valid at exposure 903334, found through HSC/defaults: {found}")
    print(f"Collections: {registry.queryCollections()}")
    registry.close()


def main() -> None:
    if len(sys.argv) > 1:
        demo(sys.argv[1])
        registry_demo(sys.argv[1])
        return
    with tempfile.TemporaryDirectory(prefix="skybutler-demo-") as tmp:
        demo(tmp)
        registry_demo(tmp)


if __name__ == "__main__":
    main()
