"""Export files in upstream's format, written by hand from the format's description."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from astropy.time import Time

from skybutler.daf_butler import CollectionType, Registry, Timespan
from skybutler.daf_butler.sphgeom import Circle, ConvexPolygon
from skybutler.daf_butler.transfers import (
    ExportLoader,
    collection_associations,
    collection_datasets,
    import_yaml,
)

RegistryFactory = Callable[[], Registry]


def tai(text: str) -> Time:
    return Time(text, scale="tai")


def test_version_1_0_2_imports(make_registry: RegistryFactory, data_dir: Path) -> None:
    registry = make_registry()
    files = import_yaml(registry, data_dir / "hsc-subset-1.0.2.yaml")
    dims = registry._managers.dimensions
    # Records, with every tag: times, regions of two kinds, a binary hash.
    (skymap,) = dims.fetch("skymap")
    assert skymap.hash == bytes.fromhex("6f0fd8a673df998636f634593d4f4a7e10159642")
    tracts = dims.fetch("tract")
    assert [type(t.region) for t in tracts] == [ConvexPolygon, Circle]
    (exposure,) = dims.fetch("exposure")
    assert exposure.timespan == Timespan(
        tai("2013-06-17 13:34:45.775"), tai("2013-06-17 13:35:17.947")
    )
    assert exposure.group == "903334"
    assert exposure.can_see_sky is True
    assert len(dims.fetch("visit_detector_region")) == 2
    # Collections with their documentation, run hosts and times, chains.
    assert registry.getCollectionType("HSC/calib") is CollectionType.CALIBRATION
    assert registry.getCollectionDocumentation("HSC/calib") == (
        "Curated and certified calibrations for HSC."
    )
    run = registry._managers.collections.get_run("HSC/raw/all")
    assert run.host == "lsst-devl01.ncsa.illinois.edu"
    assert run.timespan == Timespan(
        tai("2021-03-04 05:06:07.123456789"), tai("2021-03-04 06:00:00")
    )
    assert registry.getCollectionChain("HSC/RC2/defaults") == (
        "HSC/runs/RC2/w_2021_10",
        "HSC/defaults",
    )
    # Datasets keep their IDs; a file may hold several datasets.
    raws = collection_datasets(registry, "HSC/raw/all")
    assert {str(r.id) for r in raws} == {
        "3f452f1d-b8a5-5202-8190-4e723004a6ba",
        "5d32ede2-f2ca-5d3b-b900-bba4a00c3bf9",
        "5d32ede2-f2ca-5d3b-b900-bba4a00c3bfa",
    }
    multi = next(f for f in files if len(f.refs) == 2)
    assert multi.path.endswith("raw_HSC_HSC-R_HSCA90333400_multi.fits")
    assert multi.formatter == "lsst.obs.subaru.rawFormatter.HyperSuprimeCamRawFormatter"
    assert [r.dataId["detector"] for r in multi.refs] == [11, 12]
    # Associations: tags and validity ranges.
    tagged = collection_datasets(registry, "HSC/tagged/best")
    assert {r.datasetType.name for r in tagged} == {"calexp", "raw"}
    ranges = {
        str(a.ref.id)[-2:]: a.timespan for a in collection_associations(registry, "HSC/calib")
    }
    assert ranges == {
        "10": Timespan(None, tai("2014-01-01")),
        "11": Timespan(None, tai("2014-01-01")),
        "12": Timespan(tai("2014-01-01"), None),
    }
    found = registry.findDataset(
        "bias",
        instrument="HSC",
        detector=10,
        collections="HSC/defaults",
        timespan=Timespan(tai("2015-01-01"), tai("2015-01-02")),
    )
    assert found is not None
    assert found.id == uuid.UUID("e4cf5a71-0a0d-5d9c-9a6f-7d7c0a4d7e12")


def test_legacy_version_0_imports(sqlite_registry: RegistryFactory, data_dir: Path) -> None:
    registry = sqlite_registry()
    with pytest.warns(UserWarning, match=r"universe version 0.*dropped visit fields \['seeing'\]"):
        files = import_yaml(registry, data_dir / "legacy-version-0.yaml")
    assert sorted(registry.queryCollections()) == ["imported_g", "imported_r", "tagged"]
    # Integer IDs got new UUIDs, the same for the dataset and its tag.
    ids = {f.path: f.refs[0].id for f in files}
    assert len(set(ids.values())) == 3
    tagged = {r.id for r in collection_datasets(registry, "tagged")}
    assert tagged == {
        ids["imported_g/flat/flat_Cam1_1.fits"],
        ids["imported_g/flat/flat_Cam1_2.fits"],
    }
    assert {f.formatter for f in files} == {None}
    dims = registry._managers.dimensions
    (exposure,) = dims.fetch("exposure")
    assert (exposure.obs_id, exposure.group, exposure.day_obs) == ("three", "group3", 20210909)
    assert [r.name for r in dims.fetch("group")] == ["group3"]
    assert [r.id for r in dims.fetch("day_obs")] == [20210909]
    (visit,) = dims.fetch("visit")
    assert visit.day_obs == 20210909
    (membership,) = dims.fetch("visit_system_membership")
    assert (membership.visit, membership.visit_system) == (3, 0)


def test_data_files_load_with_plain_safe_yaml_tags_only(data_dir: Path) -> None:
    """Our loader reads the files; PyYAML's own safe loader does not know the tags."""
    text = (data_dir / "hsc-subset-1.0.2.yaml").read_text()
    assert yaml.load(text, Loader=ExportLoader)["version"] == "1.0.2"
    with pytest.raises(yaml.constructor.ConstructorError, match="could not determine"):
        yaml.safe_load(text)
