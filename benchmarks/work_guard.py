"""The work estimate before heavy work (issue 17): how fast a province-sized
target is refused, how close the estimate is to the real counts, and what the
estimate costs next to the work it predicts.

Usage::  .venv/bin/python benchmarks/work_guard.py

Prints, for the sample county at several spacings, the estimated and the real
demand points and candidate-demand pairs with the seconds each took, then the
time to refuse a 300 km x 300 km target at 100 m spacing (9 M points; the
round-1 code made 22 M points of such a target and passed 12 GB before it was
killed).
"""

from __future__ import annotations

import os
import time

import geopandas as gpd
from shapely.geometry import box

from siteplan.coverage import coverage_matrix
from siteplan.datasets import load_sample
from siteplan.defaults import Assumptions
from siteplan.demand import demand_points
from siteplan.errors import WorkTooLargeError
from siteplan.problem import build_problem, estimate_work


def main() -> None:
    print(f"# {time.strftime('%Y-%m-%d %H:%M')} load {os.getloadavg()[0]:.1f}")
    cands, targets, _ = load_sample()
    utm = targets.estimate_utm_crs()
    cands_m, targets_m = cands.to_crs(utm), targets.to_crs(utm)
    print("| coverage | spacing | est. points | points | est. pairs | pairs | estimate s | real s |")
    print("|---|---|---|---|---|---|---|---|")
    for mode, spacing in (("radius", 400.0), ("radius", 200.0), ("radius", 100.0),
                          ("link_budget", 100.0)):
        a = Assumptions({"demand.spacing_m": spacing, "coverage.mode": mode})
        t0 = time.perf_counter()
        est = estimate_work(cands_m, targets_m, a)
        t1 = time.perf_counter()
        demand = demand_points(targets_m, spacing_m=spacing)
        cov = coverage_matrix(demand, cands_m, a)
        t2 = time.perf_counter()
        print(f"| {mode} | {spacing:g} m | {est.demand_points:,} | {len(demand):,} | "
              f"{est.candidate_pairs:,} | {cov.matrix.nnz:,} | {t1 - t0:.3f} | {t2 - t1:.2f} |")
    c = targets_m.geometry.iloc[0].centroid
    big = gpd.GeoDataFrame(targets.iloc[:1].drop(columns="geometry"),
                           geometry=[box(c.x - 150e3, c.y - 150e3, c.x + 150e3, c.y + 150e3)],
                           crs=utm)
    t0 = time.perf_counter()
    try:
        build_problem(cands, big, assumptions={"demand.spacing_m": 100.0})
        print("NOT refused")
    except WorkTooLargeError as exc:
        print(f"\n300 km x 300 km at 100 m refused in {time.perf_counter() - t0:.2f} s: {exc}")


if __name__ == "__main__":
    main()
