"""Bad and tricky land-use inputs: every case ends as exit 2 with a message naming
the file, row, column or key and the fix (never a traceback), or, for kinds
check-landuse cannot place, the strictest reading said out loud."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.errors import InputError
from siteplan.landuse import normalise_class, prepare_zones
from siteplan.landuse_classes import SURVEY_CLASSES, survey_class
from siteplan.sources import read_layer
from tests.chinese_files import GK, County

UTM = 32650


def _red_line(tmp_path, **extra):
    zones = gpd.GeoDataFrame({"HXMC": ["红线"], **extra}, geometry=[box(0, 0, 1000, 1000)],
                             crs=UTM)
    path = tmp_path / "red.gpkg"
    zones.to_file(path)
    return path


def _sites(tmp_path, kinds, geometry=None, name="sites.gpkg"):
    geometry = geometry or [Point(500, 500)] * len(kinds)
    frame = gpd.GeoDataFrame({"site_id": [f"s{i}" for i in range(len(kinds))], "kind": kinds},
                             geometry=geometry, crs=UTM)
    path = tmp_path / name
    frame.to_file(path)
    return path


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def _failed(result, *words):
    assert result.exit_code == 2, result.output
    for word in words:
        assert word in result.output, (word, result.output)


@pytest.mark.parametrize("kind", ["Greenfield", "Greenfield tower", "GREENFIELD", "新建铁塔",
                                  "greenfield_tower"])
def test_typed_greenfield_is_a_new_tower(tmp_path, kind):
    sites = _sites(tmp_path, [kind])
    out = tmp_path / "out"
    result = _run("check-landuse", sites, _red_line(tmp_path), "--class", "生态保护红线",
                  "--out", out)
    assert result.exit_code == 1, result.output
    table = pd.read_csv(out / "conflicts.csv")
    assert table["rule"].tolist() == ["forbidden"]


def test_unknown_kind_is_judged_strictest_and_said(tmp_path):
    sites = _sites(tmp_path, ["windmill", "tower"])
    out = tmp_path / "out"
    result = _run("check-landuse", sites, _red_line(tmp_path), "--class", "生态保护红线",
                  "--out", out)
    assert result.exit_code == 1, result.output
    assert "windmill" in result.output and "strictest" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["unknown_kinds"] == ["windmill"]
    assert pd.read_csv(out / "conflicts.csv")["site_id"].tolist() == ["s0"]


def test_no_kind_column_is_said(tmp_path):
    frame = gpd.GeoDataFrame({"site_id": ["a"]}, geometry=[Point(500, 500)], crs=UTM)
    frame.to_file(tmp_path / "s.gpkg")
    result = _run("check-landuse", tmp_path / "s.gpkg", _red_line(tmp_path), "--class",
                  "red line", "--out", tmp_path / "o")
    assert result.exit_code == 1 and "no kind column" in result.output


def test_site_without_geometry_is_an_error_naming_the_row(tmp_path):
    sites = _sites(tmp_path, ["tower", "greenfield", "greenfield"],
                   geometry=[Point(500, 500), Point(), None])
    result = _run("check-landuse", sites, _red_line(tmp_path), "--class", "生态保护红线",
                  "--out", tmp_path / "o")
    _failed(result, "row 2", "geometry", "s1", "no location", "2 sites in all")
    assert not (tmp_path / "o").exists()


def test_zone_without_geometry_is_an_error(tmp_path):
    zones = gpd.GeoDataFrame({"zone_class": ["林地", "水域"]},
                             geometry=[box(0, 0, 10, 10), None], crs=UTM)
    with pytest.raises(InputError, match=r"z.gpkg, row 2, column 'geometry'"):
        prepare_zones(zones, source="z.gpkg")


@pytest.mark.parametrize("args,words", [
    (["--class", "生态保护红限"], ["unknown zone classes", "生态保护红限", "Did you mean",
                               "生态保护红线"]),
    (["--class", "red line", "--class-column", "HXMC"], ["ignored", "Give one of them"]),
    (["--class-column", "类别"], ["no class column '类别'", "HXMC"]),
    ([], ["no class column", "--class"]),
])
def test_zone_class_options(tmp_path, args, words):
    result = _run("check-landuse", _sites(tmp_path, ["greenfield"]), _red_line(tmp_path),
                  *args, "--out", tmp_path / "o")
    _failed(result, *words)


def test_survey_names_misspelt_get_a_suggestion(tmp_path):
    zones = gpd.GeoDataFrame({"DLBM": ["0101", "0301"], "DLMC": ["水田", "乔木林"]},
                             geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=UTM)
    with pytest.raises(InputError, match="Did you mean"):
        prepare_zones(zones.drop(columns="DLBM").assign(DLMC=["水田", "乔木林帝"]))
    # DLBM wins when both are there
    assert prepare_zones(zones)[0]["zone_class"].tolist() == ["cultivated", "forest"]
    with pytest.raises(InputError, match=r"row 2, column 'DLBM'.*'0399'"):
        prepare_zones(zones.assign(DLBM=["0101", "0399"]))


def test_survey_table_covers_the_classification():
    assert len(SURVEY_CLASSES) >= 90
    for code, (name, cls) in SURVEY_CLASSES.items():
        assert survey_class(code) == cls, code
        assert normalise_class(code) == cls and normalise_class(name) == cls, (code, name)
    assert survey_class("0101") == survey_class("水田") == "cultivated"
    assert survey_class(103) == "cultivated"  # a code read as a number
    assert survey_class("1103") == "water" and survey_class("0305") == "forest"
    assert normalise_class("耕地") == "cultivated"  # ordinary cultivated land is not
    assert normalise_class("永久基本农田") == "basic_farmland"  # permanent basic farmland


def test_class_map_csv(tmp_path):
    zones = gpd.GeoDataFrame({"LX": ["基本农田保护区A", "林业用地"]},
                             geometry=[box(0, 0, 1000, 1000), box(2000, 0, 3000, 1000)],
                             crs=UTM)
    zones.to_file(tmp_path / "local.gpkg")
    table = tmp_path / "map.csv"
    table.write_bytes("本地名称,类别\n基本农田保护区A,永久基本农田\n林业用地,林地\n".encode("gbk"))
    out = tmp_path / "o"
    result = _run("check-landuse", _sites(tmp_path, ["greenfield"]), tmp_path / "local.gpkg",
                  "--class-column", "LX", "--class-map", table, "--out", out)
    assert result.exit_code == 1, result.output
    assert pd.read_csv(out / "conflicts.csv")["zone_class"].tolist() == ["basic_farmland"]
    table.write_text("基本农田保护区A,永久农田田\n", encoding="utf-8")
    result = _run("check-landuse", _sites(tmp_path, ["greenfield"]), tmp_path / "local.gpkg",
                  "--class-column", "LX", "--class-map", table, "--out", tmp_path / "o2")
    _failed(result, "map.csv", "永久农田田", "unknown class")


def test_plan_gpkg_without_sites_layers_needs_layer(tmp_path):
    path = _sites(tmp_path, ["tower"], name="many.gpkg")
    gpd.GeoDataFrame({"site_id": ["x"], "kind": ["tower"]}, geometry=[Point(1, 1)],
                     crs=UTM).to_file(path, layer="other")
    result = _run("check-landuse", path, _red_line(tmp_path), "--class", "红线", "--out",
                  tmp_path / "o")
    _failed(result, "--layer", "other")


@pytest.fixture(scope="module")
def county_files(tmp_path_factory):
    county = County(seed=3)
    folder = tmp_path_factory.mktemp("bad")
    return county, folder, county.write(folder)


def test_wrong_cpg_names_the_encoding(county_files, tmp_path):
    _, _, written = county_files
    folder = tmp_path / "dltb"
    folder.mkdir()
    for part in written["dltb"].parent.iterdir():
        (folder / part.name).write_bytes(part.read_bytes())
    (folder / "DLTB.cpg").write_text("UTF-8")
    result = _run("check-landuse", _sites(tmp_path, ["tower"]), folder / "DLTB.shp",
                  "--out", tmp_path / "o")
    _failed(result, "DLTB.dbf", "cannot decode as UTF-8", "DLTB.cpg declares 'UTF-8'",
            "gb18030")
    result = _run("check-landuse", _sites(tmp_path, ["tower"]), folder / "DLTB.shp",
                  "--encoding", "gbk", "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output


def test_wrong_csv_encoding_names_it(county_files):
    _, _, written = county_files
    with pytest.raises(InputError, match=r"cannot decode as utf-8 \(byte 0x.. at line 1\)"):
        read_layer(written["csv"], encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        read_layer(written["csv"], encoding="klingon")


def test_kml_errors(tmp_path):
    bad = tmp_path / "bad.kml"
    bad.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
                   "<name>东区</name><Point><coordinates>119.5;26.0</coordinates></Point>"
                   "</Placemark></Document></kml>", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.kml, Placemark 1 \('东区'\): coordinates"):
        read_layer(bad)
    broken = tmp_path / "broken.kml"
    broken.write_text("<kml><Document><Placemark>", encoding="utf-8")
    with pytest.raises(InputError, match="not valid KML"):
        read_layer(broken)
    kmz = tmp_path / "x.kmz"
    kmz.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a KMZ"):
        read_layer(kmz)
    empty = tmp_path / "empty.kmz"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no kml")
    with pytest.raises(InputError, match="holds no .kml"):
        read_layer(empty)


def test_kml_target_with_unknown_class_names_the_placemark(county_files, tmp_path):
    county, _, _ = county_files
    areas = county.target_areas()
    areas[1]["class"] = "主城"
    path = county.write_targets(tmp_path / "t.kml", areas=areas)
    from siteplan.sources import read_targets

    with pytest.raises(InputError, match=r"t.kml, row 2, column 'area_class': unknown area class "
                                         r"'主城'. Did you mean '主城区'\?"):
        read_targets(path, crs="gcj02")


def test_gcj02_on_a_projected_layer_is_refused(county_files):
    _, _, written = county_files
    with pytest.raises(InputError, match="projected"):
        read_layer(written["dltb"], crs="gcj02")


@pytest.mark.parametrize("inputs,words", [
    ('candidates = [{path = "开放清单.xlsx", crs = "gcj02", class_column = "x"}]\n'
     'targets = {path = "目标区域.kml", crs = "gcj02"}',
     ["[inputs.candidates]", "class_column", "ignored"]),
    ('candidates = [{path = "开放清单.xlsx", crs = "gcj02"}]\n'
     'targets = {path = "目标区域.kml", crs = "gcj02"}\n'
     'landuse = [{path = "生态保护红线.shp", class = "生态保护红线", class_column = "HXMC"}]',
     ["class = '生态保护红线'", "class_column = 'HXMC'", "ignored"]),
    ('candidates = [{path = "开放清单.xlsx", crs = "gcj02"}]\n'
     'targets = {path = "目标区域.kml", crs = "gcj02", on_bad_rows = "report"}',
     ["[inputs.targets]", "on_bad_rows", "ignored"]),
    ('candidates = [{path = "开放清单.xlsx", crs = "gcj02"}]\n'
     'targets = {path = "目标区域.kml", crs = "gcj02"}\n'
     'landuse = [{path = "生态保护红线.shp", class = "生态保护红线", clas = "x"}]',
     ["clas", "landuse"]),
])
def test_config_options_that_would_be_ignored(county_files, inputs, words):
    _, folder, _ = county_files
    config = folder / "bad.toml"
    config.write_text(f"[inputs]\n{inputs}\n", encoding="utf-8")
    result = _run("plan", config, "--out", folder / "never")
    _failed(result, *words)
    assert not (folder / "never").exists()


def test_misspelt_rule_in_config(county_files, tmp_path):
    county, folder, written = county_files
    config = county.config(folder, written)
    text = config.read_text(encoding="utf-8") + \
        '"landuse.rule.forest.new_tower" = "forbiden"\n'
    bad = folder / "rule.toml"
    bad.write_text(text, encoding="utf-8")
    result = _run("check-landuse", written["xlsx"], "--sites-crs", "gcj02", "--config", bad,
                  "--out", tmp_path / "o")
    _failed(result, "forbiden", "Did you mean 'forbidden'")


def test_gk_zone_from_prj_without_epsg(tmp_path):
    """A .prj naming the projection 'Gauss_Kruger' with zone-40 parameters is EPSG:4528."""
    from pyproj import CRS

    frame = gpd.GeoDataFrame({"DLBM": ["0101"]}, geometry=[box(40460000, 2877000,
                                                               40460500, 2877500)], crs=GK)
    frame.to_file(tmp_path / "z.shp")
    wkt = CRS(GK).to_wkt("WKT1_ESRI").replace("CGCS2000_3_Degree_GK_Zone_40", "Gauss_Kruger")
    (tmp_path / "z.prj").write_text(wkt.replace("GCS_China_Geodetic_Coordinate_System_2000",
                                                "GCS_CGCS_2000"))
    assert read_layer(tmp_path / "z.shp").crs.to_epsg() == 4528


HOSTILE = ["{{ 7*7 }}", "<img src=x onerror=alert(1)>", "`${alert(2)}`"]


@pytest.mark.browser
def test_check_map_popups_show_class_rule_and_inert_text(tmp_path):
    """The check-landuse map, offline in headless Chromium: zone popups show the class
    and its rules, conflict popups the site and rule; hostile ids and names stay text."""
    import shutil
    from pathlib import Path

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    sites = gpd.GeoDataFrame({"site_id": HOSTILE, "kind": ["greenfield"] * 3},
                             geometry=[Point(200, 500), Point(500, 500), Point(800, 500)],
                             crs=UTM)
    sites.to_file(tmp_path / "s.gpkg")
    zones = gpd.GeoDataFrame({"zone_class": ["生态保护红线"], "name": [HOSTILE[0]]},
                             geometry=[box(0, 0, 1000, 1000)], crs=UTM)
    zones.to_file(tmp_path / "z.gpkg")
    out = tmp_path / "o"
    result = _run("check-landuse", tmp_path / "s.gpkg", tmp_path / "z.gpkg", "--offline",
                  "--out", out)
    assert result.exit_code == 1, result.output
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox",
                                                                     "--disable-gpu"])
        context = browser.new_context(offline=True)
        blocked: list[str] = []
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                      else (blocked.append(r.request.url), r.abort()))
        page = context.new_page()
        errors, dialogs = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto((out / "map.html").as_uri())
        page.wait_for_selector(".leaflet-container", timeout=15000)
        texts = page.evaluate("""() => {
            const S = window.siteplan;
            const found = [];
            Object.values(S.layers).filter(g => g.getPopup && g.getPopup()).forEach(g => {
                if (!S.map.hasLayer(g)) { S.map.addLayer(g); }
                g.getLayers().forEach(m => {
                    const at = m.getLatLng ? m.getLatLng() : m.getBounds().getCenter();
                    m.fire('click', {latlng: at}, true);
                    document.querySelectorAll('.siteplan-popup')
                        .forEach(e => found.push(e.textContent));
                });
                S.map.closePopup();
            });
            return found;
        }""")
        page.screenshot(path=str(tmp_path / "check_map.png"))
        browser.close()
    joined = " ".join(texts)
    assert dialogs == [] and errors == [] and blocked == []
    assert "ecological_red_line" in joined or "生态保护红线" in joined
    assert "forbidden" in joined
    # the zone's popup: its name beside the id, and the class's rule per site group
    assert "new tower: forbidden; new pole: forbidden; existing: allowed" in joined, joined
    assert "Z1 ({{ 7*7 }})" in joined
    for text in HOSTILE:
        assert text in joined  # shown literally, not run or evaluated


def test_kml_schema_data_multigeometry_track_and_holes(tmp_path):
    text = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><Schema name="s" id="s"><SimpleField name="地块编号" type="string"/></Schema>
<Folder><name>一期</name><Folder><name>城区</name>
<Placemark><name>带洞</name><ExtendedData><SchemaData schemaUrl="#s">
<SimpleData name="地块编号">A-1</SimpleData></SchemaData></ExtendedData>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
119.0,26.0 119.1,26.0 119.1,26.1 119.0,26.1 119.0,26.0</coordinates></LinearRing>
</outerBoundaryIs><innerBoundaryIs><LinearRing><coordinates>
119.04,26.04 119.06,26.04 119.06,26.06 119.04,26.06 119.04,26.04</coordinates>
</LinearRing></innerBoundaryIs></Polygon></Placemark></Folder></Folder>
<Placemark><name>两块</name><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>119.2,26 119.3,26 119.3,26.1 119.2,26
</coordinates></LinearRing></outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>119.4,26 119.5,26 119.5,26.1 119.4,26
</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry></Placemark>
<Placemark><name>轨迹</name><gx:Track><when>2021-01-01</when><gx:coord>119.0 26.0 5</gx:coord>
<gx:coord>119.01 26.01 5</gx:coord></gx:Track></Placemark>
</Document></kml>"""
    path = tmp_path / "x.kml"
    path.write_text(text, encoding="utf-8")
    frame = read_layer(path)
    assert frame["name"].tolist() == ["带洞", "两块", "轨迹"]
    assert frame.loc[0, "folder"] == "一期/城区" and frame.loc[0, "folder_2"] == "城区"
    assert frame.loc[0, "地块编号"] == "A-1" and len(frame.geometry[0].interiors) == 1
    assert frame.geom_type.tolist() == ["Polygon", "MultiPolygon", "LineString"]
    assert frame.crs.to_epsg() == 4326
