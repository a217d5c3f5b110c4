"""Planner: nesting, on-air sites kept, targets met on coverable demand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from siteplan.coverage import coverage_matrix
from siteplan.defaults import Assumptions
from siteplan.demand import demand_points
from siteplan.errors import ConfigError, InputError
from siteplan.planner import plan
from siteplan.policy import apply_strict_sharing


def test_milestones_are_nested_and_keep_on_air(small_plan):
    on_air = set(np.flatnonzero(small_plan.candidates["on_air"].to_numpy()))
    previous: set[int] = set()
    for m in small_plan.milestones:
        chosen = set(m.selected.tolist())
        assert on_air <= chosen
        assert previous <= chosen
        previous = chosen


def test_every_area_reaches_its_target_on_coverable_demand(small_plan):
    for m in small_plan.milestones:
        areas = small_plan.area_coverage(m.milestone)
        # "met" is honest: the target share of the WHOLE area's demand
        np.testing.assert_array_equal(
            areas["target_met"], areas["covered_share"] >= areas["coverage_target"] - 1e-9)
        reached = areas["covered_of_coverable"] >= areas["coverage_target"] - 1e-9
        assert reached.all(), areas[~reached]
        assert (~areas["target_met"] <= areas["limited_by_reach"]).all()
        assert (areas["covered_share"] <= areas["coverable_share"] + 1e-9).all()


def test_uncoverable_demand_is_reported_not_raised(sample):
    candidates, targets, _ = sample
    p = plan(candidates, targets, time_limit_s=3,
             assumptions={"demand.spacing_m": 300.0, "proposals.mode": "off"})
    unc = p.uncovered(2022)
    assert unc["uncoverable"].any()  # the mountain scenic area
    assert set(unc.loc[unc["uncoverable"], "area_id"]) >= {"C03"}
    assert (unc.loc[unc["uncoverable"], "reason"] == "outside every reach").all()
    areas = p.area_coverage(2022).set_index("area_id")
    assert not areas.loc["C03", "target_met"]  # 60 % of coverable demand is not "met"
    assert "outside every reach" in areas.loc["C03", "unreachable_reason"]


def test_sharing_first_costs_order():
    a = Assumptions()
    assert a["cost_cny.tower"] < a["cost_cny.streetlight"] < a["cost_cny.smart_pole"] \
        < a["cost_cny.greenfield"]


def test_demand_grid_weights():
    t = gpd.GeoDataFrame({"area_id": ["a"], "area_class": ["village"], "environment": ["rural"],
                          "milestone": [2020], "coverage_target": [0.9], "indoor": [False],
                          "weight": [2.0], "name": ["a"]},
                         geometry=[box(0, 0, 1000, 1000)], crs=32650)
    pts = demand_points(t, spacing_m=100.0)
    assert pts["weight"].sum() == pytest.approx(2.0 * 1.0, rel=0.25)
    tiny = t.assign(geometry=[box(10, 10, 20, 20)])
    assert len(demand_points(tiny, spacing_m=100.0)) == 1


def test_radius_mode_and_strict_policy():
    dem = gpd.GeoDataFrame({"environment": ["urban"] * 3, "indoor": [False] * 3},
                           geometry=[Point(0, 0), Point(200, 0), Point(5000, 0)], crs=32650)
    cands = gpd.GeoDataFrame({"kind": ["tower", "greenfield"], "height_m": [40.0, 40.0]},
                             geometry=[Point(0, 10), Point(4900, 0)], crs=32650)
    cov = coverage_matrix(dem, cands, Assumptions({"coverage.mode": "radius"}))
    assert cov.matrix.toarray().tolist() == [[True, False], [True, False], [False, True]]
    assert cov.rsrp_dbm is None
    strict = apply_strict_sharing(cov.matrix, cands["kind"].to_numpy())
    assert strict.toarray().tolist() == cov.matrix.toarray().tolist()


def test_bad_site_target_and_empty_inputs(sample):
    candidates, targets, _ = sample
    with pytest.raises(ConfigError, match="positive whole number"):
        plan(candidates, targets, site_targets={2020: -5})
    with pytest.raises(InputError, match="empty"):
        plan(candidates.iloc[0:0], targets)


def test_target_area_no_candidate_can_reach():
    cands = gpd.GeoDataFrame({"site_id": ["a"], "kind": ["tower"]},
                             geometry=[Point(119.5, 25.9)], crs=4326)
    far = gpd.GeoDataFrame({"area_id": ["far"], "area_class": ["village"],
                            "environment": ["rural"], "milestone": [2021]},
                           geometry=[box(120.5, 26.5, 120.51, 26.51)], crs=4326)
    p = plan(cands, far, time_limit_s=1, assumptions={"proposals.mode": "off"})
    assert p.milestones[0].selected.size == 0
    assert p.uncovered(2021)["uncoverable"].all()
    assert not p.area_coverage(2021)["limited_by_reach"].eq(False).any()


def test_without_columns_keeps_exact_values_including_zero_distance():
    dem = gpd.GeoDataFrame({"environment": ["urban"] * 2, "indoor": [False] * 2},
                           geometry=[Point(0, 0), Point(50, 0)], crs=32650)
    cands = gpd.GeoDataFrame({"kind": ["tower", "tower"], "height_m": [30.0, 30.0]},
                             geometry=[Point(0, 0), Point(60, 0)], crs=32650)
    cov = coverage_matrix(dem, cands, Assumptions())
    cut = cov.without_columns(np.array([False, True]))
    assert cut.matrix.toarray()[:, 1].sum() == 0
    assert cut.matrix.toarray()[:, 0].tolist() == cov.matrix.toarray()[:, 0].tolist()
    assert cut.distance_m.nnz == cut.matrix.nnz  # the 0 m pair is still stored
    np.testing.assert_array_equal(cut.rsrp_dbm.toarray()[:, 0], cov.rsrp_dbm.toarray()[:, 0])
    assert cut.cover_counts(np.array([0, 1])).tolist() == [1, 1]
    assert cov.cover_counts(np.array([], dtype=int)).tolist() == [0, 0]


def test_report_says_when_the_clock_cut_a_solve(small_plan):
    """A deterministic solve the clock stopped before its counted work was
    done is flagged per milestone in report.json and in the report."""
    from siteplan.report import markdown_report, plan_report

    report = plan_report(small_plan)
    for m in report["milestones"]:
        assert isinstance(m["solver"]["clock_cut"], list)
    report["milestones"][0]["solver"]["clock_cut"] = ["highs"]
    for m in report["milestones"][1:]:
        m["solver"]["clock_cut"] = []
    text = markdown_report(report)
    assert text.count("The clock stopped part of this solve") == 1
    assert "(highs)" in text
    assert "相同输入可能得到不同的规划" in markdown_report(report, lang="zh")
