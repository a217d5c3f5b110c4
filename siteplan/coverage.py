"""The sparse coverage matrix: demand points × candidates.

A compiled grid search (:mod:`siteplan.pairsearch`) proposes candidate–demand
pairs within the reach of each site class in each environment (over terrain,
each site's own reach); the link budget of
:mod:`siteplan.radio` keeps the pairs that clear the RSRP threshold
(``coverage.mode = "link_budget"``), or a radius table decides
(``coverage.mode = "radius"``). The planning RSRP of every kept pair is
stored so maps and reports can show a best-server RSRP.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> from siteplan.defaults import Assumptions
>>> dem = gpd.GeoDataFrame({"environment": ["urban", "urban"], "indoor": [False, False]},
...     geometry=[Point(0, 0), Point(3000, 0)], crs=32650)
>>> cands = gpd.GeoDataFrame({"kind": ["tower"], "height_m": [40.0]},
...     geometry=[Point(100, 0)], crs=32650)
>>> cov = coverage_matrix(dem, cands, Assumptions())
>>> cov.matrix.toarray().ravel().tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.radio import LinkBudget, scenario_for
from siteplan.schema import ENVIRONMENTS, INDOOR_KINDS, MACRO_KINDS
from siteplan.sparse_rows import row_max
from siteplan.terrain import load_path_loss_model
from siteplan.threads import in_pieces

PAIR_CHUNK = 2_000_000


@dataclass(frozen=True)
class Coverage:
    """Coverage of demand points (rows) by candidates (columns).

    Attributes
    ----------
    matrix : scipy.sparse.csr_array of bool
    rsrp_dbm : scipy.sparse.csr_array of float32 or None
        Planning RSRP of each covering pair (link-budget mode only).
    distance_m : scipy.sparse.csr_array of float32
        Distance of each covering pair.
    mode : str
    reach_m : dict
        ``(site_class, environment) -> metres`` used to propose pairs.
    pairs_evaluated : int
    """

    matrix: sp.csr_array
    rsrp_dbm: sp.csr_array | None
    distance_m: sp.csr_array
    mode: str
    reach_m: dict
    pairs_evaluated: int

    def without_columns(self, drop: np.ndarray) -> Coverage:
        """The same coverage with the ``drop`` columns (bool mask) emptied.

        Entries are removed from the sparsity pattern, so stored values
        (including a distance of 0 m) are kept exactly for the other columns.
        """
        drop = np.asarray(drop, dtype=bool)
        return Coverage(_drop_columns(self.matrix, drop), _drop_columns(self.rsrp_dbm, drop),
                        _drop_columns(self.distance_m, drop), self.mode, self.reach_m,
                        self.pairs_evaluated)

    def cover_counts(self, columns: np.ndarray) -> np.ndarray:
        """How many of ``columns`` cover each demand point."""
        columns = np.asarray(columns, dtype=np.int64)
        if columns.size == 0:
            return np.zeros(self.matrix.shape[0], dtype=np.int64)
        return np.asarray(self.matrix[:, columns].sum(axis=1)).ravel().astype(np.int64)

    def best_server_rsrp(self, columns: np.ndarray | None = None) -> np.ndarray:
        """Best-server RSRP per demand point among ``columns`` (default all);
        NaN where uncovered or in radius mode."""
        if self.rsrp_dbm is None:
            return np.full(self.matrix.shape[0], np.nan)
        rsrp = self.rsrp_dbm if columns is None else self.rsrp_dbm[:, columns]
        return row_max(rsrp)


def _drop_columns(matrix: sp.csr_array | None, drop: np.ndarray) -> sp.csr_array | None:
    """``matrix`` without the stored entries of the ``drop`` columns."""
    if matrix is None:
        return None
    m = sp.csr_array(matrix)
    keep = ~drop[m.indices]
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))[keep]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=m.shape[0]))))
    return sp.csr_array((m.data[keep], m.indices[keep], indptr), shape=m.shape)


def mount_heights(candidates: gpd.GeoDataFrame, assumptions: Mapping[str, Any]) -> np.ndarray:
    """Candidate's own ``height_m``, else the kind's default mount height."""
    default = candidates["kind"].map(lambda k: float(assumptions[f"height_m.{k}"]))
    own = candidates["height_m"] if "height_m" in candidates else np.nan
    return np.where(np.isfinite(own), own, default).astype(float)


def reach_m(kinds: Any, heights_m: Any, environment: str, assumptions: Mapping[str, Any], *,
            budget: LinkBudget | None = None, model_bound: bool = False) -> float:
    """How far (m) any of these candidates can cover demand of ``environment``:
    the one reach function (the coverage query, the work estimate, the
    regional halo and the new-build proposals all call it).

    Radius mode, and indoor systems (室分) always: the largest
    ``radius_m.<kind>.<environment>``. Link budget: per site class (macro,
    micro) the budget's reach at the class's tallest mast (each candidate's
    own ``height_m``), the largest of them.

    Parameters
    ----------
    kinds : array-like of str
        Canonical kinds of the candidates.
    heights_m : array-like of float
        Their mast heights (see :func:`mount_heights`).
    environment : str
        dense_urban, urban, suburban or rural.
    assumptions : mapping
        The assumptions table.
    budget : LinkBudget, optional
        A budget already built from ``assumptions``.
    model_bound : bool
        Link budget: the farthest the plan's path-loss model could reach
        (:func:`siteplan.terrain.model.reach_bound_m`: calibration terms, and
        over a DEM any effective mast up to 150 m) instead of the flat budget's.

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> a = Assumptions()
    >>> low, tall = reach_m(["tower"], [30.0], "rural", a), reach_m(["tower"], [300.0], "rural", a)
    >>> bool(tall > 2 * low > 0)
    True
    >>> reach_m(["greenfield"], [300.0], "rural", Assumptions({"coverage.mode": "radius"}))
    1200.0
    """
    kinds = np.asarray(kinds, dtype=object).astype(str)
    heights = np.asarray(heights_m, dtype=float)
    if kinds.size == 0:
        return 0.0
    radio_mode = str(assumptions["coverage.mode"]) != "radius"
    by_radius = np.isin(kinds, list(INDOOR_KINDS)) | (not radio_mode)
    reach = max((float(assumptions[f"radius_m.{k}.{environment}"])
                 for k in set(kinds[by_radius])), default=0.0)
    if not radio_mode:
        return reach
    budget = budget or LinkBudget.from_assumptions(assumptions)
    macro = np.isin(kinds, list(MACRO_KINDS))
    for is_macro in (True, False):
        chosen = ~by_radius & (macro == is_macro)
        if not chosen.any():
            continue
        scenario, tallest = scenario_for(environment, macro=is_macro), float(heights[chosen].max())
        if model_bound:
            from siteplan.terrain.model import reach_bound_m

            reach = max(reach, reach_bound_m(assumptions, scenario, tallest, macro=is_macro))
        else:
            reach = max(reach, budget.max_reach_m(scenario, tallest, macro=is_macro))
    return reach


def kind_reach_m(kind: str, environment: str, assumptions: Mapping[str, Any], *,
                 height_m: float | None = None) -> float:
    """:func:`reach_m` of one candidate of ``kind`` (at ``height_m``, by
    default the kind's default mount height ``height_m.<kind>``).

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> kind_reach_m("greenfield", "rural", Assumptions({"coverage.mode": "radius"}))
    1200.0
    """
    height = float(assumptions[f"height_m.{kind}"]) if height_m is None else float(height_m)
    return reach_m([kind], [height], environment, assumptions)


def longest_reach_m(candidates: gpd.GeoDataFrame, assumptions: Mapping[str, Any]) -> float:
    """The farthest any candidate covers in any environment (m): :func:`reach_m`
    over every environment, sized from each candidate's mast height, by the
    plan's path-loss model (the regional halo: over a DEM, a hilltop mast
    reaches farther than the flat budget says).

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> from siteplan.defaults import Assumptions
    >>> c = gpd.GeoDataFrame({"kind": ["tower", "tower"], "height_m": [30.0, 300.0]},
    ...                      geometry=[Point(0, 0), Point(1, 0)], crs=32650)
    >>> bool(longest_reach_m(c, Assumptions()) > longest_reach_m(c.iloc[:1], Assumptions()))
    True
    """
    if len(candidates) == 0:
        return 0.0
    kinds = candidates["kind"].to_numpy()
    heights = mount_heights(candidates, assumptions)
    budget = (LinkBudget.from_assumptions(assumptions)
              if str(assumptions["coverage.mode"]) != "radius" else None)
    return max(reach_m(kinds, heights, env, assumptions, budget=budget, model_bound=True)
               for env in ENVIRONMENTS)


def coverage_matrix(demand_m: gpd.GeoDataFrame, candidates_m: gpd.GeoDataFrame,
                    assumptions: Mapping[str, Any]) -> Coverage:
    """Which candidates cover which demand points.

    Parameters
    ----------
    demand_m : geopandas.GeoDataFrame
        Demand points in a metric CRS with ``environment`` and ``indoor``.
    candidates_m : geopandas.GeoDataFrame
        Candidates in the same CRS with ``kind`` (and ``height_m``).
    assumptions : mapping
        The assumptions table (coverage mode, radii, radio parameters).

    Returns
    -------
    Coverage
    """
    if demand_m.crs != candidates_m.crs:
        raise InputError(Msg("coverage.coverage_matrix_demand"))
    mode = str(assumptions["coverage.mode"])
    if mode not in ("link_budget", "radius"):
        raise InputError(Msg("coverage.coverage_mode_link", mode=repr(mode)))
    budget = LinkBudget.from_assumptions(assumptions) if mode == "link_budget" else None
    n_dem, n_cand = len(demand_m), len(candidates_m)
    dem_xy = np.column_stack([demand_m.geometry.x, demand_m.geometry.y])
    cand_xy = np.column_stack([candidates_m.geometry.x, candidates_m.geometry.y])
    heights = mount_heights(candidates_m, assumptions)
    macro = candidates_m["kind"].isin(MACRO_KINDS).to_numpy()
    # the one path-loss model: flat 38.901, or terrain + clutter with [inputs] dem / clutter
    model = None if budget is None else load_path_loss_model(
        assumptions, demand_m.crs, points_xy_m=np.vstack([dem_xy, cand_xy]))
    indoor_system = candidates_m["kind"].isin(INDOOR_KINDS).to_numpy()
    env = demand_m["environment"].to_numpy()
    indoor = demand_m["indoor"].to_numpy(bool)
    rows, cols, rsrp, dist = [], [], [], []
    reach: dict[tuple[str, str], float] = {}
    evaluated = 0
    max_pairs = float(assumptions["coverage.max_pairs"])
    from siteplan.pairsearch import TooManyPairs  # numba, loaded once coverage is computed

    trees: dict = {}  # point grids per environment, shared by both site classes
    for site_class, is_macro in (("macro", True), ("micro", False)):
        cand_idx = np.flatnonzero((macro == is_macro) & ~indoor_system)
        if cand_idx.size == 0:
            continue
        for environment in ENVIRONMENTS:
            dem_idx = np.flatnonzero(env == environment)
            if dem_idx.size == 0:
                continue
            scenario = scenario_for(environment, macro=is_macro)
            r, r_open = _search_radii(model, candidates_m, cand_idx, heights, environment,
                                      scenario, is_macro, assumptions)
            reach[(site_class, environment)] = max(r, r_open)
            if max(r, r_open) <= 0:
                continue
            terrain = budget is not None and model.has_terrain
            try:  # the guard counts before the pairs are stored
                if terrain:
                    d_rows, local, d, nlos_m = _site_reach_pairs(
                        model, scenario, is_macro, dem_xy, dem_idx, cand_xy, cand_idx, heights, r,
                        r_open, trees.setdefault(environment, {}), max_pairs - evaluated)
                else:
                    d_rows, d_cols, d = _near_pairs(model, dem_xy, dem_idx, cand_xy, cand_idx, r,
                                                    r_open, trees.setdefault(environment, {}),
                                                    max_pairs - evaluated)
            except TooManyPairs:
                raise InputError(Msg("coverage.coverage_more_than",
                                     max_pairs=format(max_pairs, ',.0f'))) from None
            evaluated += d.size
            if terrain:
                kept = _terrain_kept(model, budget, scenario, is_macro, cand_xy, cand_idx, heights,
                                     dem_xy, indoor, d_rows, local, d, nlos_m)
            else:
                kind_radius = None
                if budget is None:
                    kind_radius = candidates_m["kind"].map(
                        lambda k, e=environment: float(assumptions[f"radius_m.{k}.{e}"])).to_numpy()
                kept = _kept_pairs(model, budget, kind_radius, scenario, is_macro, cand_xy, heights,
                                   dem_xy, indoor, d_rows, d_cols, d)
            for out, part in zip((rows, cols, rsrp, dist), kept, strict=True):
                out.extend(part)
    if indoor_system.any():
        r_in, c_in, d_in = _indoor_pairs(dem_xy, env, indoor, cand_xy, candidates_m["kind"].to_numpy(),
                                         np.flatnonzero(indoor_system), assumptions)
        evaluated += r_in.size
        rows.append(r_in)
        cols.append(c_in)
        dist.append(d_in)
        threshold = budget.rsrp_threshold_dbm if budget is not None else 0.0
        rsrp.append(np.full(r_in.size, threshold, np.float32))
    matrix, rsrp_m, dist_m = _assemble(rows, cols, rsrp, dist, (n_dem, n_cand))
    return Coverage(matrix, rsrp_m if budget is not None else None, dist_m, mode, reach, evaluated)


def _search_radii(model: Any, candidates_m: gpd.GeoDataFrame, cand_idx: np.ndarray,
                  heights: np.ndarray, environment: str, scenario: str, is_macro: bool,
                  assumptions: Mapping[str, Any]) -> tuple[float, float]:
    """Spatial-index radii ``(every user, users in open land)`` of one site
    class in one environment: the radius table (``model`` None), else the
    path-loss model's reach at the class's tallest mast."""
    if model is None:
        r = reach_m(candidates_m["kind"].to_numpy()[cand_idx], heights[cand_idx], environment,
                    assumptions)
        return r, r
    return model.search_radii_m(scenario, float(heights[cand_idx].max()), macro=is_macro)


def _kept_pairs(model: Any, budget: LinkBudget | None, kind_radius: np.ndarray | None,
                scenario: str, is_macro: bool, cand_xy: np.ndarray, heights: np.ndarray,
                dem_xy: np.ndarray, indoor: np.ndarray, d_rows: np.ndarray, d_cols: np.ndarray,
                d: np.ndarray) -> tuple[list, list, list, list]:
    """Rows, columns, RSRP and distances of the pairs that cover, evaluated in
    chunks of ``PAIR_CHUNK`` (radius table, or RSRP above the threshold)."""
    out: tuple[list, list, list, list] = ([], [], [], [])
    for s in range(0, d.size, PAIR_CHUNK):
        cr, cc, cd = d_rows[s:s + PAIR_CHUNK], d_cols[s:s + PAIR_CHUNK], d[s:s + PAIR_CHUNK]
        if budget is None:
            keep = cd <= kind_radius[cc]
            value = np.zeros(cd.size, np.float32)
        else:
            value = np.empty(cd.size, np.float32)

            def evaluate(piece: slice, cr: np.ndarray = cr, cc: np.ndarray = cc,
                         cd: np.ndarray = cd, value: np.ndarray = value) -> None:
                pr, pc = cr[piece], cc[piece]
                value[piece] = model.rsrp_dbm(scenario, cand_xy[pc], heights[pc], dem_xy[pr],
                                              cd[piece], macro=is_macro, indoor=indoor[pr],
                                              cutoff_dbm=budget.rsrp_threshold_dbm)

            in_pieces(evaluate, cd.size)  # the 38.901 numpy on the cores
            keep = value >= budget.rsrp_threshold_dbm
        for bucket, part in zip(out, (cr, cc, value, cd), strict=True):
            bucket.append(part[keep])
    return out


def _terrain_kept(model: Any, budget: LinkBudget, scenario: str, is_macro: bool,
                  cand_xy: np.ndarray, cand_idx: np.ndarray, heights: np.ndarray,
                  dem_xy: np.ndarray, indoor: np.ndarray, d_rows: np.ndarray, local: np.ndarray,
                  d: np.ndarray, nlos_m: np.ndarray) -> tuple[list, list, list, list]:
    """:func:`_kept_pairs` over terrain: the pairs of the ``cand_idx`` sites
    (``local`` indexes them) by :meth:`~siteplan.terrain.PathLossModel.pair_rsrp_dbm`."""
    value = model.pair_rsrp_dbm(scenario, cand_xy[cand_idx], heights[cand_idx], dem_xy, d_rows,
                                local, d, macro=is_macro, indoor=indoor, site_nlos_m=nlos_m,
                                cutoff_dbm=budget.rsrp_threshold_dbm).astype(np.float32)
    keep = value >= budget.rsrp_threshold_dbm  # as stored (float32), like _kept_pairs
    return [d_rows[keep]], [cand_idx[local[keep]]], [value[keep]], [d[keep]]


def _assemble(rows: list, cols: list, rsrp: list, dist: list,
              shape: tuple[int, int]) -> tuple[sp.csr_array, sp.csr_array, sp.csr_array]:
    """The coverage, RSRP and distance matrices from the kept pairs' pieces."""
    r_all = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c_all = np.concatenate(cols) if cols else np.zeros(0, np.int64)

    def values(parts: list) -> np.ndarray:
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)

    matrix = sp.csr_array((np.ones(r_all.size, bool), (r_all, c_all)), shape=shape)
    return (matrix, sp.csr_array((values(rsrp), (r_all, c_all)), shape=shape),
            sp.csr_array((values(dist), (r_all, c_all)), shape=shape))


def _near_pairs(model: Any, dem_xy: np.ndarray, dem_idx: np.ndarray, cand_xy: np.ndarray,
                cand_idx: np.ndarray, r_m: float, r_open_m: float, grids: dict,
                max_pairs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(demand row, candidate, distance) of the pairs to evaluate: every demand
    point within ``r_m``, and users in open land cover (who can have line of
    sight) also out to ``r_open_m`` (``model`` None: the radius table)."""
    every = np.full(cand_idx.size, r_m)
    grid, open_grid = _point_grid(grids, dem_xy, dem_idx, r_m), None
    if r_open_m > r_m and model is not None:
        open_grid = _point_grid(grids, dem_xy, dem_idx, r_open_m, model)
    rows, local, dist = grid.pairs_within(cand_xy[cand_idx], every, open_grid,
                                          np.full(cand_idx.size, r_open_m), max_pairs=max_pairs)
    return dem_idx[rows], cand_idx[local], dist


def _point_grid(grids: dict, dem_xy: np.ndarray, dem_idx: np.ndarray, radius_m: float,
                model: Any = None) -> Any:
    """The environment's demand points (or, with ``model``, its users in open
    land) in a :class:`~siteplan.pairsearch.PointGrid` with cells of about half
    ``radius_m`` (a power of two, kept in ``grids`` for the other site class)."""
    from siteplan.pairsearch import PointGrid

    cell_m = float(2.0 ** np.round(np.log2(max(radius_m / 2.0, 32.0))))
    key = ("open" if model is not None else "all", cell_m)
    if key not in grids:
        if model is None:
            grids[key] = PointGrid.build(dem_xy[dem_idx], cell_m)
        else:  # subset of a grid of every point already kept (any cell size will do)
            every = next((g for k, g in grids.items() if k[0] == "all"), None) \
                or _point_grid(grids, dem_xy, dem_idx, radius_m)
            if "open_mask" not in grids:
                grids["open_mask"] = model.open_mask(dem_xy[dem_idx])
            grids[key] = every.subset(grids["open_mask"], cell_m)
    return grids[key]


def _site_reach_pairs(model: Any, scenario: str, is_macro: bool, dem_xy: np.ndarray,
                      dem_idx: np.ndarray, cand_xy: np.ndarray, cand_idx: np.ndarray,
                      heights: np.ndarray, r_m: float, r_open_m: float, trees: dict,
                      max_pairs: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(demand row, site, distance) of the pairs to evaluate over terrain, and
    each site's NLOS reach (``site`` and the reach index ``cand_idx``):
    each site searched out to its own reach only (a bound from the ground
    around it, :meth:`~siteplan.terrain.PathLossModel.site_reach_m`), capped at
    the class radii ``r_m`` (every user) and ``max(r_m, r_open_m)`` (users in
    open land cover, who can have line of sight), by a compiled grid search
    (:func:`_point_grid`, kept in ``trees`` for the next site class)."""
    near, far = model.site_reach_m(scenario, cand_xy[cand_idx], heights[cand_idx], macro=is_macro,
                                   window_m=max(r_m, r_open_m))
    every = np.minimum(near, r_m)
    open_reach = np.minimum(far, max(r_m, r_open_m))
    grid = _point_grid(trees, dem_xy, dem_idx, float(np.median(every)) if every.size else r_m)
    open_grid = None
    if (open_reach > every).any():
        open_grid = _point_grid(trees, dem_xy, dem_idx, float(np.median(open_reach)), model)
    rows, local, dist = grid.pairs_within(cand_xy[cand_idx], every, open_grid, open_reach,
                                          max_pairs=max_pairs)
    return dem_idx[rows], local, dist, every


def _indoor_pairs(dem_xy: np.ndarray, env: np.ndarray, indoor: np.ndarray, cand_xy: np.ndarray,
                  kinds: np.ndarray, cand_idx: np.ndarray,
                  assumptions: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (demand row, candidate, distance) of indoor systems (室分).

    An indoor distribution system serves only indoor demand, within the
    ``radius_m.<kind>.<environment>`` of the demand's environment (the building
    or complex it is installed in); it radiates nothing outdoors. Its planning
    RSRP is taken as the edge threshold (indoor systems are designed to it).
    """
    rows, cols, dist = [], [], []
    tree = cKDTree(cand_xy[cand_idx])
    for environment in ENVIRONMENTS:
        dem_idx = np.flatnonzero(indoor & (env == environment))
        if dem_idx.size == 0:
            continue
        radius = np.array([float(assumptions[f"radius_m.{k}.{environment}"])
                           for k in kinds[cand_idx]])
        pairs = cKDTree(dem_xy[dem_idx]).sparse_distance_matrix(
            tree, float(radius.max()), output_type="ndarray")
        keep = pairs["v"] <= radius[pairs["j"]]
        rows.append(dem_idx[pairs["i"][keep]])
        cols.append(cand_idx[pairs["j"][keep]])
        dist.append(pairs["v"][keep])
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(dist)
