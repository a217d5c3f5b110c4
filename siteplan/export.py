"""Write a plan's outputs atomically: GeoPackage and plan state, CSV, XLSX,
KML/KMZ, maps, Markdown/HTML/JSON reports, in English or Chinese.

Everything is written into a staging folder next to the output folder and
swapped in only when every file is complete (:mod:`siteplan.io.atomic`), so
a failed run leaves no half-written file and does not touch earlier
outputs. Every table goes through :mod:`siteplan.io.tables` (formula cells
neutralised), every map through :mod:`siteplan.maplayers` (data as text).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from siteplan.export import sites_table
>>> sites = gpd.GeoDataFrame({"site_id": ["T1"], "kind": ["tower"]},
...                          geometry=[Point(500000, 2800000)], crs="EPSG:32650")
>>> sites_table(sites)[["site_id", "lon", "lat"]].to_dict("records")
[{'site_id': 'T1', 'lon': 117.0, 'lat': 25.3165534}]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from siteplan.deliver.kml import write_kml
from siteplan.deliver.report_html import write_report_html
from siteplan.deliver.sheets import SITE_COLUMNS, localise, sites_table
from siteplan.errors import ConfigError
from siteplan.i18n import check_lang, column, headers, tr
from siteplan.io.atomic import output_folder, staged_files
from siteplan.io.tables import gpkg_ready, write_csv, write_xlsx
from siteplan.maplayers import resolve_tiles
from siteplan.maps import milestone_map, overview_map
from siteplan.messages import Msg
from siteplan.planio import write_state
from siteplan.planner import Plan
from siteplan.power import site_power
from siteplan.report import _MILESTONE_COLUMNS, markdown_report, plan_report

SITE_CSV_COLUMNS = SITE_COLUMNS  # the column order of site lists (kept name)


def write_candidates(frame: gpd.GeoDataFrame, out: str | Path,
                     rejected: list[pd.DataFrame] | None = None, *, force: bool = False,
                     inputs: tuple[Path, ...] = (), lang: str = "en") -> list[Path]:
    """Write merged candidates to ``.gpkg``/``.geojson``/``.csv`` (lon/lat),
    and rejected rows to ``<stem>_rejected.csv``; both are written to a
    staging folder first and renamed into place. An existing file is kept
    unless ``force``, and an input file is never the output. The candidate
    table stays canonical (siteplan reads it back); the rejected rows are
    written in ``lang``."""
    out = Path(out)
    names = [out.name] + ([f"{out.stem}_rejected.csv"] if rejected else [])
    with staged_files(out.parent, names, force=force, protect=inputs) as stage:
        target = stage / out.name
        if out.suffix.lower() == ".csv":
            write_csv(sites_table(frame), target)
        else:
            gpkg_ready(frame).to_file(target, engine="pyogrio",
                                      driver="GPKG" if out.suffix.lower() == ".gpkg"
                                      else "GeoJSON")
        if rejected:
            rows = pd.concat(rejected, ignore_index=True)
            write_csv(rejected_table({"rejected_rows": {
                str(f): g.to_dict("records") for f, g in rows.groupby("file", sort=False)}},
                lang), stage / names[1])
    return [out.parent / n for n in names]


def rejected_table(extra_report: dict[str, Any] | None, lang: str = "en") -> pd.DataFrame:
    """Every input row the readers dropped (``file, line, column, reason``),
    from the report's ``rejected_rows`` (:func:`siteplan.project.analyses`),
    the reasons in ``lang``; written as ``rejected_rows.csv`` beside the report.

    Examples
    --------
    >>> t = rejected_table({"rejected_rows": {"a.csv": [{"line": 3, "column": "kind",
    ...                                                  "reason": "unknown kind 'x'"}]}}, "zh")
    >>> t.values.tolist()
    [['a.csv', 3, 'kind', "未知站址类型 'x'"]]
    >>> list(rejected_table(None).columns)
    ['file', 'line', 'column', 'reason']
    """
    from siteplan.i18n import translate

    rows = [{"file": name, "line": r.get("line"), "column": r.get("column"),
             "reason": translate(str(r.get("reason", "")), lang)}
            for name, records in ((extra_report or {}).get("rejected_rows") or {}).items()
            for r in records]
    table = pd.DataFrame(rows, columns=["file", "line", "column", "reason"])
    return table.rename(columns=headers(table.columns, lang))


#: Optional outputs of :func:`write_plan` (``plan.gpkg`` and ``report.json`` are
#: always written: they make a folder a plan folder).
FORMATS: dict[str, str] = {
    "csv": "sites_<year>.csv, power_<year>.csv (UTF-8 with BOM)",
    "xlsx": "sites.xlsx: a sheet per milestone and a summary",
    "kml": "sites_<year>.kml (Google Earth, 奥维)",
    "kmz": "sites_<year>.kmz (zipped KML)",
    "maps": "map_<year>.html, map_overview.html",
    "md": "report.md",
    "html": "report.html: printable report with charts",
}
DEFAULT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "kml", "maps", "md", "html")


def check_formats(formats: Iterable[str] | None, *, kml_gcj02: bool = False) -> set[str]:
    """The chosen optional outputs (default :data:`DEFAULT_FORMATS`).

    ``kml_gcj02`` (also write GCJ-02 copies of the KML/KMZ) without ``kml``
    or ``kmz`` among the formats would write nothing: refused, so a planner
    who asked for the 奥维 file is not left without it and without a word.

    Examples
    --------
    >>> sorted(check_formats(["KML", "csv"]))
    ['csv', 'kml']
    >>> check_formats(["csv"], kml_gcj02=True)
    Traceback (most recent call last):
    siteplan.errors.ConfigError: --kml-gcj02 writes GCJ-02 copies of the KML/KMZ files, but \
--formats 'csv' has neither kml nor kmz: add kml (or kmz) to --formats, or drop --kml-gcj02.
    """
    chosen = {str(f).strip().lower() for f in (DEFAULT_FORMATS if formats is None else formats)}
    unknown = sorted(chosen - set(FORMATS))
    if unknown:
        raise ConfigError(Msg("format.unknown", formats=', '.join(map(repr, unknown)),
                              choices=', '.join(FORMATS)))
    if kml_gcj02 and not chosen & {"kml", "kmz"}:
        raise ConfigError(Msg("export.kml_gcj_writes", chosen=repr(','.join(sorted(chosen)))))
    return chosen


def _write_sites(plan: Plan, stage: Path, chosen: set[str], *, lang: str,
                 kml_gcj02: bool) -> dict[str, pd.DataFrame]:
    """Per milestone: the GeoPackage layers, CSV tables and KML/KMZ chosen;
    the excluded candidates and land-use conflicts. Returns the site sheets
    for the workbook."""
    gpkg = stage / "plan.gpkg"
    sheets: dict[str, pd.DataFrame] = {}
    kml_suffixes = [s for s in ("kml", "kmz") if s in chosen]
    for m in plan.milestones:
        sites = plan.sites(m.milestone)
        gpkg_ready(sites).to_file(gpkg, layer=f"sites_{m.milestone}", engine="pyogrio")
        gpkg_ready(plan.uncovered(m.milestone)).to_file(
            gpkg, layer=f"uncovered_{m.milestone}", engine="pyogrio", geometry_type="Point")
        table = sites_table(sites)
        sheets[str(m.milestone)] = localise(table, lang)
        if "csv" in chosen:
            write_csv(localise(table, lang), stage / f"sites_{m.milestone}.csv")
            power = site_power(sites, plan.assumptions)
            write_csv(localise(table[["site_id", "lon", "lat"]].merge(power, on="site_id"),
                               lang), stage / f"power_{m.milestone}.csv")
        title = f"{plan.name} {m.milestone}"
        for suffix in kml_suffixes:
            write_kml(sites, stage / f"sites_{m.milestone}.{suffix}", title=title, lang=lang)
            if kml_gcj02:
                write_kml(sites, stage / f"sites_{m.milestone}_gcj02.{suffix}", title=title,
                          lang=lang, gcj02=True)
    if plan.excluded is not None:
        gpkg_ready(plan.excluded).to_file(gpkg, layer="excluded_candidates",
                                          engine="pyogrio", geometry_type="Point")
        last = plan.milestones[-1].milestone
        if "csv" in chosen:
            write_csv(localise(sites_table(plan.excluded), lang),
                      stage / "excluded_candidates.csv")
            write_csv(localise(plan.site_conflicts(last), lang),
                      stage / f"landuse_conflicts_{last}.csv")
    return sheets


def _write_reports(plan: Plan, stage: Path, chosen: set[str], sheets: dict[str, pd.DataFrame],
                   extra_report: dict[str, Any] | None, *, lang: str) -> None:
    """``report.json`` always; ``report.md``, ``report.html`` and
    ``sites.xlsx`` when chosen."""
    report = plan_report(plan, extra_report, lang=lang)
    (stage / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
    markdown = markdown_report(report, lang)
    if "md" in chosen:
        (stage / "report.md").write_text(markdown, encoding="utf-8")
    if "html" in chosen:
        write_report_html(report, markdown, stage / "report.html", lang=lang)
    if "xlsx" in chosen:
        summary = pd.DataFrame([{k: m[k] for k, _ in _MILESTONE_COLUMNS}
                                for m in report["milestones"]])
        summary = summary.rename(columns={k: h for k, h in _MILESTONE_COLUMNS})
        summary = localise(summary, lang)
        summary = summary.rename(columns=headers(summary.columns, lang))
        write_xlsx({tr("r.milestones", lang): summary, **sheets}, stage / "sites.xlsx",
                   number_formats={column("reuse_share", lang): "0.0%"})


def write_plan(plan: Plan, out_dir: str | Path, *, lang: str = "en",
               tiles: str | None = "OpenStreetMap",
               context: list[gpd.GeoDataFrame] | None = None, offline: bool = False,
               extra_report: dict[str, Any] | None = None,
               extra_files: Callable[[Path], None] | None = None,
               progress: Callable[[str], None] | None = None,
               formats: Iterable[str] | None = None, tiles_crs: str | None = None,
               zones: gpd.GeoDataFrame | None = None, kml_gcj02: bool = False,
               force: bool = False, inputs: Iterable[str | Path] = ()) -> list[Path]:
    """Write a plan's outputs into ``out_dir``; returns the written paths.

    Always ``plan.gpkg`` and ``plan.json`` (the plan state,
    :func:`siteplan.planio.read_plan` reads it back) and ``report.json``;
    then the ``formats`` chosen (:data:`FORMATS`, default
    :data:`DEFAULT_FORMATS`). ``lang="zh"`` writes every label, heading and
    term in Chinese (CSV/XLSX headings such as 站址编码, 站址名称, 经度, 纬度 …;
    JSON keys stay canonical and ``report.json["labels"]`` gives their
    Chinese headings). ``tiles`` and ``tiles_crs`` choose the maps' online
    base map (Amap is GCJ-02: the data is shifted to match); ``context``
    layers and land-use ``zones`` are drawn as the offline base map.
    ``kml_gcj02`` also writes ``sites_<year>_gcj02.kml`` for 奥维/Amap.

    The folder is replaced as a whole (see :mod:`siteplan.io.atomic`): files
    of an earlier run do not survive, and a folder siteplan did not write is
    refused unless ``force``; a folder that is, holds or lies inside one of
    the ``inputs`` (the config, its layers) is always refused.
    """
    say = progress or (lambda _t: None)
    check_lang(lang)
    chosen = check_formats(formats, kml_gcj02=kml_gcj02)
    out = Path(out_dir)
    resolve_tiles(tiles, tiles_crs)  # bad tiles: fail before any work
    with output_folder(out, kind="plan", force=force, inputs=inputs) as stage:
        say(Msg("p.tables"))
        write_state(plan, stage)
        sheets = _write_sites(plan, stage, chosen, lang=lang, kml_gcj02=kml_gcj02)
        if "maps" in chosen:
            say(Msg("p.maps"))
            options = dict(lang=lang, tiles=tiles, context=context, offline=offline,
                           tiles_crs=tiles_crs, zones=zones)
            for m in plan.milestones:
                milestone_map(plan, m.milestone, **options).save(
                    stage / f"map_{m.milestone}.html")
            overview_map(plan, **options).save(stage / "map_overview.html")
        if extra_files is not None:
            extra_files(stage)
        if "csv" in chosen:
            write_csv(rejected_table(extra_report, lang), stage / "rejected_rows.csv")
        say(Msg("p.reports"))
        _write_reports(plan, stage, chosen, sheets, extra_report, lang=lang)
        names = sorted(p.name for p in stage.iterdir())
    return [out / n for n in names]
