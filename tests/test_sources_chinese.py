"""End to end with a Chinese county planner's own files (tests/chinese_files.py):
plan and check through the CLI; positions within 5 m of the truth; exactly the
land-use conflicts the bureau expects."""

from __future__ import annotations

import json
import re
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.config import load_config
from siteplan.sources import read_layer
from siteplan.sources.inputs import load_inputs
from tests.chinese_files import GK, County, gk_distance_m


@pytest.fixture(scope="module")
def county():
    return County(seed=7)


@pytest.fixture(scope="module")
def files(county, tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    written = county.write(folder)
    return folder, written


@pytest.fixture(scope="module")
def planned(county, files, tmp_path_factory):
    folder, written = files
    config = county.config(folder, written, dltb="dltb_nocpg")
    out = tmp_path_factory.mktemp("plan") / "out"
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return config, out


def _conflict_set(table: pd.DataFrame) -> set[tuple[str, str, str]]:
    return {(r.site_id, r.zone_class, r.rule) for r in table.itertuples()}


def test_inputs_read_as_the_planner_means_them(county, files):
    folder, written = files
    inputs = load_inputs(load_config(county.config(folder, written)))
    # every candidate of both lists, at its true WGS84 position (GCJ-02 and BD-09 undone)
    assert len(inputs.candidates) == len(county.candidates)
    assert set(inputs.candidates["site_id"]) == set(county.candidates["site_id"])
    assert gk_distance_m(inputs.candidates, county.truth_xy()).max() < 1.0
    # ids: 序号 prefixed with the list's name, 站址编码 as written
    assert "开放清单:1" in set(inputs.candidates["site_id"])
    assert inputs.candidates["site_id"].str.match(r"^3501020\d{5}$").sum() == \
        (county.candidates["source"] == "pole").sum()
    # the 合计 / 小计 rows were not read as candidates; Chinese kinds canonical
    assert set(inputs.candidates["kind"]) == {"streetlight", "monitoring_pole", "rooftop",
                                              "tower", "traffic_pole", "power_pole",
                                              "greenfield", "smart_pole"}
    # KML: <name> is the area name and id, ExtendedData in Chinese, GCJ-02 polygons moved
    targets = inputs.targets.set_index("area_id")
    assert list(targets["name"]) == ["城关镇中心", "工业园区"]
    assert targets.loc["城关镇中心", "area_class"] == "main_urban"
    assert targets.loc["工业园区", ["environment", "milestone"]].tolist() == ["suburban", 2022]
    true_area = county.target_areas()[0]["geometry"]
    moved = gpd.GeoSeries([targets.geometry.iloc[0]], crs=4326).to_crs(GK).iloc[0]
    assert moved.symmetric_difference(true_area).area < 1000 * 5  # < 1 m along the outline
    assert targets.loc["城关镇中心", "folder"] == "2021年"
    # land use: 三调 codes, red line and basic farmland each one class; GBK names decoded
    zones = inputs.landuse
    assert zones.crs.to_epsg() == GK
    assert set(zones.loc[zones["source"] == "DLTB.shp", "zone_name"]) >= {"水田", "乔木林地"}
    assert zones.loc[zones["source"] == "生态保护红线.shp", "zone_class"].tolist() == \
        ["ecological_red_line"]
    assert any("gcj02" in n.lower() for n in inputs.notes)


def test_dbf_with_and_without_cpg_read_alike(files):
    _, written = files
    with_cpg = read_layer(written["dltb"])
    without = read_layer(written["dltb_nocpg"])
    assert without["DLMC"].tolist() == with_cpg["DLMC"].tolist()
    assert "水田" in set(without["DLMC"]) and without.attrs["encoding"] == "gb18030"
    assert without.crs.to_epsg() == 4528  # CGCS2000 GK zone 40 from an ESRI .prj


def test_plan_end_to_end(county, planned):
    config, out = planned
    layers = [n for n, _ in pyogrio.list_layers(out / "plan.gpkg")]
    last = max(n for n in layers if n.startswith("sites_"))
    sites = gpd.read_file(out / "plan.gpkg", layer=last)
    # every chosen site within 5 m of its true WGS84 position
    assert gk_distance_m(sites, county.truth_xy()).max() < 5.0
    # new builds on forbidden land were excluded, exactly those the bureau forbids
    forbidden = {s for s, _, rule in county.expected_conflicts() if rule == "forbidden"}
    excluded = pd.read_csv(out / "excluded_candidates.csv", encoding="utf-8-sig")
    assert set(excluded["site_id"]) == forbidden
    assert not forbidden & set(sites["site_id"])
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert any("GCJ02" in n for n in report["input_notes"])


def test_check_plan_finds_exactly_the_expected_conflicts(county, planned, tmp_path):
    config, out = planned
    check = tmp_path / "check"
    result = CliRunner().invoke(main, ["check-landuse", str(out / "plan.gpkg"),
                                       "--config", str(config), "--out", str(check)])
    assert result.exit_code == 0, result.output  # no forbidden conflict in the plan
    assert "sites_2022" in result.output and "reprojected" in result.output
    sites = gpd.read_file(out / "plan.gpkg", layer="sites_2022")
    found = pd.read_csv(check / "conflicts.csv", encoding="utf-8-sig", dtype=str)
    assert _conflict_set(found) == county.expected_conflicts(set(sites["site_id"]))


def test_check_the_lists_against_the_bureau_layers(county, files, tmp_path):
    """The open-resource list itself (GCJ-02 XLSX, Chinese kinds) against the raw 三调
    layer without .cpg, the red line and the farmland: every expected conflict, no other."""
    folder, written = files
    config = county.config(folder, written, dltb="dltb_nocpg")
    out = tmp_path / "check"
    result = CliRunner().invoke(main, ["check-landuse", str(written["xlsx"]), "--sites-crs",
                                       "gcj02", "--config", str(config), "--out", str(out)])
    assert result.exit_code == 1, result.output
    found = pd.read_csv(out / "conflicts.csv", encoding="utf-8-sig", dtype=str)
    open_ids = set(county.candidates.loc[county.candidates["source"] == "open", "site_id"])
    expected = county.expected_conflicts(open_ids)
    assert _conflict_set(found) == expected
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["forbidden_conflicts"] == sum(r == "forbidden" for _, _, r in expected)
    # the map's conflict popups carry every expected site, zone class and rule
    html = (out / "map.html").read_text(encoding="utf-8")
    island = re.search(r'<script type="application/json" id="siteplan-data">(.*?)</script>',
                       html, re.S)
    layers = json.loads(island.group(1))["layers"]
    shown = next(layer for layer in layers if layer["name"].startswith("Land-use conflicts"))
    k = {f: i for i, f in enumerate(shown["fields"])}
    assert {(r[k["Site"]], r[k["Zone class"]], r[k["Rule"]]) for r in shown["rows"]} == expected
    zones = next(layer for layer in layers if layer["fields"][:2] == ["Zone", "Zone class"])
    red = [r for r in zones["rows"] if r[0].startswith("生态保护红线")]
    assert red and red[0][2] == "new tower: forbidden; new pole: forbidden; existing: allowed"
    assert any(r[0].endswith("(水田)") and r[1].startswith("cultivated") for r in zones["rows"])


def test_check_with_cpg_layer_and_one_class_per_file(county, files, tmp_path):
    """ZONES given on the command line: a red-line file with --class, reprojected."""
    folder, written = files
    out = tmp_path / "red"
    result = CliRunner().invoke(main, ["check-landuse", str(written["xlsx"]),
                                       str(written["red_line"]), "--class", "生态保护红线",
                                       "--sites-crs", "gcj02", "--out", str(out)])
    assert result.exit_code == 1, result.output
    found = pd.read_csv(out / "conflicts.csv", encoding="utf-8-sig", dtype=str)
    open_ids = set(county.candidates.loc[county.candidates["source"] == "open", "site_id"])
    expected = {c for c in county.expected_conflicts(open_ids) if c[1] == "ecological_red_line"}
    assert _conflict_set(found) == expected and len(expected) == 8


def test_kmz_and_wgs84_kml(county, files, tmp_path):
    """A Google Earth KMZ (WGS84, no crs) reads the same areas as the 奥维 KML."""
    import zipfile

    folder, written = files
    kml = written["kml"].read_text(encoding="utf-8")
    kmz = tmp_path / "areas.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", kml)
    a = read_layer(kmz, crs="gcj02")
    b = read_layer(written["kml"], crs="gcj02")
    assert a.geometry.iloc[0].equals_exact(b.geometry.iloc[0], 1e-12)
    assert list(a["name"]) == ["城关镇中心", "工业园区"] and "Name_data" in a.columns
    raw = read_layer(written["kml"])  # no crs: taken as WGS84, so ~500 m off the truth
    shift = gpd.GeoSeries([raw.geometry.iloc[0].centroid, b.geometry.iloc[0].centroid],
                          crs=4326).to_crs(GK)
    assert 300 < shift.iloc[0].distance(shift.iloc[1]) < 800


def test_plan_reports_bad_rows_when_asked(county, files, tmp_path):
    folder, written = files
    work = tmp_path / "c"
    shutil.copytree(folder, work)
    path = work / written["csv"].name
    lines = path.read_bytes().decode("gbk").split("\r\n")
    lines[3] = lines[3].replace(",电力杆,", ",风车,")  # an unknown kind
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    config = county.config(work, {k: work / v.relative_to(folder) for k, v in written.items()})
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(tmp_path / "o1")])
    assert result.exit_code == 2
    assert "电力杆清单.csv" in result.output and "line 4" in result.output
    assert "风车" in result.output and "on_bad_rows" in result.output
    text = config.read_text(encoding="utf-8").replace('crs = "bd09"}',
                                                      'crs = "bd09", on_bad_rows = "report"}')
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(tmp_path / "o2")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "o2" / "report.json").read_text(encoding="utf-8"))
    rejected = report["rejected_rows"][str(path)]
    assert [r["line"] for r in rejected] == [4] and "风车" in rejected[0]["reason"]


def test_ovital_point_list(county, tmp_path):
    """奥维 txt: GBK, tabs, a title line, DMS in GCJ-02, kinds given by the config."""
    from siteplan.sources import read_candidates

    path = county.write_ovital_txt(tmp_path / "奥维标签.txt")
    towers = read_candidates(path, crs="gcj02", defaults={"kind": "铁塔"})
    truth = county.candidates[county.candidates["kind"] == "铁塔"]
    assert len(towers) == len(truth) and set(towers["kind"]) == {"tower"}
    assert towers["site_id"].iloc[0] == "奥维标签:3"  # line numbers below the title
    gk = towers.to_crs(GK)
    assert (abs(gk.geometry.x.to_numpy() - truth["x"].to_numpy()) < 1.0).all()
    assert (abs(gk.geometry.y.to_numpy() - truth["y"].to_numpy()) < 1.0).all()
    assert towers["name"].tolist() == truth["name"].tolist()


def test_config_class_map_columns_and_defaults(county, files, tmp_path):
    """A Google Earth KML without ExtendedData: the area class, environment and year
    come from the layer's defaults and its folder; a local farmland name from an
    inline class map."""
    folder, written = files
    areas = county.target_areas()
    kml = written["kml"].read_text(encoding="utf-8")
    bare = re.sub(r"<ExtendedData>.*?</ExtendedData>", "", kml)
    (tmp_path / "areas.kml").write_text(bare, encoding="utf-8")
    farmland = json.loads(written["farmland"].read_text(encoding="utf-8"))
    for feature in farmland["features"]:
        feature["properties"]["LX"] = "基本农田保护区"
    (tmp_path / "farm.geojson").write_text(json.dumps(farmland, ensure_ascii=False),
                                           encoding="utf-8")
    for name in ("xlsx", "csv"):
        shutil.copy(written[name], tmp_path / written[name].name)
    config = tmp_path / "plan.toml"
    config.write_text(f'''[inputs]
candidates = [{{path = "{written['xlsx'].name}", crs = "gcj02"}},
              {{path = "{written['csv'].name}", crs = "bd09"}}]
targets = {{path = "areas.kml", crs = "gcj02", columns = {{milestone = "folder"}}, \
defaults = {{area_class = "village", environment = "rural"}}}}
landuse = [{{path = "farm.geojson", crs = "gcj02", class_column = "LX", \
class_map = {{"基本农田保护区" = "永久基本农田"}}}}]
''', encoding="utf-8")
    inputs = load_inputs(load_config(config))
    assert inputs.targets["milestone"].tolist() == [2021, 2022]
    assert set(inputs.targets["area_class"]) == {"village"}
    assert inputs.landuse["zone_class"].tolist() == ["basic_farmland"]
    assert len(areas) == len(inputs.targets)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'columns = {milestone = "folder"}', 'columns = {milestone = "文件夹"}'), encoding="utf-8")
    with pytest.raises(Exception, match=r"columns = \{milestone = '文件夹'\}.*no column"):
        load_inputs(load_config(config))


def test_kml_declared_gbk(tmp_path):
    """Some exporters write KML in GBK with its declaration (expat cannot read it)."""
    text = ('<?xml version="1.0" encoding="GBK"?><kml><Document><Folder><name>二期</name>'
            "<Placemark><name>东区</name><ExtendedData><Data name=\"备注\"><value>新建</value>"
            "</Data></ExtendedData><Point><coordinates>119.5,26.0,0</coordinates></Point>"
            "</Placemark></Folder></Document></kml>")
    path = tmp_path / "gbk.kml"
    path.write_bytes(text.encode("gbk"))
    row = read_layer(path).iloc[0]
    assert (row["name"], row["folder"], row["备注"]) == ("东区", "二期", "新建")


def test_inventory_bad_rows_reported_by_candidates_command(tmp_path):
    """--skip-bad-rows is honoured for GIS inventories too (Chinese headers)."""
    from shapely.geometry import Point

    inv = gpd.GeoDataFrame({"站址编码": ["T1", "T1", "T3", "T4"],
                            "站址类型": ["铁塔", "铁塔", "风车", "路灯"],
                            "挂高": [40, 35, 20, -5]},
                           geometry=[Point(119.5, 26.0), Point(119.6, 26.0), Point(119.7, 26.0),
                                     Point(119.8, 26.0)], crs=4326)
    inv.to_file(tmp_path / "inv.gpkg")
    out = tmp_path / "c.csv"
    result = CliRunner().invoke(main, ["candidates", str(tmp_path / "inv.gpkg"), "--out",
                                       str(out)])
    assert result.exit_code == 2 and "row 2" in result.output and "T1" in result.output
    result = CliRunner().invoke(main, ["candidates", str(tmp_path / "inv.gpkg"), "--out",
                                       str(out), "--skip-bad-rows"])
    assert result.exit_code == 0, result.output
    assert pd.read_csv(out, encoding="utf-8-sig")["site_id"].tolist() == ["T1"]
    rejected = pd.read_csv(tmp_path / "c_rejected.csv", encoding="utf-8-sig")
    assert rejected["line"].tolist() == [2, 3, 4]
    assert list(rejected["column"]) == ["site_id", "kind", "height_m"]


def test_warning_for_a_gcj02_list_read_as_wgs84(county, files, tmp_path):
    """The pole list (BD-09) and a second copy of its poles written in GCJ-02 but
    given without crs: the copy sits on the poles' GCJ-02 positions, and is flagged."""
    from siteplan.sources.coords import wgs84_to_gcj02

    folder, written = files
    poles = county.candidates[county.candidates["source"] == "pole"]
    glon, glat = wgs84_to_gcj02(poles["lon"].to_numpy(), poles["lat"].to_numpy())
    rows = ["编号,类型,经度,纬度"] + [f"G{i},铁塔,{x:.7f},{y:.7f}"
                                      for i, (x, y) in enumerate(zip(glon, glat, strict=True))]
    work = tmp_path / "w"
    shutil.copytree(folder, work)
    (work / "amap.csv").write_text("\n".join(rows), encoding="utf-8")
    config = county.config(work, {k: work / v.relative_to(folder) for k, v in written.items()})
    text = config.read_text(encoding="utf-8").replace(
        'crs = "bd09"}]', 'crs = "bd09"}, {path = "amap.csv"}]')
    config.write_text(text, encoding="utf-8")
    notes = load_inputs(load_config(config)).notes
    assert any("amap.csv" in n and "gcj02" in n for n in notes), notes
    config.write_text(text.replace('{path = "amap.csv"}', '{path = "amap.csv", crs = "gcj02"}'),
                      encoding="utf-8")
    again = load_inputs(load_config(config)).notes
    assert not any("sit on" in n for n in again), again


# --- properties (hypothesis) ----------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

LON = st.floats(74.0, 134.0, allow_nan=False)
LAT = st.floats(4.0, 53.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LON, LAT), min_size=3, max_size=12), st.sampled_from(["gcj02", "bd09"]))
def test_every_vertex_shifted_back(points, system):
    """A polygon (with a hole) and a line written in GCJ-02/BD-09 come back to their
    WGS84 vertices, vertex for vertex: GCJ-02 within 1e-8 degrees (1 mm), BD-09 within
    5e-6 degrees (0.5 m, the accuracy of Baidu's published inverse)."""
    import shapely

    from siteplan.sources.coords import shift_to_wgs84, wgs84_to_bd09, wgs84_to_gcj02

    forward = wgs84_to_gcj02 if system == "gcj02" else wgs84_to_bd09
    xy = np.array(points)
    line = shapely.LineString(xy)
    hull = shapely.box(xy[:, 0].min() - 0.01, xy[:, 1].min() - 0.01,
                       xy[:, 0].max() + 0.01, xy[:, 1].max() + 0.01)
    hole = hull.centroid.buffer(0.001, 4)
    polygon = shapely.Polygon(hull.exterior.coords, [hole.exterior.coords])

    def shifted(geom):
        return shapely.transform(geom, lambda c: np.column_stack(forward(c[:, 0], c[:, 1])))

    back = shift_to_wgs84([shifted(line), shifted(polygon)], system)
    for original, returned in zip([line, polygon], back, strict=True):
        a = shapely.get_coordinates(original)
        b = shapely.get_coordinates(returned)
        assert a.shape == b.shape
        assert np.abs(a - b).max() < (1e-8 if system == "gcj02" else 5e-6)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.0, 179.99), st.sampled_from(["°′″", "度分秒"]), st.booleans())
def test_dms_round_trip(value, marks, west):
    from siteplan.sources.files import parse_degrees

    d = int(value)
    m = int((value - d) * 60)
    sec = (value - d - m / 60) * 3600
    text = f"{d}{marks[0]}{m}{marks[1]}{sec:.4f}{marks[2]}{'W' if west else 'E'}"
    assert parse_degrees(text) == pytest.approx(-value if west else value, abs=1e-6)


KIND_SPELLINGS = ["greenfield", "Greenfield", "GREENFIELD", "Greenfield tower", "greenfield-tower",
                  "new tower", "新建铁塔", "ＧＲＥＥＮＦＩＥＬＤ"]


@given(st.sampled_from(KIND_SPELLINGS), st.sampled_from(["", " ", "  ", "\u3000"]))
def test_kind_spellings_are_one_kind(kind, pad):
    from siteplan.landuse import site_group
    from siteplan.schema import normalise_kind

    assert normalise_kind(pad + kind + pad) == "greenfield"
    assert site_group(pad + kind + pad) == "new_tower"
