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

from siteplan.i18n import (
    COLUMNS,
    TEXT,
    check_lang,
    column,
    default_note,
    term,
    terms_in,
    tr,
    translate,
    unit,
)
from siteplan.io.markdown import md
from siteplan.planner import Plan
from siteplan.schema import KINDS
from siteplan.sinr_report import sinr_markdown  # issue 27: best server / SINR section


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



def crs_text(crs: object) -> str:
    """A CRS as a report names it: ``EPSG:<code>`` where it has one, else its
    name (``str`` of a CRS read from GeoParquet's PROJJSON or a WKT file is
    the whole definition, dozens of words).

    Examples
    --------
    >>> from pyproj import CRS
    >>> crs_text(CRS.from_json(CRS.from_epsg(32650).to_json())), crs_text(None)
    ('EPSG:32650', 'none')
    """
    if crs is None:
        return "none"
    from pyproj import CRS

    crs = CRS.from_user_input(crs)
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.name

def plan_report(plan: Plan, extra: dict[str, Any] | None = None,
                lang: str = "en") -> dict[str, Any]:
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
                       "time_s": m.result.time_s, "optimal": m.result.optimal,
                       "clock_cut": list(m.result.details.get("deterministic_cut", []))},
            "areas": plan.area_coverage(m.milestone).to_dict(orient="records"),
            "classes": plan.class_coverage(m.milestone).to_dict(orient="records"),
            "uncovered_points": int(len(unc)),
            "uncoverable_points": int(unc["uncoverable"].sum()),
            "uncoverable_weight": float(unc.loc[unc["uncoverable"], "weight"].sum()),
        })
    cov = plan.coverage
    report = {
        "name": plan.name,
        "crs": {"input": crs_text(plan.candidates.crs), "metric": crs_text(plan.metric_crs)},
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
    report["lang"] = check_lang(lang)
    report["labels"] = {k: v[lang] for k, v in COLUMNS.items()}  # headings in this language
    report["power"] = power_section(plan, lang)
    section = landuse_section(plan, lang)
    if section is not None:
        report["landuse"] = section
    if extra:
        report.update(extra)
    return _clean(report)


def power_section(plan: Plan, lang: str = "en") -> dict[str, Any]:
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
    section = {"milestones": rows, "subsidy_cny_per_site": subsidy}
    section["markdown"] = _power_markdown(section, lang)
    return section


_POWER_COLUMNS = [("milestone", "milestone"), ("sites", "sites"), ("load_kw", "load_kw_total"),
                  ("energy_mwh_per_year", "energy_mwh_per_year"),
                  ("cost_cny_per_year", "power_cost_cny_per_year"),
                  ("transfer_share", "transfer_share"),
                  ("transfer_share_target", "transfer_share_target"),
                  ("transfer_target_met", "transfer_target_met"),
                  ("new_5g_sites", "new_5g_sites"), ("subsidy_cny", "subsidy_cny")]


def _power_markdown(section: dict[str, Any], lang: str) -> str:
    subsidy = section.get("subsidy_cny_per_site", 0.0) or 0.0
    lines = [f"## {tr('r.power', lang)}", "",
             tr("r.power_text", lang).format(subsidy=f"{subsidy:,.0f}"), ""]
    lines += _table(section["milestones"], _titles(_POWER_COLUMNS, lang), lang=lang)
    return "\n".join(lines)


def landuse_section(plan: Plan, lang: str = "en") -> dict[str, Any] | None:
    """Per milestone: forbidden and restricted conflicts of the chosen sites."""
    if plan.landuse_conflicts is None:
        return None
    rows = []
    for m in plan.milestones:
        table = plan.site_conflicts(m.milestone)
        forbidden = table[table["rule"] == "forbidden"]
        restricted = table[table["rule"] == "restricted"]
        rows.append({"milestone": m.milestone, "forbidden": int(len(forbidden)),
                     "restricted": int(len(restricted)),
                     "restricted_sites": restricted.to_dict(orient="records"),
                     "forbidden_sites": forbidden.to_dict(orient="records")})
    section = {"milestones": rows,
               "excluded": 0 if plan.excluded is None else int(len(plan.excluded))}
    section["markdown"] = _landuse_markdown(section, lang)
    return section


def _landuse_markdown(section: dict[str, Any], lang: str) -> str:
    lines = [f"## {tr('r.landuse', lang)}", "",
             tr("r.landuse_text", lang).format(excluded=section.get("excluded", 0)), ""]
    for row in section["milestones"]:
        restricted = row.get("restricted_sites", [])
        where = ", ".join(
            f"{md(r.get('site_id'))} ({md(term(r.get('kind'), lang))}) {tr('r.on', lang)} "
            f"{md(term(r.get('zone_class'), lang))} {md(r.get('zone_id'))}" for r in restricted)
        lines.append("- " + tr("r.landuse_line", lang).format(
            year=row["milestone"], forbidden=row["forbidden"], restricted=row["restricted"])
            + ((("：" if lang == "zh" else ": ") + where) if where else "")
            + ("。" if lang == "zh" else "."))
    return "\n".join(lines)


def _edge_snr(plan: Plan) -> float | None:
    from siteplan.radio import LinkBudget

    if plan.coverage.mode != "link_budget":
        return None
    return LinkBudget.from_assumptions(plan.assumptions).edge_snr_db()


def _titles(columns: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """``(row key, column heading key)`` pairs to ``(row key, heading)``."""
    return [(key, column(name, lang)) for key, name in columns]


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, str]], *,
           lang: str = "en") -> list[str]:
    """A Markdown table; text cells escaped (:func:`md`), numbers formatted,
    kinds/classes/statuses named in ``lang``."""
    out = ["| " + " | ".join(md(title) for _, title in columns) + " |",
           "|" + "|".join("---" for _ in columns) + "|"]
    for row in rows:
        cells = []
        for key, _ in columns:
            v = row.get(key)
            if isinstance(v, bool | np.bool_):
                cells.append(tr("yes", lang) if v else f"**{tr('no', lang)}**")
            elif isinstance(v, float | np.floating):
                v = float(v)
                as_share = "share" in key or "cover" in key or key in ("gap", "target")
                cells.append("–" if math.isnan(v) else fmt_share(v) if as_share
                             else f"{v:,.0f}" if abs(v) >= 100 else f"{v:g}")
            elif v is None:
                cells.append("–")
            elif isinstance(v, str):
                cells.append(md(term(v, lang) if key in _TERM_KEYS else v))
            else:
                cells.append(md(v))
        out.append("| " + " | ".join(cells) + " |")
    return out


_TERM_KEYS = frozenset({"kind", "area_class", "status", "supply", "power_supply", "zone_class",
                        "rule", "environment"})


def _kinds_in_order(by_kind: dict[str, int]) -> list[tuple[str, int]]:
    """Counts by kind, known kinds in :data:`KINDS` order, then any others."""
    known = [(k, by_kind[k]) for k in KINDS if by_kind.get(k)]
    return known + sorted((k, v) for k, v in by_kind.items() if k not in KINDS and v)


_MILESTONE_COLUMNS = [("milestone", "milestone"), ("sites", "sites"), ("added", "added"),
                      ("on_air", "on_air_count"), ("reused", "reused"), ("new", "new"),
                      ("reuse_share", "reuse_share"), ("cost_cny", "cost_cny"),
                      ("site_target", "site_target"), ("site_target_met", "site_target_met")]
_CLASS_COLUMNS = [("area_class", "area_class"), ("areas", "areas"),
                  ("covered_share", "covered_share"), ("target", "target"),
                  ("all_targets_met", "all_targets_met")]
_AREA_COLUMNS = [("area_id", "area_id"), ("name", "area_name"), ("area_class", "area_class"),
                 ("coverage_target", "coverage_target"), ("coverable_share", "coverable_share"),
                 ("covered_share", "covered_share"),
                 ("covered_of_coverable", "covered_of_coverable"), ("target_met", "target_met"),
                 ("median_best_server_rsrp_dbm", "median_best_server_rsrp_dbm"),
                 ("unreachable_reason", "unreachable_reason")]


def markdown_report(report: dict[str, Any], lang: str = "en") -> str:
    """Render :func:`plan_report` output as Markdown in ``lang`` ("en"/"zh").

    Every string from the inputs is escaped with :func:`md`; the sections
    of this module (land use, power, radio comparison) are rendered in
    ``lang`` from their data, other sections (``site_targets``,
    ``relocation``) as their own ``markdown``.
    """
    check_lang(lang)
    sep = "、" if lang == "zh" else ", "
    lines = [f"# {tr('r.title', lang).format(name=md(report['name']))}", ""]
    lines += [_inputs_line(report, lang, sep), ""]
    lines += [f"## {tr('r.milestones', lang)}", ""]
    lines += _table(report["milestones"], _titles(_MILESTONE_COLUMNS, lang), lang=lang)
    lines += ["", tr("r.reuse_reference", lang).format(
        share=fmt_share(report["national_reuse_reference"])), ""]
    for m in report["milestones"]:
        lines += _milestone_markdown(m, lang, sep)
    lines += [_inputs_markdown(report, lang), ""]
    lines += _sections_markdown(report, lang)
    lines += _assumptions_markdown(report, lang, sep)
    if report.get("notes"):
        lines += ["", f"## {tr('r.notes', lang)}", ""] + [f"- {md(translate(n, lang))}"
                                                          for n in report["notes"]]
    return "\n".join(lines) + "\n"


def _inputs_line(report: dict[str, Any], lang: str, sep: str) -> str:
    """The report's first sentence: candidates by kind, areas, demand, model."""
    cov = report["coverage"]
    snr = "" if cov.get("edge_snr_db") is None else tr("r.snr", lang).format(
        snr=f"{cov['edge_snr_db']:.1f}")
    return tr("r.inputs", lang).format(
        candidates=f"{report['inputs']['candidates']:,}",
        by_kind=sep.join(f"{md(term(k, lang))} {v}" for k, v in
                         _kinds_in_order(report["inputs"]["candidates_by_kind"])),
        areas=report["inputs"]["target_areas"], points=f"{report['inputs']['demand_points']:,}",
        mode=md(term(cov["mode"], lang)), snr=snr, policy=md(term(report["policy_mode"], lang)),
        crs=md(report["crs"]["metric"]))


def _milestone_markdown(m: dict[str, Any], lang: str, sep: str) -> list[str]:
    """One milestone: sites by kind, the solver's cost and bound, per class and area."""
    s = m["solver"]
    lines = [f"## {m['milestone']}", "",
             tr("r.sites_by_kind", lang).format(sites=m["sites"], kinds=sep.join(
                 f"{v} {md(term(k, lang))}" for k, v in _kinds_in_order(m["by_kind"]))),
             tr("r.solver", lang).format(
                 method=md(term(s["method"], lang)), cost=f"{s['cost']:,.0f}",
                 bound=f"{s['lower_bound']:,.0f}", gap=fmt_share(s["gap"]),
                 time=f"{s['time_s']:.1f}")]
    if s["clock_cut"]:
        lines += [tr("r.clock_cut", lang).format(stages=md(", ".join(s["clock_cut"])))]
    lines += [tr("r.uncovered", lang).format(
                  points=f"{m['uncovered_points']:,}",
                  unreachable=f"{m['uncoverable_points']:,}",
                  weight=f"{m['uncoverable_weight']:.2f}"), "", tr("r.per_class", lang), ""]
    lines += _table(m["classes"], _titles(_CLASS_COLUMNS, lang), lang=lang)
    lines += ["", tr("r.per_area", lang), ""]
    areas = [{**a, "unreachable_reason": terms_in(translate(str(a.get(
        "unreachable_reason") or ""), lang), lang)} for a in m["areas"]]
    lines += _table(areas, _titles(_AREA_COLUMNS, lang), lang=lang)
    lines.append("")
    return lines


def _sections_markdown(report: dict[str, Any], lang: str) -> list[str]:
    """The analyses' sections, each rendered in ``lang`` from its data (or
    its own ``markdown_<lang>``)."""
    own = {"radio_comparison": _radio_markdown, "landuse": _landuse_markdown,
           "power": _power_markdown, "site_targets": _site_targets_markdown,
           "sinr": sinr_markdown}
    lines: list[str] = []
    for key in ("radio_comparison", "landuse", "power", "site_targets", "relocation",
                "capacity", "sinr"):
        section = report.get(key)
        if not isinstance(section, dict):
            continue
        if key in own and ("rows" in section or "milestones" in section):
            lines += [own[key](section, lang), ""]
        elif section.get(f"markdown_{lang}") or section.get("markdown"):
            lines += [section.get(f"markdown_{lang}") or section["markdown"], ""]
    return lines


def _assumptions_markdown(report: dict[str, Any], lang: str, sep: str) -> list[str]:
    """The assumptions table (overrides marked) and the reach per environment."""
    lines = [f"## {tr('r.assumptions', lang)}", "", tr("r.assumptions_text", lang), ""]
    rows = [{**r, "value": f"{r['value']}" + (tr("r.overridden", lang) if r["overridden"]
                                              else ""),
             "note": default_note(str(r.get("note") or ""), lang),
             "unit": unit(str(r.get("unit") or ""), lang)}
            for r in report["assumptions"]]
    lines += _table(rows, _titles([("key", "key"), ("value", "value"), ("unit", "unit"),
                                   ("note", "note")], lang), lang=lang)
    reach = report["coverage"]["reach_m"]
    lines += ["", tr("r.reach", lang) + sep.join(f"{md(terms_in(k, lang))} {v:,.0f} m"
                                                  for k, v in reach.items())
              + ("。" if lang == "zh" else ".")]
    return lines


def radio_comparison(link_budget_plan: Plan, radius_plan: Plan) -> dict[str, Any]:
    """Site counts per milestone with the link budget against the radius table.

    Examples
    --------
    >>> from siteplan.datasets import load_sample
    >>> from siteplan.planner import plan
    >>> c, t, _ = load_sample()
    >>> a = plan(c, t, assumptions={"demand.spacing_m": 600.0}, time_limit_s=1)
    >>> b = plan(c, t, assumptions={"demand.spacing_m": 600.0, "coverage.mode": "radius"},
    ...          time_limit_s=1)
    >>> [r["milestone"] for r in radio_comparison(a, b)["rows"]]
    [2020, 2021, 2022]
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
    section = {"rows": rows}
    section["markdown"] = _radio_markdown(section, "en")
    return section


_TARGET_COLUMNS = [("milestone", "milestone"), ("site_target", "site_target_short"),
                   ("planned_sites", "planned_sites"), ("status", "status_text"),
                   ("coverage_full_plan", "coverage_full_plan"),
                   ("coverage_at_target", "coverage_at_target"), ("extra", "extra"),
                   ("basis", "basis")]


def _inputs_markdown(report: dict[str, Any], lang: str) -> str:
    """The inputs as read: every conversion note and every dropped row
    (``input_notes`` and ``rejected_rows`` of :func:`siteplan.project.analyses`).

    Examples
    --------
    >>> print(_inputs_markdown({"input_notes": ["a.csv: text decoded as gbk."],
    ...     "rejected_rows": {"a.csv": [{"line": 4, "column": "kind",
    ...                                  "reason": "unknown kind 'x'"}]}}, "zh"))
    ## 输入数据读取情况
    <BLANKLINE>
    转换与说明（坐标系、GCJ-02、编码）：
    <BLANKLINE>
    - a.csv：文本按 gbk 解码。
    <BLANKLINE>
    共舍弃 1 行输入数据（另见 `rejected_rows.csv`）：
    <BLANKLINE>
    | 文件 | 行号 | 列 | 原因 |
    |---|---|---|---|
    | a.csv | 4 | kind | 未知站址类型 'x' |
    """
    notes = [translate(str(n), lang) for n in report.get("input_notes") or []]
    rows = [{"file": name, "line": r.get("line"), "column": r.get("column"),
             "reason": translate(str(r.get("reason", "")), lang)}
            for name, records in (report.get("rejected_rows") or {}).items() for r in records]
    lines = [f"## {tr('r.input_data', lang)}", ""]
    if notes:
        lines += [tr("r.conversions", lang), ""] + [f"- {md(n)}" for n in notes] + [""]
    else:
        lines += [tr("r.no_conversions", lang), ""]
    if rows:
        lines += [tr("r.rejected", lang).format(rows=len(rows)), ""]
        lines += _table(rows, _titles([("file", "file"), ("line", "line"),
                                       ("column", "column"), ("reason", "reason")], lang),
                        lang=lang)
    else:
        lines += [tr("r.no_rejected", lang)]
    return "\n".join(lines)


def _site_targets_markdown(section: dict[str, Any], lang: str) -> str:
    """The policy site-count section (data from :mod:`siteplan.sitecount`)
    in ``lang`` (its ``basis`` through the message catalogue)."""
    rows = [{**r, "status": tr(f"s.{r['status']}", lang) if f"s.{r.get('status')}" in TEXT
             else r.get("status"), "coverage_at_target": r.get("coverage_at_target"),
             "extra": r.get("extra_sites_offered"),
             "basis": translate((r.get("fill") or {}).get("basis", ""), lang)}
            for r in section["rows"]]
    lines = [f"## {tr('r.site_targets', lang)}", "", tr("r.site_targets_text", lang), ""]
    lines += _table(rows, _titles(_TARGET_COLUMNS, lang), lang=lang)
    return "\n".join(lines)


_RADIO_COLUMNS = [("milestone", "milestone"), ("sites_link_budget", "sites_link_budget"),
                  ("sites_radius", "sites_radius"), ("change", "change"),
                  ("new_link_budget", "new_link_budget"), ("new_radius", "new_radius"),
                  ("site_target", "site_target"),
                  ("link_budget_meets_target", "link_budget_meets_target")]


def _radio_markdown(section: dict[str, Any], lang: str) -> str:
    rows = section["rows"]
    lines = [f"## {tr('r.radio', lang)}", "", tr("r.radio_text", lang), ""]
    lines += _table(rows, _titles(_RADIO_COLUMNS, lang), lang=lang)
    last = rows[-1] if rows else {}
    if last.get("site_target") is not None:
        verdict = tr("r.reaches" if last["link_budget_meets_target"] else "r.stays_below", lang)
        lines += ["", tr("r.radio_verdict", lang).format(
            year=last["milestone"], sites=last["sites_link_budget"], verdict=verdict,
            target=last["site_target"])]
    return "\n".join(lines)
