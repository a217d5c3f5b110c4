"""Real inventories: OpenStreetMap, OpenCelliD, open-resource lists, merging."""

from __future__ import annotations

import gzip

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from siteplan.cli import main
from siteplan.datasets import data_path
from siteplan.errors import InputError
from siteplan.sources import (
    merge_candidates,
    read_open_list,
    read_opencellid,
    read_osm,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from siteplan.sources.opencellid import COLUMNS

OSM = data_path("osm/helsinki.osm.pbf")
OCID = data_path("opencellid/ocid-diff-2022-09-10.csv")


@pytest.fixture(scope="module")
def helsinki():
    return read_osm(OSM)


def test_helsinki_street_furniture_counts(helsinki):
    counts = helsinki["kind"].value_counts()
    # every street_lamp, surveillance and utility_pole node (data/README.md)
    assert counts["streetlight"] == 586
    assert counts["monitoring_pole"] == 221
    assert counts["power_pole"] == 85
    assert helsinki["site_id"].is_unique
    assert helsinki.crs.to_epsg() == 4326
    assert (helsinki.geom_type == "Point").all()
    assert set(helsinki["source"]) == {"osm"}


def test_helsinki_public_buildings_get_roof_points_and_heights(helsinki):
    kiasma = helsinki[helsinki["name"] == "Kiasma"].iloc[0]
    assert kiasma["kind"] == "public_building" and kiasma["osm_type"] == "way"
    assert kiasma["height_m"] == pytest.approx(12.0)  # 4 levels x 3 m
    assert kiasma["site_id"] == f"osm:way/{kiasma['osm_id']}"
    town_hall = helsinki[helsinki["name"] == "Helsingin kaupungintalo"].iloc[0]
    assert town_hall["height_m"] == pytest.approx(6.0)  # height=6


OSM_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="hand">
  <node id="1" lat="26.080" lon="119.300"><tag k="man_made" v="mast"/>
    <tag k="tower:type" v="communication"/><tag k="operator" v="China Tower"/>
    <tag k="height" v="30 ft"/></node>
  <node id="2" lat="26.081" lon="119.301"><tag k="man_made" v="mast"/></node>
  <node id="3" lat="26.082" lon="119.302"><tag k="power" v="pole"/></node>
  <node id="4" lat="26.083" lon="119.303"><tag k="highway" v="traffic_signals"/></node>
  <node id="10" lat="26.0900" lon="119.3100"/>
  <node id="11" lat="26.0900" lon="119.3110"/>
  <node id="12" lat="26.0910" lon="119.3110"/>
  <node id="13" lat="26.0910" lon="119.3100"/>
  <way id="20"><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="civic"/><tag k="name" v="&lt;b&gt;区政府&lt;/b&gt;"/>
    <tag k="building:levels" v="5"/></way>
</osm>
"""


def test_osm_xml_tags_map_to_kinds(tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    out = read_osm(path).set_index("site_id")
    assert out.loc["osm:node/1", "kind"] == "tower"
    assert out.loc["osm:node/1", "owner"] == "China Tower"
    assert out.loc["osm:node/1", "height_m"] == pytest.approx(9.144)
    assert "osm:node/2" not in out.index  # a mast without tower:type=communication
    assert out.loc["osm:node/3", "kind"] == "power_pole"
    assert out.loc["osm:node/4", "kind"] == "traffic_pole"
    hall = out.loc["osm:way/20"]
    assert hall["kind"] == "public_building" and hall["name"] == "<b>区政府</b>"
    assert hall["height_m"] == pytest.approx(15.0)
    assert 119.31 < hall.geometry.x < 119.311 and 26.09 < hall.geometry.y < 26.091


def test_osm_bad_files_are_clear_errors(tmp_path):
    corrupt = tmp_path / "broken.osm.pbf"
    corrupt.write_bytes(b"\x00\x01not a pbf at all" * 10)
    with pytest.raises(InputError, match="broken.osm.pbf"):
        read_osm(corrupt)
    empty = tmp_path / "empty.osm"
    empty.write_text("<?xml version='1.0'?><osm version='0.6'>"
                     "<node id='1' lat='1' lon='1'><tag k='amenity' v='bench'/></node></osm>")
    with pytest.raises(InputError, match="no candidate structures"):
        read_osm(empty)
    with pytest.raises(InputError, match=r"\.osm or \.osm\.pbf"):
        read_osm(OCID)


@pytest.fixture(scope="module")
def ocid_sites():
    return read_opencellid(OCID)


def test_opencellid_groups_every_cell_into_sites(ocid_sites):
    raw = pd.read_csv(OCID)
    assert ocid_sites["n_cells"].sum() == len(raw) == 45_745
    assert len(ocid_sites) < len(raw)
    assert set(ocid_sites["kind"]) == {"existing_site"}
    assert ocid_sites["site_id"].is_unique


def test_opencellid_filters(ocid_sites):
    raw = pd.read_csv(OCID)
    lte = read_opencellid(OCID, radio="LTE", mcc=[262], mnc=1)
    expected = raw[(raw.radio == "LTE") & (raw.mcc == 262) & (raw.net == 1)]
    assert lte["n_cells"].sum() == len(expected)
    assert set(lte["radios"]) == {"LTE"} and set(lte["mnc"]) == {1}
    box = (10.0, 50.0, 11.0, 51.0)
    boxed = read_opencellid(OCID, bbox=box)
    inside = raw.lon.between(10, 11) & raw.lat.between(50, 51)
    assert boxed["n_cells"].sum() == inside.sum()
    china = read_opencellid(OCID, mcc=460, radio="4G")
    assert set(china["operator"]) <= {"China Mobile", "China Unicom", "China Telecom"}
    with pytest.raises(InputError, match="unknown radio"):
        read_opencellid(OCID, radio="6G")
    with pytest.raises(InputError, match="no cell left"):
        read_opencellid(OCID, mcc=999)


def test_opencellid_headerless_gzip_reads_the_same(tmp_path):
    raw = pd.read_csv(OCID).head(3000)
    path = tmp_path / "cells.csv.gz"
    with gzip.open(path, "wt") as handle:
        raw.to_csv(handle, header=False, index=False)
    plain = tmp_path / "cells.csv"
    raw.to_csv(plain, index=False)
    a, b = read_opencellid(path), read_opencellid(plain)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                  pd.DataFrame(b.drop(columns="geometry")))


def test_opencellid_cells_of_one_site(tmp_path):
    rows = [("LTE", 460, 0, 1, 11, 0, 119.3000, 26.08), ("NR", 460, 0, 1, 12, 0, 119.3002, 26.08),
            ("LTE", 460, 1, 1, 13, 0, 119.3001, 26.08), ("LTE", 460, 0, 1, 14, 0, 119.31, 26.08)]
    frame = pd.DataFrame([r + (100, 5, 1, 0, 0, 0) for r in rows], columns=list(COLUMNS))
    path = tmp_path / "c.csv"
    frame.to_csv(path, index=False)
    sites = read_opencellid(path, site_distance_m=50).set_index("site_id")
    assert sites.loc["ocid:460-0-1-11", "n_cells"] == 2  # 20 m apart, same operator
    assert sites.loc["ocid:460-0-1-11", "radios"] == "LTE,NR"
    assert sites.loc["ocid:460-0-1-11", "operator"] == "China Mobile"
    assert sites.loc["ocid:460-1-1-13", "operator"] == "China Unicom"
    assert len(sites) == 3
    assert len(read_opencellid(path, site_distance_m=10)) == 4


def test_opencellid_bad_rows_named_by_line(tmp_path):
    text = OCID.read_text().splitlines()[:6]
    text[3] = text[3].replace(",50.", ",abc", 1)  # line 4: latitude not a number
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(text) + "\n")
    with pytest.raises(InputError, match=r"line 4, column 'lat'"):
        read_opencellid(path)
    with pytest.warns(UserWarning, match="1 row cannot be read"):
        sites = read_opencellid(path, on_bad_rows="report")
    assert sites.attrs["rejected"]["line"].tolist() == [4]
    assert sites["n_cells"].sum() == 4
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_opencellid(empty)
    other = tmp_path / "other.csv"
    other.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InputError, match="not an OpenCelliD"):
        read_opencellid(other)


LIST_ZH = ("编号,名称,类型,经度,纬度,产权单位,高度（米）,是否免费开放\n"
           "FZ-001,五一路路灯12号,路灯,{lon1},{lat1},城市管理局,10,是\n"
           "FZ-002,东街口监控,监控杆,{lon2},{lat2},公安局,6米,否\n"
           "FZ-003,市民中心,楼顶,{lon2},{lat1},市机关事务局,,是\n")


def test_open_list_chinese_csv_in_gcj02(tmp_path):
    wgs = [(119.3000, 26.0800), (119.3100, 26.0900)]
    gcj = [wgs84_to_gcj02(*p) for p in wgs]
    path = tmp_path / "开放清单.csv"
    path.write_text(LIST_ZH.format(lon1=gcj[0][0], lat1=gcj[0][1], lon2=gcj[1][0],
                                   lat2=gcj[1][1]), encoding="utf-8-sig")
    out = read_open_list(path, crs="gcj02").set_index("site_id")
    assert out["kind"].tolist() == ["streetlight", "monitoring_pole", "rooftop"]
    assert out.loc["FZ-002", "height_m"] == 6.0 and np.isnan(out.loc["FZ-003", "height_m"])
    assert out["open_access"].tolist() == [True, False, True]
    metric = out.to_crs(32650)
    truth = gpd.GeoSeries([Point(*wgs[0]), Point(*wgs[1])], crs=4326).to_crs(32650)
    assert metric.geometry.iloc[:2].distance(truth, align=False).max() < 1.0


def test_open_list_english_xlsx_in_bd09(tmp_path):
    bd = wgs84_to_bd09(119.30, 26.08)
    frame = pd.DataFrame({"Name": ["Pole 1"], "Type": ["traffic_pole"], "Longitude": [bd[0]],
                          "Latitude": [bd[1]], "Owner": ["Traffic police"], "Height": [7],
                          "Free": ["yes"]})
    path = tmp_path / "list.xlsx"
    frame.to_excel(path, index=False)
    out = read_open_list(path, crs="bd09")
    assert out.iloc[0]["kind"] == "traffic_pole" and out.iloc[0]["owner"] == "Traffic police"
    back = gpd.GeoSeries([out.geometry.iloc[0], Point(119.30, 26.08)], crs=4326).to_crs(32650)
    assert back.iloc[0].distance(back.iloc[1]) < 1.0


def test_open_list_bad_input(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("名字,种类,东经,北纬\n灯,路灯,119.3,26.08\n", encoding="utf-8")
    with pytest.raises(InputError, match="cannot find the column.*kind.*columns = "):
        read_open_list(path)  # 东经/北纬 are recognised (issue 28); the kind is not
    path.write_text("名称,类型,经度,纬度\nA,路灯,119.3,26.08\nB,路灯,26.08,119.3\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3.*swapped"):
        read_open_list(path)
    path.write_text("名称,类型,经度,纬度\nA,路灯,2.35,48.85\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2.*outside the range of gcj02"):
        read_open_list(path, crs="gcj02")
    path.write_text("名称,类型,经度,纬度\nA,路灯,119.3,26.08\nB,广告牌,119.31,26.08\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="line 3.*unknown kind '广告牌'.*路灯"):
        read_open_list(path)
    with pytest.warns(UserWarning):
        out = read_open_list(path, on_bad_rows="report")
    assert len(out) == 1 and out.attrs["rejected"]["line"].tolist() == [3]
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_open_list(path)


def _layer(ids, kinds, points, source, crs=4326):
    return gpd.GeoDataFrame({"site_id": ids, "kind": kinds, "source": source},
                            geometry=[Point(p) for p in points], crs=crs)


def test_merge_same_structure_keeps_every_source_id():
    osm = _layer(["osm:node/1", "osm:node/2"], ["streetlight", "monitoring_pole"],
                 [(24.94, 60.17), (24.94002, 60.17)], "osm")
    city = _layer(["L-7", "L-8"], ["streetlight", "streetlight"],
                  [(24.94003, 60.17), (24.95, 60.17)], "city.csv")
    ocid = _layer(["ocid:244-5-1-2"], ["existing_site"], [(24.96, 60.17)], "opencellid")
    mast = _layer(["osm:node/9"], ["tower"], [(24.96002, 60.17)], "osm")
    merged = merge_candidates([osm, city, ocid, mast]).set_index("site_id")
    assert merged.loc["osm:node/1", "source_ids"] == "osm:node/1;L-7"
    assert merged.loc["osm:node/1", "source"] == "osm+city.csv"
    assert merged.loc["ocid:244-5-1-2", "source_ids"] == "ocid:244-5-1-2;osm:node/9"
    assert len(merged) == 4  # lamp (2 sources), camera pole, L-8, mast (2 sources)
    multi = merge_candidates([osm, city], multi_use=True)
    assert len(multi) == 2
    pole = multi.set_index("site_id").loc["osm:node/1"]
    assert pole["uses"] == "monitoring_pole+streetlight" and pole["kind"] == "streetlight"


def test_merge_rejects_mixed_crs():
    a = _layer(["a"], ["tower"], [(119.3, 26.08)], "a.gpkg")
    b = _layer(["b"], ["tower"], [(119.3, 26.08)], "b.gpkg", crs=4490)
    with pytest.raises(InputError, match="mixed coordinate systems.*EPSG:4490"):
        merge_candidates([a, b])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 0.002), st.floats(0, 0.002),
                          st.sampled_from(["streetlight", "monitoring_pole", "tower"])),
                min_size=1, max_size=30),
       st.booleans())
def test_merge_accounts_for_every_input_once(points, multi):
    frame = _layer([f"s{i}" for i in range(len(points))], [k for _, _, k in points],
                   [(119.3 + x, 26.08 + y) for x, y, _ in points], "gen")
    merged = merge_candidates([frame], multi_use=multi)
    ids = [i for joined in merged["source_ids"] for i in joined.split(";")]
    assert sorted(ids) == sorted(frame["site_id"])
    assert len(merged) <= len(frame)


def test_candidates_command_end_to_end(tmp_path):
    lst = tmp_path / "list.csv"
    lst.write_text("名称,类型,经度,纬度,产权单位\n路灯A,路灯,24.9400,60.1700,Helen\n"
                   "B,广告牌,24.941,60.17,x\n", encoding="utf-8")
    out = tmp_path / "cands.gpkg"
    args = ["candidates", str(OSM), str(lst), "--out", str(out), "--multi-use"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "unknown kind" in result.output
    assert not out.exists()
    result = CliRunner().invoke(main, [*args, "--skip-bad-rows"])
    assert result.exit_code == 0, result.output
    written = gpd.read_file(out)
    assert "total" in result.output and len(written) > 2000
    assert set(written["source"].str.split("+").str[0]) == {"osm", "list.csv"}
    rejected = pd.read_csv(tmp_path / "cands_rejected.csv")
    assert rejected["line"].tolist() == [3]
    csv_out = tmp_path / "c.csv"
    result = CliRunner().invoke(main, ["candidates", str(lst), "--out", str(csv_out),
                                       "--skip-bad-rows"])
    assert result.exit_code == 0 and {"lon", "lat"} <= set(pd.read_csv(csv_out).columns)


def test_readme_example_plans_central_helsinki_from_osm(tmp_path):
    out = tmp_path / "hki"
    result = CliRunner().invoke(main, ["plan", str(data_path("osm/helsinki.toml")), "--out",
                                       str(out), "--offline", "--no-compare-radius"])
    assert result.exit_code == 0, result.output
    for year in (2026, 2027):
        sites = pd.read_csv(out / f"sites_{year}.csv")
        assert len(sites) > 0 and sites["site_id"].str.startswith("osm:").all()
        assert sites["kind"].isin(["streetlight", "monitoring_pole", "power_pole",
                                   "traffic_pole", "public_building"]).all()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "Central Helsinki" in report and "| HKI\\-core |" in report  # Markdown-escaped


def test_config_with_two_inventories_and_osm_reads(tmp_path):
    from siteplan.datasets import sample_path
    from siteplan.sources.detect import read_source
    from siteplan.sources.merge import concat_candidates

    first = read_source(sample_path("candidates.gpkg"))
    second = read_source(sample_path("candidates.gpkg"))
    second["site_id"] = "b-" + second["site_id"]
    stacked = concat_candidates([first, second], ["a.gpkg", "b.gpkg"])
    assert len(stacked) == 2 * len(first)
    osm = read_source(OSM)
    merged = merge_candidates([first.to_crs(4326), osm])
    assert {"osm", "candidates.gpkg"} <= set(merged["source"])
