"""Set cover at city scale: 1,000,000 demand rows × 100,000 candidate columns,
about 30 M nonzeros, unicost and weighted, ``method="auto"``.

Usage::  .venv/bin/python benchmarks/solver_scale.py [--rows 1000000] [--cols 100000]
                                                     [--per-row 30] [--limit 120]

The matrix is geometric like a real coverage matrix: candidate sites and
demand points uniform in a square, a site covers the points within one
radius chosen so that a point is covered by ``per-row`` sites on average
(some points by none: they are reported uncoverable). Each case runs in a child process, so the peak memory
(``ru_maxrss``) is that of generating the matrix plus solving it; the peak of
the local search ``auto`` forks on wide LP gaps is added (parent peak + child
peak: an upper bound on the two at once).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import numpy as np, scipy.sparse as sp
from siteplan.solve import set_cover
rows, cols, per_row, limit, weighted = json.loads(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from coverage_instances import disk_matrix
A, weighted_cost = disk_matrix(rows, cols, per_row=per_row)
cost = weighted_cost if weighted else None
t0 = time.perf_counter()
res = set_cover(A, cost, time_limit_s=limit)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
# auto may fork a second local search (wide LP gaps): its peak counts too
peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 ** 2
gap = (res.cost - res.lower_bound) / res.cost * 100
print(json.dumps({"nnz": int(A.nnz), "seconds": seconds, "peak_gb": peak,
                  "peak_child_gb": peak_child, "cost": res.cost,
                  "bound": res.lower_bound, "gap_pct": gap, "sites": int(res.selected.size),
                  "greedy": res.details.get("greedy_cost"), "bound_kind": res.details.get("bound"),
                  "covered": res.covered, "phases": res.details.get("phase_s"),
                  "rows_after_reduction": res.details.get("rows_after_reduction"),
                  "sweeps": res.details.get("lagrange_iterations"),
                  "regional": [res.details.get(k) for k in ("regional_moves", "regional_tries",
                                                            "regional_rounds")]}))
"""

MAX_COVER_CHILD = r"""
import json, resource, sys, time
from siteplan.solve import max_cover
rows, cols, per_row, limit, k = json.loads(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from coverage_instances import disk_matrix
A, _ = disk_matrix(rows, cols, per_row=per_row)
t0 = time.perf_counter()
greedy = max_cover(A, k=k, method="greedy")
t1 = time.perf_counter()
res = max_cover(A, k=k, time_limit_s=limit)
t2 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
print(json.dumps({"nnz": int(A.nnz), "greedy_s": t1 - t0, "seconds": t2 - t1, "peak_gb": peak,
                  "greedy": greedy.covered_weight, "auto": res.covered_weight,
                  "upper": res.upper_bound}))
"""


COMPILE_CHILD = r"""
import json, time
t0 = time.perf_counter()
from siteplan.solve import kernels
imported = time.perf_counter() - t0
print(json.dumps({"import_s": imported, "warm_up_s": kernels.warm_up()}))
"""


def _run(child: str, spec: list, env: dict | None = None) -> dict | None:
    out = subprocess.run([sys.executable, "-c", child, json.dumps(spec),
                          str(Path(__file__).parent)], capture_output=True, text=True,
                         env=env)
    if out.returncode != 0:
        print(out.stderr[-2000:])
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=100_000)
    parser.add_argument("--per-row", type=float, default=30.0)
    parser.add_argument("--limit", type=float, default=100.0,
                        help="time_limit passed to set_cover (s)")
    parser.add_argument("--max-cover-k", type=int, default=0,
                        help="also run max_cover with this k (0: set cover only)")
    parser.add_argument("--skip-set-cover", action="store_true")
    parser.add_argument("--costs", default="unicost,weighted",
                        help="which set-cover cases: unicost, weighted or both")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d')}, "
          f"python {platform.python_version()}; {args.rows:,} rows x {args.cols:,} columns, "
          f"time_limit_s={args.limit:g} s")
    print("| costs | nonzeros | time (s) | peak memory (GB) | of which forked search (GB) | "
          "greedy | auto | lower bound | gap | bound from |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as empty:
        fresh = _run(COMPILE_CHILD, [], dict(os.environ, NUMBA_CACHE_DIR=empty))
        cached = _run(COMPILE_CHILD, [])
    if fresh and cached:
        print(f"<!-- compiled kernels (numba): import {fresh['import_s']:.1f} s; first calls "
              f"{fresh['warm_up_s']:.1f} s with an empty cache, {cached['warm_up_s']:.1f} s "
              "from the cache (paid inside the first set_cover call of a process) -->")
    kinds = [] if args.skip_set_cover else args.costs.split(",")
    for weighted in [kind == "weighted" for kind in kinds]:
        r = _run(CHILD, [args.rows, args.cols, args.per_row, args.limit, weighted])
        if r is None:
            return 1
        print(f"| {'weighted 1–100' if weighted else 'unicost'} | {r['nnz']:,} | "
              f"{r['seconds']:.1f} | {r['peak_gb'] + r['peak_child_gb']:.2f} | "
              f"{r['peak_child_gb']:.2f} | {r['greedy']:,.0f} | {r['cost']:,.0f} | "
              f"{r['bound']:,.1f} | {r['gap_pct']:.2f}% | {r['bound_kind']} |")
        print(f"<!-- rows after reduction {r['rows_after_reduction']}; seconds per phase "
              f"{r['phases']}; bound iterations/sweeps {r['sweeps']}; regional search "
              f"moves/tries/rounds {r['regional']} -->")
    if args.max_cover_k:
        r = _run(MAX_COVER_CHILD, [args.rows, args.cols, args.per_row, args.limit,
                                   args.max_cover_k])
        if r is None:
            return 1
        print(f"\nmax_cover k={args.max_cover_k:,}: greedy {r['greedy']:,.0f} rows in "
              f"{r['greedy_s']:.1f} s; auto {r['auto']:,.0f} in {r['seconds']:.1f} s "
              f"(x{r['auto'] / r['greedy']:.4f}); upper bound {r['upper']:,.0f} "
              f"(auto within {(1 - r['auto'] / r['upper']) * 100:.2f} %); "
              f"peak {r['peak_gb']:.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
