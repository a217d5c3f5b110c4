"""Hostile text in every user-controlled string reaches every output as inert text.

Payloads: Jinja expressions and statements (folium/branca render element
output as template source: ``{{ 7*7 }}`` became ``49``), HTML/script
injection, spreadsheet formulas (OWASP CSV injection), Markdown control
characters and line breaks. They go into site ids, names, owners, an extra
candidate column (value and header), area ids, names and classes, zone ids,
a context layer's attributes and layer name, and the project name; every
file of ``write_plan`` (and the ``candidates`` and ``relocate`` commands'
CSVs) is checked, and the maps are opened in headless Chromium with the
network off.
"""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString, Point, Polygon, box

from siteplan.cli import main
from siteplan.errors import SiteplanError
from siteplan.export import write_plan
from siteplan.io.tables import TRIGGERS, is_risky
from siteplan.planner import plan
from siteplan.report import md

from .browser import COLLECT, open_page

PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{{ lipsum.__globals__.os.getcwd() }}",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "line one\n# injected heading",
    "pipe | hash # `tick`",
    "`${alert(2)}`",
    "\tTAB=1",
    "{# comment #}kept",
]
#: What a payload would turn into if it ran (Jinja output, cwd leak).
RAN = ["49", "xxx", os.getcwd(), "kept" + "\x00"]


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture(scope="module")
def hostile_inputs():
    """Candidates, targets, zones and a context layer full of payloads."""
    n = len(PAYLOADS)
    lon0, lat0 = 119.50, 25.90
    kinds = ["greenfield", "smart_pole", "streetlight", "smart_pole", "streetlight"]
    pts = [Point(lon0 + 0.0015 * (i % 7), lat0 - 0.0015 + 0.003 * (i // 7)) for i in range(n)]
    cands = gpd.GeoDataFrame({
        "site_id": [f"{_payload(i)}#{i}" for i in range(n)],
        "kind": [kinds[i % len(kinds)] for i in range(n)],
        "name": [_payload(i + 1) for i in range(n)],
        "owner": [_payload(i + 2) for i in range(n)],
        "remark": [_payload(i + 3) for i in range(n)],
        "=cmd|' /C calc'!A0": [_payload(i + 4) for i in range(n)],
    }, geometry=pts, crs=4326)
    cells = [box(lon0 - 0.001 + 0.0055 * k, lat0 - 0.003, lon0 + 0.0045 + 0.0055 * k,
                 lat0 + 0.003) for k in range(2)]
    targets = gpd.GeoDataFrame({
        "area_id": [_payload(0), _payload(3)], "name": [_payload(9), _payload(2)],
        "area_class": [_payload(1), "$\\frac{1}{0}$ " + _payload(11)], "environment": ["urban", "suburban"],
        "milestone": [2021, 2022], "coverage_target": [0.99, 0.99]}, geometry=cells, crs=4326)
    zones = gpd.GeoDataFrame({
        "zone_id": [_payload(4), _payload(6)], "zone_class": ["forest", "water"]},
        geometry=[box(lon0 - 0.002, lat0 - 0.004, lon0 + 0.011, lat0 + 0.004),
                  Point(pts[10].x, pts[10].y).buffer(0.0002)], crs=4326)
    context = gpd.GeoDataFrame({
        "name": [_payload(7), _payload(8), _payload(10)], "kind": ["road", "boundary", "water"]},
        geometry=[LineString([(lon0 - 0.002, lat0), (lon0 + 0.01, lat0 + 0.001)]),
                  Polygon([(lon0 - 0.003, lat0 - 0.003), (lon0 + 0.012, lat0 - 0.003),
                           (lon0 + 0.012, lat0 + 0.006)]),
                  box(lon0 + 0.002, lat0 + 0.004, lon0 + 0.004, lat0 + 0.005)], crs=4326)
    context.attrs["name"] = _payload(11)
    return cands, targets, zones, context


@pytest.fixture(scope="module")
def hostile_plan(hostile_inputs):
    cands, targets, zones, _ = hostile_inputs
    kw = dict(landuse=zones, time_limit_s=2,
              assumptions={"demand.spacing_m": 50.0, "landuse.restricted_penalty_cny": 0.0},
              name=_payload(2) + " " + _payload(9), site_targets={2021: 3, 2022: 5})
    try:
        p = plan(cands, targets, **kw)
    except SiteplanError:  # area classes may be validated: hostile text must still be inert
        p = plan(cands, targets.assign(area_class="village"), **kw)
        p.targets["area_class"] = targets["area_class"].to_numpy()
    assert 100 <= len(p.demand) <= 2000
    return p


@pytest.fixture(scope="module")
def hostile_out(hostile_plan, hostile_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile") / "out"
    write_plan(hostile_plan, out, tiles=None, offline=True, context=[hostile_inputs[3]])
    return out


def _csv_cells(path: Path) -> list[str]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path.name}: no UTF-8 BOM"
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [c for row in csv.reader(f) for c in row]


def _assert_inert_cells(cells: list[str], where: str) -> None:
    for cell in cells:
        assert not (cell.startswith(TRIGGERS) and is_risky(cell)), f"{where}: live cell {cell!r}"
        assert os.getcwd() not in cell, f"{where}: {cell!r}"
        assert cell not in ("49", "xxx"), f"{where}: a template ran: {cell!r}"


def _neutral(text: str) -> str:
    return "'" + text if is_risky(text) else text


def test_every_csv_is_neutralised(hostile_out, hostile_plan):
    csvs = sorted(hostile_out.glob("*.csv"))
    names = {p.name for p in csvs}
    assert {"sites_2021.csv", "sites_2022.csv", "power_2021.csv", "power_2022.csv",
            "excluded_candidates.csv", "landuse_conflicts_2022.csv"} <= names
    for path in csvs:
        _assert_inert_cells(_csv_cells(path), path.name)
    cells = set(_csv_cells(hostile_out / "sites_2022.csv"))
    sites = hostile_plan.sites(2022)
    for column in ("site_id", "name", "owner", "remark"):
        for value in sites[column]:
            assert _neutral(value) in cells, (column, value)
    assert "'=cmd|' /C calc'!A0" in cells  # a hostile header is a cell too
    conflicts = set(_csv_cells(hostile_out / "landuse_conflicts_2022.csv"))
    assert _neutral(_payload(4)) in conflicts
    excluded = set(_csv_cells(hostile_out / "excluded_candidates.csv"))
    assert _neutral(f"{_payload(10)}#10") in excluded  # a greenfield on water


def test_genuine_numbers_stay_numeric(hostile_out):
    table = pd.read_csv(hostile_out / "sites_2022.csv")
    assert pd.api.types.is_float_dtype(table["lon"]) and pd.api.types.is_float_dtype(table["lat"])
    assert pd.api.types.is_numeric_dtype(table["cost_cny"])


def test_report_markdown_is_inert(hostile_out, hostile_plan):
    text = (hostile_out / "report.md").read_text(encoding="utf-8")
    for bad in ("<img", "<script", "</script", "\n# injected", "](javascript"):
        assert bad not in text
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert all(h.startswith(("# Site plan: ", "## ")) for h in headings), headings
    assert headings[0] == "# Site plan: " + md(hostile_plan.name)
    for payload in PAYLOADS:
        if payload in set(hostile_plan.targets["name"]) | set(hostile_plan.targets["area_id"]):
            assert md(payload) in text, payload
    lines = text.splitlines()
    for i, line in enumerate(lines):  # every table row keeps its header's column count
        if line.startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            columns = len(re.findall(r"(?<!\\)\|", line))
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                assert len(re.findall(r"(?<!\\)\|", lines[j])) == columns, lines[j]
                j += 1
    report = json.loads((hostile_out / "report.json").read_text(encoding="utf-8"))
    assert report["name"] == hostile_plan.name  # JSON keeps data exactly


def test_report_markdown_renders_inert(hostile_out, hostile_plan):
    """Rendered by a CommonMark viewer with raw HTML on (markdown-it, as rich uses)."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(
        (hostile_out / "report.md").read_text(encoding="utf-8"))
    for tag in ("<img", "<script", "<a "):
        assert tag not in html, tag
    assert html.count("<h1>") == 1
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html  # areas' ids and names shown as written
    assert "line one # injected heading" in html


def _island(html: str) -> dict:
    found = re.findall(r'<script type="application/json" id="siteplan-data">(.*?)</script>',
                       html, flags=re.S)
    assert len(found) == 1
    return json.loads(found[0])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_maps_carry_payloads_as_data(hostile_out, hostile_plan):
    strings: list[str] = []
    for path in sorted(hostile_out.glob("map_*.html")):
        html = path.read_text(encoding="utf-8")
        assert html.count("<script") == 3, path.name  # leaflet, data island, page script
        assert "<img src=x" not in html and "alert(1)</script>" not in html
        assert os.getcwd() not in html
        strings += _strings(_island(html))
    joined = "\n".join(strings)
    for payload in PAYLOADS:
        assert payload.strip() in joined, payload
    assert not any(s == "49" or s.startswith("49 ") or "xxx" in s for s in strings)
    overview = "\n".join(_strings(_island((hostile_out / "map_overview.html").read_text("utf-8"))))
    for value in [*hostile_plan.candidates["site_id"], *hostile_plan.candidates["name"]]:
        assert value in overview, value


def test_maps_are_deterministic(hostile_plan, hostile_inputs, hostile_out, tmp_path):
    again = tmp_path / "again"
    write_plan(hostile_plan, again, tiles=None, offline=True, context=[hostile_inputs[3]])
    for path in sorted(hostile_out.iterdir()):
        if path.suffix in (".html", ".csv", ".md", ".kml", ".xlsx"):
            assert (again / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.browser
@pytest.mark.parametrize("page", ["map_2022.html", "map_overview.html"])
def test_maps_in_chromium_show_payloads_as_text(hostile_out, hostile_plan, page, tmp_path):
    seen = open_page((hostile_out / page).as_uri(), tmp_path / f"{page}.png", COLLECT)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["blocked"] == []
    r = seen["result"]
    assert r["scripts"] == 3 and r["images"] == [] and r["pwned"] == 0
    popups = "\n".join(r["popups"])
    tooltips = "\n".join(r["tooltips"])
    everything = "\n".join([popups, tooltips, *r["labels"], *r["legend"], *r["control"],
                            *r["title"]])
    sites = hostile_plan.sites(2022)
    for value in [*sites["site_id"], *sites["name"], *sites["owner"]]:
        assert value in popups, value
    for value in hostile_plan.targets["name"]:
        assert value in tooltips and value in "\n".join(r["labels"])
    for value in hostile_plan.targets["area_class"]:
        assert value in "\n".join(r["legend"]), value
    assert _payload(11) in "\n".join(r["control"])  # context layer name
    assert hostile_plan.name in "\n".join(r["title"])
    if page == "map_2022.html":
        assert _payload(4) in popups  # zone id of a conflict
        for value in hostile_inputs_names():
            assert value in tooltips
    assert not re.search(r"(?<![\d.,])49(?![\d.,])", everything)  # {{ 7*7 }} never ran
    assert os.getcwd() not in everything
    assert "\n".join(r["scale"]).strip().endswith(("m", "km"))
    assert "mi" not in "\n".join(r["scale"]) and "ft" not in "\n".join(r["scale"])


def hostile_inputs_names() -> list[str]:
    """Names of the context features (tooltips of the context layer)."""
    return [_payload(7), _payload(8), _payload(10)]


def test_candidates_command_csvs_are_neutralised(tmp_path):
    rows = ["name,kind,lon,lat,owner"]
    for i, payload in enumerate(PAYLOADS):
        safe = payload.replace("\n", " ").replace('"', '""')
        rows.append(f'"{safe}",路灯,{119.5 + i * 0.001},25.9,"{safe}"')
    rows.append('"=bad row",路灯,not-a-number,25.9,"@x"')
    src = tmp_path / "list.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "cands.csv"
    result = CliRunner().invoke(main, ["candidates", str(src), "--out", str(out),
                                       "--skip-bad-rows"])
    assert result.exit_code == 0, result.output
    cells = _csv_cells(out)
    _assert_inert_cells(cells, out.name)
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells
    rejected = tmp_path / "cands_rejected.csv"
    assert rejected.exists()
    _assert_inert_cells(_csv_cells(rejected), rejected.name)


def test_relocate_work_order_is_neutralised(hostile_inputs, tmp_path):
    cands, targets, zones, _ = hostile_inputs
    valid = targets.assign(area_class=["village", "town_seat"])  # a plan folder must validate
    p = plan(cands, valid, landuse=zones, time_limit_s=2, name=_payload(0),
             assumptions={"demand.spacing_m": 50.0, "landuse.restricted_penalty_cny": 0.0})
    folder = tmp_path / "plan"
    write_plan(p, folder, tiles=None, offline=True, formats=[])
    sites = p.sites(p.milestones[-1].milestone)
    site = next(s for s in sites["site_id"] if "," not in s)  # --remove splits on commas
    out = tmp_path / "reloc"
    result = CliRunner().invoke(main, ["relocate", str(folder), "--milestone",
                                       str(p.milestones[-1].milestone), "--remove", site,
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = _csv_cells(out / "work_order.csv")
    _assert_inert_cells(cells, "work_order.csv")
    assert _neutral(site) in cells


@pytest.mark.browser
def test_check_landuse_outputs_are_inert(hostile_plan, hostile_inputs, tmp_path):
    sites = hostile_plan.sites(2022)[["site_id", "kind", "geometry"]]
    sites_path, zones_path = tmp_path / "sites.gpkg", tmp_path / "zones.gpkg"
    sites.to_file(sites_path, engine="pyogrio")
    hostile_inputs[2].to_file(zones_path, engine="pyogrio")
    out = tmp_path / "check"
    result = CliRunner().invoke(main, ["check-landuse", str(sites_path), str(zones_path),
                                       "--out", str(out), "--offline"])
    assert result.exit_code in (0, 1), result.output
    cells = _csv_cells(out / "conflicts.csv")
    _assert_inert_cells(cells, "conflicts.csv")
    assert _neutral(_payload(4)) in cells
    html = (out / "map.html").read_text(encoding="utf-8")
    assert html.count("<script") == 3 and os.getcwd() not in html
    strings = "\n".join(_strings(_island(html)))
    assert _payload(4) in strings and _payload(6) in strings  # zone ids as data
    seen = open_page((out / "map.html").as_uri(), tmp_path / "check.png", COLLECT)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["blocked"] == []
    assert _payload(4) in "\n".join(seen["result"]["popups"])


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    from openpyxl import load_workbook

    from siteplan.io.tables import write_xlsx

    frame = pd.DataFrame({"name": PAYLOADS, "n": np.arange(len(PAYLOADS)) - 3.5})
    path = write_xlsx({"{{ 7*7 }}": frame}, tmp_path / "t.xlsx")
    sheet = load_workbook(path).worksheets[0]
    assert sheet.title == "{{ 7_7 }}"  # * is not allowed in sheet titles
    for i, payload in enumerate(PAYLOADS, start=2):
        cell = sheet.cell(row=i, column=1)
        assert cell.value == payload and cell.data_type == "s"
        assert bool(cell.quotePrefix) == is_risky(payload)
        assert sheet.cell(row=i, column=2).value == i - 2 - 3.5
    raw = __import__("zipfile").ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in raw


def test_xlsx_from_write_plan_is_inert(hostile_out, hostile_plan):
    from openpyxl import load_workbook

    book = load_workbook(hostile_out / "sites.xlsx")
    values = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    values.add(cell.value)
                    if is_risky(cell.value):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    sites = hostile_plan.sites(2022)
    for value in [*sites["site_id"], *sites["name"], *sites["owner"], "=cmd|' /C calc'!A0"]:
        assert value in values, value  # exact text, no quote added inside the cell
    raw = "".join(__import__("zipfile").ZipFile(hostile_out / "sites.xlsx").read(n).decode()
                  for n in __import__("zipfile").ZipFile(hostile_out / "sites.xlsx").namelist()
                  if n.startswith("xl/worksheets/"))
    assert "<f>" not in raw


def test_kml_is_inert(hostile_out, hostile_plan):
    import xml.etree.ElementTree as ET

    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(hostile_out / "sites_2022.kml").getroot()
    marks = root.findall(".//k:Placemark", ns)
    sites = hostile_plan.sites(2022)
    assert sorted(m.findtext("k:name", namespaces=ns) for m in marks) == sorted(sites["site_id"])
    for mark in marks:
        description = mark.findtext("k:description", namespaces=ns)
        assert set(re.findall(r"</?\s*([a-zA-Z]+)", description)) <= {"table", "tr", "th", "td"}
        data = {d.get("name"): d.findtext("k:value", namespaces=ns)
                for d in mark.findall(".//k:Data", ns)}
        row = sites[sites["site_id"] == mark.findtext("k:name", namespaces=ns)].iloc[0]
        assert data["name"] == row["name"] and data["owner"] == row["owner"]
    styles = root.findall(".//k:Style", ns)
    assert all(s.findtext(".//k:BalloonStyle/k:text", namespaces=ns) == "$[description]"
               for s in styles)


@pytest.mark.browser
def test_report_html_is_inert_in_chromium(hostile_out, hostile_plan, tmp_path):
    html = (hostile_out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and os.getcwd() not in html
    assert html.count("<svg") == 4
    probe = """() => ({
        text: document.body.innerText,
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img, iframe, object, embed').length,
        svgText: Array.from(document.querySelectorAll('svg text, svg tspan'))
            .map(t => t.textContent).join('\\n'),
    })"""
    seen = open_page((hostile_out / "report.html").as_uri(), tmp_path / "report.png", probe,
                     wait_for="svg", full_page=True)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["blocked"] == []
    r = seen["result"]
    assert r["scripts"] == 0 and r["images"] == 0
    for value in [*hostile_plan.targets["area_id"], *hostile_plan.targets["area_class"]]:
        assert " ".join(value.split()) in " ".join(r["text"].split()), value
    for value in hostile_plan.targets["area_class"]:  # chart labels are text, not mathtext
        assert value in r["svgText"] or " ".join(value.split()) in r["svgText"], value
    assert (tmp_path / "report.png").stat().st_size > 20_000


def test_plan_command_end_to_end(hostile_inputs, tmp_path):
    """The whole CLI path: files read back, planned, written in Chinese; every
    output file holds the payloads as inert text."""
    cands, targets, zones, context = hostile_inputs
    folder = tmp_path / "in"
    folder.mkdir()
    cands.to_file(folder / "cands.geojson", driver="GeoJSON")
    targets.assign(area_class=["village", "town_seat"]).to_file(folder / "targets.geojson",
                                                                driver="GeoJSON")
    zones.to_file(folder / "zones.geojson", driver="GeoJSON")
    context.to_file(folder / "context.geojson", driver="GeoJSON")
    name = _payload(2) + " " + _payload(3)
    (folder / "plan.toml").write_text(
        f"[project]\nname = {json.dumps(name, ensure_ascii=False)}\n\n"
        "[inputs]\ncandidates = [\"cands.geojson\"]\ntargets = \"targets.geojson\"\n"
        "landuse = \"zones.geojson\"\ncontext = [\"context.geojson\"]\n\n"
        "[solver]\ntime_limit_s = 2\n\n[assumptions]\n\"demand.spacing_m\" = 50\n"
        "\"landuse.restricted_penalty_cny\" = 0\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(folder / "plan.toml"), "--out", str(out),
                                       "--offline", "--lang", "zh", "--formats",
                                       "csv,xlsx,kml,maps,md,html"])
    assert result.exit_code == 0, result.output
    files = sorted(p for p in out.iterdir() if p.suffix in (".csv", ".html", ".md", ".kml"))
    assert {p.suffix for p in files} == {".csv", ".html", ".md", ".kml"}
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert os.getcwd() not in text, path.name  # {{ lipsum… getcwd() }} never ran
        if path.suffix == ".csv":  # data: the payload is there as text, neutralised
            _assert_inert_cells(_csv_cells(path), path.name)
        else:  # markup: the payload is there escaped
            assert "<img src=x" not in text and "<script>alert" not in text, path.name
    island = "\n".join(_strings(_island((out / "map_overview.html").read_text("utf-8"))))
    for value in cands["name"]:
        assert value in island, value
    assert name in island
    report = (out / "report.md").read_text(encoding="utf-8")
    assert report.startswith("# 站址规划：" + md(name) + "\n")
