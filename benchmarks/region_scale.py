"""The sample region end to end: 1 Dask worker, 2 Dask workers, and a plain loop.

Writes the synthetic province (``siteplan.datasets.province``), then plans
it three ways, each in a fresh process with a fresh work folder (no cached
results): ``plan-region --loop`` (units one by one in one process, no
Dask), ``--workers 1`` and ``--workers 2`` (local cluster, processes, one
thread each). Reports wall time and the ratios, the stage times, peak
memory of the driver and of each worker, and the spread of per-unit task
times.

Run: ``python benchmarks/region_scale.py --columns 5 --rows 4 --spacing 200 --limit 2``
(from the repository root; prints JSON, ``--json FILE`` also writes it).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def one(config: Path, out: Path, mode: str, limit: float | None) -> dict:
    """Run one mode in this process (called in a fresh subprocess)."""
    from siteplan.region.run import plan_region

    start = time.perf_counter()
    kwargs = {"executor": "loop"} if mode == "loop" else {"workers": int(mode)}
    result = plan_region(config, out, time_limit_s=limit, tiles=None,
                         work_dir=out.parent / f"work-{mode}", **kwargs)
    wall = time.perf_counter() - start
    report = json.loads((out / "summary.json").read_text())
    unit_s = np.array([r["seconds"] for r in result.unit_results.values()])
    folder_s = np.array([r["seconds"] for r in result.unit_outputs.values()])
    work = out.parent / f"work-{mode}"
    part_mb = [sum(f.stat().st_size for f in d.iterdir()) / 1e6
               for d in (work / "partitions").iterdir()]
    strip_kb = [Path(r["strip_file"]).stat().st_size / 1e3
                for r in result.unit_results.values() if r["strip_file"]]
    result_kb = [len(pickle.dumps(r)) / 1e3 for r in result.unit_results.values()]
    folder_kb = [len(pickle.dumps(r)) / 1e3 for r in result.unit_outputs.values()]
    return {"mode": mode, "wall_s": round(wall, 1), "timings_s": report["timings_s"],
            "partition_mb_per_unit": {"median": round(float(np.median(part_mb)), 2),
                                      "max": round(float(np.max(part_mb)), 2)},
            "strip_kb_per_unit_median": round(float(np.median(strip_kb)), 1) if strip_kb else 0,
            "task_result_kb_per_unit_median": round(float(np.median(result_kb)), 1),
            "folder_task_result_kb_per_unit_median": round(float(np.median(folder_kb)), 1),
            "units": len(result.units), "failed": list(result.failures),
            "unit_plan_s": {"min": round(float(unit_s.min()), 1),
                            "median": round(float(np.median(unit_s)), 1),
                            "max": round(float(unit_s.max()), 1),
                            "p90": round(float(np.percentile(unit_s, 90)), 1)},
            "unit_folder_s_median": round(float(np.median(folder_s)), 1),
            "demand_points": int(sum(r["demand_points"] for r in result.unit_results.values())),
            "candidates_in_partitions": int(sum(r["candidates"]
                                                for r in result.unit_results.values())),
            "peak_rss_mb_per_worker": {k: round(v) for k, v in
                                       report["peak_rss_mb_per_worker"].items()},
            "driver_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "stitch": report["stitch"],
            "total_2022": [r for r in report["summary"] if r["unit_code"] == "TOTAL"][-1]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--columns", type=int, default=5)
    ap.add_argument("--rows", type=int, default=4)
    ap.add_argument("--spacing", type=float, default=200.0)
    ap.add_argument("--limit", type=float, default=2.0)
    ap.add_argument("--modes", default="2,1,loop")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--one", nargs=3, metavar=("CONFIG", "OUT", "MODE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(Path(args.one[0]), Path(args.one[1]), args.one[2], args.limit)))
        return
    from siteplan.datasets.province import write_province

    root = Path(tempfile.mkdtemp(prefix="region-scale-"))
    t0 = time.perf_counter()
    write_province(root / "in", args.columns, args.rows, spacing_m=args.spacing,
                   time_limit_s=args.limit)
    runs = {"load_before": os.getloadavg(), "province_write_s": round(time.perf_counter() - t0, 1),
            "columns": args.columns, "rows": args.rows, "spacing_m": args.spacing,
            "time_limit_s": args.limit, "modes": []}
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for mode in args.modes.split(","):
        proc = subprocess.run([sys.executable, __file__, "--limit", str(args.limit), "--one",
                               str(root / "in" / "region.toml"), str(root / f"out-{mode}"), mode],
                              capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"mode {mode} failed:\n{proc.stderr[-3000:]}")
        runs["modes"].append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(json.dumps(runs["modes"][-1]), file=sys.stderr)
    walls = {m["mode"]: m["wall_s"] for m in runs["modes"]}
    if "1" in walls and "2" in walls:
        runs["speedup_2_vs_1_workers"] = round(walls["1"] / walls["2"], 2)
    if "loop" in walls and "2" in walls:
        runs["speedup_2_workers_vs_loop"] = round(walls["loop"] / walls["2"], 2)
    runs["load_after"] = os.getloadavg()
    print(json.dumps(runs, indent=1))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
