"""Plans that meet coverage AND capacity: planner, proposals, honest coverage, report."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from siteplan import capacity_report as cr
from siteplan.io.markdown import md
from siteplan.landuse import conflicts, prepare_zones
from siteplan.planner import plan
from siteplan.policy import apply_strict_sharing
from siteplan.problem import area_groups
from siteplan.report import markdown_report, plan_report

from .capacity_reference import highs_optimum

CRS = 32650
RADIUS = {"coverage.mode": "radius", "demand.spacing_m": 200.0}


def _town(population=20_000, indoor=False, name="Town"):
    targets = gpd.GeoDataFrame(
        {"area_id": ["T"], "name": [name], "area_class": ["main_urban"],
         "environment": ["urban"], "milestone": [2020], "coverage_target": [0.95],
         "indoor": [indoor], "population": [population]},
        geometry=[box(0, 0, 1200, 1200)], crs=CRS)
    xs = np.arange(100, 1200, 250.0)
    pts = [Point(x, y) for x in xs for y in xs]
    cands = gpd.GeoDataFrame(
        {"site_id": [f"c{i}" for i in range(len(pts))],
         "kind": ["tower" if i % 3 == 0 else "streetlight" for i in range(len(pts))]},
        geometry=pts, crs=CRS)
    return cands, targets


def _reference_cost(p):
    """The optimum of the plan's own problem by HiGHS (tests only): the
    whole-area targets on the coverage rows, the capacity rows."""
    m = p.milestones[0]
    matrix = p.coverage.matrix
    if p.assumptions["policy.mode"] == "strict":
        matrix = apply_strict_sharing(matrix, p.candidates["kind"].to_numpy())
    np.testing.assert_array_equal(matrix.toarray(), p.problem.matrix.toarray())
    A = matrix[m.active].toarray()
    coverable = np.diff(matrix.indptr) > 0
    groups, target = area_groups(p.demand, m.active, coverable)
    best, _ = highs_optimum(A, p.candidates["cost_cny"].to_numpy(),
                            p.demand["weight"].to_numpy()[m.active], groups, target,
                            m.capacity.matrix.toarray(), m.capacity.demand_mbps,
                            pre=np.flatnonzero(p.candidates["on_air"].to_numpy()))
    return best


def test_capacity_adds_sites_coverage_alone_would_not():
    cands, targets = _town(population=60_000)
    kw = dict(assumptions={**RADIUS, "proposals.mode": "off"}, time_limit_s=5)
    with_cap = plan(cands, targets, **kw)
    without = plan(cands, targets, capacity=False, **kw)
    m = with_cap.milestones[0]
    assert m.capacity is not None and without.milestones[0].capacity is None
    assert np.all(m.capacity.served_mbps(m.selected) >= m.capacity.demand_mbps * (1 - 1e-6))
    assert m.selected.size > without.milestones[0].selected.size
    assert m.result.cost == pytest.approx(_reference_cost(with_cap))
    sizing = cr.area_sizing(with_cap, 2020, without.milestones[0].selected)
    assert sizing.loc[0, "binds"] == "capacity"
    assert sizing.loc[0, "capacity_sites"] <= m.selected.size
    areas = with_cap.area_coverage(2020)
    assert bool(areas.loc[0, "capacity_met"]) and bool(areas.loc[0, "target_met"])


def test_small_town_is_sized_by_coverage():
    cands, targets = _town(population=2_000)
    p = plan(cands, targets, assumptions={**RADIUS, "proposals.mode": "off"}, time_limit_s=5)
    cov = cr.coverage_only(p, time_limit_s=5)
    assert cov[0].size == p.milestones[0].selected.size
    split = cr.milestone_split(p, cov)
    assert split.loc[0, "capacity_sites"] == 0
    assert cr.area_sizing(p, 2020, cov[0]).loc[0, "binds"] == "coverage"


def test_capacity_short_areas_get_proposals_and_strict_mode_uses_reuse_first():
    cands, targets = _town(population=400_000)  # far more than the listed sites carry
    p = plan(cands, targets, assumptions=RADIUS, time_limit_s=5)
    proposed = p.candidates[p.candidates["proposed"]]
    assert (proposed["proposal_reason"] == "capacity").any()
    m = p.milestones[0]
    assert np.all(m.capacity.served_mbps(m.selected) >= m.capacity.demand_mbps * (1 - 1e-6))
    strict = plan(cands, targets, assumptions={**RADIUS, "policy.mode": "strict"},
                  time_limit_s=5)
    s = strict.sites(2020)
    listed = s[~s["proposed"]]
    # reuse first: every listed structure that can carry traffic is taken before a new build
    assert len(listed) == (~strict.candidates["proposed"]).sum()
    assert strict.milestones[0].result.cost == pytest.approx(_reference_cost(strict))


def test_indoor_area_out_of_outdoor_reach_gets_indoor_systems():
    cands, targets = _town(population=5_000, indoor=True)
    cands = cands.iloc[[0]]  # one tower in a corner: indoor demand mostly out of reach
    a = {"demand.spacing_m": 200.0, "radio.o2i_building": "high"}
    p = plan(cands, targets, assumptions=a, time_limit_s=5)
    sites = p.sites(2020)
    assert (sites["kind"] == "indoor_das").any()
    assert sites.loc[sites["kind"] == "indoor_das", "proposed"].all()
    area = p.area_coverage(2020).iloc[0]
    assert area["target_met"] and area["covered_share"] >= 0.95 - 1e-9


def test_proposals_respect_land_use_and_unreachable_demand_is_explained():
    cands, targets = _town(population=5_000)
    cands = cands.iloc[[0]]
    lake = box(600, 0, 1200, 1200)
    zones = gpd.GeoDataFrame({"zone_class": ["水域"]}, geometry=[lake.buffer(1500)
                                                               .intersection(box(600, -2000,
                                                                                 4000, 4000))],
                             crs=CRS)
    p = plan(cands, targets, landuse=zones, assumptions=RADIUS, time_limit_s=5)
    prepared, _ = prepare_zones(zones)
    table = conflicts(p.candidates.to_crs(CRS), prepared, p.assumptions)
    assert not (table["rule"] == "forbidden").any()  # no proposal on the water
    unc = p.uncovered(2020)
    assert (unc.loc[unc["uncoverable"], "reason"] == "water").any()
    area = p.area_coverage(2020).iloc[0]
    assert not area["target_met"] and "water" in area["unreachable_reason"]


def test_report_section_escapes_user_text_and_adds_up():
    cands, targets = _town(population=60_000, name="<script>x</script> | *mall*")
    p = plan(cands, targets, assumptions={**RADIUS, "proposals.mode": "off"}, time_limit_s=3,
             site_targets={2020: 30})
    section = cr.capacity_section(p, time_limit_s=3, gb_per_user_month=(30.0, 60.0),
                                  penetration=(0.5,))
    assert "<script>" not in section["markdown"]  # the report's other sections: outputs' part
    assert md("<script>x</script> | *mall*") in section["markdown"]  # the one escaper
    report_md = markdown_report(plan_report(p, {"capacity": section}))
    assert section["markdown"] in report_md
    split = section["split"][0]
    assert split["sites"] == split["coverage_sites"] + split["capacity_sites"] \
        + split["indoor_sites"]
    assert split["site_target"] == 30
    sens = section["sensitivity"]
    assert [r["demand_scale"] for r in sens] == [1.0, 2.0]
    assert sens[0]["sites_2020"] == p.milestones[0].selected.size
    assert sens[1]["sites_2020"] >= sens[0]["sites_2020"]


def test_cli_plan_reads_a_population_layer(tmp_path):
    import json

    from click.testing import CliRunner

    from siteplan.cli import main

    cands, targets = _town(population=None)
    targets = targets.drop(columns="population")
    cands.to_file(tmp_path / "c.gpkg")
    targets.to_file(tmp_path / "t.gpkg")
    pop = gpd.GeoDataFrame({"population": [50_000.0]}, geometry=[box(-100, -100, 1300, 1300)],
                           crs=CRS)
    pop.to_file(tmp_path / "pop.gpkg")
    (tmp_path / "p.toml").write_text(
        '[inputs]\ncandidates = ["c.gpkg"]\ntargets = "t.gpkg"\npopulation = "pop.gpkg"\n'
        '[solver]\ntime_limit_s = 2\n[assumptions]\n"coverage.mode" = "radius"\n'
        '"demand.spacing_m" = 200\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(tmp_path / "p.toml"), "--out", str(out),
                                       "--no-compare-radius", "--offline"])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    traffic = report["capacity"]["traffic"][0]
    assert traffic["people_source"] == "layer"
    assert traffic["people"] == pytest.approx(50_000 * 1200**2 / 1400**2)


def test_relocating_an_indoor_system_offers_indoor_systems():
    from siteplan.defaults import Assumptions
    from siteplan.relocate import nearby_candidates

    sites = gpd.GeoDataFrame({"site_id": ["d", "t", "s"],
                              "kind": ["indoor_das", "tower", "streetlight"],
                              "height_m": [3.0, 40.0, 9.0]},
                             geometry=[Point(0, 0), Point(500, 0), Point(900, 0)], crs=CRS)
    rings = nearby_candidates(sites, np.array([0, 1, 2]), Assumptions())
    kinds = rings.groupby(rings["site_id"].str.split("-R").str[0])["kind"].unique()
    assert [list(kinds[k]) for k in ("d", "t", "s")] == [["indoor_das"], ["greenfield"],
                                                          ["smart_pole"]]
