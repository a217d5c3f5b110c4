"""How far can an LP-strength bound prove a unicost disk cover? LP value,
HiGHS's MILP (incumbent and dual bound after a long run) and ``auto``'s
cover on one ``coverage_instances.disk_matrix`` instance, unicost.

A reported gap is ``(cover - bound) / cover``; with a bound no stronger than
the LP (rounded up to a whole number of sites), the best gap any solver can
report is ``(best cover - ceil(LP)) / best cover``.

Usage::

    .venv/bin/python benchmarks/unicost_gap.py [--rows 20000] [--cols 2000]
        [--milp-limit 900] [--auto-limit 60]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
from coverage_instances import disk_matrix
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from siteplan.solve import set_cover


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--cols", type=int, default=2_000)
    parser.add_argument("--milp-limit", type=float, default=900.0)
    parser.add_argument("--auto-limit", type=float, default=60.0)
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"python {sys.version.split()[0]}; disk_matrix({args.rows}, {args.cols}), unicost")
    A, _ = disk_matrix(args.rows, args.cols)
    covered = np.asarray(A.sum(axis=1)).ravel() > 0
    M = A[covered].astype(float)
    c = np.ones(args.cols)
    t = time.perf_counter()
    lp = linprog(c, A_ub=-M, b_ub=-np.ones(M.shape[0]), bounds=(0, 1), method="highs")
    print(f"LP {lp.fun:.3f} in {time.perf_counter() - t:.0f} s", flush=True)
    t = time.perf_counter()
    r = milp(c, constraints=LinearConstraint(M, lb=1), integrality=np.ones(args.cols),
             bounds=Bounds(0, 1), options={"time_limit": args.milp_limit})
    print(f"HiGHS MILP: status {r.status}, incumbent {r.fun}, dual bound "
          f"{getattr(r, 'mip_dual_bound', None)}, in {time.perf_counter() - t:.0f} s",
          flush=True)
    t = time.perf_counter()
    res = set_cover(A, None, time_limit_s=args.auto_limit)
    print(f"auto: cover {res.cost:.0f}, bound {res.lower_bound:.0f} "
          f"({res.details.get('bound')}), in {time.perf_counter() - t:.0f} s")
    best = min(res.cost, r.fun if r.fun is not None else np.inf)
    print(f"best cover {best:.0f} = {best / lp.fun:.3f} x LP; best gap an LP-strength bound "
          f"can report: {(best - np.ceil(lp.fun - 1e-6)) / best * 100:.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
