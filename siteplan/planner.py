"""Milestones: nested site plans that reach each area's coverage target.

For each milestone year (ascending) the demand of every target area due by
that year must be covered to the area's ``coverage_target`` (a share of the
demand weight some candidate can reach) and, with ``capacity=True`` (the
default), its busy-hour traffic carried by the chosen sites (capacity rows
of :mod:`siteplan.capacity`, traffic of :mod:`siteplan.traffic`); sites on
air and sites of earlier milestones are kept (nesting). Costs follow the
sharing-first policy. Where no listed candidate reaches demand or carries
it, new towers, smart poles and indoor systems are proposed
(:mod:`siteplan.proposals`, ``proposals.mode``). An area's target is met
only when the target share of its WHOLE demand is covered; demand nothing
can reach is reported with the reason.

Examples
--------
>>> from siteplan.datasets import load_sample
>>> from siteplan.planner import plan
>>> cands, targets, config = load_sample()
>>> p = plan(cands, targets, site_targets=config.site_targets,
...          assumptions={"demand.spacing_m": 400.0}, time_limit_s=5)
>>> [m.milestone for m in p.milestones]
[2020, 2021, 2022]
>>> all(len(a.selected) <= len(b.selected) for a, b in zip(p.milestones, p.milestones[1:]))
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.capacity import AreaCapacity, CapacityModel, milestone_capacity
from siteplan.coverage import Coverage, coverage_matrix
from siteplan.defaults import Assumptions
from siteplan.demand import demand_points
from siteplan.errors import ConfigError, InputError
from siteplan.landuse import conflicts, prepare_zones
from siteplan.policy import apply_strict_sharing, check_mode, is_new_build, site_costs
from siteplan.proposals import extend_with_proposals, unreachable_reasons
from siteplan.schema import validate_candidates, validate_targets
from siteplan.solve import CapacityConstraints, SetCoverResult, set_cover
from siteplan.traffic import area_traffic, point_demand_mbps

Progress = Callable[[str], None]


@dataclass(frozen=True)
class MilestonePlan:
    """The plan for one milestone year.

    Attributes
    ----------
    milestone : int
    selected : numpy.ndarray
        Positions (rows of ``Plan.candidates``) of every site in the plan.
    added : numpy.ndarray
        Positions of the sites added in this milestone.
    active : numpy.ndarray
        Demand rows due by this milestone.
    covered : numpy.ndarray of bool
        Per demand row (all rows), covered by the selected sites.
    result : SetCoverResult
        The solver's result (cost, bound, gap).
    capacity : AreaCapacity or None
        The capacity rows the plan met (None when planned for coverage only).
    """

    milestone: int
    selected: np.ndarray
    added: np.ndarray
    active: np.ndarray
    covered: np.ndarray
    result: SetCoverResult
    capacity: AreaCapacity | None = None


@dataclass(frozen=True)
class Plan:
    """A complete site plan: inputs, coverage, and one plan per milestone.

    The outputs (maps, GeoPackage, reports) read only this object.
    """

    candidates: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame
    demand: gpd.GeoDataFrame
    coverage: Coverage
    milestones: tuple[MilestonePlan, ...]
    assumptions: Assumptions
    site_targets: dict[int, int]
    metric_crs: Any
    name: str = "site plan"
    notes: list[str] = field(default_factory=list)
    landuse_conflicts: pd.DataFrame | None = None
    excluded: pd.DataFrame | None = None
    traffic: pd.DataFrame | None = None
    capacity_model: CapacityModel | None = None
    unreachable_reason: np.ndarray | None = None

    def site_conflicts(self, year: int) -> pd.DataFrame:
        """Land-use conflicts (forbidden or restricted) of the sites of ``year``."""
        if self.landuse_conflicts is None:
            return pd.DataFrame(columns=["site_id", "kind", "zone_id", "zone_class", "rule",
                                         "overlap_m2", "distance_m"])
        chosen = self.milestone(year).selected
        table = self.landuse_conflicts
        return table[table["site_index"].isin(chosen)].drop(columns="site_index") \
            .reset_index(drop=True)

    def milestone(self, year: int) -> MilestonePlan:
        """The plan of one milestone year."""
        for m in self.milestones:
            if m.milestone == year:
                return m
        raise ConfigError(f"no milestone {year}; the plan has "
                          f"{[m.milestone for m in self.milestones]}.")

    def sites(self, year: int) -> gpd.GeoDataFrame:
        """Chosen sites of a milestone (input CRS) with ``since``, ``status``
        (``on_air``/``reused``/``new``) and ``cost_cny``."""
        m = self.milestone(year)
        out = self.candidates.iloc[m.selected].copy()
        since = {}
        for earlier in self.milestones:
            for j in earlier.added.tolist():
                since.setdefault(j, earlier.milestone)
        out["since"] = [since.get(j, year) for j in m.selected.tolist()]
        new = is_new_build(out["kind"].to_numpy())
        out["status"] = np.where(out["on_air"], "on_air", np.where(new, "new", "reused"))
        return out.reset_index(drop=True)

    def uncovered(self, year: int) -> gpd.GeoDataFrame:
        """Demand points due by ``year`` that the plan leaves uncovered, with
        ``uncoverable`` true where no candidate (proposals included) can reach
        them and ``reason`` saying why (water, forbidden land, outside every
        reach; empty for coverable points)."""
        m = self.milestone(year)
        rows = m.active[~m.covered[m.active]]
        out = self.demand.iloc[rows].copy()
        out["uncoverable"] = ~self.coverable[rows]
        out["reason"] = self._reasons()[rows]
        return out.to_crs(self.candidates.crs).reset_index(drop=True)

    def _reasons(self) -> np.ndarray:
        if self.unreachable_reason is not None:
            return self.unreachable_reason
        return np.where(self.coverable, "", "outside every reach").astype(object)

    @property
    def coverable(self) -> np.ndarray:
        """Per demand row: some candidate covers it."""
        return np.diff(self.coverage.matrix.indptr) > 0

    def area_coverage(self, year: int) -> pd.DataFrame:
        """Per target area due by ``year``: demand weight, coverable and covered
        shares, the target, and whether it is met."""
        m = self.milestone(year)
        d = self.demand.iloc[m.active]
        w = d["weight"].to_numpy()
        frame = pd.DataFrame({
            "area_id": d["area_id"].to_numpy(), "weight": w,
            "coverable_w": w * self.coverable[m.active],
            "covered_w": w * m.covered[m.active],
        })
        agg = frame.groupby("area_id", sort=False).sum()
        info = self.targets.set_index("area_id").loc[agg.index]
        out = pd.DataFrame({
            "area_id": agg.index, "name": info["name"].to_numpy(),
            "area_class": info["area_class"].to_numpy(),
            "environment": info["environment"].to_numpy(),
            "milestone": info["milestone"].to_numpy(),
            "coverage_target": info["coverage_target"].to_numpy(),
            "demand_weight": agg["weight"].to_numpy(),
            "coverable_share": (agg["coverable_w"] / agg["weight"]).to_numpy(),
            "covered_share": (agg["covered_w"] / agg["weight"]).to_numpy(),
        })
        of_coverable = agg["covered_w"] / agg["coverable_w"].where(agg["coverable_w"] > 0)
        out["covered_of_coverable"] = of_coverable.fillna(1.0).to_numpy()
        best = self.coverage.best_server_rsrp(m.selected)
        frame_rsrp = pd.Series(best[m.active]).groupby(frame["area_id"].to_numpy(), sort=False)
        out["median_best_server_rsrp_dbm"] = frame_rsrp.median().reindex(agg.index).to_numpy()
        # honest: the target share of the WHOLE area's demand, not of what some site reaches
        out["target_met"] = out["covered_share"] >= out["coverage_target"] - 1e-9
        out["limited_by_reach"] = out["coverable_share"] < out["coverage_target"] - 1e-9
        reasons = self._reasons()[m.active]
        unreached = reasons != ""
        why = pd.DataFrame({"area_id": frame["area_id"].to_numpy()[unreached],
                            "reason": reasons[unreached], "w": w[unreached]})
        total = agg["weight"]
        text = {}
        for area, part in why.groupby("area_id", sort=False):
            shares = part.groupby("reason")["w"].sum().sort_values(ascending=False)
            text[area] = "; ".join(f"{r} {100 * v / total[area]:.1f} %" for r, v in shares.items())
        out["unreachable_reason"] = [text.get(a, "") for a in agg.index]
        if m.capacity is not None:
            served = m.capacity.served_mbps(m.selected)
            cap = pd.DataFrame({"required": m.capacity.required_mbps, "served": served},
                               index=m.capacity.area_ids).reindex(agg.index)
            out["demand_mbps"] = cap["required"].to_numpy()
            out["capacity_mbps"] = cap["served"].to_numpy()
            out["capacity_met"] = (cap["served"] >= cap["required"] * (1 - 1e-6)).to_numpy()
        return out.reset_index(drop=True)

    def class_coverage(self, year: int) -> pd.DataFrame:
        """Per area class: weight-averaged covered share against the target."""
        a = self.area_coverage(year)
        a = a.assign(cw=a["covered_share"] * a["demand_weight"],
                     tw=a["coverage_target"] * a["demand_weight"])
        g = a.groupby("area_class").agg(areas=("area_id", "count"),
                                        demand_weight=("demand_weight", "sum"),
                                        cw=("cw", "sum"), tw=("tw", "sum"),
                                        met=("target_met", "all"))
        return pd.DataFrame({
            "area_class": g.index, "areas": g["areas"].to_numpy(),
            "covered_share": (g["cw"] / g["demand_weight"]).to_numpy(),
            "target": (g["tw"] / g["demand_weight"]).to_numpy(),
            "all_targets_met": g["met"].to_numpy(),
        }).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """Per milestone: site counts (total, new, reused, on air), cost,
        the policy site-count target, and the solver's bound and gap."""
        rows = []
        for m in self.milestones:
            s = self.sites(m.milestone)
            target = self.site_targets.get(m.milestone)
            rows.append({
                "milestone": m.milestone, "sites": len(s),
                "added": int(m.added.size),
                "on_air": int((s["status"] == "on_air").sum()),
                "reused": int((s["status"] == "reused").sum()),
                "new": int((s["status"] == "new").sum()),
                "reuse_share": float((s["status"] != "new").mean()) if len(s) else np.nan,
                "cost_cny": float(s["cost_cny"].sum()),
                "site_target": target,
                "target_met": None if target is None else bool(len(s) >= target),
                "solver_cost": m.result.cost, "lower_bound": m.result.lower_bound,
                "gap": m.result.gap,
            })
        return pd.DataFrame(rows)


def area_groups(demand: pd.DataFrame, active: np.ndarray,
            coverable: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Area code per active row and each area's solver target.

    The solver's target is a share of the area's *coverable* weight; to meet
    the policy target on the WHOLE area it is raised to ``target × whole /
    coverable`` (at most 1: where that is out of reach, all that can be
    covered is, and the area is reported as not met with the reason).
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


def prepare_coverage(candidates: gpd.GeoDataFrame, targets: gpd.GeoDataFrame,
                     assumptions: Assumptions, say: Progress) -> tuple[
                         Any, gpd.GeoDataFrame, gpd.GeoDataFrame, Coverage]:
    """Metric CRS (local UTM), candidates in it, demand points, coverage."""
    metric = targets.estimate_utm_crs()
    say(f"demand points ({metric.name})")
    cands_m = candidates.to_crs(metric)
    demand = demand_points(targets.to_crs(metric),
                           spacing_m=float(assumptions["demand.spacing_m"]))
    say(f"coverage of {len(demand):,} demand points by {len(cands_m):,} candidates")
    return metric, cands_m, demand, coverage_matrix(demand, cands_m, assumptions)


def _to_metric(layer: gpd.GeoDataFrame | None, metric: Any, name: str) -> gpd.GeoDataFrame | None:
    if layer is None:
        return None
    if layer.crs is None:
        raise InputError(f"{name}: the layer has no CRS. Set one in the file.")
    return layer.to_crs(metric)


def plan(candidates: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, *,
         landuse: gpd.GeoDataFrame | None = None,
         assumptions: Assumptions | Mapping[str, Any] | None = None,
         site_targets: Mapping[int, int] | None = None, method: str = "auto",
         time_limit_s: float | None = 20.0, seed: int = 0, name: str = "site plan",
         progress: Progress | None = None, capacity: bool = True,
         population: gpd.GeoDataFrame | None = None,
         roads: gpd.GeoDataFrame | None = None) -> Plan:
    """Plan sites for every milestone in ``targets``.

    Parameters
    ----------
    candidates, targets : geopandas.GeoDataFrame
        Canonical layers (validated here again), any CRS.
    landuse : geopandas.GeoDataFrame, optional
        Land-use zones (``zone_class`` column, Chinese or English names). New
        builds on forbidden land are excluded before solving (listed with the
        reason in ``Plan.excluded``); restricted land adds
        ``landuse.restricted_penalty_cny`` to the cost and is reported.
    assumptions : Assumptions or mapping, optional
        Overrides of the defaults table.
    site_targets : mapping, optional
        Policy site counts per milestone year (reported against the plan).
    method, time_limit_s, seed
        Passed to :func:`siteplan.solve.set_cover` per milestone.
    progress : callable, optional
        Called with a short text before each step.
    capacity : bool
        Also serve each area's busy-hour traffic (default); False plans for
        coverage alone (what the capacity report compares against).
    population : geopandas.GeoDataFrame, optional
        Population polygons with a ``population`` count, for areas without
        their own ``population`` (see :func:`siteplan.traffic.area_traffic`).
    roads : geopandas.GeoDataFrame, optional
        Road lines; proposed smart poles go along them.

    Returns
    -------
    Plan
    """
    say = progress or (lambda _text: None)
    if not isinstance(assumptions, Assumptions):
        assumptions = Assumptions(assumptions)
    candidates = validate_candidates(candidates, "candidates")
    targets = validate_targets(targets, "targets")
    if candidates.crs is None or targets.crs is None:
        raise InputError("candidates and targets need a CRS.")
    site_targets = _check_site_targets(site_targets or {})
    metric, cands_m, demand, coverage = prepare_coverage(candidates, targets, assumptions, say)
    mode = check_mode(str(assumptions["policy.mode"]))
    notes: list[str] = []
    zones_m = None
    if landuse is not None:
        zones, notes = prepare_zones(landuse, source="landuse")
        zones_m = zones.to_crs(metric)
    targets_m = targets.to_crs(metric)
    say("traffic per area and site capacity")
    traffic = area_traffic(targets_m, assumptions, population=_to_metric(
        population, metric, "population"))
    demand["demand_mbps"] = point_demand_mbps(demand, traffic)
    model = CapacityModel.from_assumptions(assumptions)
    notes.extend(model.notes)
    say("new-build proposals where no listed candidate serves")
    candidates, cands_m, coverage, proposal_notes = extend_with_proposals(
        candidates, cands_m, demand, coverage, targets_m, assumptions, zones_m=zones_m,
        roads_m=_to_metric(roads, metric, "roads"),
        point_mbps=demand["demand_mbps"].to_numpy() if capacity else None, model=model)
    notes.extend(proposal_notes)
    candidates = candidates.copy()
    candidates["cost_cny"] = site_costs(candidates, assumptions)
    conflict_table, excluded = None, None
    if zones_m is not None:
        say("land-use check of every candidate")
        conflict_table = conflicts(cands_m, zones_m, assumptions)
        on_air = candidates["on_air"].to_numpy(bool)
        forbidden = np.zeros(len(candidates), bool)
        forbidden[conflict_table.loc[conflict_table["rule"] == "forbidden", "site_index"]] = True
        restricted = np.zeros(len(candidates), bool)
        restricted[conflict_table.loc[conflict_table["rule"] == "restricted", "site_index"]] = True
        drop = forbidden & ~on_air
        if (forbidden & on_air).any():
            notes.append(f"{int((forbidden & on_air).sum())} sites already on air stand on "
                         "forbidden land; they are kept and listed in the land-use section.")
        reasons = (conflict_table[conflict_table["rule"] == "forbidden"]
                   .groupby("site_index")["zone_class"].agg(lambda s: ", ".join(sorted(set(s)))))
        excluded = candidates.loc[drop, ["site_id", "kind", "name"]].copy()
        excluded["reason"] = ["forbidden: " + reasons[i] for i in np.flatnonzero(drop)]
        excluded["geometry"] = candidates.geometry[drop]
        excluded = gpd.GeoDataFrame(excluded.reset_index(drop=True), crs=candidates.crs)
        coverage = coverage.without_columns(drop)
        candidates["landuse_flag"] = np.where(forbidden, "forbidden",
                                              np.where(restricted, "restricted", ""))
        candidates.loc[restricted & ~forbidden & ~on_air, "cost_cny"] += float(
            assumptions["landuse.restricted_penalty_cny"])
    cost = candidates["cost_cny"].to_numpy(float)
    matrix = coverage.matrix
    kinds = candidates["kind"].to_numpy()
    if mode == "strict":
        matrix = apply_strict_sharing(matrix, kinds)
    weights = demand["weight"].to_numpy(float)
    unreached = np.flatnonzero(np.diff(coverage.matrix.indptr) == 0)
    reasons = np.full(len(demand), "", dtype=object)
    reasons[unreached] = unreachable_reasons(demand, unreached, zones_m, assumptions)
    coverable = np.diff(sp.csr_array(matrix).indptr) > 0
    chosen = np.flatnonzero(candidates["on_air"].to_numpy(bool))
    results = []
    for year in sorted(targets["milestone"].unique().tolist()):
        active = np.flatnonzero(demand["milestone"].to_numpy() <= year)
        say(f"milestone {year}: set cover over {active.size:,} demand points")
        groups, group_target = area_groups(demand, active, coverable)
        cap = None
        if capacity:
            cap = milestone_capacity(coverage.matrix, demand, active, kinds, model,
                                     new_build=is_new_build(kinds) if mode == "strict" else None)
        res = set_cover(matrix[active], cost, weights=weights[active], target=group_target,
                        groups=groups, preselected=chosen, time_limit_s=time_limit_s, seed=seed,
                        method=method, capacity=None if cap is None else CapacityConstraints(
                            cap.matrix, cap.demand_mbps))
        added = np.setdiff1d(res.selected, chosen)
        covered = coverage.cover_counts(res.selected) > 0
        results.append(MilestonePlan(int(year), res.selected, added, active, covered, res, cap))
        chosen = res.selected
    return Plan(candidates, targets, demand, coverage, tuple(results), assumptions,
                dict(site_targets), metric, name=name, notes=notes,
                landuse_conflicts=conflict_table, excluded=excluded, traffic=traffic,
                capacity_model=model, unreachable_reason=reasons)


def _check_site_targets(site_targets: Mapping[int, int]) -> dict[int, int]:
    out = {}
    for year, count in site_targets.items():
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count <= 0:
            raise ConfigError(f"site target for milestone {year} is {count!r}; give a positive "
                              "whole number of sites (e.g. 2020 = 150).")
        try:
            out[int(year)] = int(count)
        except ValueError:
            raise ConfigError(f"milestone {year!r} is not a year.") from None
    return out
