"""Chinese from end to end (issue 28): the message catalogue, ``--lang`` /
``$SITEPLAN_LANG`` / the config's ``lang``, errors, workbooks, KML, maps and
reports; the sample county and a town with Chinese-named files run in Chinese
leave no English word outside ids, units, codes and the planner's own text.
"""

from __future__ import annotations

import csv
import json
import re
import string
import tomllib
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.config import load_config
from siteplan.defaults import TABLE
from siteplan.deliver.kml import kml_document, write_kml
from siteplan.deliver.sheets import localise, sites_table
from siteplan.errors import ConfigError, SiteplanError
from siteplan.i18n import (
    COLUMNS,
    TERMS,
    TEXT,
    default_note,
    error_text,
    identify,
    resolve_lang,
)
from siteplan.io.tables import write_xlsx
from siteplan.maplayers import label_points
from siteplan.messages import MESSAGES, Msg
from siteplan.sources.coords import wgs84_to_gcj02
from tests.chinese_files import County
from tests.conftest import copy_sample

# --- what may stay in ASCII letters in a Chinese output -------------------------------------

#: Units, codes, standards, formats and product names (not English prose).
CODES = frozenset("""
m km dB dBm dBi kW kWh MWh MHz GHz kHz Hz GB GiB Mbps bit TR RSRP SNR EPSG UTM WGS CGCS GCJ BD
SS SSB DL MIMO TDD FDD PRB UE RMa LOS ITU TRxP SA OSM CCSA MIIT DOMAIN Ranplan cdcam siteplan
GeoPackage README md csv kml kmz json gpkg toml html png xlsx TOML CNY Leaflet HiGHS
DLBM DLMC BSM DLTB GBK DDDSU
SINR MB WorldCover
""".split())
# SINR: the 3GPP measure (SS-SINR) Chinese network-optimisation reports write as is, like RSRP
# and SNR above; MB: a unit like GB; WorldCover: the name of ESA's land-cover product (the
# clutter raster's classes), a product name like Ranplan or HiGHS.


def _user_words(*frames: pd.DataFrame, extra: tuple[str, ...] = ()) -> set[str]:
    """Every ASCII word of the planner's own text (names, owners, ids …)."""
    words: set[str] = set()
    for frame in frames:
        if frame is None:
            continue
        for col in frame.columns:
            if col == "geometry" or frame[col].dtype.kind in "biufcmM":
                continue
            for value in frame[col].dropna().astype(str).unique():
                words |= set(re.findall(r"[A-Za-z]{2,}", value))
    for text in extra:
        words |= set(re.findall(r"[A-Za-z]{2,}", text))
    return words


def _ids_and_choices() -> set[str]:
    """Canonical names (kinds, classes …), the assumptions' choice values and
    the column headings siteplan recognises (names a planner types)."""
    from siteplan.config import _TABLES, LayerSpec, _ConfigFile
    from siteplan.sources.files import LAT_NAMES, LON_NAMES

    config_keys = set(_ConfigFile.model_fields)  # the keys of every config table
    for model in (LayerSpec, *_TABLES.values()):
        config_keys |= set(model.model_fields) | {
            f.alias for f in model.model_fields.values() if f.alias}
    out = set(TERMS) | set(LON_NAMES) | set(LAT_NAMES) | set(COLUMNS) | config_keys
    out |= {w for n in (*LON_NAMES, *LAT_NAMES) for w in re.findall(r"[A-Za-z]{2,}", n)}  # gps经度
    out |= set(main.commands)  # command names (siteplan calibrate) a planner types
    for d in TABLE.values():
        out |= {str(c) for c in (d.choices or ()) if isinstance(c, str)}
    return out


_RUN = re.compile(r"[A-Za-z0-9_.\-/\\:'\"#%+*=~@$()<>,;?!&|\[\]{}]+")


def english_words(text: str, allowed: set[str]) -> set[str]:
    """ASCII words of ``text`` that are none of: ``allowed``; parts of ids,
    keys, paths, commands, options or file names (a run with ``. _ / : # @ =``,
    a hyphenated name or a leading ``-``); codes mixing letters and digits;
    quoted values."""
    found: set[str] = set()
    for run in _RUN.findall(text):
        if run.startswith("[") and run.endswith("]"):
            continue  # a config table, [assumptions]
        core = run.strip("()[]{}<>,;?!&|")
        if not core or re.search(r"[._/\\:#@=]|[A-Za-z]-[A-Za-z]", core) or core.startswith(
                ("-", "'", '"')):
            continue
        if re.search(r"[A-Za-z]\d|\d[A-Za-z]", core):
            continue  # a code: gcj02, gb18030, n78, T0001
        found |= {w for w in re.findall(r"[A-Za-z]{2,}", core) if w not in allowed}
    return found


# --- the language and the catalogue ------------------------------------------------------


def test_lang_precedence_flag_env_config(monkeypatch):
    monkeypatch.delenv("SITEPLAN_LANG", raising=False)
    assert resolve_lang(None, None) == "en"
    assert resolve_lang(None, "zh") == "zh"
    monkeypatch.setenv("SITEPLAN_LANG", "en")
    assert resolve_lang(None, "zh") == "en"  # environment over config
    monkeypatch.setenv("SITEPLAN_LANG", "zh")
    assert resolve_lang(None, "en") == "zh"
    assert resolve_lang("en", "zh") == "en"  # flag over everything
    monkeypatch.setenv("SITEPLAN_LANG", "fr")
    with pytest.raises(ConfigError, match="SITEPLAN_LANG"):
        resolve_lang(None, None)


def test_config_lang_key_is_validated(tmp_path):
    config = copy_sample(tmp_path)
    config.write_text(config.read_text().replace('[project]\n', '[project]\nlang = "zh"\n', 1))
    assert load_config(config).lang == "zh"
    config.write_text(config.read_text().replace('lang = "zh"', 'lang = "de"'))
    with pytest.raises(ConfigError, match=r"project\.lang|\[project\], key 'lang'"):
        load_config(config)


def test_listed_templates_are_recognised_from_their_english():
    # console lines printed as text are still recognised (errors carry their id: see
    # tests/test_i18n_catalogue.py for the placeholders of every entry)
    from siteplan.messages.catalogue import MESSAGES as LISTED

    for key, entry in LISTED.items():
        names = {f for _, f, _, _ in string.Formatter().parse(entry["en"]) if f}
        filled = entry["en"].format(**{n: "" if n == "hint" else f"<{n}>" for n in names})
        assert identify(filled) is not None, key


def _common_errors(tmp_path: Path) -> dict[str, SiteplanError]:
    """The errors a planner meets on the common paths, raised for real."""
    from siteplan.defaults import Assumptions
    from siteplan.io.atomic import check_writable_folder
    from siteplan.landuse import prepare_zones
    from siteplan.project import run
    from siteplan.schema import validate_candidates
    from siteplan.sources.files import read_layer, read_points_table
    from siteplan.terrain.raster import read_grid

    config = copy_sample(tmp_path)
    text = config.read_text()
    cases = {
        "missing config": lambda: load_config(tmp_path / "没有.toml"),
        "config key typo": lambda: load_config(_write(config.with_name("a.toml"), text.replace(
            "[solver]", '[solver]\nmethd = "auto"'))),
        "missing layer": lambda: load_config(_write(config.with_name("b.toml"), text.replace(
            "candidates.gpkg", "候选.gpkg"))),
        "assumption typo": lambda: Assumptions({"radio.rsrp_treshold_dbm": -100}),
        "assumption range": lambda: Assumptions({"radio.rsrp_threshold_dbm": 5}),
        "no lon column": lambda: read_points_table(_write(tmp_path / "点.csv",
                                                          "名称,甲,乙\na,1,2\n")),
        "missing file": lambda: read_layer(tmp_path / "缺.gpkg"),
        "unknown zone class": lambda: prepare_zones(gpd.GeoDataFrame(
            {"zone_class": ["某类"]}, geometry=[box(0, 0, 1, 1)], crs=4326), source="z.shp"),
        "foreign output folder": lambda: check_writable_folder(_foreign(tmp_path), kind="plan",
                                                               force=False),
        "unknown kind": lambda: validate_candidates(gpd.GeoDataFrame(
            {"site_id": ["a"], "kind": ["风车"]}, geometry=[Point(119, 26)], crs=4326),
            source="c.gpkg"),
        "missing column": lambda: validate_candidates(gpd.GeoDataFrame(
            {"site_id": ["a"]}, geometry=[Point(119, 26)], crs=4326), source="c.gpkg"),
        "work too large": lambda: run(config, None, overrides={"work.max_demand_points": 10}),
        "missing DEM": lambda: read_grid([str(tmp_path / "高程.tif")], 32650, (0, 0, 90, 90),
                                         res_m=30, categorical=False, what="DEM"),
    }
    out = {}
    for name, call in cases.items():
        try:
            call()
        except SiteplanError as exc:
            out[name] = exc
        else:
            raise AssertionError(f"{name}: no error")
    return out


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _foreign(tmp_path: Path) -> Path:
    folder = tmp_path / "别人的"
    folder.mkdir(exist_ok=True)
    (folder / "x.txt").write_text("x")
    return folder


def test_common_errors_are_known_and_chinese(tmp_path):
    allowed = CODES | _ids_and_choices()
    for name, exc in _common_errors(tmp_path).items():
        assert exc.msg_id in MESSAGES, (name, str(exc))  # named by id where it is raised
        text = error_text(exc, "zh")
        assert re.search(r"[\u4e00-\u9fff]", text) and text != str(exc), name
        assert english_words(text, allowed) == set(), (name, text)
        assert error_text(exc, "en") == str(exc)


def test_error_with_its_own_id_uses_it():
    exc = SiteplanError("x: config file not found, old words.", msg_id="config.not_found",
                        params={"path": "x.toml"})
    assert error_text(exc, "zh") == "x.toml：找不到配置文件。"


def test_every_assumption_note_has_a_chinese_note():
    missing = [key for key, d in TABLE.items() if d.note and (
        default_note(d.note, "zh") == d.note or not re.search(r"[\u4e00-\u9fff]",
                                                            default_note(d.note, "zh")))]
    assert missing == []


# --- tables, workbooks, KML -------------------------------------------------------------------


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "site_id": ["a", "PR-GF-1"], "name": ["五一路", "Proposed greenfield 3"],
        "kind": ["tower", "greenfield"], "status": ["reused", "new"], "since": [2021, 2022],
        "cost_cny": [20000.0, 400000.0], "proposed": [False, True],
        "proposal_reason": ["", "coverage"], "landuse_flag": ["", "restricted"],
        "source_ids": ["a;b", "PR-GF-1"], "uses": ["streetlight+monitoring_pole", "greenfield"]},
        geometry=[Point(119.5, 25.9), Point(119.6, 26.0)], crs=4326)


def test_zh_tables_translate_every_enumeration_and_yes_no():
    zh = localise(sites_table(_sites()), "zh")
    assert {"来源编码", "用途", "规划新增", "新增原因", "用地标记"} <= set(zh.columns)
    row = zh.iloc[1]
    assert row["规划新增"] == "是" and zh.iloc[0]["规划新增"] == "否"
    assert row["新增原因"] == "覆盖" and row["用地标记"] == "限制"
    assert row["站址名称"] == "规划新增新建铁塔 3" and zh.iloc[0]["站址名称"] == "五一路"
    assert zh.iloc[0]["用途"] == "路灯杆+监控杆"
    assert zh["投资(元)"].tolist() == [20000, 400000]
    en = localise(sites_table(_sites()), "en")
    assert en["cost_cny"].tolist() == [20000, 400000] and en["proposed"].tolist() == [False, True]


def test_csv_writes_whole_numbers_as_integers(tmp_path):
    from siteplan.io.tables import write_csv

    path = write_csv(localise(sites_table(_sites()), "en"), tmp_path / "s.csv")
    text = path.read_text(encoding="utf-8-sig")
    assert "20000.0" not in text and ",20000," in text


def test_workbook_autofilter_and_percent_format(tmp_path):
    table = pd.DataFrame({"年度": [2020], "共享率": [0.884615]})
    path = write_xlsx({"汇总": table, "2020": localise(sites_table(_sites()), "zh")},
                      tmp_path / "b.xlsx", number_formats={"共享率": "0.0%"})
    book = openpyxl.load_workbook(path)
    for sheet in book:
        assert sheet.auto_filter.ref == sheet.dimensions
    assert book["汇总"]["B2"].number_format == "0.0%" and book["汇总"]["B2"].value == 0.884615


def test_plain_kml_uses_local_icons(tmp_path):
    path = write_kml(_sites(), tmp_path / "s.kml", title="t", lang="zh")
    text = path.read_text(encoding="utf-8")
    hrefs = re.findall(r"<href>(.*?)</href>", text)
    assert hrefs and all(not h.startswith(("http:", "https:", "//")) for h in hrefs)
    for href in hrefs:
        assert (tmp_path / href).read_bytes()[:4] == b"\x89PNG"


def _plain(root: ET.Element) -> ET.Element:
    """``root`` with namespaces dropped from its tags."""
    for el in root.iter():
        el.tag = el.tag.rpartition("}")[2]
    return root


def test_gcj02_kml_fields_are_gcj02():
    text = kml_document(_sites(), title="t", lang="zh", gcj02=True)
    root = _plain(ET.fromstring(text))
    lon, lat = wgs84_to_gcj02(np.array([119.5]), np.array([25.9]))
    mark = next(p for p in root.iter("Placemark") if p.find("name").text == "a")
    data = {d.get("name"): d.find("value").text for d in mark.iter("Data")}
    x, y = map(float, mark.find(".//coordinates").text.split(",")[:2])
    assert abs(float(data["经度"]) - lon[0]) < 1e-6 and abs(float(data["纬度"]) - lat[0]) < 1e-6
    assert abs(float(data["经度"]) - x) < 1e-6 and abs(float(data["纬度"]) - y) < 1e-6


# --- maps: labels of nested areas ---------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.floats(0, 8), st.floats(0, 8), st.floats(0.5, 2), st.floats(0.5, 2))
def test_nested_area_labels_sit_apart(x, y, w, h):
    outer = box(0, 0, 10, 10)
    inner = box(x, y, min(x + w, 10), min(y + h, 10))
    a, b = label_points([outer, inner])
    assert inner.contains(b) and outer.contains(a)
    assert not inner.buffer(1e-9).contains(a)  # the outer label is outside the inner area


# --- end to end: the sample county and a Chinese town in Chinese --------------------------------


class _Text(HTMLParser):
    """Visible text of an HTML page (no style, script or SVG metadata)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "metadata"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script", "metadata"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


_MAP_SKIP = {"color", "fillColor", "border", "shape", "type", "id", "url", "attribution", "crs",
             "subdomains", "dashArray", "geometries", "style", "styles", "points", "bounds",
             "tiles"}


def _strings(value, skip=_MAP_SKIP):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in skip:
                yield from _strings(v, skip)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, skip)
    elif isinstance(value, str):
        yield value


def output_texts(folder: Path) -> dict[str, str]:
    """What a planner reads in each output file (JSON state files aside: they
    hold canonical data for programs)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as fh:
                out[name] = "\n".join(" ".join(row) for row in csv.reader(fh))
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            cells = [sheet.title for sheet in book]
            for sheet in book:
                cells += [str(c) for row in sheet.iter_rows(values_only=True) for c in row
                          if c is not None]
            out[name] = "\n".join(cells)
        elif path.suffix == ".kml":
            root = _plain(ET.parse(path).getroot())
            parts = []
            for el in root.iter():
                if el.tag in ("href", "styleUrl", "color", "coordinates", "scale", "text"):
                    continue
                if el.tag == "description" and el.text:
                    parser = _Text()
                    parser.feed(el.text)
                    parts += parser.parts
                elif el.text and el.text.strip():
                    parts.append(el.text)
                if el.get("name"):
                    parts.append(el.get("name"))
            out[name] = "\n".join(parts)
        elif path.suffix == ".html" and path.name.startswith("map"):
            text = path.read_text(encoding="utf-8")
            island = re.search(r'id="siteplan-data">(.*?)</script>', text, re.S).group(1)
            title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
            out[name] = "\n".join([title, *_strings(json.loads(island))])
        elif path.suffix == ".html":
            parser = _Text()
            parser.feed(path.read_text(encoding="utf-8"))
            out[name] = "\n".join(parser.parts)
        elif path.suffix == ".md":
            out[name] = path.read_text(encoding="utf-8")
    return out


def _catalogue_phrases() -> set[str]:
    """English phrases of the catalogue and labels (three words and more)."""
    phrases = set()
    entries = [e["en"] for e in MESSAGES.values()] + [e["en"] for e in TEXT.values()] + [
        e["en"] for e in COLUMNS.values()]
    for entry in entries:
        for literal in re.split(r"\{[^{}]*\}", entry):
            for piece in re.split(r"[.;:()]", literal):
                piece = piece.strip()
                if len(piece.split()) >= 3 and piece.isascii():
                    phrases.add(piece)
    return phrases


def assert_chinese(texts: dict[str, str], allowed: set[str]) -> None:
    """No English word (outside ``allowed``) and no catalogue phrase in any text."""
    phrases = _catalogue_phrases()
    problems = {}
    for name, text in texts.items():
        words = english_words(text, allowed)
        leaked = sorted(p for p in phrases if p in text)
        if words or leaked:
            problems[name] = (sorted(words)[:20], leaked[:5])
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.fixture(scope="module")
def sample_zh(tmp_path_factory):
    """The sample county planned with ``--lang zh``, its check and relocation."""
    tmp = tmp_path_factory.mktemp("zh")
    config = copy_sample(tmp, spacing_m=300, time_limit_s=1)
    out = tmp / "方案"
    runner = CliRunner()
    planned = runner.invoke(main, ["plan", str(config), "--out", str(out), "--lang", "zh",
                                   "--offline", "--kml-gcj02", "--formats",
                                   "csv,xlsx,kml,kmz,maps,md,html"])
    assert planned.exit_code == 0, planned.output
    checked = runner.invoke(main, ["check-landuse", str(out / "plan.gpkg"), "--config",
                                   str(config), "--out", str(tmp / "核查"), "--lang", "zh",
                                   "--offline"])
    assert checked.exit_code in (0, 1), checked.output
    site = pd.read_csv(out / "sites_2022.csv", encoding="utf-8-sig")["站址编码"].iloc[0]
    moved = runner.invoke(main, ["relocate", str(out), "--milestone", "2022", "--remove",
                                 str(site), "--out", str(tmp / "迁改")])  # plan's language
    assert moved.exit_code == 0, moved.output
    failed = runner.invoke(main, ["plan", str(tmp / "没有.toml"), "--out", str(tmp / "x"),
                                  "--lang", "zh"])
    assert failed.exit_code == 2
    return {"config": config, "out": out, "check": tmp / "核查", "relocate": tmp / "迁改",
            "console": planned.output + checked.output + moved.output + failed.output,
            "error": failed.output}


def _sample_allowed(config: Path) -> set[str]:
    from siteplan.sources.inputs import load_inputs

    cfg = load_config(config)
    inputs = load_inputs(cfg)
    metric = inputs.targets.to_crs(4326).estimate_utm_crs().name
    return CODES | _ids_and_choices() | _user_words(
        inputs.candidates, inputs.targets, inputs.landuse, *inputs.context,
        extra=(cfg.name, metric, *(Path(c.path).stem for c in cfg.context)))


@pytest.mark.slow
def test_sample_county_in_chinese_has_no_english(sample_zh):
    allowed = _sample_allowed(sample_zh["config"])
    texts = {f"plan/{k}": v for k, v in output_texts(sample_zh["out"]).items()}
    texts |= {f"check/{k}": v for k, v in output_texts(sample_zh["check"]).items()}
    texts |= {f"relocate/{k}": v for k, v in output_texts(sample_zh["relocate"]).items()}
    texts["console"] = sample_zh["console"]
    for must in ("plan/report.md", "plan/report.html", "plan/sites.xlsx", "plan/sites_2022.kml",
                 "plan/sites_2022_gcj02.kml", "plan/map_2022.html", "plan/map_overview.html",
                 "plan/rejected_rows.csv", "check/conflicts.csv", "check/map.html",
                 "relocate/work_order.csv"):
        assert must in texts, must
    assert_chinese(texts, allowed)
    assert "找不到配置文件" in sample_zh["error"] and "错误" in sample_zh["error"]
    assert "容量：站址数由什么决定" in texts["plan/report.md"]
    assert "第二服务小区覆盖" in texts["plan/report.md"]
    assert "求解器 自动" in texts["plan/report.md"]


@pytest.mark.slow
def test_sample_workbook_in_chinese(sample_zh):
    book = openpyxl.load_workbook(sample_zh["out"] / "sites.xlsx")
    summary = book.worksheets[0]
    heads = [c.value for c in summary[1]]
    share = heads.index("共享率") + 1
    assert summary.cell(row=2, column=share).number_format == "0.0%"
    met = heads.index("是否达标") + 1
    assert summary.cell(row=2, column=met).value in ("是", "否")
    for sheet in book:
        assert sheet.auto_filter.ref == sheet.dimensions
        assert not any(isinstance(c, bool) for row in sheet.iter_rows(values_only=True)
                       for c in row)


@pytest.fixture(scope="module")
def town_zh(tmp_path_factory):
    """A town from a planner's own Chinese-named files, ``[project] lang = "zh"``
    (no flag), one unreadable row skipped and reported."""
    folder = tmp_path_factory.mktemp("town")
    county = County(seed=5)
    written = county.write(folder)
    path = written["csv"]
    lines = path.read_bytes().decode("gbk").split("\r\n")
    lines[3] = lines[3].replace(",电力杆,", ",风车,")
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    config = county.config(folder, written, dltb="dltb_nocpg")
    text = config.read_text(encoding="utf-8").replace("[project]\n", '[project]\nlang = "zh"\n')
    config.write_text(text.replace('crs = "bd09"}', 'crs = "bd09", on_bad_rows = "report"}'),
                      encoding="utf-8")
    out = folder / "输出"
    result = CliRunner(env={"SITEPLAN_LANG": ""}).invoke(main, ["plan", str(config), "--out",
                                                                str(out), "--offline"])
    assert result.exit_code == 0, result.output
    return {"config": config, "out": out, "console": result.output, "bad": path}


@pytest.mark.slow
def test_town_in_chinese_reports_dropped_rows_and_conversions(town_zh):
    out = town_zh["out"]
    rejected = pd.read_csv(out / "rejected_rows.csv", encoding="utf-8-sig")
    assert list(rejected.columns) == ["文件", "行号", "列", "原因"]
    assert rejected["行号"].tolist() == [4] and "风车" in rejected["原因"].iloc[0]
    report = (out / "report.md").read_text(encoding="utf-8")
    section = report.split("## 输入数据读取情况")[1].split("\n## ")[0]
    assert "风车" in section and "| 4 |" in section
    assert "GCJ\\-02" in section or "GCJ-02" in section  # the conversion is listed
    assert "从 bd09 转换为 WGS84" in section and "gb18030 解码" in section
    html_text = "\n".join(output_texts(out)["report.html"].split())
    assert "输入数据读取情况" in html_text and "风车" in html_text
    from pyproj import CRS

    crs_names = " ".join(CRS.from_epsg(code).name for code in (4490, 4528, 4326))
    allowed = _sample_allowed(town_zh["config"]) | _user_words(extra=(crs_names,))
    texts = output_texts(out) | {"console": town_zh["console"]}
    assert_chinese(texts, allowed)


@pytest.mark.browser
@pytest.mark.slow
def test_zh_map_labels_do_not_overlap_and_land_use_has_a_legend(sample_zh, tmp_path):
    from tests.browser import open_page

    script = """() => {
        const boxes = Array.from(document.querySelectorAll('.siteplan-label'))
            .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
        let overlaps = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
                overlaps++;
        }
        return {labels: boxes.length, overlaps,
                legend: document.querySelector('.siteplan-legend').textContent};
    }"""
    info = open_page((sample_zh["out"] / "map_2022.html").as_uri(), tmp_path / "m.png", script)
    assert info["errors"] == [] and info["blocked"] == []
    assert info["result"]["labels"] >= 3 and info["result"]["overlaps"] == 0
    assert "林地（用地管控）" in info["result"]["legend"]
    check = open_page((sample_zh["check"] / "map.html").as_uri(), tmp_path / "c.png",
                      "() => document.querySelector('.siteplan-legend').textContent")
    assert "基本农田" in check["result"] and "basic_farmland" not in check["result"]


def test_candidates_command_in_chinese(tmp_path):
    written = County(seed=2).write(tmp_path)
    path = written["csv"]
    lines = path.read_bytes().decode("gbk").split("\r\n")
    lines[3] = lines[3].replace(",电力杆,", ",风车,")
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    out = tmp_path / "候选.csv"
    result = CliRunner().invoke(main, ["candidates", str(path), "--crs", "bd09", "--out",
                                       str(out), "--skip-bad-rows", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "个候选站址" in result.output and "已写出" in result.output
    rejected = pd.read_csv(tmp_path / "候选_rejected.csv", encoding="utf-8-sig")
    assert list(rejected.columns) == ["文件", "行号", "列", "原因"]
    assert rejected["行号"].tolist() == [4] and rejected["原因"].iloc[0].startswith("未知站址类型")
    assert english_words(result.output, CODES | _ids_and_choices()
                         | _user_words(extra=(str(tmp_path),))) == set()


# --- issue 27 merged after the catalogue: config wording, SINR section -----------------------


@pytest.mark.parametrize("old, new", [
    ("[solver]", "[solvr]"),  # unknown table
    ('targets = "targets.gpkg"', 'targets = {path = "targets.gpkg", encodng = "gbk"}'),
    ('targets = "targets.gpkg"', 'targets = {path = "targets.gpkg", on_bad_rows = 3}'),
    ("time_limit_s = 1", 'time_limit_s = "x"'),
    ('targets = "targets.gpkg"\n', ""),  # missing key
])
def test_config_errors_in_chinese(tmp_path, old, new):
    config = copy_sample(tmp_path)
    text = config.read_text()
    assert old in text
    with pytest.raises(ConfigError) as info:
        load_config(_write(config.with_name("x.toml"), text.replace(old, new)))
    assert identify(str(info.value)) is not None, str(info.value)
    zh = error_text(info.value, "zh")
    assert english_words(zh, CODES | _ids_and_choices()) == set(), zh
    assert error_text(info.value, "en") == str(info.value)


def test_sinr_section_and_layer_names_come_from_the_catalogue():
    from siteplan.sinr_report import _t, sinr_markdown

    section = {"load": 0.5, "noise_per_re_dbm": -122.2, "overlap_servers": 4,
               "overlap_window_db": 5.0, "overlap_target_share": 0.02,
               "milestones": [{"milestone": 2025, "points": 2, "sinr_ge_0_share": 0.5,
                               "sinr_ge_13_share": 0.25, "overlap_share": 0.0,
                               "median_sinr_db": 3.0, "overshooting_sites": 1,
                               "areas": [{"area_id": "城区", "points": 2,
                                          "sinr_ge_0_share": 0.5, "sinr_ge_13_share": None,
                                          "overlap_share": 0.0, "median_sinr_db": None}],
                               "overshooting": [{"site_id": "T1", "served_points": 9,
                                                 "neighbour_distance_m": 500.0,
                                                 "p95_served_distance_m": 2100.0,
                                                 "overshot_share": 0.4}]}]}
    zh = sinr_markdown(section, "zh")
    assert english_words(zh, CODES) == set(), zh
    assert all(p not in zh for p in _catalogue_phrases()), zh
    assert "越区覆盖站" in zh and "## 最佳服务小区与SINR" in zh
    assert "Best server" in sinr_markdown(section, "en")
    for key in ("layer_sinr", "layer_server", "tooltip"):
        assert _t(key, "zh") == TEXT[f"sinr.{key}"]["zh"]
    assert english_words(_t("layer_server", "zh").format(year=2025), CODES) == set()


@pytest.mark.slow
def test_calibrate_report_in_chinese(tmp_path):
    from tests.test_calibrate import _write_drive_test

    path, _ = _write_drive_test(tmp_path, n_per_site=40)
    out = tmp_path / "校准"
    config = copy_sample(tmp_path)
    result = CliRunner().invoke(main, ["calibrate", str(path), "--config", str(config),
                                       "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    text = (out / "calibration.md").read_text(encoding="utf-8")
    assert text.startswith("# 传播模型校准") and "校准前后的误差" in text
    assert "pathloss.offset_db" in text  # assumption keys are ids
    assert_chinese({"calibration.md": text, "console": result.output},
                   CODES | _ids_and_choices() | _user_words(extra=(str(tmp_path),)))
    bad = tmp_path / "坏.csv"
    bad.write_text("lon,lat,site_id,rsrp\n119.5,25.9,T1,强\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["calibrate", str(bad), "--config", str(config),
                                       "--out", str(tmp_path / "x"), "--lang", "zh"])
    assert failed.exit_code == 2 and "错误" in failed.output, failed.output
    assert "不是 [-156, -31] dBm 范围内的数字" in failed.output, failed.output
    assert english_words(failed.output, CODES | _user_words(extra=(str(tmp_path),))) == set()


def test_plan_region_console_lines_in_chinese():
    """plan-region's progress lines (issue 28: every console message) come out in
    Chinese; ids, numbers and names stay."""
    from siteplan.i18n import translate

    lines = [
        "reading the inputs of 'x'",
        "4 units; halo (longest reach) 2,300 m; writing partitions",
        "proposing new builds in 4 units (0 unchanged)",
        "[1/4] unit T00_00 (T00_00): 3 new builds proposed (1.2 s)",
        "12 new builds proposed in the province (after merging the units' proposals at the "
        "same place)",
        "0 units unchanged since the last run, 4 to plan",
        "[2/4] unit T00_01 (T00_01): 3.1 s, 1,234 demand points, 12 sites by 2023",
        "[3/4] unit T01_00 (T01_00): skipped: no target area in the unit",
        "unit T00_01: no land-use zone within reach of the unit",
        "stitching the borders of 4 units",
        "stitch 2022: 1,000 border demand points, 3 border areas' capacity rows, units' border "
        "sites 10,000 CNY -> stitched 9,000 CNY (kept stitched)",
        "writing 4 unit plan folders (0 unchanged)",
        "[1/4] folder of unit T00_00 written (0.4 s)",
        "wrote /tmp/x in 50.1 s",
    ]
    for line in lines:
        text = translate(line, "zh")
        assert re.search(r"[\u4e00-\u9fff]", text), line
        words = set(re.findall(r"[A-Za-z]{3,}", text)) - {"CNY", "tmp", "stitched"}
        assert words == set(), (line, text)


# --- plan-region and calibrate in Chinese (issue 28: every console line and file) -----------


@pytest.fixture(scope="module")
def region_zh(tmp_path_factory):
    """A 2-county synthetic province planned with ``plan-region --lang zh`` (one
    process), with an empty county of its own (a unit skipped for want of a target)."""
    from siteplan.datasets.province import write_province

    root = tmp_path_factory.mktemp("省")
    write_province(root / "输入", 2, 1, spacing_m=800, time_limit_s=0.5)
    units = gpd.read_file(root / "输入" / "units.gpkg")
    far = units.iloc[[0]].copy()
    far["geometry"] = far.geometry.translate(0.6, 0.0)  # no target area there
    far.loc[:, "code"] = "C09"
    units = pd.concat([units, far], ignore_index=True)
    units.to_file(root / "输入" / "units.gpkg", engine="pyogrio")
    result = CliRunner().invoke(main, [
        "plan-region", str(root / "输入" / "region.toml"), "--out", str(root / "全省"),
        "--loop", "--offline", "--lang", "zh"])
    assert result.exit_code == 0, result.output
    frames = [gpd.read_file(p) for p in sorted((root / "输入").glob("*.gpkg"))]
    name = tomllib.loads((root / "输入" / "region.toml").read_text("utf-8"))["project"]["name"]
    allowed = CODES | _ids_and_choices() | _user_words(*frames, extra=(name, str(root)))
    return {"root": root, "out": root / "全省", "console": result.output, "allowed": allowed}


@pytest.mark.slow
def test_plan_region_in_chinese_has_no_english(region_zh):
    console = region_zh["console"]
    assert "拼接" in console and "已写出" in console and "跳过：单元内没有目标区域" in console
    assert "（保留拼接结果）" in console or "（保留各单元结果）" in console
    texts = {"console": console, **output_texts(region_zh["out"])}
    assert {"summary.csv", "sites_2022.csv", "map.html"} <= set(texts)
    assert_chinese(texts, region_zh["allowed"])


@pytest.mark.slow
def test_plan_region_tables_in_chinese(region_zh):
    out = region_zh["out"]
    summary = pd.read_csv(out / "summary.csv", encoding="utf-8-sig")
    assert {"单元编码", "单元名称", "单元状态"} <= set(summary.columns)
    assert [c for c in summary.columns if not re.search(r"[\u4e00-\u9fff]", c)] == []
    assert "合计" in set(summary["单元编码"])
    assert set(summary["单元状态"]) <= {"正常", "跳过：单元内没有目标区域"}
    sites = pd.read_csv(out / "sites_2022.csv", encoding="utf-8-sig")
    assert {"站址编码", "单元编码", "规划新增"} <= set(sites.columns)
    assert set(sites["规划新增"]) <= {"是", "否"}
    assert "proposed" not in set(sites["产权单位"]) and "规划新增" in set(sites["产权单位"])
    unit_sites = pd.read_csv(next((out / "units").glob("*/sites_2022.csv")), encoding="utf-8-sig")
    for table in (sites, unit_sites):  # every heading in Chinese (a province's own columns too)
        assert [c for c in table.columns if not re.search(r"[\u4e00-\u9fff]", c)] == []
    # summary.json keeps canonical values for programs
    report = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert {r["status"] for r in report["summary"]} <= {
        "ok", "skipped: no target area in the unit"}


def test_plan_region_interrupted_and_failures_in_chinese(monkeypatch, tmp_path):
    """The Ctrl-C line and the failed-units error are catalogue messages."""
    import siteplan.region.run as run
    from siteplan.i18n import error_text, translate
    from siteplan.region.run import RegionResult, failures_error, task_error

    def stop(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "plan_region", stop)
    config = tmp_path / "r.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["plan-region", str(config), "--out",
                                       str(tmp_path / "o"), "--lang", "zh", "--loop"])
    assert result.exit_code == 130, result.output
    assert "已中断" in result.output and "interrupted" not in result.output
    failed = RegionResult(out=tmp_path, units=None, unit_home={})
    failed.failures["C01"] = Msg("g.failed_proposing", error=task_error(
        ConfigError(Msg("config.not_found", path="某.toml"))))
    zh = error_text(failures_error(failed), "zh")
    assert zh.startswith("1 个单元重试后仍失败（C01：提议新建站址：ConfigError：某.toml：找不到配置文件。")
    assert english_words(zh, CODES | {"ConfigError"}) == set(), zh
    assert translate(Msg("g.counted", i=1, n=2, line=Msg("g.unit_status", code="C01", name="甲",
                                                           status="planned")), "zh") == \
        "[1/2] 单元 C01（甲）：已规划"


@pytest.mark.slow
def test_calibrate_notes_in_chinese(tmp_path):
    """calibrate's notes (few points of a clutter class, short distance span) come from the
    catalogue by id and read in Chinese in calibration.md."""
    from tests.test_calibrate import _write_drive_test

    path, _ = _write_drive_test(tmp_path, n_per_site=6)
    config = copy_sample(tmp_path)
    out = tmp_path / "校准"
    result = CliRunner().invoke(main, ["calibrate", str(path), "--config", str(config),
                                       "--out", str(out), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    fit = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    assert fit["notes"], "the small drive test gives notes"
    text = (out / "calibration.md").read_text(encoding="utf-8")
    toml = (out / "tuned_assumptions.toml").read_text(encoding="utf-8")
    assert tomllib.loads(toml)["assumptions"] == pytest.approx(fit["tuned"], abs=1e-3)
    comment = "\n".join(line for line in toml.splitlines() if line.startswith("#"))
    assert "校准" in comment
    assert_chinese({"calibration.md": text, "console": result.output,
                    "tuned_assumptions.toml": comment},
                   CODES | _ids_and_choices() | _user_words(extra=(str(tmp_path),)))
