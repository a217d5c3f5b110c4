"""Stitching quality: the stitched regional plan against the whole-region plan.

On a synthetic province small enough to plan whole in one process, plan it
(1) whole with :func:`siteplan.planner.plan` and (2) unit by unit with the
border stitch (:func:`siteplan.region.plan_region`, loop executor: same
code as the Dask tasks, no cluster), both with capacity rows and new-build
proposals on (as ``siteplan plan``), then compare per milestone the total
site cost, which target areas reach their coverage target and which carry
their busy-hour traffic (capacity), over whole areas.

Run: ``python benchmarks/region_quality.py --columns 3 --rows 2 --spacing 200 \
--unit-limit 30 --whole-limit 120 --both``
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from siteplan.datasets.province import write_province
from siteplan.planner import plan
from siteplan.problem import build_problem
from siteplan.region.config import load_region_config
from siteplan.region.outputs import capacity_pieces
from siteplan.region.partition import read_inputs
from siteplan.region.run import plan_region
from siteplan.region.tasks import PLAN_FILE


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--columns", type=int, default=3)
    ap.add_argument("--rows", type=int, default=2)
    ap.add_argument("--spacing", type=float, default=200.0)
    ap.add_argument("--unit-limit", type=float, default=5.0)
    ap.add_argument("--whole-limit", type=float, default=30.0)
    ap.add_argument("--no-keep-border", action="store_true",
                    help="stitch with whole-area targets only (--modes none)")
    ap.add_argument("--both", action="store_true",
                    help="stitch with the default and whole-area targets only (--modes "
                         "target,none) on one whole plan")
    ap.add_argument("--modes", default=None,
                    help="border modes of the stitch (keep_border_coverage: target, all, "
                         "none), comma-separated, on one whole plan (default: target)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="region-quality-"))
    write_province(root / "in", args.columns, args.rows, spacing_m=args.spacing,
                   time_limit_s=args.unit_limit)
    cfg = load_region_config(root / "in" / "region.toml")
    cands, targets, landuse = read_inputs(cfg.plan)[:3]
    t0 = time.perf_counter()
    # the problem the units solve, whole: listed candidates and the proposals the
    # whole region needs, coverage and capacity rows, one metric CRS
    problem = build_problem(cands, targets, landuse=landuse, assumptions=cfg.plan.assumptions,
                            capacity=True, metric_crs=targets.estimate_utm_crs())
    whole = plan(problem, method=cfg.plan.method, time_limit_s=args.whole_limit,
                 seed=cfg.plan.seed)
    whole_s = time.perf_counter() - t0
    variants = []
    modes = (args.modes.split(",") if args.modes else ["target", "none"] if args.both
             else ["none"] if args.no_keep_border else ["target"])
    for keep in modes:
        t1 = time.perf_counter()
        region = plan_region(cfg, root / "out", executor="loop", offline=True, tiles=None,
                             work_dir=root / "work", keep_border_coverage=keep)
        variants.append(compare(whole, region, keep, time.perf_counter() - t1))
    out = {"columns": args.columns, "rows": args.rows, "spacing_m": args.spacing,
           "unit_limit_s": args.unit_limit, "whole_limit_s": args.whole_limit,
           "demand_points_whole": len(whole.demand), "whole_s": round(whole_s, 1),
           "variants": variants, "load_after": os.getloadavg()}
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))


def compare(whole, region, keep: str, region_s: float) -> dict:
    """Per milestone: cost and areas met, whole-region plan against stitched."""
    unit_bounds: dict[int, list[float]] = {}
    for res in region.unit_results.values():
        if not res.get("planned"):
            continue
        state = json.loads(Path(res["strip_file"]).with_name(PLAN_FILE).read_text())
        for m in state["milestones"]:  # the unit's own plan, as data (no pickle)
            unit_bounds.setdefault(int(m["milestone"]), [0.0, 0.0])
            unit_bounds[int(m["milestone"])][0] += float(m["result"]["cost"])
            unit_bounds[int(m["milestone"])][1] += float(m["result"]["lower_bound"])
    rows = []
    areas = region.stitch["areas"]
    for m in whole.milestones:
        year = m.milestone
        w_cost = float(whole.sites(year)["cost_cny"].sum())
        total = region.summary[(region.summary["unit_code"] == "TOTAL")
                               & (region.summary["year"] == year)].iloc[0]
        r_cost = float(total["cost_cny"])
        wa = whole.area_coverage(year).set_index("area_id")
        w_met = wa["target_met"]
        w_reach = wa["covered_share"] >= np.minimum(wa["coverage_target"],
                                                    wa["coverable_share"]) - 1e-9
        ra = areas[areas["year"] == year].set_index("area_id").reindex(wa.index)
        r_met = ra["target_met"].fillna(False).astype(bool)
        # capacity over whole areas: served against required busy-hour Mbps
        w_cap = wa["capacity_met"].astype(bool)
        rp = capacity_pieces(region, year).groupby("area_id")[
            ["required_mbps", "served_mbps"]].sum().reindex(wa.index)
        r_cap = (rp["served_mbps"] >= rp["required_mbps"] * (1 - 1e-6)).fillna(False)
        r_reach = ra["reach_met"].fillna(False).astype(bool)
        rows.append({
            "year": year, "whole_sites": len(whole.sites(year)), "stitched_sites": int(total["sites"]),
            "whole_cost_cny": w_cost, "stitched_cost_cny": r_cost,
            "cost_ratio": r_cost / w_cost, "areas": len(wa),
            "whole_areas_met": int(w_met.sum()), "stitched_areas_met": int(r_met.sum()),
            "whole_areas_met_within_reach": int(w_reach.sum()),
            "stitched_areas_met_within_reach": int(r_reach.sum()),
            "met_in_whole_not_stitched": sorted(set(wa.index[w_met]) - set(wa.index[r_met])),
            "met_within_reach_in_whole_not_stitched": sorted(set(wa.index[w_reach])
                                                             - set(wa.index[r_reach])),
            "missed_detail": [
                {"area_id": a, "whole_covered_share": float(wa.loc[a, "covered_share"]),
                 "stitched_covered_w": float(ra.loc[a, "covered_w"]),
                 "demand_weight": float(ra.loc[a, "demand_weight"]),
                 "coverable_w": float(ra.loc[a, "coverable_w"]),
                 "target": float(ra.loc[a, "coverage_target"])}
                for a in sorted(set(wa.index[w_met]) - set(wa.index[r_met]))],
            "whole_demand_mbps": float(wa["demand_mbps"].sum()),
            "stitched_demand_mbps": float(rp["required_mbps"].sum()),
            "whole_capacity_met": int(w_cap.sum()), "stitched_capacity_met": int(r_cap.sum()),
            "capacity_met_in_whole_not_stitched": sorted(set(wa.index[w_cap])
                                                         - set(wa.index[r_cap])),
            "capacity_missed_detail": [
                {"area_id": a, "whole_served_mbps": float(wa.loc[a, "capacity_mbps"]),
                 "stitched_served_mbps": float(rp.loc[a, "served_mbps"]),
                 "required_mbps": float(wa.loc[a, "demand_mbps"])}
                for a in sorted(set(wa.index[w_cap]) - set(wa.index[r_cap]))],
            "whole_new_sites": int((whole.sites(year)["status"] == "new").sum()),
            "stitched_new_sites": int(total["new"]),
            "whole_proposed_sites": int(whole.sites(year)["proposed"].sum()),
            "stitched_proposed_sites": int(total["proposed_sites"]),
            "whole_gap": float(m.result.gap) if np.isfinite(m.result.gap) else None,
            "units_solver_cost_cny": unit_bounds.get(year, [None, None])[0],
            "units_solver_gap": (1 - unit_bounds[year][1] / unit_bounds[year][0])
            if unit_bounds.get(year) and unit_bounds[year][0] else None,
        })
    return {"keep_border_coverage": keep, "region_loop_s": round(region_s, 1),
            "stitch": region.stitch["milestones"].to_dict(orient="records"), "milestones": rows}


if __name__ == "__main__":
    main()
