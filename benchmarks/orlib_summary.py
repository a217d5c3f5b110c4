"""Per-class summary of benchmarks/results/orlib.csv (made by orlib_bench.py).

Usage::  .venv/bin/python benchmarks/orlib_summary.py
"""

import pandas as pd

d = pd.read_csv("benchmarks/results/orlib.csv")
d["class"] = d["instance"].str.extract(r"^scp(nr[a-z]|[a-z]|\d)", expand=False).str.upper()
g = d.groupby("class").agg(
    instances=("instance", "count"), greedy_prune_gap_pct=("greedy_gap_pct", "mean"),
    auto_gap_pct=("gap_to_best_pct", "mean"), auto_worst_pct=("gap_to_best_pct", "max"),
    matched_best=("gap_to_best_pct", lambda x: int((x <= 1e-9).sum())),
    auto_time_mean_s=("time_auto_s", "mean"), auto_time_max_s=("time_auto_s", "max"))
table = g.round(2).reset_index()
print("| " + " | ".join(table.columns) + " |")
print("|" + "---|" * len(table.columns))
for row in table.itertuples(index=False):
    print("| " + " | ".join(str(v) for v in row) + " |")
print(f"\nall {len(d)}: auto mean gap {d.gap_to_best_pct.mean():.3f}%, worst "
      f"{d.gap_to_best_pct.max():.2f}%, matched {int((d.gap_to_best_pct <= 1e-9).sum())}; "
      f"greedy+prune mean {d.greedy_gap_pct.mean():.2f}%; auto max time {d.time_auto_s.max():.2f} s")
