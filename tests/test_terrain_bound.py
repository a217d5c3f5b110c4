"""The proven early exit of the terrain kernel (siteplan.terrain.bound, issue 27 speed).

A pair is dropped unwalked only when no state, mast height or diffraction
could let it clear the coverage threshold; these tests hold the bound to
the full computation and check that the coverage decision never changes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from siteplan.defaults import Assumptions
from siteplan.radio import _D2D_MAX_M, _D2D_MAX_NLOS_M, LinkBudget
from siteplan.terrain import PathLossModel
from siteplan.terrain.bound import ground_floor, loss_bound
from siteplan.terrain.raster import Grid


def _budget(mode: str, band: str = "n78", ue_height_m: float = 1.5) -> LinkBudget:
    return LinkBudget.from_assumptions(Assumptions({
        "radio.mode": mode, "radio.band": band, "radio.ue_height_m": ue_height_m}))


def _link_value_db(lb: LinkBudget, scenario: str, d_m: float, h_m: float, los: bool | None) -> float:
    """−(PL + z·σ) of one pair in one state, −inf beyond the state's range."""
    los_range = lb.mode == "los" if los is None else los
    if d_m > (_D2D_MAX_M if los_range else _D2D_MAX_NLOS_M)[scenario]:
        return -np.inf
    flags = None if los is None else np.array([los])
    pl, sigma = lb.median_loss_db(scenario, np.array([d_m]), np.array([h_m]), flags)
    return float(-(pl[0] + lb._z() * np.broadcast_to(sigma, pl.shape)[0]))


@settings(max_examples=300, deadline=None)
@given(mode=st.sampled_from(["nlos", "expected", "los"]),
       scenario=st.sampled_from(["UMa", "UMi", "RMa"]),
       band=st.sampled_from(["n78", "n41", "n28"]),
       ue_height_m=st.sampled_from([1.5, 3.0, 8.0]),
       clutter=st.booleans(),
       d_m=st.floats(1.0, 12_000.0),
       h_m=st.floats(0.0, 200.0),
       extra_m=st.floats(0.0, 60.0))
def test_the_bound_table_is_never_below_the_link_budget(mode, scenario, band, ue_height_m,
                                                        clutter, d_m, h_m, extra_m):
    """T(d, H) >= −(PL + z·σ) at every mast height h <= H and every state the model
    can give the pair (38.901 is not monotone in the height: the table must hold anyway)."""
    lb = _budget(mode, band, ue_height_m)
    bound = loss_bound(lb, scenario, clutter=clutter)
    states = (True, False) if clutter else (None, False)
    best = max(_link_value_db(lb, scenario, d_m, h_m, los) for los in states)
    nlos = _link_value_db(lb, scenario, d_m, h_m, False)
    assert bound.value_db(d_m, h_m + extra_m) >= best
    assert bound.value_db(d_m, h_m + extra_m, nlos=True) >= nlos


def test_the_bound_is_tight_enough_to_matter():
    lb = _budget("nlos")
    bound = loss_bound(lb, "RMa", clutter=False)
    exact = _link_value_db(lb, "RMa", 2000.0, 35.0, False)
    assert exact <= bound.value_db(2000.0, 35.0) <= exact + 0.5
    # a taller effective mast can only raise the bound; a longer path only lower it
    assert bound.value_db(2000.0, 60.0) >= bound.value_db(2000.0, 35.0)
    assert bound.value_db(3000.0, 35.0) <= bound.value_db(2000.0, 35.0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rough_m=st.floats(0.0, 150.0))
def test_ground_floor_is_below_every_sample_near_a_cell(seed, rough_m):
    rng = np.random.default_rng(seed)
    values = (rng.uniform(0, rough_m, (40, 50)) + np.linspace(0, 300, 50)[None, :]).astype(np.float32)
    dem = Grid(values, 100.0, 2000.0, 30.0, ("random",))
    radius = float(rng.uniform(0.0, 200.0))
    low = ground_floor(dem, radius)
    centre = rng.uniform([100.0, 830.0], [1570.0, 2000.0], (200, 2))
    ang, dist = rng.uniform(0, 2 * np.pi, 200), rng.uniform(0, radius, 200)
    near = centre + np.column_stack([np.cos(ang), np.sin(ang)]) * dist[:, None]
    floor = low.nearest(centre[:, 0], centre[:, 1])
    assert (dem.bilinear(near[:, 0], near[:, 1]) >= floor - 1e-4).all()


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rough_m=st.floats(0.0, 150.0), half=st.booleans())
def test_the_kernels_floor_mean_is_below_the_profiles_mean_ground(seed, rough_m, half):
    # the kernel places each group's floor lookup in cell units along the line;
    # on lines through exact half cells (``half``) it may round to either cell
    from siteplan.terrain import kernels
    from siteplan.terrain.bound import floor_radius_m

    rng = np.random.default_rng(seed)
    values = (rng.uniform(0, rough_m, (80, 90)) + np.linspace(0, 300, 90)[None, :]).astype(np.float32)
    dem = Grid(values, 100.0, 3000.0, 30.0, ("random",))
    step = 30.0
    radius = floor_radius_m(step)
    low = ground_floor(dem, radius)
    for _ in range(20):
        a = rng.uniform([100.0, 630.0], [2770.0, 3000.0])
        b = rng.uniform([100.0, 630.0], [2770.0, 3000.0])
        if half:  # both ends on cell-corner halves: midpoints hit exact .5 cell positions
            a, b = (np.round((a - 100.0) / 15.0) * 15.0 + 100.0,
                    np.round((b - 100.0) / 15.0) * 15.0 + 100.0)
        d = max(float(np.hypot(*(b - a))), 1.0)
        m = int(min(max(np.ceil(d / step), 2), 255))
        t = np.arange(m + 1) / m
        ground = dem.bilinear(a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        floor, lookups = kernels._floor_mean(low.values, low.x0_m, low.y0_m, low.res_m, a[0], a[1],
                                             b[0], b[1], m, float(ground[0] + ground[-1]), d / m,
                                             radius)
        assert floor <= ground.mean() + 1e-4
        assert lookups == -(-(m - 1) // (int(2.0 * radius / (d / m)) + 1))


def _hilly_model(rng: np.random.Generator, *, clutter: bool, max_samples: int,
                 offset_db: float, slope_db: float, mode: str) -> PathLossModel:
    n = 140
    x = np.arange(n) * 30.0
    hills = sum(rng.uniform(20, 250) * np.exp(-((x[None, :] - rng.uniform(0, 4200)) ** 2
                                              + (x[:, None] - rng.uniform(0, 4200)) ** 2)
                                            / (2 * rng.uniform(150, 900) ** 2)) for _ in range(6))
    values = (hills + rng.uniform(0, 8, (n, n))).astype(np.float32)
    dem = Grid(values, 0.0, (n - 1) * 30.0, 30.0, ("hills",))
    cover = Grid(rng.integers(-1, 11, (n, n)).astype(np.int32), 0.0, (n - 1) * 30.0, 30.0,
                 ("classes",)) if clutter else None
    lb = _budget(mode)
    return PathLossModel(lb, dem=dem, clutter=cover, max_samples=max_samples, offset_db=offset_db,
                         distance_slope_db_per_dec=slope_db,
                         clutter_height_m={"tree": 15.0, "built": 12.0, "shrub": 3.0},
                         clutter_loss_db={"tree": 8.0, "shrub": 2.0},
                         clutter_offset_db={"crop": -2.0, "built": 1.5})


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), clutter=st.booleans(),
       mode=st.sampled_from(["nlos", "expected", "los"]),
       scenario=st.sampled_from(["UMa", "UMi", "RMa"]),
       max_samples=st.sampled_from([8, 64, 256]),
       offset_db=st.floats(-6.0, 6.0), slope_db=st.floats(-5.0, 5.0),
       cutoff_shift_db=st.floats(-25.0, 25.0))
def test_the_early_exit_never_changes_a_coverage_decision(seed, clutter, mode, scenario,
                                                          max_samples, offset_db, slope_db,
                                                          cutoff_shift_db):
    rng = np.random.default_rng(seed)
    model = _hilly_model(rng, clutter=clutter, max_samples=max_samples, offset_db=offset_db,
                         slope_db=slope_db, mode=mode)
    n = 600
    sites = rng.uniform(100, 4000, (n, 2))
    ang, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(5, 4500, n)
    pts = np.clip(sites + np.column_stack([np.cos(ang), np.sin(ang)]) * dist[:, None], 0, 4170)
    d = np.hypot(*(pts - sites).T)
    h = rng.uniform(5, 60, n)
    indoor = rng.random(n) < 0.3
    cutoff = model.budget.rsrp_threshold_dbm + cutoff_shift_db
    kw = dict(macro=bool(rng.random() < 0.7), indoor=indoor)
    full = model.rsrp_dbm(scenario, sites, h, pts, d, **kw)
    fast = model.rsrp_dbm(scenario, sites, h, pts, d, cutoff_dbm=cutoff, **kw)
    covers = full >= cutoff
    assert np.array_equal(fast[covers], full[covers])  # every covering pair exactly as before
    dropped = fast != full
    assert (fast[dropped] == -np.inf).all() and (full[dropped] < cutoff).all()


def test_the_early_exit_drops_most_pairs_that_cannot_cover():
    rng = np.random.default_rng(3)
    model = _hilly_model(rng, clutter=False, max_samples=256, offset_db=0.0, slope_db=0.0,
                         mode="nlos")
    n = 4000
    sites = rng.uniform(100, 4000, (n, 2))
    pts = rng.uniform(0, 4170, (n, 2))
    d = np.hypot(*(pts - sites).T)
    h = np.full(n, 30.0)
    threshold = model.budget.rsrp_threshold_dbm
    terms = {}
    original = PathLossModel.profile_terms

    def spy(self, *args, **kwargs):
        terms["t"] = original(self, *args, **kwargs)
        return terms["t"]

    full = model.rsrp_dbm("RMa", sites, h, pts, d, macro=True)
    try:
        PathLossModel.profile_terms = spy
        fast = model.rsrp_dbm("RMa", sites, h, pts, d, macro=True, cutoff_dbm=threshold)
    finally:
        PathLossModel.profile_terms = original
    covers = full >= threshold
    assert 0.05 < covers.mean() < 0.95
    assert np.array_equal(fast[covers], full[covers])
    dead = terms["t"].dead
    assert not dead[covers].any()
    assert dead[~covers].mean() > 0.5  # most hopeless pairs never walk their profile


def test_without_a_cutoff_the_model_walks_every_pair():
    rng = np.random.default_rng(5)
    model = _hilly_model(rng, clutter=True, max_samples=256, offset_db=0.0, slope_db=0.0,
                         mode="nlos")
    sites, pts = rng.uniform(100, 4000, (2, 500, 2))
    terms = model.profile_terms(sites, np.full(500, 30.0), pts, 1.5, 3.5)
    assert not terms.dead.any()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), clutter=st.booleans(),
       mode=st.sampled_from(["nlos", "expected", "los"]),
       scenario=st.sampled_from(["UMa", "UMi", "RMa"]),
       offset_db=st.floats(-6.0, 6.0), slope_db=st.floats(-5.0, 5.0),
       cutoff_shift_db=st.floats(0.0, 25.0), nlos_m=st.floats(0.0, 5000.0))
# a positive distance slope lowers the loss nearer than 1 km: the search radii once
# ignored it (a pair at 480 m covered at -104.7 dBm beyond a 470 m "NLOS reach")
@example(seed=1759922, clutter=True, mode="nlos", scenario="UMi", offset_db=1.5, slope_db=2.0,
         cutoff_shift_db=0.0, nlos_m=0.0)
def test_pairs_by_index_get_the_same_rsrp_as_pairs_by_value(seed, clutter, mode, scenario,
                                                           offset_db, slope_db, cutoff_shift_db,
                                                           nlos_m):
    """pair_rsrp_dbm (users and sites by index, the coverage matrix's path) makes the
    same coverage decision as rsrp_dbm for every pair and gives each covering pair
    exactly its value; with a site NLOS reach, pairs beyond it whose path is clear
    keep theirs. (The cutoff is at or above the budget's threshold: rsrp_dbm's own
    LOS-only shortcut is sized from the threshold.)"""
    rng = np.random.default_rng(seed)
    model = _hilly_model(rng, clutter=clutter, max_samples=256, offset_db=offset_db,
                         slope_db=slope_db, mode=mode)
    sites = rng.uniform(100, 4000, (25, 2))
    users = rng.uniform(0, 4170, (300, 2))
    rows, cols = rng.integers(0, 300, 900), rng.integers(0, 25, 900)
    d = np.hypot(*(users[rows] - sites[cols]).T)
    h, indoor = rng.uniform(5, 60, 25), rng.random(300) < 0.3
    cutoff = model.budget.rsrp_threshold_dbm + cutoff_shift_db
    macro = bool(rng.random() < 0.7)
    full = model.rsrp_dbm(scenario, sites[cols], h[cols], users[rows], d, macro=macro,
                          indoor=indoor[rows])
    site_nlos = np.full(25, np.inf)
    fast = model.pair_rsrp_dbm(scenario, sites, h, users, rows, cols, d, macro=macro,
                               indoor=indoor, site_nlos_m=site_nlos, cutoff_dbm=cutoff)
    covers = full >= cutoff
    assert np.array_equal(fast >= cutoff, covers)
    assert np.array_equal(fast[covers], full[covers])
    # a finite NLOS reach: beyond it a pair is dropped only when its clutter profile
    # is blocked (NLOS for sure), never when it is clear
    short = model.pair_rsrp_dbm(scenario, sites, h, users, rows, cols, d, macro=macro,
                                indoor=indoor, site_nlos_m=np.full(25, nlos_m), cutoff_dbm=cutoff)
    near = d <= nlos_m
    assert np.array_equal(short[near & covers], full[near & covers])
    if model.clutter is not None:
        terms = model.profile_terms(sites[cols], h[cols], users[rows], 1.5, model.budget.freq_ghz)
        clear = terms.los & ~terms.terrain_blocked
        assert np.array_equal(short[clear & covers], full[clear & covers])
    else:
        assert np.array_equal(short[covers], full[covers])
    assert np.array_equal(short[short >= cutoff], full[short >= cutoff])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 400), sites=st.integers(0, 30),
       cell_m=st.floats(1.0, 3000.0), share_open=st.floats(0.0, 1.0), threads=st.booleans())
def test_the_grid_pair_search_finds_exactly_the_pairs_within_each_radius(seed, n, sites, cell_m,
                                                                        share_open, threads):
    from unittest.mock import patch

    import siteplan.pairsearch
    from siteplan.pairsearch import PointGrid


    rng = np.random.default_rng(seed)
    pts = rng.uniform(-2000, 6000, (n, 2))
    if n > 3:
        pts[:3] = pts[3]  # repeated points
    site_xy = rng.uniform(-3000, 7000, (sites, 2))
    radius = rng.choice([0.0, 50.0, 800.0, 3000.0, 20_000.0], sites) * rng.uniform(0.5, 1, sites)
    far = radius + rng.choice([0.0, 1500.0, 9000.0], sites)
    is_open = rng.random(n) < share_open
    grid = PointGrid.build(pts, cell_m)
    # small searches run on the calling thread; threads=True makes this one use numba's
    with patch.object(siteplan.pairsearch, "SMALL_WORK", 0 if threads else 2_000_000):
        rows, cols, d = grid.pairs_within(site_xy, radius, grid.subset(is_open, cell_m), far)
    dist = np.hypot(pts[:, None, 0] - site_xy[None, :, 0], pts[:, None, 1] - site_xy[None, :, 1])
    want = (dist <= radius[None, :]) | (is_open[:, None] & (dist > radius[None, :])
                                        & (dist <= far[None, :]))
    got = np.zeros_like(want)
    got[rows, cols] = True
    assert np.array_equal(got, want)
    assert rows.size == int(want.sum())  # no pair twice
    np.testing.assert_allclose(d, dist[rows, cols], rtol=0, atol=1e-9)
    plain = grid.pairs_within(site_xy, radius)
    assert plain[0].size == int((dist <= radius[None, :]).sum())


@settings(max_examples=60, deadline=None)
@given(scenario=st.sampled_from(["UMa", "UMi", "RMa"]), macro=st.booleans(),
       clutter=st.booleans(), mast_m=st.floats(1.0, 150.0), low_m=st.floats(0.0, 150.0))
def test_terrain_search_radii_cover_every_lower_effective_mast(scenario, macro, clutter, mast_m,
                                                               low_m):
    """Over terrain a pair's effective mast can be anything up to the bound the
    search is sized from, and 38.901's reach is not monotone in it (UMi NLOS
    reaches ~95 m from 10 m, 0 m from 115 m): the radius must be the best of them."""
    rng = np.random.default_rng(1)
    model = _hilly_model(rng, clutter=clutter, max_samples=64, offset_db=0.0, slope_db=0.0,
                         mode="nlos")
    near, far = model.search_radii_m(scenario, mast_m, macro=macro, relief=False)
    nlos = dataclasses.replace(model.budget, mode="nlos")
    los = dataclasses.replace(model.budget, mode="los" if clutter else "nlos")
    h = min(low_m, mast_m)
    assert near >= nlos.max_reach_m(scenario, h, macro=macro) - 1e-9
    assert far >= los.max_reach_m(scenario, h, macro=macro) - 1e-9


def test_a_streetlight_on_a_hill_covers_its_neighbours():
    """A UMi pole on a plateau 120 m above the valley: its search radius was sized
    at a 132 m effective mast (no NLOS reach at all), so users beside it on the
    plateau were never evaluated."""
    import geopandas as gpd
    from shapely.geometry import Point

    from siteplan.coverage import coverage_matrix

    values = np.zeros((80, 80), np.float32)
    values[:, 40:] = 120.0  # a plateau east of x = 1200 m
    dem = Grid(values, 0.0, 79 * 30.0, 30.0, ("plateau",))
    crs = 32650
    users = gpd.GeoDataFrame({"environment": ["urban"] * 2, "indoor": [False] * 2},
                             geometry=[Point(1800.0, 1200.0), Point(1840.0, 1200.0)], crs=crs)
    pole = gpd.GeoDataFrame({"kind": ["streetlight"], "height_m": [12.0]},
                            geometry=[Point(1790.0, 1200.0)], crs=crs)
    import siteplan.coverage as cov_module

    original = cov_module.load_path_loss_model
    try:
        cov_module.load_path_loss_model = lambda *a, **k: PathLossModel(
            LinkBudget.from_assumptions(Assumptions()), dem=dem)
        cov = coverage_matrix(users, pole, Assumptions())
    finally:
        cov_module.load_path_loss_model = original
    assert cov.matrix.toarray().all()


def test_the_grid_pair_search_keeps_pairs_exactly_on_the_radius():
    """A point exactly ``radius`` away could round into a cell the scan left out
    (a reviewer's cases: the scan's floor of a rounded division against the
    bucketing's exact floor)."""
    from siteplan.pairsearch import PointGrid

    users = np.array([[1385.6451893020771, 190.79049751141443], [2000.0, 900.0]])
    site = np.array([[1385.6451893020771, -309.2095024885856]])
    assert np.hypot(*(users[0] - site[0])) == 500.0
    for cell_m in (50.0, 256.0, 500.0, 1000.0):
        rows, _cols, _d = PointGrid.build(users, cell_m).pairs_within(site, np.array([500.0]))
        assert rows.tolist() == [0]
    line = np.column_stack([np.linspace(0.0, 1.0, 30), np.zeros(30)])
    rows, _cols, _d = PointGrid.build(line, 0.1).pairs_within(np.array([[1.5, 0.0]]),
                                                              np.array([0.5]))
    assert 29 in rows.tolist()


def test_the_pair_guard_fires_before_the_pairs_are_stored(monkeypatch):
    """``coverage.max_pairs`` is checked on the pair search's count, before the
    (24 bytes a pair) arrays are allocated and filled."""
    import geopandas as gpd
    import pytest
    from shapely.geometry import Point

    import siteplan.pairsearch as pairsearch
    from siteplan.coverage import coverage_matrix
    from siteplan.errors import InputError

    users = gpd.GeoDataFrame({"environment": ["urban"] * 50, "indoor": [False] * 50},
                             geometry=[Point(10.0 * i, 0.0) for i in range(50)], crs=32650)
    sites = gpd.GeoDataFrame({"kind": ["tower"] * 3, "height_m": [30.0] * 3},
                             geometry=[Point(0.0, 5.0), Point(200.0, 5.0), Point(400.0, 5.0)],
                             crs=32650)
    assert coverage_matrix(users, sites, Assumptions()).pairs_evaluated == 150

    compiled = pairsearch._pairs

    def counted_only(*args):
        if args[-3].size:  # out_rows: the pass that stores the pairs
            raise AssertionError("the pairs were stored before the guard")
        return compiled(*args)

    monkeypatch.setattr(pairsearch, "_pairs", counted_only)
    with pytest.raises(InputError, match="more than 149 candidate-demand pairs"):
        coverage_matrix(users, sites, Assumptions({"coverage.max_pairs": 149}))
