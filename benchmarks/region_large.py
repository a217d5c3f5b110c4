"""A large synthetic province planned for real through the CLI, at default settings.

Writes a ``columns × rows`` province (``siteplan.datasets.province``, 100 m
demand grid, 5 s solver limit per milestone: the generator's defaults), then
runs ``python -m siteplan.cli plan-region region.toml --out OUT`` once in a
fresh process with a fresh work folder (local cluster, one worker per core:
the CLI's default) and measures, while it runs, every 5 s: the 1-minute
load average and the resident memory of the whole process tree (driver,
scheduler, nanny and workers, via psutil). Reports the wall time, the units,
km² and demand points planned, the peak memory (tree and per process), the
stage times from ``summary.json`` and the load before, during and after.

Run (from the repository root, with this checkout's ``siteplan`` on
``PYTHONPATH``): ``python benchmarks/region_large.py --columns 12 --rows 10
--json benchmarks/results/region_large_120.json`` (120 counties, default
workers) or ``--columns 5 --rows 4 --workers 1 --json
benchmarks/results/region_large_20_capacity.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


def _tree_rss_mb(pid: int) -> tuple[float, float]:
    """Total and largest resident memory (MB) of a process and its descendants."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0, 0.0
    sizes = []
    for p in procs:
        try:
            sizes.append(p.memory_info().rss / 1e6)
        except psutil.NoSuchProcess:
            pass
    return (sum(sizes), max(sizes)) if sizes else (0.0, 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--columns", type=int, default=12)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--spacing", type=float, default=100.0)
    ap.add_argument("--limit", type=float, default=5.0)
    ap.add_argument("--workers", type=int, default=None, help="default: the CLI's (cores)")
    ap.add_argument("--root", type=Path, default=None, help="folder for inputs and outputs")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    from siteplan.datasets.province import write_province

    root = args.root or Path(tempfile.mkdtemp(prefix="region-large-"))
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    write_province(root / "in", args.columns, args.rows, spacing_m=args.spacing,
                   time_limit_s=args.limit)
    import geopandas as gpd

    units = gpd.read_file(root / "in" / "units.gpkg")
    km2 = float(units.to_crs(units.estimate_utm_crs()).area.sum() / 1e6)
    report = {"columns": args.columns, "rows": args.rows, "units": len(units),
              "km2": round(km2), "spacing_m": args.spacing, "time_limit_s": args.limit,
              "workers": args.workers or os.cpu_count(),
              "province_write_s": round(time.perf_counter() - t0, 1),
              "load_before": os.getloadavg(), "started_utc": time.strftime(
                  "%Y-%m-%d %H:%M:%S", time.gmtime())}
    cmd = [sys.executable, "-m", "siteplan.cli", "plan-region", str(root / "in" / "region.toml"),
           "--out", str(root / "out"), "--tiles", "none"]
    if args.workers:
        cmd += ["--workers", str(args.workers)]
    log = open(root / "plan-region.log", "w", encoding="utf-8")  # noqa: SIM115
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=Path.cwd())
    samples: list[tuple[float, float, float, float]] = []

    def watch() -> None:
        while proc.poll() is None:
            total, largest = _tree_rss_mb(proc.pid)
            samples.append((round(time.perf_counter() - start, 1), os.getloadavg()[0],
                            round(total), round(largest)))
            time.sleep(5.0)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    watcher.join(timeout=10)
    log.close()
    text = (root / "plan-region.log").read_text(encoding="utf-8")
    report.update({"exit_code": code, "wall_s": round(wall, 1), "load_after": os.getloadavg(),
                   "finished_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())})
    points = [int(m.replace(",", "")) for m in re.findall(r"s, ([\d,]+) demand points", text)]
    report["demand_points"] = sum(points)
    loads = [s[1] for s in samples]
    report["load_during"] = {"min": min(loads), "mean": round(sum(loads) / len(loads), 2),
                             "max": max(loads)} if loads else {}
    report["peak_tree_rss_mb"] = max((s[2] for s in samples), default=0)
    report["peak_process_rss_mb"] = max((s[3] for s in samples), default=0)
    summary = root / "out" / "summary.json"
    if summary.exists():
        s = json.loads(summary.read_text(encoding="utf-8"))
        report.update({"timings_s": s["timings_s"], "unit_seconds": {
            k: v for k, v in s["unit_seconds"].items() if k != "per_unit"},
            "peak_rss_mb_per_worker": s["peak_rss_mb_per_worker"],
            "failed_units": s["failed_units"], "stitch": s["stitch"],
            "total_last_year": [r for r in s["summary"] if r["unit_code"] == "TOTAL"][-1]})
    report["samples_t_load_treeMB_maxprocMB"] = samples[::6]
    report["log_tail"] = text.splitlines()[-8:]
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    sys.exit(0 if code == 0 else 1)


if __name__ == "__main__":
    main()
