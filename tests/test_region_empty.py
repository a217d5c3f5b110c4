"""Issue 29: an empty slice of a layer in a unit is "nothing here", not an error.

A region of four 20 km tiles, one small village in each (the last one's
milestone a year later: three tiles have no milestone of their own then),
towers around it;
the land-use layer (a satellite earth station under the tower the plan
picks without it) and a map context layer lie in one tile only. ``plan-region`` plans every tile, with
tiles and with a unit layer, and gives the covered tile the sites
``siteplan plan`` gives it; the stitched cost equals the whole-region plan's.
Planned in this process (``--loop``/``executor="loop"``): no Dask cluster.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box

from siteplan.cli import main
from siteplan.project import run
from siteplan.region import plan_region
from siteplan.region.tasks import NO_TARGETS, PLANNED, UNREACHABLE

E0, N0, TILE_M = 500_000.0, 2_880_000.0, 20_000.0
CRS = 32650
CONFIG = """[project]
name = "four tiles"
[inputs]
candidates = ["candidates.gpkg"]
targets = "{targets}"
{landuse}
context = ["pois.gpkg"]
[solver]
time_limit_s = 5
[assumptions]
"demand.spacing_m" = 200
"landuse.buffer_m.satellite_earth_station" = 0
{extra}
"""


def _centres() -> list[tuple[float, float]]:
    return [(E0 + (c + 0.5) * TILE_M, N0 + (r + 0.5) * TILE_M) for r in range(2) for c in range(2)]


def _layers() -> dict[str, gpd.GeoDataFrame]:
    areas, cands, units = [], [], []
    for i, (x, y) in enumerate(_centres()):
        areas.append({"area_id": f"A{i}", "name": f"Village {i}", "area_class": "village",
                      "environment": "rural", "milestone": 2023 if i == 3 else 2022,
                      "coverage_target": 0.95,
                      "geometry": box(x - 600, y - 600, x + 600, y + 600)})
        for k, (dx, dy) in enumerate((dx, dy) for dx in range(-1500, 1501, 500)
                                     for dy in range(-1500, 1501, 500)):
            cands.append({"site_id": f"S{i}-{k:02d}", "kind": "tower", "height_m": 30.0,
                          "on_air": False, "name": f"Tower {i}-{k}",
                          "geometry": Point(x + dx, y + dy)})
        units.append({"code": f"U{i}", "name": f"Unit {i}",
                      "geometry": box(x - TILE_M / 2, y - TILE_M / 2, x + TILE_M / 2,
                                      y + TILE_M / 2)})
    x, y = _centres()[0]
    zones = [{"zone_id": "Z1", "zone_class": "satellite_earth_station", "name": "Earth station",
              "geometry": Point(x, y).buffer(50)}]  # under the tower plan picks without it
    pois = [{"name": "村委会 POI-MARK", "floors": 3, "geometry": Point(x + 100, y + 100)},
            {"name": "school POI-MARK", "floors": None, "geometry": Point(x - 100, y + 50)}]
    return {"targets": gpd.GeoDataFrame(areas, crs=CRS),
            "pois": gpd.GeoDataFrame(pois, crs=CRS),
            "candidates": gpd.GeoDataFrame(cands, crs=CRS),
            "landuse": gpd.GeoDataFrame(zones, crs=CRS),
            "units": gpd.GeoDataFrame(units, crs=CRS)}


def _write(folder: Path, layers: dict[str, gpd.GeoDataFrame], *, extra: str = "",
           landuse: bool = True, targets: str = "targets.gpkg", region: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in layers.items():
        frame.to_file(folder / f"{name}.gpkg", engine="pyogrio")
    text = CONFIG.format(targets=targets, extra=extra,
                         landuse='landuse = "landuse.gpkg"' if landuse else "")
    path = folder / f"{Path(targets).stem}-{'zones' if landuse else 'none'}{len(region)}.toml"
    path.write_text(text + region, encoding="utf-8")
    return path


def _places(frame: gpd.GeoDataFrame) -> set[tuple[str, int, int]]:
    """Sites as (kind, x, y) to the metre: listed and proposed sites alike."""
    f = frame.to_crs(CRS)
    return set(zip(f["kind"].astype(str), np.round(f.geometry.x).astype(int),
                   np.round(f.geometry.y).astype(int), strict=True))


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    root = tmp_path_factory.mktemp("empty-slices")
    layers = _layers()
    inputs = root / "in"
    one = dict(layers, tile0=layers["targets"].iloc[[0]])
    plan_cfg = _write(inputs, one)
    tile_cfg = _write(inputs, layers, targets="tile0.gpkg")
    bare_cfg = _write(inputs, layers, targets="tile0.gpkg", landuse=False)
    tiles_cfg = _write(inputs, layers, region="[region]\ntile_km = 20\n")
    units_cfg = _write(inputs, layers, region='[region]\nunits = "units.gpkg"\n'
                       'code_column = "code"\nname_column = "name"\n')
    whole = run(plan_cfg).plan
    tile = run(tile_cfg).plan
    bare = run(bare_cfg).plan
    tiled = plan_region(tiles_cfg, root / "tiles", executor="loop", work_dir=root / "w1",
                        offline=True)
    cli = CliRunner().invoke(main, ["plan-region", str(units_cfg), "--out", str(root / "units"),
                                    "--work-dir", str(root / "w2"), "--loop", "--offline"])
    return {"root": root, "whole": whole, "tile": tile, "bare": bare, "tiled": tiled,
            "cli": cli}


def test_every_tile_is_planned_whatever_layer_is_empty_in_it(case):
    tiled = case["tiled"]
    assert tiled.failures == {}
    assert sorted(tiled.planned) == ["T00_00", "T00_01", "T01_00", "T01_01"]
    assert {r["status"] for r in tiled.unit_results.values()} == {PLANNED}
    notes = {c: r["notes"] for c, r in tiled.unit_results.items()}
    assert notes["T00_00"] == [] and all(
        notes[c] == ["no land-use zone within reach of the unit"] for c in notes if c != "T00_00")
    cli = case["cli"]
    assert cli.exit_code == 0, cli.output
    assert "unit U1: no land-use zone within reach of the unit" in cli.output
    report = json.loads((case["root"] / "units" / "summary.json").read_text())
    assert report["failed_units"] == [] and sorted(report["planned_units"]) == \
        ["U0", "U1", "U2", "U3"]
    # the context layer and the zones are on the maps of the unit they are in, and only there
    for folder, here in (("001-U0", True), ("002-U1", False)):
        page = (case["root"] / "units" / "units" / folder / "map_2022.html").read_text()
        assert ('"pois"' in page) is here, folder  # the context layer, by its name
        assert ("satellite_earth_station" in page) is here, folder  # the zone layer


def test_the_covered_tile_gets_the_sites_plan_gives_it(case):
    tile_sites = _places(case["tile"].sites(2022))
    assert tile_sites != _places(case["bare"].sites(2022))  # the zone changes this tile's plan
    x, y = _centres()[0]
    cell = box(x - TILE_M / 2, y - TILE_M / 2, x + TILE_M / 2, y + TILE_M / 2)
    for out in ("tiles", "units"):
        sites = gpd.read_file(case["root"] / out / "plan.gpkg", layer="sites_2022")
        inside = sites[sites.to_crs(CRS).geometry.within(cell)]
        assert _places(inside) == tile_sites, out
        assert (inside["landuse_flag"].fillna("") != "forbidden").all()


def test_stitched_cost_matches_the_whole_region_plan(case):
    for year in (2022, 2023):
        whole_cny = float(case["whole"].sites(year)["cost_cny"].sum())
        for out in ("tiles", "units"):
            summary = pd.read_csv(case["root"] / out / "summary.csv")
            total = summary.loc[(summary["unit_code"] == "TOTAL") & (summary["year"] == year),
                                "cost_cny"].iloc[0]
            assert abs(total - whole_cny) <= 0.01 * whole_cny, (out, year, total, whole_cny)
            # every site has its facts, also in a year its unit has no milestone of its own
            sites = gpd.read_file(case["root"] / out / "plan.gpkg", layer=f"sites_{year}")
            assert sites["cost_cny"].notna().all() and sites["status"].notna().all()


def test_a_year_without_a_milestone_of_the_unit_reports_its_coverage(case):
    """2023 is a milestone of tile 3 only: the other tiles' summary rows of
    2023 report the coverage their 2022 demand has with the 2023 sites
    (before: demand with nothing coverable, covered or met)."""
    for out in ("tiles", "units"):
        summary = pd.read_csv(case["root"] / out / "summary.csv")
        units = summary[summary["unit_code"] != "TOTAL"].set_index(["unit_code", "year"])
        for code in sorted({c for c, _ in units.index}):
            if (code, 2022) not in units.index or units.loc[(code, 2022), "demand_weight"] == 0:
                continue  # tile 3: no demand due by 2022
            before, after = units.loc[(code, 2022)], units.loc[(code, 2023)]
            assert after["demand_weight"] == pytest.approx(before["demand_weight"]), (out, code)
            assert after["covered_w"] >= before["covered_w"] > 0, (out, code)
            assert after["coverable_w"] == pytest.approx(before["coverable_w"]), (out, code)
            assert after["area_pieces"] == after["area_pieces_met"] == 1, (out, code)


def test_units_with_no_target_or_no_candidate_are_reported_not_failed(tmp_path):
    layers = _layers()
    cands = layers["candidates"]
    layers["candidates"] = cands[~cands["site_id"].str.startswith("S3-")]  # nothing near A3
    units = layers["units"]
    far = units.iloc[[0]].assign(code="EMPTY", name="No village here")
    far["geometry"] = far.geometry.translate(0, 3 * TILE_M)
    layers["units"] = gpd.GeoDataFrame(pd.concat([units, far], ignore_index=True), crs=CRS)
    config = _write(tmp_path / "in", layers, extra='"proposals.mode" = "off"',
                    region='[region]\nunits = "units.gpkg"\n')
    lines: list[str] = []
    result = plan_region(config, tmp_path / "out", executor="loop", work_dir=tmp_path / "w",
                         offline=True, progress=lines.append)
    assert result.failures == {}
    status = {c: r["status"] for c, r in result.unit_results.items()}
    assert status == {"U0": PLANNED, "U1": PLANNED, "U2": PLANNED, "U3": UNREACHABLE,
                      "EMPTY": NO_TARGETS}
    text = "\n".join(lines)
    assert f"unit U3 (Unit 3): {UNREACHABLE}" in text
    assert f"EMPTY ({NO_TARGETS})" in text
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    row = summary[(summary["unit_code"] == "U3") & (summary["year"] == 2023)].iloc[0]
    assert row["status"] == UNREACHABLE and row["demand_weight"] > 0 and row["sites"] == 0
    report = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "A3" in report["area_targets"]["2023"]["limited_by_reach"]
    assert not (tmp_path / "out" / "units" / "004-U3").exists()
