"""Policy site-count targets per milestone (e.g. 150 / 400 / 600).

When the coverage plan needs *more* sites than the target, report what the
target count buys (max cover with ``k = target``) next to what full coverage
costs. When it needs *fewer*, offer the remaining sites where they add most:
max cover of the next milestone's areas, or, after the last milestone,
second-server coverage of key areas, transport hubs and the main urban area.

Examples
--------
>>> from siteplan.datasets import load_sample
>>> from siteplan.planner import plan
>>> c, t, _ = load_sample()
>>> p = plan(c, t, assumptions={"demand.spacing_m": 400.0}, time_limit_s=2,
...          site_targets={2020: 10, 2022: 600})
>>> rows = site_count_analysis(p, time_limit_s=1)["rows"]
>>> [(r["milestone"], r["status"]) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
[(2020, 'plan needs more sites than the target'),
 (2022, 'plan needs fewer sites than the target')]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from siteplan.messages import Msg
from siteplan.planner import Plan
from siteplan.report import _table
from siteplan.solve import max_cover

SECOND_SERVER_CLASSES = ("key_area", "transport_hub", "main_urban")


def _fill(plan: Plan, index: int, extra: int, time_limit_s: float, seed: int) -> dict[str, Any]:
    m = plan.milestones[index]
    demand = plan.demand
    matrix = sp.csc_array(plan.problem.matrix)
    counts = plan.coverage.cover_counts(m.selected)
    later = np.flatnonzero(demand["milestone"].to_numpy() > m.milestone)
    if later.size:
        next_year = int(demand["milestone"].to_numpy()[later].min())
        rows = np.flatnonzero(demand["milestone"].to_numpy() == next_year)
        weights = demand["weight"].to_numpy()[rows] * (counts[rows] == 0)
        basis = Msg("b.next", year=next_year)
    else:
        rows = m.active[np.isin(demand["area_class"].to_numpy()[m.active],
                                SECOND_SERVER_CLASSES)]
        weights = demand["weight"].to_numpy()[rows] * (counts[rows] == 1)
        basis = Msg("b.second", classes=", ".join(SECOND_SERVER_CLASSES))
    free = ~plan.problem.excluded
    free[m.selected] = False
    cols = np.flatnonzero(free)
    if rows.size == 0 or cols.size == 0 or weights.sum() <= 0:
        return {"basis": basis, "fill_sites": [], "gain_weight": 0.0, "pool_weight": 0.0}
    sub = sp.csc_array(matrix[rows][:, cols])
    cost = plan.problem.cost_cny[cols]
    k = min(extra, cols.size)
    res = max_cover(sub, k=k, weights=weights, cost=cost, time_limit_s=time_limit_s, seed=seed,
                    deterministic=bool(plan.solver.get("deterministic", True)))
    chosen = cols[res.selected]
    ids = plan.candidates["site_id"].to_numpy()[chosen].tolist()
    return {"basis": basis, "fill_sites": ids, "gain_weight": res.covered_weight,
            "pool_weight": float(weights.sum()), "upper_bound_weight": res.upper_bound}


def site_count_analysis(plan: Plan, *, time_limit_s: float = 5.0, seed: int = 0) -> dict[str, Any]:
    """Met or missed per milestone, with the coverage each count buys."""
    rows = []
    weights_all = plan.demand["weight"].to_numpy()
    for i, m in enumerate(plan.milestones):
        target = plan.site_targets.get(m.milestone)
        if target is None:
            continue
        planned = int(m.selected.size)
        active_w = weights_all[m.active]
        row: dict[str, Any] = {"milestone": m.milestone, "site_target": target,
                               "planned_sites": planned,
                               "coverage_full_plan": float(
                                   (active_w * m.covered_mask[m.active]).sum() / active_w.sum()),
                               "cost_full_plan_cny": float(m.result.cost)}
        if planned > target:
            previous = plan.milestones[i - 1].selected if i else np.zeros(0, int)
            on_air = np.flatnonzero(plan.candidates["on_air"].to_numpy())
            pre = previous if previous.size <= target else (on_air if on_air.size <= target
                                                            else None)
            allowed = np.union1d(np.flatnonzero(~plan.problem.excluded),
                                 pre if pre is not None else np.zeros(0, int))
            sub = sp.csc_array(plan.problem.matrix[m.active])[:, allowed]
            pre_sub = None if pre is None else np.searchsorted(allowed, pre)
            res = max_cover(sub, k=target, weights=active_w, cost=plan.problem.cost_cny[allowed],
                            preselected=pre_sub, time_limit_s=time_limit_s, seed=seed,
                            deterministic=bool(plan.solver.get("deterministic", True)))
            row.update(status="plan needs more sites than the target",
                       coverage_at_target=res.covered,
                       coverage_at_target_upper_bound=res.upper_bound / active_w.sum(),
                       cost_at_target_cny=res.cost)
        elif planned < target:
            fill = _fill(plan, i, target - planned, time_limit_s, seed)
            row.update(status="plan needs fewer sites than the target",
                       extra_sites_offered=len(fill["fill_sites"]), fill=fill)
        else:
            row.update(status="plan meets the target exactly")
        rows.append(row)
    lines = ["## Policy site-count targets", "",
             "Per milestone: the policy target against the sites full coverage needs. Where the "
             "target is higher, the rest are offered where they add most; where it is lower, "
             "max cover with k = target shows what that count buys.", ""]
    table_rows = [{**r, "coverage_at_target": r.get("coverage_at_target"),
                   "extra": r.get("extra_sites_offered"),
                   "basis": (r.get("fill") or {}).get("basis", "")} for r in rows]
    lines += _table(table_rows, [("milestone", "milestone"), ("site_target", "target"),
                                 ("planned_sites", "coverage plan sites"),
                                 ("status", "status"),
                                 ("coverage_full_plan", "covered share (full plan)"),
                                 ("coverage_at_target", "covered share at target count"),
                                 ("extra", "extra sites offered"), ("basis", "placed for")])
    return {"rows": rows, "markdown": "\n".join(lines)}
