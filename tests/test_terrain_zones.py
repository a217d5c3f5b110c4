"""Land-use (三调) zones read as clutter (issue 27: "a land-cover raster or the 三调 classes")."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.config import load_config
from siteplan.coverage import coverage_matrix
from siteplan.defaults import CLUTTER_CLASSES, ZONE_CLUTTER, Assumptions
from siteplan.errors import ConfigError, InputError
from siteplan.landuse import ZONE_CLASSES
from siteplan.problem import build_problem
from siteplan.terrain import CLUTTER_NAMES, load_path_loss_model
from siteplan.terrain.raster import Grid
from siteplan.terrain.zones import class_shares, rasterise_zones, with_zone_clutter

CRS_M = "EPSG:32650"
E0, N0 = 752_000.0, 2_874_000.0
STEP_M = 50.0  # the model's grid snaps to 2 km; 50 m cells keep a metric raster on its lattice
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample_county"
FOREST = box(E0 + 325.0, N0 - 2_475.0, E0 + 3_475.0, N0 + 2_475.0)
FARMLAND = box(E0 - 4_010.0, N0 - 1_010.0, E0 - 210.0, N0 + 1_010.0)


def _metric_tif(path: Path, value_of, *, dtype: str = "float32", nodata=None) -> Path:
    """A north-up EPSG:32650 raster of 50 m cells centred on multiples of 50 m around (E0, N0)."""
    half = 6_000.0
    n = int(2 * half / STEP_M) + 1
    x = E0 - half + np.arange(n) * STEP_M
    y = N0 + half - np.arange(n) * STEP_M
    gx, gy = np.meshgrid(x, y)
    with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1, dtype=dtype,
                       crs=CRS_M, nodata=nodata,
                       transform=from_origin(x[0] - STEP_M / 2, y[0] + STEP_M / 2, STEP_M,
                                             STEP_M)) as ds:
        ds.write(np.asarray(value_of(gx, gy)).astype(dtype), 1)
    return path


def _hills(x, y):
    return 30.0 + 25.0 * np.sin((x - E0) / 900.0) * np.cos((y - N0) / 1300.0)


def _inside(x, y, shape) -> np.ndarray:
    xmin, ymin, xmax, ymax = shape.bounds
    return (x > xmin) & (x < xmax) & (y > ymin) & (y < ymax)


def _forest_codes(x, y):
    """The zones of :func:`_zones` as a WorldCover raster: 10 (tree) in FOREST, 40 (crop) on
    the farmland, 0 (no data) elsewhere (the red line is no land cover)."""
    return np.where(_inside(x, y, FOREST), 10, np.where(_inside(x, y, FARMLAND), 40, 0))


def _zones(forest_class: str = "林地") -> gpd.GeoDataFrame:
    """A forest parcel around the users, a red line over everything (no clutter), farmland west."""
    from siteplan.landuse import prepare_zones

    raw = gpd.GeoDataFrame(
        {"zone_class": [forest_class, "生态保护红线", "永久基本农田"]},
        geometry=[FOREST, box(E0 - 5_000, N0 - 5_000, E0 + 5_000, N0 + 5_000),
                  FARMLAND], crs=CRS_M)
    return prepare_zones(raw, source="test zones")[0]


def _layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    xs = np.arange(E0 - 3_000, E0 + 3_400, 200.0)
    points = [Point(x, y) for x in xs for y in (N0 - 300.0, N0, N0 + 300.0)]
    demand = gpd.GeoDataFrame({"environment": ["rural"] * len(points),
                               "indoor": [False] * len(points)}, geometry=points, crs=CRS_M)
    cands = gpd.GeoDataFrame({"kind": ["tower"], "height_m": [35.0]},
                             geometry=[Point(E0, N0)], crs=CRS_M)
    return demand, cands


def _base(tmp_path: Path, **more) -> Assumptions:
    dem = _metric_tif(tmp_path / "dem.tif", _hills)
    return Assumptions({"terrain.dem": str(dem), "terrain.profile_step_m": STEP_M, **more})


def _same(a, b) -> bool:
    return (a.matrix != b.matrix).nnz == 0 and np.array_equal(a.rsrp_dbm.toarray(),
                                                              b.rsrp_dbm.toarray())


def test_every_zone_class_maps_to_a_clutter_class_or_none():
    assert set(ZONE_CLUTTER) == set(ZONE_CLASSES)
    table = Assumptions().table()
    rows = {r["key"]: r for r in table if r["key"].startswith("clutter.zone.")}
    # printed with the others; plus the class of cells in no mapped zone
    assert set(rows) == {f"clutter.zone.{z}" for z in [*ZONE_CLASSES, "unzoned"]}
    assert {r["value"] for r in rows.values()} <= {"", *CLUTTER_CLASSES}
    assert rows["clutter.zone.forest"]["value"] == "tree"
    assert rows["clutter.zone.construction"]["value"] == "built"
    with pytest.raises(ConfigError, match="clutter.zone.forest.*Did you mean 'tree'"):
        Assumptions({"clutter.zone.forest": "trees"})


def test_forest_zone_gives_the_coverage_of_the_same_forest_raster(tmp_path):
    demand, cands = _layers()
    raster = _metric_tif(tmp_path / "forest.tif", _forest_codes, dtype="uint8", nodata=0)
    by_raster = coverage_matrix(demand, cands, _base(tmp_path, **{"terrain.clutter": str(raster)}))
    zoned = with_zone_clutter(_base(tmp_path, **{"terrain.clutter": "landuse"}), _zones())
    by_zones = coverage_matrix(demand, cands, zoned)
    assert _same(by_zones, by_raster)
    # and the forest matters: read as grass instead, more users in it are covered
    grass = with_zone_clutter(_base(tmp_path, **{"terrain.clutter": "landuse",
                                                 "clutter.zone.forest": "grass"}), _zones())
    open_land = coverage_matrix(demand, cands, grass)
    in_forest = demand.geometry.within(FOREST).to_numpy()
    assert open_land.matrix[in_forest].sum() > by_zones.matrix[in_forest].sum()
    assert (by_zones.matrix[in_forest] != open_land.matrix[in_forest]).nnz > 0


def test_zone_clutter_grid_equals_the_raster_cell_for_cell(tmp_path):
    raster = _metric_tif(tmp_path / "forest.tif", _forest_codes, dtype="uint8", nodata=0)
    pts = np.array([[E0 - 3_000, N0 - 1_000], [E0 + 3_000, N0 + 1_000]])
    a = load_path_loss_model(_base(tmp_path, **{"terrain.clutter": str(raster)}), CRS_M,
                             points_xy_m=pts)
    b = load_path_loss_model(with_zone_clutter(
        _base(tmp_path, **{"terrain.clutter": "landuse"}), _zones()), CRS_M, points_xy_m=pts)
    assert np.array_equal(a.clutter.values, b.clutter.values)
    assert (b.clutter.values == CLUTTER_NAMES.index("tree")).any()
    # the red line and the farmland west of the site: crop, the red line itself no clutter
    assert set(class_shares(b.clutter)) == {"tree", "crop"}


def test_zones_as_clutter_off_is_exactly_todays_coverage(tmp_path):
    demand, cands = _layers()
    today = coverage_matrix(demand, cands, _base(tmp_path))
    with_zones = coverage_matrix(demand, cands, with_zone_clutter(_base(tmp_path), _zones()))
    assert _same(with_zones, today)
    model = load_path_loss_model(with_zone_clutter(_base(tmp_path), _zones()), CRS_M,
                                 points_xy_m=np.array([[E0, N0]]))
    assert model.clutter is None


def test_overlapping_zones_the_tallest_clutter_wins():
    zones = gpd.GeoDataFrame({"zone_class": ["construction", "cultivated", "forest", "special"]},
                             geometry=[box(0, 0, 90, 30), box(0, 0, 30, 30), box(60, 0, 120, 30),
                                       box(0, 0, 120, 30)], crs=CRS_M)
    like = Grid(np.zeros((1, 4), np.float32), 15.0, 15.0, 30.0, ("dem",))
    cells = rasterise_zones(zones, like, Assumptions()).values[0]
    names = [CLUTTER_NAMES[i] for i in cells]
    # built (12 m) over crop (1 m); tree (15 m) over built; "special" maps to no clutter
    assert names == ["built", "built", "tree", "tree"]
    unzoned = rasterise_zones(zones.iloc[2:3], like, Assumptions({"clutter.zone.unzoned": "shrub"}))
    assert [CLUTTER_NAMES[i] for i in unzoned.values[0]] == ["shrub", "shrub", "tree", "tree"]
    relaxed = rasterise_zones(zones, like, Assumptions({"clutter.height_m.tree": 5.0})).values[0]
    assert [CLUTTER_NAMES[i] for i in relaxed] == ["built", "built", "built", "tree"]


def test_landuse_clutter_without_zones_or_dem_is_a_clear_error(tmp_path):
    pts = np.array([[E0, N0]])
    with pytest.raises(InputError, match=r"no land-use zones reach.*\[inputs.landuse\]"):
        load_path_loss_model(_base(tmp_path, **{"terrain.clutter": "landuse"}), CRS_M,
                             points_xy_m=pts)
    with pytest.raises(InputError, match="needs a DEM"):
        load_path_loss_model(with_zone_clutter(Assumptions({"terrain.clutter": "landuse"}),
                                               _zones()), CRS_M, points_xy_m=pts)


def test_config_switch_needs_landuse_layers_and_a_dem(tmp_path):
    folder = tmp_path / "cfg"
    folder.mkdir()
    _metric_tif(folder / "dem.tif", _hills)
    for name in ("c.gpkg", "t.gpkg", "z.gpkg"):
        (folder / name).write_bytes(b"")
    head = '[inputs]\ncandidates = ["c.gpkg"]\ntargets = "t.gpkg"\ndem = "dem.tif"\n'
    bad = folder / "bad.toml"
    bad.write_text(head + 'clutter = "landuse"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r'clutter = "landuse".*needs \[inputs.landuse\]'):
        load_config(bad)
    good = folder / "good.toml"
    good.write_text(head + 'clutter = "landuse"\nlanduse = "z.gpkg"\n', encoding="utf-8")
    assert load_config(good).assumptions["terrain.clutter"] == "landuse"


def test_build_problem_gives_the_zones_to_coverage(tmp_path):
    targets = gpd.GeoDataFrame(
        {"area_id": ["A1"], "name": ["Village in the wood"], "area_class": ["village"],
         "environment": ["rural"], "milestone": [2025], "coverage_target": [0.9]},
        geometry=[box(E0 - 800, N0 - 600, E0 + 1_500, N0 + 600)], crs=CRS_M)
    # an existing mast (a new tower would be excluded: it stands on the red line)
    cands = gpd.GeoDataFrame({"site_id": ["S1"], "kind": ["existing_site"], "height_m": [35.0]},
                             geometry=[Point(E0, N0)], crs=CRS_M)
    raster = _metric_tif(tmp_path / "forest.tif", _forest_codes, dtype="uint8", nodata=0)
    common = {"proposals.mode": "off", "demand.spacing_m": 100.0}
    from pyproj import CRS

    kw = dict(landuse=_zones(), capacity=False, metric_crs=CRS.from_user_input(CRS_M))
    zoned = build_problem(cands, targets, assumptions=_base(
        tmp_path, **{"terrain.clutter": "landuse"}, **common), **kw)
    rastered = build_problem(cands, targets, assumptions=_base(
        tmp_path, **{"terrain.clutter": str(raster)}, **common), **kw)
    plain = build_problem(cands, targets, assumptions=_base(tmp_path, **common), **kw)
    assert _same(zoned.coverage, rastered.coverage)
    assert 0 < zoned.coverage.matrix.sum() < plain.coverage.matrix.sum()
    assert zoned.assumptions["terrain.clutter"] == "landuse"
    note = next(n for n in zoned.notes if "read as clutter" in n)
    assert "tree" in note and "crop" in note and "no clutter" in note
    assert not any("read as clutter" in n for n in plain.notes)


def _sample_zones_config(tmp_path: Path) -> Path:
    """The sample county's terrain config with its land-use zones as the clutter."""
    text = (SAMPLE / "sample_county_terrain.toml").read_text(encoding="utf-8")
    text = text.replace('clutter = "clutter.tif"', 'clutter = "landuse"')
    text = text.replace('"demand.spacing_m" = 100', '"demand.spacing_m" = 600')
    assert 'clutter = "landuse"' in text and '"demand.spacing_m" = 600' in text
    for name in ("candidates", "targets", "landuse", "roads", "boundary", "dem"):
        ext = "tif" if name == "dem" else "gpkg"
        text = text.replace(f'"{name}.{ext}"', json.dumps(str(SAMPLE / f"{name}.{ext}")))
    config = tmp_path / "zones.toml"
    config.write_text(text, encoding="utf-8")
    return config


def test_calibrate_fits_offsets_per_zone_clutter_class(tmp_path):
    from siteplan.calibrate import synthetic_drive_test
    from siteplan.sources.inputs import load_inputs

    config = _sample_zones_config(tmp_path)
    cands = load_inputs(load_config(config)).candidates
    metric = cands.estimate_utm_crs()
    # 40 towers: enough points on the farmland zones (a class of 1 point makes calibrate's
    # std NaN, a bug of its own seen with the clutter raster too)
    sites = cands[cands["kind"] == "tower"].head(40).to_crs(metric)
    meas = synthetic_drive_test(sites, Assumptions(), {"offset_db": 3.0}, sigma_db=4.0,
                                points_per_site=60, seed=2, distance_m=(100.0, 2500.0))
    wgs = meas.to_crs(4326)
    wgs.assign(lon=wgs.geometry.x, lat=wgs.geometry.y)[
        ["lon", "lat", "site_id", "rsrp_dbm"]].to_csv(tmp_path / "drive.csv", index=False)
    out = tmp_path / "cal"
    res = CliRunner().invoke(main, ["calibrate", str(tmp_path / "drive.csv"), "--config",
                                    str(config), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    classes = {e["clutter"] for e in doc["errors"]}
    assert "crop" in classes, classes  # the farmland zones' clutter class


def test_sample_county_plans_with_dem_and_zones_as_clutter(tmp_path):
    config = _sample_zones_config(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = {row["key"]: row["value"] for row in report["assumptions"]}
    assert rows["terrain.clutter"] == "landuse"
    assert rows["clutter.zone.forest"] == "tree" and rows["terrain.dem"].endswith("dem.tif")
    assert gpd.read_file(out / "plan.gpkg", layer="sites_2022").shape[0] > 0
    note = next(n for n in report["notes"] if "read as clutter" in n)
    assert "tree" in note and "crop" in note  # the sample county's forest and farmland
    assert "no mapped zone" in note  # its layers are control lines: most demand is unzoned
