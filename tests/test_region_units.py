"""Region config, unit layers, partitions and the stitch's arithmetic (no planning)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from siteplan.cli import main
from siteplan.config import LayerSpec
from siteplan.datasets.province import build_province, write_province
from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.region.config import load_region_config
from siteplan.region.partition import longest_reach_m, partition_region, read_inputs
from siteplan.region.stitch import needed_share
from siteplan.region.units import read_units, safe_folder, tile_units


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """A 2 x 1 county province on disk (inputs only)."""
    folder = tmp_path_factory.mktemp("prov")
    write_province(folder, 2, 1, spacing_m=800, time_limit_s=0.5)
    return folder


def _units(tmp_path, frame, name="units.gpkg"):
    path = tmp_path / name
    frame.to_file(path, engine="pyogrio")
    return LayerSpec(path=path)


def test_province_is_seeded_tiled_and_unique():
    a, b = build_province(2, 1), build_province(2, 1)
    for key in a:
        assert a[key].equals(b[key]), key
    units = a["units"].to_crs(32650)
    assert len(units) == 2
    # the units tile the province: no overlaps, area = union area
    assert abs(units.area.sum() - units.union_all().area) < 1.0
    assert a["candidates"]["site_id"].is_unique and a["targets"]["area_id"].is_unique
    # a provincial road corridor crosses the border: it reaches into both units
    t = a["targets"].to_crs(32650).set_index("area_id")
    corridor = t.loc["P01-02", "geometry"]
    assert all(corridor.intersection(u).area > 1e5 for u in units.geometry)


def test_read_units_names_file_row_and_column(tmp_path):
    good = gpd.GeoDataFrame({"code": ["A", "B"], "name": ["a", "b"]},
                            geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326)
    units = read_units(_units(tmp_path, good))
    assert units["unit_code"].tolist() == ["A", "B"]
    assert units["folder"].tolist() == ["001-A", "002-B"]
    with pytest.raises(InputError, match=r"no column 'county'.*code_column"):
        read_units(_units(tmp_path, good), code_column="county")
    dup = good.assign(code=["A", "A"])
    with pytest.raises(InputError, match=r"units_dup.gpkg, rows \[1, 2\], column 'code'.*'A'"):
        read_units(_units(tmp_path, dup, "units_dup.gpkg"))
    empty = good.assign(code=["A", ""])
    with pytest.raises(InputError, match=r"row 2, column 'code': empty unit code"):
        read_units(_units(tmp_path, empty, "units_empty.gpkg"))
    lines = gpd.GeoDataFrame({"code": ["A"], "name": ["a"]},
                             geometry=[LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(InputError, match=r"row 1, column 'geometry'.*LineString.*polygons"):
        read_units(_units(tmp_path, lines, "units_lines.gpkg"))


def test_folder_names_are_safe():
    for code in ["../../etc", "a/b", "C:\\x", "..", "<script>"]:
        name = safe_folder(1, code)
        assert "/" not in name and "\\" not in name and ".." not in name


def test_tiles_cover_the_targets():
    targets = gpd.GeoDataFrame(geometry=[box(0, 0, 25_000, 9_000), box(40_000, 0, 41_000, 500)],
                               crs=32650)
    tiles = tile_units(targets, tile_km=10)
    assert set(tiles["unit_code"]) == {"T00_00", "T00_01", "T00_02", "T00_04"}
    assert tiles.union_all().contains(targets.union_all())


def test_region_config_errors(tmp_path, province):
    text = (province / "region.toml").read_text()
    cfg = load_region_config(province / "region.toml")
    assert cfg.units is not None and cfg.code_column == "code" and cfg.retries == 1
    (tmp_path / "a.toml").write_text(text.replace("[region]", "[other]"))
    with pytest.raises(ConfigError):
        load_region_config(tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text(text.split("[region]")[0])
    with pytest.raises(ConfigError, match=r"no \[region\] table"):
        load_region_config(tmp_path / "b.toml")
    (province / "c.toml").write_text(text.replace('units = "units.gpkg"', 'units = "nope.gpkg"'))
    with pytest.raises(ConfigError, match=r"units file 'nope.gpkg' not found"):
        load_region_config(province / "c.toml")
    (province / "d.toml").write_text(text + "retries = -1\n")
    with pytest.raises(ConfigError, match=r"\[region.retries\]"):
        load_region_config(province / "d.toml")


def test_cli_bad_unit_layer_exits_2(tmp_path, province):
    bad = gpd.read_file(province / "units.gpkg")
    bad["code"] = ["C01", "C01"]
    bad.to_file(province / "units_bad.gpkg", engine="pyogrio")
    text = (province / "region.toml").read_text().replace("units.gpkg", "units_bad.gpkg")
    (province / "bad.toml").write_text(text)
    result = CliRunner().invoke(main, ["plan-region", str(province / "bad.toml"),
                                       "--out", str(tmp_path / "out"), "--loop"])
    assert result.exit_code == 2, result.output
    assert "units_bad.gpkg, rows [1, 2], column 'code'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_partitions_have_halo_and_are_written_once(tmp_path, province):
    cfg = load_region_config(province / "region.toml")
    cands, targets, landuse = read_inputs(cfg.plan)[:3]
    units = read_units(cfg.units)
    reach = longest_reach_m(cands, cfg.plan.assumptions)
    parts, metric, home = partition_region(units, cands, targets, landuse, reach_m=reach,
                                           work_dir=tmp_path)
    assert all(p.written for p in parts)
    units_m = units.to_crs(metric)
    for p, unit in zip(parts, units_m.geometry, strict=True):
        c = gpd.read_parquet(p.path / "candidates.parquet")
        d = c.distance(unit)
        assert d.max() <= reach + 1e-6
        everyone = cands.to_crs(metric)
        near = everyone[everyone.distance(unit) <= reach - 1.0]
        assert set(near["site_id"]) <= set(c["site_id"])  # the whole halo is there
        assert (d > 0).any()  # and it reaches across the border
        t = gpd.read_parquet(p.path / "targets.parquet")
        assert t.geometry.within(unit.buffer(1.0)).all()
        assert set(c.loc[d == 0, "unit_code"]) == {p.unit_code}
    assert set(home.values()) == set(units["unit_code"])
    again, _, _ = partition_region(units, cands, targets, landuse, reach_m=reach,
                                   work_dir=tmp_path)
    assert not any(p.written for p in again)
    assert [p.content_hash for p in again] == [p.content_hash for p in parts]
    # moving one candidate far inside unit 1 changes unit 1's partition only
    moved = cands.copy()
    inner = units_m.geometry.iloc[0].buffer(-3 * reach)
    pick = moved.to_crs(metric).geometry.within(inner)
    idx = moved.index[pick][0]
    moved.loc[idx, "height_m"] = 99.0
    third, _, _ = partition_region(units, moved, targets, landuse, reach_m=reach,
                                   work_dir=tmp_path)
    assert [p.written for p in third] == [True, False]


def test_longest_reach_bounds_every_pair(sample):
    from siteplan.coverage import coverage_matrix
    from siteplan.demand import demand_points

    cands, targets, _ = sample
    a = Assumptions({"demand.spacing_m": 400.0})
    metric = targets.estimate_utm_crs()
    cov = coverage_matrix(demand_points(targets.to_crs(metric), spacing_m=400.0),
                          cands.to_crs(metric), a)
    assert max(cov.reach_m.values()) <= longest_reach_m(cands, a) + 1e-9
    assert float(cov.distance_m.max()) <= longest_reach_m(cands, a)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1e6), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
       st.floats(0.0, 1.0))
def test_needed_share_reaches_the_area_target(target, weight, reach, fixed_part, strip_part):
    coverable = weight * reach
    fixed_w = coverable * fixed_part * (1 - strip_part)
    strip_w = coverable * strip_part
    share = needed_share(np.array([target]), np.array([weight]), np.array([coverable]),
                         np.array([fixed_w]), np.array([strip_w]))[0]
    assert 0.0 <= share <= 1.0
    required = min(target * weight, coverable)
    if strip_w > 0 and required <= fixed_w + strip_w:
        # covering `share` of the strip plus the fixed weight reaches the requirement
        assert fixed_w + share * strip_w >= required - 1e-6 * max(weight, 1)
        # and no more than needed (or nothing when the fixed sites suffice)
        assert share == 0.0 or fixed_w + share * strip_w <= required + 1e-6 * max(weight, 1)


def test_points_on_no_unit_go_to_the_nearest():
    from siteplan.region.partition import home_units

    units = gpd.GeoDataFrame({"unit_code": ["A", "B"]},
                             geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=32650)
    pts = gpd.GeoDataFrame(geometry=[Point(5, 5), Point(15, 5), Point(25, 5), Point(-3, 5)],
                           crs=32650)
    assert home_units(pts, units).tolist() == ["A", "B", "B", "A"]


def test_tiles_partition_the_province_without_a_unit_layer(tmp_path, province):
    text = (province / "region.toml").read_text()
    text = text.replace('units = "units.gpkg"\ncode_column = "code"\nname_column = "name"',
                        "tile_km = 15")
    (province / "tiles.toml").write_text(text)
    cfg = load_region_config(province / "tiles.toml")
    assert cfg.units is None and cfg.tile_km == 15.0
    cands, targets, landuse = read_inputs(cfg.plan)[:3]
    tiles = tile_units(targets, tile_km=cfg.tile_km)
    parts, metric, home = partition_region(tiles, cands, targets, landuse,
                                           reach_m=longest_reach_m(cands, cfg.plan.assumptions),
                                           work_dir=tmp_path)
    assert len(parts) == len(tiles) >= 4
    # every target area's demand lands in the tiles: clipped pieces add up to the whole
    pieces = sum(gpd.read_parquet(p.path / "targets.parquet").area.sum() for p in parts)
    assert pieces == pytest.approx(targets.to_crs(metric).area.sum(), rel=1e-6)
    assert set(home.values()) <= set(tiles["unit_code"])


def test_stitch_splits_a_border_sites_capacity_over_both_units():
    """A tower near the border serves 100 Mbps of area A in unit U1 and
    300 Mbps of area B in U2: each unit alone gave it all to its own area;
    the stitch gives A a quarter and B three quarters, and a non-border
    column keeps its unit's figure."""
    import pandas as pd
    import scipy.sparse as sp

    from siteplan.capacity import CapacityModel
    from siteplan.region.stitch import capacity_rows

    model = CapacityModel.from_assumptions(Assumptions())
    tower = model.site_mbps("macro", "urban")
    data = {"sites": np.array(["t1", "t2"]), "free": np.array([True, False]),
            "kind": np.array(["tower", "tower"]),
            "matrix": sp.csr_array(np.array([[1, 1], [1, 0]], bool)),
            "area": np.array(["A", "B"]), "unit": np.array(["U1", "U2"]),
            "mbps": np.array([100.0, 300.0]), "target": np.array([1.0, 1.0]),
            "env": np.array(["urban", "urban"]),
            "caps": pd.DataFrame({"k": [0], "area_id": ["A"], "unit_code": ["U1"], "col": [1],
                                  "mbps": [500.0]})}
    pieces = pd.DataFrame({"area_id": ["A", "B"], "unit_code": ["U1", "U2"],
                           "required_mbps": [100.0, 300.0], "outside_strip_mbps": [0.0, 50.0]})
    caps = capacity_rows(data, 0, np.array([True, True]), pieces, model)
    assert caps["areas"].tolist() == ["A", "B"]
    assert caps["per_area"].toarray() == pytest.approx(np.array([[tower / 4, 500.0],
                                                                 [3 * tower / 4, 0.0]]))
    assert caps["required"].tolist() == [100.0, 300.0]
    assert caps["demand"].tolist() == [100.0, 300.0]  # both reachable (cap by available)


def test_population_is_split_between_units_by_area():
    from siteplan.region.partition import split_population

    t = gpd.GeoDataFrame({"population": [1000.0, np.nan]},
                         geometry=[box(0, 0, 10, 10), box(0, 0, 5, 10)], crs=32650)
    out = split_population(t, np.array([400.0, 50.0]))
    assert out["population"].iloc[0] == pytest.approx(250.0)
    assert np.isnan(out["population"].iloc[1])


def test_merged_proposals_are_one_per_place_with_unit_ids():
    from siteplan.region.partition import merge_proposals

    units = gpd.GeoDataFrame({"unit_code": ["C01", "C02"]},
                             geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=32650)
    a = gpd.GeoDataFrame({"site_id": ["PR-GF-99-50", "PR-SP-10-10"],
                          "kind": ["greenfield", "smart_pole"]},
                         geometry=[Point(99.2, 50), Point(10, 10)], crs=32650)
    b = gpd.GeoDataFrame({"site_id": ["PR-GF-99-50", "PR-GF-150-50"],
                          "kind": ["greenfield", "greenfield"]},
                         geometry=[Point(99.4, 50), Point(150, 50)], crs=32650)
    out = merge_proposals([a, b], units, {"C01-PR-SP-10-10"})
    assert sorted(out["site_id"]) == ["C01-PR-GF-99-50", "C01-PR-SP-10-10-2", "C02-PR-GF-150-50"]
    assert out["site_id"].is_unique
