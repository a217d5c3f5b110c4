"""New-build proposals: where no listed candidate reaches demand or carries it.

Sharing first means new structures only where reuse cannot serve. This
module proposes them, as ordinary candidates marked ``proposed=True``:

- **greenfield towers** on a hexagonal lattice over demand no listed
  candidate reaches, spaced ``proposals.macro_spacing_factor`` × the macro
  reach in the demand's environment (link budget at the greenfield mount
  height, or the radius table); only lattice points within that reach of
  such demand are kept;
- **smart poles** for the same demand in dense urban, urban and suburban
  areas: along the given roads (street furniture), else on a lattice spaced
  by the micro reach;
- **indoor systems** (``indoor_das``, 室分) over indoor demand no outdoor
  candidate reaches, spaced by the indoor system's radius;
- **capacity**: an area whose candidates together carry less than
  ``proposals.capacity_margin`` × its busy-hour demand gets a grid of as
  many more sites as cover the difference (indoor systems in indoor areas,
  smart poles in urban areas, towers elsewhere).

Proposals on land where the kind is forbidden (``landuse`` rules, e.g. a
tower on permanent basic farmland or water) are dropped; on restricted land
they are kept and carry the restricted-land penalty like any candidate.
Demand still out of reach is explained by :func:`unreachable_reasons`.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from siteplan.defaults import Assumptions
>>> pts = gpd.GeoDataFrame({"area_id": ["a"] * 2, "environment": ["rural"] * 2,
...     "indoor": [False] * 2}, geometry=[Point(0, 0), Point(100, 0)], crs=32650)
>>> out = propose_sites(pts, np.array([True, True]), Assumptions({"coverage.mode": "radius"}))
>>> sorted(set(out["kind"])), bool(out["proposed"].all())
(['greenfield'], True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from siteplan.errors import ConfigError
from siteplan.landuse import conflicts
from siteplan.radio import LinkBudget, scenario_for

PROPOSAL_MODES = ("reach", "off")
#: Environments where smart poles (street furniture) are proposed.
POLE_ENVIRONMENTS = ("dense_urban", "urban", "suburban")
PREFIX = {"greenfield": "PR-GF", "smart_pole": "PR-SP", "indoor_das": "PR-DAS"}


def check_mode(assumptions: Mapping[str, Any]) -> str:
    """Validate ``proposals.mode``."""
    mode = str(assumptions["proposals.mode"])
    if mode not in PROPOSAL_MODES:
        raise ConfigError(f"proposals.mode {mode!r} is not one of {', '.join(PROPOSAL_MODES)}.")
    return mode


def reach_m(kind: str, environment: str, assumptions: Mapping[str, Any]) -> float:
    """Outdoor reach (m) of a new site of ``kind`` at its default height.

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> reach_m("greenfield", "rural", Assumptions({"coverage.mode": "radius"}))
    1200.0
    """
    if kind == "indoor_das" or str(assumptions["coverage.mode"]) == "radius":
        return float(assumptions[f"radius_m.{kind}.{environment}"])
    budget = LinkBudget.from_assumptions(assumptions)
    macro = kind == "greenfield"
    return budget.max_reach_m(scenario_for(environment, macro=macro),
                              float(assumptions[f"height_m.{kind}"]), macro=macro)


def hex_lattice(xy: np.ndarray, spacing_m: float, reach: float) -> np.ndarray:
    """Points of a hexagonal lattice (aligned to the origin, so runs agree)
    within ``reach`` of any of ``xy``.

    Examples
    --------
    >>> hex_lattice(np.array([[0.0, 0.0]]), 100.0, 60.0).tolist()
    [[0.0, 0.0]]
    """
    if xy.size == 0:
        return np.zeros((0, 2))
    dy = spacing_m * np.sqrt(3) / 2
    (minx, miny), (maxx, maxy) = xy.min(axis=0) - reach, xy.max(axis=0) + reach
    rows = np.arange(np.floor(miny / dy), np.ceil(maxy / dy) + 1)
    cols = np.arange(np.floor(minx / spacing_m) - 1, np.ceil(maxx / spacing_m) + 1)
    if rows.size * cols.size > 20_000_000:
        raise ConfigError(f"proposals: a lattice of {rows.size * cols.size:,} points at "
                          f"{spacing_m:g} m; raise the spacing factor or split the area.")
    gx, gy = np.meshgrid(cols, rows)
    x = (gx + 0.5 * (gy % 2)) * spacing_m
    y = gy * dy
    pts = np.column_stack([x.ravel(), y.ravel()])
    near = cKDTree(xy).query(pts, distance_upper_bound=reach)[0] <= reach
    return pts[near]


def along_roads(roads_m: gpd.GeoDataFrame, xy: np.ndarray, spacing_m: float,
                reach: float) -> np.ndarray:
    """Points every ``spacing_m`` along the road lines within ``reach`` of ``xy``."""
    if xy.size == 0 or roads_m is None or len(roads_m) == 0:
        return np.zeros((0, 2))
    lines = roads_m.geometry.to_numpy()
    lines = lines[np.isin(shapely.get_type_id(lines), (1, 5))]
    hull = shapely.buffer(shapely.multipoints(xy), reach)
    lines = shapely.intersection(lines, hull)
    lines = lines[~shapely.is_empty(lines)]
    parts = shapely.get_parts(lines)
    parts = parts[np.isin(shapely.get_type_id(parts), (1,))]
    out = []
    for line in parts:
        n = max(int(line.length // spacing_m), 1)
        dist = spacing_m * (np.arange(n) + 0.5)
        p = shapely.line_interpolate_point(line, np.minimum(dist, line.length))
        out.append(shapely.get_coordinates(p))
    if not out:
        return np.zeros((0, 2))
    pts = np.concatenate(out)
    near = cKDTree(xy).query(pts, distance_upper_bound=reach)[0] <= reach
    return pts[near]


def area_grid(polygon: Any, n_sites: int) -> np.ndarray:
    """About ``n_sites`` points on a square grid inside ``polygon``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> len(area_grid(box(0, 0, 1000, 1000), 4))
    4
    """
    if n_sites <= 0:
        return np.zeros((0, 2))
    spacing = np.sqrt(polygon.area / n_sites)
    minx, miny, maxx, maxy = polygon.bounds
    for _ in range(8):
        gx = np.arange(minx + spacing / 2, maxx, spacing)
        gy = np.arange(miny + spacing / 2, maxy, spacing)
        xx, yy = np.meshgrid(gx, gy)
        inside = shapely.contains_xy(polygon, xx.ravel(), yy.ravel())
        if inside.sum() >= n_sites or spacing < 1.0:
            break
        spacing /= 1.2
    pts = np.column_stack([xx.ravel()[inside], yy.ravel()[inside]])
    if len(pts) == 0:
        p = polygon.representative_point()
        pts = np.array([[p.x, p.y]])
    return pts


def _frame(kind: str, xy: np.ndarray, reason: str, assumptions: Mapping[str, Any],
           crs: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "kind": kind, "height_m": float(assumptions[f"height_m.{kind}"]),
        "owner": "proposed", "open_access": True, "on_air": False,
        "power_supply": "direct", "proposed": True, "proposal_reason": reason,
    }, index=range(len(xy)), geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=crs)


def propose_sites(demand_m: gpd.GeoDataFrame, unreached: np.ndarray,
                  assumptions: Mapping[str, Any], *, zones_m: gpd.GeoDataFrame | None = None,
                  roads_m: gpd.GeoDataFrame | None = None,
                  capacity_short: pd.DataFrame | None = None,
                  areas_m: gpd.GeoDataFrame | None = None,
                  taken_ids: set[str] | frozenset[str] = frozenset()) -> gpd.GeoDataFrame:
    """New-build candidates for demand no listed candidate serves.

    Parameters
    ----------
    demand_m : geopandas.GeoDataFrame
        Demand points (metric CRS) with ``area_id``, ``environment``, ``indoor``.
    unreached : numpy.ndarray of bool
        Per demand point: no listed (allowed) candidate reaches it.
    assumptions : mapping
        ``proposals.*``, radio and radius assumptions.
    zones_m : geopandas.GeoDataFrame, optional
        Prepared land-use zones (metric CRS); proposals on forbidden land are dropped.
    roads_m : geopandas.GeoDataFrame, optional
        Road lines (metric CRS): smart poles go along them when given.
    capacity_short : pandas.DataFrame, optional
        ``area_id, environment, indoor, extra_sites`` for areas whose
        candidates cannot carry their demand; ``areas_m`` gives their polygons.
    taken_ids : set of str
        Site ids already used (proposal ids avoid them).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidate columns (metric CRS) plus ``proposed`` (True) and
        ``proposal_reason`` (``coverage``, ``indoor`` or ``capacity``); empty
        when ``proposals.mode = "off"``.
    """
    crs = demand_m.crs
    empty = _frame("greenfield", np.zeros((0, 2)), "coverage", assumptions, crs)
    if check_mode(assumptions) == "off":
        return _finish(empty, taken_ids)
    unreached = np.asarray(unreached, bool)
    xy_all = np.column_stack([demand_m.geometry.x, demand_m.geometry.y])
    env = demand_m["environment"].to_numpy()
    indoor = demand_m["indoor"].to_numpy(bool)
    frames = []
    factor = {"greenfield": float(assumptions["proposals.macro_spacing_factor"]),
              "smart_pole": float(assumptions["proposals.micro_spacing_factor"]),
              "indoor_das": float(assumptions["proposals.indoor_spacing_factor"])}
    for kind, f in factor.items():
        if not (np.isfinite(f) and f > 0):
            raise ConfigError(f"proposals spacing factor for {kind} = {f!r} must be > 0.")
    for environment in np.unique(env[unreached]).tolist():
        mask = unreached & (env == environment)
        xy = xy_all[mask]
        reach = reach_m("greenfield", environment, assumptions)
        if reach > 0:
            pts = hex_lattice(xy, factor["greenfield"] * reach, reach)
            frames.append(_frame("greenfield", pts, "coverage", assumptions, crs))
        if environment in POLE_ENVIRONMENTS:
            reach = reach_m("smart_pole", environment, assumptions)
            if reach > 0:
                spacing = factor["smart_pole"] * reach
                pts = (along_roads(roads_m, xy, spacing, reach) if roads_m is not None
                       else hex_lattice(xy, spacing, reach))
                frames.append(_frame("smart_pole", pts, "coverage", assumptions, crs))
        in_mask = mask & indoor
        if in_mask.any():
            reach = reach_m("indoor_das", environment, assumptions)
            pts = hex_lattice(xy_all[in_mask], factor["indoor_das"] * reach, reach)
            frames.append(_frame("indoor_das", pts, "indoor", assumptions, crs))
    if capacity_short is not None and len(capacity_short) and areas_m is not None:
        polygons = areas_m.set_index(areas_m["area_id"].astype(str)).geometry
        for row in capacity_short.itertuples(index=False):
            kind = ("indoor_das" if row.indoor else
                    "smart_pole" if row.environment in ("dense_urban", "urban") else "greenfield")
            pts = area_grid(polygons[str(row.area_id)], int(row.extra_sites))
            frames.append(_frame(kind, pts, "capacity", assumptions, crs))
    out = pd.concat([empty, *frames], ignore_index=True) if frames else empty
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=crs)
    if zones_m is not None and len(out):
        table = conflicts(out.assign(site_id=[str(i) for i in range(len(out))]), zones_m,
                          assumptions)
        forbidden = table.loc[table["rule"] == "forbidden", "site_index"].to_numpy(np.int64)
        out = out.drop(index=out.index[np.unique(forbidden)])
    return _finish(out.reset_index(drop=True), taken_ids)


def _finish(out: gpd.GeoDataFrame, taken_ids: set[str] | frozenset[str]) -> gpd.GeoDataFrame:
    ids, counter = [], {}
    for kind in out["kind"].tolist():
        n = counter.get(kind, 0)
        while True:
            n += 1
            candidate = f"{PREFIX[kind]}{n:05d}"
            if candidate not in taken_ids:
                break
        counter[kind] = n
        ids.append(candidate)
    out.insert(0, "site_id", ids)
    out["name"] = [f"Proposed {k.replace('_', ' ')} {i}" for k, i in
                   zip(out["kind"], out["site_id"], strict=True)]
    return out


def unreachable_reasons(demand_m: gpd.GeoDataFrame, rows: np.ndarray,
                        zones_m: gpd.GeoDataFrame | None,
                        assumptions: Mapping[str, Any]) -> np.ndarray:
    """Why each demand point of ``rows`` cannot be served even with proposals.

    ``water`` or ``forbidden land: <class>`` where the point lies in a zone
    on which new towers are forbidden (and so no site may stand near it),
    else ``outside every reach`` (no buildable place within reach).

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> from siteplan.defaults import Assumptions
    >>> d = gpd.GeoDataFrame(geometry=[Point(5, 5), Point(50, 50)], crs=32650)
    >>> z = gpd.GeoDataFrame({"zone_id": ["Z1"], "zone_class": ["water"]},
    ...                      geometry=[box(0, 0, 10, 10)], crs=32650)
    >>> unreachable_reasons(d, np.array([0, 1]), z, Assumptions()).tolist()
    ['water', 'outside every reach']
    """
    rows = np.asarray(rows, dtype=np.int64)
    out = np.full(rows.size, "outside every reach", dtype=object)
    if zones_m is None or rows.size == 0 or len(zones_m) == 0:
        return out
    pts = demand_m.geometry.to_numpy()[rows]
    classes = zones_m["zone_class"].to_numpy()
    rule = np.array([assumptions[f"landuse.rule.{c}.new_tower"] for c in classes])
    tree = shapely.STRtree(zones_m.geometry.to_numpy())
    p_idx, z_idx = tree.query(pts, predicate="within")
    for p, z in zip(p_idx.tolist(), z_idx.tolist(), strict=True):
        if rule[z] == "forbidden" and out[p] != "water":
            out[p] = "water" if classes[z] == "water" else f"forbidden land: {classes[z]}"
    return out
