"""Land use: hand-built zones with exactly known conflicts; CLI exit codes."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from siteplan.cli import main
from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.landuse import conflicts, normalise_class, prepare_zones

CRS = 32650


def zones():
    return gpd.GeoDataFrame(
        {"zone_id": ["farm", "red", "forest", "sat"],
         "zone_class": ["永久基本农田", "生态保护红线", "林地", "卫星地球站"]},
        geometry=[box(0, 0, 1000, 1000), box(2000, 0, 3000, 1000), box(4000, 0, 5000, 1000),
                  Point(10000, 0).buffer(50, 64)], crs=CRS)


def sites():
    return gpd.GeoDataFrame(
        {"site_id": ["gf_in", "gf_edge", "sl_in", "sp_farm", "gf_forest", "tw_sat", "gf_out",
                     "gf_red"],
         "kind": ["greenfield", "greenfield", "streetlight", "smart_pole", "greenfield", "tower",
                  "greenfield", "greenfield"]},
        geometry=[Point(500, 500), Point(1000 + 7.5, 500), Point(100, 100), Point(900, 900),
                  Point(4500, 500), Point(10000 + 50 + 400, 0), Point(1500, 500),
                  Point(2500, 500)], crs=CRS)


def test_classes_in_chinese_and_english():
    assert normalise_class("生态保护红线") == "ecological_red_line"
    assert normalise_class("Satellite earth station") == "satellite_earth_station"
    assert normalise_class("moon base") is None


def test_exact_conflicts():
    z, notes = prepare_zones(zones())
    table = conflicts(sites(), z, Assumptions()).set_index("site_id")
    # farmland: a new tower inside is forbidden with its whole 15 m compound
    assert table.loc["gf_in", "rule"] == "forbidden"
    assert table.loc["gf_in", "overlap_m2"] == pytest.approx(225.0)
    # a compound whose centre is 7.5 m outside touches the boundary: overlap 0, still a
    # conflict because the compound touches farmland (intersects)
    assert table.loc["gf_edge", "zone_id"] == "farm"
    assert table.loc["gf_edge", "overlap_m2"] == pytest.approx(0.0)
    # a new smart pole on farmland is restricted (1 m² base); a streetlight takes no land
    assert table.loc["sp_farm", "rule"] == "restricted"
    assert table.loc["sp_farm", "overlap_m2"] == pytest.approx(1.0)
    assert "sl_in" not in table.index
    assert table.loc["gf_forest", "rule"] == "restricted"
    assert table.loc["gf_red", "rule"] == "forbidden"
    # an existing tower 400 m from a satellite earth station (buffer 1,000 m): forbidden
    assert table.loc["tw_sat", "zone_class"] == "satellite_earth_station"
    assert table.loc["tw_sat", "rule"] == "forbidden"
    assert table.loc["tw_sat", "distance_m"] == pytest.approx(400.0, abs=0.5)
    assert "gf_out" not in table.index
    assert len(table) == 6 and notes == []


def test_buffer_edge_and_override():
    z, _ = prepare_zones(zones())
    outside = sites().iloc[[5]].assign(geometry=[Point(10000 + 50 + 1001, 0)])
    assert conflicts(outside, z, Assumptions()).empty
    relaxed = Assumptions({"landuse.buffer_m.satellite_earth_station": 2000.0})
    assert len(conflicts(outside, z, relaxed)) == 1


def test_bad_zones():
    with pytest.raises(InputError, match="--class-column"):
        prepare_zones(zones().rename(columns={"zone_class": "kind"}))
    with pytest.raises(InputError, match=r"unknown zone classes \['moon'\].*basic_farmland"):
        prepare_zones(zones().assign(zone_class=["moon", "林地", "林地", "林地"]))
    bow = zones()
    bow.loc[0, "geometry"] = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])
    fixed, notes = prepare_zones(bow)
    assert fixed.geometry.is_valid.all() and "make_valid" in notes[0]


def test_check_landuse_cli_exit_codes(tmp_path):
    z = zones()
    z.to_file(tmp_path / "zones.gpkg")
    s = sites()
    s.to_file(tmp_path / "sites.gpkg")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["check-landuse", str(tmp_path / "sites.gpkg"),
                                  str(tmp_path / "zones.gpkg"), "--out", str(out)])
    assert r.exit_code == 1, r.output
    table = pd.read_csv(out / "conflicts.csv")
    assert list(table.columns[:6]) == ["site_id", "kind", "zone_id", "zone_class", "rule",
                                       "overlap_m2"]
    assert json.loads((out / "summary.json").read_text())["forbidden_conflicts"] == 4
    assert (out / "map.html").exists() and (out / "conflicts.gpkg").exists()
    ok = s[s["site_id"].isin(["gf_out", "sl_in", "gf_forest"])]
    ok.rename(columns={"site_id": "code"}).to_file(tmp_path / "ok.gpkg")
    z.rename(columns={"zone_class": "类别"}).to_file(tmp_path / "zones2.gpkg")
    r = CliRunner().invoke(main, ["check-landuse", str(tmp_path / "ok.gpkg"),
                                  str(tmp_path / "zones2.gpkg"), "--out", str(tmp_path / "o2"),
                                  "--id-column", "code", "--class-column", "类别"])
    assert r.exit_code == 0, r.output
    # sites in WGS84, zones in UTM: the zones are reprojected (said so), same conflicts
    # (gf_edge, whose compound only touches the farmland, is left out: a round trip
    # through degrees moves it by float noise either way)
    s[s["site_id"] != "gf_edge"].to_crs(4326).to_file(tmp_path / "wgs.gpkg")
    r = CliRunner().invoke(main, ["check-landuse", str(tmp_path / "wgs.gpkg"),
                                  str(tmp_path / "zones.gpkg"), "--out", str(tmp_path / "o3")])
    assert r.exit_code == 1, r.output
    assert "reprojected" in r.output
    again = json.loads((tmp_path / "o3" / "summary.json").read_text())
    assert again["forbidden_conflicts"] == 3
    got = pd.read_csv(tmp_path / "o3" / "conflicts.csv").set_index("site_id")
    assert sorted(got.index) == ["gf_forest", "gf_in", "gf_red", "sp_farm", "tw_sat"]
    assert got.loc["tw_sat", "distance_m"] == pytest.approx(400.0, abs=0.5)
    assert any("reprojected" in n for n in again["notes"])


def test_sample_plan_has_no_forbidden_sites(sample):
    from siteplan.datasets import sample_path
    from siteplan.planner import plan
    from siteplan.sources import read_layer

    candidates, targets, config = sample
    p = plan(candidates, targets, landuse=read_layer(sample_path("landuse.gpkg")),
             assumptions={"demand.spacing_m": 300.0}, time_limit_s=2)
    assert len(p.excluded) > 0 and p.excluded["reason"].str.startswith("forbidden").all()
    for m in p.milestones:
        assert (p.site_conflicts(m.milestone)["rule"] != "forbidden").all()
    assert not set(p.excluded["site_id"]) & set(p.sites(2022)["site_id"])


def _station_case(crs_zones, crs_sites):
    """A satellite earth station at 26°N 113°E (buffer 1,000 m), a tower
    950 m east of it and one 1,050 m east, both measured on the ground."""
    utm = 32649
    centre = gpd.GeoSeries([Point(113.0, 26.0)], crs=4326).to_crs(utm).iloc[0]
    station = gpd.GeoDataFrame({"zone_id": ["sat"], "zone_class": ["卫星地球站"]},
                               geometry=[centre.buffer(30, 64)], crs=utm)
    towers = gpd.GeoDataFrame(
        {"site_id": ["near", "far"], "kind": ["tower", "tower"]},
        geometry=[Point(centre.x + 30 + 950, centre.y), Point(centre.x + 30 + 1050, centre.y)],
        crs=utm)
    return station.to_crs(crs_zones), towers.to_crs(crs_sites)


@pytest.mark.parametrize("crs", [4326, 3857, 32649, 4547, 4490])
def test_same_verdict_in_every_crs_family(tmp_path, crs):
    """Issue 25: distances and buffers in the data's local metric CRS whatever
    the layers' CRS (geographic, Web Mercator, UTM, CGCS2000 Gauss-Krüger):
    the tower 950 m from the station is forbidden, the one 1,050 m away is not."""
    station, towers = _station_case(crs, crs)
    z, _ = prepare_zones(station)
    table = conflicts(towers, z, Assumptions())
    assert table["site_id"].tolist() == ["near"]
    assert table["distance_m"].iloc[0] == pytest.approx(950.0, abs=1.0)
    assert _check_landuse_cli(tmp_path, station, towers)["site_id"].tolist() == ["near"]


def _check_landuse_cli(tmp_path, zones, sites) -> pd.DataFrame:
    """``siteplan check-landuse`` on the two layers: the conflicts it reports (exit 1)."""
    zones.to_file(tmp_path / "zones.gpkg")
    sites.to_file(tmp_path / "sites.gpkg")
    r = CliRunner().invoke(main, ["check-landuse", str(tmp_path / "sites.gpkg"),
                                  str(tmp_path / "zones.gpkg"), "--out", str(tmp_path / "o")])
    assert r.exit_code == 1, r.output
    return pd.read_csv(tmp_path / "o" / "conflicts.csv")


@pytest.mark.parametrize(("zones_crs", "sites_crs"), [(3857, 4326), (4326, 3857), (3857, 4547)])
def test_mixed_crs_same_verdict(tmp_path, zones_crs, sites_crs):
    station, towers = _station_case(zones_crs, sites_crs)
    got = _check_landuse_cli(tmp_path, station, towers)
    assert got["site_id"].tolist() == ["near"]
    assert got["distance_m"].iloc[0] == pytest.approx(950.0, abs=1.0)


def test_local_metric_crs_keeps_a_local_zone_and_refuses_mercator():
    from siteplan.landuse import local_metric_crs

    station, towers = _station_case(4547, 3857)
    assert local_metric_crs(station, towers).to_epsg() == 4547
    assert local_metric_crs(towers).to_epsg() == 32649
    far = station.to_crs(4326).translate(xoff=20.0)  # 133°E: not the 114°E GK zone
    assert local_metric_crs(gpd.GeoDataFrame(geometry=far, crs=4326).to_crs(4547)).to_epsg() \
        != 4547


def test_several_raw_layers_with_a_class_each_on_the_command_line(tmp_path):
    """Issue 28: ``--zones FILE --zones FILE:CLASS`` (no TOML needed): a parcel
    layer with its own class column and a control-line layer without one."""
    z = zones()
    z[z["zone_id"] != "red"].to_file(tmp_path / "地类图斑.gpkg")
    red = z[z["zone_id"] == "red"][["geometry"]].assign(HXMC="某山")
    red.to_file(tmp_path / "生态保护红线.gpkg")
    sites().to_file(tmp_path / "sites.gpkg")
    r = CliRunner().invoke(main, [
        "check-landuse", str(tmp_path / "sites.gpkg"), "--out", str(tmp_path / "o"),
        "--zones", str(tmp_path / "地类图斑.gpkg"),
        "--zones", f"{tmp_path / '生态保护红线.gpkg'}:生态保护红线"])
    assert r.exit_code == 1, r.output
    got = pd.read_csv(tmp_path / "o" / "conflicts.csv").set_index("site_id")
    assert got.loc["gf_red", "zone_class"] == "ecological_red_line"
    assert got.loc["gf_red", "rule"] == "forbidden"
    assert got.loc["gf_in", "zone_class"] == "basic_farmland"
    r = CliRunner().invoke(main, [
        "check-landuse", str(tmp_path / "sites.gpkg"), "--out", str(tmp_path / "o2"),
        "--zones", f"{tmp_path / '生态保护红线.gpkg'}:moon base"])
    assert r.exit_code == 2 and "unknown zone classes" in r.output
    r = CliRunner().invoke(main, [
        "check-landuse", str(tmp_path / "sites.gpkg"), "--out", str(tmp_path / "o2"),
        "--zones", str(tmp_path / "地类图斑.gpkg"), "--class", "林地"])
    assert r.exit_code == 2 and "FILE:CLASS" in r.output


def test_one_validator_for_rules_in_every_reader():
    """Issue 26: check_rules accepted 禁止 where Assumptions refused it; both now
    go through the key's one validator."""
    from siteplan.errors import ConfigError
    from siteplan.landuse import check_rules

    key = "landuse.rule.forest.new_tower"
    for word, rule in (("禁止", "forbidden"), ("限制", "restricted"), ("Allowed", "allowed")):
        assert Assumptions({key: word})[key] == rule
        assert check_rules({key: word})[key] == rule
    for bad in ("forbiden", "maybe", 3):
        with pytest.raises(ConfigError) as plain:
            check_rules({key: bad})
        with pytest.raises(ConfigError) as table:
            Assumptions({key: bad})
        assert str(plain.value) == str(table.value)


@settings(max_examples=20, deadline=None)
@given(distance_m=st.floats(40.0, 2000.0).filter(lambda d: abs(d - 1000.0) > 3.0),
       bearing=st.floats(0.0, 2 * np.pi), lat=st.floats(18.0, 45.0),
       crs=st.sampled_from(["4326", "3857", "utm", "gk"]))
def test_buffer_verdict_holds_in_any_crs(distance_m, bearing, lat, crs):
    """Property: a tower ``distance_m`` from a satellite earth station's edge
    (buffer 1,000 m) is forbidden exactly when it is within 1,000 m on the
    ground, whatever CRS both layers are in and wherever in China."""
    lon = 114.0
    utm = gpd.GeoSeries([Point(lon, lat)], crs=4326).estimate_utm_crs()
    centre = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(utm).iloc[0]
    station = gpd.GeoDataFrame({"zone_id": ["sat"], "zone_class": ["卫星地球站"]},
                               geometry=[centre.buffer(30, 256)], crs=utm)
    tower = Point(centre.x + (30 + distance_m) * np.cos(bearing),
                  centre.y + (30 + distance_m) * np.sin(bearing))
    sites = gpd.GeoDataFrame({"site_id": ["t"], "kind": ["tower"]}, geometry=[tower], crs=utm)
    target = {"4326": 4326, "3857": 3857, "utm": utm, "gk": 4547}[crs]
    z, _ = prepare_zones(station.to_crs(target))
    table = conflicts(sites.to_crs(target), z, Assumptions())
    assert (len(table) == 1) == (distance_m <= 1000.0)
    if len(table):
        assert table["distance_m"].iloc[0] == pytest.approx(distance_m, abs=2.0)
