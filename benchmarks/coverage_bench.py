"""Coverage instances: siteplan against HiGHS's optimum and against spopt.

Two comparisons on the instances of ``coverage_instances.py`` (uniform and
county-like, growing sizes):

``highs``
    scipy's HiGHS MILP (``scipy.optimize.milp``) on the whole instance, as a
    user would call it, up to ``--highs-limit`` seconds; then siteplan's
    ``set_cover(method="auto")`` with a time limit of max(``--min-limit``
    (1 s), ``--share`` (5 %) of
    HiGHS's time. Reports the gap to HiGHS's optimum and the time ratio.
``spopt``
    spopt's LSCP (fewest sites covering every point) and MCLP (most weight
    with ``p`` sites, ``p`` = half the LSCP count) with PuLP's CBC, as its
    documentation runs them, in a child process killed after
    ``--spopt-limit`` seconds; siteplan's ``set_cover`` (unit costs) and
    ``max_cover`` (k = p), ``auto`` with ``--ours-limit``. Reports time
    ratios, the site-count ratio and the covered-weight ratio. A family
    stops growing after spopt's first time-out.

spopt and PuLP are benchmark-only dependencies: ``pip install spopt pulp``.

Usage::

    .venv/bin/python benchmarks/coverage_bench.py highs [--highs-limit 600] [--families county]
    .venv/bin/python benchmarks/coverage_bench.py spopt [--spopt-limit 600]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from coverage_instances import FAMILIES
from scipy.optimize import Bounds, LinearConstraint, milp

from siteplan.solve import max_cover, set_cover

SIZES = {
    "uniform": [(500, 100), (2000, 400), (5000, 1000), (10000, 2000), (20000, 4000)],
    "county": [(2000, 400), (5000, 1000), (10000, 2000), (20000, 4000)],
}

SPOPT_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[2])
import numpy as np, pulp
from coverage_instances import FAMILIES
from spopt.locate import LSCP, MCLP
family, n, m, model, p_sites = json.loads(sys.argv[1])
inst = FAMILIES[family](n, m, seed=0)
t0 = time.perf_counter()
cm = inst.distance_over_radius()
if model == "lscp":
    obj = LSCP.from_cost_matrix(cm, 1.0)
else:
    obj = MCLP.from_cost_matrix(cm, inst.weights.astype(int), 1.0, p_facilities=p_sites)
t1 = time.perf_counter()
obj = obj.solve(pulp.PULP_CBC_CMD(msg=False))
t2 = time.perf_counter()
chosen = [j for j, v in enumerate(obj.fac_vars) if v.varValue and v.varValue > 0.5]
covered = None
if model == "mclp":
    A = inst.A.tocsc()[:, chosen]
    covered = float(inst.weights[np.asarray(A.sum(axis=1)).ravel() > 0].sum())
print(json.dumps({"total_s": t2 - t0, "solve_s": t2 - t1, "sites": len(chosen),
                  "covered_weight": covered, "status": pulp.LpStatus[obj.problem.status]}))
"""


def _header(title: str) -> None:
    print(f"# {title}: {platform.node()} {platform.machine()} python {sys.version.split()[0]} "
          f"{time.strftime('%Y-%m-%d')}", flush=True)


def run_highs(args: argparse.Namespace) -> list[dict]:
    _header("siteplan auto vs HiGHS MILP")
    rows = []
    for family, sizes in SIZES.items():
        if family not in args.families:
            continue
        for n, m in sizes:
            inst = FAMILIES[family](n, m, seed=0)
            A = inst.A
            t0 = time.perf_counter()
            res = milp(inst.cost, constraints=LinearConstraint(A, lb=1, ub=np.inf),
                       integrality=np.ones(A.shape[1]), bounds=Bounds(0, 1),
                       options={"time_limit": args.highs_limit})
            t_highs = time.perf_counter() - t0
            solved = res.status == 0
            limit = max(args.share * t_highs, args.min_limit)
            ours = set_cover(A, inst.cost, time_limit_s=limit)
            greedy = set_cover(A, inst.cost, method="greedy")
            ref = float(res.fun) if res.x is not None else float("nan")
            row = dict(instance=inst.name, rows=A.shape[0], cols=A.shape[1], nnz=int(A.nnz),
                       highs_solved=solved, highs_cost=ref, highs_s=round(t_highs, 2),
                       auto_cost=ours.cost, auto_s=round(ours.time_s, 3), auto_proven=ours.optimal,
                       time_ratio=round(ours.time_s / t_highs, 4),
                       gap_to_highs_pct=round(100 * (ours.cost - ref) / ref, 3),
                       greedy_gap_pct=round(100 * (greedy.cost - ref) / ref, 3),
                       auto_bound=round(ours.lower_bound, 2),
                       rows_after_reduction=ours.details.get("rows_after_reduction"))
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def _spopt(family: str, n: int, m: int, model: str, p_sites: int, limit: float) -> dict | None:
    here = str(Path(__file__).parent)
    # own process group: on time-out the CBC process PuLP started dies too
    # (killing only the Python child left CBC running and loading the machine)
    child = subprocess.Popen([sys.executable, "-c", SPOPT_CHILD,
                              json.dumps([family, n, m, model, p_sites]), here],
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, _ = child.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return None
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    if child.returncode != 0:
        raise RuntimeError(f"spopt child failed for {family} {n}x{m} {model}")
    return json.loads(stdout.strip().splitlines()[-1])


def run_spopt(args: argparse.Namespace) -> list[dict]:
    _header("siteplan vs spopt (PuLP CBC)")
    rows = []
    for family, sizes in SIZES.items():
        if family not in args.families:
            continue
        alive = {"lscp": True, "mclp": True}
        for n, m in sizes:
            if not any(alive.values()):
                break
            inst = FAMILIES[family](n, m, seed=0)
            ours = set_cover(inst.A, time_limit_s=args.ours_limit)
            p_sites = max(1, ours.selected.size // 2)
            mine_max = max_cover(inst.A, k=p_sites, weights=inst.weights,
                                 time_limit_s=args.ours_limit)
            for model in ("lscp", "mclp"):
                if not alive[model]:
                    continue
                theirs = _spopt(family, n, m, model, p_sites, args.spopt_limit)
                row = dict(instance=inst.name, model=model, rows=inst.A.shape[0],
                           cols=inst.A.shape[1], p=p_sites if model == "mclp" else None)
                mine_s = ours.time_s if model == "lscp" else mine_max.time_s
                row["siteplan_s"] = round(mine_s, 3)
                if theirs is None:
                    alive[model] = False
                    row.update(spopt_s=f">{args.spopt_limit:.0f}", spopt_status="timeout")
                else:
                    row.update(spopt_s=round(theirs["total_s"], 2),
                               spopt_solve_s=round(theirs["solve_s"], 2),
                               spopt_status=theirs["status"],
                               time_ratio_spopt_over_siteplan=round(theirs["total_s"] / mine_s, 1))
                    if model == "lscp":
                        row.update(siteplan_sites=int(ours.selected.size),
                                   spopt_sites=theirs["sites"],
                                   site_ratio=round(ours.selected.size / theirs["sites"], 4))
                    else:
                        row.update(siteplan_weight=mine_max.covered_weight,
                                   spopt_weight=theirs["covered_weight"],
                                   weight_ratio=round(mine_max.covered_weight
                                                      / theirs["covered_weight"], 4))
                rows.append(row)
                print(json.dumps(row), flush=True)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", choices=["highs", "spopt"])
    parser.add_argument("--highs-limit", type=float, default=600.0)
    parser.add_argument("--share", type=float, default=0.05,
                        help="siteplan's time limit as a share of HiGHS's time")
    parser.add_argument("--min-limit", type=float, default=1.0,
                        help="siteplan's least time limit (s): max(1 s, 5 %% of HiGHS)")
    parser.add_argument("--spopt-limit", type=float, default=600.0)
    parser.add_argument("--ours-limit", type=float, default=5.0)
    parser.add_argument("--families", default="uniform,county",
                        help="comma-separated instance families to run")
    parser.add_argument("--sizes", default="",
                        help="comma-separated sizes to run, e.g. 10000x2000 (default: all)")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    args.families = args.families.split(",")
    if args.sizes:
        wanted = {tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",")}
        for family in SIZES:
            SIZES[family] = [s for s in SIZES[family] if s in wanted]
    rows = run_highs(args) if args.which == "highs" else run_spopt(args)
    out = Path(args.out or f"benchmarks/results/coverage_{args.which}.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    fields = list(dict.fromkeys(k for r in rows for k in r))
    with open(out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
