"""Best server and SINR of a plan: per milestone and area, the report section
(JSON and Markdown in English or Chinese) and the map layers.

:func:`plan_sinr` runs :func:`siteplan.sinr.best_server_sinr` on a
milestone's chosen outdoor sites and its active demand points and keeps the
result in the plan's cache, so the report and the maps share one run (maps
draw the layers only when the analysis ran: ``sinr.analysis = "off"``
skips both).

Examples
--------
>>> from siteplan.datasets import load_sample
>>> from siteplan.planner import plan
>>> cands, targets, config = load_sample()
>>> p = plan(cands, targets, assumptions={"demand.spacing_m": 600.0}, time_limit_s=2)
>>> section = sinr_section(p)
>>> [m["milestone"] for m in section["milestones"]]
[2020, 2021, 2022]
>>> 0.0 <= section["milestones"][-1]["sinr_ge_0_share"] <= 1.0
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from siteplan.coverage import mount_heights
from siteplan.i18n import tr
from siteplan.io.markdown import md
from siteplan.schema import INDOOR_KINDS, MACRO_KINDS
from siteplan.sinr import (
    SINR_FAIR_DB,
    SINR_GOOD_DB,
    SinrResult,
    SinrSettings,
    best_server_sinr,
    load_model,
)

if TYPE_CHECKING:
    from siteplan.planner import Plan

#: SINR bins of the map (upper bound, colour): < 0, 0-13, 13-20, >= 20 dB.
SINR_BINS: tuple[tuple[float, str], ...] = (
    (SINR_FAIR_DB, "#d7191c"), (SINR_GOOD_DB, "#fdae61"), (20.0, "#a6d96a"),
    (np.inf, "#1a9641"))
_SERVER_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                   "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


def _t(key: str, lang: str) -> str:
    """Label ``key`` of this section in ``lang`` (``sinr.<key>`` of :data:`siteplan.i18n.TEXT`)."""
    return tr(f"sinr.{key}", lang)


def sinr_enabled(assumptions: Any) -> bool:
    """Whether the plan asks for the analysis (``sinr.analysis``, default on)."""
    return assumptions["sinr.analysis"] == "on"


def path_loss_model(plan: Plan) -> Any:
    """The plan's propagation model (:func:`siteplan.sinr.load_model`): the
    terrain/clutter model when the plan has a DEM, else the flat TR 38.901 one."""
    sites = plan.candidates.to_crs(plan.metric_crs)
    xy = np.vstack([np.column_stack([plan.demand.geometry.x, plan.demand.geometry.y]),
                    np.column_stack([sites.geometry.x, sites.geometry.y])])
    return load_model(plan.assumptions, plan.metric_crs, points_xy_m=xy)


def plan_sinr(plan: Plan, year: int, model: Any | None = None) -> tuple[SinrResult, np.ndarray]:
    """Best server and SINR of milestone ``year`` (cached on the plan).

    Returns
    -------
    (SinrResult, numpy.ndarray)
        The result over the milestone's active demand points, and the
        candidate position (row of ``plan.candidates``) of each site index
        the result uses.
    """
    key = ("sinr", int(year))
    if key in plan._cache:
        return plan._cache[key]
    m = plan.milestone(year)
    sel = np.asarray(m.selected, dtype=np.int64)
    cands = plan.candidates.iloc[sel]
    outdoor = ~cands["kind"].isin(INDOOR_KINDS).to_numpy()
    sel, cands = sel[outdoor], cands[outdoor]
    metric = cands.to_crs(plan.metric_crs)
    demand = plan.demand.iloc[m.active]
    azimuth = (pd.to_numeric(cands["azimuth_deg"], errors="coerce").to_numpy(float)
               if "azimuth_deg" in cands else None)
    result = best_server_sinr(
        np.column_stack([metric.geometry.x, metric.geometry.y]),
        mount_heights(cands, plan.assumptions), cands["kind"].isin(MACRO_KINDS).to_numpy(),
        np.column_stack([demand.geometry.x, demand.geometry.y]),
        demand["environment"].to_numpy(), demand["indoor"].to_numpy(bool),
        SinrSettings.from_assumptions(plan.assumptions),
        model if model is not None else path_loss_model(plan), azimuth_deg=azimuth)
    plan._cache[key] = (result, sel)
    return result, sel


def _share(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if mask.size else None


def _median(values: np.ndarray) -> float | None:
    """Median in dB, None when empty or not finite (no server at most points)."""
    if not values.size:
        return None
    value = float(np.median(values))
    return value if np.isfinite(value) else None


def _milestone_section(plan: Plan, year: int, settings: SinrSettings) -> dict[str, Any]:
    res, sel = plan_sinr(plan, year)
    m = plan.milestone(year)
    area_ids = plan.demand["area_id"].to_numpy()[m.active]
    overlap = res.servers_in_window >= settings.overlap_servers
    # covered by the plan (RSRP edge) yet below 0 dB SINR: what the post-check adds
    weak = np.asarray(m.covered_mask, bool)[m.active] & (res.sinr_db < SINR_FAIR_DB)
    areas = []
    for area in pd.unique(area_ids):
        at = area_ids == area
        sinr = res.sinr_db[at]
        areas.append({"area_id": area, "points": int(at.sum()),
                      "sinr_ge_0_share": _share(sinr >= SINR_FAIR_DB),
                      "sinr_ge_13_share": _share(sinr >= SINR_GOOD_DB),
                      "covered_sinr_below_0_share": _share(weak[at]),
                      "overlap_share": _share(overlap[at]),
                      "median_sinr_db": _median(sinr)})
    ids = plan.candidates["site_id"].to_numpy()
    over = res.sites[res.sites["overshooting"]]
    overshooting = [{"site_id": ids[sel[i]], "served_points": int(r.served_points),
                     "neighbour_distance_m": float(r.neighbour_distance_m),
                     "p95_served_distance_m": float(r.p95_served_distance_m),
                     "overshot_share": float(r.overshot_points / r.served_points)}
                    for i, r in zip(over.index, over.itertuples(), strict=True)]
    return {"milestone": int(year), "points": int(res.sinr_db.size), "cells_pairs": res.pairs,
            "sinr_ge_0_share": _share(res.sinr_db >= SINR_FAIR_DB),
            "sinr_ge_13_share": _share(res.sinr_db >= SINR_GOOD_DB),
            "covered_sinr_below_0_share": _share(weak),
            "overlap_share": _share(overlap),
            "overlap_target_met": (bool(overlap.mean() < settings.overlap_target_share)
                                   if overlap.size else None),
            "median_sinr_db": _median(res.sinr_db),
            "overshooting_sites": len(overshooting),
            "areas": areas, "overshooting": overshooting}


def sinr_section(plan: Plan) -> dict[str, Any]:
    """The report section: per milestone the SINR shares, overlap and
    overshooting sites, per area and for the whole plan (plain data, no
    timings: the same plan gives the same report; the report renders it
    with :func:`sinr_markdown` in its language)."""
    settings = SinrSettings.from_assumptions(plan.assumptions)
    section = {"load": settings.load, "noise_per_re_dbm": settings.noise_per_re_dbm,
               "overlap_servers": settings.overlap_servers,
               "overlap_window_db": settings.overlap_window_db,
               "overlap_target_share": settings.overlap_target_share,
               "milestones": [_milestone_section(plan, m.milestone, settings)
                              for m in plan.milestones]}
    return section


def _pct(x: float | None) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 1) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{x:,.{digits}f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def sinr_markdown(section: dict[str, Any], lang: str = "en") -> str:
    """The section as Markdown in ``lang`` (area and site ids escaped)."""
    t = lambda k: _t(k, lang)  # noqa: E731
    lines = [f"## {t('title')}", "", t("intro").format(
        load=_pct(section["load"]), noise=_num(section["noise_per_re_dbm"]),
        n=section["overlap_servers"], win=_num(section["overlap_window_db"], 0),
        target=_pct(section["overlap_target_share"])), "",
        t("post_check"), ""]
    head = [t("milestone"), t("points"), t("sinr0"), t("sinr13"), t("weak"), t("overlap"),
            t("median"), t("overshooting")]
    lines += [_row(head), _row(["---"] * len(head))]
    for m in section["milestones"]:
        lines.append(_row([str(m["milestone"]), f"{m['points']:,}", _pct(m["sinr_ge_0_share"]),
                           _pct(m["sinr_ge_13_share"]), _pct(m.get("covered_sinr_below_0_share")),
                           _pct(m["overlap_share"]), _num(m["median_sinr_db"]),
                           str(m["overshooting_sites"])]))
    if not section["milestones"]:
        return "\n".join(lines)
    last = section["milestones"][-1]
    head = [t("area"), t("points"), t("sinr0"), t("sinr13"), t("weak"), t("overlap"),
            t("median")]
    lines += ["", t("per_area").format(year=last["milestone"]), "", _row(head),
              _row(["---"] * len(head))]
    lines += [_row([md(a["area_id"]), f"{a['points']:,}", _pct(a["sinr_ge_0_share"]),
                    _pct(a["sinr_ge_13_share"]), _pct(a.get("covered_sinr_below_0_share")),
                    _pct(a["overlap_share"]), _num(a["median_sinr_db"])])
               for a in last["areas"]]
    lines += ["", t("over_title").format(year=last["milestone"]), ""]
    if not last["overshooting"]:
        return "\n".join(lines + [t("none")])
    head = [t("site"), t("served"), t("tier"), t("p95"), t("beyond")]
    lines += [_row(head), _row(["---"] * len(head))]
    lines += [_row([md(o["site_id"]), f"{o['served_points']:,}",
                    _num(o["neighbour_distance_m"], 0), _num(o["p95_served_distance_m"], 0),
                    _pct(o["overshot_share"])]) for o in last["overshooting"]]
    return "\n".join(lines)


def sinr_map_layers(plan: Plan, year: int, lang: str,
                    display: Callable[[Any], Any]) -> list[dict[str, Any]]:
    """Map layers of milestone ``year`` (SINR bins, best server), hidden on
    opening; empty when the analysis did not run for this plan.

    ``display`` maps a GeoSeries to display coordinates (degrees, the base
    map's datum).
    """
    from siteplan.maplayers import points_spec

    cached = plan._cache.get(("sinr", int(year)))
    if cached is None:
        return []
    res, sel = cached
    m = plan.milestone(year)
    geo = display(plan.demand.geometry.iloc[m.active])
    bins = np.searchsorted(np.array([b for b, _ in SINR_BINS]), res.sinr_db, side="right")
    bins = np.minimum(bins, len(SINR_BINS) - 1)
    base = {"radius": 3, "weight": 0, "fillOpacity": 0.7}
    ids = plan.candidates["site_id"].astype(str).to_numpy()
    server = np.where(res.best_site >= 0, ids[sel[np.maximum(res.best_site, 0)]], "–")
    tip = _t("tooltip", lang)
    tips = [tip.format(site=s, sinr=_num(v), rsrp=_num(r))
            for s, v, r in zip(server, res.sinr_db, res.rsrp_dbm, strict=True)]
    sinr_layer = points_spec(f"sinr_{year}", _t("layer_sinr", lang).format(year=year), geo.y,
                             geo.x, bins, styles=[{**base, "fillColor": c} for _, c in SINR_BINS],
                             tooltips=tips, show=False)
    colour = np.where(res.best_site >= 0, res.best_site % len(_SERVER_COLOURS),
                      len(_SERVER_COLOURS))
    styles = [{**base, "fillColor": c} for c in _SERVER_COLOURS] + [
        {**base, "fillColor": "#000000"}]
    server_layer = points_spec(f"server_{year}", _t("layer_server", lang).format(year=year),
                               geo.y, geo.x, colour, styles=styles, tooltips=tips, show=False)
    return [sinr_layer, server_layer]
