"""The sample county planned with terrain + clutter side by side with flat earth (issue 27).

Usage::

    .venv/bin/python benchmarks/terrain_sample.py --runs 2

Runs ``project.run`` (inputs, problem, plan, analyses, every output written)
on ``data/sample_county/sample_county.toml`` (flat) and
``sample_county_terrain.toml`` (the synthetic DEM and land cover),
alternating so machine load hits both alike, and prints the best time of
each and the ratio (issue target: terrain <= 2x flat). Then compares the two
plans' last milestone: sites that change, and the demand the flat plan's
sites are credited with that the terrain model says they do not reach.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from siteplan.config import load_config
from siteplan.coverage import coverage_matrix
from siteplan.datasets import sample_dir
from siteplan.project import run


def timed(config, out, overrides=None) -> tuple[float, object]:
    """Seconds for one full ``run`` and its result."""
    start = time.perf_counter()
    result = run(config, out, tiles=None, offline=True, overrides=overrides)
    return time.perf_counter() - start, result


def time_runs(runs, n_runs: int) -> tuple[dict[str, float], dict[str, object]]:
    """Each ``(name, config, overrides)`` of ``runs`` planned ``n_runs`` times,
    interleaved (so load hits every case alike): best seconds and last result
    per name."""
    times: dict[str, list[float]] = {name: [] for name, _c, _o in runs}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n_runs):
            for name, cfg, over in runs:
                seconds, results[name] = timed(cfg, os.path.join(tmp, f"{name}{i}"), over)
                times[name].append(seconds)
                print(f"run {i} {name}: {seconds:.1f} s", flush=True)
    return {k: min(v) for k, v in times.items()}, results


def compare(flat, hilly) -> dict:
    """Sites that change and demand the flat plan is credited with wrongly."""
    fp, hp = flat.plan, hilly.plan
    f_last, h_last = fp.milestones[-1], hp.milestones[-1]
    f_ids = set(fp.problem.candidates["site_id"].to_numpy()[f_last.selected])
    h_ids = set(hp.problem.candidates["site_id"].to_numpy()[h_last.selected])
    prob = fp.problem
    chosen = prob.candidates.to_crs(prob.metric_crs).iloc[f_last.selected]
    terrain = coverage_matrix(prob.demand, chosen, hilly.config.assumptions)
    flat_cov = np.asarray(prob.coverage.matrix[:, f_last.selected].sum(axis=1)).ravel() > 0
    terr_cov = np.asarray(terrain.matrix.sum(axis=1)).ravel() > 0
    w = prob.weights
    wrong = flat_cov & ~terr_cov
    return {
        "milestone": f_last.milestone, "flat_sites": len(f_ids), "terrain_sites": len(h_ids),
        "only_flat": len(f_ids - h_ids), "only_terrain": len(h_ids - f_ids),
        "points": int(w.size), "flat_covered_share": float(w[flat_cov].sum() / w.sum()),
        "flat_plan_under_terrain_share": float(w[terr_cov].sum() / w.sum()),
        "credited_wrongly_share": float(w[wrong].sum() / w.sum()),
        "credited_wrongly_points": int(wrong.sum()),
        "flat_pairs": int(prob.coverage.matrix.nnz), "terrain_pairs": int(hp.problem.coverage.matrix.nnz),
        "pairs_evaluated_flat": prob.coverage.pairs_evaluated,
        "pairs_evaluated_terrain": hp.problem.coverage.pairs_evaluated,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    flat_cfg = load_config(sample_dir() / "sample_county.toml")
    terr_cfg = load_config(sample_dir() / "sample_county_terrain.toml")
    runs = (("flat", flat_cfg, None), ("terrain", terr_cfg, None),
            ("dem_only", terr_cfg, {"terrain.clutter": ""}))
    best, results = time_runs(runs, args.runs)
    print(f"best: flat {best['flat']:.1f} s, terrain+clutter {best['terrain']:.1f} s "
          f"(ratio {best['terrain'] / best['flat']:.2f}, target <= 2), DEM only "
          f"{best['dem_only']:.1f} s (ratio {best['dem_only'] / best['flat']:.2f})")
    for name in ("terrain", "dem_only"):
        print(f"flat plan against {name}:")
        for key, value in compare(results["flat"], results[name]).items():
            print(f"  {key}: {value:.4f}" if isinstance(value, float) else f"  {key}: {value}")
    print("load:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
