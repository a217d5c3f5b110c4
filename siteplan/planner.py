"""Milestones: nested site plans that reach each area's coverage target.

For each milestone year (ascending) the demand of every target area due by
that year must be covered to the area's ``coverage_target`` and, unless the
problem was built with ``capacity=False``, its busy-hour traffic carried by
the chosen sites (capacity rows, :mod:`siteplan.capacity`); sites on air
and sites of earlier milestones are kept (nesting). Costs follow the
sharing-first policy; new builds are proposed where no listed candidate
serves (:mod:`siteplan.proposals`). An area's target is met only when the
target share of its WHOLE demand is covered; demand nothing can reach is
reported with the reason.

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

from siteplan.capacity import AreaCapacity, CapacityModel
from siteplan.coverage import Coverage
from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.messages import Msg
from siteplan.policy import is_new_build
from siteplan.problem import PlanningProblem, build_problem
from siteplan.solve import CapacityConstraints, SetCoverResult, set_cover

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
    covered_mask : numpy.ndarray of bool
        Per demand row (all rows), covered by the selected sites. (A share
        is called ``covered`` on the solver's results and ``covered_share``
        elsewhere; this mask is always ``covered_mask``.)
    result : SetCoverResult
        The solver's result (cost, bound, gap).
    capacity : AreaCapacity or None
        The capacity rows the plan met (None when planned for coverage only).
    """

    milestone: int
    selected: np.ndarray
    added: np.ndarray
    active: np.ndarray
    covered_mask: np.ndarray
    result: SetCoverResult
    capacity: AreaCapacity | None = None


@dataclass(frozen=True)
class Plan:
    """A complete site plan: the planning problem and one plan per milestone.

    The outputs (maps, GeoPackage, reports), the site-count analysis and
    relocation read only this object and its :class:`PlanningProblem`.
    """

    problem: PlanningProblem
    milestones: tuple[MilestonePlan, ...]
    site_targets: dict[int, int]
    name: str = "site plan"
    solver: dict[str, Any] = field(default_factory=dict)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def candidates(self) -> gpd.GeoDataFrame:
        """Canonical candidates with ``cost_cny`` and ``landuse_flag``."""
        return self.problem.candidates

    @property
    def targets(self) -> gpd.GeoDataFrame:
        """Canonical target areas."""
        return self.problem.targets

    @property
    def demand(self) -> gpd.GeoDataFrame:
        """Demand points (metric CRS)."""
        return self.problem.demand

    @property
    def coverage(self) -> Coverage:
        """Physical coverage (forbidden columns emptied)."""
        return self.problem.coverage

    @property
    def assumptions(self) -> Assumptions:
        """The assumptions the plan used."""
        return self.problem.assumptions

    @property
    def metric_crs(self) -> Any:
        """The metric CRS computations ran in."""
        return self.problem.metric_crs

    @property
    def notes(self) -> list[str]:
        """Notes for the report (repairs, kept on-air sites on forbidden land)."""
        return list(self.problem.notes)

    @property
    def landuse_conflicts(self) -> pd.DataFrame | None:
        """Land-use conflicts of every candidate (None without zones)."""
        return self.problem.landuse_conflicts

    @property
    def excluded(self) -> gpd.GeoDataFrame | None:
        """Candidates excluded before solving, with the reason."""
        return self.problem.excluded_table

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
        raise ConfigError(Msg("planner.no_milestone_plan", year=year,
                              milestones=[m.milestone for m in self.milestones]))

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
        rows = m.active[~m.covered_mask[m.active]]
        out = self.demand.iloc[rows].copy()
        out["uncoverable"] = ~self.coverable[rows]
        out["reason"] = self._reasons()[rows]
        return out.to_crs(self.candidates.crs).reset_index(drop=True)

    def _reasons(self) -> np.ndarray:
        if self.problem.unreachable_reason is not None:
            return self.problem.unreachable_reason
        return np.where(self.coverable, "", "outside every reach").astype(object)

    @property
    def traffic(self) -> pd.DataFrame | None:
        """Busy-hour traffic per area (people, users, Mbps)."""
        return self.problem.traffic

    @property
    def capacity_model(self) -> CapacityModel | None:
        """Site capacity per profile and environment (None: coverage only)."""
        return self.problem.capacity_model

    @property
    def coverable(self) -> np.ndarray:
        """Per demand row: some candidate covers it."""
        return self.problem.coverable

    def area_coverage(self, year: int) -> pd.DataFrame:
        """Per target area due by ``year``: demand weight, coverable and covered
        shares, the target, and whether it is met."""
        key = ("area_coverage", int(year))
        if key in self._cache:
            return self._cache[key].copy()
        m = self.milestone(year)
        d = self.demand.iloc[m.active]
        w = d["weight"].to_numpy()
        frame = pd.DataFrame({
            "area_id": d["area_id"].to_numpy(), "weight": w,
            "coverable_w": w * self.coverable[m.active],
            "covered_w": w * m.covered_mask[m.active],
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
        text = {}
        for area, part in why.groupby("area_id", sort=False):
            shares = part.groupby("reason")["w"].sum().sort_values(ascending=False)
            text[area] = "; ".join(f"{r} {100 * v / agg['weight'][area]:.1f} %"
                                   for r, v in shares.items())
        out["unreachable_reason"] = [text.get(a, "") for a in agg.index]
        if m.capacity is not None:
            served = m.capacity.served_mbps(m.selected)
            cap = pd.DataFrame({"required": m.capacity.required_mbps, "served": served},
                               index=m.capacity.area_ids).reindex(agg.index)
            out["demand_mbps"] = cap["required"].to_numpy()
            out["capacity_mbps"] = cap["served"].to_numpy()
            out["capacity_met"] = (cap["served"] >= cap["required"] * (1 - 1e-6)).to_numpy()
        self._cache[key] = out.reset_index(drop=True)
        return self._cache[key].copy()

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


def plan(candidates: gpd.GeoDataFrame | PlanningProblem,
         targets: gpd.GeoDataFrame | None = None, *,
         landuse: gpd.GeoDataFrame | None = None,
         assumptions: Assumptions | Mapping[str, Any] | None = None,
         site_targets: Mapping[int, int] | None = None, method: str = "auto",
         time_limit_s: float | None = 20.0, seed: int = 0, name: str = "site plan",
         deterministic: bool = True, allow_large: bool = False,
         progress: Progress | None = None, capacity: bool = True,
         population: gpd.GeoDataFrame | None = None,
         roads: gpd.GeoDataFrame | None = None) -> Plan:
    """Plan sites for every milestone in ``targets``.

    Parameters
    ----------
    candidates, targets : geopandas.GeoDataFrame
        Canonical layers (validated here again), any CRS. Or pass a built
        :class:`~siteplan.problem.PlanningProblem` as the first argument
        (``targets``, ``landuse`` and ``assumptions`` then come from it).
    landuse : geopandas.GeoDataFrame, optional
        Land-use zones (``zone_class`` column, Chinese or English names). New
        builds on forbidden land are excluded before solving (listed with the
        reason in ``Plan.excluded``); restricted land adds
        ``landuse.restricted_penalty_cny`` to the cost and is reported.
    assumptions : Assumptions or mapping, optional
        Overrides of the defaults table.
    site_targets : mapping, optional
        Policy site counts per milestone year (reported against the plan);
        every year must be a milestone of the targets.
    method, time_limit_s, seed
        Passed to :func:`siteplan.solve.set_cover` per milestone.
    deterministic : bool
        Ask the solver for a result that does not depend on machine load
        (the same seed gives the same plan on a busy machine).
    allow_large : bool
        Run even when the work estimate exceeds the machine.
    progress : callable, optional
        Called with a short text before each step.
    capacity, population, roads
        Passed to :func:`~siteplan.problem.build_problem`: plan for busy-hour
        traffic too (default), a population layer, road lines for proposed
        smart poles.

    Returns
    -------
    Plan
    """
    say = progress or (lambda _text: None)
    if isinstance(candidates, PlanningProblem):
        problem = candidates
    else:
        if not isinstance(candidates, gpd.GeoDataFrame) or not isinstance(
                targets, gpd.GeoDataFrame):
            raise InputError(
                Msg("planner.plan_needs_candidates", candidates=type(candidates).__name__,
                    targets=type(targets).__name__))
        problem = build_problem(candidates, targets, landuse=landuse, assumptions=assumptions,
                                allow_large=allow_large, progress=say, capacity=capacity,
                                population=population, roads=roads)
    site_targets = _check_site_targets(site_targets or {}, problem.years)
    chosen = problem.preselected
    results = []
    for year in problem.years:
        inst = problem.instance(year)
        say(Msg("p.milestone", year=year, points=format(inst.active.size, ',')))
        res = _solve(problem, inst, chosen, method=method, time_limit_s=time_limit_s,
                     seed=seed, deterministic=deterministic)
        added = np.setdiff1d(res.selected, chosen)
        covered = problem.coverage.cover_counts(res.selected) > 0
        results.append(MilestonePlan(int(year), res.selected, added, inst.active, covered, res,
                                     inst.capacity))
        chosen = res.selected
    solver = {"method": method, "time_limit_s": time_limit_s, "seed": seed,
              "deterministic": deterministic}
    return Plan(problem, tuple(results), dict(site_targets), name=name, solver=solver)


def _solve(problem: PlanningProblem, inst: Any, chosen: np.ndarray, *, method: str,
           time_limit_s: float | None, seed: int, deterministic: bool) -> SetCoverResult:
    capacity = (None if inst.capacity is None else
                 CapacityConstraints(inst.capacity.matrix, inst.capacity.demand_mbps))
    return set_cover(problem.matrix[inst.active], problem.cost_cny,
                     weights=problem.weights[inst.active], target=inst.group_target,
                     groups=inst.groups, preselected=chosen, time_limit_s=time_limit_s, seed=seed,
                     method=method, deterministic=deterministic, capacity=capacity)


def _check_site_targets(site_targets: Mapping[int, int], years: list[int]) -> dict[int, int]:
    out = {}
    for year, count in site_targets.items():
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count <= 0:
            raise ConfigError(Msg("planner.site_target_milestone", year=year, count=repr(count)))
        try:
            out[int(year)] = int(count)
        except ValueError:
            raise ConfigError(Msg("planner.milestone_not_year", year=repr(year))) from None
    missing = sorted(y for y in out if y not in years)
    if missing:
        raise ConfigError(
            Msg("planner.milestones_site_target", missing=missing, years=years))
    return out
