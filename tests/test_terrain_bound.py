"""The proven early exit of the terrain kernel (siteplan.terrain.bound, issue 27 speed).

A pair is dropped unwalked only when no state, mast height or diffraction
could let it clear the coverage threshold; these tests hold the bound to
the full computation and check that the coverage decision never changes.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
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
