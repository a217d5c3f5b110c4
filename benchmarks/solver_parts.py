"""Fixed-cost parts of the solver, each against the variant it replaced.

Side by side in one run, best of ``--repeat`` timings each (these machines
are noisy; the ratio is the figure to read):

* greedy: the eager greedy (every gain kept current, an argmin per pick;
  single-group problems up to ``SolveOptions.eager_cols_limit`` columns) against
  the lazy heap (``eager_cols_limit=0``), and whether both pick the same
  cover;
* row reduction as shipped (containment on bit-packed rows where
  ``SolveOptions.bitset_words_per_row`` and ``bitset_words`` allow, else the
  sorted search) against the sorted search of ``(row, column)`` keys alone
  (``bitset_words_per_row=0``), and whether both keep the same rows;
* LP bound on the reduced rows: HiGHS with and without its presolve
  (``–`` when either is not solved within ``--lp-limit``).

Instances: the coverage families of ``coverage_instances.py`` and the
``disk_matrix`` city generator (weighted 1–100 and unicost).

Usage::

    .venv/bin/python benchmarks/solver_parts.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable

import numpy as np
from coverage_instances import FAMILIES, disk_matrix

from siteplan.solve.exact.highs import lp_bound
from siteplan.solve.instance import Problem, build_problem
from siteplan.solve.prep import reduce
from siteplan.solve.search import greedy

COVERAGE = [("uniform", 2000, 400), ("county", 2000, 400), ("county", 5000, 1000),
            ("county", 10000, 2000), ("county", 20000, 4000)]
DISKS = [(20000, 5000), (50000, 10000), (100000, 20000)]


def _best(run: Callable[[], object], repeat: int) -> tuple[object, float]:
    """The result of ``run`` and its best wall time over ``repeat`` calls (ms)."""
    best, out = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - start)
    return out, 1000 * best


def _instances() -> list[tuple[str, Problem]]:
    found = []
    for family, n, m in COVERAGE:
        inst = FAMILIES[family](n, m, seed=0)
        found.append((inst.name, build_problem(inst.A, inst.cost)))
    for n, m in DISKS:
        A, cost = disk_matrix(n, m, seed=0)
        found.append((f"disk-{n}x{m}-weighted", build_problem(A, cost)))
        found.append((f"disk-{n}x{m}-unicost", build_problem(A)))
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lp-limit", type=float, default=60.0,
                        help="seconds for each LP solve (unicost city LPs take minutes)")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()} python {sys.version.split()[0]} "
          f"{time.strftime('%Y-%m-%d')}; best of {args.repeat}, ms")
    print("| instance | rows × cols | nnz | greedy lazy | eager | ratio | same cover "
          "| reduce sorted | as shipped | ratio | same rows | LP presolve | no presolve | ratio |")
    print("|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---:|")
    none, limit = np.zeros(0, np.int64), args.lp_limit
    for name, p in _instances():
        lazy, t_lazy = _best(lambda p=p: greedy.greedy_cover(p, none, eager_cols_limit=0),
                             args.repeat)
        eager, t_eager = _best(lambda p=p: greedy.greedy_cover(p, none, eager_cols_limit=10**9),
                               args.repeat)
        (_, kept_s), t_sorted = _best(lambda p=p: reduce.reduce_rows(p, bitset_words_per_row=0),
                                      args.repeat)
        (q, kept_b), t_bits = _best(lambda p=p: reduce.reduce_rows(p), args.repeat)
        lp_cells = ["–", "–", "–"]
        if q.col_rows.size <= 2_000_000:
            on, t_on = _best(lambda q=q: lp_bound(q, none, time_limit_s=limit), 1)
            off, t_off = _best(lambda q=q: lp_bound(q, none, time_limit_s=limit,
                                                    presolve=False), 1)
            if on is not None and off is not None:
                assert abs(on[0] - off[0]) <= 1e-6 * max(1.0, abs(on[0])), (on[0], off[0])
                lp_cells = [f"{t_on:.1f}", f"{t_off:.1f}", f"{t_on / t_off:.2f}"]
        print(f"| {name} | {p.n_rows:,} × {p.n_cols:,} | {p.col_rows.size:,} | {t_lazy:.1f} "
              f"| {t_eager:.1f} | {t_lazy / t_eager:.2f} "
              f"| {sorted(lazy.tolist()) == sorted(eager.tolist())} | {t_sorted:.1f} "
              f"| {t_bits:.1f} | {t_sorted / t_bits:.2f} "
              f"| {kept_s.tolist() == kept_b.tolist()} ({q.n_rows:,}) | "
              + " | ".join(lp_cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
