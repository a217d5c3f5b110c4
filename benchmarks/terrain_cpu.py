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

from terrain_region import model_settings, region_inputs, write_rasters  # noqa: E402

from siteplan.coverage import coverage_matrix  # noqa: E402
from siteplan.defaults import Assumptions  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side-km", type=float, default=30.0)
    parser.add_argument("--label", default="", help="printed before each line (old / new)")
    args = parser.parse_args()
    targets_m, cands_m, demand = region_inputs(args.side_km, 45.0)
    with tempfile.TemporaryDirectory() as tmp:
        dem, cover = write_rasters(Path(tmp), targets_m, tuple(cands_m.total_bounds))
        for name, assumptions in model_settings(dem, cover).items():
            coverage_matrix(demand, cands_m, Assumptions(assumptions))  # rasters, kernel loaded
            cpu0, wall0 = time.process_time(), time.perf_counter()
            cov = coverage_matrix(demand, cands_m, Assumptions(assumptions))
            print(f"{args.label} {name}: cpu {time.process_time() - cpu0:.2f} s, wall "
                  f"{time.perf_counter() - wall0:.2f} s, {cov.matrix.nnz:,} covered, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
