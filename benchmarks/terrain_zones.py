"""The sample county with its 三调 land-use zones read as clutter (issue 27).

Usage::

    .venv/bin/python benchmarks/terrain_zones.py --runs 1

Runs ``project.run`` on ``data/sample_county/sample_county_terrain.toml`` four
ways, alternating so machine load hits all alike: flat earth (no DEM), DEM
only, DEM + the WorldCover-coded clutter raster, and DEM + the land-use zones
as clutter (``terrain.clutter = "landuse"``). Prints the best time of each,
the ratios to flat (issue target: terrain and clutter <= 2x flat), and for
the last milestone of each clutter plan: sites, sites that differ from the
DEM-only plan, and the share of demand weight the DEM-only plan's sites are
credited with that the clutter model says they do not reach.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from terrain_sample import time_runs  # benchmarks/ is on sys.path when run as a script

from siteplan.config import load_config
from siteplan.coverage import coverage_matrix
from siteplan.datasets import sample_dir


def compare(base, other) -> dict:
    """Sites that change against ``base`` and the demand ``base``'s sites are
    credited with that ``other``'s model does not reach."""
    bp, op = base.plan, other.plan
    b_last, o_last = bp.milestones[-1], op.milestones[-1]
    b_ids = set(bp.problem.candidates["site_id"].to_numpy()[b_last.selected])
    o_ids = set(op.problem.candidates["site_id"].to_numpy()[o_last.selected])
    prob = bp.problem
    chosen = prob.candidates.to_crs(prob.metric_crs).iloc[b_last.selected]
    theirs = coverage_matrix(prob.demand, chosen, op.problem.assumptions)  # zones travel along
    b_cov = np.asarray(prob.coverage.matrix[:, b_last.selected].sum(axis=1)).ravel() > 0
    o_cov = np.asarray(theirs.matrix.sum(axis=1)).ravel() > 0
    w = prob.weights
    return {"milestone": b_last.milestone, "base_sites": len(b_ids), "sites": len(o_ids),
            "only_base": len(b_ids - o_ids), "only_this": len(o_ids - b_ids),
            "credited_wrongly_share": float(w[b_cov & ~o_cov].sum() / w.sum()),
            "pairs_kept": int(op.problem.coverage.matrix.nnz)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    flat_cfg = load_config(sample_dir() / "sample_county.toml")
    terr_cfg = load_config(sample_dir() / "sample_county_terrain.toml")
    runs = (("flat", flat_cfg, None), ("dem_only", terr_cfg, {"terrain.clutter": ""}),
            ("raster_clutter", terr_cfg, None),
            ("zone_clutter", terr_cfg, {"terrain.clutter": "landuse"}))
    best, results = time_runs(runs, args.runs)
    for name, seconds in best.items():
        print(f"best {name}: {seconds:.1f} s (ratio to flat {seconds / best['flat']:.2f})")
    note = [n for n in results["zone_clutter"].plan.problem.notes if "read as clutter" in n]
    print("zones:", note[0] if note else "(no note)")
    for name in ("raster_clutter", "zone_clutter"):
        print(f"DEM-only plan against {name}:")
        for key, value in compare(results["dem_only"], results[name]).items():
            print(f"  {key}: {value:.4f}" if isinstance(value, float) else f"  {key}: {value}")
    print("load:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
