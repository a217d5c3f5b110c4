"""The bureau's check of any site layer against land-use zones (CLI edge).

Examples
--------
>>> callable(check_landuse)
True
"""

from __future__ import annotations

import json
from pathlib import Path

import folium
import geopandas as gpd

from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.io.atomic import output_folder
from siteplan.io.tables import write_csv
from siteplan.landuse import CONFLICT_COLUMNS, conflicts, prepare_zones, summary
from siteplan.maps import check_map, make_offline, safe
from siteplan.sources import read_layer

RULE_COLOURS = {"forbidden": "#d7191c", "restricted": "#fdae61"}
ZONE_COLOURS = {"basic_farmland": "#e6ab02", "ecological_red_line": "#1b9e77",
                "forest": "#66a61e", "water": "#377eb8", "satellite_earth_station": "#984ea3",
                "urban_development": "#bbbbbb"}


def check_landuse(sites_path: Path, zones_path: Path, out: Path, *,
                  class_column: str = "zone_class", id_column: str = "site_id",
                  config: Path | None = None, offline: bool = False,
                  force: bool = False) -> int:
    """Write the conflict outputs; return the number of forbidden conflicts."""
    assumptions = Assumptions()
    if config is not None:
        from siteplan.config import load_config

        assumptions = load_config(config).assumptions
    sites = read_layer(sites_path)
    zones = read_layer(zones_path)
    if sites.crs is None or zones.crs is None:
        raise InputError(f"{sites_path if sites.crs is None else zones_path}: no CRS; set one.")
    if sites.crs != zones.crs:
        raise InputError(
            f"CRS mismatch: {sites_path} is {sites.crs.to_string()}, {zones_path} is "
            f"{zones.crs.to_string()}. Reproject one layer to the other's CRS first "
            "(e.g. ogr2ogr -t_srs EPSG:4490 out.gpkg in.gpkg).")
    if id_column not in sites.columns:
        raise InputError(f"{sites_path}: no id column {id_column!r}; columns are "
                         f"{[c for c in sites.columns if c != 'geometry']}. Pass --id-column.")
    sites = sites.rename(columns={id_column: "site_id"})
    zones, notes = prepare_zones(zones, source=str(zones_path), class_column=class_column)
    metric = zones.estimate_utm_crs()
    table = conflicts(sites.to_crs(metric), zones.to_crs(metric), assumptions)
    result = summary(table)
    result.update(sites=int(len(sites)), zones=int(len(zones)), notes=notes,
                  rules={k: v for k, v in assumptions.items() if k.startswith("landuse.")})
    with output_folder(out, kind="check-landuse", force=force) as stage:
        write_csv(table[CONFLICT_COLUMNS], stage / "conflicts.csv")
        geo = gpd.GeoDataFrame(table[CONFLICT_COLUMNS],
                               geometry=sites.geometry.to_numpy()[table["site_index"].to_numpy()]
                               if len(table) else [], crs=sites.crs)
        geo.to_file(stage / "conflicts.gpkg", layer="conflicts", engine="pyogrio")
        involved = zones[zones["zone_id"].isin(set(table["zone_id"]))]
        if len(involved):
            involved.to_file(stage / "conflicts.gpkg", layer="zones", engine="pyogrio")
        (stage / "summary.json").write_text(json.dumps(result, indent=2, ensure_ascii=False),
                                            encoding="utf-8")
        check_map(geo, zones, offline=offline).save(stage / "map.html")  # data as text
    return result["forbidden_conflicts"]


def _map(geo: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, offline: bool) -> folium.Map:
    z = zones.to_crs(4326)
    minx, miny, maxx, maxy = z.total_bounds
    fmap = folium.Map(tiles=None if offline else "OpenStreetMap", prefer_canvas=True)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    shown = z[["zone_id", "zone_class", "geometry"]].copy()
    shown["zone_id"] = shown["zone_id"].map(safe)
    folium.GeoJson(shown, name="Land-use zones",
                   style_function=lambda f: {"fillColor": ZONE_COLOURS.get(
                       f["properties"]["zone_class"], "#ccc"), "color": "#555", "weight": 0.5,
                       "fillOpacity": 0.3},
                   tooltip=folium.GeoJsonTooltip(["zone_id", "zone_class"])).add_to(fmap)
    layer = folium.FeatureGroup(name=f"Conflicts ({len(geo)})")
    for row in geo.to_crs(4326).itertuples():
        point = row.geometry.representative_point()
        text = "".join(f"<tr><th>{safe(k)}</th><td>{safe(getattr(row, k))}</td></tr>"
                       for k in CONFLICT_COLUMNS)
        folium.CircleMarker([point.y, point.x], radius=6, color=RULE_COLOURS[row.rule],
                            fill=True, fill_opacity=0.9,
                            popup=folium.Popup(f"<table class='siteplan-popup'>{text}</table>"),
                            ).add_to(layer)
    layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return make_offline(fmap) if offline else fmap
