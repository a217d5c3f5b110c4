"""OR-Library weighted set cover: siteplan's greedy, auto and (optionally) the
plain greedy side by side, against the best known values.

Usage::

    .venv/bin/python benchmarks/orlib_bench.py [--limit 10] [--only scp41,scpnrg1]
        [--orlib ../shared/benchmarks/orlib] [--out benchmarks/results/orlib.csv]
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
import time
from pathlib import Path

import numpy as np
from orlib import read_orlib

from siteplan.solve import set_cover


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orlib", default=str(Path(__file__).parents[1].parent / "shared" /
                                               "benchmarks" / "orlib"))
    parser.add_argument("--limit", type=float, default=10.0, help="auto time limit, s")
    parser.add_argument("--only", default="", help="comma-separated instance names")
    parser.add_argument("--out", default="benchmarks/results/orlib.csv")
    args = parser.parse_args()
    folder = Path(args.orlib)
    best = {r["instance"]: r for r in csv.DictReader(open(folder / "best_known.csv"))}
    names = [n for n in best if not args.only or n in args.only.split(",")]
    rows = []
    print(f"# {platform.node()} {platform.processor() or platform.machine()} "
          f"python {sys.version.split()[0]} {time.strftime('%Y-%m-%d')}")
    print(f"{'instance':10} {'best':>6} {'greedy':>7} {'auto':>7} {'bound':>9} "
          f"{'gap_best%':>9} {'greedy%':>8} {'t_auto_s':>8}")
    for name in names:
        A, cost = read_orlib(folder / f"{name}.txt.gz")
        bk = float(best[name]["weighted_best_known"])
        g = set_cover(A, cost, method="greedy")
        a = set_cover(A, cost, method="auto", time_limit_s=args.limit, seed=0)
        assert a.lower_bound <= a.cost + 1e-6 and a.covered == 1.0
        row = dict(instance=name, best_known=bk, greedy=g.cost, auto=a.cost,
                   lower_bound=round(a.lower_bound, 3),
                   gap_to_best_pct=round(100 * (a.cost - bk) / bk, 3),
                   greedy_gap_pct=round(100 * (g.cost - bk) / bk, 3),
                   time_auto_s=round(a.time_s, 2), time_greedy_s=round(g.time_s, 3))
        rows.append(row)
        print(f"{name:10} {bk:6.0f} {g.cost:7.0f} {a.cost:7.0f} {a.lower_bound:9.2f} "
              f"{row['gap_to_best_pct']:9.3f} {row['greedy_gap_pct']:8.2f} {a.time_s:8.2f}",
              flush=True)
    gaps = np.array([r["gap_to_best_pct"] for r in rows])
    ggaps = np.array([r["greedy_gap_pct"] for r in rows])
    times = np.array([r["time_auto_s"] for r in rows])
    print(f"instances {len(rows)}: auto mean gap {gaps.mean():.3f}% worst {gaps.max():.3f}% "
          f"matched best {int((gaps <= 1e-9).sum())}; greedy+prune mean {ggaps.mean():.2f}% "
          f"worst {ggaps.max():.2f}%; auto time max {times.max():.2f}s mean {times.mean():.2f}s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
