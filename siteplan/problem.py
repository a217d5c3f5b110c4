"""The planning problem, built once: what the solver sees and every later step reads.

:func:`build_problem` turns candidates, target areas, land-use zones and the
assumptions into a frozen :class:`PlanningProblem`: demand points, the
physical coverage (distances and RSRP, for maps and reports), the solver
matrix after land-use exclusion *and* strict sharing, the costs with land-use
penalties, the row weights, the columns that must be chosen (sites on air)
and those that may not (forbidden land). The planner solves it; the
site-count analysis, relocation and the reports read it. The radius-table
comparison (opt-in, ``--compare-radius``) builds a second problem on purpose:
its coverage, and so its proposals and matrix, differ.

Examples
--------
>>> from siteplan.datasets import load_sample
>>> cands, targets, config = load_sample()
>>> prob = build_problem(cands, targets, assumptions={"demand.spacing_m": 400.0})
>>> prob.matrix.shape == (len(prob.demand), len(prob.candidates))
True
>>> inst = prob.instance(2020)
>>> bool(inst.active.size > 0 and inst.group_target.max() <= 1.0)
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.spatial import cKDTree

from siteplan.capacity import AreaCapacity, CapacityModel, milestone_capacity
from siteplan.coverage import Coverage, coverage_matrix, mount_heights, reach_m
from siteplan.defaults import Assumptions
from siteplan.demand import demand_points
from siteplan.errors import InputError, WorkTooLargeError
from siteplan.landuse import conflicts, prepare_zones
from siteplan.messages import Msg
from siteplan.policy import apply_strict_sharing, check_mode, is_new_build, site_costs
from siteplan.proposals import extend_with_proposals, unreachable_reasons
from siteplan.radio import LinkBudget
from siteplan.schema import INDOOR_KINDS, MACRO_KINDS, validate_candidates, validate_targets
from siteplan.terrain import CLUTTER_NAMES, load_path_loss_model
from siteplan.terrain.zones import uses_zones, with_zone_clutter
from siteplan.traffic import area_traffic, point_demand_mbps

Progress = Callable[[str], None]

#: Rough bytes per demand point (GeoDataFrame row, coordinates, weights).
BYTES_PER_POINT = 400.0
#: Rough bytes per candidate-demand pair (matrix, RSRP, distance, work arrays).
BYTES_PER_PAIR = 60.0


@dataclass(frozen=True)
class MilestoneInstance:
    """One milestone's solver input: rows due by the year, their area groups
    and each group's coverage target, and the capacity rows.

    ``group_target`` is what the solver asks of each group: a share of the
    group's *coverable* weight, raised from the area's ``coverage_target``
    to ``coverage_target × whole / coverable`` (at most 1) so that the
    target share of the WHOLE area is covered wherever that can be reached.
    ``capacity`` holds one row per area (same order as the groups), or None
    when the problem is planned for coverage alone."""

    year: int
    active: np.ndarray
    groups: np.ndarray
    group_target: np.ndarray
    capacity: AreaCapacity | None = None


@dataclass(frozen=True)
class WorkEstimate:
    """What a plan will cost before any heavy step runs."""

    demand_points: int
    candidate_pairs: int
    memory_bytes: float
    available_bytes: float

    def describe(self) -> Msg:
        """One line for messages and reports (catalogue ``work.describe``)."""
        return Msg("work.describe", points=f"{self.demand_points:,}",
                   pairs=f"{self.candidate_pairs:,}", memory=f"{self.memory_bytes / 2**30:.1f}",
                   available=f"{self.available_bytes / 2**30:.1f}")


@dataclass(frozen=True)
class PlanningProblem:
    """The whole planning problem as the solver sees it (frozen).

    Attributes
    ----------
    candidates : geopandas.GeoDataFrame
        Canonical candidates (input CRS) with ``cost_cny`` (penalties
        included) and ``landuse_flag`` (``forbidden``/``restricted``/"").
    targets : geopandas.GeoDataFrame
        Canonical target areas (input CRS).
    demand : geopandas.GeoDataFrame
        Demand points in ``metric_crs`` with ``area_id``, ``milestone``,
        ``weight``, ``coverage_target``.
    coverage : Coverage
        Physical coverage (distances, RSRP) with excluded columns emptied.
    matrix : scipy.sparse.csr_array
        The solver matrix: ``coverage`` after strict sharing (if on).
    cost_cny : numpy.ndarray
        Cost per column (0 on air).
    weights : numpy.ndarray
        Demand weight per row.
    preselected : numpy.ndarray
        Columns that must be chosen (sites on air).
    excluded : numpy.ndarray of bool
        Columns that may not be chosen (new builds on forbidden land).
    assumptions : Assumptions
    metric_crs : pyproj.CRS
    policy_mode : str
        ``weighted`` or ``strict``.
    landuse_conflicts : pandas.DataFrame or None
        Conflicts of every candidate with the zones (``site_index`` column).
    excluded_table : geopandas.GeoDataFrame or None
        Excluded candidates with the reason.
    zones : geopandas.GeoDataFrame or None
        The prepared land-use zones (canonical ``zone_id``/``zone_class``).
    notes : tuple of str
    traffic : pandas.DataFrame or None
        Per area: ``area_id, area_km2, people, people_source, users,
        demand_mbps`` (:func:`siteplan.traffic.area_traffic`); the demand
        points carry ``demand_mbps``.
    capacity_model : CapacityModel or None
        Site capacity per profile and environment; None plans for coverage
        alone (``build_problem(capacity=False)``).
    unreachable_reason : numpy.ndarray of str or None
        Per demand row: why no allowed column reaches it (``water``,
        ``forbidden land: <class>``, ``outside every reach``), "" if one does.
    """

    candidates: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    coverage: Coverage
    matrix: sp.csr_array
    cost_cny: np.ndarray
    weights: np.ndarray
    preselected: np.ndarray
    excluded: np.ndarray
    assumptions: Assumptions
    metric_crs: Any
    policy_mode: str
    landuse_conflicts: pd.DataFrame | None = None
    excluded_table: gpd.GeoDataFrame | None = None
    zones: gpd.GeoDataFrame | None = None
    notes: tuple[str, ...] = ()
    traffic: pd.DataFrame | None = None
    capacity_model: CapacityModel | None = None
    unreachable_reason: np.ndarray | None = None
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def years(self) -> list[int]:
        """Milestone years, ascending."""
        return sorted(int(y) for y in self.targets["milestone"].unique())

    @property
    def coverable(self) -> np.ndarray:
        """Per demand row: some column the solver may choose covers it."""
        return np.diff(self.matrix.indptr) > 0

    def instance(self, year: int) -> MilestoneInstance:
        """Rows due by ``year``, one group per target area, and each area's
        coverage target.

        Examples
        --------
        >>> import numpy as np
        >>> from siteplan.datasets import load_sample
        >>> c, t, _ = load_sample()
        >>> p = build_problem(c, t, assumptions={"demand.spacing_m": 400.0})
        >>> i = p.instance(2021)
        >>> int(i.groups.max()) + 1 == len(np.unique(p.demand["area_id"].to_numpy()[i.active]))
        True
        """
        key = ("instance", int(year))
        if key not in self._cache:
            milestone = self.demand["milestone"].to_numpy()
            active = np.flatnonzero(milestone <= year)
            codes, target = area_groups(self.demand, active, self.coverable)
            capacity = None
            if self.capacity_model is not None:
                kinds = self.candidates["kind"].to_numpy()
                capacity = milestone_capacity(
                    self.coverage.matrix, self.demand, active, kinds, self.capacity_model,
                    new_build=is_new_build(kinds) if self.policy_mode == "strict" else None)
            self._cache[key] = MilestoneInstance(int(year), active, codes, target, capacity)
        return self._cache[key]


def area_groups(demand: pd.DataFrame, active: np.ndarray,
                coverable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Area code per active row and each area's solver target.

    The solver's target is a share of an area's *coverable* weight; to meet
    the policy target on the WHOLE area it is raised to ``target × whole /
    coverable`` (at most 1: where that is out of reach, all that can be
    covered is, and the area is reported as not met with the reason).

    Examples
    --------
    >>> d = pd.DataFrame({"area_id": ["a", "a", "a", "a"], "weight": [1.0] * 4,
    ...                   "coverage_target": [0.5] * 4})
    >>> area_groups(d, np.arange(4), np.array([True, True, True, False]))[1].round(3).tolist()
    [0.667]
    """
    codes, uniques = pd.factorize(demand["area_id"].to_numpy()[active], sort=False)
    target = (demand.iloc[active].groupby(codes)["coverage_target"].first()
              .reindex(range(len(uniques))).to_numpy(float))
    if coverable is not None:
        w = demand["weight"].to_numpy(float)[active]
        whole = np.bincount(codes, w, minlength=len(uniques))
        reach = np.bincount(codes, w * coverable[active], minlength=len(uniques))
        raised = np.divide(target * whole, reach, out=np.ones_like(target), where=reach > 0)
        target = np.clip(raised, target, 1.0)
    return codes.astype(np.int64), target


def _available_bytes() -> float:
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8.0 * 2**30


def _sample_points(targets_m: gpd.GeoDataFrame, sample_points: int,
                   rng: np.random.Generator) -> list[tuple[str, np.ndarray]]:
    """About ``sample_points`` random points over the areas by their size, as
    (environment, xy) per area."""
    area_m2 = targets_m.geometry.area.to_numpy()
    share = area_m2 / max(float(area_m2.sum()), 1.0)
    out = []
    for geom, env, part in zip(targets_m.geometry, targets_m["environment"], share,
                               strict=True):
        n = int(np.ceil(sample_points * part))
        if n == 0 or geom.is_empty:
            continue
        minx, miny, maxx, maxy = geom.bounds
        xs, ys = rng.uniform(minx, maxx, 4 * n + 8), rng.uniform(miny, maxy, 4 * n + 8)
        inside = shapely.contains_xy(geom, xs, ys)
        out.append((str(env), np.column_stack([xs[inside], ys[inside]])[:n]))
    return out


def estimate_work(candidates_m: gpd.GeoDataFrame, targets_m: gpd.GeoDataFrame,
                  assumptions: Assumptions, *, sample_points: int = 2000,
                  seed: int = 0) -> WorkEstimate:
    """Estimate demand points, candidate-demand pairs and memory in well under
    a second, before any heavy step: points from the areas and the spacing;
    pairs from a seeded sample of points spread over the areas by their size,
    counting the candidates of each site class (macro, micro, indoor) within
    the class's reach for the area's environment, scaled up. The reach is
    the coverage query's own (:func:`siteplan.coverage.reach_m`, sized from
    the tallest mast of the class), so the estimate counts every pair the
    coverage step will measure: 300 m masts are counted at their reach, not
    at the radius table's.

    Examples
    --------
    >>> from siteplan.datasets import load_sample
    >>> c, t, _ = load_sample()
    >>> crs = t.estimate_utm_crs()
    >>> est = estimate_work(c.to_crs(crs), t.to_crs(crs), Assumptions())
    >>> 5_000 < est.demand_points < 10_000  # the sample county has 7,808
    True
    """
    spacing_m = float(assumptions["demand.spacing_m"])
    points = int(np.ceil(targets_m.geometry.area.to_numpy() / spacing_m**2).sum())
    if points == 0 or len(candidates_m) == 0:
        return WorkEstimate(points, 0, points * BYTES_PER_POINT, _available_bytes())
    kinds = candidates_m["kind"].to_numpy().astype(str)
    heights = mount_heights(candidates_m, assumptions)
    xy = np.column_stack([candidates_m.geometry.x.to_numpy(),
                          candidates_m.geometry.y.to_numpy()])
    indoor = np.isin(kinds, list(INDOOR_KINDS))
    macro = np.isin(kinds, list(MACRO_KINDS)) & ~indoor
    classes = [idx for idx in (np.flatnonzero(macro), np.flatnonzero(~macro & ~indoor),
                               np.flatnonzero(indoor)) if idx.size]
    trees = [cKDTree(xy[idx]) for idx in classes]
    budget = (LinkBudget.from_assumptions(assumptions)
              if str(assumptions["coverage.mode"]) != "radius" else None)
    reach: dict[tuple[int, str], float] = {}
    counted, sampled = 0, 0
    for env, pts in _sample_points(targets_m, sample_points, np.random.default_rng(seed)):
        for c, (idx, tree) in enumerate(zip(classes, trees, strict=True)):
            if (c, env) not in reach:
                reach[(c, env)] = reach_m(kinds[idx], heights[idx], env, assumptions,
                                          budget=budget)
            if reach[(c, env)] > 0 and len(pts):
                counted += int(tree.query_ball_point(pts, r=reach[(c, env)],
                                                     return_length=True).sum())
        sampled += len(pts)
    pairs = int(counted / sampled * points) if sampled else 0
    memory = points * BYTES_PER_POINT + pairs * BYTES_PER_PAIR
    return WorkEstimate(points, pairs, memory, _available_bytes())


def check_work(estimate: WorkEstimate, assumptions: Assumptions, *, allow_large: bool) -> None:
    """Raise :class:`WorkTooLargeError` when the estimate exceeds
    ``work.max_demand_points``, ``coverage.max_pairs`` or
    ``work.max_memory_share`` of this machine's memory, unless
    ``allow_large``."""
    if allow_large:
        return
    max_pairs = float(assumptions["coverage.max_pairs"])
    if estimate.candidate_pairs > max_pairs:
        raise WorkTooLargeError(
            Msg("problem.plan_needs_more", need=estimate.describe(), max_pairs=format(max_pairs, ',.0f')))
    max_points = float(assumptions["work.max_demand_points"])
    max_bytes = float(assumptions["work.max_memory_share"]) * estimate.available_bytes
    if estimate.demand_points > max_points or estimate.memory_bytes > max_bytes:
        raise WorkTooLargeError(
            Msg("work.too_large", need=estimate.describe(), points=format(max_points, ',.0f'),
                share=format(float(assumptions['work.max_memory_share']), 'g')))


def build_problem(candidates: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, *,
                  landuse: gpd.GeoDataFrame | None = None,
                  assumptions: Assumptions | Mapping[str, Any] | None = None,
                  allow_large: bool = False, progress: Progress | None = None,
                  validated: bool = False, capacity: bool = True,
                  population: gpd.GeoDataFrame | None = None,
                  roads: gpd.GeoDataFrame | None = None,
                  metric_crs: Any = None) -> PlanningProblem:
    """Build the planning problem once.

    Parameters
    ----------
    candidates, targets : geopandas.GeoDataFrame
        Canonical layers (validated here unless ``validated``), any CRS.
    landuse : geopandas.GeoDataFrame, optional
        Land-use zones (``zone_class``): new builds on forbidden land are
        excluded, restricted land adds ``landuse.restricted_penalty_cny``.
    assumptions : Assumptions or mapping, optional
    allow_large : bool
        Run even when the work estimate exceeds the guards.
    progress : callable, optional
    validated : bool
        The layers are already canonical (skip validation).
    capacity : bool
        Serve each area's busy-hour traffic too (capacity rows per
        milestone, :mod:`siteplan.capacity`); False plans for coverage alone.
    population : geopandas.GeoDataFrame, optional
        Population polygons with a ``population`` count, for areas without
        their own ``population`` (:func:`siteplan.traffic.area_traffic`). The
        people used are written into ``targets["population"]`` so a plan
        folder rebuilds the same traffic.
    roads : geopandas.GeoDataFrame, optional
        Road lines; proposed smart poles go along them.
    metric_crs : CRS, optional
        The metric CRS to plan in (default: the local UTM zone of the
        targets); regional runs give every unit the province's, so units and
        the whole region share one demand grid.

    New builds are proposed where no listed candidate reaches demand or
    carries it (:mod:`siteplan.proposals`, ``proposals.mode``), unless the
    candidates already carry a ``proposed`` column (a plan folder's).

    Raises
    ------
    InputError
        A layer without a CRS, or invalid rows.
    WorkTooLargeError
        The estimated work exceeds the machine (see :func:`check_work`).
    """
    say = progress or (lambda _text: None)
    if not isinstance(assumptions, Assumptions):
        assumptions = Assumptions(assumptions)
    if not validated:
        candidates = validate_candidates(candidates, "candidates")
        targets = validate_targets(targets, "targets")
    if candidates.crs is None or targets.crs is None:
        raise InputError(Msg("problem.candidates_targets_need"))
    mode = check_mode(str(assumptions["policy.mode"]))
    metric = targets.estimate_utm_crs() if metric_crs is None else metric_crs
    cands_m = candidates.to_crs(metric)
    targets_m = targets.to_crs(metric)
    check_work(estimate_work(cands_m, targets_m, assumptions), assumptions,
               allow_large=allow_large)
    say(Msg("p.demand", crs=metric.name))
    demand = demand_points(targets_m, spacing_m=float(assumptions["demand.spacing_m"]))
    table = excluded_table = zones = zones_m = None
    notes: list[str] = []
    if landuse is not None:  # before coverage: the zones may be its clutter
        zones, notes = prepare_zones(landuse, source="landuse")
        zones_m = zones.to_crs(metric)
        assumptions = with_zone_clutter(assumptions, zones_m)
    say(Msg("p.coverage", points=format(len(demand), ','), candidates=format(len(cands_m), ',')))
    coverage = coverage_matrix(demand, cands_m, assumptions)
    if zones_m is not None and uses_zones(assumptions) and str(assumptions["coverage.mode"]) \
            == "link_budget":
        notes.append(_zone_clutter_note(demand, cands_m, assumptions, metric))
    say(Msg("p.traffic"))
    traffic = area_traffic(targets_m, assumptions, population=_to_metric(
        population, metric, "population"))
    demand["demand_mbps"] = point_demand_mbps(demand, traffic)
    targets = targets.copy()
    targets["population"] = traffic["people"].to_numpy()
    model = CapacityModel.from_assumptions(assumptions)
    notes.extend(model.notes)
    if "proposed" not in candidates.columns:
        say(Msg("p.proposals"))
        candidates, cands_m, coverage, more = extend_with_proposals(
            candidates, cands_m, demand, coverage, targets_m, assumptions, zones_m=zones_m,
            roads_m=_to_metric(roads, metric, "roads"),
            point_mbps=demand["demand_mbps"].to_numpy() if capacity else None, model=model)
        notes.extend(more)
    candidates = candidates.copy()
    candidates["cost_cny"] = site_costs(candidates, assumptions)
    candidates["landuse_flag"] = ""
    excluded = np.zeros(len(candidates), bool)
    if zones_m is not None:
        say(Msg("p.landuse"))
        table, excluded, excluded_table = _apply_landuse(candidates, cands_m, zones_m,
                                                         assumptions, notes)
        coverage = coverage.without_columns(excluded)
    matrix = coverage.matrix
    if mode == "strict":
        matrix = apply_strict_sharing(matrix, candidates["kind"].to_numpy())
    unreached = np.flatnonzero(np.diff(sp.csr_array(matrix).indptr) == 0)
    reasons = np.full(len(demand), "", dtype=object)
    reasons[unreached] = unreachable_reasons(demand, unreached, zones_m, assumptions)
    return PlanningProblem(
        candidates=candidates, targets=targets, demand=demand, coverage=coverage,
        matrix=sp.csr_array(matrix), cost_cny=candidates["cost_cny"].to_numpy(float),
        weights=demand["weight"].to_numpy(float),
        preselected=np.flatnonzero(candidates["on_air"].to_numpy(bool)), excluded=excluded,
        assumptions=assumptions, metric_crs=metric, policy_mode=mode,
        landuse_conflicts=table, excluded_table=excluded_table, zones=zones, notes=tuple(notes),
        traffic=traffic, capacity_model=model if capacity else None,
        unreachable_reason=reasons)


def _apply_landuse(candidates: gpd.GeoDataFrame, cands_m: gpd.GeoDataFrame,
                   zones_m: gpd.GeoDataFrame, assumptions: Assumptions, notes: list[str]
                   ) -> tuple[pd.DataFrame, np.ndarray, gpd.GeoDataFrame]:
    """Land use on the candidates (in place): ``landuse_flag`` set, restricted
    land's penalty added to ``cost_cny``; returns the conflicts table, the mask
    of excluded candidates (new builds on forbidden land; sites on air are kept,
    with a note) and the excluded candidates with their reasons."""
    table = conflicts(cands_m, zones_m, assumptions)
    on_air = candidates["on_air"].to_numpy(bool)
    forbidden = np.zeros(len(candidates), bool)
    forbidden[table.loc[table["rule"] == "forbidden", "site_index"]] = True
    restricted = np.zeros(len(candidates), bool)
    restricted[table.loc[table["rule"] == "restricted", "site_index"]] = True
    excluded = forbidden & ~on_air
    if (forbidden & on_air).any():
        notes.append(Msg("n.on_air_forbidden", count=int((forbidden & on_air).sum())))
    reasons = (table[table["rule"] == "forbidden"].groupby("site_index")["zone_class"]
               .agg(lambda s: ", ".join(sorted(set(s)))))
    excluded_table = candidates.loc[excluded, ["site_id", "kind", "name"]].copy()
    excluded_table["reason"] = ["forbidden: " + reasons[i] for i in np.flatnonzero(excluded)]
    excluded_table["geometry"] = candidates.geometry[excluded]
    excluded_table = gpd.GeoDataFrame(excluded_table.reset_index(drop=True), crs=candidates.crs)
    candidates["landuse_flag"] = np.where(forbidden, "forbidden",
                                          np.where(restricted, "restricted", ""))
    candidates.loc[restricted & ~forbidden & ~on_air, "cost_cny"] += float(
        assumptions["landuse.restricted_penalty_cny"])
    return table, excluded, excluded_table


def _zone_clutter_note(demand: gpd.GeoDataFrame, cands_m: gpd.GeoDataFrame,
                       assumptions: Assumptions, metric: Any) -> Msg:
    """What the land-use zones read as clutter (``terrain.clutter = "landuse"``)
    put under the demand: the share of demand weight per clutter class."""
    xy = np.column_stack([np.r_[demand.geometry.x, cands_m.geometry.x],
                          np.r_[demand.geometry.y, cands_m.geometry.y]])
    model = load_path_loss_model(assumptions, metric, points_xy_m=xy)  # rasters are cached
    names = [*CLUTTER_NAMES, "no clutter"]
    cls = model.clutter.nearest(xy[:len(demand), 0], xy[:len(demand), 1])
    cls = np.where(cls < 0, len(CLUTTER_NAMES), cls)  # -1: in no mapped zone
    weight = demand["weight"].to_numpy(float)
    share = np.bincount(cls, weights=weight, minlength=len(names)) / max(weight.sum(), 1e-12)
    parts = ", ".join(f"{names[i]} {100 * share[i]:.1f} %" for i in np.argsort(-share)
                      if share[i] > 0)
    unzoned = (Msg("n.zone_unzoned", share=f"{100 * share[-1]:.0f}") if share[-1] > 0.2
               else "")  # > 0.2: the layers are control lines, not a full 三调 parcel layer
    return Msg("n.zone_clutter", clutter_shares=parts, unzoned=unzoned)


def _to_metric(layer: gpd.GeoDataFrame | None, metric: Any, name: str) -> gpd.GeoDataFrame | None:
    if layer is None:
        return None
    if layer.crs is None:
        raise InputError(Msg("problem.layer_has_no", name=name))
    return layer.to_crs(metric)
