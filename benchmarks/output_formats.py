"""Time and size of each output format of ``write_plan`` on the sample county.

Plans the sample county once (the demo's settings), then writes the plan
folder with no optional format (plan.gpkg, plan.json, report.json only) and
with each format alone, twice each (the faster run is kept), side by side in
one run, so the ratios hold on a noisy machine.

Usage: ``python benchmarks/output_formats.py [--lang zh]``
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from siteplan.config import load_config
from siteplan.datasets import sample_path
from siteplan.export import FORMATS, write_plan
from siteplan.planner import plan
from siteplan.problem import build_problem
from siteplan.project import load_inputs


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="en", choices=["en", "zh"])
    args = parser.parse_args()
    cfg = load_config(sample_path("sample_county.toml"))
    inputs = load_inputs(cfg)
    problem = build_problem(inputs.candidates, inputs.targets, landuse=inputs.landuse,
                            assumptions=cfg.assumptions)
    p = plan(problem, site_targets=cfg.site_targets, time_limit_s=3, seed=0, name=cfg.name)
    print(f"# {platform.node()} {platform.machine()}, {time.strftime('%Y-%m-%d %H:%M')}, "
          f"load {os.getloadavg()[0]:.1f}; sample county, {len(p.candidates):,} candidates, "
          f"{[m.selected.size for m in p.milestones]} sites, lang {args.lang}")
    print("| formats | write (s) | extra over base (s) | files | size (kB) |")
    print("|---|---:|---:|---:|---:|")
    base = None
    for chosen in [[], *[[f] for f in FORMATS]]:
        best = float("inf")
        for _ in range(2):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "out"
                t0 = time.perf_counter()
                written = write_plan(p, out, lang=args.lang, tiles=None, offline=True,
                                     context=inputs.context, zones=inputs.landuse,
                                     formats=chosen)
                best = min(best, time.perf_counter() - t0)
                size = sum(f.stat().st_size for f in written if f.exists())
                count = len(written)
        base = best if base is None else base
        label = ", ".join(chosen) or "none (gpkg, json)"
        print(f"| {label} | {best:.2f} | {best - base:+.2f} | {count} | {size / 1e3:,.0f} |")
    print(f"# load after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
