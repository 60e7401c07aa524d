"""Benchmark sky regions, pixel envelopes and timespans.

Run with ``.venv/bin/python benchmarks/bench_sphgeom.py`` from the repository root.
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _timing import once, per_call, report

from skybutler.daf_butler._timespan import Timespan, nsec_to_time
from skybutler.daf_butler.sphgeom import (
    Angle,
    Circle,
    ConvexPolygon,
    HealpixPixelization,
    HtmPixelization,
    Region,
    UnitVector3d,
)


def _detector_blobs(count: int) -> list[bytes]:
    """Return sphgeom encodings of square, detector-sized (0.2 deg) polygons."""
    rng = np.random.default_rng(42)
    blobs = []
    for lon, lat in zip(rng.uniform(0, 360, count), rng.uniform(-80, 80, count), strict=True):
        corners = [(lon, lat), (lon + 0.2, lat), (lon + 0.2, lat + 0.2), (lon, lat + 0.2)]
        values: list[float] = []
        for c_lon, c_lat in corners:
            lo, la = math.radians(c_lon), math.radians(c_lat)
            values += [math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)]
        blobs.append(b"\x70" + struct.pack(f"<{len(values)}d", *values))
    return blobs


def main() -> None:
    blobs = _detector_blobs(10_000)
    report(
        "decode 10,000 upstream-encoded polygons",
        once(lambda: [Region.decode(b) for b in blobs]),
        0.2,
    )
    hexes = [b.hex() for b in blobs]
    report(
        "decode 10,000 polygons from export-YAML hex",
        once(lambda: [Region.decodeHex(h) for h in hexes]),
    )

    square = ConvexPolygon.fromDegrees((30, -20), (31.5, -20), (31.5, -18.5), (30, -18.5))
    htm7 = HtmPixelization(7)
    report("first htm7 envelope (builds trixel tables once)", once(lambda: htm7.envelope(square)))
    report(
        "htm7 envelope of a 1.5 deg square polygon",
        per_call(lambda: htm7.envelope(square), number=300, repeat=7),
        100e-6,
    )
    circle = Circle(UnitVector3d.fromDegrees(120, 45), Angle.fromDegrees(0.75))
    report(
        "htm7 envelope of a 1.5 deg diameter circle",
        per_call(lambda: htm7.envelope(circle), number=300),
    )
    report(
        "htm11 envelope of the square",
        per_call(lambda: HtmPixelization(11).envelope(square), number=20),
    )
    healpix = HealpixPixelization(7)
    healpix.envelope(square)
    report("healpix7 envelope of the square", per_call(lambda: healpix.envelope(square), number=50))
    point = UnitVector3d.fromDegrees(30.7, -19.2)
    report("htm7 index of one point", per_call(lambda: htm7.index(point), number=2000))
    far = Region.decode(blobs[0])
    report("polygon overlaps far polygon", per_call(lambda: square.overlaps(far), number=2000))
    near = ConvexPolygon.fromDegrees((31, -19), (32, -19), (32, -18), (31, -18))
    report("polygon overlaps nearby polygon", per_call(lambda: square.overlaps(near), number=2000))
    report("polygon relate nearby polygon", per_call(lambda: square.relate(near), number=2000))

    nsec = (1_600_000_000 * 10**9, 1_600_000_100 * 10**9)
    begin, end = nsec_to_time(nsec[0]), nsec_to_time(nsec[1])
    report(
        "Timespan from nsec pair", per_call(lambda: Timespan(None, None, _nsec=nsec), number=20000)
    )
    report("Timespan from astropy Times", per_call(lambda: Timespan(begin, end), number=200))
    a = Timespan(None, None, _nsec=nsec)
    b = Timespan(None, None, _nsec=(nsec[0] + 50 * 10**9, nsec[1] + 50 * 10**9))
    report("Timespan.overlaps", per_call(lambda: a.overlaps(b), number=20000))
    report("Timespan hash + eq", per_call(lambda: hash(a) == hash(b) and a == b, number=20000))
    report("Timespan.begin (builds an astropy Time)", per_call(lambda: a.begin, number=200))


if __name__ == "__main__":
    main()
