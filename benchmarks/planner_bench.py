"""The solver on the planner's own problems against HiGHS on the plain MILP.

Instances: every milestone of the sample county and of the Helsinki example
exactly as the planner builds them (saved by ``planner_instances.py``:
per-area groups and targets, on-air and earlier sites preselected), and
generated grouped instances (``coverage_instances.county`` with the demand
split into 3 × 3 areas of their own targets and 5 % of the candidates on
air).

For each: HiGHS (highspy, one thread, presolve on) on the plain MILP (x per
candidate, y per demand row with y_i <= sum_j a_ij x_j, sum_{i in g} w_i y_i
>= target_g per group), up to ``--highs-limit`` seconds; then siteplan's
``set_cover`` (``auto``, default options; ``--deterministic`` as the planner
runs it) with a limit of HiGHS's time (at least ``--min-limit``): it stops once it proves its
cover optimal. Where HiGHS needs more than 10 s, also ``auto`` with 10 % of
HiGHS's time. Rows go to stdout as JSON and a Markdown table at the end.

Usage::

    .venv/bin/python benchmarks/planner_instances.py     # once, saves instances
    .venv/bin/python benchmarks/planner_bench.py [--highs-limit 300] [--only county-1]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time

import numpy as np
from coverage_instances import county
from planner_instances import OUT, load

from siteplan.solve import set_cover
from siteplan.solve.exact.highs import _cover_model, _highs, _solve
from siteplan.solve.instance import build_problem, check_preselected
from siteplan.solve.paths.general import _model, build_general

GENERATED = ((2000, 400), (5000, 1000), (10000, 2000))
TARGETS = np.array([0.95, 0.9, 0.8, 0.7, 0.95, 0.9, 0.85, 0.75, 0.6])


def generated(n: int, m: int, seed: int = 0) -> tuple[str, dict]:
    """A county instance with 3 x 3 areas (groups) and 5 % of sites on air."""
    inst = county(n, m, seed=seed)
    cell = np.minimum((inst.demand_xy_km // 10.0).astype(int), 2)
    groups = cell[:, 0] * 3 + cell[:, 1]
    groups = np.unique(groups, return_inverse=True)[1]
    rng = np.random.default_rng(seed)
    on_air = np.sort(rng.choice(m, size=max(1, m // 20), replace=False))
    return f"grouped-{n}x{m}", dict(A=inst.A, cost=inst.cost * 100_000, weights=inst.weights,
                                    target=TARGETS[: groups.max() + 1], groups=groups,
                                    preselected=on_air)


def instances(only: set[str] | None) -> list[tuple[str, dict]]:
    found = [(p.stem, load(p)) for p in sorted(OUT.glob("*.npz"))]
    found += [generated(n, m) for n, m in GENERATED]
    return [(name, kw) for name, kw in found if only is None or name in only]


def highs(kw: dict, limit: float, binary_y: bool = False) -> tuple[float, float, bool, float]:
    """HiGHS on the plain MILP as the issue states it: x binary per
    candidate, y per demand row in [0, 1] with ``y_i <= sum_j a_ij x_j``
    (continuous: integral at an optimum anyway), ``sum_{i in g} w_i y_i >=
    R_g``; with capacity rows or cover requirements the general model of
    ``siteplan.solve.paths.general`` (plus ``r_i y_i <= sum_j a_ij x_j``, y binary
    where ``r_i >= 2``, and ``M x >= d``). ``binary_y``: every y binary, as
    siteplan's own HiGHS runs see it."""
    if "capacity" in kw or "cover_requirement" in kw:
        g = build_general(kw["A"], kw["cost"], weights=kw["weights"], target=kw["target"],
                          groups=kw["groups"], cover_requirement=kw.get("cover_requirement"),
                          capacity=kw.get("capacity"))
        pre = check_preselected(kw["preselected"], g.p.n_cols)
        (c, lower, upper, integer, matrix, lo, hi), n, rows = _model(g, pre)
        if not binary_y and not g.full:
            integer = np.concatenate([np.ones(n, bool), g.r[rows] >= 2])
        cost_of = g.p.cost
    else:
        p = build_problem(kw["A"], kw["cost"], weights=kw["weights"], target=kw["target"],
                          groups=kw["groups"])
        pre = check_preselected(kw["preselected"], p.n_cols)
        m = _cover_model(p, np.arange(p.n_cols), pre)
        c, lower, upper, matrix, lo, hi = m.c, m.lower, m.upper, m.matrix, m.row_lo, m.row_hi
        n = p.n_cols
        integer = m.integer.copy()
        if not binary_y:
            integer[n:] = False
        cost_of = p.cost
    t0 = time.perf_counter()
    values, _, bound, optimal = _solve(_highs(limit, 0, 1e-6), "min", c, lower, upper, integer,
                                       matrix, lo, hi, None)
    took = time.perf_counter() - t0
    if values is None:
        return np.nan, np.nan, False, took
    return float(cost_of[values[:n] > 0.5].sum()), bound, optimal, took


def ours(kw: dict, limit: float, deterministic: bool) -> object:
    args = {k: v for k, v in kw.items() if k != "A"}
    return set_cover(kw["A"], time_limit_s=limit, deterministic=deterministic, **args)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--highs-limit", type=float, default=300.0)
    parser.add_argument("--min-limit", type=float, default=1.0)
    parser.add_argument("--only", default="")
    parser.add_argument("--binary-y", action="store_true",
                        help="also time HiGHS on the model with binary y (siteplan's own)")
    parser.add_argument("--deterministic", action="store_true",
                        help="as the planner runs it (the clock is then only a safety stop at "
                             "4x the limit, so the times below do not apply)")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None
    print(f"# {platform.node()} python {sys.version.split()[0]} {time.strftime('%Y-%m-%d %H:%M')}",
          flush=True)
    rows = []
    for name, kw in instances(only):
        h_cost, h_bound, h_opt, h_s = highs(kw, args.highs_limit)
        res = ours(kw, max(h_s, args.min_limit), args.deterministic)
        row = dict(instance=name, rows=kw["A"].shape[0], cols=kw["A"].shape[1],
                   nnz=int(kw["A"].nnz), groups=int(np.unique(kw["groups"]).size),
                   preselected=int(np.asarray(kw["preselected"]).size),
                   highs_cost=h_cost, highs_proven=h_opt, highs_s=round(h_s, 2),
                   auto_cost=res.cost, auto_gap_pct=round(100 * res.gap, 4),
                   auto_proven=res.optimal, auto_s=round(res.time_s, 2),
                   auto_vs_highs_time=round(res.time_s / h_s, 2),
                   auto_vs_highs_cost=round(res.cost / h_cost, 5) if h_cost else None)
        if h_s > 10:
            short = ours(kw, 0.1 * h_s, args.deterministic)
            row.update(short_limit_s=round(0.1 * h_s, 2), short_cost=short.cost,
                       short_vs_highs_pct=round(100 * (short.cost - h_cost) / h_cost, 3),
                       short_s=round(short.time_s, 2))
        if args.binary_y:
            b_cost, _, b_opt, b_s = highs(kw, args.highs_limit, binary_y=True)
            row.update(highs_binary_y_cost=b_cost, highs_binary_y_proven=b_opt,
                       highs_binary_y_s=round(b_s, 2))
        rows.append(row)
        print(json.dumps(row), flush=True)
    print("\n| instance | rows × cols | nnz | groups | pre | HiGHS cost | HiGHS s | auto cost "
          "| auto gap | proven | auto s | auto/HiGHS time | 10 % of HiGHS time: cost vs HiGHS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---|")
    for r in rows:
        short = (f"{r['short_vs_highs_pct']:+.2f} % in {r['short_s']} s"
                 if "short_cost" in r else "–")
        print(f"| {r['instance']} | {r['rows']:,} × {r['cols']:,} | {r['nnz']:,} | {r['groups']} "
              f"| {r['preselected']} | {r['highs_cost']:,.0f}{'' if r['highs_proven'] else ' *'} "
              f"| {r['highs_s']} | {r['auto_cost']:,.0f} | {r['auto_gap_pct']:.3f} % "
              f"| {r['auto_proven']} | {r['auto_s']} | {r['auto_vs_highs_time']} | {short} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
