"""Best server, SS-RSRP, SS-SINR, overlap and overshooting (siteplan.sinr)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError
from siteplan.sinr import (
    SECTOR_OFFSETS_DEG,
    SinrSettings,
    _overshooting,
    best_server_sinr,
    load_model,
)

A = Assumptions()
S = SinrSettings.from_assumptions(A)
M = load_model(A)  # the plan's model: flat TR 38.901 without a DEM


def _run(sites, pts, *, macro=None, heights=None, env="urban", indoor=None, settings=S,
         azimuth=None):
    sites = np.asarray(sites, float).reshape(-1, 2)
    pts = np.asarray(pts, float).reshape(-1, 2)
    macro = np.ones(len(sites), bool) if macro is None else np.asarray(macro, bool)
    heights = np.where(macro, 30.0, 10.0) if heights is None else np.asarray(heights, float)
    indoor = np.zeros(len(pts), bool) if indoor is None else np.asarray(indoor, bool)
    return best_server_sinr(sites, heights, macro, pts, np.full(len(pts), env), indoor,
                            settings, M, azimuth_deg=azimuth)


def _reference(sites, pts, macro, heights, settings, azimuth):
    """Brute force: every cell at every point in a Python loop."""
    out_rsrp, out_sinr, out_site = [], [], []
    noise = 10 ** (settings.noise_per_re_dbm / 10)
    for p in pts:
        cells = []
        for s, (xy, mac, h, az) in enumerate(zip(sites, macro, heights, azimuth, strict=True)):
            d = float(np.hypot(*(p - xy)))
            if d > settings.max_distance_m:
                continue
            pl = float(M.path_loss_db(xy, h, "urban", p[None, :], 3.5, 1.5, macro=mac)[0])
            if not mac:
                cells.append((settings.eirp_micro_dbm - pl, s))
                continue
            bearing = np.degrees(np.arctan2(p[0] - xy[0], p[1] - xy[1]))
            elev = np.degrees(np.arctan2(h - 1.5, max(d, 1.0)))
            for off in SECTOR_OFFSETS_DEG:
                phi = (bearing - az - off + 180) % 360 - 180
                att = float(settings.attenuation_db(phi, elev, settings.macro_downtilt_deg))
                cells.append((settings.eirp_macro_dbm - pl - att, s))
        if not cells:
            out_rsrp.append(-np.inf), out_sinr.append(-np.inf), out_site.append(-1)
            continue
        best = max(cells)
        other = sum(10 ** (c / 10) for c, _ in cells) - 10 ** (best[0] / 10)
        out_rsrp.append(best[0])
        out_site.append(best[1])
        out_sinr.append(10 * np.log10(10 ** (best[0] / 10) / (settings.load * other + noise)))
    return np.array(out_rsrp), np.array(out_sinr), np.array(out_site)


def test_vectorised_matches_a_brute_force_reference():
    rng = np.random.default_rng(3)
    sites = rng.uniform(0, 4000, (9, 2))
    macro = rng.random(9) < 0.6
    heights = np.where(macro, rng.uniform(25, 45, 9), rng.uniform(8, 15, 9))
    azimuth = rng.uniform(0, 360, 9)
    pts = rng.uniform(-500, 4500, (300, 2))
    res = _run(sites, pts, macro=macro, heights=heights, azimuth=azimuth)
    rsrp, sinr, site = _reference(sites, pts, macro, heights, S, azimuth)
    np.testing.assert_allclose(res.rsrp_dbm, rsrp, atol=1e-9)
    np.testing.assert_allclose(res.sinr_db, sinr, atol=1e-9)
    assert (res.best_site == site).all()


def test_single_cell_sinr_is_its_snr_and_sectors_follow_the_azimuth():
    pts = [[0.0, 400.0], [400 * np.sin(np.radians(120)), 400 * np.cos(np.radians(120))],
           [400 * np.sin(np.radians(240)), 400 * np.cos(np.radians(240))]]
    res = _run([[0.0, 0.0]], pts)
    assert res.best_sector.tolist() == [0, 1, 2]
    # the two other sectors of the one site interfere (reuse 1): SINR below SNR
    snr = res.rsrp_dbm - S.noise_per_re_dbm
    assert (res.sinr_db < snr).all()
    # an omni micro cell alone: SINR is exactly its SNR
    micro = _run([[0.0, 0.0]], pts, macro=[False])
    np.testing.assert_allclose(micro.sinr_db, micro.rsrp_dbm - S.noise_per_re_dbm)
    # turning the site by 60 degrees puts the first point between sectors 0 and 2
    turned = _run([[0.0, 0.0]], [[400 * np.sin(np.radians(60)), 400 * np.cos(np.radians(60))]],
                  azimuth=[60.0])
    assert turned.best_sector.tolist() == [0]


def test_load_scales_interference():
    sites, pts = [[0.0, 0.0], [800.0, 0.0]], [[300.0, 50.0], [420.0, -30.0]]
    low = _run(sites, pts, settings=SinrSettings.from_assumptions(A.override({"sinr.load": 0.1})))
    high = _run(sites, pts, settings=SinrSettings.from_assumptions(A.override({"sinr.load": 1.0})))
    zero = _run(sites, pts, settings=SinrSettings.from_assumptions(A.override({"sinr.load": 0.0})))
    assert (low.sinr_db > high.sinr_db).all()
    np.testing.assert_allclose(zero.sinr_db, zero.rsrp_dbm - S.noise_per_re_dbm)
    np.testing.assert_allclose(low.rsrp_dbm, high.rsrp_dbm)


def test_overlap_counts_cells_within_the_window():
    # four omni micro cells at the corners of a square: the centre sees four equal cells
    corners = [[0.0, 0.0], [200.0, 0.0], [0.0, 200.0], [200.0, 200.0]]
    res = _run(corners, [[100.0, 100.0], [5.0, 5.0]], macro=[False] * 4)
    assert res.servers_in_window[0] == 4
    assert res.servers_in_window[1] == 1
    assert res.sinr_db[0] < 0  # three equal interferers at full load share


def test_points_beyond_every_cell_have_no_server():
    res = _run([[0.0, 0.0]], [[0.0, 6000.0], [0.0, 100.0]])
    assert res.best_site.tolist() == [-1, 0]
    assert res.sinr_db[0] == -np.inf and res.servers_in_window[0] == 0
    empty = _run(np.zeros((0, 2)), [[0.0, 1.0]])
    assert empty.best_site.tolist() == [-1]


def test_indoor_points_lose_o2i_on_every_cell():
    out = _run([[0.0, 0.0]], [[0.0, 300.0]], macro=[False])
    ind = _run([[0.0, 0.0]], [[0.0, 300.0]], macro=[False], indoor=[True])
    assert out.rsrp_dbm[0] - ind.rsrp_dbm[0] == pytest.approx(S.indoor_loss_db)


def test_overshooting_site_serves_beyond_its_first_tier():
    # a 3 x 3 grid of sites 1 km apart; the corner site 0 serves a point next to site 8
    sites = np.array([[x, y] for y in (0.0, 1000.0, 2000.0) for x in (0.0, 1000.0, 2000.0)])
    pts = np.array([[100.0, 0.0], [2000.0, 1900.0], [1100.0, 0.0], [2100.0, 0.0],
                    [-1500.0, 0.0]])
    best = np.array([0, 0, 1, 2, 0])
    nearest = np.array([100.0, 100.0, 100.0, 100.0, 1500.0])
    table, overshot = _overshooting(sites, pts, best, nearest, S)
    # first tier of the corner: mean of 1000, 1000, 1414 m; 1.5 x that is 1707 m
    assert table.loc[0, "neighbour_distance_m"] == pytest.approx((2000 + 2 ** 0.5 * 1000) / 3)
    # point 1 is 2759 m away with site 8 nearer: overshot; point 4 lies beyond the
    # network's edge (no nearer site): served far, but not overshooting
    assert overshot.tolist() == [False, True, False, False, False]
    assert table["overshooting"].tolist() == [True] + [False] * 8
    assert table.loc[0, "overshot_points"] == 1 and table.loc[0, "served_points"] == 3


def test_settings_are_checked():
    with pytest.raises(ConfigError, match="sinr.load"):
        Assumptions({"sinr.load": 1.5})
    with pytest.raises(ConfigError, match="sinr.max_distance_m"):
        Assumptions({"sinr.max_distance_m": 9000})


def test_tuned_terms_add_to_the_flat_loss():
    m = load_model(A.override({"pathloss.offset_db": 2.0,
                               "pathloss.distance_slope_db_per_dec": 10.0}))
    base = M.path_loss_db((0, 0), 35.0, ["rural", "urban"], [[0, 2000], [0, 100]], 3.5,
                          macro=True)
    tuned = m.path_loss_db((0, 0), 35.0, ["rural", "urban"], [[0, 2000], [0, 100]], 3.5,
                           macro=True)
    np.testing.assert_allclose(tuned - base, [2 + 10 * np.log10(2), 2 + 10 * np.log10(0.1)])


def test_sinr_and_coverage_see_the_same_tuned_terms():
    """The SINR model is the coverage model: tuning shifts both RSRPs alike."""
    import geopandas as gpd
    from shapely.geometry import Point

    from siteplan.coverage import coverage_matrix

    tuned_a = A.override({"pathloss.offset_db": 3.0, "pathloss.distance_slope_db_per_dec": -2.0})
    pts = np.array([[300.0, 0.0], [0.0, 400.0], [450.0, 0.0]])
    env = np.array(["urban", "rural", "rural"])
    dem = gpd.GeoDataFrame({"environment": env, "indoor": [False] * 3},
                           geometry=[Point(*p) for p in pts], crs=32650)
    cands = gpd.GeoDataFrame({"kind": ["tower"], "height_m": [35.0]}, geometry=[Point(0, 0)],
                             crs=32650)
    shift = 3.0 - 2.0 * np.log10(np.hypot(*pts.T) / 1000.0)
    plain, tuned = coverage_matrix(dem, cands, A), coverage_matrix(dem, cands, tuned_a)
    np.testing.assert_allclose(plain.rsrp_dbm.toarray()[:, 0] - tuned.rsrp_dbm.toarray()[:, 0],
                               shift, atol=1e-4)  # float32 storage
    args = (np.zeros((1, 2)), np.array([35.0]), np.array([True]), pts, env, np.zeros(3, bool), S)
    sinr_plain = best_server_sinr(*args, load_model(A)).rsrp_dbm
    sinr_tuned = best_server_sinr(*args, load_model(tuned_a)).rsrp_dbm
    np.testing.assert_allclose(sinr_plain - sinr_tuned, shift, atol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 6), st.integers(0, 10_000))
def test_best_server_is_the_strongest_single_site(n_sites, seed):
    """RSRP with all sites = the max over each site alone; SINR <= the best SNR."""
    rng = np.random.default_rng(seed)
    sites = rng.uniform(0, 3000, (n_sites, 2))
    macro = rng.random(n_sites) < 0.5
    pts = rng.uniform(0, 3000, (40, 2))
    together = _run(sites, pts, macro=macro)
    alone = np.array([_run(sites[i:i + 1], pts, macro=macro[i:i + 1]).rsrp_dbm
                      for i in range(n_sites)])
    np.testing.assert_allclose(together.rsrp_dbm, alone.max(axis=0))
    served = together.best_site >= 0
    assert (alone.argmax(axis=0)[served] == together.best_site[served]).all()
    assert (together.sinr_db[served]
            <= together.rsrp_dbm[served] - S.noise_per_re_dbm + 1e-9).all()
    assert ((together.servers_in_window >= 1)
            == (together.rsrp_dbm >= S.overlap_min_rsrp_dbm)).all()


def test_retired_environment_offsets_are_refused_when_the_config_is_read():
    """plan never applied per-environment offsets: a config carrying one fails at once,
    saying why and what to do, instead of late in the SINR analysis."""
    with pytest.raises(ConfigError, match=r"pathloss.environment_offset_db.urban.*no longer a "
                       r"key.*pathloss.offset_db.*clutter.offset_db"):
        Assumptions({"pathloss.environment_offset_db.urban": 3.0})


UTM_CRS = "EPSG:32650"
