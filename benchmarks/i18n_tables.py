"""Cost of the language layer on the site tables (issue 28).

Every CSV/XLSX/KML table goes through ``siteplan.deliver.sheets.localise``
(whole numbers as integers in both languages; Chinese headings, terms and
是/否 in Chinese). This times it on a regional-size site list against the
table's own CSV write, side by side in one run, and times the catalogue
lookup of a console line.

Run: ``.venv/bin/python benchmarks/i18n_tables.py [rows]`` (default 100,000).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from siteplan.deliver.sheets import localise
from siteplan.i18n import translate
from siteplan.io.tables import write_csv
from siteplan.kinds import KIND_INFO


def site_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """A site list shaped like ``sites_<year>.csv`` (ids, names, kinds, costs)."""
    rng = np.random.default_rng(seed)
    kinds = np.array(list(KIND_INFO))
    return pd.DataFrame({
        "site_id": [f"S{i:06d}" for i in range(rows)],
        "name": [f"站址 {i}" if i % 7 else f"Proposed greenfield {i}" for i in range(rows)],
        "lon": rng.uniform(119, 120, rows).round(7), "lat": rng.uniform(25, 26, rows).round(7),
        "kind": kinds[rng.integers(0, kinds.size, rows)],
        "status": np.array(["new", "reused", "on_air"])[rng.integers(0, 3, rows)],
        "since": rng.integers(2020, 2024, rows),
        "height_m": rng.integers(10, 50, rows).astype(float),
        "power_supply": np.array(["direct", "transfer", "unknown"])[rng.integers(0, 3, rows)],
        "cost_cny": rng.integers(1, 40, rows).astype(float) * 5000.0,
        "proposed": rng.random(rows) < 0.1,
    })


def timed(call, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def main(rows: int = 100_000) -> None:
    table = site_table(rows)
    folder = Path(tempfile.mkdtemp())
    raw_csv = timed(lambda: write_csv(table, folder / "raw.csv"))
    en = timed(lambda: localise(table, "en"))
    zh = timed(lambda: localise(table, "zh"))
    zh_csv = timed(lambda: write_csv(localise(table, "zh"), folder / "zh.csv"))
    line = "milestone 2022: set cover over 7,808 demand points"
    n = 2000
    per_line = timed(lambda: [translate(line, "zh") for _ in range(n)]) / n
    print(f"rows: {rows:,}")
    print(f"write_csv (no localise):      {raw_csv:6.2f} s")
    print(f"localise en:                  {en:6.2f} s  ({en / raw_csv:.2f} x the CSV write)")
    print(f"localise zh:                  {zh:6.2f} s  ({zh / raw_csv:.2f} x the CSV write)")
    print(f"localise zh + write_csv:      {zh_csv:6.2f} s")
    print(f"translate one console line:   {per_line * 1e6:6.0f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
