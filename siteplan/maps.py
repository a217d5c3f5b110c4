"""Folium maps of a plan: target areas by class, chosen sites by kind (reused
vs new), coverage footprints, uncovered demand, a layer control and a legend.

Every string from input data is escaped for HTML *and* for JavaScript
template literals before it reaches a popup or tooltip (folium passes raw
HTML and backticks through).

Examples
--------
>>> safe("<img src=x onerror=alert(1)>`${x}`")
'&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{x}&#96;'
"""

from __future__ import annotations

import html
import importlib
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import scipy.sparse as sp

from siteplan.coverage import row_max
from siteplan.maplayers import PointLayer, TimeSlider
from siteplan.planner import Plan

KIND_COLOURS = {
    "existing_site": "#1b9e77", "tower": "#117733", "rooftop": "#88ccee",
    "streetlight": "#ddcc77", "monitoring_pole": "#cc6677", "power_pole": "#882255",
    "traffic_pole": "#aa4499", "public_building": "#332288", "smart_pole": "#e66100",
    "greenfield": "#d7191c", "indoor_das": "#6a3d9a",
}
CLASS_COLOURS = {
    "main_urban": "#fdb462", "key_area": "#fb8072", "transport_hub": "#bebada",
    "town_seat": "#80b1d3", "industrial_park": "#b3de69", "scenic_area": "#8dd3c7",
    "village": "#ffffb3", "road_corridor": "#d9d9d9",
}
LABELS = {
    "en": {"legend": "Legend", "sites": "Chosen sites", "targets": "Target areas",
           "footprints": "Coverage footprints", "uncovered": "Uncovered demand",
           "uncoverable": "Uncoverable demand", "new": "new build", "reused": "shared (reused)",
           "on_air": "already on air", "site": "Site", "kind": "Kind", "owner": "Owner",
           "height": "Height (m)", "cost": "Cost (CNY)", "supply": "Power supply",
           "since": "Milestone", "status": "Status", "name": "Name", "class": "Class",
           "context": "Context", "candidates": "Candidates",
           "conflicts": "Land-use conflicts", "target_missed": "target not met"},
    "zh": {"legend": "图例", "sites": "规划站址", "targets": "目标区域", "footprints": "覆盖范围",
           "uncovered": "未覆盖需求", "uncoverable": "无法覆盖需求", "new": "新建",
           "reused": "共享", "on_air": "已开通", "site": "站址", "kind": "类型",
           "owner": "产权单位", "height": "挂高 (米)", "cost": "投资 (元)", "supply": "供电方式",
           "since": "里程碑", "status": "状态", "name": "名称", "class": "类别",
           "context": "背景", "candidates": "候选站址", "conflicts": "用地冲突",
           "target_missed": "未达目标"},
}


def safe(text: object) -> str:
    """Escape for HTML and for JS template literals (backtick, ``$``, backslash)."""
    return (html.escape(str(text), quote=True).replace("`", "&#96;").replace("$", "&#36;")
            .replace("\\", "&#92;"))


def labels(lang: str) -> dict[str, str]:
    """UI labels for ``lang`` ("en" or "zh")."""
    return LABELS.get(lang, LABELS["en"])


POPUP_FIELDS = ["site", "name", "kind", "status", "owner", "height", "cost", "supply",
                "since"]
"""Site popup rows, in order (keys of :data:`LABELS`)."""


def _site_rows(sites: gpd.GeoDataFrame, lab: dict[str, str]) -> list[list[str]]:
    """Popup values per site (plain text: the map writes them with ``textContent``)."""
    cols = [sites["site_id"], sites["name"], sites["kind"],
            [lab.get(s, s) for s in sites["status"]], sites["owner"],
            ["" if not np.isfinite(h) else f"{h:g}" for h in sites["height_m"]],
            [f"{c:,.0f}" for c in sites["cost_cny"]], sites["power_supply"], sites["since"]]
    return [["" if v is None or (isinstance(v, float) and not np.isfinite(v)) else str(v)
             for v in row] for row in zip(*cols, strict=True)]


_KIND_ORDER = sorted(KIND_COLOURS)


def _kind_codes(kinds: object) -> np.ndarray:
    """Index of each kind into :func:`_kind_styles`."""
    return np.array([_KIND_ORDER.index(k) for k in kinds], dtype=int)


def _kind_styles(**extra: float) -> list[dict]:
    """One circle style per kind, in :func:`_kind_codes` order."""
    return [{"radius": 5, "color": KIND_COLOURS[k], "weight": 1, "fillColor": KIND_COLOURS[k],
             "fillOpacity": 0.9, **extra} for k in _KIND_ORDER]


def _legend(title: str, entries: list[tuple[str, str, str]]) -> folium.Element:
    rows = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;background:{c};"
        f"border:{b};margin-right:6px;border-radius:{'50%' if b != '0' else '2px'}'></span>"
        f"{safe(t)}</div>" for t, c, b in entries)
    return folium.Element(
        "<div class='siteplan-legend' style='position:fixed;bottom:24px;left:12px;z-index:9999;"
        "background:white;padding:8px 10px;border:1px solid #999;border-radius:4px;"
        f"font:12px sans-serif;max-height:60vh;overflow:auto'><b>{safe(title)}</b>{rows}</div>")


def footprint_radii_m(plan: Plan, columns: np.ndarray) -> np.ndarray:
    """Per chosen column: the farthest demand point it covers (m)."""
    return row_max(sp.csr_array(plan.coverage.distance_m)[:, columns].T, empty=0.0)


def _escaped(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    out = frame[[*columns, "geometry"]].copy()
    for c in columns:
        out[c] = out[c].map(safe)
    return out


def _asset(package: str, name: str) -> str:
    module = importlib.import_module(f"xstatic.pkg.{package}")
    text = (Path(module.BASE_DIR) / name).read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


def make_offline(fmap: folium.Map) -> folium.Map:
    """Inline Leaflet and jQuery (packaged XStatic copies, BSD-2 and MIT) and
    drop every CDN link, so the page needs no network at all."""
    stack = [fmap]
    while stack:
        element = stack.pop()
        if hasattr(element, "default_js"):
            element.default_js = []
            element.default_css = []
        stack.extend(element._children.values())
    header = fmap.get_root().header
    header.add_child(folium.Element(f"<style>{_asset('leaflet', 'leaflet.css')}</style>"),
                     name="siteplan_leaflet_css")
    header.add_child(folium.Element(f"<script>{_asset('leaflet', 'leaflet.js')}</script>"),
                     name="siteplan_leaflet_js")
    header.add_child(folium.Element(f"<script>{_asset('jquery', 'jquery.min.js')}</script>"),
                     name="siteplan_jquery_js")
    return fmap


def _base_map(plan: Plan, tiles: str | None,
              context: list[gpd.GeoDataFrame] | None, lab: dict[str, str]) -> folium.Map:
    targets = plan.targets.to_crs(4326)
    minx, miny, maxx, maxy = targets.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=11,
                      tiles=tiles, prefer_canvas=True, control_scale=True)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    for frame in context or []:
        if len(frame):
            folium.GeoJson(_escaped(frame.to_crs(4326), []), name=lab["context"],
                           style_function=lambda _f: {"color": "#777", "weight": 1,
                                                      "fillOpacity": 0.0}).add_to(fmap)
    return fmap


def _targets_layer(plan: Plan, year: int, lab: dict[str, str]) -> folium.GeoJson:
    targets = plan.targets.to_crs(4326)
    due = targets[targets["milestone"] <= year]
    cover = plan.area_coverage(year).set_index("area_id")
    shown = _escaped(due, ["area_id", "name", "area_class"])
    shown["covered"] = [f"{100 * cover.loc[a, 'covered_share']:.1f}%" for a in due["area_id"]]
    shown["target"] = [f"{100 * t:.0f}%" for t in due["coverage_target"]]
    shown["met"] = ["yes" if cover.loc[a, "target_met"] else "no" for a in due["area_id"]]
    return folium.GeoJson(
        shown, name=f"{lab['targets']} {year}",
        style_function=lambda f: {"fillColor": CLASS_COLOURS.get(
            html.unescape(f["properties"]["area_class"]), "#cccccc"),
            "color": "#555" if f["properties"]["met"] == "yes" else "#d7191c",
            "weight": 1 if f["properties"]["met"] == "yes" else 3, "fillOpacity": 0.35},
        tooltip=folium.GeoJsonTooltip(["name", "area_class", "covered", "target", "met"],
                                      aliases=[lab["name"], lab["class"], "covered", "target",
                                               "met"]),
    )


def _sites_layer(sites: gpd.GeoDataFrame, lab: dict[str, str], *, show: bool = True,
                 name: str | None = None) -> PointLayer:
    """Chosen sites (``Plan.sites`` in EPSG:4326) on canvas, coloured by kind;
    new builds larger and ringed in black; popups with the site's id, name,
    kind, status, owner, height, cost, power supply and milestone."""
    styles = _kind_styles() + [
        {**st, "radius": 7, "color": "#000000", "weight": 3} for st in _kind_styles()]
    code = _kind_codes(sites["kind"]) + len(_KIND_ORDER) * (sites["status"] == "new").to_numpy()
    return PointLayer(sites.geometry.y, sites.geometry.x, code, styles=styles,
                      name=name or f"{lab['sites']} ({len(sites)})", show=show,
                      fields=[lab[k] for k in POPUP_FIELDS], rows=_site_rows(sites, lab),
                      tooltips=(sites["site_id"].astype(str) + " " + sites["kind"]).tolist())


def _conflicts_layer(plan: Plan, year: int, lab: dict[str, str]) -> folium.FeatureGroup | None:
    table = plan.site_conflicts(year)
    if table.empty:
        return None
    where_ = plan.candidates.set_index("site_id").geometry.to_crs(4326)
    layer = folium.FeatureGroup(name=f"{lab['conflicts']} ({len(table)})")
    for row in table.itertuples():
        point = where_[row.site_id]
        text = (f"{safe(row.site_id)}: {safe(row.rule)} — {safe(row.zone_class)} "
                f"{safe(row.zone_id)}")
        folium.CircleMarker([point.y, point.x], radius=11, weight=3, fill=False,
                            color="#d7191c" if row.rule == "forbidden" else "#fdae61",
                            tooltip=text).add_to(layer)
    return layer


def _candidates_layer(plan: Plan, lab: dict[str, str]) -> PointLayer:
    """Every candidate as a small canvas circle coloured by kind (hidden by default)."""
    cands = plan.candidates.to_crs(4326)
    return PointLayer(cands.geometry.y, cands.geometry.x, _kind_codes(cands["kind"]),
                      styles=_kind_styles(radius=2, weight=0, fillOpacity=0.6),
                      name=f"{lab['candidates']} ({len(cands)})", show=False,
                      tooltips=(cands["site_id"].astype(str) + " " + cands["kind"]).tolist())


def _finish(fmap: folium.Map, plan: Plan, year: int, lab: dict[str, str], kinds: list[str],
            offline: bool) -> folium.Map:
    folium.LayerControl(collapsed=False).add_to(fmap)
    due = plan.targets[plan.targets["milestone"] <= year]
    entries = [(k, KIND_COLOURS[k], "1px solid #333") for k in kinds]
    entries += [(lab["new"], "#ffffff", "3px solid #000"), (lab["reused"], "#ffffff",
                                                           "1px solid #999")]
    entries += [(c, CLASS_COLOURS.get(c, "#ccc"), "0") for c in sorted(set(due["area_class"]))]
    entries += [(lab["target_missed"], "#ffffff", "3px solid #d7191c"),
                (lab["uncovered"], "#e31a1c", "0"), (lab["uncoverable"], "#555555", "0")]
    fmap.get_root().html.add_child(_legend(f"{lab['legend']} {year}", entries))
    return make_offline(fmap) if offline else fmap


def milestone_map(plan: Plan, year: int, *, lang: str = "en", tiles: str | None = "OpenStreetMap",
                  context: list[gpd.GeoDataFrame] | None = None,
                  offline: bool = False) -> folium.Map:
    """One milestone's plan as a folium map (EPSG:4326).

    With ``offline=True`` the page is self-contained (no CDN); pass
    ``tiles=None`` (no base map) or a tile URL the users' network serves.
    """
    lab = labels(lang)
    fmap = _base_map(plan, tiles, context, lab)
    _targets_layer(plan, year, lab).add_to(fmap)
    m = plan.milestone(year)
    sites = plan.sites(year).to_crs(4326)
    radii = footprint_radii_m(plan, m.selected)
    keep = radii > 0
    PointLayer(sites.geometry.y[keep], sites.geometry.x[keep], _kind_codes(sites["kind"][keep]),
               radius_m=radii[keep], styles=_kind_styles(weight=0.5, fillOpacity=0.08),
               name=lab["footprints"], show=False, interactive=False).add_to(fmap)
    _sites_layer(sites, lab).add_to(fmap)
    conflicts_layer = _conflicts_layer(plan, year, lab)
    if conflicts_layer is not None:
        conflicts_layer.add_to(fmap)
    unc = plan.uncovered(year)
    if len(unc):
        geo = unc.geometry.to_crs(4326)
        base = {"radius": 2, "weight": 0, "fillOpacity": 0.8}
        PointLayer(geo.y, geo.x, unc["uncoverable"].astype(int),
                   styles=[{**base, "fillColor": "#e31a1c"}, {**base, "fillColor": "#555555"}],
                   name=f"{lab['uncovered']} ({len(unc)})", show=False,
                   interactive=False).add_to(fmap)
    return _finish(fmap, plan, year, lab, sorted(set(sites["kind"])), offline)


def overview_map(plan: Plan, *, lang: str = "en", tiles: str | None = "OpenStreetMap",
                 context: list[gpd.GeoDataFrame] | None = None,
                 offline: bool = False) -> folium.Map:
    """Every milestone as a toggled layer (the last one shown) with a time
    slider that shows one milestone at a time, target areas with their
    coverage status, and all candidates (canvas, hidden)."""
    lab = labels(lang)
    fmap = _base_map(plan, tiles, context, lab)
    last = plan.milestones[-1].milestone
    _targets_layer(plan, last, lab).add_to(fmap)
    _candidates_layer(plan, lab).add_to(fmap)
    layers = []
    for m in plan.milestones:
        sites = plan.sites(m.milestone).to_crs(4326)
        layer = _sites_layer(sites, lab, show=m.milestone == last,
                             name=f"{lab['sites']} {m.milestone} ({m.selected.size})")
        layers.append((m.milestone, layer.add_to(fmap)))
    if len(layers) > 1:
        TimeSlider(layers, label=lab["since"]).add_to(fmap)
    return _finish(fmap, plan, last, lab, sorted(set(sites["kind"])), offline)
