"""Maps of a plan: target areas by class (labelled), chosen sites by kind
(reused vs new), coverage footprints, uncovered demand, land-use conflicts,
context layers as an offline base map, a layer control, a metric scale, a
legend and (overview) a time slider that switches sites, targets and legend
together.

Pages are :class:`~siteplan.maplayers.MapPage` objects: data embedded as
JSON and drawn by a fixed script as DOM text, never through a template
engine, so input text is shown as written (see :mod:`siteplan.maplayers`).
With Amap (GCJ-02) tiles every coordinate is shifted to GCJ-02 for display
(:func:`display_coords`), else the sites would sit ~500 m off the streets.

Examples
--------
>>> safe("<img src=x onerror=alert(1)>`${x}`")
'&lt;img src=x onerror=alert(1)&gt;&#96;&#36;{x}&#96;'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from siteplan.colours import CLASS_COLOURS, KIND_COLOURS, OTHER, RULE_COLOURS, ZONE_COLOURS
from siteplan.i18n import check_lang, labels, term, tr
from siteplan.landuse import normalise_class
from siteplan.maplayers import MapPage, areas_spec, points_spec, resolve_tiles
from siteplan.sources.coords import wgs84_to_gcj02
from siteplan.sparse_rows import row_max

if TYPE_CHECKING:  # the land-use check imports this module without the planner
    from siteplan.planner import Plan

#: Context features drawn as water: a class-like column holding one of these.
WATER_COLUMNS = ("natural", "waterway", "water", "landuse", "fclass", "class", "kind", "type",
                 "zone_class", "地类", "类型", "dlmc")
WATER_VALUES = frozenset({"water", "river", "lake", "reservoir", "riverbank", "canal", "stream",
                          "pond", "wetland", "水", "水域", "水体", "河流", "湖泊", "水库", "坑塘",
                          "沟渠", "河流水面", "湖泊水面", "水库水面", "坑塘水面"})


def safe(text: object) -> str:
    """Escape for HTML and for JS template literals (backtick, ``$``, backslash).

    For code that still builds HTML strings; siteplan's own maps do not.
    """
    return (html.escape(str(text), quote=True).replace("`", "&#96;").replace("$", "&#36;")
            .replace("\\", "&#92;"))


POPUP_FIELDS = ["site", "name", "kind", "status", "owner", "height", "cost", "supply",
                "since", "proposed_for"]
"""Site popup rows, in order (keys of :data:`siteplan.i18n.TEXT`)."""


def display_coords(geometry: gpd.GeoSeries, tiles: dict | None) -> gpd.GeoSeries:
    """``geometry`` in WGS84 degrees, shifted to GCJ-02 when the tiles are GCJ-02.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoSeries([Point(119.5, 25.9)], crs=4326)
    >>> p = display_coords(g, {"crs": "gcj02"}).iloc[0]
    >>> round(p.x - 119.5, 4), round(p.y - 25.9, 4)
    (0.0047, -0.003)
    """
    wgs = geometry.to_crs(4326)
    if not tiles or tiles.get("crs") != "gcj02":
        return wgs

    def shift(xy: np.ndarray) -> np.ndarray:
        if not len(xy):
            return xy
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return gpd.GeoSeries(shapely.transform(wgs.to_numpy(), shift), index=wgs.index, crs=4326)


def _cell(v: object) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return ""
    return str(v)


def _site_rows(sites: gpd.GeoDataFrame, lang: str) -> list[list[str]]:
    """Popup values per site (plain text: the page writes them as text nodes)."""
    cols = [sites["site_id"], _names(sites, lang), [term(k, lang) for k in sites["kind"]],
            [term(s, lang) for s in sites["status"]], sites["owner"],
            ["" if not np.isfinite(h) else f"{h:g}" for h in sites["height_m"]],
            [f"{c:,.0f}" for c in sites["cost_cny"]],
            [term(s, lang) for s in sites["power_supply"]], sites["since"],
            _proposed_for(sites, lang)]
    return [[_cell(v) for v in row] for row in zip(*cols, strict=True)]


def _names(sites: gpd.GeoDataFrame, lang: str) -> list[object]:
    """Site names, the names siteplan gives its proposals in ``lang``."""
    from siteplan.deliver.sheets import term_value

    return [term_value("name", n, lang) for n in sites["name"]]


def _proposed_for(sites: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Why siteplan proposed a new place (coverage, indoor, capacity); "" for listed sites."""
    if "proposed" not in sites or "proposal_reason" not in sites:
        return [""] * len(sites)
    flag = sites["proposed"].fillna(False).astype(bool).to_numpy()
    return [term(r, lang) if f else "" for r, f in zip(sites["proposal_reason"].fillna(""),
                                                       flag, strict=True)]


_KIND_ORDER = sorted(KIND_COLOURS)


def _kind_codes(kinds: object) -> np.ndarray:
    """Index of each kind into :func:`_kind_styles` (unknown kinds: grey, last)."""
    index = {k: i for i, k in enumerate(_KIND_ORDER)}
    return np.array([index.get(k, len(_KIND_ORDER)) for k in kinds], dtype=int)


def _kind_styles(**extra: float) -> list[dict]:
    """One circle style per kind, in :func:`_kind_codes` order (+ grey)."""
    colours = [KIND_COLOURS[k] for k in _KIND_ORDER] + [OTHER]
    return [{"radius": 5, "color": c, "weight": 1, "fillColor": c, "fillOpacity": 0.9, **extra}
            for c in colours]


def footprint_radii_m(plan: Plan, columns: np.ndarray) -> np.ndarray:
    """Per chosen column: the farthest demand point it covers (m)."""
    return row_max(sp.csr_array(plan.coverage.distance_m)[:, columns].T, empty=0.0)


def _context_specs(context: list[gpd.GeoDataFrame] | None, tiles: dict | None,
                   lab: dict[str, str]) -> list[dict]:
    """Context layers (roads, boundaries, water) drawn under the plan: the
    offline base map. Lines grey, polygons outlined, water blue."""
    specs = []
    for i, frame in enumerate(context or []):
        frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        if not len(frame):
            continue
        geo = display_coords(frame.geometry, tiles)
        kind = frame.geom_type.str.replace("Multi", "").to_numpy()
        water = np.zeros(len(frame), bool)
        for col in frame.columns:
            if str(col).strip().lower() in WATER_COLUMNS:
                values = frame[col].astype(str).str.strip().str.lower()
                water |= values.isin(WATER_VALUES).to_numpy()
        style = np.where(water, 2, np.where(kind == "LineString", 0, 1))
        styles = [{"color": "#8c8c8c", "weight": 1.5, "opacity": 0.9},
                  {"color": "#444444", "weight": 1.5, "dashArray": "6 4", "fill": False},
                  {"color": "#4a90d9", "weight": 1, "fillColor": "#a6cee3", "fillOpacity": 0.6}]
        names = frame["name"] if "name" in frame.columns else None
        title = str(frame.attrs.get("name") or f"{lab['context']} {i + 1}")
        specs.append(areas_spec(f"context_{i}", title, geo.to_numpy(), style, styles=styles,
                                tooltips=None if names is None else names.tolist(),
                                interactive=names is not None))
    return specs


def _zones_spec(zones: gpd.GeoDataFrame | None, tiles: dict | None, lang: str,
                lab: dict[str, str]) -> list[dict]:
    """Land-use zones (water, red line, farmland …) coloured by class, part
    of the offline base map; zone id, name and class in the tooltip."""
    if zones is None or not len(zones):
        return []
    zones = zones[zones.geometry.notna() & ~zones.geometry.is_empty]
    column_ = "zone_class" if "zone_class" in zones else None
    raw = zones[column_].astype(str) if column_ else pd.Series("", index=zones.index)
    classes = [normalise_class(c) or c for c in raw]
    order = sorted(set(classes))
    styles = [{"fillColor": ZONE_COLOURS.get(c, "#cccccc"), "color": ZONE_COLOURS.get(c, "#999999"),
               "weight": 0.5, "fillOpacity": 0.35} for c in order]
    ids = zones["zone_id"].astype(str) if "zone_id" in zones else [""] * len(zones)
    names = zones["name"].astype(str) if "name" in zones else [""] * len(zones)
    tips = [" · ".join(t for t in (i, n, term(c, lang)) if t) for i, n, c in
            zip(ids, names, classes, strict=True)]
    return [areas_spec("landuse", lab["landuse_layer"],
                       display_coords(zones.geometry, tiles).to_numpy(),
                       [order.index(c) for c in classes], styles=styles, tooltips=tips)]


def _targets_spec(plan: Plan, year: int, lang: str, lab: dict[str, str], tiles: dict | None, *,
                  show: bool = True) -> dict:
    targets = plan.targets
    due = targets[targets["milestone"] <= year]
    cover = plan.area_coverage(year).set_index("area_id")
    met = np.array([bool(cover.loc[a, "target_met"]) for a in due["area_id"]])
    styles, style = [], []
    keys: dict[tuple[str, bool], int] = {}
    for cls, ok in zip(due["area_class"], met, strict=True):
        if (cls, ok) not in keys:
            keys[(cls, ok)] = len(styles)
            styles.append({"fillColor": CLASS_COLOURS.get(cls, "#cccccc"),
                           "color": "#555555" if ok else "#d7191c", "weight": 1 if ok else 3,
                           "fillOpacity": 0.35})
        style.append(keys[(cls, ok)])
    rows = [[a, n, term(c, lang), f"{100 * cover.loc[a, 'covered_share']:.1f}%",
             f"{100 * t:.0f}%", lab["yes"] if ok else lab["no"]]
            for a, n, c, t, ok in zip(due["area_id"], due["name"], due["area_class"],
                                      due["coverage_target"], met, strict=True)]
    return areas_spec(f"targets_{year}", f"{lab['targets']} {year}",
                      display_coords(due.geometry, tiles).to_numpy(), style, styles=styles,
                      fields=[lab["area"], lab["name"], lab["class"], lab["covered"],
                              lab["target"], lab["met"]], rows=rows,
                      tooltips=due["name"].tolist(), labels=due["name"].tolist(), show=show)


def _sites_spec(sites: gpd.GeoDataFrame, layer_id: str, name: str, lang: str,
                lab: dict[str, str], tiles: dict | None, *, show: bool = True) -> dict:
    """Chosen sites on canvas, coloured by kind; new builds larger and ringed
    in black; popups with id, name, kind, status, owner, height, cost, power
    supply and milestone."""
    styles = _kind_styles() + [
        {**st, "radius": 7, "color": "#000000", "weight": 3} for st in _kind_styles()]
    code = _kind_codes(sites["kind"]) + (len(_KIND_ORDER) + 1) * (
        sites["status"] == "new").to_numpy()
    geo = display_coords(sites.geometry, tiles)
    return points_spec(layer_id, name, geo.y, geo.x, code, styles=styles, show=show,
                       fields=[lab[k] for k in POPUP_FIELDS], rows=_site_rows(sites, lang),
                       tooltips=[f"{i} {_cell(n)}".strip() for i, n in
                                 zip(sites["site_id"], _names(sites, lang), strict=True)])


def _conflicts_spec(plan: Plan, year: int, lang: str, lab: dict[str, str],
                    tiles: dict | None) -> dict | None:
    table = plan.site_conflicts(year)
    if table.empty:
        return None
    where_ = plan.candidates.set_index("site_id").geometry
    geo = display_coords(gpd.GeoSeries(where_.loc[table["site_id"]].to_numpy(),
                                       crs=plan.candidates.crs), tiles)
    rules = ["forbidden", "restricted", "allowed"]
    styles = [{"radius": 11, "weight": 3, "fill": False, "color": RULE_COLOURS[r]}
              for r in rules]
    code = [rules.index(r) if r in rules else 0 for r in table["rule"]]
    rows = [[s, term(k, lang), z, term(c, lang), term(r, lang)] for s, k, z, c, r in zip(
        table["site_id"], table["kind"], table["zone_id"], table["zone_class"], table["rule"],
        strict=True)]
    return points_spec(f"conflicts_{year}", f"{lab['conflicts']} ({len(table)})", geo.y, geo.x,
                       code, styles=styles,
                       fields=[lab["site"], lab["kind"], lab["zone"], lab["zone_class"],
                               lab["rule"]], rows=rows,
                       tooltips=[f"{s}: {term(r, lang)} — {term(c, lang)} {z}" for s, r, c, z in
                                 zip(table["site_id"], table["rule"], table["zone_class"],
                                     table["zone_id"], strict=True)])


def _candidates_spec(plan: Plan, lab: dict[str, str], tiles: dict | None,
                     lang: str = "en") -> dict:
    """Every candidate as a small canvas circle coloured by kind (hidden)."""
    cands = plan.candidates
    geo = display_coords(cands.geometry, tiles)
    return points_spec("candidates", f"{lab['candidates']} ({len(cands)})", geo.y, geo.x,
                       _kind_codes(cands["kind"]),
                       styles=_kind_styles(radius=2, weight=0, fillOpacity=0.6), show=False,
                       tooltips=[f"{i} {_cell(n)}".strip() for i, n in
                                 zip(cands["site_id"], _names(cands, lang), strict=True)])


def _zone_classes(zones: gpd.GeoDataFrame | None) -> list[str]:
    """The land-use classes the zones layer draws (canonical names)."""
    if zones is None or not len(zones) or "zone_class" not in zones:
        return []
    return sorted({normalise_class(c) or c for c in zones["zone_class"].astype(str)})


def _zone_entries(classes: list[str], lang: str, lab: dict[str, str]) -> list[dict]:
    """Legend entries of the land-use layer, one per class, in the layer's colours."""
    open_, close = ("（", "）") if lang == "zh" else (" (", ")")
    return [{"text": f"{term(c, lang)}{open_}{lab['landuse_layer']}{close}",
             "fill": ZONE_COLOURS.get(c, "#cccccc"), "border": "1px solid #999",
             "shape": "square"} for c in classes]


def _legend(plan: Plan, year: int, kinds: list[str], lang: str, lab: dict[str, str], *,
            conflicts: bool = True, zone_classes: list[str] | None = None) -> dict:
    due = plan.targets[plan.targets["milestone"] <= year]
    entries = [{"text": term(k, lang), "fill": KIND_COLOURS.get(k, "#777777"),
                "border": "1px solid #333", "shape": "circle"} for k in kinds]
    entries += [{"text": lab["new"], "fill": "#ffffff", "border": "3px solid #000",
                 "shape": "circle"},
                {"text": lab["reused"], "fill": "#ffffff", "border": "1px solid #999",
                 "shape": "circle"}]
    entries += [{"text": term(c, lang), "fill": CLASS_COLOURS.get(c, "#cccccc"), "border": "0",
                 "shape": "square"} for c in sorted(set(due["area_class"]))]
    entries += [{"text": lab["target_missed"], "fill": "#ffffff",
                 "border": "3px solid #d7191c", "shape": "square"},
                {"text": lab["uncovered"], "fill": "#e31a1c", "border": "0", "shape": "circle"},
                {"text": lab["uncoverable"], "fill": "#555555", "border": "0",
                 "shape": "circle"}]
    if conflicts and not plan.site_conflicts(year).empty:
        entries += [{"text": f"{lab['conflicts']}: {term(r, lang)}", "fill": "#ffffff",
                     "border": f"3px solid {RULE_COLOURS[r]}", "shape": "circle"}
                    for r in ("forbidden", "restricted")]
    entries += _zone_entries(zone_classes or [], lang, lab)
    return {"title": f"{lab['legend']} {year}", "entries": entries}


def _tiles(tiles: str | None, tiles_crs: str | None, offline: bool) -> dict | None:
    """The base map; ``offline`` keeps only tiles that need no network (a
    ``file:`` URL or a path, e.g. a tile folder copied onto an intranet PC).

    Examples
    --------
    >>> _tiles("amap", None, True) is None, _tiles("./tiles/{z}/{x}/{y}.png", None, True)["url"]
    (True, './tiles/{z}/{x}/{y}.png')
    """
    spec = resolve_tiles(tiles, tiles_crs)
    if offline and spec is not None and spec["url"].startswith(("http://", "https://", "//")):
        return None
    return spec


def _bounds(plan: Plan, tiles: dict | None) -> list[list[float]]:
    minx, miny, maxx, maxy = display_coords(plan.targets.geometry, tiles).total_bounds
    return [[round(float(miny), 6), round(float(minx), 6)],
            [round(float(maxy), 6), round(float(maxx), 6)]]


def milestone_map(plan: Plan, year: int, *, lang: str = "en",
                  tiles: str | None = "OpenStreetMap",
                  context: list[gpd.GeoDataFrame] | None = None, offline: bool = False,
                  tiles_crs: str | None = None,
                  zones: gpd.GeoDataFrame | None = None) -> MapPage:
    """One milestone's plan as a self-contained map page.

    Parameters
    ----------
    tiles : str or None
        Base map: a :data:`~siteplan.maplayers.TILE_PRESETS` name (``"amap"``
        is GCJ-02: data is shifted to match), an URL template, or None (the
        context layers are the base map). ``offline=True`` keeps only tiles
        that need no network (a local tile folder): the page then makes no
        request at all.
    tiles_crs : {"wgs84", "gcj02"}, optional
        Datum of an URL template's tiles.
    context, zones : GeoDataFrame, optional
        Context layers (roads, boundaries, water) and land-use zones, drawn
        under the plan: the base map when there are no tiles.
    """
    lab = labels(check_lang(lang))
    tile_spec = _tiles(tiles, tiles_crs, offline)
    m = plan.milestone(year)
    sites = plan.sites(year)
    layers = _zones_spec(zones, tile_spec, lang, lab) + _context_specs(context, tile_spec, lab)
    layers.append(_targets_spec(plan, year, lang, lab, tile_spec))
    radii = footprint_radii_m(plan, m.selected)
    keep = radii > 0
    foot = display_coords(sites.geometry[keep], tile_spec)
    layers.append(points_spec("footprints", lab["footprints"], foot.y, foot.x,
                              _kind_codes(sites["kind"][keep]), radius_m=radii[keep],
                              styles=_kind_styles(weight=0.5, fillOpacity=0.08), show=False,
                              interactive=False))
    layers.append(_sites_spec(sites, f"sites_{year}", f"{lab['sites']} ({len(sites)})", lang,
                              lab, tile_spec))
    conflicts = _conflicts_spec(plan, year, lang, lab, tile_spec)
    if conflicts is not None:
        layers.append(conflicts)
    unc = plan.uncovered(year)
    if len(unc):
        geo = display_coords(unc.geometry, tile_spec)
        base = {"radius": 2, "weight": 0, "fillOpacity": 0.8}
        layers.append(points_spec("uncovered", f"{lab['uncovered']} ({len(unc)})", geo.y,
                                  geo.x, unc["uncoverable"].astype(int),
                                  styles=[{**base, "fillColor": "#e31a1c"},
                                          {**base, "fillColor": "#555555"}],
                                  show=False, interactive=False))
    # issue 27: best server and SINR (only when the analysis ran for this plan); imported
    # here, so check-landuse's map page does not load the radio and terrain models
    from siteplan.sinr_report import sinr_map_layers

    layers += sinr_map_layers(plan, year, lang, lambda g: display_coords(g, tile_spec))
    return MapPage(title=f"{plan.name} — {year}", bounds=_bounds(plan, tile_spec),
                   layers=layers, legends=[_legend(plan, year, sorted(set(sites["kind"])),
                                                   lang, lab, zone_classes=_zone_classes(zones))],
                   tiles=tile_spec, lang=lang)


def overview_map(plan: Plan, *, lang: str = "en", tiles: str | None = "OpenStreetMap",
                 context: list[gpd.GeoDataFrame] | None = None, offline: bool = False,
                 tiles_crs: str | None = None,
                 zones: gpd.GeoDataFrame | None = None) -> MapPage:
    """Every milestone's sites and target areas, one milestone shown at a
    time by a slider that also switches the legend; all candidates (hidden)."""
    lab = labels(check_lang(lang))
    tile_spec = _tiles(tiles, tiles_crs, offline)
    last = plan.milestones[-1].milestone
    layers = _zones_spec(zones, tile_spec, lang, lab) + _context_specs(context, tile_spec, lab)
    layers.append(_candidates_spec(plan, lab, tile_spec, lang))
    slider_layers, legends = [], []
    for m in plan.milestones:
        year = m.milestone
        sites = plan.sites(year)
        layers.append(_targets_spec(plan, year, lang, lab, tile_spec, show=year == last))
        layers.append(_sites_spec(sites, f"sites_{year}", f"{lab['sites']} {year} "
                                  f"({len(sites)})", lang, lab, tile_spec, show=year == last))
        slider_layers.append([f"targets_{year}", f"sites_{year}"])
        legends.append(_legend(plan, year, sorted(set(sites["kind"])), lang, lab,
                               conflicts=False, zone_classes=_zone_classes(zones)))
    years = [m.milestone for m in plan.milestones]
    slider = None if len(years) < 2 else {
        "label": lab["since"], "years": years, "layers": slider_layers,
        "legend": list(range(len(years)))}
    return MapPage(title=f"{plan.name} — {lab['overview']}", bounds=_bounds(plan, tile_spec),
                   layers=layers, legends=legends, slider=slider, tiles=tile_spec, lang=lang)


def _metres(value: float) -> str:
    """A whole number of metres (or m²) with thousands separators; "" if missing."""
    return f"{value:,.0f}" if value is not None and np.isfinite(value) else ""


def _class_label(zone_class: str, lang: str) -> str:
    """A zone class as the bureau names it: ``forest (林地)`` in English,
    ``林地`` in Chinese."""
    zh = term(zone_class, "zh")
    if lang == "zh" or zh == zone_class:
        return zh
    return f"{zone_class} ({zh})"


def _rules_text(zone_class: str, assumptions: Mapping[str, Any], lang: str) -> str:
    """``new tower: forbidden; new pole: restricted; existing: allowed``."""
    parts = []
    for group in ("new_tower", "new_pole", "existing"):
        rule = assumptions.get(f"landuse.rule.{zone_class}.{group}")
        if rule is not None:
            parts.append(f"{tr(f'g.{group}', lang)}: {term(str(rule), lang)}")
    return ("；" if lang == "zh" else "; ").join(parts)


def check_map(conflicts: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, offline: bool = False,
              lang: str = "en", tiles: str | None = "OpenStreetMap",
              tiles_crs: str | None = None,
              assumptions: Mapping[str, Any] | None = None) -> MapPage:
    """The ``check-landuse`` map: zones coloured by class and every conflict
    (site, kind, zone, class, rule, overlap, distance in its popup), built
    like the plan maps (data as text, no template engine).

    Parameters
    ----------
    conflicts : geopandas.GeoDataFrame
        ``site_id, kind, zone_id, zone_class, rule, overlap_m2, distance_m``
        and the site geometry (points or polygons).
    zones : geopandas.GeoDataFrame
        ``zone_id`` and canonical ``zone_class`` polygons; an optional
        ``rules`` text column (the class's rule per site group) is shown in
        the zone popups.
    assumptions : mapping, optional
        The ``landuse.rule.*`` values: the zone popups then give each
        class's rule for new towers, new poles and existing structures in
        ``lang`` (instead of a ``rules`` column).

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> z = gpd.GeoDataFrame({"zone_id": ["{{ 7*7 }}"], "zone_class": ["forest"]},
    ...                      geometry=[box(119.5, 25.9, 119.51, 25.91)], crs=4326)
    >>> c = gpd.GeoDataFrame({"site_id": ["s"], "kind": ["greenfield"], "zone_id": ["{{ 7*7 }}"],
    ...     "zone_class": ["forest"], "rule": ["restricted"], "overlap_m2": [225.0],
    ...     "distance_m": [0.0]}, geometry=[Point(119.505, 25.905)], crs=4326)
    >>> page = check_map(c, z, offline=True)
    >>> "{{ 7*7 }}" in page.render() and "49" not in str(page.data()["layers"][0]["rows"])
    True
    """
    lab = labels(check_lang(lang))
    tile_spec = _tiles(tiles, tiles_crs, offline)
    classes = sorted(set(zones["zone_class"].astype(str)))
    styles = [{"fillColor": ZONE_COLOURS.get(c, "#cccccc"), "color": "#555555", "weight": 0.5,
               "fillOpacity": 0.3} for c in classes]
    zone_geo = display_coords(zones.geometry, tile_spec)
    names = {c: _class_label(c, lang) for c in classes}
    zone_classes = zones["zone_class"].astype(str).tolist()
    if assumptions:
        rules_text: list[str] | None = [_rules_text(c, assumptions, lang) for c in zone_classes]
    elif "rules" in zones:
        rules_text = zones["rules"].astype(str).tolist()
    else:
        rules_text = None
    fields = [lab["zone"], lab["zone_class"]] + ([lab["rule"]] if rules_text else [])
    rows = [[z, names[c], *([rules_text[i]] if rules_text else [])]
            for i, (z, c) in enumerate(zip(zones["zone_id"], zone_classes, strict=True))]
    layers = [areas_spec("zones", lab["zone_class"], zone_geo.to_numpy(),
                         [classes.index(c) for c in zone_classes], styles=styles, fields=fields,
                         rows=rows, tooltips=[f"{z} · {names[c]}" for z, c in
                                              zip(zones["zone_id"], zone_classes, strict=True)])]
    rules = ["forbidden", "restricted", "allowed"]
    where_ = display_coords(conflicts.geometry.representative_point(), tile_spec) \
        if len(conflicts) else gpd.GeoSeries([], crs=4326)
    layers.append(points_spec(
        "conflicts", f"{lab['conflicts']} ({len(conflicts)})", where_.y, where_.x,
        [rules.index(r) if r in rules else 0 for r in conflicts["rule"]],
        styles=[{"radius": 6, "color": RULE_COLOURS[r], "fillColor": RULE_COLOURS[r],
                 "fillOpacity": 0.9, "weight": 1} for r in rules],
        fields=[lab["site"], lab["kind"], lab["zone"], lab["zone_class"], lab["rule"],
                tr("overlap", lang), tr("distance", lang)],
        rows=[[s, term(k, lang), z, term(c, lang), term(r, lang), _metres(o), _metres(d)]
              for s, k, z, c, r, o, d in zip(
                  conflicts["site_id"], conflicts["kind"], conflicts["zone_id"],
                  conflicts["zone_class"], conflicts["rule"], conflicts["overlap_m2"],
                  conflicts["distance_m"], strict=True)],
        tooltips=[f"{s}: {term(r, lang)}" for s, r in
                  zip(conflicts["site_id"], conflicts["rule"], strict=True)]))
    entries = [{"text": term(c, lang), "fill": ZONE_COLOURS.get(c, "#cccccc"), "border": "0",
                "shape": "square"} for c in classes]
    entries += [{"text": term(r, lang), "fill": RULE_COLOURS[r], "border": "1px solid #333",
                 "shape": "circle"} for r in ("forbidden", "restricted")]
    minx, miny, maxx, maxy = zone_geo.total_bounds
    return MapPage(title=lab["conflicts"], bounds=[[round(float(miny), 6), round(float(minx), 6)],
                                                   [round(float(maxy), 6), round(float(maxx), 6)]],
                   layers=layers, legends=[{"title": lab["legend"], "entries": entries}],
                   tiles=tile_spec, lang=lang)
