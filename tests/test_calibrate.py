"""siteplan calibrate: least-squares model tuning from drive-test / MR points."""

from __future__ import annotations

import json
import tomllib

import geopandas as gpd
import numpy as np
import pytest
from click.testing import CliRunner
from shapely.geometry import Point

from siteplan.calibrate import calibrate, read_measurements, synthetic_drive_test
from siteplan.cli import main
from siteplan.datasets import sample_path
from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.sinr import FlatPathLoss

A = Assumptions()
UTM = 32650
TRUTH = {"offset_db": 6.0, "distance_slope_db_per_dec": -4.0,
         "clutter_offset_db": {"urban": 3.0, "suburban": -2.5}}


def _sites(n: int = 6) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 20000, (n, 2))
    return gpd.GeoDataFrame({"site_id": [f"S{i}" for i in range(n)],
                             "kind": ["tower", "rooftop", "streetlight"] * (n // 3),
                             "height_m": [40.0, 25.0, 10.0] * (n // 3)},
                            geometry=[Point(x, y) for x, y in xy], crs=UTM)


TRUE_KEYS = {"pathloss.offset_db": 6.0, "pathloss.distance_slope_db_per_dec": -4.0,
             "pathloss.environment_offset_db.urban": 3.0,
             "pathloss.environment_offset_db.suburban": -2.5}


def _fit(seed: int, sigma: float):
    sites = _sites()
    meas = synthetic_drive_test(sites, A, TRUTH, sigma_db=sigma, points_per_site=400, seed=seed,
                                classes=("rural", "rural", "urban", "suburban"))
    return calibrate(meas, sites, A, model=FlatPathLoss.from_assumptions(A))


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
    assert fit.reference_class == "rural"
    assert set(fit.errors["clutter"]) == {"all", "rural", "urban", "suburban"}


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
    fit = calibrate(meas, sites, A, model=FlatPathLoss.from_assumptions(A))
    assert list(fit.parameters["key"]) == ["pathloss.offset_db"]
    assert any("slope is kept" in n for n in fit.notes)
    assert fit.tuned["pathloss.offset_db"] == pytest.approx(2.0, abs=0.5)


def test_too_few_points_and_unknown_sites_are_refused():
    sites = _sites(3)
    meas = synthetic_drive_test(sites, A, {}, sigma_db=1.0, points_per_site=1)
    with pytest.raises(InputError, match="cannot fit"):
        calibrate(meas, sites, A, model=FlatPathLoss.from_assumptions(A))
    meas = synthetic_drive_test(sites, A, {}, sigma_db=1.0, points_per_site=20)
    meas.loc[5, "site_id"] = "S9"
    with pytest.raises(InputError, match=r"line 7, column 'site_id': site 'S9'"):
        calibrate(meas, sites, A)


def _write_drive_test(tmp_path, *, n_per_site=150, sigma=4.0):
    """A synthetic drive test around the sample county's towers, as a CSV in lon/lat."""
    from siteplan.config import load_config
    from siteplan.sources.inputs import load_inputs

    cands = load_inputs(load_config(sample_path("sample_county.toml"))).candidates
    towers = cands[cands["kind"] == "tower"].head(8)
    metric = cands.estimate_utm_crs()
    sites = towers.to_crs(metric)
    meas = synthetic_drive_test(sites, A, {"offset_db": 5.0, "distance_slope_db_per_dec": 3.0},
                                sigma_db=sigma, points_per_site=n_per_site, seed=4,
                                distance_m=(100.0, 4000.0))
    wgs = meas.to_crs(4326)
    frame = wgs.assign(lon=wgs.geometry.x, lat=wgs.geometry.y)[
        ["lon", "lat", "site_id", "rsrp_dbm", "environment"]]
    path = tmp_path / "drive.csv"
    frame.to_csv(path, index=False)
    return path, frame


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


class _NoEnvironmentOffsets:
    """A model like the terrain model without a clutter raster: it adds no
    per-environment offset, so calibration must not fit one."""

    def __init__(self) -> None:
        self.inner = FlatPathLoss.from_assumptions(A)

    def path_loss_db(self, site_xy_m, site_height_m, env, pts_xy_m, freq_ghz, ue_height_m=1.5,
                     *, macro=True):
        return self.inner.path_loss_db(site_xy_m, site_height_m, env, pts_xy_m, freq_ghz,
                                       ue_height_m, macro=macro)


def test_class_offsets_are_fitted_only_when_the_model_applies_them():
    sites = _sites()
    meas = synthetic_drive_test(sites, A, TRUTH, sigma_db=2.0, points_per_site=100,
                                classes=("rural", "urban"))
    fit = calibrate(meas, sites, A, model=_NoEnvironmentOffsets())
    assert list(fit.parameters["key"]) == ["pathloss.offset_db",
                                           "pathloss.distance_slope_db_per_dec"]
    assert any("not fitted" in n for n in fit.notes)
    assert set(fit.errors["clutter"]) == {"all", "rural", "urban"}  # still reported per class


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
