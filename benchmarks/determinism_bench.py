"""Deterministic mode under load: the planner's instances solved as the
planner does (``deterministic=True``), once as the machine is and once
beside two CPU-bound processes; the covers must be identical.

Usage::

    .venv/bin/python benchmarks/planner_instances.py     # once, saves instances
    .venv/bin/python benchmarks/determinism_bench.py [--limit 5]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time

from planner_instances import OUT, load

from siteplan.solve import set_cover


def _burn(stop_at: float) -> None:
    x = 0
    while time.perf_counter() < stop_at:
        x += 1


def solve_all(limit: float) -> dict:
    out = {}
    for path in sorted(OUT.glob("*.npz")):
        kw = load(path)
        A = kw.pop("A")
        res = set_cover(A, time_limit_s=limit, deterministic=True, seed=0, **kw)
        out[path.stem] = (tuple(res.selected.tolist()), res.cost, res.optimal,
                          round(res.time_s, 2), res.details.get("deterministic_cut"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=float, default=5.0)
    args = parser.parse_args()
    print(f"# load before: {os.getloadavg()}", flush=True)
    plain = solve_all(args.limit)
    ctx = multiprocessing.get_context("fork")
    burners = [ctx.Process(target=_burn, args=(time.perf_counter() + 600,), daemon=True)
               for _ in range(2)]
    for b in burners:
        b.start()
    try:
        busy = solve_all(args.limit)
    finally:
        for b in burners:
            b.kill()
            b.join()
    print("| instance | cost | proven | time as is (s) | time beside 2 burners (s) | same cover |")
    print("|---|---:|---|---:|---:|---|")
    same_all = True
    for name, (sel, cost, proven, t, cut) in plain.items():
        sel2, cost2, _, t2, cut2 = busy[name]
        same = sel == sel2
        same_all &= same
        print(f"| {name} | {cost:,.0f} | {proven} | {t} | {t2} | {same}"
              f"{'' if not (cut or cut2) else f' (cut: {cut} / {cut2})'} |")
    print(f"# load after: {os.getloadavg()}; all identical: {same_all}")
    return 0 if same_all else 1


if __name__ == "__main__":
    sys.exit(main())
