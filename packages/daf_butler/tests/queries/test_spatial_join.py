"""The Python spatial join gives exactly the pairs a brute-force overlap test gives."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from skybutler.daf_butler.queries import _spatial
from skybutler.daf_butler.queries._spatial import overlapping_pairs
from skybutler.daf_butler.registry import Registry
from skybutler.daf_butler.sphgeom import (
    Angle,
    Box,
    Circle,
    ConvexPolygon,
    LonLat,
    Region,
    UnitVector3d,
)


def _polygon(rng: random.Random, size: float, corners: int) -> ConvexPolygon:
    ra, dec = rng.uniform(0.0, 3.0), rng.uniform(-1.5, 1.5)
    points = []
    for k in range(corners):
        angle = 2 * math.pi * k / corners + rng.uniform(0, 0.3)
        lon = ra + size * rng.uniform(0.5, 1.0) * math.cos(angle)
        lat = dec + size * rng.uniform(0.5, 1.0) * math.sin(angle)
        points.append(UnitVector3d(LonLat.fromDegrees(lon, lat)))
    polygon = ConvexPolygon.convexHull(points)
    assert polygon is not None
    return polygon


def _regions(rng: random.Random, n: int, size: float, mixed: bool) -> list[Region]:
    regions: list[Region] = []
    for _ in range(n):
        kind = rng.randrange(4) if mixed else 0
        if kind == 1:
            center = UnitVector3d(LonLat.fromDegrees(rng.uniform(0, 3), rng.uniform(-1.5, 1.5)))
            regions.append(Circle(center, Angle.fromDegrees(size * rng.uniform(0.2, 1.0))))
        elif kind == 2:
            ra, dec = rng.uniform(0, 3), rng.uniform(-1.5, 1.5)
            regions.append(Box.fromDegrees(ra, dec, ra + size, dec + size / 2))
        else:
            regions.append(_polygon(rng, size, rng.choice((3, 4, 4, 6))))
    return regions


@pytest.mark.parametrize(
    ("seed", "n1", "n2", "size1", "size2", "mixed"),
    [
        (1, 200, 30, 0.05, 0.4, False),
        (2, 80, 80, 0.2, 0.2, False),
        (3, 60, 25, 0.1, 0.5, True),
        (4, 20, 120, 0.5, 0.02, True),
        (5, 0, 10, 0.1, 0.1, False),
    ],
    ids=["small-vs-patches", "equal-sizes", "circles-and-boxes", "swapped-sides", "one-empty"],
)
def test_pairs_match_brute_force(
    seed: int, n1: int, n2: int, size1: float, size2: float, mixed: bool
) -> None:
    rng = random.Random(seed)
    first, second = _regions(rng, n1, size1, mixed), _regions(rng, n2, size2, mixed)
    expected = {(i, j) for i, a in enumerate(first) for j, b in enumerate(second) if a.overlaps(b)}
    found = overlapping_pairs([r.encode() for r in first], [r.encode() for r in second])
    assert len(found) == len(set(found))
    assert set(found) == expected
    if n1 and n2:
        assert expected, "the case should have overlapping pairs"


def test_touching_and_large_polygons_match_brute_force() -> None:
    squares = [ConvexPolygon.fromDegrees((x, 0), (x + 1, 0), (x + 1, 1), (x, 1)) for x in range(4)]
    large = [ConvexPolygon.fromDegrees((0, -80), (120, -80), (240, -80)), squares[1]]
    expected = {(i, j) for i, a in enumerate(squares) for j, b in enumerate(large) if a.overlaps(b)}
    found = overlapping_pairs([r.encode() for r in squares], [r.encode() for r in large])
    assert set(found) == expected


Sky = tuple[Registry, set[tuple[int, int, int]]]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def sky(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sky]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("spatial") / "gen3.sqlite3"
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    registry = Registry.createFromConfig(url)
    yield _fill(registry)
    registry.close()
    if request.param == "postgresql":
        server.drop_database(url)


def _fill(registry: Registry) -> Sky:
    registry.insertDimensionData(
        "instrument", {"name": "Cam", "visit_max": 10, "exposure_max": 10, "detector_max": 10}
    )
    registry.insertDimensionData("physical_filter", {"instrument": "Cam", "name": "r", "band": "r"})
    registry.insertDimensionData("day_obs", {"instrument": "Cam", "id": 20240101})
    registry.insertDimensionData(
        "detector", *({"instrument": "Cam", "id": d, "full_name": f"D{d}"} for d in range(4))
    )
    registry.insertDimensionData(
        "visit",
        *(
            {
                "instrument": "Cam",
                "id": v,
                "name": f"v{v}",
                "physical_filter": "r",
                "day_obs": 20240101,
            }
            for v in range(5)
        ),
    )
    rng = random.Random(7)
    detector_regions = {(v, d): _polygon(rng, 0.15, 4) for v in range(5) for d in range(4)}
    registry.insertDimensionData(
        "visit_detector_region",
        *(
            {"instrument": "Cam", "visit": v, "detector": d, "region": region}
            for (v, d), region in detector_regions.items()
        ),
    )
    registry.insertDimensionData(
        "skymap",
        {"name": "map", "hash": b"0" * 40, "tract_max": 2, "patch_nx_max": 6, "patch_ny_max": 6},
    )
    registry.insertDimensionData(
        "tract", {"skymap": "map", "id": 0, "region": Box.fromDegrees(-0.5, -2, 3.5, 2)}
    )
    patches = {}
    for y in range(6):
        for x in range(6):
            patches[y * 6 + x] = Box.fromDegrees(
                -0.5 + x * 4 / 6, -2 + y * 4 / 6, -0.5 + (x + 1) * 4 / 6, -2 + (y + 1) * 4 / 6
            )
    registry.insertDimensionData(
        "patch",
        *(
            {"skymap": "map", "tract": 0, "id": p, "cell_x": p % 6, "cell_y": p // 6, "region": r}
            for p, r in patches.items()
        ),
    )
    expected = {
        (v, d, p)
        for (v, d), region in detector_regions.items()
        for p, patch in patches.items()
        if region.overlaps(patch)
    }
    return registry, expected


def test_query_gives_brute_force_pairs(sky: Sky) -> None:
    registry, expected = sky
    rows = registry.queryDataIds(["visit", "detector", "tract", "patch"], instrument="Cam")
    found = {(row["visit"], row["detector"], row["patch"]) for row in rows}
    assert found == expected
    assert registry.queryDataIds(
        ["visit", "detector", "patch"], instrument="Cam", where="visit = 2"
    ).count() == len({t for t in expected if t[0] == 2})


def test_sql_fallback_gives_the_same_pairs(sky: Sky, monkeypatch: pytest.MonkeyPatch) -> None:
    registry, expected = sky
    # Too many records to read on one side: the join stays in SQL, tested after the query.
    monkeypatch.setattr(_spatial, "MAX_RECORDS", 0)
    rows = registry.queryDataIds(["visit", "detector", "tract", "patch"], instrument="Cam")
    assert {(row["visit"], row["detector"], row["patch"]) for row in rows} == expected


def test_no_overlap_gives_no_rows(sky: Sky) -> None:
    registry, _ = sky
    rows = registry.queryDataIds(["visit", "detector", "patch"], instrument="Cam", visit=99)
    assert list(rows) == []
