"""OpenCelliD reading: the real 45,745-row export, and a generated 1 GB file.

Usage::  .venv/bin/python benchmarks/opencellid_bench.py [--gigabytes 1.0] [--keep FILE]

1. ``read_opencellid`` on ``data/opencellid/ocid-diff-2022-09-10.csv`` (read,
   group cells into sites), best of 5, next to a bare ``pandas.read_csv`` of
   the same file (the ratio says what grouping and checks cost).
2. A generated OpenCelliD-style CSV of the given size (sites of 1–6 cells of
   one operator within a few metres, spread over China and the world), read
   in a child process so its peak memory (``ru_maxrss``) is the reader's
   alone: all cells grouped into sites, and with ``mcc=460, radio=NR``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "data" / "opencellid" / "ocid-diff-2022-09-10.csv"
COLUMNS = ["radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples",
           "changeable", "created", "updated", "averageSignal"]

CHILD = """
import json, resource, sys, time
from siteplan.sources import read_opencellid
kwargs = json.loads(sys.argv[2])
t0 = time.perf_counter()
sites = read_opencellid(sys.argv[1], **kwargs)
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
print(json.dumps({"seconds": seconds, "peak_gb": peak, "sites": len(sites),
                  "cells": int(sites["n_cells"].sum())}))
"""


def generate(path: Path, gigabytes: float, seed: int = 0) -> int:
    """Write an OpenCelliD-style CSV of about ``gigabytes``; returns the rows."""
    rng = np.random.default_rng(seed)
    target = gigabytes * 1e9
    rows = 0
    with path.open("w") as handle:
        handle.write(",".join(COLUMNS) + "\n")
        while handle.tell() < target:
            n_sites = 200_000
            cells_per = rng.integers(1, 7, n_sites)
            n = int(cells_per.sum())
            china = rng.random(n_sites) < 0.4
            lon = np.where(china, rng.uniform(100, 122, n_sites), rng.uniform(-120, 150, n_sites))
            lat = np.where(china, rng.uniform(22, 40, n_sites), rng.uniform(-40, 60, n_sites))
            mcc = np.where(china, 460, rng.choice([262, 208, 310, 440, 244], n_sites))
            net = rng.choice([0, 1, 2, 3, 11], n_sites)
            site = np.repeat(np.arange(n_sites), cells_per)
            jitter = rng.normal(0, 0.00005, (2, n))  # a few metres
            frame = pd.DataFrame({
                "radio": rng.choice(["GSM", "UMTS", "LTE", "NR"], n, p=[0.3, 0.1, 0.45, 0.15]),
                "mcc": mcc[site], "net": net[site], "area": rng.integers(1, 65000, n),
                "cell": rng.integers(1, 2**28, n), "unit": rng.integers(0, 504, n),
                "lon": np.round(lon[site] + jitter[0], 6), "lat": np.round(lat[site] + jitter[1], 6),
                "range": rng.integers(100, 5000, n), "samples": rng.integers(1, 500, n),
                "changeable": 1, "created": 1_600_000_000, "updated": 1_660_000_000,
                "averageSignal": 0})
            frame.to_csv(handle, header=False, index=False)
            rows += n
    return rows


def child(path: Path, **kwargs: object) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), json.dumps(kwargs)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--keep", type=Path, default=None, help="write the big file here")
    args = parser.parse_args()
    from siteplan.sources import read_opencellid

    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d')}, "
          f"python {platform.python_version()}")
    ours, bare = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        pd.read_csv(REAL)
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        sites = read_opencellid(REAL)
        ours.append(time.perf_counter() - t0)
    print(f"real export: {int(sites['n_cells'].sum()):,} cells -> {len(sites):,} sites; "
          f"read_opencellid {min(ours):.3f} s, bare pandas.read_csv {min(bare):.3f} s "
          f"(ratio {min(ours) / min(bare):.1f})")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "cells.csv"
        t0 = time.perf_counter()
        rows = generate(path, args.gigabytes)
        size_gb = path.stat().st_size / 1e9
        print(f"generated {size_gb:.2f} GB, {rows:,} rows in {time.perf_counter() - t0:.0f} s")
        print("| read | time (s) | peak memory (GB) | cells kept | sites |")
        print("|---|---:|---:|---:|---:|")
        for label, kwargs in [("all cells, grouped", {}),
                              ("mcc=460, radio=NR", {"mcc": 460, "radio": "NR"})]:
            r = child(path, **kwargs)
            print(f"| {label} | {r['seconds']:.1f} | {r['peak_gb']:.2f} | {r['cells']:,} | "
                  f"{r['sites']:,} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
