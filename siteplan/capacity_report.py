"""What sets the site count: coverage, capacity or indoor (plain data for reports).

A planner sizes each area as max(sites for coverage, sites for capacity).
This module answers the planner's questions from a :class:`~siteplan.planner.Plan`
planned with capacity rows, re-solving only what it must, from the data the
plan already holds (coverage, costs, groups; nothing is rebuilt):

- :func:`coverage_only` — the same milestones solved for coverage alone
  (the comparison that says how many sites capacity adds);
- :func:`area_sizing` — per area: busy-hour demand, the plan's capacity,
  sites for coverage (coverage-only plan), the fewest sites that could carry
  the demand, and which binds;
- :func:`milestone_split` — per milestone: sites against the policy target,
  split into outdoor coverage, capacity and indoor systems, and proposals;
- :func:`sensitivity` — how the count moves with traffic per user and
  penetration (demand scales with their product).

Examples
--------
A town of 60,000 people on 1.44 km² with a tower or a streetlight every 250 m:

>>> import geopandas as gpd
>>> from shapely.geometry import Point, box
>>> from siteplan.planner import plan
>>> town = gpd.GeoDataFrame({"area_id": ["T"], "area_class": ["main_urban"],
...     "environment": ["urban"], "milestone": [2020], "population": [60_000]},
...     geometry=[box(0, 0, 1200, 1200)], crs=32650)
>>> poles = gpd.GeoDataFrame({"site_id": [f"c{i}" for i in range(25)],
...     "kind": ["tower" if i % 3 == 0 else "streetlight" for i in range(25)]},
...     geometry=[Point(100 + 250 * (i % 5), 100 + 250 * (i // 5)) for i in range(25)],
...     crs=32650)
>>> p = plan(poles, town, time_limit_s=2, assumptions={"coverage.mode": "radius",
...          "demand.spacing_m": 200.0, "proposals.mode": "off"})
>>> split = milestone_split(p, coverage_only(p, time_limit_s=2))
>>> split[["sites", "coverage_sites", "capacity_sites", "indoor_sites"]].values.tolist()
[[14, 7, 7, 0]]
>>> area_sizing(p, 2020, time_limit_s=2).loc[0, "binds"]
'capacity'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.errors import ConfigError
from siteplan.io.markdown import md
from siteplan.messages import Msg
from siteplan.planner import Plan
from siteplan.policy import is_new_build
from siteplan.schema import INDOOR_KINDS
from siteplan.solve import CapacityConstraints, set_cover


def resolve(plan: Plan, *, capacity_scale: float | None, time_limit_s: float = 5.0,
            seed: int = 0, fallbacks: Sequence[Sequence[np.ndarray]] = ()) -> list[np.ndarray]:
    """Selections per milestone (nested, on-air kept) for coverage alone
    (``capacity_scale=None``) or with every area's busy-hour demand scaled
    by ``capacity_scale``, from the plan's own problem (matrix, costs,
    groups, targets, capacity rows; nothing is rebuilt).

    ``fallbacks`` are other nested selections (e.g. the plan's own, or those
    of a larger scale); at each milestone the cheapest of the solver's answer
    and every fallback that keeps the sites chosen so far and carries the
    scaled demand is taken, so a short time limit never reports a dearer
    answer than one already known. At a scale ≥ 1, a milestone that starts
    from the plan's own sites of the milestone before and whose plan sites
    carry the scaled demand is not solved again: the plan's answer stands (the
    scaled problem only adds demand, and the plan's answer meets it)."""
    problem = plan.problem
    cost = problem.cost_cny
    chosen = problem.preselected
    # the plan's own solver mode: a deterministic plan gets re-solves that repeat
    deterministic = bool(plan.solver.get("deterministic", False))
    out: list[np.ndarray] = []
    previous_plan = problem.preselected
    for m in plan.milestones:
        inst = problem.instance(m.milestone)
        capacity = None
        if capacity_scale is not None and inst.capacity is not None:
            need = np.minimum(inst.capacity.required_mbps * capacity_scale,
                              inst.capacity.available_mbps)
            capacity = CapacityConstraints(inst.capacity.matrix, need)
        same_start = np.array_equal(np.sort(chosen), np.sort(previous_plan))
        previous_plan = m.selected
        if (capacity is not None and capacity_scale >= 1 and same_start and np.all(
                capacity.matrix @ np.bincount(m.selected, minlength=len(cost))
                >= capacity.demand * (1 - 1e-9))):
            chosen = np.sort(m.selected)
            out.append(chosen)
            continue
        res = set_cover(problem.matrix[inst.active], cost, weights=problem.weights[inst.active],
                        target=inst.group_target, groups=inst.groups, preselected=chosen,
                        time_limit_s=time_limit_s, seed=seed, capacity=capacity,
                        deterministic=deterministic)
        best = res.selected
        for fb in fallbacks:
            other = np.asarray(fb[len(out)], dtype=np.int64)
            if (np.isin(chosen, other).all() and float(cost[other].sum()) < float(
                    cost[best].sum()) - 1e-9 and (capacity is None or np.all(
                        capacity.matrix @ np.bincount(other, minlength=len(cost))
                        >= capacity.demand * (1 - 1e-9)))):
                best = np.sort(other)
        chosen = best
        out.append(chosen)
    for fb in fallbacks:  # a whole known sequence ending cheaper wins (nesting is path-bound)
        seq = [np.sort(np.asarray(x, dtype=np.int64)) for x in fb]
        if (float(cost[seq[-1]].sum()) < float(cost[out[-1]].sum()) - 1e-9
                and (capacity_scale is None or _carries(plan, seq, capacity_scale))):
            out = seq
    return out


def coverage_only(plan: Plan, *, time_limit_s: float = 5.0, seed: int = 0) -> list[np.ndarray]:
    """The plan's milestones solved for coverage alone (selections per
    milestone; never dearer than the plan itself, which also covers)."""
    return resolve(plan, capacity_scale=None, time_limit_s=time_limit_s, seed=seed,
                   fallbacks=[[m.selected for m in plan.milestones]])


def _primary_area(plan: Plan, active: np.ndarray, selected: np.ndarray) -> pd.Series:
    """Per selected site, the area holding most of the traffic it serves."""
    a = sp.csc_array(plan.coverage.matrix[active][:, selected])
    mbps = plan.demand["demand_mbps"].to_numpy(float)[active] if "demand_mbps" in plan.demand \
        else plan.demand["weight"].to_numpy(float)[active]
    area = plan.demand["area_id"].to_numpy()[active]
    codes, ids = pd.factorize(area, sort=False)
    per = sp.csr_array((mbps, (codes, np.arange(active.size))), shape=(len(ids), active.size)) @ a
    per = sp.csc_array(per)
    best = []
    for j in range(per.shape[1]):
        col = per.indices[per.indptr[j]:per.indptr[j + 1]]
        vals = per.data[per.indptr[j]:per.indptr[j + 1]]
        best.append(ids[col[np.argmax(vals)]] if vals.size else None)
    return pd.Series(best, index=selected, dtype=object)


def area_sizing(plan: Plan, year: int, coverage_selection: np.ndarray | None = None, *,
                time_limit_s: float = 5.0) -> pd.DataFrame:
    """Per area due by ``year``: coverage sites against capacity sites.

    Columns: ``area_id, name, environment, demand_mbps`` (target share of the
    busy-hour demand), ``capacity_mbps`` (what the plan's sites give it),
    ``plan_sites`` (plan sites whose served traffic lies mostly in the area),
    ``coverage_sites`` (the same count in the coverage-only plan of ``year``:
    ``coverage_selection``, else solved here within ``time_limit_s`` per
    milestone),
    ``capacity_sites`` (the fewest candidates whose capacity carries the
    demand: a lower bound), ``binds`` (``capacity`` when capacity sites exceed
    coverage sites, else ``coverage``) and ``capacity_shortfall_mbps``.
    """
    m = plan.milestone(year)
    cap = m.capacity
    if cap is None:
        raise ValueError(f"milestone {year} was planned without capacity rows; "
                         "plan with capacity=True.")
    if coverage_selection is None:
        index = [x.milestone for x in plan.milestones].index(year)
        coverage_selection = coverage_only(plan, time_limit_s=time_limit_s)[index]
    info = plan.targets.set_index("area_id")
    plan_primary = _primary_area(plan, m.active, m.selected).value_counts()
    cov_primary = _primary_area(plan, m.active, np.asarray(coverage_selection)).value_counts()
    served = cap.served_mbps(m.selected)
    needed = cap.sites_needed()
    rows = []
    for g, area in enumerate(cap.area_ids.tolist()):
        cov_sites = int(cov_primary.get(area, 0))
        rows.append({
            "area_id": area, "name": str(info.loc[area, "name"]),
            "environment": str(info.loc[area, "environment"]),
            "demand_mbps": float(cap.required_mbps[g]), "capacity_mbps": float(served[g]),
            "plan_sites": int(plan_primary.get(area, 0)), "coverage_sites": cov_sites,
            "capacity_sites": int(needed[g]),
            "binds": "capacity" if needed[g] > cov_sites else "coverage",
            "capacity_shortfall_mbps": float(cap.shortfall_mbps[g]),
        })
    return pd.DataFrame(rows)


def milestone_split(plan: Plan, coverage_selections: Sequence[np.ndarray]) -> pd.DataFrame:
    """Per milestone: the count against the policy target and its split.

    ``indoor_sites`` = indoor systems in the plan; ``capacity_sites`` = sites
    beyond the coverage-only plan's count (never below 0); ``coverage_sites``
    = the rest (outdoor sites coverage asks for). ``proposed`` counts sites
    the plan proposes (new builds at places no list gave).
    """
    kinds = plan.candidates["kind"].to_numpy()
    proposed = (plan.candidates["proposed"].to_numpy(bool) if "proposed" in plan.candidates
                else np.zeros(len(kinds), bool))
    indoor_kind = np.isin(kinds, list(INDOOR_KINDS))
    rows = []
    for m, cov in zip(plan.milestones, coverage_selections, strict=True):
        total = int(m.selected.size)
        indoor = int(indoor_kind[m.selected].sum())
        capacity = max(total - int(np.asarray(cov).size), 0)
        target = plan.site_targets.get(m.milestone)
        rows.append({
            "milestone": m.milestone, "sites": total, "site_target": target,
            "of_target": None if not target else total / target,
            "coverage_only_sites": int(np.asarray(cov).size),
            "coverage_sites": total - capacity - indoor, "capacity_sites": capacity,
            "indoor_sites": indoor, "proposed": int(proposed[m.selected].sum()),
            "new_builds": int(is_new_build(kinds[m.selected]).sum()),
            "cost_cny": float(plan.candidates["cost_cny"].to_numpy()[m.selected].sum()),
        })
    return pd.DataFrame(rows)


def no_sensitivity_reason(plan: Plan) -> str | None:
    """Why the traffic sensitivity cannot be computed, or None: it scales the
    plan's own busy-hour demand, so with ``traffic.penetration`` or
    ``traffic.gb_per_user_month`` at 0 (allowed: a coverage-only study) there
    is no demand to scale.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> no_sensitivity_reason(SimpleNamespace(assumptions={
    ...     "traffic.penetration": 0.0, "traffic.gb_per_user_month": 30.0}))
    'traffic.penetration = 0: the plan has no traffic to scale; not computed.'
    """
    for key in ("traffic.penetration", "traffic.gb_per_user_month"):
        if not float(plan.assumptions[key]) > 0:
            return f"{key} = {float(plan.assumptions[key]):g}: the plan has no traffic to " \
                "scale; not computed."
    return None


def sensitivity(plan: Plan, coverage_selections: Sequence[np.ndarray] | None = None, *,
                gb_per_user_month: Sequence[float] = (15.0, 30.0, 60.0, 120.0),
                penetration: Sequence[float] = (0.3, 0.5, 0.8),
                time_limit_s: float = 3.0, seed: int = 0) -> pd.DataFrame:
    """Site count per milestone for each traffic per user and penetration.

    Demand is proportional to both (``traffic.py``), so each pair scales
    every area's busy-hour demand by ``(gb / base_gb) × (pen / base_pen)``.
    A scale is solved once (nested milestones); it is not re-solved when
    the answer is known: where the coverage-only plan already carries the
    scaled demand (it solves a relaxation, so it is then the answer), at a
    scale ≥ 1 where the plan's own sites carry it (the plan is then the
    answer too), and at a scale ≤ 1 when the coverage-only plan costs as
    much as the plan (capacity does not bind). Answers are as good as the
    solves behind them (``time_limit_s`` each; the ``resolved`` column).

    Returns
    -------
    pandas.DataFrame
        ``gb_per_user_month, penetration, demand_scale, resolved`` and one
        ``sites_<year>`` column per milestone.
    """
    reason = no_sensitivity_reason(plan)
    if reason is not None:
        raise ConfigError(Msg("capacity_report.traffic_sensitivity", reason=reason))
    base_gb = float(plan.assumptions["traffic.gb_per_user_month"])
    base_pen = float(plan.assumptions["traffic.penetration"])
    cost = plan.candidates["cost_cny"].to_numpy(float)
    plan_cost = sum(float(cost[m.selected].sum()) for m in plan.milestones)
    cov_cost = (None if coverage_selections is None else
                sum(float(cost[np.asarray(s)].sum()) for s in coverage_selections))
    grid = [(float(gb), float(pen), round(float(gb) / base_gb * float(pen) / base_pen, 9))
            for gb in gb_per_user_month for pen in penetration]
    cache: dict[float, tuple[list[int], bool]] = {}
    known: list[list[np.ndarray]] = [[m.selected for m in plan.milestones]]
    if coverage_selections is not None:
        known.append([np.asarray(s) for s in coverage_selections])
    for scale in sorted({g[2] for g in grid}, reverse=True):  # larger answers serve smaller
        cache[scale] = _counts_at(plan, scale, plan_cost, coverage_selections, cov_cost,
                                  time_limit_s, seed, known)
    rows = []
    for gb, pen, scale in grid:
        counts, resolved = cache[scale]
        row: dict[str, Any] = {"gb_per_user_month": gb, "penetration": pen,
                               "demand_scale": scale, "resolved": resolved}
        for m, n in zip(plan.milestones, counts, strict=True):
            row[f"sites_{m.milestone}"] = n
        rows.append(row)
    return pd.DataFrame(rows)


def _carries(plan: Plan, selections: Sequence[np.ndarray], scale: float) -> bool:
    """Do these (nested) selections carry every milestone's demand × ``scale``?"""
    for m, sel in zip(plan.milestones, selections, strict=True):
        if m.capacity is None:
            continue
        need = np.minimum(m.capacity.required_mbps * scale, m.capacity.available_mbps)
        if np.any(m.capacity.served_mbps(np.asarray(sel)) < need * (1 - 1e-9)):
            return False
    return True


def _counts_at(plan: Plan, scale: float, plan_cost: float,
               coverage_selections: Sequence[np.ndarray] | None, cov_cost: float | None,
               time_limit_s: float, seed: int,
               known: list[list[np.ndarray]]) -> tuple[list[int], bool]:
    base = [int(m.selected.size) for m in plan.milestones]
    # the coverage-only plan is a relaxation: if it already carries the demand, it is the answer
    if coverage_selections is not None and _carries(plan, coverage_selections, scale):
        return [int(np.asarray(s).size) for s in coverage_selections], False
    # a scale >= 1 only adds demand: if the plan carries it, the plan stays the answer
    if scale >= 1 and _carries(plan, [m.selected for m in plan.milestones], scale):
        return base, False
    if scale <= 1 and cov_cost is not None and cov_cost >= plan_cost * (1 - 1e-9):
        return base, False
    found = resolve(plan, capacity_scale=scale, time_limit_s=time_limit_s, seed=seed,
                    fallbacks=known)
    known.append(found)
    return [int(s.size) for s in found], True


def capacity_section(plan: Plan, *, time_limit_s: float = 3.0, seed: int = 0,
                     sensitivity_grid: bool = True,
                     gb_per_user_month: Sequence[float] = (15.0, 30.0, 60.0),
                     penetration: Sequence[float] = (0.5, 0.8),
                     sensitivity_time_limit_s: float | None = None) -> dict[str, Any]:
    """Everything above as JSON-ready data (the report's capacity section)."""
    cov = coverage_only(plan, time_limit_s=time_limit_s, seed=seed)
    resolve_s = time_limit_s if sensitivity_time_limit_s is None else sensitivity_time_limit_s
    last = plan.milestones[-1].milestone
    out: dict[str, Any] = {
        "split": milestone_split(plan, cov).to_dict(orient="records"),
        "areas": area_sizing(plan, last, cov[-1]).to_dict(orient="records"),
        "traffic": plan.traffic.to_dict(orient="records") if plan.traffic is not None else [],
        "site_capacity_mbps": ({p: {e: float(v) for e, v in row.items()} for p, row in
                                plan.capacity_model.table().iterrows()}
                               if plan.capacity_model is not None else {}),
        "milestone": last,
    }
    skipped = no_sensitivity_reason(plan) if sensitivity_grid else None
    if skipped is not None:
        out["sensitivity_skipped"] = skipped
    elif sensitivity_grid:
        out["sensitivity"] = sensitivity(plan, cov, gb_per_user_month=gb_per_user_month,
                                         penetration=penetration, time_limit_s=resolve_s,
                                         seed=seed).to_dict(orient="records")
    out["markdown"] = capacity_markdown(out)
    out["markdown_zh"] = capacity_markdown(out, "zh")  # the report picks its language's
    return out


def _num(value: object, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    return f"{float(value):,.{digits}f}"


def capacity_markdown(section: dict[str, Any], lang: str = "en") -> str:
    """The capacity section of ``report.md`` in ``lang`` (texts from
    :data:`siteplan.i18n.TEXT`; every user text escaped)."""
    from siteplan.i18n import term, tr

    lines = [f"## {tr('cap.title', lang)}", "", tr("cap.text", lang), ""]
    head = tr("cap.columns", lang).split("|")
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in section["split"]:
        share = "–" if r.get("of_target") is None else f"{100 * r['of_target']:.0f} %"
        lines.append(f"| {r['milestone']} | {r['sites']} | {_num(r.get('site_target'))} | "
                     f"{share} | {r['coverage_sites']} | {r['capacity_sites']} | "
                     f"{r['indoor_sites']} | {r['proposed']} | {r['new_builds']} |")
    head = tr("cap.area_columns", lang).split("|")
    lines += ["", tr("cap.per_area", lang).format(year=section["milestone"]), "",
              "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in section["areas"]:
        lines.append(f"| {md(r['area_id'])} | {md(r['name'])} | "
                     f"{_num(r['demand_mbps'])} | {_num(r['capacity_mbps'])} | "
                     f"{r['coverage_sites']} | {r['capacity_sites']} | "
                     f"{md(term(r['binds'], lang))} |")
    if section.get("sensitivity_skipped"):
        lines += ["", f"{tr('cap.sensitivity_skipped', lang)}: "
                  f"{md(section['sensitivity_skipped'])}"]
    if section.get("sensitivity"):
        years = [k for k in section["sensitivity"][0] if k.startswith("sites_")]
        lines += ["", tr("cap.sensitivity", lang), "",
                  "| " + tr("cap.sensitivity_columns", lang).replace("|", " | ") + " | "
                  + " | ".join(tr("cap.sites_year", lang).format(year=y.removeprefix("sites_"))
                               for y in years) + " |",
                  "|---|---|---|" + "---|" * len(years)]
        for r in section["sensitivity"]:
            lines.append(f"| {_num(r['gb_per_user_month'])} | {100 * r['penetration']:.0f} % | "
                         f"{r['demand_scale']:g} | " + " | ".join(str(r[y]) for y in years)
                         + " |")
    return "\n".join(lines)
