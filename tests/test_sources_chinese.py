"""End to end with a Chinese county planner's own files (tests/chinese_files.py):
plan and check through the CLI; positions within 5 m of the truth; exactly the
land-use conflicts the bureau expects."""

from __future__ import annotations

import json
import shutil

import geopandas as gpd
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
    html = (out / "map.html").read_text(encoding="utf-8")
    # zone popups and the conflicts' popups carry the class and the rule (JSON data island)
    assert "ecological" in html and "forbidden" in html
    assert "new tower: forbidden; new pole: forbidden; existing: allowed" in html


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
