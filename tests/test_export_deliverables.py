"""The deliverables planners open: XLSX with Chinese headings, KML/KMZ in
WGS84 and GCJ-02, CSV with a BOM, the printable HTML report and the maps in
Chinese, checked by reading them back (openpyxl, GDAL, ElementTree) and in
headless Chromium with the network off (screenshots in the test's tmp dir)."""

from __future__ import annotations

import json
import re
import string
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from pyproj import Geod

from siteplan.cli import main
from siteplan.errors import ConfigError
from siteplan.export import DEFAULT_FORMATS, write_plan
from siteplan.i18n import COLUMNS, TERMS, TEXT, column
from siteplan.maplayers import resolve_tiles
from siteplan.maps import display_coords, milestone_map
from siteplan.sources.coords import gcj02_to_wgs84

from .browser import COLLECT, open_page

GEOD = Geod(ellps="WGS84")
KML = {"k": "http://www.opengis.net/kml/2.2"}


@pytest.fixture(scope="module")
def zh_out(small_plan, sample, tmp_path_factory):
    """The sample county written in Chinese, every format, GCJ-02 KML too."""
    out = tmp_path_factory.mktemp("zh") / "out"
    import geopandas as gpd

    from siteplan.datasets import sample_path

    roads = gpd.read_file(sample_path("roads.gpkg"))
    roads.attrs["name"] = "roads"
    zones = gpd.read_file(sample_path("landuse.gpkg"))
    write_plan(small_plan, out, lang="zh", tiles=None, offline=True, context=[roads],
               zones=zones, formats=[*DEFAULT_FORMATS, "kmz"], kml_gcj02=True)
    return out


def _metres(lon1, lat1, lon2, lat2) -> np.ndarray:
    return np.abs(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def test_every_label_has_english_and_chinese():
    fields = string.Formatter()
    for table in (TEXT, COLUMNS):
        for key, text in table.items():
            assert text.get("en") and text.get("zh"), key
            names = [{f for _, f, _, _ in fields.parse(text[lang]) if f} for lang in ("en", "zh")]
            assert names[0] == names[1], key  # the same placeholders in both
    assert all(v.get("zh") for v in TERMS.values())


def test_xlsx_round_trip_with_chinese_headings(zh_out, small_plan):
    from openpyxl import load_workbook

    book = load_workbook(zh_out / "sites.xlsx")
    years = [str(m.milestone) for m in small_plan.milestones]
    assert book.sheetnames == ["各年度规划", *years]
    for year in years:
        sheet = book[year]
        heads = [c.value for c in sheet[1]]
        assert heads[:10] == ["站址编码", "站址名称", "经度", "纬度", "站址类型", "共享/新建",
                              "建设年度", "挂高(米)", "产权单位", "供电方式"]
        frame = pd.read_excel(zh_out / "sites.xlsx", sheet_name=year)
        sites = small_plan.sites(int(year)).to_crs(4326)
        assert list(frame["站址编码"]) == list(sites["site_id"])
        assert np.all(_metres(frame["经度"], frame["纬度"], sites.geometry.x, sites.geometry.y)
                      < 0.1)
        assert set(frame["共享/新建"]) <= {"新建", "共享", "已开通"}
        assert set(frame["站址类型"]) <= {TERMS[k]["zh"] for k in sites["kind"]}
        assert frame["建设年度"].dtype.kind == "i" and frame["挂高(米)"].dtype.kind in "if"
    summary = pd.read_excel(zh_out / "sites.xlsx", sheet_name="各年度规划")
    assert list(summary["年度"]) == [int(y) for y in years]
    assert list(summary["站址数"]) == [int(m.selected.size) for m in small_plan.milestones]


def test_csv_has_bom_and_chinese_headings(zh_out, small_plan):
    last = small_plan.milestones[-1].milestone
    raw = (zh_out / f"sites_{last}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(zh_out / f"sites_{last}.csv", encoding="utf-8-sig")
    assert list(frame.columns[:4]) == ["站址编码", "站址名称", "经度", "纬度"]
    assert len(frame) == small_plan.milestone(last).selected.size
    power = pd.read_csv(zh_out / f"power_{last}.csv", encoding="utf-8-sig")
    assert {"站址编码", "负荷(kW)", "年电费(元)"} <= set(power.columns)


@pytest.mark.parametrize("suffix", [".kml", ".kmz", "_gcj02.kml"])
def test_kml_points_read_back_within_10_cm(zh_out, small_plan, suffix):
    last = small_plan.milestones[-1].milestone
    path = zh_out / f"sites_{last}{suffix}"
    sites = small_plan.sites(last).to_crs(4326).set_index("site_id")
    if suffix == ".kmz":
        with zipfile.ZipFile(path) as zf:
            assert zf.namelist() == ["doc.kml", "files/new.png", "files/shared.png"]
            assert zf.read("files/new.png").startswith(b"\x89PNG")
            root = ET.fromstring(zf.read("doc.kml"))
        hrefs = {h.text for h in root.iter("{http://www.opengis.net/kml/2.2}href")}
        assert hrefs <= {"files/new.png", "files/shared.png"}  # no network needed
    else:
        root = ET.parse(path).getroot()
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    marks = root.findall(".//k:Placemark", KML)
    assert sorted(m.findtext("k:name", namespaces=KML) for m in marks) == sorted(sites.index)
    ids = [m.findtext("k:name", namespaces=KML) for m in marks]
    lonlat = np.array([[float(v) for v in m.findtext(".//k:coordinates", namespaces=KML)
                        .split(",")[:2]] for m in marks])
    if "gcj02" in suffix:
        shifted = _metres(lonlat[:, 0], lonlat[:, 1], sites.loc[ids].geometry.x,
                          sites.loc[ids].geometry.y)
        assert np.all((shifted > 100) & (shifted < 1000))  # GCJ-02 sits ~500 m off in China
        lonlat = np.column_stack(gcj02_to_wgs84(lonlat[:, 0], lonlat[:, 1]))
    err = _metres(lonlat[:, 0], lonlat[:, 1], sites.loc[ids].geometry.x,
                  sites.loc[ids].geometry.y)
    assert err.max() < 0.1
    folders = [f.findtext("k:name", namespaces=KML) for f in root.findall(".//k:Folder", KML)]
    assert all(re.match(r"(新建|共享|已开通) \(\d+\)$", f) for f in folders), folders
    styles = {s.get("id") for s in root.findall(".//k:Style", KML)}
    for mark in marks:
        kind = sites.loc[mark.findtext("k:name", namespaces=KML), "kind"]
        new = sites.loc[mark.findtext("k:name", namespaces=KML), "status"] == "new"
        assert mark.findtext("k:styleUrl", namespaces=KML) == \
            f"#{kind}-{'new' if new else 'shared'}"
    assert {u.lstrip("#") for u in (m.findtext("k:styleUrl", namespaces=KML) for m in marks)} \
        <= styles


def test_kml_reads_in_gdal(zh_out, small_plan):
    """An independent reader (GDAL's KML driver) sees the same sites and names."""
    last = small_plan.milestones[-1].milestone
    path = zh_out / f"sites_{last}.kml"
    frames = [pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)]
    read = pd.concat(frames, ignore_index=True).set_index("Name")
    sites = small_plan.sites(last).to_crs(4326).set_index("site_id")
    assert sorted(read.index) == sorted(sites.index)
    err = _metres(read.geometry.x, read.geometry.y, sites.loc[read.index].geometry.x,
                  sites.loc[read.index].geometry.y)
    assert err.max() < 0.1


def test_report_in_chinese(zh_out):
    text = (zh_out / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# 站址规划：")
    for heading in ("## 各年度规划", "## 假设参数", "## 供电与补贴"):
        assert heading in text
    assert "| 年度 | 站址数 | 新增 | 已开通 | 共享 | 新建 | 共享率 |" in text
    for english in ("| milestone |", "Per area class", "Solver ", "## Assumptions"):
        assert english not in text
    report = json.loads((zh_out / "report.json").read_text(encoding="utf-8"))
    assert report["lang"] == "zh" and report["labels"]["site_id"] == "站址编码"
    assert "milestones" in report  # JSON keys stay canonical


@pytest.mark.browser
def test_html_report_opens_offline_in_chromium(zh_out, tmp_path):
    html = (zh_out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and html.count("<svg") == 4
    assert not re.search(r"""(src|href)=["']https?://""", html)
    probe = """() => ({tables: document.querySelectorAll('table').length,
                       figures: document.querySelectorAll('figure svg').length,
                       width: Math.max(...Array.from(document.querySelectorAll('figure svg'))
                                       .map(s => s.getBoundingClientRect().width)),
                       title: document.querySelector('h1').textContent})"""
    seen = open_page((zh_out / "report.html").as_uri(), tmp_path / "report_zh.png", probe,
                     wait_for="svg", full_page=True, pdf=tmp_path / "report_zh.pdf")
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["blocked"] == []
    r = seen["result"]
    assert r["figures"] == 4 and r["tables"] >= 5 and r["width"] > 200
    assert r["title"].startswith("站址规划：")
    assert (tmp_path / "report_zh.png").stat().st_size > 50_000
    printed = (tmp_path / "report_zh.pdf").read_bytes()  # it prints: A4 pages, charts kept
    assert printed.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", printed)) >= 3


@pytest.mark.browser
def test_chinese_map_offline_in_chromium(zh_out, small_plan, tmp_path):
    last = small_plan.milestones[-1].milestone
    seen = open_page((zh_out / f"map_{last}.html").as_uri(), tmp_path / "map_zh.png", COLLECT)
    assert seen["dialogs"] == [] and seen["errors"] == [] and seen["blocked"] == []
    r = seen["result"]
    legend = "\n".join(r["legend"])
    assert legend.startswith(f"图例 {last}") and "新建" in legend and "共享" in legend
    assert any(TERMS[k]["zh"] in legend for k in set(small_plan.sites(last)["kind"]))
    assert "站址编码" in "\n".join(r["popups"]) and "产权单位" in "\n".join(r["popups"])
    control = "\n".join(r["control"])
    assert "用地管控" in control and "roads" in control  # the offline base map layers
    labels = set(r["labels"])
    assert set(small_plan.targets["name"]) & labels  # target areas labelled by name
    scale = "\n".join(r["scale"])
    assert re.search(r"\d+ k?m", scale) and "mi" not in scale and "ft" not in scale


def test_overview_slider_switches_the_legend(zh_out, small_plan, tmp_path):
    script = """() => {
        const s = window.siteplan.slider();
        const out = [];
        for (const v of ['0', '1', '2']) {
            s.input.value = v; s.input.dispatchEvent(new Event('input'));
            const box = document.querySelector('.siteplan-legend');
            out.push([box.getAttribute('data-index'), box.querySelector('b').textContent,
                      Object.entries(window.siteplan.layers)
                        .filter(([k, l]) => window.siteplan.map.hasLayer(l)).map(([k]) => k)]);
        }
        return out;
    }"""
    seen = open_page((zh_out / "map_overview.html").as_uri(), tmp_path / "overview.png", script)
    assert seen["errors"] == [] and seen["blocked"] == []
    years = [m.milestone for m in small_plan.milestones]
    for i, (index, title, shown) in enumerate(seen["result"]):
        assert index == str(i) and title == f"图例 {years[i]}"
        assert f"sites_{years[i]}" in shown and f"targets_{years[i]}" in shown
        assert not any(f"sites_{y}" in shown for y in years if y != years[i])


def test_amap_tiles_shift_the_data_to_gcj02(small_plan):
    last = small_plan.milestones[-1].milestone
    wgs = milestone_map(small_plan, last, tiles=None)
    amap = milestone_map(small_plan, last, tiles="amap")
    assert wgs.tiles is None and amap.tiles["crs"] == "gcj02"
    assert "autonavi.com" in amap.tiles["url"]

    def points(page):
        layer = next(x for x in page.layers if x["id"] == f"sites_{last}")
        return np.array([p[:2] for p in layer["points"]])

    a, b = points(wgs), points(amap)
    shift = _metres(a[:, 1], a[:, 0], b[:, 1], b[:, 0])
    assert np.all((shift > 100) & (shift < 1000))
    back = np.column_stack(gcj02_to_wgs84(b[:, 1], b[:, 0]))
    assert _metres(back[:, 0], back[:, 1], a[:, 1], a[:, 0]).max() < 0.2
    targets = display_coords(small_plan.targets.geometry, amap.tiles)
    assert amap.bounds[0][1] == pytest.approx(targets.total_bounds[0], abs=1e-6)


def test_tile_options_are_checked():
    assert resolve_tiles("OpenStreetMap")["crs"] == "wgs84"
    assert resolve_tiles("https://webrd01.is.autonavi.com/x?x={x}&y={y}&z={z}")["crs"] == "gcj02"
    with pytest.raises(ConfigError, match="not a known base map"):
        resolve_tiles("Stamen Toner")
    with pytest.raises(ConfigError, match="wgs84 or gcj02"):
        resolve_tiles("amap", "bd09")


def test_formats_choose_the_outputs(small_plan, tmp_path):
    written = write_plan(small_plan, tmp_path / "csv_only", tiles=None, formats=["csv"])
    names = {p.name for p in written}
    assert {"plan.gpkg", "plan.json", "report.json"} <= names
    assert not {n for n in names if n.endswith((".html", ".kml", ".xlsx", ".md"))}
    assert any(n.startswith("sites_") and n.endswith(".csv") for n in names)
    with pytest.raises(ConfigError, match="'pdf'"):
        write_plan(small_plan, tmp_path / "bad", formats=["pdf"])
    assert not (tmp_path / "bad").exists()


def test_cli_refuses_bad_output_options(tmp_path):
    for args, message in ((["--tiles", "nonsense"], "not a known base map"),
                          (["--formats", "csv,pdf"], "'pdf'")):
        result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "x"), *args])
        assert result.exit_code == 2 and message in result.output, result.output
        assert not (tmp_path / "x").exists()


def test_english_headings_stay_canonical(small_plan, tmp_path):
    write_plan(small_plan, tmp_path / "en", tiles=None, formats=["csv"])
    last = small_plan.milestones[-1].milestone
    frame = pd.read_csv(tmp_path / "en" / f"sites_{last}.csv")
    assert list(frame.columns[:4]) == ["site_id", "name", "lon", "lat"]
    assert column("site_id", "en") == "site_id"


def test_offline_keeps_only_local_tiles(small_plan):
    last = small_plan.milestones[-1].milestone
    assert milestone_map(small_plan, last, tiles="amap", offline=True).tiles is None
    local = milestone_map(small_plan, last, tiles="./tiles/{z}/{x}/{y}.png", offline=True,
                          tiles_crs="gcj02")
    assert local.tiles["url"] == "./tiles/{z}/{x}/{y}.png" and local.tiles["crs"] == "gcj02"
