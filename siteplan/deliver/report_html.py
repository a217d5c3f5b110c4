"""The printable HTML report: the Markdown report rendered (raw HTML off,
so input text stays text), the charts inlined as SVG, print CSS for A4.

One self-contained file: no script, no external link, no font download.
Print it to PDF from any browser (no PDF library here: the pure-Python ones
need a CJK font file to write Chinese, which siteplan does not ship).

Examples
--------
>>> html = render_html("# Site plan: a \\\\<b\\\\>\\n\\n## Milestones\\n\\n| a |\\n|---|\\n| 1 |\\n",
...                    charts=[("c", "<svg></svg>")], title="<b>", lang="en")
>>> "<title>&lt;b&gt;</title>" in html and "<svg></svg>" in html and "<script" not in html
True
"""

from __future__ import annotations

import html as _html
from pathlib import Path
from typing import Any

from siteplan.i18n import check_lang, tr

CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font: 10.5pt/1.45 "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun",
       "DejaVu Sans", sans-serif; color: #222; max-width: 190mm; margin: 0 auto; padding: 8mm; }
h1 { font-size: 18pt; border-bottom: 2px solid #333; padding-bottom: 4px; }
h2 { font-size: 13pt; margin-top: 1.4em; border-bottom: 1px solid #bbb; break-after: avoid; }
table { border-collapse: collapse; margin: 6px 0 10px; font-size: 8.5pt; width: 100%; }
th, td { border: 1px solid #bbb; padding: 2px 5px; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #eee; }
tr { break-inside: avoid; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
figure { margin: 0; break-inside: avoid; border: 1px solid #ddd; padding: 4px; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; text-align: center; }
footer { margin-top: 2em; font-size: 8pt; color: #777; }
@media print { .charts { grid-template-columns: 1fr 1fr; } body { padding: 0; } }
"""


def markdown_to_html(text: str) -> str:
    """CommonMark with tables, raw HTML *disabled* (``<b>`` stays text)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def render_html(markdown: str, *, charts: list[tuple[str, str]], title: str,
                lang: str = "en") -> str:
    """The report page: ``markdown`` rendered, ``charts`` (caption, SVG) after
    the first table (the milestones)."""
    check_lang(lang)
    body = markdown_to_html(markdown)
    figures = "".join(f"<figure>{svg}<figcaption>{_html.escape(caption)}</figcaption></figure>"
                      for caption, svg in charts)
    block = (f'<section class="charts"><h2 style="grid-column:1/-1">'
             f'{_html.escape(tr("r.charts", lang))}</h2>{figures}</section>') if charts else ""
    cut = body.find("</table>")
    body = body[:cut + 8] + block + body[cut + 8:] if cut >= 0 else body + block
    return ("<!DOCTYPE html>\n"
            f'<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            f"{body}\n<footer>{_html.escape(tr('r.generated', lang))}</footer>\n"
            "</body>\n</html>\n")


def write_report_html(report: dict[str, Any], markdown: str, path: str | Path, *,
                      lang: str = "en") -> Path:
    """Charts from ``report`` (:func:`siteplan.report.plan_report`) and the
    page from its ``markdown`` rendering, written to ``path``."""
    from siteplan.deliver.charts import all_charts

    page = render_html(markdown, charts=all_charts(report, lang),
                       title=tr("r.title", lang).format(name=report["name"]), lang=lang)
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path
