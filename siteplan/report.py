"""Reports: the plan as a JSON document and as Markdown.

Per milestone: site counts (total, new vs reused, by kind), coverage per area
and per area class against its target, the policy site-count target against
the planned count, the solver's bound and gap; and the assumptions used.

Examples
--------
>>> from siteplan.report import fmt_share
>>> fmt_share(0.9512)
'95.1%'
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from siteplan.planner import Plan
from siteplan.schema import KINDS


def fmt_share(x: float | None) -> str:
    """A share as a percentage with one decimal ('–' for missing)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{100 * x:.1f}%"


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if math.isnan(value) else round(float(value), 6)
    return value


def plan_report(plan: Plan, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as plain data (ready for ``json.dump``)."""
    summary = plan.summary().set_index("milestone")
    milestones = []
    for m in plan.milestones:
        sites = plan.sites(m.milestone)
        row = summary.loc[m.milestone]
        unc = plan.uncovered(m.milestone)
        milestones.append({
            "milestone": m.milestone,
            "sites": int(row["sites"]), "added": int(row["added"]),
            "new": int(row["new"]), "reused": int(row["reused"]), "on_air": int(row["on_air"]),
            "reuse_share": row["reuse_share"],
            "by_kind": {k: int(v) for k, v in sites["kind"].value_counts().items()},
            "cost_cny": row["cost_cny"],
            "site_target": None if row["site_target"] is None or
            (isinstance(row["site_target"], float) and math.isnan(row["site_target"]))
            else int(row["site_target"]),
            "site_target_met": row["target_met"],
            "solver": {"method": m.result.method, "cost": m.result.cost,
                       "lower_bound": m.result.lower_bound, "gap": m.result.gap,
                       "time_s": m.result.time_s, "optimal": m.result.optimal},
            "areas": plan.area_coverage(m.milestone).to_dict(orient="records"),
            "classes": plan.class_coverage(m.milestone).to_dict(orient="records"),
            "uncovered_points": int(len(unc)),
            "uncoverable_points": int(unc["uncoverable"].sum()),
            "uncoverable_weight": float(unc.loc[unc["uncoverable"], "weight"].sum()),
        })
    cov = plan.coverage
    report = {
        "name": plan.name,
        "crs": {"input": str(plan.candidates.crs), "metric": str(plan.metric_crs)},
        "inputs": {
            "candidates": int(len(plan.candidates)),
            "candidates_by_kind": {k: int(v) for k, v in
                                   plan.candidates["kind"].value_counts().items()},
            "target_areas": int(len(plan.targets)),
            "demand_points": int(len(plan.demand)),
        },
        "coverage": {
            "mode": cov.mode,
            "edge_snr_db": _edge_snr(plan),
            "pairs_evaluated": cov.pairs_evaluated,
            "covering_pairs": int(cov.matrix.nnz),
            "reach_m": {f"{c}/{e}": r for (c, e), r in cov.reach_m.items()},
        },
        "policy_mode": plan.assumptions["policy.mode"],
        "national_reuse_reference": plan.assumptions["policy.national_reuse_share"],
        "milestones": milestones,
        "assumptions": plan.assumptions.table(),
        "notes": list(plan.notes),
    }
    report["power"] = power_section(plan)
    section = landuse_section(plan)
    if section is not None:
        report["landuse"] = section
    if extra:
        report.update(extra)
    return _clean(report)


def power_section(plan: Plan) -> dict[str, Any]:
    """Per milestone: load, energy, cost, transfer-supply share; subsidy."""
    from siteplan.power import power_summary, site_power

    subsidy = float(plan.assumptions["subsidy_cny.standalone_site"])
    rows = []
    for m in plan.milestones:
        s = power_summary(site_power(plan.sites(m.milestone), plan.assumptions),
                          plan.assumptions)
        s.update(milestone=m.milestone, new_5g_sites=int(m.added.size),
                 subsidy_cny=float(m.added.size * subsidy))
        rows.append(s)
    lines = ["## Power supply and subsidy", "",
             "Loads per site profile, annual energy at the mean load fraction, cost at the "
             "tariffs of the assumptions table; `power_<year>.csv` lists every site for the grid "
             "company. Subsidy: new 5G sites added in the milestone × "
             f"{subsidy:,.0f} CNY.", ""]
    lines += _table(rows, [("milestone", "milestone"), ("sites", "sites"), ("load_kw", "load kW"),
                           ("energy_mwh_per_year", "MWh/year"),
                           ("cost_cny_per_year", "energy cost CNY/year"),
                           ("transfer_share", "transfer-supply share"),
                           ("transfer_share_target", "target"),
                           ("transfer_target_met", "target met"),
                           ("new_5g_sites", "new 5G sites"), ("subsidy_cny", "subsidy CNY")])
    return {"milestones": rows, "markdown": "\n".join(lines)}


def landuse_section(plan: Plan) -> dict[str, Any] | None:
    """Per milestone: forbidden and restricted conflicts of the chosen sites."""
    if plan.landuse_conflicts is None:
        return None
    rows, lines = [], ["## Land use", "",
                       "Chosen sites against the land-use zones (rules in the assumptions table, "
                       "`landuse.rule.*`). New builds on forbidden land were excluded before "
                       f"solving: {0 if plan.excluded is None else len(plan.excluded)} candidates.",
                       ""]
    for m in plan.milestones:
        table = plan.site_conflicts(m.milestone)
        forbidden = table[table["rule"] == "forbidden"]
        restricted = table[table["rule"] == "restricted"]
        rows.append({"milestone": m.milestone, "forbidden": int(len(forbidden)),
                     "restricted": int(len(restricted)),
                     "restricted_sites": restricted.to_dict(orient="records"),
                     "forbidden_sites": forbidden.to_dict(orient="records")})
        lines.append(f"- {m.milestone}: {len(forbidden)} forbidden conflicts, "
                     f"{len(restricted)} restricted (permit needed)"
                     + (": " + ", ".join(f"{r.site_id} ({r.kind}) on {r.zone_class} {r.zone_id}"
                                         for r in restricted.itertuples()) if len(restricted)
                        else "") + ".")
    return {"milestones": rows, "markdown": "\n".join(lines)}


def _edge_snr(plan: Plan) -> float | None:
    from siteplan.radio import LinkBudget

    if plan.coverage.mode != "link_budget":
        return None
    return LinkBudget.from_assumptions(plan.assumptions).edge_snr_db()


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> list[str]:
    out = ["| " + " | ".join(title for _, title in columns) + " |",
           "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = []
        for key, _ in columns:
            v = row.get(key)
            if isinstance(v, float):
                as_share = "share" in key or "covered" in key or key in (
                    "gap", "target", "coverage_target")
                v = fmt_share(v) if as_share else f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}"
            elif isinstance(v, bool):
                v = "yes" if v else "**no**"
            cells.append(str(v).replace("|", "\\|") if v is not None else "–")
        out.append("| " + " | ".join(cells) + " |")
    return out


def markdown_report(report: dict[str, Any]) -> str:
    """Render :func:`plan_report` output as Markdown."""
    lines = [f"# Site plan: {report['name']}", ""]
    lines += [f"Candidates: {report['inputs']['candidates']:,} "
              f"({', '.join(f'{k} {v}' for k, v in report['inputs']['candidates_by_kind'].items())}); "
              f"target areas: {report['inputs']['target_areas']}; demand points: "
              f"{report['inputs']['demand_points']:,}. Coverage model: "
              f"`{report['coverage']['mode']}`"
              + (f" (SNR per resource element at the RSRP threshold: "
                 f"{report['coverage']['edge_snr_db']:.1f} dB)"
                 if report["coverage"].get("edge_snr_db") is not None else "")
              + f"; policy mode: `{report['policy_mode']}`. "
              f"Computation CRS: {report['crs']['metric']}.", ""]
    lines += ["## Milestones", ""]
    lines += _table(report["milestones"], [
        ("milestone", "milestone"), ("sites", "sites"), ("added", "added"), ("on_air", "on air"),
        ("reused", "reused"), ("new", "new"), ("reuse_share", "reuse share"),
        ("cost_cny", "cost (CNY)"), ("site_target", "policy target"),
        ("site_target_met", "target reached")])
    lines += ["", f"Reuse share against the national reference of "
              f"{fmt_share(report['national_reuse_reference'])} of 5G builds on existing "
              "resources (China Tower, 2023).", ""]
    for m in report["milestones"]:
        s = m["solver"]
        lines += [f"## {m['milestone']}", "",
                  f"{m['sites']} sites: " + ", ".join(
                      f"{m['by_kind'].get(k, 0)} {k}" for k in KINDS if m["by_kind"].get(k)) + ".",
                  f"Solver `{s['method']}`: cost {s['cost']:,.0f} CNY, lower bound "
                  f"{s['lower_bound']:,.0f}, gap {fmt_share(s['gap'])}, {s['time_s']:.1f} s.",
                  f"Uncovered demand points: {m['uncovered_points']:,}, of which "
                  f"{m['uncoverable_points']:,} no candidate can reach "
                  f"(weight {m['uncoverable_weight']:.2f}).", "", "Per area class:", ""]
        lines += _table(m["classes"], [("area_class", "class"), ("areas", "areas"),
                                       ("covered_share", "covered share"),
                                       ("target", "target"), ("all_targets_met", "all met")])
        lines += ["", "Per area (the target applies to the whole area's demand):", ""]
        lines += _table(m["areas"], [
            ("area_id", "area"), ("name", "name"), ("area_class", "class"),
            ("coverage_target", "target"), ("coverable_share", "coverable share"),
            ("covered_share", "covered share"), ("covered_of_coverable", "covered of coverable"),
            ("target_met", "target met"),
            ("median_best_server_rsrp_dbm", "median best-server RSRP (dBm)"),
            ("unreachable_reason", "out of every reach (why)")])
        lines.append("")
    for key in ("radio_comparison", "landuse", "power", "site_targets", "relocation",
                "capacity"):
        if key in report and report[key].get("markdown"):
            lines += [report[key]["markdown"], ""]
    lines += ["## Assumptions", "", "Every assumed number, as used in this plan "
              "(override in the config's `[assumptions]` table).", ""]
    rows = [{**r, "value": f"{r['value']}" + (" (overridden)" if r["overridden"] else "")}
            for r in report["assumptions"]]
    lines += _table(rows, [("key", "key"), ("value", "value"), ("unit", "unit"), ("note", "note")])
    reach = report["coverage"]["reach_m"]
    lines += ["", "Largest reach per site class and environment used to propose pairs: "
              + ", ".join(f"{k} {v:,.0f} m" for k, v in reach.items()) + "."]
    if report.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {n}" for n in report["notes"]]
    return "\n".join(lines) + "\n"


def radio_comparison(link_budget_plan: Plan, radius_plan: Plan) -> dict[str, Any]:
    """Site counts per milestone with the link budget against the radius table.

    Examples
    --------
    >>> callable(radio_comparison)
    True
    """
    a = link_budget_plan.summary().set_index("milestone")
    b = radius_plan.summary().set_index("milestone")
    rows = []
    for year in a.index:
        target = link_budget_plan.site_targets.get(int(year))
        rows.append({"milestone": int(year), "sites_link_budget": int(a.loc[year, "sites"]),
                     "sites_radius": int(b.loc[year, "sites"]),
                     "change": int(a.loc[year, "sites"] - b.loc[year, "sites"]),
                     "new_link_budget": int(a.loc[year, "new"]),
                     "new_radius": int(b.loc[year, "new"]), "site_target": target,
                     "link_budget_meets_target": None if target is None
                     else bool(a.loc[year, "sites"] >= target)})
    lines = ["## Link budget against the radius table", "",
             "Site counts with coverage from the TR 38.901 link budget (this plan) and with the "
             "fixed radius table (`coverage.mode = \"radius\"`), same candidates and targets.", ""]
    lines += _table(rows, [("milestone", "milestone"), ("sites_link_budget", "sites, link budget"),
                           ("sites_radius", "sites, radius table"), ("change", "change"),
                           ("new_link_budget", "new builds, link budget"),
                           ("new_radius", "new builds, radius"), ("site_target", "policy target"),
                           ("link_budget_meets_target", "link budget reaches target")])
    last = rows[-1]
    if last["site_target"] is not None:
        verdict = "reaches" if last["link_budget_meets_target"] else "stays below"
        lines += ["", f"The {last['milestone']} coverage plan needs {last['sites_link_budget']} "
                  f"sites and {verdict} the policy target of {last['site_target']}+; coverage "
                  "alone does not set the count (capacity, indoor and operator demand do)."]
    return {"rows": rows, "markdown": "\n".join(lines)}
