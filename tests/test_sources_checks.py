"""Input checks of issues 25 and 28: headings as planners write them, the
``columns`` option for every source, a candidate's own cost, raw 三调 codes,
coordinate sanity, encodings, size caps and KML edge cases."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
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


# --- coordinate sanity (issue 25) ---------------------------------------------------------------

def _county_config(tmp_path, candidates: str, *, context: bool = True) -> Path:
    from siteplan.datasets import sample_path

    roads = f'context = ["{sample_path("roads.gpkg").as_posix()}"]' if context else ""
    path = tmp_path / "plan.toml"
    path.write_text(f'''[inputs]
candidates = [{candidates}]
targets = "{sample_path("targets.gpkg").as_posix()}"
{roads}
''', encoding="utf-8")
    return path


def _streetlight_list(tmp_path, name, *, gcj: bool, slip_row: int | None = None, n: int = 120):
    from siteplan.datasets import sample_path
    from siteplan.sources.coords import wgs84_to_gcj02

    cands = gpd.read_file(sample_path("candidates.gpkg"))
    lights = cands[cands["kind"] == "streetlight"].sample(n, random_state=3)
    x, y = lights.geometry.x.to_numpy(), lights.geometry.y.to_numpy()
    if gcj:
        x, y = wgs84_to_gcj02(x, y)
    table = pd.DataFrame({"名称": [f"路灯{i}" for i in range(n)], "类型": "路灯",
                          "经度": np.round(x, 6), "纬度": np.round(y, 6)})
    if slip_row is not None:
        table.loc[slip_row, "经度"] = table.loc[slip_row, "纬度"]  # lands in Africa
    path = tmp_path / name
    table.to_csv(path, index=False, encoding="utf-8")
    return path


def _load(config):
    from siteplan.config import load_config
    from siteplan.sources.inputs import load_inputs

    return load_inputs(load_config(config))


def test_gcj02_list_read_as_wgs84_is_warned(tmp_path):
    path = _streetlight_list(tmp_path, "amap.csv", gcj=True)
    notes = _load(_county_config(tmp_path, f'"{path.as_posix()}"')).notes
    assert any("looks like GCJ-02; add crs = 'gcj02'" in n and "amap.csv" in n for n in notes)


def test_gcj02_detector_quiet_on_wgs84_and_with_explicit_crs(tmp_path):
    from siteplan.datasets import sample_path

    wgs = _streetlight_list(tmp_path, "wgs.csv", gcj=False)
    inventory = sample_path("candidates.gpkg").as_posix()
    notes = _load(_county_config(tmp_path, f'"{wgs.as_posix()}", "{inventory}"')).notes
    assert not any("GCJ-02" in n for n in notes)
    gcj = _streetlight_list(tmp_path, "amap.csv", gcj=True)
    inputs = _load(_county_config(tmp_path, f'{{path = "{gcj.as_posix()}", crs = "gcj02"}}'))
    assert not any("looks like GCJ-02" in n for n in inputs.notes)
    assert any("converted from gcj02" in n for n in inputs.notes)


def test_gcj02_detector_against_another_list(tmp_path):
    from siteplan.datasets import sample_path

    gcj = _streetlight_list(tmp_path, "amap.csv", gcj=True)
    inventory = sample_path("candidates.gpkg").as_posix()
    notes = _load(_county_config(tmp_path, f'"{gcj.as_posix()}", "{inventory}"',
                                 context=False)).notes
    assert any("amap.csv: this list looks like GCJ-02" in n for n in notes)
    assert not any("candidates.gpkg: this list looks like" in n for n in notes)


def test_lon_lat_slip_is_rejected_with_its_line(tmp_path):
    path = _streetlight_list(tmp_path, "list.csv", gcj=False, slip_row=100)
    spec = f'{{path = "{path.as_posix()}", on_bad_rows = "report"}}'
    inputs = _load(_county_config(tmp_path, spec))
    table = inputs.rejected[str(path)]
    assert table["line"].tolist() == [102] and "lon equals lat" in table["reason"].iloc[0]
    assert len(inputs.candidates) == 119
    assert any("1 unusable rows skipped" in n for n in inputs.notes)
    with pytest.raises(InputError, match=r"list.csv: 1 point cannot be right: line 102: lon "
                                         r"equals lat"):
        _load(_county_config(tmp_path, f'"{path.as_posix()}"'))


def test_far_and_swapped_points_are_outliers():
    from siteplan.sources.sanity import point_outliers

    pts = [Point(119.5 + i * 0.001, 26.0) for i in range(30)]
    pts += [Point(26.01, 119.52), Point(117.0, 40.0), Point(2.35, 48.85)]
    frame = gpd.GeoDataFrame(geometry=pts, crs=4326)
    found = dict(point_outliers(frame, (119.4, 25.8, 119.7, 26.1), outlier_km=50))
    assert sorted(found) == [30, 31, 32]
    assert "swapped" in found[30] and "km outside the target areas" in found[31]
    spread = gpd.GeoDataFrame(geometry=[Point(110 + i, 30) for i in range(10)], crs=4326)
    assert point_outliers(spread, (119.4, 25.8, 119.7, 26.1), outlier_km=50) == []


def test_stray_part_of_a_target_is_named(tmp_path):
    from shapely.geometry import MultiPolygon

    from siteplan.sources import read_targets
    from siteplan.sources.sanity import check_target_parts

    near = box(119.5, 26.0, 119.52, 26.02)
    stray = MultiPolygon([box(119.53, 26.0, 119.55, 26.02), box(39.5, 26.0, 39.52, 26.02)])
    frame = gpd.GeoDataFrame({"area_id": ["B01", "B02"], "area_class": ["village"] * 2,
                              "environment": ["rural"] * 2, "milestone": [2021] * 2},
                             geometry=[near, stray], crs=4326)
    path = tmp_path / "areas.gpkg"
    frame.to_file(path)
    with pytest.raises(InputError, match=r"area 'B02': a part lies 7,\d{3} km from"):
        check_target_parts(read_targets(path), str(path), stray_part_km=200)
    cfg = tmp_path / "plan.toml"
    lights = _streetlight_list(tmp_path, "l.csv", gcj=False)
    cfg.write_text(f'[inputs]\ncandidates = ["{lights.as_posix()}"]\n'
                   f'targets = "{path.as_posix()}"\n', encoding="utf-8")
    with pytest.raises(InputError, match="area 'B02': a part lies"):
        _load(cfg)


# --- KML (issue 25) -----------------------------------------------------------------------------

_KML = '<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">' \
       '<Document>{}</Document></kml>'


def _kml(tmp_path, body: str):
    path = tmp_path / "x.kml"
    path.write_text(_KML.format(body), encoding="utf-8")
    return path


def test_kml_deeply_nested_folders(tmp_path):
    mark = '<Placemark><name>p</name><Point><coordinates>119.3,26.0</coordinates></Point>' \
           '</Placemark>'
    unnamed = _kml(tmp_path, "<Folder>" * 20_000 + mark + "</Folder>" * 20_000)
    assert read_layer(unnamed)["name"].tolist() == ["p"]
    named = _kml(tmp_path, "<Folder><name>f</name>" * 20_000 + mark + "</Folder>" * 20_000)
    with pytest.raises(InputError, match="folders nested more than 100 deep"):
        read_layer(named)


def test_kml_folders_and_order_kept(tmp_path):
    body = ('<Placemark><name>a</name><Point><coordinates>1,2</coordinates></Point></Placemark>'
            '<Folder><name>2021</name><Folder><name>城区</name><Placemark><name>b</name><Point>'
            '<coordinates>3,4</coordinates></Point></Placemark></Folder></Folder>'
            '<Placemark><name>c</name><Point><coordinates>5,6</coordinates></Point></Placemark>')
    frame = read_layer(_kml(tmp_path, body))
    assert frame["name"].tolist() == ["a", "b", "c"]
    assert frame["folder"].tolist() == ["", "2021/城区", ""]


def test_kml_bad_gx_coord_names_the_placemark(tmp_path):
    body = ('<Placemark><name>轨迹</name><gx:Track><gx:coord>119.3 26.0 0</gx:coord>'
            '<gx:coord>119.4 abc 0</gx:coord></gx:Track></Placemark>')
    with pytest.raises(InputError, match=r"Placemark 1 \('轨迹'\), gx:coord 2: coordinates"):
        read_layer(_kml(tmp_path, body))
    ok = ('<Placemark><name>t</name><gx:Track><gx:coord>119.3 26.0 0</gx:coord>'
          '<gx:coord>119.4 26.1 0</gx:coord></gx:Track></Placemark>')
    assert read_layer(_kml(tmp_path, ok)).geometry.iloc[0].length > 0


def test_kml_nan_coordinates_are_reported_as_nan(tmp_path):
    body = ('<Placemark><name>区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>'
            '119.3,26.0 nan,nan 119.4,26.1 119.3,26.0</coordinates></LinearRing>'
            '</outerBoundaryIs></Polygon></Placemark>')
    with pytest.raises(InputError, match="NaN or infinite") as info:
        read_layer(_kml(tmp_path, body))
    assert "self-intersecting" not in str(info.value)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_nan_geometry_in_a_gis_layer_is_reported_as_nan():
    from shapely.geometry import Polygon

    from siteplan.schema import check_geometry

    frame = gpd.GeoDataFrame(geometry=[Polygon([(0, 0), (np.nan, np.nan), (1, 1), (0, 1)])],
                             crs=4326)
    with pytest.raises(InputError, match="row 1, column 'geometry': a coordinate is NaN"):
        check_geometry(frame, "areas.gpkg", allowed=("Polygon",))


# --- encodings (issue 25) -----------------------------------------------------------------------

#: GBK bytes of 洹颁怠 are also valid UTF-8 (decoding to rare extension-A hanzi).
_TRICKY = "洹颁怠"


def test_gbk_bytes_that_are_valid_utf8_are_read_as_gbk(tmp_path):
    data = f"name,kind,lon,lat\n{_TRICKY},streetlight,119.3,26.0\n".encode("gbk")
    data.decode("utf-8")  # the trap: valid UTF-8 too
    path = tmp_path / "list.csv"
    path.write_bytes(data)
    out = read_layer(path)
    assert out["name"].tolist() == [_TRICKY]
    assert out.attrs["encoding"] == "gb18030"


def test_real_utf8_stays_utf8(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("名称,类型,经度(°),纬度(°)\n五一路路灯,路灯,119.3,26.0\n", encoding="utf-8")
    out = read_open_list(path)
    assert out["name"].tolist() == ["五一路路灯"] and out.attrs["encoding"] == "utf-8"


def test_utf8_bom_followed_by_gbk(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "名称,类型,经度,纬度\n五一路路灯,路灯,119.3,26.0\n"
                     .encode("gbk"))
    out = read_open_list(path)
    assert out["name"].tolist() == ["五一路路灯"]
    assert "gb18030" in out.attrs["encoding"]
    path.write_bytes(b"\xef\xbb\xbfname,kind\n\xff\xfe\xfd,\x80\x81\n")
    with pytest.raises(InputError, match="byte-order mark but is not UTF-8"):
        read_layer(path)


# --- size caps before reading (issue 25) --------------------------------------------------------

def _kmz(path, kml_bytes: int):
    import zipfile

    head = (b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>p</name>'
            b'<Point><coordinates>119.3,26.0</coordinates></Point></Placemark>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("doc.kml", "w", force_zip64=True) as member:
            member.write(head)
            block = b" " * (1 << 20)
            for _ in range(kml_bytes >> 20):
                member.write(block)
            member.write(b"</Document></kml>")
    return path


def test_kmz_member_over_the_cap_is_refused_before_parsing(tmp_path):
    from siteplan.errors import WorkTooLargeError
    from siteplan.sources.limits import limits

    path = _kmz(tmp_path / "big.kmz", 3 << 20)
    assert path.stat().st_size < 100_000  # a small file ...
    with limits(max_text_mb=1), pytest.raises(WorkTooLargeError,
                                             match=r"doc.kml \(declared uncompressed size\) is "
                                                   r"3 MB, over inputs.max_text_mb = 1 MB.*"
                                                   r"--allow-large"):
        read_layer(path)
    with limits(max_text_mb=1, allow_large=True):
        assert read_layer(path)["name"].tolist() == ["p"]


def test_xlsx_rows_counted_before_reading(tmp_path):
    from siteplan.errors import WorkTooLargeError
    from siteplan.sources.limits import limits

    path = tmp_path / "list.xlsx"
    pd.DataFrame({"名称": [f"灯{i}" for i in range(60)], "类型": "路灯",
                  "经度": 119.3, "纬度": 26.0}).to_excel(path, index=False)
    with limits(max_rows=50), pytest.raises(WorkTooLargeError,
                                           match=r"sheet1.xml has more than 50 rows"):
        read_open_list(path)
    with limits(max_rows=100):
        assert len(read_open_list(path)) == 60


def test_load_inputs_caps_and_allow_large(tmp_path):
    from siteplan.config import load_config
    from siteplan.errors import WorkTooLargeError
    from siteplan.sources.inputs import load_inputs

    lights = _streetlight_list(tmp_path, "l.csv", gcj=False, n=40)
    config = _county_config(tmp_path, f'"{lights.as_posix()}"')
    config.write_text(config.read_text() + '\n[assumptions]\n"inputs.max_rows" = 20\n',
                      encoding="utf-8")
    with pytest.raises(WorkTooLargeError, match="l.csv: more than 20 rows"):
        load_inputs(load_config(config))
    assert len(load_inputs(load_config(config), allow_large=True).candidates) == 40


# --- every conversion and dropped row in the notes (issue 28) ----------------------------------

def test_notes_name_total_rows_encodings_and_reprojections(tmp_path):
    from siteplan.datasets import sample_path

    path = tmp_path / "清单.csv"
    path.write_bytes("某县开放清单\n名称,类型,经度,纬度\n灯1,路灯,119.45,25.95\n灯2,路灯,119.46,25.95\n"
                     "合计,2,,\n".encode("gbk"))
    roads = gpd.read_file(sample_path("roads.gpkg")).to_crs(32650)
    roads_path = tmp_path / "roads.gpkg"
    roads.to_file(roads_path)
    config = tmp_path / "plan.toml"
    config.write_text(f'[inputs]\ncandidates = ["{path.as_posix()}", '
                      f'"{sample_path("candidates.gpkg").as_posix()}"]\n'
                      f'targets = "{sample_path("targets.gpkg").as_posix()}"\n'
                      f'context = ["{roads_path.as_posix()}"]\n', encoding="utf-8")
    notes = _load(config).notes
    assert any(n.endswith("清单.csv: line 5 left out: a total row (合计/小计/总计).") for n in notes)
    assert any("清单.csv: text decoded as gb18030" in n for n in notes)
    assert not any("roads.gpkg" in n for n in notes)  # a layer kept as it is needs no note


def test_a_stray_area_is_named_but_a_wide_region_passes():
    from siteplan.sources.sanity import check_target_parts

    def areas(centres):
        return gpd.GeoDataFrame({"area_id": [f"A{i}" for i in range(len(centres))]},
                                geometry=[box(x, y, x + 0.1, y + 0.1) for x, y in centres],
                                crs=4326)

    wide = [(110 + 0.5 * i, 30 + 0.5 * j) for i in range(12) for j in range(8)]  # ~1,100 km
    check_target_parts(areas(wide), "province.gpkg", stray_part_km=200)
    with pytest.raises(InputError, match=r"area 'A3': it lies [\d,]+ km from the nearest other"):
        check_target_parts(areas([(119.3, 26.0), (119.4, 26.0), (119.5, 26.1), (26.0, 26.0)]),
                           "areas.kml", stray_part_km=200)


@settings(max_examples=25, deadline=None)
@given(lon0=st.floats(100.0, 121.0), lat0=st.floats(22.0, 40.0), n=st.integers(12, 60),
       seed=st.integers(0, 10_000))
def test_gcj02_detector_property(lon0, lat0, n, seed):
    """A list of structures another layer also holds: never flagged in WGS84,
    always flagged once written in GCJ-02 (anywhere in mainland China)."""
    from siteplan.sources.coords import wgs84_to_gcj02
    from siteplan.sources.sanity import looks_gcj02

    rng = np.random.default_rng(seed)
    x = lon0 + rng.uniform(0, 0.2, 3 * n)
    y = lat0 + rng.uniform(0, 0.2, 3 * n)
    reference = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    listed = rng.choice(3 * n, n, replace=False)
    wgs = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[listed], y[listed]), crs=4326)
    assert looks_gcj02(wgs, [reference]) is None
    gx, gy = wgs84_to_gcj02(x[listed], y[listed])
    gcj = gpd.GeoDataFrame(geometry=gpd.points_from_xy(gx, gy), crs=4326)
    found = looks_gcj02(gcj, [reference])
    assert found is not None and found[0] >= 0.9 * n
