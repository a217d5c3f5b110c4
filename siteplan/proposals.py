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
import scipy.sparse as sp
import shapely
from scipy.spatial import cKDTree

from siteplan.capacity import CapacityModel, area_capacity, site_profile
from siteplan.coverage import Coverage, coverage_matrix
from siteplan.coverage import kind_reach_m as reach_m
from siteplan.errors import ConfigError
from siteplan.kinds import KIND_INFO, PROPOSAL_KINDS
from siteplan.landuse import conflicts
from siteplan.messages import Msg

PROPOSAL_MODES = ("reach", "off")
#: Environments where smart poles (street furniture) are proposed.
POLE_ENVIRONMENTS = ("dense_urban", "urban", "suburban")
#: The kinds proposed (from the kind registry): a tower, a smart pole, an indoor system.
TOWER, POLE, INDOOR = PROPOSAL_KINDS["macro"], PROPOSAL_KINDS["micro"], PROPOSAL_KINDS["indoor"]
#: Id prefix per proposed kind (derived from the registry; ``region.partition`` reads it).
PREFIX: dict[str, str] = {k: f"PR-{KIND_INFO[k].id_prefix}" for k in PROPOSAL_KINDS.values()}


def check_mode(assumptions: Mapping[str, Any]) -> str:
    """Validate ``proposals.mode``."""
    mode = str(assumptions["proposals.mode"])
    if mode not in PROPOSAL_MODES:
        raise ConfigError(Msg("proposals.proposals_mode_not", mode=repr(mode),
                              proposal_modes=', '.join(PROPOSAL_MODES)))
    return mode


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
        raise ConfigError(Msg("proposals.proposals_lattice_points", size=format(rows.size * cols.size, ','),
                              spacing_m=format(spacing_m, 'g')))
    gx, gy = np.meshgrid(cols, rows)
    x = (gx + 0.5 * (gy % 2)) * spacing_m
    y = gy * dy
    pts = np.column_stack([x.ravel(), y.ravel()])
    near = cKDTree(xy).query(pts, distance_upper_bound=reach)[0] <= reach
    return pts[near]


def along_roads(roads_m: gpd.GeoDataFrame, xy: np.ndarray, spacing_m: float,
                reach: float) -> np.ndarray:
    """Points every ``spacing_m`` along the road lines within ``reach`` of ``xy``.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=32650)
    >>> pts = along_roads(roads, np.array([[500.0, 50.0]]), 100.0, 120.0)
    >>> len(pts), bool(np.all(pts[:, 1] == 0.0))  # two poles on the road near the point
    (2, True)
    """
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
    empty = _frame(TOWER, np.zeros((0, 2)), "coverage", assumptions, crs)
    if check_mode(assumptions) == "off":
        return _finish(empty, taken_ids)
    frames = _reach_proposals(demand_m, np.asarray(unreached, bool), assumptions, roads_m)
    if capacity_short is not None and len(capacity_short) and areas_m is not None:
        frames += _capacity_proposals(capacity_short, areas_m, assumptions, crs)
    out = pd.concat([empty, *frames], ignore_index=True) if frames else empty
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=crs)
    if zones_m is not None and len(out):
        table = conflicts(out.assign(site_id=[str(i) for i in range(len(out))]), zones_m,
                          assumptions)
        forbidden = table.loc[table["rule"] == "forbidden", "site_index"].to_numpy(np.int64)
        out = out.drop(index=out.index[np.unique(forbidden)])
    return _finish(out.reset_index(drop=True), taken_ids)


def spacing_factors(assumptions: Mapping[str, Any]) -> dict[str, float]:
    """Lattice spacing / reach per proposed kind (``proposals.*_spacing_factor``).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> spacing_factors(Assumptions())
    {'greenfield': 1.5, 'smart_pole': 1.5, 'indoor_das': 1.4}
    """
    factor = {TOWER: float(assumptions["proposals.macro_spacing_factor"]),
              POLE: float(assumptions["proposals.micro_spacing_factor"]),
              INDOOR: float(assumptions["proposals.indoor_spacing_factor"])}
    for kind, f in factor.items():
        if not (np.isfinite(f) and f > 0):
            raise ConfigError(Msg("proposals.proposals_spacing_factor", kind=kind, f=repr(f)))
    return factor


def _reach_proposals(demand_m: gpd.GeoDataFrame, unreached: np.ndarray,
                     assumptions: Mapping[str, Any],
                     roads_m: gpd.GeoDataFrame | None) -> list[gpd.GeoDataFrame]:
    """Towers, smart poles and indoor systems over the unreached demand, per environment."""
    crs = demand_m.crs
    factor = spacing_factors(assumptions)
    xy_all = np.column_stack([demand_m.geometry.x, demand_m.geometry.y])
    env = demand_m["environment"].to_numpy()
    indoor = demand_m["indoor"].to_numpy(bool)
    frames = []
    for environment in np.unique(env[unreached]).tolist():
        mask = unreached & (env == environment)
        xy = xy_all[mask]
        reach = reach_m(TOWER, environment, assumptions)
        if reach > 0:
            pts = hex_lattice(xy, factor[TOWER] * reach, reach)
            frames.append(_frame(TOWER, pts, "coverage", assumptions, crs))
        reach = reach_m(POLE, environment, assumptions) if environment in POLE_ENVIRONMENTS else 0
        if reach > 0:
            spacing = factor[POLE] * reach
            pts = (along_roads(roads_m, xy, spacing, reach) if roads_m is not None
                   else hex_lattice(xy, spacing, reach))
            frames.append(_frame(POLE, pts, "coverage", assumptions, crs))
        in_mask = mask & indoor
        if in_mask.any():
            reach = reach_m(INDOOR, environment, assumptions)
            pts = hex_lattice(xy_all[in_mask], factor[INDOOR] * reach, reach)
            frames.append(_frame(INDOOR, pts, "indoor", assumptions, crs))
    return frames


def capacity_kind(indoor: bool, environment: str) -> str:
    """The kind added where capacity is short: an indoor system in an indoor
    area, a smart pole in a (dense) urban one, a tower elsewhere.

    Examples
    --------
    >>> capacity_kind(False, "urban"), capacity_kind(False, "rural"), capacity_kind(True, "rural")
    ('smart_pole', 'greenfield', 'indoor_das')
    """
    return INDOOR if indoor else POLE if environment in ("dense_urban", "urban") else TOWER


def _capacity_proposals(capacity_short: pd.DataFrame, areas_m: gpd.GeoDataFrame,
                        assumptions: Mapping[str, Any], crs: Any) -> list[gpd.GeoDataFrame]:
    """A grid of extra sites in each area whose candidates cannot carry its traffic:
    indoor systems indoors, smart poles in (dense) urban areas, towers elsewhere."""
    polygons = areas_m.set_index(areas_m["area_id"].astype(str)).geometry
    frames = []
    for row in capacity_short.itertuples(index=False):
        kind = capacity_kind(bool(row.indoor), row.environment)
        pts = area_grid(polygons[str(row.area_id)], int(row.extra_sites))
        frames.append(_frame(kind, pts, "capacity", assumptions, crs))
    return frames


def _finish(out: gpd.GeoDataFrame, taken_ids: set[str] | frozenset[str]) -> gpd.GeoDataFrame:
    """Ids from the kind and the metric coordinates (to the metre), so the same
    proposed place gets the same id in every run and in every unit of a region
    (lattices are aligned to the origin); the same kind twice at one place is
    kept once; an id already taken by a listed candidate gets a suffix."""
    if len(out):
        x = np.round(out.geometry.x.to_numpy()).astype(np.int64)
        y = np.round(out.geometry.y.to_numpy()).astype(np.int64)
        out = out.assign(_x=x, _y=y).drop_duplicates(["kind", "_x", "_y"])
        ids = []
        for kind, xi, yi in zip(out["kind"], out["_x"], out["_y"], strict=True):
            prefix = PREFIX[kind]
            candidate, k = f"{prefix}-{xi}-{yi}", 1
            while candidate in taken_ids:
                k += 1
                candidate = f"{prefix}-{xi}-{yi}-{k}"
            ids.append(candidate)
        out = out.drop(columns=["_x", "_y"]).reset_index(drop=True)
    else:
        ids = []
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


def _hstack(a: Coverage, b: Coverage) -> Coverage:
    """Coverage of ``a``'s columns then ``b``'s (same demand rows)."""
    def stack(x: sp.sparray | None, y: sp.sparray | None) -> sp.csr_array | None:
        if x is None or y is None:
            return None
        return sp.csr_array(sp.hstack([x, y], format="csr"))

    reach = dict(a.reach_m)
    for key, value in b.reach_m.items():
        reach[key] = max(value, reach.get(key, 0.0))
    return Coverage(stack(a.matrix, b.matrix), stack(a.rsrp_dbm, b.rsrp_dbm),
                    stack(a.distance_m, b.distance_m), a.mode, reach,
                    a.pairs_evaluated + b.pairs_evaluated)


def capacity_shortfall(demand_m: gpd.GeoDataFrame, matrix: sp.sparray, point_mbps: np.ndarray,
                       kinds: np.ndarray, model: CapacityModel,
                       assumptions: Mapping[str, Any]) -> pd.DataFrame:
    """Areas whose candidates together carry less than ``proposals.capacity_margin``
    × their busy-hour demand, with the number of extra sites (of the kind the
    area would get) that closes the gap.

    Returns
    -------
    pandas.DataFrame
        ``area_id, environment, indoor, required_mbps, available_mbps, extra_sites``.

    Examples
    --------
    One tower (999 Mbps) for 4,000 Mbps of urban demand: 19 smart poles more.

    >>> from siteplan.defaults import Assumptions
    >>> d = pd.DataFrame({"area_id": ["a"], "environment": ["urban"], "indoor": [False],
    ...                   "coverage_target": [1.0]})
    >>> a = Assumptions({"proposals.capacity_margin": 1.0})
    >>> short = capacity_shortfall(d, sp.csr_array(np.ones((1, 1), bool)), np.array([4000.0]),
    ...     np.array(["tower"]), CapacityModel.from_assumptions(a), a)
    >>> short[["area_id", "extra_sites"]].values.tolist(), round(short["available_mbps"][0])
    ([['a', 19]], 999)
    """
    codes, area_ids = pd.factorize(demand_m["area_id"].astype(str).to_numpy(), sort=False)
    first = pd.Series(np.arange(len(codes))).groupby(codes).first().to_numpy()
    env = demand_m["environment"].to_numpy()[first]
    target = demand_m["coverage_target"].to_numpy(float)[first]
    indoor = (pd.Series(demand_m["indoor"].to_numpy(bool)).groupby(codes).mean()
              .to_numpy() >= 0.5)
    cap = area_capacity(matrix, point_mbps, codes, np.asarray(area_ids), target, env, kinds,
                        model)
    margin = float(assumptions["proposals.capacity_margin"])
    gap = margin * cap.required_mbps - cap.available_mbps
    rows = []
    for g in np.flatnonzero(gap > 1e-9).tolist():
        kind = capacity_kind(bool(indoor[g]), env[g])
        per_site = model.site_mbps(site_profile(np.array([kind]))[0], env[g])
        rows.append({"area_id": str(area_ids[g]), "environment": env[g],
                     "indoor": bool(indoor[g]), "required_mbps": float(cap.required_mbps[g]),
                     "available_mbps": float(cap.available_mbps[g]),
                     "extra_sites": int(np.ceil(gap[g] / per_site))})
    return pd.DataFrame(rows, columns=["area_id", "environment", "indoor", "required_mbps",
                                       "available_mbps", "extra_sites"])


def extend_with_proposals(candidates: gpd.GeoDataFrame, candidates_m: gpd.GeoDataFrame,
                          demand_m: gpd.GeoDataFrame, coverage: Coverage,
                          targets_m: gpd.GeoDataFrame, assumptions: Mapping[str, Any], *,
                          zones_m: gpd.GeoDataFrame | None = None,
                          roads_m: gpd.GeoDataFrame | None = None,
                          point_mbps: np.ndarray | None = None,
                          model: CapacityModel | None = None,
                          ) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, Coverage, list[str]]:
    """The listed candidates plus the proposals they need, with their coverage.

    Listed candidates on land forbidden to them (and not on air) do not
    count as reaching demand. Coverage proposals come first; then, if
    ``point_mbps`` and ``model`` are given, capacity proposals for areas
    still short (:func:`capacity_shortfall`).

    Returns
    -------
    candidates, candidates_m : geopandas.GeoDataFrame
        Listed then proposed rows (input CRS, metric CRS), with ``proposed``
        and ``proposal_reason`` on every row.
    coverage : Coverage
        Columns in the same order.
    notes : list of str
        What was proposed and why, for the report.
    """
    listed = candidates.copy()
    if "proposed" not in listed.columns:
        listed["proposed"] = False
    listed["proposed"] = listed["proposed"].fillna(False).astype(bool)
    if "proposal_reason" not in listed.columns:
        listed["proposal_reason"] = ""
    listed_m = candidates_m.assign(proposed=listed["proposed"].to_numpy(),
                                   proposal_reason=listed["proposal_reason"].to_numpy())
    allowed = np.ones(len(listed), bool)
    if zones_m is not None:
        table = conflicts(listed_m, zones_m, assumptions)
        forbidden = np.zeros(len(listed), bool)
        forbidden[table.loc[table["rule"] == "forbidden", "site_index"].to_numpy(np.int64)] = True
        allowed = ~forbidden | listed["on_air"].to_numpy(bool)
    usable = coverage.without_columns(~allowed)
    unreached = np.diff(usable.matrix.indptr) == 0
    taken = set(listed["site_id"].astype(str))
    props = propose_sites(demand_m, unreached, assumptions, zones_m=zones_m, roads_m=roads_m,
                          taken_ids=taken)
    notes = []
    out_m, cov = listed_m, coverage
    if len(props):
        cov = _hstack(cov, coverage_matrix(demand_m, props, assumptions))
        out_m = pd.concat([out_m, props], ignore_index=True)
        allowed = np.concatenate([allowed, np.ones(len(props), bool)])
        counts = props["kind"].value_counts()
        notes.append(Msg("n.proposed", counts=", ".join(f"{n} {k}" for k, n in counts.items()),
                         points=f"{int(unreached.sum()):,}"))
    if point_mbps is not None and model is not None and check_mode(assumptions) != "off":
        short = capacity_shortfall(demand_m, cov.without_columns(~allowed).matrix, point_mbps,
                                   out_m["kind"].to_numpy(), model, assumptions)
        if len(short):
            more = propose_sites(demand_m, np.zeros(len(demand_m), bool), assumptions,
                                 zones_m=zones_m, capacity_short=short, areas_m=targets_m,
                                 taken_ids=taken | set(out_m["site_id"].astype(str)))
            if len(more):
                cov = _hstack(cov, coverage_matrix(demand_m, more, assumptions))
                out_m = pd.concat([out_m, more], ignore_index=True)
                notes.append(Msg(
                    "n.proposed_capacity",
                    margin=f"{float(assumptions['proposals.capacity_margin']):g}",
                    areas=", ".join(f"{r.extra_sites} in {r.area_id}" for r in short.itertuples())))
    out_m = gpd.GeoDataFrame(out_m, geometry="geometry", crs=candidates_m.crs)
    for column in listed.columns:  # the user's own text columns stay text: empty, not NaN
        if (column != "geometry" and len(out_m) > len(listed)
                and (pd.api.types.is_string_dtype(listed[column])
                     or listed[column].dtype == object)):
            out_m.loc[out_m.index[len(listed):], column] = out_m[column].iloc[
                len(listed):].fillna("")
    new_rows = out_m.iloc[len(listed):]
    out = listed
    if len(new_rows):
        out = gpd.GeoDataFrame(pd.concat([listed, new_rows.to_crs(candidates.crs)],
                                         ignore_index=True), geometry="geometry",
                               crs=candidates.crs)
    return out, out_m, cov, notes
