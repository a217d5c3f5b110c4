"""End to end through the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.datasets import sample_dir


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--time-limit", "5",
                                       "--compare-radius"])
    assert result.exit_code == 0, result.output
    return out


def test_demo_writes_every_output(demo_out):
    names = {p.name for p in demo_out.iterdir()}
    for year in (2020, 2021, 2022):
        assert {f"sites_{year}.csv", f"map_{year}.html"} <= names
    assert {"plan.gpkg", "report.md", "report.json"} <= names
    layers = {name for name, _ in pyogrio.list_layers(demo_out / "plan.gpkg")}
    assert {"candidates", "targets", "sites_2022", "uncovered_2022"} <= layers
    sites = pd.read_csv(demo_out / "sites_2022.csv")
    assert sites["lon"].between(119, 120.2).all() and sites["lat"].between(25.5, 26.5).all()
    gpkg_sites = gpd.read_file(demo_out / "plan.gpkg", layer="sites_2022")
    assert len(gpkg_sites) == len(sites)
    assert not list(demo_out.parent.glob(".out.staging-*"))


def test_report_contents(demo_out):
    report = json.loads((demo_out / "report.json").read_text(encoding="utf-8"))
    years = [m["milestone"] for m in report["milestones"]]
    assert years == [2020, 2021, 2022]
    m22 = report["milestones"][-1]
    assert m22["site_target"] == 600
    assert m22["sites"] == m22["new"] + m22["reused"] + m22["on_air"]
    for a in m22["areas"]:  # "met" only when the share of the WHOLE area is covered
        assert a["target_met"] == (a["covered_share"] >= a["coverage_target"] - 1e-6)
        if not a["target_met"]:
            assert a["limited_by_reach"] and a["unreachable_reason"], a
    scenic = next(a for a in m22["areas"] if a["area_id"] == "C03")
    assert not scenic["target_met"] and "ecological_red_line" in scenic["unreachable_reason"]
    assert m22["uncoverable_points"] > 0
    split = report["capacity"]["split"][-1]
    assert split["milestone"] == 2022 and split["site_target"] == 600
    assert split["sites"] == split["coverage_sites"] + split["capacity_sites"] \
        + split["indoor_sites"] == m22["sites"]
    assert {r["area_id"] for r in report["capacity"]["areas"]} == {
        a["area_id"] for a in m22["areas"]}
    assert report["capacity"]["sensitivity"]
    keys = {row["key"] for row in report["assumptions"]}
    assert "radio.rsrp_threshold_dbm" in keys and "cost_cny.greenfield" in keys
    landuse = report["landuse"]["milestones"]
    assert all(m["forbidden"] == 0 for m in landuse)
    assert landuse[-1]["restricted"] >= 1  # greenfield towers in the forest ring
    assert (demo_out / "excluded_candidates.csv").exists()
    radio = report["radio_comparison"]["rows"]
    assert [r["milestone"] for r in radio] == [2020, 2021, 2022]
    md = (demo_out / "report.md").read_text(encoding="utf-8")
    assert "## Land use" in md and "## Link budget against the radius table" in md
    assert "## Assumptions" in md and "radio.rsrp\\_threshold\\_dbm" in md  # Markdown-escaped
    assert "## Capacity: what sets the site count" in md


def _copy_sample(tmp_path: Path) -> Path:
    folder = tmp_path / "county"
    shutil.copytree(sample_dir(), folder)
    return folder / "sample_county.toml"


def test_config_naming_missing_file_writes_nothing(tmp_path):
    config = _copy_sample(tmp_path)
    config.write_text(config.read_text().replace('targets = "targets.gpkg"',
                                                 'targets = "missing.gpkg"'))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(out)])
    assert result.exit_code == 2
    assert "missing.gpkg" in result.output and "not found" in result.output
    assert not out.exists()


def test_bad_candidate_row_keeps_earlier_outputs(tmp_path):
    config = _copy_sample(tmp_path)
    folder = config.parent
    cands = gpd.read_file(folder / "candidates.gpkg")
    cands.loc[5, "kind"] = "windmill"
    cands.to_file(folder / "candidates.gpkg", layer="candidates")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text("earlier report")
    (out / ".siteplan").write_text('{"kind": "plan"}')  # an earlier siteplan run's folder
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(out)])
    assert result.exit_code == 2
    assert "row 6" in result.output and "kind" in result.output and "windmill" in result.output
    assert (out / "report.md").read_text() == "earlier report"
    assert sorted(p.name for p in out.iterdir()) == [".siteplan", "report.md"]


def test_bad_config_key(tmp_path):
    config = _copy_sample(tmp_path)
    config.write_text(config.read_text() + '"radio.rsrp_treshold_dbm" = -100\n')
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "radio.rsrp_threshold_dbm" in result.output


def test_help_explains_options():
    result = CliRunner().invoke(main, ["plan", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--lang", "--tiles", "--time-limit"):
        assert option in result.output


@pytest.mark.parametrize(("old", "new", "expect"), [
    ("time_limit_s = 1", "time_limt_s = 1", r"\[solver\]: unknown key 'time_limt_s'\. Did you "
                                            r"mean 'time_limit_s'\?"),
    ('targets = "targets.gpkg"', 'targets = "targets.gpkg"\nlanduse_zones = "x.gpkg"',
     r"\[inputs\]: unknown key 'landuse_zones'\. Did you mean 'landuse'\?"),
    ("[solver]", "[solvr]", r"unknown table 'solvr'\. Did you mean 'solver'\?"),
    ('name = "Sample county (synthetic)"', 'nmae = "x"',
     r"\[project\]: unknown key 'nmae'\. Did you mean 'name'\?"),
    ("time_limit_s = 1", 'time_limit_s = "fast"', r"\[solver\], key 'time_limit_s'.*'fast'"),
    ('method = "auto"', 'method = "fastest"', r"\[solver\], key 'method': must be 'auto'"),
    ("2020 = 150", "2020 = -1", r"key 'milestones': site target for 2020 must be a positive"),
    ('"demand.spacing_m" = 400', '"demand.spacing" = 400',
     r"\[assumptions\]: unknown key 'demand.spacing'\. Did you mean demand.spacing_m"),
    ('"demand.spacing_m" = 400', '"demand.spacing_m" = -5', r"\[assumptions\]: 'demand.spacing_m'"),
    ("[solver]", "[solver", r"not valid TOML"),
])
def test_config_errors_name_the_file_and_suggest_keys(tmp_path, old, new, expect):
    """Issue 25/28: every config error names the config file; every unknown key
    of every table gets a "did you mean"."""
    from siteplan.config import load_config
    from siteplan.errors import ConfigError
    from tests.conftest import copy_sample

    config = copy_sample(tmp_path)
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as err:
        load_config(config)
    message = str(err.value)
    assert message.startswith(str(config)), message
    assert re.search(expect, message), message
    r = CliRunner().invoke(main, ["plan", str(config), "--out", str(tmp_path / "o")])
    assert r.exit_code == 2 and "This is a bug" not in r.output and "sample_county.toml" in r.output
