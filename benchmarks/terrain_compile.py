"""Compile time of the terrain kernels on an empty numba cache (what a first plan after install pays).

Usage::

    .venv/bin/python benchmarks/terrain_compile.py                 # this code
    .venv/bin/python benchmarks/terrain_compile.py --baseline DIR  # and the code in DIR, alternating

Each measurement is a new process with ``NUMBA_CACHE_DIR`` set to an empty
folder: it times the first call of ``PathLossModel.profile_terms`` (SINR,
calibration, path-loss queries), then of ``pair_rsrp_dbm`` (the coverage
matrix; its bound tables included) and of ``site_reach_m`` (the search radii)
on a tiny random DEM and clutter grid, then the whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, time
t0 = time.perf_counter()
import numpy as np
from siteplan.defaults import Assumptions
from siteplan.radio import LinkBudget
from siteplan.terrain import PathLossModel
from siteplan.terrain.raster import Grid
rng = np.random.default_rng(0)
dem = Grid(rng.random((50, 50), dtype=np.float32) * 50, 0.0, 1470.0, 30.0, ("t",))
cls = Grid(rng.integers(0, 5, (50, 50)).astype(np.int32), 0.0, 1470.0, 30.0, ("t",))
model = PathLossModel(LinkBudget.from_assumptions(Assumptions()), dem=dem, clutter=cls)
sites, pts, h = rng.uniform(100, 1400, (20, 2)), rng.uniform(100, 1400, (20, 2)), np.full(20, 30.0)
out = {}
t = time.perf_counter()
model.profile_terms(sites, h, pts, 1.5, 3.5)
out["profile_terms"] = time.perf_counter() - t
t = time.perf_counter()
model.pair_rsrp_dbm("UMa", sites, h, pts, np.arange(20), np.arange(20),
                    np.hypot(*(pts - sites).T), macro=True, indoor=np.zeros(20, bool),
                    site_nlos_m=np.full(20, 500.0), cutoff_dbm=-110.0)
out["pair_rsrp_dbm"] = time.perf_counter() - t
t = time.perf_counter()
model.site_reach_m("UMa", sites, h, macro=True, window_m=500.0)
out["site_reach_m"] = time.perf_counter() - t
out["process"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", help="also time the code in this folder (PYTHONPATH)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    codes = {"this code": None, **({"baseline": args.baseline} if args.baseline else {})}
    for i in range(args.runs):
        for name, path in codes.items():
            with tempfile.TemporaryDirectory() as cache:
                env = {**os.environ, "NUMBA_CACHE_DIR": cache}
                if path:
                    env["PYTHONPATH"] = path
                row = json.loads(subprocess.run([sys.executable, "-c", CHILD], env=env, check=True,
                                                cwd=cache,
                                                capture_output=True, text=True).stdout)
            print(f"run {i} {name}: " + ", ".join(f"{k} {v:.2f} s" for k, v in row.items()),
                  flush=True)
    print("load:", os.getloadavg(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
