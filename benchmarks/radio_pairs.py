"""Link-budget pair evaluation speed: candidate–demand pairs per second on one core.

Usage::

    .venv/bin/python benchmarks/radio_pairs.py [--pairs 5000000]

Also times the whole coverage stage (spatial index + link budget) on the
sample county at 50 m demand spacing.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from siteplan.defaults import Assumptions  # noqa: E402
from siteplan.radio import LinkBudget  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"# {platform.node()} python {platform.python_version()} {time.strftime('%Y-%m-%d')}")
    print(f"{'scenario':8} {'mode':9} {'pairs':>10} {'seconds':>8} {'Mpairs/s':>9}")
    for mode in ("nlos", "expected"):
        lb = LinkBudget.from_assumptions(Assumptions({"radio.mode": mode}))
        for scenario, macro, h in (("UMa", True, 30.0), ("UMi", False, 9.0), ("RMa", True, 40.0)):
            d = rng.uniform(10, 2000, args.pairs)
            heights = np.full(args.pairs, h)
            indoor = rng.random(args.pairs) < 0.3
            best = np.inf
            for _ in range(3):
                t = time.perf_counter()
                rsrp = lb.rsrp_dbm(scenario, d, heights, macro=macro, indoor=indoor)
                _ = rsrp >= lb.rsrp_threshold_dbm
                best = min(best, time.perf_counter() - t)
            print(f"{scenario:8} {mode:9} {args.pairs:10,d} {best:8.3f} {args.pairs / best / 1e6:9.2f}")
    from siteplan.coverage import coverage_matrix
    from siteplan.datasets import load_sample
    from siteplan.demand import demand_points

    cands, targets, _ = load_sample()
    crs = targets.estimate_utm_crs()
    dem = demand_points(targets.to_crs(crs), spacing_m=50.0)
    t = time.perf_counter()
    cov = coverage_matrix(dem, cands.to_crs(crs), Assumptions())
    dt = time.perf_counter() - t
    print(f"sample county coverage stage: {len(dem):,} demand x {len(cands):,} candidates, "
          f"{cov.pairs_evaluated:,} pairs proposed, {cov.matrix.nnz:,} covering, {dt:.2f} s "
          f"({cov.pairs_evaluated / dt / 1e6:.2f} Mpairs/s including the spatial index)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
