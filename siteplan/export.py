"""Write a plan's outputs atomically: GeoPackage, CSV, maps, reports.

Everything is written into a staging folder next to the output folder and
moved into place only when every file is complete, so a failed run leaves
no half-written file and does not touch earlier outputs.

Examples
--------
>>> from siteplan.export import sites_table
>>> callable(sites_table)
True
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from siteplan.io.atomic import output_folder, staged_files
from siteplan.maps import milestone_map, overview_map
from siteplan.planio import write_state
from siteplan.planner import Plan
from siteplan.power import site_power
from siteplan.report import markdown_report, plan_report

SITE_CSV_COLUMNS = ["site_id", "kind", "status", "since", "name", "owner", "height_m",
                    "power_supply", "open_access", "on_air", "cost_cny", "lon", "lat"]


def write_candidates(frame: gpd.GeoDataFrame, out: str | Path,
                     rejected: list[pd.DataFrame] | None = None, *, force: bool = False,
                     inputs: tuple[Path, ...] = ()) -> list[Path]:
    """Write merged candidates to ``.gpkg``/``.geojson``/``.csv`` (lon/lat),
    and rejected rows to ``<stem>_rejected.csv``; both are written to a
    staging folder first and renamed into place. An existing file is kept
    unless ``force``, and an input file is never the output."""
    out = Path(out)
    names = [out.name] + ([f"{out.stem}_rejected.csv"] if rejected else [])
    with staged_files(out.parent, names, force=force, protect=inputs) as stage:
        target = stage / out.name
        if out.suffix.lower() == ".csv":
            sites_table(frame).to_csv(target, index=False)
        else:
            _gpkg_safe(frame).to_file(target, engine="pyogrio",
                                      driver="GPKG" if out.suffix.lower() == ".gpkg"
                                      else "GeoJSON")
        if rejected:
            pd.concat(rejected, ignore_index=True)[["file", "line", "column", "reason"]] \
                .to_csv(stage / names[1], index=False)
    return [out.parent / n for n in names]


def sites_table(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Sites as a plain table with WGS84 ``lon``/``lat``."""
    wgs = sites.to_crs(4326)
    table = pd.DataFrame(wgs.drop(columns="geometry"))
    table["lon"] = wgs.geometry.x.round(7)
    table["lat"] = wgs.geometry.y.round(7)
    cols = [c for c in SITE_CSV_COLUMNS if c in table] + [
        c for c in table.columns if c not in SITE_CSV_COLUMNS]
    return table[cols]


def _gpkg_safe(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = frame.copy()
    for col in out.columns:
        if col != "geometry" and out[col].dtype == object:
            out[col] = out[col].map(lambda v: v if v is None or isinstance(v, str | int | float
                                                                           | bool) else str(v))
    return out


def write_plan(plan: Plan, out_dir: str | Path, *, lang: str = "en",
               tiles: str | None = "OpenStreetMap",
               context: list[gpd.GeoDataFrame] | None = None, offline: bool = False,
               extra_report: dict[str, Any] | None = None,
               extra_files: Callable[[Path], None] | None = None,
               progress: Callable[[str], None] | None = None,
               force: bool = False) -> list[Path]:
    """Write ``plan.gpkg``, ``plan.json``, ``sites_<m>.csv``, ``map_<m>.html``,
    ``report.md`` and ``report.json`` into ``out_dir``; returns the written paths.

    The folder is replaced as a whole (see :mod:`siteplan.io.atomic`): files
    of an earlier run do not survive, and a folder siteplan did not write is
    refused unless ``force``. :func:`siteplan.planio.read_plan` reads it back.
    """
    say = progress or (lambda _t: None)
    out = Path(out_dir)
    with output_folder(out, kind="plan", force=force) as stage:
        say("GeoPackage and CSV")
        gpkg = stage / "plan.gpkg"
        write_state(plan, stage)
        for m in plan.milestones:
            sites = plan.sites(m.milestone)
            _gpkg_safe(sites).to_file(gpkg, layer=f"sites_{m.milestone}", engine="pyogrio")
            unc = plan.uncovered(m.milestone)
            _gpkg_safe(unc).to_file(gpkg, layer=f"uncovered_{m.milestone}", engine="pyogrio",
                                    geometry_type="Point")
            table = sites_table(sites)
            table.to_csv(stage / f"sites_{m.milestone}.csv", index=False)
            power = site_power(sites, plan.assumptions)
            table[["site_id", "lon", "lat"]].merge(power, on="site_id").to_csv(
                stage / f"power_{m.milestone}.csv", index=False)
        if plan.excluded is not None:
            _gpkg_safe(plan.excluded).to_file(gpkg, layer="excluded_candidates",
                                              engine="pyogrio", geometry_type="Point")
            sites_table(plan.excluded).to_csv(stage / "excluded_candidates.csv", index=False)
            last = plan.milestones[-1].milestone
            plan.site_conflicts(last).to_csv(stage / f"landuse_conflicts_{last}.csv", index=False)
        say("maps")
        for m in plan.milestones:
            fmap = milestone_map(plan, m.milestone, lang=lang, tiles=tiles, context=context,
                                 offline=offline)
            fmap.save(str(stage / f"map_{m.milestone}.html"))
        overview_map(plan, lang=lang, tiles=tiles, context=context, offline=offline).save(
            str(stage / "map_overview.html"))
        if extra_files is not None:
            extra_files(stage)
        say("reports")
        report = plan_report(plan, extra_report)
        (stage / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False),
                                           encoding="utf-8")
        (stage / "report.md").write_text(markdown_report(report), encoding="utf-8")
        names = sorted(p.name for p in stage.iterdir())
    return [out / n for n in names]
