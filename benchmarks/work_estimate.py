"""The work estimate against tall masts (issue 25): refused before the heavy work.

Issue 25: 8,000 masts of 300 m over a 44 km square at 20 m demand spacing
passed the work estimate (pairs were counted within the radius table's
reach, not the mast's) and then used more than 10 GB. The estimate now
counts pairs within the coverage query's own reach
(:func:`siteplan.coverage.reach_m`, sized from the tallest mast of each site
class), so ``build_problem`` refuses the run with a ``WorkTooLargeError``
before any demand point is made.

Printed side by side in one run (the machine is shared): for mast heights
20, 40 and 300 m, the estimate's demand points, candidate-demand pairs,
memory and the seconds it took; the reach per environment at that height;
and for 300 m the seconds ``build_problem`` takes to refuse (run only after
the estimate itself refused, so a wrong estimate never starts a 20 GB run).

Run: ``python benchmarks/work_estimate.py`` (from the repository root;
prints JSON). Add ``--masts`` / ``--side-km`` / ``--spacing`` to resize.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import geopandas as gpd
import numpy as np
from shapely.geometry import box

from siteplan.coverage import reach_m
from siteplan.defaults import Assumptions
from siteplan.errors import WorkTooLargeError
from siteplan.problem import build_problem, check_work, estimate_work


def _case(masts: int, side_m: float, height_m: float) -> tuple[gpd.GeoDataFrame,
                                                               gpd.GeoDataFrame]:
    rng = np.random.default_rng(3)
    x0, y0 = 500_000.0, 2_900_000.0  # UTM 49N, ~26°N
    xy = rng.uniform(0, side_m, (masts, 2)) + (x0, y0)
    cands = gpd.GeoDataFrame({"site_id": [f"m{i}" for i in range(masts)], "kind": "tower",
                              "height_m": height_m},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=32649)
    targets = gpd.GeoDataFrame({"area_id": ["all"], "name": ["square"], "area_class": ["village"],
                                "environment": ["rural"], "milestone": [2025],
                                "coverage_target": [0.95]},
                               geometry=[box(x0, y0, x0 + side_m, y0 + side_m)], crs=32649)
    return cands, targets


def main() -> None:
    """Print the estimates and the refusal time as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--masts", type=int, default=8000)
    parser.add_argument("--side-km", type=float, default=44.0)
    parser.add_argument("--spacing", type=float, default=20.0)
    args = parser.parse_args()
    a = Assumptions({"demand.spacing_m": args.spacing})
    rows = []
    for height in (20.0, 40.0, 300.0):
        cands, targets = _case(args.masts, args.side_km * 1000, height)
        start = time.perf_counter()
        est = estimate_work(cands, targets, a)
        seconds = time.perf_counter() - start
        try:
            check_work(est, a, allow_large=False)
            refused = False
        except WorkTooLargeError:
            refused = True
        row = {"height_m": height, "demand_points": est.demand_points,
               "pairs": est.candidate_pairs, "memory_gib": round(est.memory_bytes / 2**30, 2),
               "estimate_s": round(seconds, 3), "refused": refused,
               "reach_m": {env: round(reach_m(["tower"], [height], env, a))
                           for env in ("dense_urban", "urban", "suburban", "rural")}}
        if refused:
            start = time.perf_counter()
            try:
                build_problem(cands, targets, assumptions=a)
                row["build_problem"] = "ran (not refused)"
            except WorkTooLargeError:
                row["build_problem_refused_after_s"] = round(time.perf_counter() - start, 3)
        rows.append(row)
    print(json.dumps({"masts": args.masts, "side_km": args.side_km, "spacing_m": args.spacing,
                      "load_average": os.getloadavg(), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
