"""The province outputs: merged GeoPackage, summary, unit folders, overview map.

Written into the run's staging folder (swapped in whole by the caller):

- ``plan.gpkg``: ``units`` (outlines with code and name) and ``sites_<year>``
  (every site of the stitched plan with its unit, status, since, cost);
- ``summary.csv`` / ``summary.json``: per unit and year, and a ``TOTAL`` row
  per year: sites, new vs reused, cost, coverage, land-use conflicts, power;
  the JSON adds the area-target check over whole areas, the border stitch,
  failed units with their errors, per-unit task times and peak memory;
- ``units/<folder>/``: each unit's plan folder in the usual format;
- ``map.html``: the whole region (units outlined, sites per milestone).

Unit names and every other input text reach the CSV through
:func:`siteplan.io.tables.write_csv` (no spreadsheet formula) and the map
only as JSON data shown with ``textContent``
(:class:`siteplan.maplayers.MapPage`).

Examples
--------
>>> from siteplan.region.outputs import STATUS_STYLES
>>> sorted(STATUS_STYLES)
['new', 'on_air', 'reused']
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.colours import STATUS_COLOURS
from siteplan.io.tables import write_csv
from siteplan.maplayers import MapPage, areas_spec, points_spec, resolve_tiles
from siteplan.messages import MESSAGES, Msg
from siteplan.schema import INDOOR_KINDS

#: Site status -> colour on the overview map: the one status table of
#: :mod:`siteplan.colours` (the unit plan folders' maps use the same).
STATUS_STYLES = {s: STATUS_COLOURS[s] for s in ("on_air", "reused", "new")}


def _since(selected: dict[int, list[str]], years: tuple[int, ...]) -> dict[str, int]:
    since: dict[str, int] = {}
    for year in years:
        for site in selected.get(year, []):
            since.setdefault(site, year)
    return since


def merged_sites(result, candidates: gpd.GeoDataFrame, years: tuple[int, ...]
                 ) -> dict[int, gpd.GeoDataFrame]:
    """Every stitched site per year with its unit, status, since and cost."""
    selected = result.stitch["selected"] if result.stitch else {y: [] for y in years}
    since = _since(selected, years)
    rows = [o["sites"] for o in result.unit_outputs.values() if len(o["sites"])]
    facts = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["year", "site_id", "home", "status", "cost_cny", "landuse_flag", "load_kw",
                 "energy_kwh_per_year", "power_cost_cny_per_year"])
    facts = facts.sort_values("home", ascending=False).drop_duplicates(["year", "site_id"])
    units = result.units.set_index("unit_code")["unit_name"]
    cands = candidates.copy()
    cands["site_id"] = cands["site_id"].astype(str)
    cands = cands.drop_duplicates("site_id").set_index("site_id")
    home = result.unit_home
    out = {}
    for year in years:
        ids = [s for s in selected.get(year, []) if s in cands.index]
        base = cands.loc[ids].reset_index()
        f = _facts_for(facts, year).drop(columns=["year", "home", "kind", "proposed"],
                                         errors="ignore")
        table = base.merge(f, on="site_id", how="left")
        table["unit_code"] = table["site_id"].map(home)
        table["unit_name"] = table["unit_code"].map(units).fillna("")
        table["since"] = table["site_id"].map(since)
        cols = ["site_id", "unit_code", "unit_name", "kind", "status", "since", "cost_cny",
                "landuse_flag", "load_kw", "name", "owner", "height_m", "on_air", "proposed",
                "proposal_reason"]
        cols = [c for c in cols if c in table] + ["geometry"]
        out[year] = gpd.GeoDataFrame(table[cols], geometry="geometry", crs=candidates.crs)
    return out


def _facts_for(facts: pd.DataFrame, year: int) -> pd.DataFrame:
    """The unit folders' site facts of ``year``, and for a site without any in
    that year (chosen in a year its unit has no milestone of its own) its
    facts of the nearest year: status, cost and power are the site's own.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2020, 2022], "site_id": ["a", "a"], "cost_cny": [1.0, 1.0]})
    >>> _facts_for(f, 2021)[["year", "site_id"]].values.tolist()
    [[2020, 'a']]
    """
    now = facts[facts["year"] == year]
    rest = facts[~facts["site_id"].isin(now["site_id"])]
    gap = (rest["year"] - year).abs()
    nearest = rest.assign(_gap=gap.to_numpy()).sort_values(["_gap", "year"], kind="stable")
    nearest = nearest.drop_duplicates("site_id").drop(columns="_gap")
    return pd.concat([now, nearest], ignore_index=True)


def capacity_pieces(result, year: int) -> pd.DataFrame:
    """Busy-hour Mbps required and served per area piece (area and unit) in
    ``year``: each unit's own figures, replaced by the stitch's for the
    pieces of the border areas (where a border site's capacity is split over
    every unit's demand it serves, so no capacity is counted twice)."""
    frames = []
    for code, out in result.unit_outputs.items():
        p = out.get("capacity_pieces")
        if p is not None and len(p):
            frames.append(p[p["year"] == year].assign(unit_code=code))
    columns = ["area_id", "unit_code", "required_mbps", "served_mbps"]
    table = pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)
    stitched = result.stitch.get("pieces") if result.stitch else None
    if stitched is not None and len(stitched) and len(table):
        st = stitched[stitched["year"] == year].set_index(["area_id", "unit_code"])
        key = pd.MultiIndex.from_frame(table[["area_id", "unit_code"]])
        hit = key.isin(st.index)
        table.loc[hit, "served_mbps"] = st.reindex(key[hit])["served_mbps"].to_numpy()
    return table


def _capacity_figures(pieces: pd.DataFrame, by_area: bool) -> dict[str, Any]:
    """Demand against capacity; areas (whole, when ``by_area``) or pieces met."""
    if by_area and len(pieces):
        pieces = pieces.groupby("area_id")[["required_mbps", "served_mbps"]].sum().reset_index()
    met = pieces["served_mbps"] >= pieces["required_mbps"] * (1 - 1e-6)
    required = float(pieces["required_mbps"].sum())
    return {"traffic_demand_mbps": required,
            "capacity_mbps": float(np.minimum(pieces["served_mbps"],
                                              pieces["required_mbps"]).sum()),
            "capacity_share": float(np.minimum(pieces["served_mbps"], pieces["required_mbps"])
                                    .sum() / required) if required > 0 else np.nan,
            "capacity_areas": len(pieces), "capacity_areas_met": int(met.sum())}


def _site_split(mine: pd.DataFrame, coverage_only: int | None) -> dict[str, Any]:
    """Sites for indoor, coverage and capacity (as ``siteplan plan``'s report:
    indoor systems; outdoor sites beyond the unit's coverage-only plan are
    capacity sites, the rest coverage sites), and proposals chosen."""
    kind = mine["kind"].astype(str) if "kind" in mine else pd.Series(dtype=str)
    indoor = int(kind.isin(list(INDOOR_KINDS)).sum())
    outdoor = len(mine) - indoor
    capacity = max(outdoor - int(coverage_only), 0) if coverage_only is not None else 0
    proposed = int(mine["proposed"].fillna(False).astype(bool).sum()) if "proposed" in mine else 0
    return {"coverage_sites": outdoor - capacity, "capacity_sites": capacity,
            "indoor_sites": indoor, "proposed_sites": proposed}


def province_summary(result, sites: dict[int, gpd.GeoDataFrame], years: tuple[int, ...],
                     site_targets: dict[int, int]) -> pd.DataFrame:
    """Per unit and year, then a TOTAL row per year (see the module doc)."""
    rows = []
    areas = result.stitch["areas"] if result.stitch else pd.DataFrame()
    for year in years:
        pieces = capacity_pieces(result, year)
        unit_rows = [_unit_row(result, unit, year, sites[year], pieces)
                     for unit in result.units.itertuples(index=False)]
        a = areas[areas["year"] == year] if len(areas) else areas
        rows.extend(unit_rows)
        rows.append(_total_row(result, year, sites[year], a, unit_rows, pieces,
                               site_targets.get(year)))
    return pd.DataFrame(rows)


def _unit_row(result, unit, year: int, s: gpd.GeoDataFrame, pieces: pd.DataFrame
              ) -> dict[str, Any]:
    """One unit's summary row for one year."""
    code = unit.unit_code
    mine = s[s["unit_code"] == code]
    cov = result.unit_outputs.get(code, {}).get("coverage")
    c = cov[cov["year"] == year].iloc[0] if cov is not None and len(cov) and \
        (cov["year"] == year).any() else None
    row = _row(code, unit.unit_name, year, mine, c, _unit_status(result, code))
    if c is None:
        row.update(_unplanned_coverage(result, code, year))
    cov_only = result.unit_results.get(code, {}).get("coverage_only", {}).get(year)
    row.update(_site_split(mine, cov_only))
    row.update(_capacity_figures(pieces[pieces["unit_code"] == code], False))
    return row


def _total_row(result, year: int, s: gpd.GeoDataFrame, a: pd.DataFrame,
               unit_rows: list[dict[str, Any]], pieces: pd.DataFrame,
               site_target: int | None) -> dict[str, Any]:
    """The province's TOTAL row for one year: sites summed over the units,
    coverage over whole areas (the stitch's area table ``a``)."""
    some = len(a) > 0
    total = {
        "demand_weight": float(a["demand_weight"].sum()) if some else 0.0,
        "coverable_w": float(a["coverable_w"].sum()) if some else 0.0,
        "covered_w": float(a["covered_w"].sum()) if some else 0.0,
        "area_pieces": len(a), "area_pieces_met": int(a["target_met"].sum()) if some else 0,
    }
    row = _row("TOTAL", "", year, s, None, Msg("g.failed_units", units=", ".join(
        result.failures)) if result.failures else Msg("g.ok"))
    for key in ("coverage_sites", "capacity_sites", "indoor_sites", "proposed_sites"):
        row[key] = int(sum(r[key] for r in unit_rows))
    row.update(_capacity_figures(pieces, True))  # whole areas
    row.update(total)
    row["landuse_conflicts"] = int(sum(r["landuse_conflicts"] or 0 for r in unit_rows))
    row["covered_share"] = row["covered_w"] / row["demand_weight"] if row["demand_weight"] \
        else np.nan
    row["covered_of_coverable"] = row["covered_w"] / row["coverable_w"] \
        if row["coverable_w"] else np.nan
    row["site_target"] = site_target
    return row


def _unit_status(result, code: str) -> str:
    """A unit's status in the summary: ``ok``, ``failed: …``, or why it was
    not planned (no target area, no demand, demand unreachable)."""
    if code in result.failures:
        return Msg("g.failed_status", error=result.failures[code])
    if code in result.unit_outputs:
        return Msg("g.ok")
    return str(result.unit_results.get(code, {}).get("status", "no demand"))


def _unplanned_coverage(result, code: str, year: int) -> dict[str, Any]:
    """Demand of a unit that was not planned (none reachable): its weight,
    nothing coverable or covered, no area piece met."""
    constants = result.unit_results.get(code, {}).get("area_constants")
    if constants is None or not len(constants):
        return {}
    mine = constants[constants["year"] == year]
    return {"demand_weight": float(mine["weight"].sum()), "area_pieces": len(mine),
            "covered_share": 0.0 if mine["weight"].sum() > 0 else np.nan}


def _row(code: str, name: str, year: int, s: pd.DataFrame, cov, status: str) -> dict[str, Any]:
    status_col = s["status"] if "status" in s else pd.Series(dtype=str)
    flag = s["landuse_flag"].fillna("") if "landuse_flag" in s else pd.Series(dtype=str)
    row = {"unit_code": code, "unit_name": name, "year": year, "status": status,
           "sites": len(s), "new": int((status_col == "new").sum()),
           "reused": int((status_col == "reused").sum()),
           "on_air": int((status_col == "on_air").sum()),
           "cost_cny": float(s["cost_cny"].fillna(0).sum()) if "cost_cny" in s else 0.0,
           "landuse_restricted": int((flag == "restricted").sum()),
           "landuse_forbidden": int((flag == "forbidden").sum()),
           "load_kw": float(s["load_kw"].fillna(0).sum()) if "load_kw" in s else 0.0,
           "site_target": None}
    if cov is not None:
        row.update({"demand_weight": float(cov["demand_weight"]),
                    "coverable_w": float(cov["coverable_w"]), "covered_w": float(cov["covered_w"]),
                    "area_pieces": int(cov["area_pieces"]),
                    "area_pieces_met": int(cov["area_pieces_met"]),
                    "landuse_conflicts": int(cov["landuse_conflicts"])})
        row["covered_share"] = row["covered_w"] / row["demand_weight"] if row["demand_weight"] \
            else np.nan
        row["covered_of_coverable"] = row["covered_w"] / row["coverable_w"] \
            if row["coverable_w"] else np.nan
    else:
        row.update({"demand_weight": 0.0, "coverable_w": 0.0, "covered_w": 0.0,
                    "area_pieces": 0, "area_pieces_met": 0, "landuse_conflicts": 0,
                    "covered_share": np.nan, "covered_of_coverable": np.nan})
    return row


def overview_map(units: gpd.GeoDataFrame, sites: dict[int, gpd.GeoDataFrame], *,
                 title: str, tiles: str | None, lang: str = "en") -> MapPage:
    """The whole region as one self-contained page: unit outlines labelled
    with their names, one site layer per milestone switched by a slider.
    Unit names and site facts reach the page only as JSON data shown as text
    (:class:`siteplan.maplayers.MapPage`); outlines are simplified to ~30 m."""
    from siteplan.i18n import term, tr

    u = units.to_crs(4326)
    minx, miny, maxx, maxy = u.total_bounds
    layers = [areas_spec("units", tr("region.units", lang), u.geometry.simplify(0.0003).to_numpy(),
                         np.zeros(len(u), int),
                         styles=[{"color": "#333333", "weight": 2, "fillOpacity": 0.0}],
                         fields=[tr("region.unit", lang), tr("name", lang)],
                         rows=[[c, n] for c, n in zip(u["unit_code"], u["unit_name"],
                                                      strict=True)],
                         tooltips=(u["unit_code"].astype(str) + " "
                                   + u["unit_name"].astype(str)).tolist(),
                         labels=u["unit_name"].astype(str).tolist())]
    status_order = list(STATUS_STYLES)
    styles = [{"radius": 4 if s != "new" else 6, "color": "#000000" if s == "new" else c,
               "weight": 1, "fillColor": c, "fillOpacity": 0.85} for s, c in STATUS_STYLES.items()]
    ids = []
    for year, frame in sorted(sites.items()):
        f = frame.to_crs(4326)
        code = [status_order.index(s) if s in status_order else 1
                for s in f["status"].fillna("reused")]
        cost = f["cost_cny"] if "cost_cny" in f else pd.Series(np.nan, index=f.index)
        layers.append(points_spec(
            f"sites_{year}", f"{tr('sites', lang)} {year} ({len(f)})", f.geometry.y,
            f.geometry.x, code, styles=styles, show=year == max(sites),
            fields=[tr(k, lang) for k in ("site", "region.unit", "kind", "status", "since",
                                          "cost")],
            rows=[[a, b, term(c, lang), term(d, lang), "" if pd.isna(e) else int(e),
                   "" if pd.isna(g) else round(g)]
                  for a, b, c, d, e, g in zip(f["site_id"], f["unit_name"], f["kind"],
                                              f["status"], f["since"], cost, strict=True)],
            tooltips=[f"{i} {term(k, lang)}" for i, k in zip(f["site_id"].astype(str),
                                                             f["kind"].astype(str),
                                                             strict=True)]))
        ids.append((int(year), f"sites_{year}"))
    legend = {"title": tr("sites", lang), "entries": [
        {"text": term(s, lang) if lang == "zh" else s.replace("_", " "), "fill": c,
         "border": "2px solid #000000" if s == "new" else f"1px solid {c}",
         "shape": "circle"} for s, c in STATUS_STYLES.items()]}
    slider = None
    if ids:
        slider = {"label": tr("since", lang), "years": [y for y, _ in ids],
                  "layers": [[i] for _, i in ids], "legend": [0] * len(ids)}
    return MapPage(title=title, bounds=[[float(miny), float(minx)], [float(maxy), float(maxx)]],
                   layers=layers, legends=[legend], slider=slider, tiles=resolve_tiles(tiles),
                   lang=lang)


def _area_check(areas: pd.DataFrame, year: int) -> dict[str, Any]:
    """Whole areas of one year: how many reach their target share of the
    whole area, how many reach it as far as any site can, and which do not."""
    a = areas[areas["year"] == year] if len(areas) else areas
    if not len(a):
        return {"areas": 0, "met": 0, "met_within_reach": 0, "not_met": [],
                "limited_by_reach": []}
    return {"areas": len(a), "met": int(a["target_met"].sum()),
            "met_within_reach": int(a["reach_met"].sum()),
            "not_met": a.loc[~a["target_met"], "area_id"].tolist(),
            "limited_by_reach": a.loc[a["limited_by_reach"], "area_id"].tolist()}


def _in_lang(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A province table as written in ``lang``: English keeps canonical names;
    Chinese localises headings and enumerations (:func:`siteplan.deliver.sheets.localise`),
    the units' status, the total row and the unit columns.

    Examples
    --------
    >>> t = pd.DataFrame({"unit_code": ["C01", "TOTAL"], "status": ["ok", "ok"]})
    >>> _in_lang(t, "zh").to_dict(orient="list")
    {'单元编码': ['C01', '合计'], '单元状态': ['正常', '正常']}
    """
    from siteplan.deliver.sheets import localise
    from siteplan.i18n import check_lang, msg, translate

    if check_lang(lang) == "en":
        return localise(table, lang)
    out = table.copy()
    if "status" in out.columns and "unit_code" in out.columns and "kind" not in out.columns:
        out["status"] = out["status"].map(lambda v: translate(str(v), lang))
        out = out.rename(columns={"status": msg("region.col_unit_status", lang)})
    if "unit_code" in out.columns:
        out["unit_code"] = out["unit_code"].replace({"TOTAL": msg("region.total", lang)})
    own = {c: msg(f"region.col.{c}", lang) for c in out.columns if f"region.col.{c}" in MESSAGES}
    out = localise(out.rename(columns=own), lang)
    return out.rename(columns={"unit_code": msg("region.col_unit_code", lang),
                               "unit_name": msg("region.col_unit_name", lang)})


def write_region_outputs(stage: Path, result, *, candidates: gpd.GeoDataFrame, parts: dict,
                         folder_dirs: dict[str, Path], years: tuple[int, ...],
                         site_targets: dict[int, int], name: str, tiles: str | None,
                         offline: bool, lang: str, reach_m: float) -> list[Path]:
    """Write every province output into ``stage``; returns the paths."""
    written: list[Path] = []
    units_dir = stage / "units"
    units_dir.mkdir()
    for code, fdir in folder_dirs.items():
        if code in result.unit_outputs and (fdir / "plan").is_dir():
            target = units_dir / result.units.set_index("unit_code").loc[code, "folder"]
            shutil.copytree(fdir / "plan", target)
            written.append(target)
    sites = merged_sites(result, candidates, years)
    gpkg = stage / "plan.gpkg"
    units = result.units.to_crs(candidates.crs)
    units.to_file(gpkg, layer="units", engine="pyogrio")
    for year, frame in sites.items():
        frame.to_file(gpkg, layer=f"sites_{year}", engine="pyogrio", geometry_type="Point")
        wgs = frame.to_crs(4326)
        write_csv(_in_lang(pd.DataFrame(frame.drop(columns="geometry")).assign(
            lon=wgs.geometry.x.round(7), lat=wgs.geometry.y.round(7)), lang),
            stage / f"sites_{year}.csv")
        written.append(stage / f"sites_{year}.csv")
    written.append(gpkg)
    summary = province_summary(result, sites, years, site_targets)
    result.summary = summary
    # 4 decimals: load_kw 297.40000000000003 and weights like it read badly in Excel
    write_csv(_in_lang(summary.round(4), lang), stage / "summary.csv")
    written.append(stage / "summary.csv")
    areas = result.stitch["areas"] if result.stitch else pd.DataFrame()
    seconds = pd.Series({c: r["seconds"] for c, r in result.unit_results.items()
                         if c in result.planned}, dtype=float)
    per_worker: dict[str, float] = {}
    for r in [*result.unit_results.values(), *result.unit_outputs.values()]:
        per_worker[r["worker"]] = max(per_worker.get(r["worker"], 0.0), float(r["peak_rss_mb"]))
    report = {
        "name": name, "years": list(years), "units": len(result.units), "halo_m": reach_m,
        "planned_units": result.planned, "cached_units": result.cached,
        "failed_units": [{"unit_code": c, "error": e} for c, e in result.failures.items()],
        "area_targets": {str(y): _area_check(areas, y) for y in years},
        "stitch": result.stitch["milestones"].to_dict(orient="records") if result.stitch else [],
        "unit_seconds": {"min": float(seconds.min()) if len(seconds) else None,
                         "median": float(seconds.median()) if len(seconds) else None,
                         "max": float(seconds.max()) if len(seconds) else None,
                         "per_unit": seconds.round(2).to_dict()},
        "peak_rss_mb_per_worker": per_worker,
        "timings_s": {k: round(v, 2) for k, v in result.timings.items()},
        "dashboard": result.dashboard,
        "summary": json.loads(summary.to_json(orient="records")),
    }
    (stage / "summary.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                        encoding="utf-8")
    written.append(stage / "summary.json")
    overview_map(result.units, sites, title=name, tiles=tiles, lang=lang).save(stage / "map.html")
    written.append(stage / "map.html")
    return written
