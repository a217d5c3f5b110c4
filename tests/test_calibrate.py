"""siteplan calibrate: least-squares model tuning from drive-test / MR points."""

from __future__ import annotations

import dataclasses
import json
import tomllib

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point

from siteplan.calibrate import calibrate, read_measurements, synthetic_drive_test
from siteplan.cli import main
from siteplan.datasets import sample_path
from siteplan.defaults import CLUTTER_CLASSES, Assumptions
from siteplan.errors import InputError
from siteplan.sinr import load_model
from siteplan.terrain.raster import Grid

A = Assumptions()
UTM = 32650
TRUTH = {"offset_db": 6.0, "distance_slope_db_per_dec": -4.0,
         "clutter_offset_db": {"built": 3.0, "crop": -2.5}}


def _clutter_model():
    """The plan's flat model with a land-cover raster: 500 m blocks of grass (about half),
    built and crop over the sites' area."""
    rng = np.random.default_rng(1)
    names = list(CLUTTER_CLASSES)
    blocks = rng.choice([names.index("grass"), names.index("built"), names.index("crop")],
                        size=(56, 56), p=[0.5, 0.25, 0.25])
    values = np.kron(blocks, np.ones((5, 5), np.int32)).astype(np.int32)  # 100 m cells
    return dataclasses.replace(load_model(A), clutter=Grid(values, -4000.0, 24000.0, 100.0,
                                                           ("blocks",)))


def _sites(n: int = 6) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 20000, (n, 2))
    return gpd.GeoDataFrame({"site_id": [f"S{i}" for i in range(n)],
                             "kind": ["tower", "rooftop", "streetlight"] * (n // 3),
                             "height_m": [40.0, 25.0, 10.0] * (n // 3)},
                            geometry=[Point(x, y) for x, y in xy], crs=UTM)


TRUE_KEYS = {"pathloss.offset_db": 6.0, "pathloss.distance_slope_db_per_dec": -4.0,
             "clutter.offset_db.built": 3.0, "clutter.offset_db.crop": -2.5}


def _fit(seed: int, sigma: float):
    sites, model = _sites(), _clutter_model()
    meas = synthetic_drive_test(sites, A, TRUTH, sigma_db=sigma, points_per_site=400, seed=seed,
                                classes=("rural", "rural", "urban", "suburban"), model=model)
    return calibrate(meas, sites, A, model=model)


def test_round_trip_recovers_parameters_and_residual_sigma():
    sigma = 6.0
    fit = _fit(0, sigma)
    params = fit.parameters.set_index("key")
    assert set(params.index) == set(TRUE_KEYS)
    for key, value in TRUE_KEYS.items():
        assert params.loc[key, "ci_low"] <= value <= params.loc[key, "ci_high"], key
        assert params.loc[key, "ci_high"] - params.loc[key, "ci_low"] < 3.0  # informative
    every = fit.errors.set_index("clutter").loc["all"]
    assert every["std_after"] <= sigma + 0.5
    assert abs(every["mean_after"]) < 1e-9  # least squares with an intercept
    assert every["rmse_before"] > every["rmse_after"] + 3.0
    assert fit.reference_class == "grass"
    assert set(fit.errors["clutter"]) == {"all", "grass", "built", "crop"}


def test_confidence_intervals_are_honest_over_many_drive_tests():
    """The 95 % intervals hold the truth about 95 % of the time and no estimate is
    off by more than 3.5 standard errors (a bias would show here)."""
    inside, z = [], []
    for seed in range(20):
        params = _fit(seed, 6.0).parameters.set_index("key")
        for key, value in TRUE_KEYS.items():
            inside.append(params.loc[key, "ci_low"] <= value <= params.loc[key, "ci_high"])
            z.append((params.loc[key, "after"] - value) / params.loc[key, "std_error"])
    assert np.mean(inside) >= 0.85
    assert np.max(np.abs(z)) < 3.5


def test_without_distance_spread_the_slope_is_kept_with_a_note():
    sites = _sites(3)
    meas = synthetic_drive_test(sites, A, {"offset_db": 2.0}, sigma_db=1.0, points_per_site=100,
                                distance_m=(900.0, 1100.0))
    fit = calibrate(meas, sites, A)
    assert list(fit.parameters["key"]) == ["pathloss.offset_db"]
    assert any("slope is kept" in n for n in fit.notes)
    assert fit.tuned["pathloss.offset_db"] == pytest.approx(2.0, abs=0.5)


def test_too_few_points_and_unknown_sites_are_refused():
    sites = _sites(3)
    meas = synthetic_drive_test(sites, A, {}, sigma_db=1.0, points_per_site=1)
    with pytest.raises(InputError, match="cannot fit"):
        calibrate(meas, sites, A)
    meas = synthetic_drive_test(sites, A, {}, sigma_db=1.0, points_per_site=20)
    meas.loc[5, "site_id"] = "S9"
    with pytest.raises(InputError, match=r"line 7, column 'site_id': site 'S9'"):
        calibrate(meas, sites, A)


def _write_drive_test(tmp_path, *, n_per_site=150, sigma=4.0):
    """A synthetic drive test around the sample county's towers, as a CSV in lon/lat
    (offset +5 dB, slope +3 dB per decade)."""
    from siteplan.datasets.drive_test import sample_drive_test

    frame = sample_drive_test(sample_path("sample_county.toml"), points_per_site=n_per_site,
                              sigma_db=sigma)
    path = tmp_path / "drive.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_the_shipped_drive_test_is_the_generators_and_calibrates_to_its_truth(tmp_path):
    """``data/sample_county/drive_test.csv`` (docs' calibrate example) is what the
    generator writes, and calibrate finds the tuning it was made with."""
    import pandas as pd

    from siteplan.datasets.drive_test import SIGMA_DB, TRUTH, sample_drive_test

    shipped = pd.read_csv(sample_path("drive_test.csv"))
    made = sample_drive_test(sample_path("sample_county.toml"))
    assert list(shipped.columns) == list(made.columns) and len(shipped) == len(made)
    np.testing.assert_allclose(shipped[["lon", "lat", "rsrp_dbm"]], made[["lon", "lat", "rsrp_dbm"]],
                               atol=0.011)
    out = tmp_path / "calib"
    res = CliRunner().invoke(main, ["calibrate", str(sample_path("drive_test.csv")), "--config",
                                    str(sample_path("sample_county.toml")), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "calibration.json").read_text())
    params = {p["key"]: p for p in doc["parameters"]}
    for key, value in (("pathloss.offset_db", TRUTH["offset_db"]),
                       ("pathloss.distance_slope_db_per_dec", TRUTH["distance_slope_db_per_dec"])):
        assert params[key]["ci_low"] <= value <= params[key]["ci_high"], (key, params[key])
    assert doc["errors"][0]["std_after"] <= SIGMA_DB + 0.5


def test_cli_writes_tuned_assumptions_that_plan_accepts(tmp_path):
    path, _ = _write_drive_test(tmp_path)
    out = tmp_path / "cal"
    res = CliRunner().invoke(main, ["calibrate", str(path), "--config",
                                    str(sample_path("sample_county.toml")), "--out", str(out)])
    assert res.exit_code == 0, res.output
    tuned = tomllib.loads((out / "tuned_assumptions.toml").read_text())["assumptions"]
    assert tuned["pathloss.offset_db"] == pytest.approx(5.0, abs=1.0)
    assert tuned["pathloss.distance_slope_db_per_dec"] == pytest.approx(3.0, abs=1.5)
    Assumptions(tuned)  # every key and value is valid for plan's [assumptions]
    doc = json.loads((out / "calibration.json").read_text())
    assert doc["measurements"] == 8 * 150
    assert {e["clutter"] for e in doc["errors"]} >= {"all"}
    text = (out / "calibration.md").read_text()
    assert "Error before and after" in text and "pathloss.offset_db" in text
    assert (out / "residuals.csv").exists()


def test_pci_mapping(tmp_path):
    path, frame = _write_drive_test(tmp_path, n_per_site=30)
    pcis = {s: str(100 + i) for i, s in enumerate(sorted(set(frame["site_id"])))}
    frame.assign(pci=frame["site_id"].map(pcis)).drop(columns="site_id").to_csv(
        path, index=False)
    mapping = tmp_path / "pci.csv"
    mapping.write_text("pci,site_id\n" + "".join(f"{p},{s}\n" for s, p in pcis.items()))
    meas = read_measurements(path, pci_map=mapping)
    assert list(meas["site_id"]) == list(frame["site_id"])
    with pytest.raises(InputError, match="site_id column"):
        read_measurements(path)
    mapping.write_text("pci,site_id\n100,T1\n")
    with pytest.raises(InputError,
                       match=r"line 32, column 'pci': '101' names no site in .*pci.csv \(210 rows"):
        read_measurements(path, pci_map=mapping)


@pytest.mark.parametrize("body, message", [
    ("lon,lat,site_id,level\n119.5,25.9,T1,-90\n", "no RSRP column"),
    ("lon,lat,site_id,rsrp\n119.5,25.9,T1,-90\n119.5,25.9,T1,strong\n",
     r"line 3, column 'rsrp': RSRP 'strong' is not a number"),
    ("lon,lat,site_id,rsrp\n119.5,25.9,T1,-20\n", r"line 2, column 'rsrp'.*\[-156, -31\]"),
    ("lon,lat,site_id,rsrp\n119.5,,T1,-90\n", r"line 2, columns 'lon'/'lat'"),
    ("lon,lat,rsrp\n119.5,25.9,-90\n", "no site_id column"),
])
def test_bad_measurement_files_name_file_line_and_column(tmp_path, body, message):
    path = tmp_path / "m.csv"
    path.write_text(body)
    with pytest.raises(InputError, match=message) as err:
        read_measurements(path)
    assert str(path) in str(err.value)


def test_cli_error_writes_nothing(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("lon,lat,site_id,rsrp,environment\n119.5,25.9,NOPE,-90,urban\n")
    out = tmp_path / "cal"
    res = CliRunner().invoke(main, ["calibrate", str(path), "--config",
                                    str(sample_path("sample_county.toml")), "--out", str(out)])
    assert res.exit_code == 2
    assert "NOPE" in res.output and "not among the config's candidates" in res.output
    assert not out.exists()
    path.write_text("lon,lat,site_id,rsrp,environment\n119.5,25.9,T0001,-90,jungle\n")
    res = CliRunner().invoke(main, ["calibrate", str(path), "--config",
                                    str(sample_path("sample_county.toml")), "--out", str(out)])
    assert res.exit_code == 2 and "line 2, column 'environment'" in res.output


def test_without_a_clutter_raster_no_class_offset_is_fitted():
    """The plan's model without a clutter raster has no per-environment offset: calibration
    fits the common terms only and still reports errors per environment."""
    sites = _sites()
    meas = synthetic_drive_test(sites, A, {"offset_db": 6.0}, sigma_db=2.0,
                                points_per_site=100, classes=("rural", "urban"))
    fit = calibrate(meas, sites, A)
    assert list(fit.parameters["key"]) == ["pathloss.offset_db",
                                           "pathloss.distance_slope_db_per_dec"]
    assert any("not fitted" in n for n in fit.notes)
    assert set(fit.errors["clutter"]) == {"all", "rural", "urban"}  # still reported per class


def test_measurements_beyond_the_model_range_are_left_out_with_a_note():
    sites = _sites(3)
    meas = synthetic_drive_test(sites, A, {"offset_db": 2.0}, sigma_db=1.0, points_per_site=200,
                                distance_m=(100.0, 3000.0))
    far = meas.iloc[:5].copy()
    far["geometry"] = far.geometry.translate(20_000.0, 0.0)  # ~20 km from their sites
    fit = calibrate(pd.concat([far, meas], ignore_index=True), sites, A)
    assert any("5 measurements lie beyond the path-loss model's range (first: line 2" in n
               for n in fit.notes)
    assert fit.errors.set_index("clutter").loc["all", "points"] == len(meas)
    assert fit.tuned["pathloss.offset_db"] == pytest.approx(2.0, abs=0.5)
    assert fit.points["predicted_before_dbm"].isna().sum() == 5
    with pytest.raises(InputError, match="all 5 measurements lie beyond"):
        calibrate(far, sites, A)


def test_land_cover_classes_come_from_the_model_raster():
    terrain = pytest.importorskip("siteplan.terrain")  # branch terrain's model (issue 27)
    from siteplan.sinr import model_classes

    class Raster:
        def nearest(self, x, y):
            return np.where(np.asarray(x) < 0, 0, -1)

    class Model:
        clutter = Raster()

    classes, prefix = model_classes(Model(), np.array(["urban", "urban"]),
                                    np.array([[-5.0, 0.0], [5.0, 0.0]]))
    assert prefix == "clutter.offset_db."
    assert classes.tolist() == [terrain.CLUTTER_NAMES[0], "no_data"]


def test_xlsx_measurements_with_chinese_headers(tmp_path):
    _, frame = _write_drive_test(tmp_path, n_per_site=5)
    path = tmp_path / "路测.xlsx"
    frame.rename(columns={"lon": "经度", "lat": "纬度", "site_id": "站址编号",
                          "rsrp_dbm": "RSRP(dBm)", "environment": "环境"}).to_excel(
        path, index=False)
    meas = read_measurements(path)
    assert list(meas["site_id"]) == list(frame["site_id"])
    np.testing.assert_allclose(meas["rsrp_dbm"], frame["rsrp_dbm"])
    np.testing.assert_allclose(meas.geometry.x, frame["lon"], atol=1e-9)
    assert list(meas["environment"]) == list(frame["environment"])


# -- round trip: calibrate -> tuned TOML -> plan's coverage uses the tuned values -------------

E0, N0 = 752_000.0, 2_874_000.0  # UTM 50N (the CRS plan and calibrate choose here)


def _clutter_county(folder):
    """Three towers, one area, a WorldCover raster: grass west of x = 200 m, built to the
    north-east, crop to the south-east (offsets relative to E0, N0)."""
    import rasterio
    from rasterio.transform import from_origin
    from shapely.geometry import box

    folder.mkdir(parents=True, exist_ok=True)
    gpd.GeoDataFrame({"site_id": ["T1", "T2", "T3"], "kind": ["tower"] * 3,
                      "height_m": [35.0] * 3},
                     geometry=[Point(E0 - 800, N0), Point(E0 + 800, N0), Point(E0, N0 + 900)],
                     crs=UTM).to_crs(4326).to_file(folder / "candidates.gpkg")
    gpd.GeoDataFrame({"area_id": ["A1"], "name": ["town"], "area_class": ["town"],
                      "environment": ["suburban"], "milestone": [2025],
                      "coverage_target": [0.9]},
                     geometry=[box(E0 - 1500, N0 - 1500, E0 + 1500, N0 + 1500)],
                     crs=UTM).to_crs(4326).to_file(folder / "targets.gpkg")
    step, half = 30.0, 6000.0
    n = int(2 * half / step)
    x = -half + (np.arange(n) + 0.5) * step
    gx, gy = np.meshgrid(x, -x)
    codes = np.where(gx < 200, 30, np.where(gy >= 0, 50, 40)).astype("uint8")
    with rasterio.open(folder / "clutter.tif", "w", driver="GTiff", width=n, height=n, count=1,
                       dtype="uint8", crs=f"EPSG:{UTM}", nodata=0,
                       transform=from_origin(E0 - half, N0 + half, step, step)) as ds:
        ds.write(codes, 1)
    config = folder / "plan.toml"
    config.write_text('[inputs]\ncandidates = ["candidates.gpkg"]\ntargets = "targets.gpkg"\n'
                      'clutter = "clutter.tif"\n[solver]\ntime_limit_s = 5\n', encoding="utf-8")
    return config


def _problem(config):
    from siteplan.config import load_config
    from siteplan.problem import build_problem
    from siteplan.sources.inputs import load_inputs

    cfg = load_config(config)
    inputs = load_inputs(cfg)
    a = cfg.assumptions.override({"proposals.mode": "off", "demand.spacing_m": 150})
    return build_problem(inputs.candidates, inputs.targets, assumptions=a, capacity=False), a


def test_calibrate_then_plan_uses_exactly_the_tuned_values(tmp_path):
    """calibrate (CLI) -> tuned_assumptions.toml pasted into the config -> the plan's coverage
    shifts by exactly the tuned offset, slope and land-cover offsets."""
    config = _clutter_county(tmp_path / "county")
    problem, a = _problem(config)
    sites = problem.candidates.to_crs(problem.demand.crs)
    truth = {"offset_db": 5.0, "distance_slope_db_per_dec": -3.0,
             "clutter_offset_db": {"built": 4.0, "crop": -2.0}}
    meas = synthetic_drive_test(sites, a, truth, sigma_db=1.0, points_per_site=300, seed=2,
                                distance_m=(100.0, 2500.0))
    wgs = meas.to_crs(4326)
    drive = tmp_path / "drive.csv"
    wgs.assign(lon=wgs.geometry.x, lat=wgs.geometry.y)[["lon", "lat", "site_id", "rsrp_dbm"]
                                                       ].to_csv(drive, index=False)
    res = CliRunner().invoke(main, ["calibrate", str(drive), "--config", str(config),
                                    "--out", str(tmp_path / "cal")])
    assert res.exit_code == 0, res.output
    toml_text = (tmp_path / "cal" / "tuned_assumptions.toml").read_text(encoding="utf-8")
    tuned = tomllib.loads(toml_text)["assumptions"]
    assert set(tuned) == {"pathloss.offset_db", "pathloss.distance_slope_db_per_dec",
                          "clutter.offset_db.built", "clutter.offset_db.crop"}
    for key, value in (("pathloss.offset_db", 5.0), ("pathloss.distance_slope_db_per_dec", -3.0),
                       ("clutter.offset_db.built", 4.0), ("clutter.offset_db.crop", -2.0)):
        assert tuned[key] == pytest.approx(value, abs=0.4), key
    with config.open("a", encoding="utf-8") as f:
        f.write(toml_text)  # pasted as calibration.md says
    tuned_problem, tuned_a = _problem(config)
    assert all(tuned_a[k] == v for k, v in tuned.items())
    # every pair the tuned plan covers was covered before, weaker by exactly the tuned terms
    before, after = problem.coverage.rsrp_dbm.tocoo(), tuned_problem.coverage.rsrp_dbm.tocsr()
    keep = np.asarray(after[before.row, before.col]).ravel() != 0
    assert 0 < keep.sum() < before.nnz  # the tuned model covers less: its loss is higher
    rows, cols = before.row[keep], before.col[keep]
    dxy = np.column_stack([problem.demand.geometry.x, problem.demand.geometry.y])[rows]
    cxy = np.column_stack([sites.geometry.x, sites.geometry.y])[cols]
    d_km = np.maximum(np.hypot(*(dxy - cxy).T), 10.0) / 1000.0
    classes, _ = model_classes_of(a, dxy)
    expect = (tuned["pathloss.offset_db"] + tuned["pathloss.distance_slope_db_per_dec"]
              * np.log10(d_km) + np.array([tuned.get(f"clutter.offset_db.{c}", 0.0)
                                           for c in classes]))
    got = before.data[keep] - np.asarray(after[rows, cols]).ravel()
    np.testing.assert_allclose(got, expect, atol=1e-3)  # float32 RSRP storage
    assert {"grass", "built", "crop"} <= set(classes)


def model_classes_of(assumptions, xy):
    from siteplan.sinr import model_classes

    model = load_model(assumptions, f"EPSG:{UTM}", points_xy_m=xy)
    return model_classes(model, np.full(len(xy), "suburban"), xy)


# -- errors through the CLI's common handling (exit status, --lang, the config's lang) --------

def _zh_config(tmp_path):
    """The sample county's config in a copy that says [project] lang = "zh"."""
    import shutil

    folder = tmp_path / "county"
    shutil.copytree(sample_path("sample_county.toml").parent, folder)
    config = folder / "sample_county.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "[project]\n", '[project]\nlang = "zh"\n', 1), encoding="utf-8")
    return config


def test_cli_errors_follow_the_config_lang_like_every_command(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("lon,lat,site_id,rsrp,environment\n119.5,25.9,NOPE,-90,urban\n")
    config = _zh_config(tmp_path)
    res = CliRunner().invoke(main, ["calibrate", str(path), "--config", str(config),
                                    "--out", str(tmp_path / "cal")])
    assert res.exit_code == 2
    assert res.output.startswith("错误："), res.output  # the config's lang, as plan does
    english = CliRunner().invoke(main, ["calibrate", str(path), "--config", str(config),
                                        "--out", str(tmp_path / "cal"), "--lang", "en"])
    assert english.exit_code == 2 and english.output.startswith("error: "), english.output
    assert not (tmp_path / "cal").exists()


def test_cli_unexpected_errors_take_the_lang_flag(tmp_path):
    """An error siteplan did not raise itself (here a folder given as the measurements) is
    explained by the CLI's safety net in the --lang language, exit status 2."""
    folder = tmp_path / "drive.csv"
    folder.mkdir()
    res = CliRunner().invoke(main, ["calibrate", str(folder), "--config",
                                    str(sample_path("sample_county.toml")), "--out",
                                    str(tmp_path / "cal"), "--lang", "zh"])
    assert res.exit_code == 2, res.output
    assert res.output.startswith("错误："), res.output
    assert str(folder) in res.output and "Traceback" not in res.output


def test_calibrate_measures_in_the_plans_metric_crs(tmp_path, monkeypatch):
    """Targets west of 114°E (UTM 49), candidates reaching east of it (their centre in
    UTM 50): calibration works in the CRS plan works in (the targets' zone)."""
    from shapely.geometry import box

    import siteplan.calibrate_cli as cli_mod

    folder = tmp_path / "county"
    folder.mkdir()
    gpd.GeoDataFrame({"site_id": ["W", "E1", "E2"], "kind": ["tower"] * 3,
                      "height_m": [35.0] * 3},
                     geometry=[Point(113.95, 30.0), Point(114.3, 30.0), Point(114.35, 30.01)],
                     crs=4326).to_file(folder / "candidates.gpkg")
    gpd.GeoDataFrame({"area_id": ["A"], "name": ["a"], "area_class": ["town"],
                      "environment": ["suburban"], "milestone": [2025],
                      "coverage_target": [0.9]},
                     geometry=[box(113.9, 29.95, 113.99, 30.05)], crs=4326).to_file(
        folder / "targets.gpkg")
    config = folder / "plan.toml"
    config.write_text('[inputs]\ncandidates = ["candidates.gpkg"]\ntargets = "targets.gpkg"\n',
                      encoding="utf-8")
    drive = tmp_path / "drive.csv"
    drive.write_text("lon,lat,site_id,rsrp\n" + "".join(
        f"{113.95 + 0.001 * i},30.0,W,{-80 - i}\n" for i in range(30)), encoding="utf-8")
    seen = []

    def spy(meas_m, sites_m, *args, **kwargs):
        seen.append(meas_m.crs.to_epsg())
        return calibrate(meas_m, sites_m, *args, **kwargs)

    monkeypatch.setattr(cli_mod, "calibrate", spy)
    res = CliRunner().invoke(main, ["calibrate", str(drive), "--config", str(config), "--out",
                                    str(tmp_path / "cal")])
    assert res.exit_code == 0, res.output
    assert seen == [32649]  # build_problem's metric: the targets' UTM zone
