"""Compiled kernels against the numpy passes they replace, side by side.

For disk covers (``coverage_instances.disk_matrix``) of the given sizes,
best-of-3 wall times (one thread) of:

* ``A^T u`` (reduced costs) by numpy (``Problem.transpose_matvec``: a gather
  and ``np.add.reduceat``, what the subgradient uses) and by the numba kernel
  ``kernels.reduced_costs``, on the matrix as given and renumbered in
  breadth-first order (``kernels.bfs_order``, what the dual ascent does);
* one sweep of the smoothed dual ascent (``kernels.smooth_sweep``), as given
  and renumbered;
* the renumbering itself (breadth-first order plus both permutations).

Usage::

    .venv/bin/python benchmarks/kernels_bench.py [--sizes 200000x20000,1000000x100000]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

import numpy as np
from coverage_instances import disk_matrix

from siteplan.solve import kernels
from siteplan.solve.bounds.lagrange import initial_multipliers
from siteplan.solve.instance import build_problem


def best_of(fn: object, repeat: int = 3) -> float:
    """Best of ``repeat`` wall times of ``fn()``, in ms."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1000


def measure(rows: int, cols: int) -> str:
    """One table row for a disk cover of ``rows`` × ``cols``."""
    A, cost = disk_matrix(rows, cols)
    p = build_problem(A, cost)
    u = initial_multipliers(p)
    out = np.empty(p.n_cols)
    need = np.ascontiguousarray(p.coverable)
    t_numpy = best_of(lambda: p.transpose_matvec(u))
    t_numba = best_of(lambda: kernels.reduced_costs(p.col_ptr, p.col_rows, p.cost, u, 0,
                                                    p.n_cols, out))
    t0 = time.perf_counter()
    ro, co = kernels.bfs_order(p.row_ptr, p.row_cols, p.col_ptr, p.col_rows)
    rnew = np.empty_like(ro)
    rnew[ro] = np.arange(ro.size)
    cnew = np.empty_like(co)
    cnew[co] = np.arange(co.size)
    rp, rcl = kernels.permute_csr(p.row_ptr, p.row_cols, ro, cnew)
    cp, crw = kernels.permute_csr(p.col_ptr, p.col_rows, co, rnew)
    t_perm = (time.perf_counter() - t0) * 1000
    cost_r, u_r, need_r = p.cost[co], u[ro], need[ro]
    t_renum = best_of(lambda: kernels.reduced_costs(cp, crw, cost_r, u_r, 0, p.n_cols, out))
    mu = 0.05 * float(p.cost.mean())

    def sweep(row_ptr: np.ndarray, row_cols: np.ndarray, c: np.ndarray, uu: np.ndarray,
              nd: np.ndarray, col_ptr: np.ndarray, col_rows: np.ndarray) -> float:
        """Seconds of one sweep from ``uu`` (copied: each run starts alike)."""
        uu, rc = uu.copy(), np.empty(p.n_cols)
        kernels.reduced_costs(col_ptr, col_rows, c, uu, 0, p.n_cols, rc)
        t0 = time.perf_counter()
        kernels.smooth_sweep(row_ptr, row_cols, rc, uu, nd, mu, 0, p.n_rows)
        return time.perf_counter() - t0

    t_sweep = min(sweep(p.row_ptr, p.row_cols, p.cost, u, need, p.col_ptr, p.col_rows)
                  for _ in range(3)) * 1000
    t_sweep_r = min(sweep(rp, rcl, cost_r, u_r, need_r, cp, crw) for _ in range(3)) * 1000
    return (f"| {rows:,} × {cols:,} | {A.nnz:,} | {t_numpy:.0f} | {t_numba:.0f} | "
            f"{t_renum:.0f} | {t_numpy / t_renum:.1f} | {t_sweep:.0f} | {t_sweep_r:.0f} | "
            f"{t_perm:.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200000x20000,1000000x100000")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"python {sys.version.split()[0]}; compile/load of the kernels "
          f"{kernels.warm_up():.1f} s (not in the times below); ms, best of 3, one thread")
    print("| instance | nnz | A^T u numpy | A^T u numba | numba renumbered | ratio numpy / "
          "renumbered | sweep | sweep renumbered | renumbering |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        print(measure(*map(int, size.split("x"))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
