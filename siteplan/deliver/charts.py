"""Report charts with matplotlib, as SVG text to inline in the HTML report.

Text stays text in the SVG (``svg.fonttype = "none"``): the browser draws
Chinese labels with its own fonts, and the SVG is searchable and sharp in
print. Labels from the inputs (area classes) are never parsed as
mathtext (``text.parse_math = False``; a ``$`` is a dollar sign) and are
XML-escaped by matplotlib's SVG writer. Fixed ids (``svg.hashsalt``) and no
date make the same data give the same bytes.

Examples
--------
>>> report = {"milestones": [
...     {"milestone": 2021, "by_kind": {"tower": 3, "greenfield": 1}, "on_air": 0, "reused": 3,
...      "new": 1, "cost_cny": 5.0e5, "classes": [{"area_class": "main_urban",
...      "covered_share": 0.9, "target": 0.95}]}]}
>>> svg = sites_by_kind_chart(report, "zh")
>>> svg.startswith("<svg") and "铁塔" in svg
True
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np

from siteplan.colours import KIND_COLOURS, OTHER, STATUS_COLOURS
from siteplan.i18n import term, tr
from siteplan.schema import KINDS

RC = {"svg.fonttype": "none", "svg.hashsalt": "siteplan", "text.parse_math": False,
      "font.family": "sans-serif",
      "font.sans-serif": ["DejaVu Sans", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
                          "SimHei", "WenQuanYi Micro Hei"],
      "axes.spines.top": False, "axes.spines.right": False, "font.size": 9}


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():  # CJK glyphs are missing from DejaVu: the browser draws them
        warnings.simplefilter("ignore")
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "siteplan"},
                    bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(draw: Any) -> str:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(RC):
        fig, ax = plt.subplots(figsize=(6.0, 3.0))
        try:
            draw(ax)
            return _svg(fig)
        finally:
            plt.close(fig)


def _years(report: dict[str, Any]) -> list[str]:
    return [str(m["milestone"]) for m in report["milestones"]]


def _stacked_chart(report: dict[str, Any], series: list[tuple[str, list[float], str]],
                   title: str, lang: str, *, totals: bool = False) -> str:
    """Stacked bars per milestone: ``series`` of ``(label, value per milestone, colour)``,
    bottom first; ``totals`` writes each bar's total above it."""
    years = _years(report)

    def draw(ax: Any) -> None:
        bottom = np.zeros(len(years))
        for label, values, colour in series:
            ax.bar(years, np.asarray(values, float), bottom=bottom, label=label, color=colour)
            bottom += np.asarray(values, float)
        if totals:
            for x, total in zip(years, bottom, strict=True):
                ax.annotate(f"{total:.0f}", (x, total), ha="center", va="bottom")
        ax.set_title(title)
        ax.set_ylabel(tr("c.sites", lang))
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))

    return _figure(draw)


def sites_by_kind_chart(report: dict[str, Any], lang: str = "en") -> str:
    """Stacked bars: sites per milestone by kind."""
    seen = {k for m in report["milestones"] for k, v in m["by_kind"].items() if v}
    kinds = [k for k in KINDS if k in seen] + sorted(seen - set(KINDS))
    series = [(term(kind, lang), [m["by_kind"].get(kind, 0) for m in report["milestones"]],
               KIND_COLOURS.get(kind, OTHER)) for kind in kinds]
    return _stacked_chart(report, series, tr("c.sites_by_kind", lang), lang, totals=True)


def new_reused_chart(report: dict[str, Any], lang: str = "en") -> str:
    """Stacked bars: already on air, reused structures and new builds."""
    series = [(term(status, lang), [m.get(status, 0) for m in report["milestones"]],
               STATUS_COLOURS[status]) for status in ("on_air", "reused", "new")]
    return _stacked_chart(report, series, tr("c.new_reused", lang), lang)


def cost_chart(report: dict[str, Any], lang: str = "en") -> str:
    """Bars: the cost of each milestone's plan (CNY)."""
    years = _years(report)

    def draw(ax: Any) -> None:
        from matplotlib.ticker import StrMethodFormatter

        values = np.array([m.get("cost_cny") or 0.0 for m in report["milestones"]], float)
        ax.bar(years, values, color="#4a90d9")
        for x, v in zip(years, values, strict=True):
            ax.annotate(f"{v:,.0f}", (x, v), ha="center", va="bottom", fontsize=7)
        ax.set_title(tr("c.cost", lang))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))

    return _figure(draw)


def class_coverage_chart(report: dict[str, Any], lang: str = "en") -> str:
    """Bars: covered share per area class in the last milestone, target ticks."""
    last = report["milestones"][-1]
    rows = last.get("classes", [])
    names = [term(r["area_class"], lang) for r in rows]
    covered = [100 * (r.get("covered_share") or 0.0) for r in rows]
    target = [100 * (r.get("target") or 0.0) for r in rows]

    def draw(ax: Any) -> None:
        y = np.arange(len(rows))
        ax.barh(y, covered, color="#80b1d3", label=tr("c.covered_share", lang))
        ax.scatter(target, y, marker="|", s=300, color="#d7191c", label=tr("target", lang),
                   zorder=3)
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlim(0, 105)
        ax.set_xlabel("%")
        ax.set_title(tr("c.class_coverage", lang).format(year=last["milestone"]))
        ax.legend(fontsize=7, frameon=False, loc="lower right")

    return _figure(draw)


def all_charts(report: dict[str, Any], lang: str = "en") -> list[tuple[str, str]]:
    """``(title, svg)`` for every report chart."""
    return [(tr("c.sites_by_kind", lang), sites_by_kind_chart(report, lang)),
            (tr("c.new_reused", lang), new_reused_chart(report, lang)),
            (tr("c.cost", lang), cost_chart(report, lang)),
            (tr("c.class_coverage", lang).format(year=report["milestones"][-1]["milestone"]),
             class_coverage_chart(report, lang))]
