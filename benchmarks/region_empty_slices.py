"""Issue 29: a region whose land-use layer covers one tile of four, planned
whole and tile by tile.

The synthetic region of issue 20 (:mod:`siteplan.datasets.bigregion`:
main city, county seats, towns, villages, four milestones, land-use zones)
at ``--side`` km, cut in four quadrants (a unit layer), its land-use zones
kept only where they touch the first quadrant (so three units get an empty
slice of the zone layer, the case that failed), planned (1) whole as
``benchmarks/region_quality.py`` does (the problem the units solve, whole:
``build_problem(capacity=True)`` with its own proposals, one metric CRS,
``--whole-limit`` s a milestone) and (2) with
:func:`siteplan.region.plan_region` (loop executor: the Dask tasks' code, no
cluster; ``--unit-limit`` s a milestone). Prints per milestone both costs
(sites chosen, as the region summary's TOTAL rows count them) and their
ratio for each border mode of the stitch (``--modes``: ``target``, the
default, keeps the units' border coverage up to each area's target share;
``all`` keeps all of it, the default before; ``none`` whole-area targets
only; the same unit plans, stitched again), and what became of each unit;
JSON with ``--json``.

Run: ``python benchmarks/region_empty_slices.py --side 49 --spacing 300 --unit-limit 10
--whole-limit 60`` (issue 29's case; ``--side 20 --spacing 400`` takes seconds)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from siteplan.datasets.bigregion import region_toml, write_region
from siteplan.planner import plan
from siteplan.problem import build_problem
from siteplan.region import load_region_config, plan_region
from siteplan.region.partition import read_inputs


def _quadrants(folder: Path) -> int:
    """Write ``units.gpkg`` (four quadrants of the targets' bounds) and keep
    only the land-use zones touching the first; returns how many are kept."""
    targets = gpd.read_file(folder / "targets.gpkg")
    metric = targets.estimate_utm_crs()
    x0, y0, x1, y1 = targets.to_crs(metric).total_bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    cells = [box(x0, y0, xm, ym), box(xm, y0, x1, ym), box(x0, ym, xm, y1), box(xm, ym, x1, y1)]
    gpd.GeoDataFrame({"code": ["Q1", "Q2", "Q3", "Q4"], "name": ["SW", "SE", "NW", "NE"]},
                     geometry=cells, crs=metric).to_file(folder / "units.gpkg", engine="pyogrio")
    zones = gpd.read_file(folder / "landuse.gpkg")
    kept = zones[zones.to_crs(metric).intersects(cells[0])]
    kept.to_file(folder / "landuse.gpkg", engine="pyogrio")
    return len(kept)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--side", type=float, default=30.0, help="region side in km")
    ap.add_argument("--spacing", type=float, default=150.0, help="demand spacing in m")
    ap.add_argument("--unit-limit", type=float, default=10.0, help="unit solver s/milestone")
    ap.add_argument("--whole-limit", type=float, default=30.0, help="whole solver s/milestone")
    ap.add_argument("--modes", default="target,all,none",
                    help="border modes to stitch with (keep_border_coverage), comma-separated")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="region-empty-"))
    inputs = root / "in"
    write_region(inputs, args.side, spacing_m=args.spacing, time_limit_s=args.unit_limit)
    zones = _quadrants(inputs)
    text = region_toml(args.side, spacing_m=args.spacing, time_limit_s=args.unit_limit)
    (inputs / "units.toml").write_text(text + '\n[region]\nunits = "units.gpkg"\n',
                                       encoding="utf-8")
    cfg = load_region_config(inputs / "units.toml")
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    cands, targets, landuse = read_inputs(cfg.plan)[:3]
    problem = build_problem(cands, targets, landuse=landuse, assumptions=cfg.plan.assumptions,
                            capacity=True, metric_crs=targets.estimate_utm_crs())
    whole = plan(problem, method=cfg.plan.method, time_limit_s=args.whole_limit,
                 seed=cfg.plan.seed)
    whole_s = time.perf_counter() - t0
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    runs, region_s = {}, {}
    for mode in modes:  # the unit plans are cached after the first: only the stitch is new
        t1 = time.perf_counter()
        runs[mode] = plan_region(cfg, root / f"out-{mode}", executor="loop",
                                 work_dir=root / "work", offline=True,
                                 keep_border_coverage=mode)
        region_s[mode] = round(time.perf_counter() - t1, 1)
    region = runs[modes[0]]
    rows = []
    for m in whole.milestones:
        w = float(whole.sites(m.milestone)["cost_cny"].sum())
        wa = whole.area_coverage(m.milestone)
        row = {"year": m.milestone, "whole_cny": w, "whole_gap": round(m.result.gap, 4),
               "whole_sites": len(whole.sites(m.milestone)), "areas": len(wa),
               "whole_areas_met": int(wa["target_met"].sum()),
               "whole_covered_w": round(float((wa["covered_share"] * wa["demand_weight"]).sum()),
                                        1)}
        for name, res in runs.items():
            total = res.summary[res.summary["unit_code"] == "TOTAL"].set_index("year")
            r = float(total.loc[m.milestone, "cost_cny"])
            areas = res.stitch["areas"]
            a = areas[areas["year"] == m.milestone]
            row.update({f"{name}_cny": r, f"{name}_ratio": round(r / w, 4) if w else None,
                        f"{name}_sites": int(total.loc[m.milestone, "sites"]),
                        f"{name}_areas_met": int(a["target_met"].sum()),
                        f"{name}_covered_w": round(float(a["covered_w"].sum()), 1)})
        rows.append(row)
    out = {"side_km": args.side, "spacing_m": args.spacing, "unit_limit_s": args.unit_limit,
           "whole_limit_s": args.whole_limit, "zones_kept": zones, "units": len(region.units),
           "planned": sorted(region.planned), "failures": region.failures,
           "status": {c: r.get("status") for c, r in sorted(region.unit_results.items())},
           "demand_points_whole": len(whole.demand), "whole_s": round(whole_s, 1),
           "region_s": region_s, "milestones": rows,
           "load_before": load_before, "load_after": os.getloadavg()}
    print(json.dumps(out, indent=1))
    print("year  " + "  ".join(f"{m:>14}" for m in modes) + "   (stitched / whole cost, areas met)")
    for row in rows:
        print(f"{row['year']}  " + "  ".join(
            f"{row[f'{m}_ratio'] - 1:+8.2%} {row[f'{m}_areas_met']:>3}/{row['areas']:<3}"
            for m in modes))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
