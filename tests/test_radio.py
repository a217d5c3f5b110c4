"""TR 38.901 path loss against values computed by hand from the formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError, RadioError
from siteplan.radio import (
    LinkBudget,
    breakpoint_m,
    los_probability,
    o2i_loss_db,
    path_loss,
    scenario_for,
)

C = 3e8


def hand_uma(d2d, f, hbs, hut, los):
    d3d = math.hypot(d2d, hbs - hut)
    dbp = 4 * (hbs - 1) * (hut - 1) * f * 1e9 / C
    if d2d <= dbp:
        pl = 28.0 + 22 * math.log10(d3d) + 20 * math.log10(f)
    else:
        pl = (28.0 + 40 * math.log10(d3d) + 20 * math.log10(f)
              - 9 * math.log10(dbp**2 + (hbs - hut) ** 2))
    if not los:
        pl = max(pl, 13.54 + 39.08 * math.log10(d3d) + 20 * math.log10(f) - 0.6 * (hut - 1.5))
    return pl


def hand_umi(d2d, f, hbs, hut, los):
    d3d = math.hypot(d2d, hbs - hut)
    dbp = 4 * (hbs - 1) * (hut - 1) * f * 1e9 / C
    if d2d <= dbp:
        pl = 32.4 + 21 * math.log10(d3d) + 20 * math.log10(f)
    else:
        pl = (32.4 + 40 * math.log10(d3d) + 20 * math.log10(f)
              - 9.5 * math.log10(dbp**2 + (hbs - hut) ** 2))
    if not los:
        pl = max(pl, 35.3 * math.log10(d3d) + 22.4 + 21.3 * math.log10(f) - 0.3 * (hut - 1.5))
    return pl


def hand_rma(d2d, f, hbs, hut, los, w=20.0, h=5.0):
    d3d = math.hypot(d2d, hbs - hut)
    dbp = 2 * math.pi * hbs * hut * f * 1e9 / C

    def pl1(d):
        return (20 * math.log10(40 * math.pi * d * f / 3) + min(0.03 * h**1.72, 10) * math.log10(d)
                - min(0.044 * h**1.72, 14.77) + 0.002 * math.log10(h) * d)

    pl = pl1(d3d) if d2d <= dbp else pl1(dbp) + 40 * math.log10(d3d / dbp)
    if not los:
        nlos = (161.04 - 7.1 * math.log10(w) + 7.5 * math.log10(h)
                - (24.37 - 3.7 * (h / hbs) ** 2) * math.log10(hbs)
                + (43.42 - 3.1 * math.log10(hbs)) * (math.log10(d3d) - 3)
                + 20 * math.log10(f) - (3.2 * math.log10(11.75 * hut) ** 2 - 4.97))
        pl = max(pl, nlos)
    return pl


CASES = [
    # scenario, d2d, f, hbs, hut, los ; both sides of each breakpoint
    ("UMa", 50.0, 3.5, 25.0, 1.5, True), ("UMa", 400.0, 3.5, 25.0, 1.5, True),
    ("UMa", 900.0, 3.5, 25.0, 1.5, True), ("UMa", 3000.0, 3.5, 25.0, 1.5, True),
    ("UMa", 100.0, 3.5, 25.0, 1.5, False), ("UMa", 1500.0, 2.6, 30.0, 1.5, False),
    ("UMa", 700.0, 0.7, 25.0, 1.5, True), ("UMa", 250.0, 4.9, 25.0, 5.0, False),
    ("UMi", 30.0, 3.5, 10.0, 1.5, True), ("UMi", 150.0, 3.5, 10.0, 1.5, True),
    ("UMi", 400.0, 3.5, 10.0, 1.5, True), ("UMi", 1000.0, 3.5, 10.0, 1.5, True),
    ("UMi", 80.0, 3.5, 10.0, 1.5, False), ("UMi", 300.0, 2.6, 8.0, 1.5, False),
    ("RMa", 200.0, 0.7, 35.0, 1.5, True), ("RMa", 3000.0, 0.7, 35.0, 1.5, True),
    ("RMa", 1200.0, 3.5, 35.0, 1.5, True), ("RMa", 8000.0, 3.5, 35.0, 1.5, True),
    ("RMa", 500.0, 3.5, 35.0, 1.5, False), ("RMa", 4000.0, 0.7, 40.0, 1.5, False),
    ("RMa", 2000.0, 2.6, 15.0, 2.0, False), ("UMa", 10.0, 3.5, 25.0, 1.5, True),
]


@pytest.mark.parametrize(("scenario", "d2d", "f", "hbs", "hut", "los"), CASES)
def test_path_loss_matches_hand_formula(scenario, d2d, f, hbs, hut, los):
    hand = {"UMa": hand_uma, "UMi": hand_umi, "RMa": hand_rma}[scenario](d2d, f, hbs, hut, los)
    got = float(path_loss(scenario, d2d, freq_ghz=f, h_bs_m=hbs, h_ut_m=hut, los=los))
    assert got == pytest.approx(hand, abs=0.01)


def test_cases_span_both_sides_of_breakpoints():
    sides = set()
    for scenario, d2d, f, hbs, hut, _ in CASES:
        sides.add((scenario, bool(d2d <= float(breakpoint_m(scenario, f, hbs, hut)))))
    assert sides == {(s, b) for s in ("UMa", "UMi", "RMa") for b in (True, False)}


def test_vectorised_equals_scalar():
    d = np.array([20.0, 300.0, 2000.0])
    vec = path_loss("UMa", d, freq_ghz=3.5, h_bs_m=25.0, los=False)
    assert vec.shape == (3,)
    for i, x in enumerate(d):
        assert vec[i] == pytest.approx(float(path_loss("UMa", x, freq_ghz=3.5, h_bs_m=25.0)))


def test_nlos_never_below_los():
    d = np.geomspace(10, 5000, 200)
    for sc, h in (("UMa", 25.0), ("UMi", 10.0), ("RMa", 35.0)):
        assert np.all(path_loss(sc, d, h_bs_m=h, los=False) >= path_loss(sc, d, h_bs_m=h, los=True))


def test_los_probability_formulas():
    assert float(los_probability("RMa", 510.0)) == pytest.approx(math.exp(-0.5))
    d = 100.0
    assert float(los_probability("UMi", d)) == pytest.approx(18 / d + math.exp(-d / 36) * (1 - 18 / d))
    assert float(los_probability("UMa", d)) == pytest.approx(18 / d + math.exp(-d / 63) * (1 - 18 / d))
    assert float(los_probability("UMa", 10.0)) == 1.0


def test_o2i_wall_losses_match_domain_numbers():
    assert o2i_loss_db(3.5, building="low") == pytest.approx(12.70, abs=0.01)
    assert o2i_loss_db(3.5, building="high") == pytest.approx(26.85, abs=0.01)
    assert o2i_loss_db(3.5, building="low", indoor_distance_m=10) == pytest.approx(17.70, abs=0.01)


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"scenario": "UMX", "d2d_m": 100.0}, "UMX"),
    ({"scenario": "UMa", "d2d_m": -5.0}, "-5"),
    ({"scenario": "UMa", "d2d_m": 6000.0}, "6000"),
    ({"scenario": "RMa", "d2d_m": 100.0, "freq_ghz": 40.0}, "40"),
    ({"scenario": "RMa", "d2d_m": 100.0, "h_bs_m": 8.0}, "h_bs = 8"),
    ({"scenario": "UMa", "d2d_m": 100.0, "h_ut_m": 30.0}, "h_ut = 30"),
])
def test_out_of_range_inputs_raise(kwargs, needle):
    with pytest.raises(RadioError, match=needle):
        path_loss(**kwargs)


def test_unknown_band_and_environment():
    with pytest.raises(ConfigError, match="n99.*Did you mean 'n79'"):
        Assumptions({"radio.band": "n99"})  # refused when set, not when read
    with pytest.raises(RadioError, match="downtown"):
        scenario_for("downtown", macro=True)


def test_reach_follows_physics():
    lb = LinkBudget.from_assumptions(Assumptions())
    low = LinkBudget.from_assumptions(Assumptions({"radio.band": "n28"}))
    tower_rural = lb.max_reach_m("RMa", 40.0, macro=True)
    tower_urban = lb.max_reach_m("UMa", 40.0, macro=True)
    light = lb.max_reach_m("UMi", 8.0, macro=False)
    assert light < tower_urban < tower_rural
    assert low.max_reach_m("RMa", 40.0, macro=True) > tower_rural
    indoor = lb.rsrp_dbm("UMa", np.array([300.0]), np.array([25.0]), macro=True, indoor=True)
    outdoor = lb.rsrp_dbm("UMa", np.array([300.0]), np.array([25.0]), macro=True)
    assert float((outdoor - indoor)[0]) == pytest.approx(lb.indoor_loss_db())


def test_expected_mode_weights_linear_power_by_los_probability():
    lb = LinkBudget.from_assumptions(Assumptions({"radio.mode": "expected"}))
    d, h = np.array([50.0, 300.0, 1500.0]), np.array([25.0, 25.0, 25.0])
    got = lb.rsrp_dbm("UMa", d, h, macro=True)
    p = los_probability("UMa", d)
    los = path_loss("UMa", d, h_bs_m=25.0, los=True)
    nlos = path_loss("UMa", d, h_bs_m=25.0, los=False)
    pl = -10 * np.log10(p * 10 ** (-los / 10) + (1 - p) * 10 ** (-nlos / 10))
    sigma = p * 4.0 + (1 - p) * 6.0
    want = lb.eirp_per_re_dbm(macro=True) - pl - 1.2815515655446004 * sigma
    np.testing.assert_allclose(got, want, atol=1e-9)
