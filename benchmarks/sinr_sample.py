"""Best server / SINR on the sample county: time, pairs, KPIs per milestone.

The sample county config as shipped (100 m demand grid, every assumption at
its default): the plan is built once, then :func:`siteplan.sinr_report.sinr_section`
runs on it (cold cache), timed per milestone; the ratio to the plan's own
time is printed. With ``--e2e`` the whole ``project.run`` (no output folder)
runs twice in the same process, with ``sinr.analysis`` on and off, side by
side.

Usage::

    .venv/bin/python benchmarks/sinr_sample.py [--time-limit 5] [--e2e]

Writes ``benchmarks/results/sinr_sample.json`` and prints Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from siteplan.config import load_config
from siteplan.datasets import sample_path
from siteplan.planner import plan
from siteplan.problem import build_problem
from siteplan.project import run
from siteplan.sinr_report import sinr_section
from siteplan.sources.inputs import load_inputs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--e2e", action="store_true", help="also time project.run with/without")
    args = ap.parse_args()
    cfg = load_config(sample_path("sample_county.toml"))
    inputs = load_inputs(cfg)
    load0 = os.getloadavg()
    start = time.perf_counter()
    problem = build_problem(inputs.candidates, inputs.targets, landuse=inputs.landuse,
                            assumptions=cfg.assumptions, population=inputs.population,
                            roads=inputs.roads)
    result = plan(problem, site_targets=cfg.site_targets, time_limit_s=args.time_limit,
                  seed=cfg.seed, deterministic=cfg.deterministic)
    plan_s = time.perf_counter() - start
    from siteplan.sinr_report import plan_sinr

    per_milestone = {}
    for m in result.milestones:
        start = time.perf_counter()
        plan_sinr(result, m.milestone)  # cached on the plan: the section below reuses it
        per_milestone[m.milestone] = time.perf_counter() - start
    sinr_s = sum(per_milestone.values())
    section = sinr_section(result)
    print(f"load before: {load0}; demand points {len(result.demand):,}; "
          f"problem + plan {plan_s:.1f} s; SINR (all milestones) {sinr_s:.2f} s "
          f"(ratio {sinr_s / plan_s:.2f})\n")
    print("| milestone | sites | points | cell-point pairs | time (s) | pairs/s | SINR>=0 | "
          "SINR>=13 | overlap | median SINR | overshooting |\n|---|---|---|---|---|---|---|---|"
          "---|---|---|")
    for m, ms in zip(section["milestones"], result.milestones, strict=True):
        m["time_s"] = per_milestone[m["milestone"]]
        print(f"| {m['milestone']} | {len(ms.selected)} | {m['points']:,} | {m['cells_pairs']:,} "
              f"| {m['time_s']:.2f} | {m['cells_pairs'] / m['time_s']:,.0f} | "
              f"{100 * m['sinr_ge_0_share']:.1f}% | {100 * m['sinr_ge_13_share']:.1f}% | "
              f"{100 * m['overlap_share']:.1f}% | {m['median_sinr_db']:.1f} dB | "
              f"{m['overshooting_sites']} |")
    doc = {"load_before": load0, "demand_points": len(result.demand), "plan_s": plan_s,
           "sinr_s": sinr_s, "milestones": [{k: v for k, v in m.items() if k != "areas"}
                                            for m in section["milestones"]]}
    if args.e2e:
        times = {}
        for mode in ("off", "on"):
            start = time.perf_counter()
            run(cfg, None, time_limit_s=args.time_limit, overrides={"sinr.analysis": mode},
                tiles=None)
            times[mode] = time.perf_counter() - start
        print(f"\nproject.run end to end (no folder): SINR off {times['off']:.1f} s, on "
              f"{times['on']:.1f} s (ratio {times['on'] / times['off']:.2f})")
        doc["e2e_s"] = times
    doc["load_after"] = os.getloadavg()
    print(f"\nload after: {doc['load_after']}")
    out = Path(__file__).with_name("results") / "sinr_sample.json"
    out.write_text(json.dumps(doc, indent=1, default=str))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
