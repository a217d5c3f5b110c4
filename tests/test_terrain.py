"""Terrain and clutter in the propagation model (issue 27)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.radio import LinkBudget
from siteplan.terrain import PathLossModel, load_path_loss_model
from siteplan.terrain.diffraction import bullington_db, knife_edge_db, profile_nu
from siteplan.terrain.raster import Grid

CRS_M = "EPSG:32650"
E0, N0 = 752_000.0, 2_874_000.0
ARC_S = 1.0 / 3600.0


def write_geotiff_4326(path: Path, height_of, *, half_m: float = 3000.0, step_deg: float = ARC_S,
                       dtype: str = "float32", nodata=None, lon_range=None) -> Path:
    """A north-up EPSG:4326 raster around (E0, N0); ``height_of(x_m, y_m)`` in UTM offsets."""
    to_ll = Transformer.from_crs(CRS_M, 4326, always_xy=True)
    to_m = Transformer.from_crs(4326, CRS_M, always_xy=True)
    lon0, lat0 = to_ll.transform(E0 - half_m, N0 - half_m)
    lon1, lat1 = to_ll.transform(E0 + half_m, N0 + half_m)
    if lon_range is not None:
        lon0, lon1 = lon_range
    cols, rows = int((lon1 - lon0) / step_deg) + 1, int((lat1 - lat0) / step_deg) + 1
    lon = lon0 + (np.arange(cols) + 0.5) * step_deg
    lat = lat1 - (np.arange(rows) + 0.5) * step_deg
    glon, glat = np.meshgrid(lon, lat)
    x, y = to_m.transform(glon, glat)
    values = np.asarray(height_of(x - E0, y - N0)).astype(dtype)
    with rasterio.open(path, "w", driver="GTiff", width=cols, height=rows, count=1, dtype=dtype,
                       crs="EPSG:4326", transform=from_origin(lon0, lat1, step_deg, step_deg),
                       nodata=nodata) as ds:
        ds.write(values, 1)
    return path


def ridge(x, y):
    """Flat 20 m plain with a 120 m north-south ridge at x = -350 m."""
    return 20.0 + 120.0 * np.exp(-(((x + 350.0) / 60.0) ** 2)) + 0.0 * y


# -- diffraction ---------------------------------------------------------------------------

def test_knife_edge_matches_p526_values():
    # P.526 eq. (31): J(0) = 6.0 dB, J(-0.78) = 0, J(1) ~ 13.9, J(3) ~ 22.4 (13 + 20 log ν = 22.5)
    got = knife_edge_db(np.array([-1.0, -0.78, 0.0, 1.0, 3.0]))
    assert got[0] == 0.0 and got[1] == pytest.approx(0.0, abs=0.05)
    assert got[2:] == pytest.approx([6.03, 13.93, 22.42], abs=0.02)


def test_bullington_of_one_knife_edge_is_j_plus_the_correction():
    s = np.array([[0.0, 400.0, 1000.0]])
    h = np.array([[0.0, 25.0, 0.0]])
    d, tx, rx, lam = np.array([1000.0]), np.array([15.0]), np.array([5.0]), 0.0857
    line = (15.0 * 600 + 5.0 * 400) / 1000
    nu = (25.0 - line) * np.sqrt(2 * 1000 / (lam * 400 * 600))
    luc = knife_edge_db(np.array([nu]))[0]
    want = luc + (1 - np.exp(-luc / 6)) * (10 + 0.02)
    assert bullington_db(h, s, d, tx, rx, lam)[0] == pytest.approx(want, rel=1e-9)


def test_clear_profile_has_no_loss():
    s = np.linspace(0, 2000, 50)[None, :]
    h = np.zeros_like(s)
    loss = bullington_db(h, s, np.array([2000.0]), np.array([30.0]), np.array([30.0]), 0.0857)
    assert loss[0] == 0.0
    assert profile_nu(h, s, np.array([2000.0]), np.array([30.0]), np.array([30.0]), 0.0857)[0] < -0.85


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 200), min_size=3, max_size=30), st.integers(1, 28),
       st.floats(0.5, 100))
def test_raising_the_terrain_never_lowers_the_loss(heights, index, bump):
    h = np.array([heights])
    s = np.linspace(0, 3000, h.shape[1])[None, :]
    args = (np.array([3000.0]), np.array([h[0, 0] + 30.0]), np.array([h[0, -1] + 1.5]), 0.0857)
    before = bullington_db(h, s, *args)[0]
    raised = h.copy()
    raised[0, min(index, h.shape[1] - 2)] += bump
    assert bullington_db(raised, s, *args)[0] >= before - 1e-9


# -- the model -----------------------------------------------------------------------------

def _pairs(n=200, seed=1):
    rng = np.random.default_rng(seed)
    pts = rng.uniform(-2000, 2000, (n, 2))
    return pts


def test_without_a_dem_the_model_is_the_flat_link_budget():
    a = Assumptions({"radio.mode": "expected"})
    model = load_path_loss_model(a, CRS_M)
    assert model.is_flat
    pts = _pairs()
    d = np.hypot(*pts.T)
    flat = LinkBudget.from_assumptions(a).rsrp_dbm("UMa", d, 30.0, macro=True)
    got = model.rsrp_dbm("UMa", np.zeros(2), 30.0, pts, d, macro=True)
    assert np.array_equal(got, flat)


def test_a_flat_dem_changes_nothing_at_short_range():
    a = Assumptions()
    lb = LinkBudget.from_assumptions(a)
    dem = Grid(np.full((200, 200), 55.0, np.float32), -3000.0, 3000.0, 30.0, ("flat",))
    model = PathLossModel(lb, dem=dem)
    pts = _pairs()
    d = np.hypot(*pts.T)
    keep = d < 840
    got = model.rsrp_dbm("RMa", np.zeros(2), 35.0, pts[keep], d[keep], macro=True)
    assert got == pytest.approx(lb.rsrp_dbm("RMa", d[keep], 35.0, macro=True), abs=1e-6)


def test_profiles_of_many_pairs_equal_one_at_a_time(tmp_path):
    dem = Grid(np.random.default_rng(3).uniform(0, 80, (150, 150)).astype(np.float32),
               -2250.0, 2250.0, 30.0, ("random",))
    model = PathLossModel(LinkBudget.from_assumptions(Assumptions()), dem=dem)
    pts = _pairs(50)
    sites = np.random.default_rng(4).uniform(-500, 500, (50, 2))
    many, _ = model.loss_sigma_db("UMa", sites, 30.0, pts)
    one = [model.loss_sigma_db("UMa", sites[i], 30.0, pts[i:i + 1])[0][0] for i in range(50)]
    assert many == pytest.approx(np.array(one), rel=1e-12)


def test_hilltop_site_gets_a_higher_effective_mast():
    values = np.full((200, 200), 10.0, np.float32)
    values[95:105, 95:105] = 110.0  # a 100 m hill under the site at the centre
    dem = Grid(values, -3000.0, 3000.0, 30.0, ("hill",))
    lb = LinkBudget.from_assumptions(Assumptions())
    model = PathLossModel(lb, dem=dem)
    pts = np.array([[1500.0, 0.0]])
    on_hill = model.path_loss_db((0.0, 0.0), 30.0, "rural", pts, 3.5)
    flat = PathLossModel(lb).path_loss_db((0.0, 0.0), 30.0, "rural", pts, 3.5)
    assert on_hill[0] < flat[0] - 3.0


def test_path_loss_db_interface_and_calibration_terms():
    lb = LinkBudget.from_assumptions(Assumptions())
    base = PathLossModel(lb)
    tuned = PathLossModel(lb, offset_db=3.0, distance_slope_db_per_dec=10.0)
    pts = np.array([[100.0, 0.0], [1000.0, 0.0], [3000.0, 0.0]])
    diff = tuned.path_loss_db((0.0, 0.0), 35.0, "rural", pts, 3.5) - base.path_loss_db(
        (0.0, 0.0), 35.0, "rural", pts, 3.5)
    assert diff == pytest.approx([3.0 - 10.0, 3.0, 3.0 + 10.0 * np.log10(3.0)])
    assert not tuned.is_flat


# -- rasters and clutter -------------------------------------------------------------------

def west_east_tiles(tmp_path: Path) -> tuple[Path, Path]:
    """The ridge DEM as two EPSG:4326 tiles, west and east of E0 (on one grid)."""
    to_ll = Transformer.from_crs(CRS_M, 4326, always_xy=True)
    lon0, _ = to_ll.transform(E0 - 3000, N0)
    lon1, _ = to_ll.transform(E0 + 3000, N0)
    mid = round((lon0 + lon1) / 2 / ARC_S) * ARC_S
    return (write_geotiff_4326(tmp_path / "w.tif", ridge, lon_range=(lon0, mid)),
            write_geotiff_4326(tmp_path / "e.tif", ridge, lon_range=(mid, lon1)))


def test_tiles_are_mosaicked_and_reprojected(tmp_path):
    west, east = west_east_tiles(tmp_path)
    whole = write_geotiff_4326(tmp_path / "all.tif", ridge)
    pts = np.array([[E0 - 1000, N0 - 1000], [E0 + 1000, N0 + 1000]])
    tiles = load_path_loss_model({"dem": [str(west), str(east)]}, CRS_M, points_xy_m=pts)
    one = load_path_loss_model({"dem": str(whole)}, CRS_M, points_xy_m=pts)
    x = E0 + np.array([-350.0, 0.0, -3.0, 500.0])
    y = np.full(4, N0)
    # the mosaic's cell edges differ from the single file's by a rounding: ~1 m on the steep crest
    assert tiles.dem.bilinear(x, y) == pytest.approx(one.dem.bilinear(x, y), abs=1.5)
    assert 125.0 < tiles.dem.bilinear(x, y)[0] <= 140.0  # the crest, smoothed by 30 m cells
    assert tiles.dem.bilinear(x, y)[1] == pytest.approx(20.0, abs=0.5)


def test_dem_heights_do_not_depend_on_how_much_of_the_file_is_read(tmp_path):
    """Only the part of a DEM under the plan is read; the heights there are the
    same as from a wider read (GDAL would widen its bilinear kernel by the
    cell-size ratio it estimates from the extents: metres on a steep crest)."""
    dem = write_geotiff_4326(tmp_path / "dem.tif", ridge, half_m=9000.0)
    x = E0 + np.array([-380.0, -350.0, -320.0, 0.0, 400.0])
    y = np.full(5, N0 + 100.0)
    near = np.array([[E0 - 600, N0 - 500], [E0 + 600, N0 + 500]])
    wide = np.array([[E0 - 8000, N0 - 8000], [E0 + 8000, N0 + 8000]])
    small = load_path_loss_model({"dem": str(dem)}, CRS_M, points_xy_m=near)
    large = load_path_loss_model({"dem": str(dem)}, CRS_M, points_xy_m=wide)
    assert small.dem.values.size < large.dem.values.size
    # the two grids' cells are offset (each snapped to its own extent): a few cm of
    # re-interpolation on the crest; the kernel GDAL widens by itself moved it 0.5 m
    assert small.dem.bilinear(x, y) == pytest.approx(large.dem.bilinear(x, y), abs=0.2)


def test_a_dem_that_misses_the_area_is_a_clear_error(tmp_path):
    dem = write_geotiff_4326(tmp_path / "small.tif", ridge, half_m=1000.0)
    pts = np.array([[E0, N0], [E0 + 5000, N0]])
    with pytest.raises(InputError) as err:
        load_path_loss_model({"dem": str(dem)}, CRS_M, points_xy_m=pts)
    text = str(err.value)
    assert "small.tif" in text and "1 of 2" in text and "[inputs] dem" in text and "lon" in text


def test_tiles_that_miss_part_of_the_area_are_a_clear_error(tmp_path):
    """Only the tiles' part under the plan is mosaicked, never padded beyond
    them: points off every tile are reported, not given a filled height."""
    west, east = west_east_tiles(tmp_path)
    pts = np.array([[E0 - 1000, N0], [E0 + 1000, N0 + 6000]])
    with pytest.raises(InputError) as err:
        load_path_loss_model({"dem": [str(west), str(east)]}, CRS_M, points_xy_m=pts)
    assert "1 of 2" in str(err.value) and "e.tif" in str(err.value)


def test_unreadable_dem_names_the_file(tmp_path):
    bad = tmp_path / "dem.tif"
    bad.write_text("not a raster")
    with pytest.raises(InputError, match="dem.tif.*cannot read"):
        load_path_loss_model({"dem": str(bad)}, CRS_M, points_xy_m=np.array([[E0, N0]]))


def _clutter_tif(path: Path, code_of) -> Path:
    return write_geotiff_4326(path, code_of, dtype="uint8", nodata=0)


def test_forest_along_the_path_blocks_los_and_costs_at_the_user(tmp_path):
    flat = write_geotiff_4326(tmp_path / "dem.tif", lambda x, y: 10.0 + 0 * x)
    open_land = _clutter_tif(tmp_path / "open.tif", lambda x, y: 30 + 0 * x)
    forest = _clutter_tif(tmp_path / "forest.tif", lambda x, y: np.where(x > 300, 10, 30))
    pts = np.array([[E0, N0], [E0 + 800, N0]])
    site, user = np.array([E0, N0]), np.array([[E0 + 800, N0]])
    a = load_path_loss_model({"dem": str(flat), "clutter": str(open_land)}, CRS_M, points_xy_m=pts)
    b = load_path_loss_model({"dem": str(flat), "clutter": str(forest)}, CRS_M, points_xy_m=pts)
    assert a.profile_terms(site[None], np.array([35.0]), user, 1.5, 3.5).los[0]
    assert not b.profile_terms(site[None], np.array([35.0]), user, 1.5, 3.5).los[0]
    loss_open = a.path_loss_db(site, 35.0, "rural", user, 3.5)[0]
    loss_forest = b.path_loss_db(site, 35.0, "rural", user, 3.5)[0]
    # NLOS instead of LOS, plus the foliage loss at the user
    assert loss_forest > loss_open + 8.0


def test_unknown_land_cover_codes_are_named(tmp_path):
    dem = write_geotiff_4326(tmp_path / "dem.tif", lambda x, y: 10.0 + 0 * x)
    odd = _clutter_tif(tmp_path / "corine.tif", lambda x, y: 23 + 0 * x)
    with pytest.raises(InputError, match=r"corine.tif.*\[23\].*WorldCover"):
        load_path_loss_model({"dem": str(dem), "clutter": str(odd)}, CRS_M,
                             points_xy_m=np.array([[E0, N0]]))


# -- end to end: a ridge between a candidate and an area ------------------------------------

def _ridge_project(folder: Path, *, with_dem: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    targets = gpd.GeoDataFrame(
        {"area_id": ["A1"], "name": ["Village behind the ridge"], "area_class": ["village"],
         "environment": ["rural"], "milestone": [2025], "coverage_target": [0.9]},
        geometry=[box(E0 - 100, N0 - 100, E0 + 100, N0 + 100)], crs=CRS_M).to_crs(4326)
    cands = gpd.GeoDataFrame(
        {"site_id": ["WEST", "EAST"], "kind": ["existing_site", "tower"],
         "height_m": [35.0, 40.0], "name": ["behind the ridge", "clear path"]},
        geometry=[Point(E0 - 600, N0), Point(E0 + 650, N0)], crs=CRS_M).to_crs(4326)
    targets.to_file(folder / "targets.gpkg", layer="targets")
    cands.to_file(folder / "candidates.gpkg", layer="candidates")
    dem_line = 'dem = "ridge.tif"\n' if with_dem else ""
    if with_dem:
        write_geotiff_4326(folder / "ridge.tif", ridge)
    config = folder / "plan.toml"
    config.write_text(
        '[inputs]\ncandidates = ["candidates.gpkg"]\ntargets = "targets.gpkg"\n' + dem_line
        + '[solver]\ntime_limit_s = 5\n[assumptions]\n"demand.spacing_m" = 50\n'
        '"proposals.mode" = "off"\n', encoding="utf-8")
    return config


def _chosen(out: Path) -> set[str]:
    sites = gpd.read_file(out / "plan.gpkg", layer="sites_2025")
    return set(sites["site_id"])


def test_plan_with_a_dem_picks_the_site_with_a_clear_path(tmp_path):
    flat_cfg = _ridge_project(tmp_path / "flat", with_dem=False)
    dem_cfg = _ridge_project(tmp_path / "dem", with_dem=True)
    runner = CliRunner()
    flat = runner.invoke(main, ["plan", str(flat_cfg), "--out", str(tmp_path / "out_flat")])
    assert flat.exit_code == 0, flat.output
    hilly = runner.invoke(main, ["plan", str(dem_cfg), "--out", str(tmp_path / "out_dem")])
    assert hilly.exit_code == 0, hilly.output
    assert _chosen(tmp_path / "out_flat") == {"WEST"}  # flat earth: the cheaper site covers it
    assert _chosen(tmp_path / "out_dem") == {"EAST"}  # the ridge blocks WEST
    report = json.loads((tmp_path / "out_dem" / "report.json").read_text(encoding="utf-8"))
    rows = {row["key"]: row for row in report["assumptions"]}
    assert rows["terrain.dem"]["value"].endswith("ridge.tif")
    # a plan folder read back (relocation's path) rebuilds the same terrain coverage
    from siteplan.planio import read_plan

    again = read_plan(tmp_path / "out_dem")
    ids = list(again.problem.candidates["site_id"])
    assert again.problem.coverage.matrix[:, ids.index("WEST")].sum() == 0
    assert again.problem.coverage.matrix[:, ids.index("EAST")].sum() == len(again.problem.demand)


def test_terrain_coverage_matrix_drops_the_blocked_pairs(tmp_path):
    from siteplan.coverage import coverage_matrix
    from siteplan.demand import demand_points
    from siteplan.schema import validate_candidates, validate_targets

    cfg = _ridge_project(tmp_path, with_dem=True)
    targets = validate_targets(gpd.read_file(tmp_path / "targets.gpkg"), "t").to_crs(CRS_M)
    cands = validate_candidates(gpd.read_file(tmp_path / "candidates.gpkg"), "c").to_crs(CRS_M)
    demand = demand_points(targets, spacing_m=50.0)
    flat = coverage_matrix(demand, cands, Assumptions())
    hilly = coverage_matrix(demand, cands, Assumptions({"terrain.dem": str(cfg.parent / "ridge.tif")}))
    assert flat.matrix[:, 0].sum() == len(demand) and flat.matrix[:, 1].sum() == len(demand)
    assert hilly.matrix[:, 0].sum() == 0 and hilly.matrix[:, 1].sum() == len(demand)


def test_compiled_kernel_equals_the_array_version():
    rng = np.random.default_rng(7)
    values = (rng.uniform(0, 6, (120, 120)) + np.linspace(0, 200, 120)[None, :]).astype(np.float32)
    dem = Grid(values, -1800.0, 1800.0, 30.0, ("random",))
    codes = rng.integers(-1, 11, (120, 120)).astype(np.int32)
    clutter = Grid(codes, -1800.0, 1800.0, 30.0, ("classes",))
    model = PathLossModel(LinkBudget.from_assumptions(Assumptions()), dem=dem, clutter=clutter,
                          clutter_height_m={"tree": 15.0, "built": 12.0, "shrub": 3.0})
    pts = rng.uniform(-1700, 1700, (300, 2))
    sites = rng.uniform(-1700, 1700, (300, 2))
    h = rng.uniform(10, 50, 300)
    fast = model.profile_terms(sites, h, pts, 1.5, 3.5)
    ref = model.profile_terms_numpy(sites, h, pts, 1.5, 3.5)
    assert fast.diffraction_db == pytest.approx(ref.diffraction_db, abs=1e-9)
    assert fast.h_eff_m == pytest.approx(ref.h_eff_m, abs=1e-6)
    assert np.array_equal(fast.terrain_blocked, ref.terrain_blocked)
    assert np.array_equal(fast.los, ref.los)
    assert 0.02 < ref.los.mean() < 0.98 and 0.02 < ref.terrain_blocked.mean() < 0.98
    # pairs only LOS could cover stop early when the clutter blocks them, and only then
    early = model.profile_terms(sites, h, pts, 1.5, 3.5, los_only=np.ones(300, bool))
    assert np.array_equal(early.dead, ~ref.los)


def test_negative_calibration_widens_the_search_radius():
    lb = LinkBudget.from_assumptions(Assumptions())
    assert (PathLossModel(lb, offset_db=-10.0).max_reach_m("RMa", 35.0, macro=True)
            > PathLossModel(lb).max_reach_m("RMa", 35.0, macro=True) * 1.5)


def test_open_land_is_searched_out_to_the_los_reach(tmp_path):
    from siteplan.coverage import coverage_matrix

    flat = write_geotiff_4326(tmp_path / "dem.tif", lambda x, y: 10.0 + 0 * x, half_m=4000.0)
    # grass everywhere except a wood around the northern user (a 4 km raster)
    cover = write_geotiff_4326(tmp_path / "cover.tif", lambda x, y: np.where(
        np.hypot(x - 3000.0, y - 1000.0) < 200.0, 10, 30), dtype="uint8", nodata=0, half_m=4000.0)
    demand = gpd.GeoDataFrame({"environment": ["rural", "rural"], "indoor": [False, False]},
                              geometry=[Point(E0 + 3000, N0 - 1000), Point(E0 + 3000, N0 + 1000)],
                              crs=CRS_M)
    cands = gpd.GeoDataFrame({"kind": ["tower"], "height_m": [40.0]}, geometry=[Point(E0, N0)],
                             crs=CRS_M)
    terrain = {"terrain.dem": str(flat), "terrain.clutter": str(cover)}
    flat_cov = coverage_matrix(demand, cands, Assumptions())
    cov = coverage_matrix(demand, cands, Assumptions(terrain))
    assert flat_cov.matrix.nnz == 0  # 3.2 km is beyond the flat NLOS reach
    assert cov.matrix.toarray().ravel().tolist() == [True, False]  # LOS over grass; the wood blocks
    assert cov.reach_m[("macro", "rural")] > 3000.0


def test_kernel_runs_pairs_on_threads_with_the_same_results(monkeypatch):
    """The kernel on one thread and on all gives the same terms, within 1e-9 dB
    of the array version; a small call runs on the calling thread alone and
    leaves numba's thread count as it was."""
    import numba

    from siteplan.terrain import kernels

    assert kernels.profiles_indexed.targetoptions.get("parallel")  # the pair loop is a prange
    compiled, threads_seen = kernels.profiles_indexed, []

    def spy(*args):
        threads_seen.append(numba.get_num_threads())
        return compiled(*args)

    monkeypatch.setattr(kernels, "profiles_indexed", spy)
    rng = np.random.default_rng(11)
    values = (rng.uniform(0, 40, (80, 80)) + np.linspace(0, 150, 80)[:, None]).astype(np.float32)
    codes = rng.integers(-1, 11, (80, 80)).astype(np.int32)
    model = PathLossModel(LinkBudget.from_assumptions(Assumptions()),
                          dem=Grid(values, -1200.0, 1200.0, 30.0, ("random",)),
                          clutter=Grid(codes, -1200.0, 1200.0, 30.0, ("classes",)),
                          clutter_height_m={"tree": 15.0, "built": 12.0})
    sites, pts = rng.uniform(-1100, 1100, (2, 2000, 2))
    h = rng.uniform(10, 50, 2000)
    los_only = rng.random(2000) < 0.5
    before = numba.get_num_threads()
    runs = [model.profile_terms(sites, h, pts, 1.5, 3.5, los_only=los_only)]  # 2,000 pairs
    assert threads_seen == [1] and numba.get_num_threads() == before
    monkeypatch.setattr(kernels, "PARALLEL_MIN_PAIRS", 1)  # every call on numba's threads
    for threads in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        numba.set_num_threads(threads)
        try:
            runs.append(model.profile_terms(sites, h, pts, 1.5, 3.5, los_only=los_only))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    ref = model.profile_terms_numpy(sites, h, pts, 1.5, 3.5)
    for terms in runs:
        alive = ~terms.dead
        assert terms.diffraction_db[alive] == pytest.approx(ref.diffraction_db[alive], abs=1e-9)
        assert np.array_equal(terms.dead, los_only & ~ref.los)
        for a, b in zip(dataclasses.astuple(terms)[:5], dataclasses.astuple(runs[0])[:5], strict=True):
            assert np.array_equal(a, b)
