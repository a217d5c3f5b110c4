"""CPU seconds of the region's coverage matrix, flat vs DEM vs DEM + clutter.

Usage::

    .venv/bin/python benchmarks/terrain_cpu.py --side-km 98 --label new

Like :mod:`terrain_region` (same region and rasters) but reports, for the
second call of each setting (rasters read, kernel loaded), the process CPU
time (``time.process_time``: every thread's, so other sessions on the shared
cores inflate it far less than the wall time) next to the wall time. To
compare two versions run it once per tree, alternating, with ``PYTHONPATH``
set to each tree (``git archive main | tar -x -C /tmp/old``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from terrain_region import write_rasters  # noqa: E402

from siteplan.coverage import coverage_matrix  # noqa: E402
from siteplan.datasets.bigregion import build_region  # noqa: E402
from siteplan.defaults import Assumptions  # noqa: E402
from siteplan.demand import demand_points  # noqa: E402
from siteplan.schema import validate_candidates, validate_targets  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side-km", type=float, default=30.0)
    parser.add_argument("--label", default="", help="printed before each line (old / new)")
    args = parser.parse_args()
    layers = build_region(args.side_km)
    targets = validate_targets(layers["targets"], "targets")
    metric = targets.estimate_utm_crs()
    targets_m = targets.to_crs(metric)
    cands_m = validate_candidates(layers["candidates"], "candidates").to_crs(metric)
    demand = demand_points(targets_m, spacing_m=45.0)
    with tempfile.TemporaryDirectory() as tmp:
        dem, cover = write_rasters(Path(tmp), targets_m, tuple(cands_m.total_bounds))
        settings = {
            "flat": {"coverage.max_pairs": 1e9},
            "dem": {"coverage.max_pairs": 1e9, "terrain.dem": str(dem)},
            "dem+clutter": {"coverage.max_pairs": 1e9, "terrain.dem": str(dem),
                            "terrain.clutter": str(cover)},
        }
        for name, assumptions in settings.items():
            coverage_matrix(demand, cands_m, Assumptions(assumptions))  # rasters, kernel loaded
            cpu0, wall0 = time.process_time(), time.perf_counter()
            cov = coverage_matrix(demand, cands_m, Assumptions(assumptions))
            print(f"{args.label} {name}: cpu {time.process_time() - cpu0:.2f} s, wall "
                  f"{time.perf_counter() - wall0:.2f} s, {cov.matrix.nnz:,} covered, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
