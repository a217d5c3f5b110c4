"""Input checks of issues 25 and 28: headings as planners write them, the
``columns`` option for every source, a candidate's own cost, raw 三调 codes,
coordinate sanity, encodings, size caps and KML edge cases."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.landuse import prepare_zones
from siteplan.policy import site_costs
from siteplan.sources import read_layer
from siteplan.sources.detect import read_source
from siteplan.sources.openlist import read_open_list

# --- headings (issue 28) ---------------------------------------------------------------------

@pytest.mark.parametrize("lon, lat", [("东经", "北纬"), ("经度(°)", "纬度（度）"),
                                      ("longitude", "latitude"), ("经度（°）", "纬度(度)"),
                                      ("Longitude [deg]", "Latitude [deg]"), ("东经/°", "北纬/°")])
def test_open_list_coordinate_headings(tmp_path, lon, lat):
    path = tmp_path / "list.csv"
    path.write_text(f"名称,类型,{lon},{lat}\n灯1,路灯,119.30,26.08\n", encoding="utf-8")
    out = read_open_list(path)
    assert out.geometry.x.tolist() == [119.30] and out.geometry.y.tolist() == [26.08]


@pytest.mark.parametrize("lon, lat", [("东经", "北纬"), ("经度(°)", "纬度（度）"),
                                      ("Longitude (deg)", "Latitude (deg)")])
def test_point_table_coordinate_headings(tmp_path, lon, lat):
    path = tmp_path / "marks.csv"
    path.write_text(f"站址编码,站址类型,{lon},{lat}\nA1,铁塔,119.30,26.08\n", encoding="utf-8")
    out = read_layer(path)
    assert out.geometry.x.tolist() == [119.30]


def test_columns_option_for_open_lists(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("名称,设施,E坐标,N坐标\n灯1,路灯,119.30,26.08\n", encoding="utf-8")
    out = read_source(path, columns={"kind": "设施", "lon": "E坐标", "lat": "N坐标"})
    assert out["kind"].tolist() == ["streetlight"] and out.geometry.x.tolist() == [119.30]
    assert out["site_id"].tolist() == ["list:2"]  # read as an open list: ids by line
    with pytest.raises(InputError, match="no column 'E'"):
        read_open_list(path, columns={"kind": "设施", "lon": "E", "lat": "N坐标"})


def test_columns_option_names_lon_lat_of_a_point_table(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text("编号,种类,东经度数,北纬度数\nA1,铁塔,119.30,26.08\n", encoding="utf-8")
    out = read_source(path, columns={"lon": "东经度数", "lat": "北纬度数", "kind": "种类"})
    assert out["site_id"].tolist() == ["A1"] and out.geometry.y.tolist() == [26.08]


# --- a candidate's own cost (issue 25) ------------------------------------------------------

def test_candidates_cost_column_is_kept(tmp_path):
    raw = gpd.GeoDataFrame({"site_id": ["a", "b", "c"], "kind": ["tower"] * 3,
                            "cost_cny": [12345, None, "3.5万"]},
                           geometry=[Point(119.3, 26.0)] * 3, crs=4326)
    path = tmp_path / "cands.gpkg"
    raw.to_file(path)
    cands = read_source(path)
    assert cands["own_cost_cny"].tolist()[0] == 12345.0
    costs = site_costs(cands, Assumptions())
    assert costs.tolist() == [12345.0, 20000.0, 35000.0]


def test_open_list_cost_column_is_kept(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("名称,类型,经度,纬度,投资(元)\n灯1,路灯,119.30,26.08,8000\n"
                    "灯2,路灯,119.31,26.08,\n", encoding="utf-8")
    cands = read_open_list(path)
    streetlight = Assumptions()["cost_cny.streetlight"]
    assert site_costs(cands, Assumptions()).tolist() == [8000.0, streetlight]


def test_negative_cost_names_the_row(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("名称,类型,经度,纬度,造价\n灯1,路灯,119.30,26.08,-5\n", encoding="utf-8")
    with pytest.raises(InputError, match="(line|row) 2, column 'cost_cny'.*>= 0"):
        read_open_list(path)


# --- raw 三调 (issue 28) -------------------------------------------------------------------------

def _dltb(codes, names):
    return gpd.GeoDataFrame({"BSM": [str(i) for i in range(len(codes))], "DLBM": codes,
                             "DLMC": names},
                            geometry=[box(i, 0, i + 1, 1) for i in range(len(codes))], crs=4528)


def test_raw_survey_control_line_codes():
    zones, _ = prepare_zones(_dltb(["0101", "JBNT", "STBHHX", "CZKFBJ"],
                                   ["水田", "永久基本农田", "生态保护红线", "城镇开发边界"]))
    assert zones["zone_class"].tolist() == ["cultivated", "basic_farmland",
                                            "ecological_red_line", "urban_development"]


def test_raw_survey_names_fill_unknown_codes():
    zones, notes = prepare_zones(_dltb(["0101", "9999"], ["水田", "乔木林地"]), source="dltb.shp")
    assert zones["zone_class"].tolist() == ["cultivated", "forest"]
    assert any("'DLMC'" in n and "9999" in n for n in notes)


def test_raw_survey_unknown_suggests_class_column():
    with pytest.raises(InputError, match='class_column = "DLMC"'):
        prepare_zones(_dltb(["0101", "9999"], ["水田", "外星用地"]), source="dltb.shp")
