"""End to end: a small province planned on a 2-worker local Dask cluster.

One cluster (processes, 2 workers, 1 thread each) serves the module. The
province is 2 x 1 synthetic counties on a coarse demand grid with a short
solver time limit, so the first run takes well under a minute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.datasets.province import write_province
from siteplan.region import plan_region

EVIL_NAME = "<img src=x onerror=alert(1)>"
FORMULA_NAME = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client

    from siteplan.region.run import local_cluster

    cluster = local_cluster(2)  # processes, 2 workers, 1 thread each
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def region(tmp_path_factory, client):
    root = tmp_path_factory.mktemp("region")
    write_province(root / "in", 2, 1, spacing_m=800, time_limit_s=0.5)
    units = gpd.read_file(root / "in" / "units.gpkg")
    units.loc[0, "name"] = EVIL_NAME
    units.loc[1, "name"] = FORMULA_NAME
    units.to_file(root / "in" / "units.gpkg", engine="pyogrio")
    # the first run goes through the CLI (proposals, capacity rows, stitch, outputs)
    start = time.perf_counter()
    cli = CliRunner().invoke(main, [
        "plan-region", str(root / "in" / "region.toml"), "--out", str(root / "out"),
        "--work-dir", str(root / "work"), "--scheduler", client.scheduler.address, "--offline"])
    seconds = time.perf_counter() - start
    assert cli.exit_code == 0, cli.output
    # the same run from Python: every result comes from the CLI run's work folder
    lines: list[str] = []
    result = plan_region(root / "in" / "region.toml", root / "out", client=client,
                         work_dir=root / "work", offline=True, progress=lines.append)
    return {"root": root, "result": result, "lines": lines, "output": cli.output,
            "seconds": seconds}


def test_cluster_plans_every_unit_and_stitches(region):
    result, out = region["result"], region["root"] / "out"
    assert region["seconds"] < 60  # about 25-40 s here at load 2-9 on 2 cores
    assert sorted(result.cached) == ["C01", "C02"] and not result.failures
    # each unit ran as a task in a worker process (both workers), not in this one
    workers = {r["worker"] for r in result.unit_results.values()}
    assert len(workers) == 2 and not any(w.endswith(f":{os.getpid()}") for w in workers)
    # progress per unit, by name, and the dashboard address
    output = region["output"]
    assert output.count("unit C0") >= 6  # proposals, plan and folder of each unit
    assert EVIL_NAME in output and "new builds proposed" in output
    assert "Dask dashboard: http" in output
    assert result.dashboard and result.dashboard.startswith("http")
    assert any(line.startswith(f"Dask dashboard: {result.dashboard}") for line in region["lines"])
    # every area reaches its target over the whole area (including the cross-border
    # roads), or all the coverage any site can give where the target is out of reach
    areas = result.stitch["areas"]
    assert areas["reach_met"].all()
    assert (areas["target_met"] | areas["limited_by_reach"]).all()
    assert any(a.startswith("P") for a in areas["area_id"])
    # milestones are nested; the stitch never costs more than the units' own choice
    years = sorted(result.stitch["selected"])
    for a, b in zip(years, years[1:], strict=False):
        assert set(result.stitch["selected"][a]) <= set(result.stitch["selected"][b])
    m = result.stitch["milestones"]
    assert (m["stitched_cost_cny"] <= m["units_cost_cny"] + 1e-6).all()
    assert m["rows_solved"].sum() > 0  # there was border demand to stitch
    # outputs: merged GeoPackage with the unit of each site, summary, unit folders, map
    sites = gpd.read_file(out / "plan.gpkg", layer=f"sites_{years[-1]}")
    assert set(sites["unit_code"]) == {"C01", "C02"}
    assert sites["site_id"].is_unique
    assert len(sites) == len(result.stitch["selected"][years[-1]])
    summary = pd.read_csv(out / "summary.csv")
    # numbers a planner reads in Excel: no 297.40000000000003
    assert not re.search(r"\.\d{5,}", (out / "summary.csv").read_text(encoding="utf-8-sig"))
    total = summary[(summary["unit_code"] == "TOTAL") & (summary["year"] == years[-1])].iloc[0]
    per_unit = summary[(summary["unit_code"] != "TOTAL") & (summary["year"] == years[-1])]
    assert total["sites"] == len(sites) == per_unit["sites"].sum()
    assert total["cost_cny"] == pytest.approx(per_unit["cost_cny"].sum())
    assert total["new"] + total["reused"] + total["on_air"] == total["sites"]
    assert total["covered_of_coverable"] >= 0.9
    for col in ("landuse_conflicts", "load_kw", "covered_share"):
        assert col in summary
    report = json.loads((out / "summary.json").read_text())
    assert report["failed_units"] == [] and len(report["peak_rss_mb_per_worker"]) >= 1
    check = report["area_targets"][str(years[-1])]
    assert check["met_within_reach"] == check["areas"]
    assert set(check["not_met"]) <= set(check["limited_by_reach"])
    for folder in ("001-C01", "002-C02"):
        unit_report = json.loads((out / "units" / folder / "report.json").read_text())
        assert unit_report  # the usual plan folder
        assert (out / "units" / folder / "plan.gpkg").exists()
    assert (out / "map.html").stat().st_size < 2_000_000


def test_capacity_and_proposals_across_units(region):
    """Traffic counted once, proposal ids unique in the province, capacity
    columns in the summary, border areas' capacity rows in the stitch."""
    from siteplan.defaults import Assumptions
    from siteplan.region.config import load_region_config
    from siteplan.region.partition import read_inputs
    from siteplan.traffic import area_traffic

    root, result = region["root"], region["result"]
    out = root / "out"
    summary = pd.read_csv(out / "summary.csv")
    years = sorted(result.stitch["selected"])
    cfg = load_region_config(root / "in" / "region.toml")
    targets = read_inputs(cfg.plan).targets
    targets_m = targets.to_crs(targets.estimate_utm_crs())
    traffic = area_traffic(targets_m, Assumptions(cfg.plan.assumptions.overrides()))
    for year in years:
        rows = summary[summary["year"] == year]
        total = rows[rows["unit_code"] == "TOTAL"].iloc[0]
        units = rows[rows["unit_code"] != "TOTAL"]
        # each unit's sites split into coverage, capacity and indoor sites
        assert (units[["coverage_sites", "capacity_sites", "indoor_sites"]].sum(axis=1)
                == units["sites"]).all()
        for col in ("coverage_sites", "capacity_sites", "indoor_sites", "proposed_sites",
                    "traffic_demand_mbps"):
            assert total[col] == pytest.approx(units[col].sum())
        # busy-hour demand counted once: the whole areas' demand, not more
        due = (targets_m["milestone"] <= year).to_numpy()
        whole = float((targets_m["coverage_target"].to_numpy() * traffic["demand_mbps"])[due]
                      .sum())
        assert total["traffic_demand_mbps"] == pytest.approx(whole, rel=1e-3)
        assert 0 < total["capacity_mbps"] <= total["traffic_demand_mbps"] * (1 + 1e-9)
        assert 0 < total["capacity_areas_met"] <= total["capacity_areas"]
    last = summary[(summary["year"] == years[-1]) & (summary["unit_code"] == "TOTAL")].iloc[0]
    assert last["proposed_sites"] > 0 and last["capacity_sites"] >= 0
    # one id per proposed place, unique in the province, prefixed by its home unit
    props = pd.concat([gpd.read_parquet(p) for p in (root / "work" / "partitions")
                       .glob("*/proposals.parquet")], ignore_index=True)
    assert len(props) and props["site_id"].str.match(r"^C0[12]-PR-").all()
    places = props.drop_duplicates("site_id")
    where = places.assign(x=places.geometry.x.round(), y=places.geometry.y.round())
    assert not where.duplicated(["kind", "x", "y"]).any()
    assert (places["site_id"].str[:3] == places["unit_code"]).all()
    sites = gpd.read_file(out / "plan.gpkg", layer=f"sites_{years[-1]}")
    assert sites["site_id"].is_unique and sites["proposed"].any()
    chosen = sites[sites["proposed"]]
    assert (chosen["site_id"].str[:3] == chosen["unit_code"]).all()
    # the stitch met the border areas' capacity with the whole-area rows
    m = result.stitch["milestones"]
    assert m["capacity_rows"].iloc[-1] > 0
    areas = result.stitch["areas"]
    border = areas[areas["in_stitch"] & areas["area_id"].str.startswith("P")]
    assert len(border) and border["capacity_met"].all()
    pieces = result.stitch["pieces"]
    both = pieces[pieces["area_id"].isin(border["area_id"])].groupby(["year", "area_id"])
    assert (both["unit_code"].nunique() == 2).all()  # a corridor's pieces on both sides


def test_user_text_is_data(region):
    out = region["root"] / "out"
    summary = (out / "summary.csv").read_text(encoding="utf-8")
    assert "'" + FORMULA_NAME.replace('"', '""') in summary
    assert "\n" + FORMULA_NAME not in summary and "," + FORMULA_NAME not in summary
    html = (out / "map.html").read_text(encoding="utf-8")
    assert EVIL_NAME not in html  # only JSON-escaped (\u003c...) inside data


def test_rerun_redoes_only_what_failed_or_changed(region, client):
    root = region["root"]
    first = region["result"]
    # nothing changed: nothing is planned again
    again = plan_region(root / "in" / "region.toml", root / "out", client=client,
                        work_dir=root / "work", offline=True)
    assert again.planned == [] and sorted(again.cached) == ["C01", "C02"]
    assert again.stitch["selected"] == first.stitch["selected"]
    # a unit whose partition is damaged fails by name (after its retry); the others are kept
    part = root / "work" / "partitions" / "002-C02"
    shutil.rmtree(next((root / "work" / "units" / "002-C02").iterdir()))
    (part / "candidates.parquet").write_bytes(b"not parquet")
    cli = CliRunner().invoke(main, [
        "plan-region", str(root / "in" / "region.toml"), "--out", str(root / "out"),
        "--work-dir", str(root / "work"), "--scheduler", client.scheduler.address,
        "--offline"])
    assert cli.exit_code == 1, cli.output  # some unit failed; the others are written
    assert "unit C02" in cli.output and "FAILED" in cli.output and "Traceback" not in cli.output
    report = json.loads((root / "out" / "summary.json").read_text())
    assert [f["unit_code"] for f in report["failed_units"]] == ["C02"]
    assert "parquet" in report["failed_units"][0]["error"].lower()
    assert report["planned_units"] == [] and report["cached_units"] == ["C01"]
    summary = pd.read_csv(root / "out" / "summary.csv")
    assert summary.loc[summary["unit_code"] == "C02", "status"].str.startswith("failed").all()
    assert not (root / "out" / "units" / "002-C02").exists()
    # repaired (the partition is rewritten from the inputs): only C02 is planned
    (part / "candidates.parquet").unlink()
    fixed = plan_region(root / "in" / "region.toml", root / "out", client=client,
                        work_dir=root / "work", offline=True)
    assert fixed.planned == ["C02"] and not fixed.failures
    assert (root / "out" / "units" / "002-C02" / "report.json").exists()


def test_cli_plan_region_on_a_running_scheduler(region, client):
    root = region["root"]
    result = CliRunner().invoke(main, [
        "plan-region", str(root / "in" / "region.toml"), "--out", str(root / "cli-out"),
        "--work-dir", str(root / "work"), "--scheduler", client.scheduler.address, "--offline"])
    assert result.exit_code == 0, result.output
    assert "2 units unchanged since the last run, 0 to plan" in result.output
    assert "Dask dashboard: http" in result.output
    assert (root / "cli-out" / "plan.gpkg").exists()
    assert (root / "cli-out" / "units" / "001-C01" / "report.md").exists()


def test_cli_loop_and_bad_scheduler(region, tmp_path):
    root = region["root"]
    result = CliRunner().invoke(main, [
        "plan-region", str(root / "in" / "region.toml"), "--out", str(tmp_path / "loop"),
        "--work-dir", str(root / "work"), "--loop", "--offline"])
    assert result.exit_code == 0, result.output
    assert "Dask dashboard" not in result.output
    result = CliRunner().invoke(main, [
        "plan-region", str(root / "in" / "region.toml"), "--out", str(tmp_path / "x"),
        "--work-dir", str(root / "work"), "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2, result.output
    assert "--scheduler tcp://127.0.0.1:9: cannot connect" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.browser
def test_overview_map_renders_offline(region, tmp_path):
    from .test_maps import _open

    info, errors, dialogs, blocked = _open(
        (region["root"] / "out" / "map.html").as_uri(), tmp_path / "region.png",
        extra="""() => Array.from(document.querySelectorAll('.siteplan-label, .leaflet-tooltip'))
                     .map(e => e.textContent)""")
    assert not errors and not dialogs and not blocked
    assert info["layers"] >= 4  # unit outlines and one site layer per milestone
    assert info["legend"] == 1
    assert any(EVIL_NAME in p for p in info["popups"])  # the unit's name, shown as text
    assert EVIL_NAME in info["extra"]  # the permanent unit label, as text
    sites = gpd.read_file(region["root"] / "out" / "plan.gpkg", layer="sites_2022")
    assert len(sites) in info["groups"]


def test_terrain_plans_every_unit_with_the_dem_and_a_terrain_halo(tmp_path, client):
    """``dem = …`` in a region config: every unit's coverage is computed over
    the terrain, and the halo is the terrain model's reach (a hilltop mast
    reaches farther than the flat budget), not the flat one."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    from siteplan.coverage import longest_reach_m
    from siteplan.region.config import load_region_config
    from siteplan.region.partition import read_inputs

    write_province(tmp_path / "in", 2, 1, spacing_m=800, time_limit_s=0.5)
    targets = gpd.read_file(tmp_path / "in" / "targets.gpkg")
    metric = targets.estimate_utm_crs()
    xmin, ymin, xmax, ymax = targets.to_crs(metric).total_bounds + np.array([-8e3, -8e3, 8e3, 8e3])
    step = 90.0
    x = xmin + (np.arange(int((xmax - xmin) / step) + 1) + 0.5) * step
    y = ymax - (np.arange(int((ymax - ymin) / step) + 1) + 0.5) * step
    # a 250 m ridge running north-south through the province, rolling ground elsewhere
    ridge = 250.0 * np.exp(-(((x - (xmin + xmax) / 2) / 1500.0) ** 2))
    z = (ridge[None, :] + 30.0 * np.sin(y / 4000.0)[:, None]).astype(np.float32)
    with rasterio.open(tmp_path / "in" / "dem.tif", "w", driver="GTiff", width=x.size,
                       height=y.size, count=1, dtype="float32", crs=metric.to_wkt(),
                       transform=from_origin(xmin, ymax, step, step)) as ds:
        ds.write(z, 1)
    toml = (tmp_path / "in" / "region.toml").read_text(encoding="utf-8")
    (tmp_path / "in" / "region.toml").write_text(
        toml.replace('landuse = "landuse.gpkg"\n', 'landuse = "landuse.gpkg"\ndem = "dem.tif"\n'),
        encoding="utf-8")
    cfg = load_region_config(tmp_path / "in" / "region.toml")
    assert cfg.plan.assumptions["terrain.dem"]
    result = plan_region(tmp_path / "in" / "region.toml", tmp_path / "out", client=client,
                         work_dir=tmp_path / "work", offline=True)
    assert not result.failures and sorted(result.unit_results) == ["C01", "C02"]
    cands = read_inputs(cfg.plan).candidates
    halo = json.loads((tmp_path / "out" / "summary.json").read_text())["halo_m"]
    flat = cfg.plan.assumptions.overrides()
    flat.pop("terrain.dem", None)
    from siteplan.defaults import Assumptions

    assert halo == pytest.approx(longest_reach_m(cands, cfg.plan.assumptions))
    assert halo > longest_reach_m(cands, Assumptions(flat)) + 100.0
    for folder in ("001-C01", "002-C02"):
        report = json.loads((tmp_path / "out" / "units" / folder / "report.json").read_text())
        assert "dem.tif" in json.dumps(report["assumptions"])
