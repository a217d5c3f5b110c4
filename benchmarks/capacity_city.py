"""Capacity planning at city scale: 50,000 candidates, millions of people.

A synthetic 20 km × 20 km city (UTM 50N): a 4 km dense-urban core marked
indoor (CBD towers, malls) with 600,000 people, an urban ring out to 12 km
with 1,500,000, a suburban rest with 400,000; a lake (water) and farmland
fields (permanent basic farmland) as land use; 50,000 candidates (poles,
rooftops, towers, public buildings). Milestones: core and ring first, then
everything. The full pipeline runs: traffic, proposals, coverage, land use,
capacity rows, the solver per milestone; then the coverage-only comparison.

Usage::

    .venv/bin/python benchmarks/capacity_city.py [--candidates 50000] [--spacing 100]
        [--time-limit 120]

Prints each stage's time (the planner's progress messages, time-stamped)
and the counts; writes ``benchmarks/results/capacity_city.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from siteplan import capacity_report as cr
from siteplan.planner import plan

OUT = Path(__file__).resolve().parent / "results" / "capacity_city.json"
KINDS = ["streetlight", "monitoring_pole", "power_pole", "traffic_pole", "rooftop", "tower",
         "public_building"]
SHARES = [0.5, 0.15, 0.1, 0.1, 0.1, 0.03, 0.02]


def city(n: int, side_m: float = 20_000.0, seed: int = 0):
    """Candidates, target areas and land-use zones of the synthetic city."""
    rng = np.random.default_rng(seed)
    x0, y0 = 700_000.0, 2_880_000.0
    c = np.array([x0 + side_m / 2, y0 + side_m / 2])
    core = shapely.box(c[0] - 2000, c[1] - 2000, c[0] + 2000, c[1] + 2000)
    ring = shapely.box(c[0] - 6000, c[1] - 6000, c[0] + 6000, c[1] + 6000).difference(core)
    outer = shapely.box(x0, y0, x0 + side_m, y0 + side_m).difference(
        shapely.box(c[0] - 6000, c[1] - 6000, c[0] + 6000, c[1] + 6000))
    lake = shapely.Point(c[0] + 7500, c[1] + 7000).buffer(1200)
    fields = [shapely.Point(x0 + rng.uniform(1000, side_m - 1000),
                            y0 + rng.uniform(1000, 2500)).buffer(rng.uniform(300, 700))
              for _ in range(8)]
    # candidates: denser in the core and ring, none on the lake
    share_core, share_ring = 0.3, 0.45
    n_core, n_ring = int(n * share_core), int(n * share_ring)
    pts = []
    for region, k in ((core, n_core), (ring, n_ring), (outer, n - n_core - n_ring)):
        minx, miny, maxx, maxy = region.bounds
        got: list[np.ndarray] = []
        while sum(len(g) for g in got) < k:
            xy = np.column_stack([rng.uniform(minx, maxx, 2 * k), rng.uniform(miny, maxy, 2 * k)])
            inside = shapely.contains_xy(region, xy[:, 0], xy[:, 1]) & ~shapely.contains_xy(
                lake, xy[:, 0], xy[:, 1])
            got.append(xy[inside])
        pts.append(np.concatenate(got)[:k])
    xy = np.concatenate(pts)
    cands = gpd.GeoDataFrame({
        "site_id": [f"C{i:06d}" for i in range(n)], "kind": rng.choice(KINDS, n, p=SHARES),
        "on_air": rng.random(n) < 0.002,
    }, geometry=shapely.points(xy[:, 0], xy[:, 1]), crs=32650)
    targets = gpd.GeoDataFrame({
        "area_id": ["core", "ring", "outer"], "name": ["CBD 核心区", "Urban ring", "Suburbs"],
        "area_class": ["key_area", "main_urban", "town_seat"],
        "environment": ["dense_urban", "urban", "suburban"], "milestone": [2025, 2025, 2026],
        "coverage_target": [0.95, 0.95, 0.9], "indoor": [True, False, False],
        "population": [600_000, 1_500_000, 400_000],
    }, geometry=[core, ring, outer], crs=32650)
    zones = gpd.GeoDataFrame({"zone_class": ["water"] + ["basic_farmland"] * len(fields)},
                             geometry=[lake, *fields], crs=32650)
    return cands, targets, zones


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--spacing", type=float, default=100.0)
    parser.add_argument("--time-limit", type=float, default=120.0,
                        help="solver seconds per milestone")
    parser.add_argument("--wall-clock", action="store_true",
                        help="stop each solve at its time limit (deterministic=False) instead "
                             "of at work budgets (whose wall-clock safety stop is 4x the "
                             "limit on a loaded machine)")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()} python {platform.python_version()} "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} load {os.getloadavg()}")
    cands, targets, zones = city(args.candidates)
    t0 = time.perf_counter()
    stages = []

    def say(text: str) -> None:
        stages.append((round(time.perf_counter() - t0, 1), text))
        print(f"[{time.perf_counter() - t0:7.1f} s] {text}", flush=True)

    p = plan(cands, targets, landuse=zones, time_limit_s=args.time_limit, progress=say,
             assumptions={"demand.spacing_m": args.spacing, "coverage.max_pairs": 2e8},
             allow_large=True, deterministic=not args.wall_clock)
    t_plan = time.perf_counter() - t0
    say("coverage-only comparison")
    cov = cr.coverage_only(p, time_limit_s=args.time_limit)
    t_all = time.perf_counter() - t0
    split = cr.milestone_split(p, cov)
    print(split.to_string(index=False))
    for m in p.milestones:
        r = m.result
        print(m.milestone, r.method, f"cost {r.cost:,.0f} bound {r.lower_bound:,.0f} "
              f"gap {r.gap:.3%} {r.time_s:.1f} s optimal {r.optimal}")
    sizing = cr.area_sizing(p, 2026, cov[-1])
    print(sizing.drop(columns=["name"]).to_string(index=False))
    print(f"demand points {len(p.demand):,}, candidates with proposals {len(p.candidates):,}, "
          f"covering pairs {p.coverage.matrix.nnz:,}; plan {t_plan:.1f} s, with the "
          f"coverage-only comparison {t_all:.1f} s")
    print("\n".join(p.notes))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({
        "args": vars(args), "plan_s": t_plan, "total_s": t_all, "stages": stages,
        "demand_points": len(p.demand), "candidates": len(p.candidates),
        "pairs": int(p.coverage.matrix.nnz), "split": split.to_dict(orient="records"),
        "areas": sizing.to_dict(orient="records"),
        "solver": [{"milestone": m.milestone, "cost": m.result.cost,
                    "lower_bound": m.result.lower_bound, "gap": m.result.gap,
                    "time_s": m.result.time_s, "optimal": m.result.optimal}
                   for m in p.milestones],
        "load": os.getloadavg(),
    }, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
