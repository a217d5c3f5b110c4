"""One planning problem, built once (issue 16): strict sharing and land use
reach every step that reads the plan, plan folders round-trip exactly, the
CLI and the Python application layer give the same report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from siteplan import defaults
from siteplan.cli import main
from siteplan.datasets import load_sample, sample_dir
from siteplan.defaults import TABLE, Assumptions
from siteplan.errors import ConfigError, InputError, SiteplanError
from siteplan.export import write_plan
from siteplan.kinds import KIND_INFO, KINDS, REGISTRY, SiteKind
from siteplan.landuse import conflicts
from siteplan.planio import read_plan
from siteplan.planner import plan
from siteplan.problem import build_problem
from siteplan.radio import LinkBudget
from siteplan.relocate import relocate
from siteplan.report import plan_report
from siteplan.sitecount import site_count_analysis

from .conftest import copy_sample

UTM = "EPSG:32650"
X0, Y0 = 500_000.0, 2_800_000.0


def _strict_case():
    """Two towers that cover half an area each, one greenfield covering all."""
    cands = gpd.GeoDataFrame(
        {"site_id": ["T1", "T2", "G1"], "kind": ["tower", "tower", "greenfield"]},
        geometry=[Point(X0 - 350, Y0), Point(X0 + 350, Y0), Point(X0, Y0)], crs=UTM)
    areas = gpd.GeoDataFrame(
        {"area_id": ["A"], "area_class": ["main_urban"], "environment": ["urban"],
         "milestone": [2020], "coverage_target": [1.0]},
        geometry=[box(X0 - 500, Y0 - 50, X0 + 500, Y0 + 50)], crs=UTM)
    assumptions = {"coverage.mode": "radius", "policy.mode": "strict",
                   "demand.spacing_m": 20.0, "radius_m.greenfield.urban": 600.0}
    return cands, areas, assumptions


def test_strict_mode_reaches_the_site_count_analysis():
    cands, areas, assumptions = _strict_case()
    p = plan(cands, areas, assumptions=assumptions, site_targets={2020: 1}, time_limit_s=2)
    assert sorted(p.sites(2020)["site_id"]) == ["T1", "T2"]
    row = site_count_analysis(p, time_limit_s=2)["rows"][0]
    # one site cannot reach 100 %: strict mode gives the greenfield no credit where a
    # tower can serve, so the best single site is one tower at its cost
    assert row["coverage_at_target"] < 0.8
    assert row["cost_at_target_cny"] == pytest.approx(20_000.0)


def test_weighted_mode_lets_the_greenfield_buy_the_target():
    cands, areas, assumptions = _strict_case()
    p = plan(cands, areas, assumptions={**assumptions, "policy.mode": "weighted"},
             site_targets={2020: 1}, time_limit_s=2)
    row = site_count_analysis(p, time_limit_s=2)["rows"]
    assert not row or row[0]["status"] != "plan needs more sites than the target" or \
        row[0]["coverage_at_target"] == pytest.approx(1.0)


def test_problem_is_built_once_and_stored():
    cands, areas, assumptions = _strict_case()
    problem = build_problem(cands, areas, assumptions=assumptions)
    p = plan(problem, time_limit_s=2)
    assert p.problem is problem
    g = int(np.flatnonzero(problem.candidates["site_id"] == "G1")[0])
    assert problem.matrix[:, [g]].nnz == 0  # strict: every row is reusable-coverable
    assert problem.coverage.matrix[:, [g]].nnz > 0  # the physical coverage is kept


@pytest.fixture(scope="module")
def landuse_plan(tmp_path_factory):
    cands, targets, _ = load_sample()
    zones = gpd.read_file(sample_dir() / "landuse.gpkg")
    p = plan(cands, targets, landuse=zones, assumptions={"demand.spacing_m": 300.0},
             time_limit_s=3, site_targets={2022: 600})
    folder = tmp_path_factory.mktemp("lp") / "plan"
    write_plan(p, folder, tiles=None)
    return p, folder, zones


def test_read_plan_round_trips_exactly(landuse_plan):
    p, folder, _ = landuse_plan
    q = read_plan(folder)
    assert q.assumptions.overrides() == p.assumptions.overrides()
    for a, b in zip(p.milestones, q.milestones, strict=True):
        assert np.array_equal(a.selected, b.selected) and np.array_equal(a.added, b.added)
        assert a.result.cost == b.result.cost and a.result.lower_bound == b.result.lower_bound
    assert (p.problem.matrix != q.problem.matrix).nnz == 0
    assert np.array_equal(p.problem.cost_cny, q.problem.cost_cny)
    assert np.array_equal(p.problem.excluded, q.problem.excluded)
    assert p.site_targets == q.site_targets


def test_hand_edited_or_old_plan_folder_is_refused(landuse_plan, tmp_path):
    _, folder, _ = landuse_plan
    edited = tmp_path / "edited"
    shutil.copytree(folder, edited)
    cands = gpd.read_file(edited / "plan.gpkg", layer="candidates")
    cands.loc[0, "kind"] = "greenfield" if cands.loc[0, "kind"] != "greenfield" else "tower"
    cands.to_file(edited / "plan.gpkg", layer="candidates", engine="pyogrio")
    with pytest.raises(InputError, match="changed since siteplan wrote it"):
        read_plan(edited)
    old = tmp_path / "old"
    shutil.copytree(folder, old)
    (old / "plan.json").unlink()
    result = CliRunner().invoke(main, ["relocate", str(old), "--milestone", "2020",
                                       "--remove", "x", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "older siteplan" in result.output


def test_relocate_never_builds_on_forbidden_land(landuse_plan, tmp_path):
    p, folder, zones = landuse_plan
    forbidden = zones[zones["zone_class"].isin(["basic_farmland", "ecological_red_line"])]
    # the plan's macro sites closest to forbidden land: their rings reach into it
    sites = p.sites(2022)
    macro = sites[sites["kind"].map(lambda k: KIND_INFO[k].macro)].to_crs(p.metric_crs)
    dist = macro.geometry.distance(forbidden.to_crs(p.metric_crs).union_all())
    remove = macro.loc[dist.nsmallest(3).index, "site_id"].tolist()
    out = tmp_path / "reloc"
    summary = relocate(folder, 2022, remove, out, time_limit_s=3)
    assert summary["replacement_count"] >= 1
    order = gpd.read_file(out / "work_order.csv")
    build = order[order["action"] == "build"]
    assert not build["landuse_flag"].eq("forbidden").any()
    pts = gpd.GeoDataFrame(build[["site_id", "kind"]], crs=4326, geometry=gpd.points_from_xy(
        build["lon"].astype(float), build["lat"].astype(float)))
    pts.to_file(tmp_path / "built.gpkg")
    check = CliRunner().invoke(main, ["check-landuse", str(tmp_path / "built.gpkg"),
                                      str(sample_dir() / "landuse.gpkg"), "--out",
                                      str(tmp_path / "check")])
    assert check.exit_code == 0, check.output  # 0 = no forbidden conflict


def test_cli_and_python_give_the_same_report(tmp_path):
    from siteplan.project import run

    config = copy_sample(tmp_path, spacing_m=300, time_limit_s=2)
    cli_out = tmp_path / "cli"
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(cli_out),
                                       "--tiles", "none"])
    assert result.exit_code == 0, result.output
    py = run(config, tmp_path / "py", tiles=None)
    a = json.loads((cli_out / "report.json").read_text(encoding="utf-8"))
    b = py.report

    def strip(report):
        for m in report["milestones"]:
            m["solver"].pop("time_s", None)
        report.pop("timings", None)
        return report

    assert strip(a) == strip(b)
    assert set(a) >= {"site_targets", "landuse", "power"}


def test_bandwidth_and_spacing_are_read():
    wide = LinkBudget.from_assumptions(Assumptions())
    narrow = LinkBudget.from_assumptions(Assumptions({"radio.bandwidth_mhz.n78": 50.0}))
    assert narrow.subcarriers < wide.subcarriers
    assert narrow.eirp_per_re_dbm(macro=True) == pytest.approx(
        wide.eirp_per_re_dbm(macro=True) + 10 * np.log10(wide.subcarriers / narrow.subcarriers))
    n28 = LinkBudget.from_assumptions(Assumptions({"radio.band": "n28"}))
    assert n28.scs_khz == 15.0 and n28.subcarriers < wide.subcarriers


@pytest.mark.parametrize("overrides, match", [
    ({"demand.spacing_m": float("inf")}, "not a finite number"),
    ({"height_m.tower": 1e7}, r"outside \[1, 300\]"),
    ({"height_m.tower": float("inf")}, "not a finite number"),
    ({"cost_cny.greenfield": -5}, "outside"),
    ({"landuse.rule.water.new_tower": "forbiden"}, "Did you mean 'forbidden'"),
    ({"policy.mode": "strikt"}, "Did you mean 'strict'"),
    ({"radio.scs_khz.n78": 25}, "not one of"),
    ({"radio.bandwith_mhz.n78": 20}, "Did you mean radio.bandwidth_mhz.n78"),
])
def test_assumptions_are_checked_when_set(overrides, match):
    with pytest.raises(ConfigError, match=match):
        Assumptions(overrides)


def test_choices_are_case_insensitive():
    assert Assumptions({"policy.mode": "Strict"})["policy.mode"] == "strict"
    assert Assumptions({"landuse.rule.water.new_pole": "FORBIDDEN"})[
        "landuse.rule.water.new_pole"] == "forbidden"


def test_every_kind_has_every_fact():
    fields = SiteKind.__dataclass_fields__
    for kind in REGISTRY:
        for name in fields:
            value = getattr(kind, name)
            assert value is not None and value != "" or name == "aliases", (kind.name, name)
        assert set(kind.radius_m) == {"dense_urban", "urban", "suburban", "rural"}
        assert kind.landuse_group in ("new_tower", "new_pole", "existing")
        assert kind.new_build == (kind.landuse_group != "existing")
        for key in (f"cost_cny.{kind.name}", f"height_m.{kind.name}"):
            assert key in TABLE
    assert len(set(KINDS)) == len(KINDS)


def test_every_assumption_is_read_by_some_code(landuse_plan):
    """Run the steps that read assumptions, then check every key was read."""
    from siteplan.power import site_power
    from siteplan.sources.merge import merge_candidates
    from siteplan.sources.opencellid import read_opencellid
    from siteplan.sources.osm import read_osm

    defaults.READ_KEYS.clear()
    cands, targets, _ = load_sample()
    zones = gpd.read_file(sample_dir() / "landuse.gpkg")
    for mode in ("link_budget", "radius"):
        p = plan(cands, targets, landuse=zones, time_limit_s=1,
                 assumptions={"demand.spacing_m": 600.0, "coverage.mode": mode})
    for band in ("n78", "n41", "n28", "n79"):
        LinkBudget.from_assumptions(Assumptions({"radio.band": band}))
    site_power(p.sites(2022), p.assumptions)
    site_count_analysis(landuse_plan[0], time_limit_s=1)
    plan_report(landuse_plan[0])
    from siteplan.sinr_report import sinr_enabled, sinr_section  # issue 27
    sinr_enabled(p.assumptions) and sinr_section(p)
    # one zone of every class with a site of every land-use group inside
    classes = sorted({k.split(".")[2] for k in TABLE if k.startswith("landuse.rule.")})
    zones_m = gpd.GeoDataFrame(
        {"zone_id": classes, "zone_class": classes},
        geometry=[box(X0 + 1000 * i, Y0, X0 + 1000 * i + 500, Y0 + 500)
                  for i in range(len(classes))], crs=UTM)
    sites_m = gpd.GeoDataFrame(
        {"site_id": [f"{c}-{k}" for c in classes for k in ("greenfield", "smart_pole", "tower")],
         "kind": [k for _ in classes for k in ("greenfield", "smart_pole", "tower")]},
        geometry=[Point(X0 + 1000 * i + 250, Y0 + 250) for i in range(len(classes))
                  for _ in range(3)], crs=UTM)
    conflicts(sites_m, zones_m, Assumptions())
    # class densities are read for areas without a population of their own
    from siteplan.traffic import area_traffic
    area_traffic(targets.drop(columns="population").to_crs(targets.estimate_utm_crs()),
                 Assumptions())
    repo = Path(__file__).resolve().parents[1]
    osm = read_osm(repo / "data/osm/helsinki.osm.pbf", assumptions=Assumptions())
    read_opencellid(repo / "data/opencellid/ocid-diff-2022-09-10.csv", mcc=[244],
                    assumptions=Assumptions())
    merge_candidates([osm.iloc[:50], osm.iloc[50:100]], assumptions=Assumptions(),
                     multi_use=True)
    from siteplan.config import load_config
    from siteplan.sources.inputs import load_inputs
    load_inputs(load_config(repo / "data/sample_county/sample_county.toml"))  # inputs.* caps
    from siteplan.terrain.raster import Grid  # zones as clutter (terrain.clutter = "landuse")
    from siteplan.terrain.zones import rasterise_zones
    rasterise_zones(zones_m, Grid(np.zeros((2, 2), np.float32), X0, Y0, 30.0, ()), Assumptions())
    unread = sorted(set(TABLE) - defaults.READ_KEYS)
    assert unread == [], f"keys no code reads: {unread}"


def test_plan_refuses_a_dataframe_and_a_year_without_areas():
    cands, areas, assumptions = _strict_case()
    with pytest.raises(InputError, match="GeoDataFrame"):
        plan(cands.drop(columns="geometry"), areas)
    with pytest.raises(ConfigError, match="no target area has that milestone"):
        plan(cands, areas, assumptions=assumptions, site_targets={2031: 5})
    assert issubclass(SiteplanError, ValueError)


def test_landuse_check_does_not_import_the_planner_or_solver():
    from .conftest import modules_loaded_by

    assert modules_loaded_by("siteplan.landuse_check, siteplan.cli", (
        "siteplan.planner", "siteplan.solve", "highspy", "siteplan.problem")) == []


def _tall_masts(n: int = 8000, side_m: float = 44_000.0, height_m: float = 300.0):
    rng = np.random.default_rng(3)
    x0, y0 = 500_000.0, 2_900_000.0  # UTM 49N, ~26°N
    xy = rng.uniform(0, side_m, (n, 2)) + (x0, y0)
    cands = gpd.GeoDataFrame({"site_id": [f"m{i}" for i in range(n)], "kind": "tower",
                              "height_m": height_m},
                             geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=32649)
    targets = gpd.GeoDataFrame({"area_id": ["all"], "environment": ["rural"]},
                               geometry=[box(x0, y0, x0 + side_m, y0 + side_m)], crs=32649)
    return cands, targets


def test_work_estimate_sizes_pairs_from_the_mast_height():
    """Issue 25: 8,000 masts of 300 m over a 44 km square at 20 m passed the
    estimate (pairs from the radius table) and then used >10 GB; pairs are now
    counted within the coverage query's own reach, so it is refused up front."""
    from siteplan.errors import WorkTooLargeError
    from siteplan.problem import check_work, estimate_work

    cands, targets = _tall_masts()
    a = Assumptions({"demand.spacing_m": 20.0})
    est = estimate_work(cands, targets, a)
    assert 4_800_000 <= est.demand_points < 5_000_000  # under the points guard
    assert est.candidate_pairs > 2e8 and est.memory_bytes > 10 * 2**30
    with pytest.raises(WorkTooLargeError, match="candidate-demand pairs"):
        check_work(est, a, allow_large=False)
    short = estimate_work(cands.assign(height_m=20.0), targets, a)
    assert short.candidate_pairs < est.candidate_pairs / 10  # the height is what sizes it


def test_one_reach_function_for_every_caller():
    """Issue 26: coverage, the regional halo, the proposals and the work
    estimate share one reach (sized from the mast height)."""
    from siteplan import coverage, proposals
    from siteplan.region import partition

    cands, _ = _tall_masts(n=3)
    a = Assumptions()
    assert partition.longest_reach_m is coverage.longest_reach_m
    assert proposals.reach_m("greenfield", "rural", a) == coverage.reach_m(
        ["greenfield"], [a["height_m.greenfield"]], "rural", a)
    assert coverage.longest_reach_m(cands, a) == max(
        coverage.reach_m(["tower"] * 3, [300.0] * 3, env, a)
        for env in ("dense_urban", "urban", "suburban", "rural"))
    assert coverage.longest_reach_m(cands, a) > 2 * coverage.longest_reach_m(
        cands.assign(height_m=30.0), a)


def _edit_state(folder, tmp_path, name, change):
    copy = tmp_path / name
    shutil.copytree(folder, copy)
    state = json.loads((copy / "plan.json").read_text(encoding="utf-8"))
    (copy / "plan.json").write_text(json.dumps(change(state)), encoding="utf-8")
    return copy


def _set(path, value):
    def change(state):
        target = state
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return state
    return change


@pytest.mark.parametrize(("change", "key"), [
    (lambda s: [s], "list"),                                         # a list, not a table
    (_set(["milestones"], {"2020": []}), "milestones"),              # dict instead of list
    (_set(["milestones", 0, "selected"], "T1"), "milestones[0].selected"),  # wrong type
    (_set(["milestones", 0, "result"], KeyError), "milestones[0].result"),  # missing key
    (_set(["layers"], KeyError), "layers"),                          # missing key
    (_set(["milestones", 0, "result", "cost"], "cheap"), "milestones[0].result.cost"),
    (_set(["site_targets"], [600]), "site_targets"),
])
def test_malformed_plan_json_names_the_key(landuse_plan, tmp_path, change, key):
    """Issue 25: four malformed plan.json shapes ended as "unexpected … This is
    a bug"; each is now refused naming plan.json and the key, before any
    problem is built."""
    _, folder, _ = landuse_plan
    bad = _edit_state(folder, tmp_path, "bad", change)
    with pytest.raises(InputError, match="plan.json") as err:
        read_plan(bad)
    assert key in str(err.value)
    r = CliRunner().invoke(main, ["relocate", str(bad), "--milestone", "2022", "--remove", "x",
                                  "--out", str(tmp_path / "r")])
    assert r.exit_code == 2 and "plan.json" in r.output and "This is a bug" not in r.output


def test_relocate_builds_the_planning_problem_once(landuse_plan, tmp_path, monkeypatch):
    """Issue 26: relocate built the problem twice (read_plan, then again)."""
    from siteplan import relocate as relocate_module

    p, folder, _ = landuse_plan
    calls = []
    real = relocate_module.build_problem

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(relocate_module, "build_problem", counting)
    monkeypatch.setattr("siteplan.planio.build_problem", counting)
    gone = p.sites(2022)["site_id"].iloc[0]
    r = relocate(folder, 2022, [gone], tmp_path / "r", time_limit_s=2)
    assert len(calls) == 1
    assert r["removed"] == [gone] and r["restored_share"] > 0.9
