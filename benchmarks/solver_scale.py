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
import platform
import subprocess
import sys
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
res = set_cover(A, cost, time_limit=limit)
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
                  "rows_after_reduction": res.details.get("rows_after_reduction")}))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=100_000)
    parser.add_argument("--per-row", type=float, default=30.0)
    parser.add_argument("--limit", type=float, default=100.0,
                        help="time_limit passed to set_cover (s)")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d')}, "
          f"python {platform.python_version()}; {args.rows:,} rows x {args.cols:,} columns, "
          f"time_limit={args.limit:g} s")
    print("| costs | nonzeros | time (s) | peak memory (GB) | of which forked search (GB) | "
          "greedy | auto | lower bound | gap | bound from |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for weighted in (False, True):
        spec = json.dumps([args.rows, args.cols, args.per_row, args.limit, weighted])
        out = subprocess.run([sys.executable, "-c", CHILD, spec, str(Path(__file__).parent)],
                             capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr[-2000:])
            return 1
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"| {'weighted 1–100' if weighted else 'unicost'} | {r['nnz']:,} | "
              f"{r['seconds']:.1f} | {r['peak_gb'] + r['peak_child_gb']:.2f} | "
              f"{r['peak_child_gb']:.2f} | {r['greedy']:,.0f} | {r['cost']:,.0f} | "
              f"{r['bound']:,.1f} | {r['gap_pct']:.2f}% | {r['bound_kind']} |")
        print(f"<!-- rows after reduction {r['rows_after_reduction']}; seconds per phase "
              f"{r['phases']} -->")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
