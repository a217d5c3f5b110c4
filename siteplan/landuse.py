"""Land use: zone classes, rules per site group, footprints, conflicts.

The natural-resources bureau checks every new site against the territorial
spatial plan: no new tower on permanent basic farmland or inside the
ecological protection red line, forest land only with a permit, nothing
radiating inside a satellite earth station's protection zone. Rules live in
the assumptions table (``landuse.rule.<class>.<group>``, overridable) with
an optional protection buffer per class (``landuse.buffer_m.<class>``).

Examples
--------
>>> normalise_class("永久基本农田"), normalise_class("Forest land")
('basic_farmland', 'forest')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siteplan.errors import InputError, where
from siteplan.kinds import KIND_INFO, STRICTEST_GROUP

ZONE_CLASSES: dict[str, tuple[str, ...]] = {
    "basic_farmland": ("永久基本农田", "基本农田", "permanent_basic_farmland", "farmland",
                       "permanent basic farmland"),
    "ecological_red_line": ("生态保护红线", "生态红线", "red_line", "ecological protection red line",
                            "ecological_protection_red_line"),
    "forest": ("林地", "forest_land", "forest land"),
    "water": ("水域", "水体", "水库", "water_body", "water body"),
    "satellite_earth_station": ("卫星地球站", "卫星站", "satellite", "satellite earth station"),
    "urban_development": ("城镇开发边界", "建设用地", "urban_development_boundary",
                          "construction_land", "construction land", "urban development boundary"),
}
RULES = ("forbidden", "restricted", "allowed")
CONFLICT_COLUMNS = ["site_id", "kind", "zone_id", "zone_class", "rule", "overlap_m2",
                    "distance_m"]


def _key(text: str) -> str:
    return str(text).strip().lower().replace("-", "_")


_ALIASES = {_key(a): c for c, names in ZONE_CLASSES.items() for a in (c, *names)}


def normalise_class(name: str) -> str | None:
    """Canonical zone class for a Chinese or English name (None if unknown)."""
    return _ALIASES.get(_key(name)) or _ALIASES.get(_key(name).replace("_", " "))


def site_group(kind: str) -> str:
    """``new_tower`` (greenfield), ``new_pole`` (smart pole) or ``existing``."""
    info = KIND_INFO.get(kind)
    return STRICTEST_GROUP if info is None else info.landuse_group


def prepare_zones(zones: gpd.GeoDataFrame, *, source: str = "zones",
                  class_column: str = "zone_class") -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validate zones: class column, known classes, polygons (repaired).

    Returns the zones with canonical ``zone_id``/``zone_class`` and a list of
    notes (e.g. geometries repaired with ``make_valid``).

    Raises
    ------
    InputError
        No CRS, no class column, unknown classes (listed with the known ones).
    """
    if zones.crs is None:
        raise InputError(f"{source}: the zones have no CRS. Set one in the file.")
    if len(zones) == 0:
        raise InputError(f"{source}: the zone layer is empty.")
    if class_column not in zones.columns:
        raise InputError(
            f"{source}: no class column {class_column!r}; columns are "
            f"{[c for c in zones.columns if c != 'geometry']}. Pass --class-column NAME.")
    out = zones.copy()
    raw = out[class_column].astype(str)
    canonical = raw.map(normalise_class)
    unknown = sorted(set(raw[canonical.isna()]))
    if unknown:
        known = ", ".join(f"{c} ({'/'.join(ZONE_CLASSES[c][:2])})" for c in ZONE_CLASSES)
        raise InputError(f"{source}, column {class_column!r}: unknown zone classes {unknown}. "
                         f"Known classes: {known}.")
    out["zone_class"] = canonical
    if "zone_id" not in out.columns:
        out["zone_id"] = [f"Z{i + 1}" for i in range(len(out))]
    out["zone_id"] = out["zone_id"].astype(str)
    notes = []
    invalid = ~out.geometry.is_valid
    if invalid.any():
        out.loc[invalid, "geometry"] = shapely.make_valid(out.geometry[invalid].to_numpy())
        notes.append(f"{source}: repaired {int(invalid.sum())} invalid zone geometries with "
                     f"make_valid (zone_id {', '.join(out.loc[invalid, 'zone_id'][:5])}…).")
    polygonal = out.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])
    if not polygonal.all():
        i = int(np.flatnonzero(~polygonal.to_numpy())[0])
        raise InputError(f"{where(source, row=i + 1, column='geometry')}: zones must be polygons.")
    return out, notes


def footprints(sites_m: gpd.GeoDataFrame, assumptions: Mapping[str, Any]) -> gpd.GeoSeries:
    """Land a site takes: a square compound for a new ground tower, a pole base
    for a new smart pole, nothing new (the point) on existing structures.
    Polygon sites keep their own shape."""
    geom = sites_m.geometry
    kinds = sites_m["kind"] if "kind" in sites_m else pd.Series("greenfield", index=sites_m.index)
    side = kinds.map(lambda k: {"new_tower": float(assumptions["landuse.tower_footprint_m"]),
                                "new_pole": float(assumptions["landuse.pole_footprint_m"])}
                     .get(site_group(k), 0.0)).to_numpy()
    points = geom.geom_type.to_numpy() == "Point"
    out = geom.copy()
    squares = points & (side > 0)
    if squares.any():
        out[squares] = geom[squares].buffer(side[squares] / 2.0, cap_style="square")
    return out


def conflicts(sites_m: gpd.GeoDataFrame, zones_m: gpd.GeoDataFrame,
              assumptions: Mapping[str, Any]) -> pd.DataFrame:
    """Every site–zone pair whose rule is not ``allowed``.

    Parameters
    ----------
    sites_m : GeoDataFrame
        Sites in a metric CRS with ``site_id`` (and ``kind``; without it every
        site is taken as a new ground tower, the strictest reading).
    zones_m : GeoDataFrame
        Prepared zones (:func:`prepare_zones`) in the same CRS.

    Returns
    -------
    pandas.DataFrame
        ``site_id, kind, zone_id, zone_class, rule, overlap_m2, distance_m``
        plus ``site_index`` (row of ``sites_m``); ``distance_m`` is the distance
        from the site to the zone itself (0 inside), set for buffered classes.
    """
    if sites_m.crs != zones_m.crs:
        raise InputError("conflicts: sites and zones must share one CRS.")
    kinds = (sites_m["kind"].astype(str) if "kind" in sites_m
             else pd.Series("greenfield", index=sites_m.index))
    buffers = zones_m["zone_class"].map(lambda c: float(assumptions[f"landuse.buffer_m.{c}"]))
    zone_area = zones_m.geometry.where(buffers <= 0, zones_m.geometry.buffer(buffers))
    feet = footprints(sites_m, assumptions)
    tree = shapely.STRtree(zone_area.to_numpy())
    site_idx, zone_idx = tree.query(feet.to_numpy(), predicate="intersects")
    if site_idx.size == 0:
        return pd.DataFrame(columns=[*CONFLICT_COLUMNS, "site_index"])
    zclass = zones_m["zone_class"].to_numpy()[zone_idx]
    groups = np.array([site_group(k) for k in kinds.to_numpy()[site_idx]])
    rules = np.array([assumptions[f"landuse.rule.{c}.{g}"] for c, g in zip(zclass, groups,
                                                                         strict=True)])
    bad_rule = ~np.isin(rules, RULES)
    if bad_rule.any():
        raise InputError(f"landuse rule {rules[bad_rule][0]!r} must be one of {', '.join(RULES)}.")
    keep = rules != "allowed"
    site_idx, zone_idx, zclass, rules = site_idx[keep], zone_idx[keep], zclass[keep], rules[keep]
    zone_geom = zones_m.geometry.to_numpy()[zone_idx]
    foot = feet.to_numpy()[site_idx]
    overlap = shapely.area(shapely.intersection(foot, zone_geom))
    buffered = buffers.to_numpy()[zone_idx] > 0
    distance = np.where(buffered, shapely.distance(sites_m.geometry.to_numpy()[site_idx],
                                                   zone_geom), np.nan)
    return pd.DataFrame({
        "site_id": sites_m["site_id"].astype(str).to_numpy()[site_idx],
        "kind": kinds.to_numpy()[site_idx],
        "zone_id": zones_m["zone_id"].to_numpy()[zone_idx], "zone_class": zclass,
        "rule": rules, "overlap_m2": np.round(overlap, 3), "distance_m": np.round(distance, 3),
        "site_index": site_idx,
    }).sort_values(["site_index", "zone_id"]).reset_index(drop=True)


def summary(conflict_table: pd.DataFrame) -> dict[str, Any]:
    """Counts per class and rule, and the number of sites in conflict."""
    per_class = (conflict_table.groupby(["zone_class", "rule"]).size().unstack(fill_value=0)
                 if len(conflict_table) else pd.DataFrame())
    return {
        "forbidden_conflicts": int((conflict_table["rule"] == "forbidden").sum()),
        "restricted_conflicts": int((conflict_table["rule"] == "restricted").sum()),
        "sites_forbidden": int(conflict_table.loc[conflict_table["rule"] == "forbidden",
                                                  "site_id"].nunique()),
        "sites_restricted": int(conflict_table.loc[conflict_table["rule"] == "restricted",
                                                   "site_id"].nunique()),
        "per_class": {c: {r: int(v) for r, v in row.items()} for c, row in per_class.iterrows()},
    }
