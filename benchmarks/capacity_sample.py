"""Capacity planning on the sample county: the 2022 count and its split against 600+.

The sample county (SYNTHETIC, modelled on Changle: targets 150 / 400 / 600+
sites for 2020 / 2021 / 2022) with the populations documented in
``siteplan/datasets/generate.py`` and every assumption at its default (the
defaults table, printed below): the plan with coverage and capacity rows,
land use and roads, then the coverage-only comparison, the per-area sizing
and the traffic sensitivity. Nothing is tuned to reach the policy target.

Usage::

    .venv/bin/python benchmarks/capacity_sample.py [--time-limit 5] [--sens-limit 5]

Writes ``benchmarks/results/capacity_sample.json`` and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

from siteplan import capacity_report as cr
from siteplan.datasets import load_sample, sample_path
from siteplan.planner import plan
from siteplan.project import run


def md(frame: pd.DataFrame, digits: int = 1) -> str:
    """A DataFrame as a Markdown table (no extra dependency)."""
    def cell(v: object) -> str:
        if isinstance(v, float):
            return f"{v:,.{digits}f}"
        return str(v).replace("|", "\\|")
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, "|" + "---|" * len(frame.columns), *rows])


OUT = Path(__file__).resolve().parent / "results" / "capacity_sample.json"
KEYS = ("traffic.penetration", "traffic.operator_share", "traffic.gb_per_user_month",
        "traffic.busy_hour_share", "capacity.load_cap", "capacity.tdd_dl_share",
        "capacity.macro.sectors", "capacity.macro.mimo_layers",
        "capacity.se_per_layer_bps_hz.urban", "radio.band", "radio.bandwidth_mhz.n78",
        "cost_cny.indoor_das", "proposals.mode")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=5.0,
                        help="solver seconds per milestone (the sample config's value)")
    parser.add_argument("--sens-limit", type=float, default=5.0,
                        help="solver seconds per milestone in the re-solves")
    args = parser.parse_args()
    print(f"# {platform.node()} {platform.machine()} python {platform.python_version()} "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:  # end to end, as `siteplan demo` runs it
        t = time.perf_counter()
        run(sample_path("sample_county.toml"), Path(tmp) / "out", tiles=None)
        end_to_end_s = time.perf_counter() - t
    print(f"end to end (project.run on the sample config, every output written): "
          f"{end_to_end_s:.1f} s")
    t0 = time.perf_counter()
    candidates, targets, config = load_sample()
    landuse = gpd.read_file(sample_path("landuse.gpkg"))
    roads = gpd.read_file(sample_path("roads.gpkg"))
    t_read = time.perf_counter()
    p = plan(candidates, targets, landuse=landuse, roads=roads,
             assumptions=config.assumptions, site_targets=config.site_targets,
             time_limit_s=args.time_limit, seed=config.seed)
    t_plan = time.perf_counter()
    cov = cr.coverage_only(p, time_limit_s=args.time_limit, seed=config.seed)
    t_cov = time.perf_counter()
    split = cr.milestone_split(p, cov)
    sizing = cr.area_sizing(p, 2022, cov[-1])
    sens = cr.sensitivity(p, cov, gb_per_user_month=(15.0, 30.0, 60.0, 120.0),
                          penetration=(0.3, 0.5, 0.8), time_limit_s=args.sens_limit,
                          seed=config.seed)
    t_sens = time.perf_counter()
    people = p.traffic["people"].sum()
    pd.set_option("display.width", 200)
    print(f"\nread {t_read - t0:.1f} s, plan {t_plan - t_read:.1f} s, coverage-only "
          f"{t_cov - t_plan:.1f} s, sensitivity {t_sens - t_cov:.1f} s; people in target "
          f"areas {people:,.0f}, busy-hour demand {p.traffic['demand_mbps'].sum():,.0f} Mbps")
    print("\n" + md(split))
    print("\n" + md(p.summary()[["milestone", "sites", "new", "reused", "on_air", "cost_cny",
                                  "gap"]]))
    print("\n" + md(sizing.drop(columns=["name"])))
    print("\n" + md(sens))
    print("\nsite capacity (Mbps):\n"
          + md(p.capacity_model.table().reset_index(names="profile"), 0))
    print("\n" + "\n".join(p.notes))
    a = p.area_coverage(2022)
    print("\n" + md(a[["area_id", "coverage_target", "coverable_share", "covered_share",
                       "target_met", "unreachable_reason"]], 3))
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({
        "assumptions": {k: p.assumptions[k] for k in KEYS},
        "times_s": {"end_to_end": end_to_end_s, "read": t_read - t0, "plan": t_plan - t_read,
                    "coverage_only": t_cov - t_plan, "sensitivity": t_sens - t_cov},
        "split": split.to_dict(orient="records"),
        "areas": sizing.to_dict(orient="records"),
        "sensitivity": sens.to_dict(orient="records"),
        "load": os.getloadavg(),
    }, indent=1, default=float), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
