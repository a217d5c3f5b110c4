"""How tight is the lower bound ``auto`` reports when the LP is too big for it?

On instances too large for ``auto`` to solve the LP relaxation in its time
limit, the bound is the subgradient Lagrangian bound. This benchmark solves
the LP to optimality once with HiGHS's interior-point method (the reference:
no Lagrangian bound can exceed it) and reports, side by side in one run:

* the subgradient bound after ``--seconds`` (``lagrange.subgradient`` with
  the greedy cover as its target), as a share of the LP value;
* beside it, in the same run, the smoothed dual ascent
  (``dualascent.smoothed_dual_ascent``, what ``auto`` now uses for large full
  covers) with the same time, and its Lagrangian heuristic's cover;
* ``set_cover(method="auto", time_limit_s=--seconds)``: its cost and bound
  as a share of the LP value, i.e. how much of the gap it reports is the
  bound's and how much the cover's.

Instances: ``coverage_instances.disk_matrix`` (the city-scale generator of
``solver_scale.py``), unicost and weighted 1–100.

Usage::

    .venv/bin/python benchmarks/bound_quality.py [--sizes 50000x5000,200000x20000]
        [--seconds 20] [--lp-limit 900]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
from coverage_instances import disk_matrix
from scipy.optimize import linprog

from siteplan.solve import set_cover
from siteplan.solve.bounds.dualascent import smoothed_dual_ascent
from siteplan.solve.bounds.lagrange import subgradient
from siteplan.solve.instance import build_problem


def lp_value(A: object, cost: np.ndarray, limit_s: float) -> tuple[float | None, float]:
    """LP relaxation optimum by HiGHS IPM (``None`` if not solved in time)."""
    start = time.perf_counter()
    covered = np.asarray(A.sum(axis=1)).ravel() > 0
    M = A[covered].astype(float)
    res = linprog(cost, A_ub=-M, b_ub=-np.ones(M.shape[0]), bounds=(0, 1),
                  method="highs-ipm", options={"time_limit": limit_s})
    return (float(res.fun) if res.status == 0 else None), time.perf_counter() - start


def _share(x: float, lp: float | None) -> str:
    return "–" if lp is None else f"{x / lp:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="50000x5000,200000x20000")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--lp-limit", type=float, default=900.0)
    parser.add_argument("--costs", default="weighted,unicost")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d')}, "
          f"python {sys.version.split()[0]}; {args.seconds:g} s per solve")
    print("| instance | costs | nonzeros | LP (HiGHS IPM) | LP time | greedy | subgradient "
          "bound / LP | dual ascent bound / LP | its heuristic cover / LP | auto cost / LP | "
          "auto bound / LP | auto gap reported |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        rows, cols = map(int, size.split("x"))
        A, weighted_cost = disk_matrix(rows, cols)
        for kind in args.costs.split(","):
            cost = weighted_cost if kind == "weighted" else np.ones(cols)
            lp, lp_s = lp_value(A, cost, args.lp_limit)
            p = build_problem(A, cost)
            none = np.zeros(0, np.int64)
            greedy = set_cover(A, cost, method="greedy")
            state = subgradient(p, upper_bound=greedy.cost, best_selected=greedy.selected,
                                preselected=none,
                                deadline=time.perf_counter() + args.seconds)
            ascent = smoothed_dual_ascent(p, upper_bound=greedy.cost,
                                          best_selected=greedy.selected, preselected=none,
                                          deadline=time.perf_counter() + args.seconds)
            auto = set_cover(A, cost, time_limit_s=args.seconds)
            gap = (auto.cost - auto.lower_bound) / auto.cost * 100
            lp_text = "not solved" if lp is None else f"{lp:,.1f}"
            print(f"| {rows:,} × {cols:,} | {kind} | {A.nnz:,} | {lp_text} | {lp_s:.0f} s | "
                  f"{greedy.cost:,.0f} | {_share(state.lower_bound, lp)} ({state.iterations} it) | "
                  f"{_share(ascent.lower_bound, lp)} ({ascent.iterations} sweeps) | "
                  f"{_share(ascent.best_cost, lp)} | "
                  f"{_share(auto.cost, lp)} | {_share(auto.lower_bound, lp)} | {gap:.1f} % |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
