"""Speed of parsing ``where`` expressions.

Target from the query-system issue: a 200-character expression parses in
0.2 ms or less. Quantum-graph generation parses one expression per query, but
the butler server parses every request's, so the parser must stay cheap.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _timing import per_call, report

from skybutler.daf_butler.queries.expressions import parse_expression, tokenize

REALISTIC = (
    "instrument = 'HSC' AND visit IN (12..20:2, 903334, :extra) AND detector != 9 "
    "AND exposure.observation_type = 'science' AND physical_filter IN ('HSC-R', 'HSC-I') "
    "AND visit.exposure_time > 30.5 AND NOT skymap = 'old'"
)
SPATIAL = (
    "skymap = 'hsc_rings_v1' AND tract = 9813 AND patch IN (1..80) "
    "AND visit.region OVERLAPS CIRCLE(150.1, 2.2, 0.5)"
)
TEMPORAL = (
    "instrument = 'LSSTCam' AND exposure.timespan OVERLAPS "
    "(T'2024-11-01T00:00:00', T'2024-11-02 12:00/tai')"
)
SIMPLE = "visit = 903334"
LONG_OR = " OR ".join(f"(visit = {v} AND detector = {v % 100})" for v in range(100))


def main() -> None:
    report(
        f"tokenize {len(REALISTIC)}-char expression",
        per_call(lambda: tokenize(REALISTIC), number=2000),
    )
    report(
        f"parse {len(REALISTIC)}-char expression",
        per_call(lambda: parse_expression(REALISTIC), number=2000),
        2e-4,
    )
    report(f"parse {len(SIMPLE)}-char expression", per_call(lambda: parse_expression(SIMPLE)))
    report(
        f"parse {len(SPATIAL)}-char spatial expression",
        per_call(lambda: parse_expression(SPATIAL), number=2000),
    )
    # The first time literal imports astropy; warm it up so the figure is per call.
    parse_expression(TEMPORAL)
    report(
        f"parse {len(TEMPORAL)}-char expression with two time literals",
        per_call(lambda: parse_expression(TEMPORAL), number=200),
    )
    report(
        f"parse {len(LONG_OR)}-char expression of 100 OR terms",
        per_call(lambda: parse_expression(LONG_OR), number=50),
    )
    tree = parse_expression(REALISTIC)
    report("str() of the parsed 200-char expression", per_call(lambda: str(tree), number=2000))


if __name__ == "__main__":
    main()
