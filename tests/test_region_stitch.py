"""Issue 29: the stitched regional plan costs within 1 % of the whole-region
plan by default, and keeps the border promise of ``keep_border_coverage``.

The border promise (default ``"target"``): in each target area the demand
near unit borders (the stitch's strip) stays covered at the area's target
share of the strip's weight, or as much as the units covered it where that
is less; coverage the units bought beyond that is not kept (``"all"``
keeps it, ``"none"`` only the whole-area targets). Checked on hand-made
strips (exact figures, and a hypothesis property) and on a small region cut
in four quadrants through its main city, planned whole and unit by unit.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from siteplan.errors import ConfigError
from siteplan.region import load_region_config, plan_region
from siteplan.region.stitch import stitch
from siteplan.region.tasks import CONSTANT_COLUMNS

YEAR = 2022


def _write_strip(path: Path, unit: str, sites: list[str], cost: list[float], free: list[bool],
                 chosen: list[bool], rows: list[list[int]], area: list[str],
                 weight: list[float], target: float) -> Path:
    """A unit's ``strip.npz`` as :func:`siteplan.region.tasks._strip` writes it
    (one milestone, coverage only): ``rows[i]`` lists the columns covering row i."""
    dense = np.zeros((len(rows), len(sites)), bool)
    for i, cols in enumerate(rows):
        dense[i, cols] = True
    m = sp.csr_array(dense)
    n = len(rows)
    np.savez(path, indptr=m.indptr, indices=m.indices, shape=np.array(m.shape),
             unit=np.array(unit), col_site=np.array(sites), col_cost=np.array(cost, float),
             col_kind=np.array(["tower"] * len(sites)), col_free=np.array(free),
             col_on_air=np.zeros(len(sites), bool), col_chosen=np.array([chosen]),
             years=np.array([YEAR]), row_area=np.array(area), row_weight=np.array(weight, float),
             row_milestone=np.full(n, YEAR), row_target=np.full(n, target),
             row_mbps=np.zeros(n), row_env=np.array(["urban"] * n),
             cap_k=np.zeros(0, np.int64), cap_area=np.zeros(0, str),
             cap_col=np.zeros(0, np.int64), cap_value=np.zeros(0))
    return path


def _constants(rows: list[tuple]) -> pd.DataFrame:
    """Area pieces: (area, unit, weight, coverable_w, fixed_covered_w, target)."""
    return pd.DataFrame([{"year": YEAR, "area_id": a, "unit_code": u, "coverable_w": c,
                          "fixed_covered_w": f, "weight": w, "coverage_target": t,
                          "required_mbps": 0.0, "units_served_mbps": 0.0,
                          "outside_strip_mbps": 0.0} for a, u, w, c, f, t in rows],
                        columns=CONSTANT_COLUMNS)


@pytest.fixture()
def border_case(tmp_path):
    """Area A (unit U1, target 0.5, weight 10): its interior (6) is covered 5
    by U1's fixed sites, so the whole-area target needs nothing of its four
    border points, which U1 covered with c1 and c2 (10 CNY each); c3 (15 CNY,
    free, nobody chose it) covers all four. Area B (unit U2, target 1): one
    border point, c4 (5 CNY, chosen by U2)."""
    s1 = _write_strip(tmp_path / "u1.npz", "U1", ["c1", "c2", "c3", "c4"], [10, 10, 15, 5],
                      [True] * 4, [True, True, False, False],
                      [[0, 2], [0, 2], [1, 2], [1, 2]], ["A"] * 4, [1.0] * 4, 0.5)
    s2 = _write_strip(tmp_path / "u2.npz", "U2", ["c3", "c4"], [15, 5], [True, True],
                      [False, True], [[1]], ["B"], [1.0], 1.0)
    consts = _constants([("A", "U1", 10.0, 10.0, 5.0, 0.5), ("B", "U2", 1.0, 1.0, 0.0, 1.0)])
    return [s1, s2], consts


def _strip_cover(result: dict, sites: list[str], rows: list[list[int]],
                 weight: list[float]) -> float:
    chosen = set(result["selected"][YEAR])
    return sum(w for cols, w in zip(rows, weight, strict=True)
               if any(sites[c] in chosen for c in cols))


A_SITES, A_ROWS = ["c1", "c2", "c3", "c4"], [[0, 2], [0, 2], [1, 2], [1, 2]]


def test_default_keeps_border_coverage_up_to_the_target_share(border_case):
    strips, consts = border_case
    out = {mode: stitch(strips, consts, {YEAR: set()}, [YEAR], keep_border_coverage=mode,
                        time_limit_s=5)
           for mode in ("target", "all", "none")}
    default = stitch(strips, consts, {YEAR: set()}, [YEAR], time_limit_s=5)
    assert default["selected"] == out["target"]["selected"]  # the default is "target"
    cost = {m: float(r["milestones"]["stitched_cost_cny"].iloc[0]) for m, r in out.items()}
    cover = {m: _strip_cover(r, A_SITES, A_ROWS, [1.0] * 4) for m, r in out.items()}
    # "none": the whole-area target needs nothing at A's border, which is left uncovered
    assert (cost["none"], cover["none"]) == (5.0, 0.0)
    # "target": A's border keeps its target share (0.5 x 4), the cheapest way
    assert out["target"]["selected"][YEAR] in (["c1", "c4"], ["c2", "c4"])
    assert (cost["target"], cover["target"]) == (15.0, 2.0)
    # "all": every border point the units covered, by c3 instead of c1 + c2
    assert out["all"]["selected"][YEAR] == ["c3", "c4"]
    assert (cost["all"], cover["all"]) == (20.0, 4.0)
    for r in out.values():  # every whole area meets its target in every mode
        assert r["areas"]["target_met"].all()
    # True and False are the config's booleans
    same = stitch(strips, consts, {YEAR: set()}, [YEAR], keep_border_coverage=True,
                  time_limit_s=5)
    loose = stitch(strips, consts, {YEAR: set()}, [YEAR], keep_border_coverage=False,
                   time_limit_s=5)
    assert same["selected"] == out["target"]["selected"]
    assert loose["selected"] == out["none"]["selected"]
    with pytest.raises(ValueError, match="keep_border_coverage = 'some'"):
        stitch(strips, consts, {YEAR: set()}, [YEAR], keep_border_coverage="some")


@st.composite
def _strips(draw):
    """Two units, one area each, random border rows, columns and unit choices."""
    n_cols = draw(st.integers(2, 6))
    cost = [float(draw(st.integers(1, 9))) * 5 for _ in range(n_cols)]
    units = []
    for u in range(2):
        n = draw(st.integers(1, 6))
        rows = [draw(st.lists(st.integers(0, n_cols - 1), max_size=3, unique=True))
                for _ in range(n)]
        weight = [float(draw(st.integers(1, 4))) for _ in range(n)]
        chosen = [draw(st.booleans()) for _ in range(n_cols)]
        target = draw(st.sampled_from([0.5, 0.8, 0.95, 1.0]))
        interior = float(draw(st.integers(0, 6)))
        fixed = float(draw(st.integers(0, int(interior))))
        units.append((f"U{u}", f"A{u}", rows, weight, chosen, target, interior, fixed))
    return cost, units


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(_strips())
def test_the_border_promise_holds_on_random_strips(tmp_path, case):
    cost, units = case
    sites = [f"c{j}" for j in range(len(cost))]
    files, consts = [], []
    for code, area, rows, weight, chosen, target, interior, fixed in units:
        files.append(_write_strip(tmp_path / f"{code}.npz", code, sites, cost,
                                  [True] * len(sites), chosen, rows, [area] * len(rows),
                                  weight, target))
        coverable = sum(w for r, w in zip(rows, weight, strict=True) if r) + interior
        consts.append((area, code, sum(weight) + interior, coverable, fixed, target))
    table = _constants(consts)
    union = {sites[j] for _, _, _, _, chosen, *_ in units for j, c in enumerate(chosen) if c}
    runs = {mode: stitch(files, table, {YEAR: set()}, [YEAR], keep_border_coverage=mode,
                         method="exact", time_limit_s=5) for mode in ("target", "all", "none")}
    price = {m: float(r["milestones"]["stitched_cost_cny"].iloc[0]) for m, r in runs.items()}
    assert price["none"] <= price["target"] + 1e-9 <= price["all"] + 2e-9
    for code, _, rows, weight, _, target, interior, fixed in units:
        units_w = sum(w for r, w in zip(rows, weight, strict=True)
                      if any(sites[j] in union for j in r))
        got = {m: sum(w for r, w in zip(rows, weight, strict=True)
                      if any(sites[j] in set(res["selected"][YEAR]) for j in r))
               for m, res in runs.items()}
        # the promise: the border keeps min(target share of its weight, the units' cover)
        assert got["target"] >= min(target * sum(weight), units_w) - 1e-9, (code, got)
        assert got["all"] >= units_w - 1e-9
        # and the whole area's requirement, where the border can bring it
        need = min(target * (sum(weight) + interior), consts[int(code[1])][3])
        if fixed + sum(w for r, w in zip(rows, weight, strict=True) if r) >= need:
            for m in runs:
                assert fixed + got[m] >= need - 1e-9, (m, code)


def test_keep_border_coverage_values_in_the_config(tmp_path):
    from .test_region_empty import _layers, _write

    base = _write(tmp_path / "in", _layers(), region="[region]\ntile_km = 20\n").read_text()
    for value, mode in (("true", "target"), ("false", "none"), ('"all"', "all"),
                        ('"target"', "target"), ('"none"', "none"), (None, "target")):
        path = tmp_path / "in" / "r.toml"
        path.write_text(base + (f"keep_border_coverage = {value}\n" if value else ""))
        assert load_region_config(path).keep_border_coverage == mode, value
    for bad in ('"yes"', "1", '"some"'):
        path.write_text(base + f"keep_border_coverage = {bad}\n")
        with pytest.raises(ConfigError, match="region.keep_border_coverage"):
            load_region_config(path)
    with pytest.raises(ConfigError, match="plan_region: keep_border_coverage = 'most'"):
        plan_region(path, tmp_path / "out", executor="loop", keep_border_coverage="most")


def _quadrant_region(folder: Path) -> Path:
    """The synthetic region of issue 20, 20 km a side at 400 m, cut in four
    quadrant units through its main city; returns the region config."""
    from siteplan.datasets.bigregion import region_toml, write_region

    write_region(folder, 20.0, spacing_m=400.0, time_limit_s=5.0)
    targets = gpd.read_file(folder / "targets.gpkg")
    metric = targets.estimate_utm_crs()
    x0, y0, x1, y1 = targets.to_crs(metric).total_bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    cells = [box(x0, y0, xm, ym), box(xm, y0, x1, ym), box(x0, ym, xm, y1), box(xm, ym, x1, y1)]
    gpd.GeoDataFrame({"code": ["Q1", "Q2", "Q3", "Q4"], "name": ["SW", "SE", "NW", "NE"]},
                     geometry=cells, crs=metric).to_file(folder / "units.gpkg", engine="pyogrio")
    config = folder / "units.toml"
    config.write_text(region_toml(20.0, spacing_m=400.0, time_limit_s=5.0)
                      + '\n[region]\nunits = "units.gpkg"\n', encoding="utf-8")
    return config


def test_stitched_cost_is_within_one_percent_of_the_whole_region_plan(tmp_path):
    """Issue 29's done-when on a region the suite plans in seconds: the main
    city crosses all four units. The old default (``"all"``) cost 5-6 % more
    here; the default is within 1 % at every milestone, every area met."""
    from siteplan.planner import plan
    from siteplan.problem import build_problem
    from siteplan.region.partition import read_inputs

    cfg = load_region_config(_quadrant_region(tmp_path / "in"))
    cands, targets, landuse = read_inputs(cfg.plan)[:3]
    problem = build_problem(cands, targets, landuse=landuse, assumptions=cfg.plan.assumptions,
                            capacity=True, metric_crs=targets.estimate_utm_crs())
    whole = plan(problem, method=cfg.plan.method, time_limit_s=20.0, seed=cfg.plan.seed)
    runs = {mode: plan_region(cfg, tmp_path / f"out-{mode}", executor="loop", offline=True,
                              work_dir=tmp_path / "work", keep_border_coverage=mode)
            for mode in (None, "all")}
    assert not runs[None].failures and len(runs[None].planned) == 4
    worse = []
    for m in whole.milestones:
        whole_cny = float(whole.sites(m.milestone)["cost_cny"].sum())
        assert whole.area_coverage(m.milestone)["target_met"].all()
        for mode, res in runs.items():
            total = res.summary[(res.summary["unit_code"] == "TOTAL")
                                & (res.summary["year"] == m.milestone)].iloc[0]
            areas = res.stitch["areas"]
            assert areas.loc[areas["year"] == m.milestone, "target_met"].all(), (mode, m)
            if mode is None:
                assert total["cost_cny"] <= 1.01 * whole_cny, (m.milestone, total["cost_cny"],
                                                               whole_cny)
            elif total["cost_cny"] > 1.01 * whole_cny:
                worse.append(m.milestone)
    assert worse  # keeping every bit of the units' border coverage costs more than 1 % here


def test_a_dearer_stitch_says_the_units_choice_missed_a_target(tmp_path):
    """Area A (target 1) has two border points; U1 chose c1 for the first and no
    unit chose c2 for the second: the stitch costs more (20 against 10 CNY) and
    the milestone row says why (``units_short``), which the console line names."""
    from siteplan.i18n import msg
    from siteplan.messages import Msg

    s1 = _write_strip(tmp_path / "u1.npz", "U1", ["c1", "c2"], [10, 10], [True, True],
                      [True, False], [[0], [1]], ["A", "A"], [1.0, 1.0], 1.0)
    consts = _constants([("A", "U1", 2.0, 2.0, 0.0, 1.0)])
    out = stitch([s1], consts, {YEAR: set()}, [YEAR], time_limit_s=5)
    row = out["milestones"].iloc[0]
    assert (row["units_cost_cny"], row["stitched_cost_cny"]) == (10.0, 20.0)
    assert row["kept"] == "stitched" and bool(row["units_short"])
    assert out["areas"]["target_met"].all()
    assert "misses a whole area's target" in str(Msg("g.kept_stitched_short"))
    assert "未达到" in msg("g.kept_stitched_short", "zh")
