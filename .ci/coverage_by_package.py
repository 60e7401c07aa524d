"""Print branch coverage per package from coverage.py's JSON report.

Usage: ``python .ci/coverage_by_package.py .coverage.json [--fail-under N]``.
A package with no measured code is listed as such. With ``--fail-under`` the
script exits 1 when a package with code is below the threshold.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def main(argv: list[str]) -> int:
    path = argv[0]
    threshold = float(argv[argv.index("--fail-under") + 1]) if "--fail-under" in argv else None
    with open(path) as stream:
        report = json.load(stream)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for filename, data in report["files"].items():
        parts = filename.split("/")
        if "packages" not in parts:
            continue
        package = parts[parts.index("packages") + 1]
        summary = data["summary"]
        totals[package][0] += summary["covered_lines"] + summary.get("covered_branches", 0)
        totals[package][1] += summary["num_statements"] + summary.get("num_branches", 0)
    failed = False
    print("coverage by package (lines + branches):")
    for package in sorted(totals):
        covered, total = totals[package]
        share = 100.0 * covered / total if total else 100.0
        low = threshold is not None and share < threshold
        failed |= low
        print(f"  {package:20s} {share:5.1f} %{'  BELOW ' + str(threshold) if low else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
