"""Every bad input ends as one clear message and exit status 2 (issue 17):
no traceback, the message names the file, row, column or key, text in it is
shown literally, and nothing already written is touched."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from siteplan.cli import main
from siteplan.datasets import sample_dir

from .conftest import copy_sample, terminal_popen

REPO = Path(__file__).resolve().parents[1]


def _invoke(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    return result


@pytest.fixture
def county(tmp_path):
    return copy_sample(tmp_path)


def _append(config: Path, text: str) -> None:
    config.write_text(config.read_text() + text)


def test_config_that_is_a_folder(tmp_path):
    r = _invoke("plan", tmp_path, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "is a folder" in r.output


def test_error_printer_keeps_brackets_literal(county, tmp_path):
    county.write_text(county.read_text().replace('targets = "targets.gpkg"',
                                                 'targets = "nope.gpkg"'))
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "[inputs.targets]" in r.output and "nope.gpkg" in r.output


def test_site_id_with_markup_is_printed_as_written(county, tmp_path):
    cands = gpd.read_file(county.parent / "candidates.gpkg")
    cands.loc[[3, 4], "site_id"] = "[/]"
    cands.to_file(county.parent / "candidates.gpkg", layer="candidates")
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "'[/]'" in r.output and "row 5" in r.output


def test_corrupt_xlsx(tmp_path):
    bad = tmp_path / "list.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a workbook")
    r = _invoke("candidates", bad, "--out", tmp_path / "c.gpkg")
    assert r.exit_code == 2 and "list.xlsx" in r.output


@pytest.mark.parametrize("line, match", [
    ('"demand.spacing_m" = inf\n', "not a finite number"),
    ('"height_m.tower" = 1e7\n', "outside"),
    ('"landuse.rule.water.new_tower" = "forbiden"\n', "Did you mean 'forbidden'"),
    ('"policy.mode" = "strikt"\n', "Did you mean 'strict'"),
])
def test_bad_assumption_values(county, tmp_path, line, match):
    text = county.read_text().replace('"demand.spacing_m" = 400\n', "")
    county.write_text(text + line)
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and match in r.output
    assert not (tmp_path / "o").exists()


def test_milestone_year_without_areas(county, tmp_path):
    county.write_text(county.read_text().replace("2022 = 600", "2022 = 600\n2031 = 700"))
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "2031" in r.output and "no target area" in r.output


@pytest.mark.parametrize("column, value, match", [
    ("milestone", -2020, "between 1990 and 2100"),
    ("weight", 1e308, "no larger than"),
])
def test_bad_target_values(county, tmp_path, column, value, match):
    targets = gpd.read_file(county.parent / "targets.gpkg")
    targets.loc[2, column] = value
    targets.to_file(county.parent / "targets.gpkg", layer="targets")
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and match in r.output and "row 3" in r.output


def test_mast_height_out_of_range(county, tmp_path):
    cands = gpd.read_file(county.parent / "candidates.gpkg")
    cands.loc[7, "height_m"] = 1e7
    cands.to_file(county.parent / "candidates.gpkg", layer="candidates")
    r = _invoke("plan", county, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "height_m" in r.output and "row 8" in r.output


def test_out_is_a_file_or_below_a_file(county, tmp_path):
    afile = tmp_path / "f.txt"
    afile.write_text("x")
    r = _invoke("plan", county, "--out", afile)
    assert r.exit_code == 2 and "is a file" in r.output and afile.read_text() == "x"
    r = _invoke("plan", county, "--out", afile / "sub")
    assert r.exit_code == 2 and "f.txt" in r.output


def test_users_own_folder_is_not_overwritten(county, tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "report.md").write_text("my report")
    r = _invoke("plan", county, "--out", out)
    assert r.exit_code == 2 and "--force" in r.output
    assert (out / "report.md").read_text() == "my report"


def test_restore_share_out_of_range(tmp_path):
    r = _invoke("relocate", tmp_path, "--milestone", "2020", "--remove", "a", "--restore-share",
                "5", "--out", tmp_path / "r")
    assert r.exit_code == 2 and "restore-share" in r.output


def test_not_a_plan_folder(tmp_path):
    r = _invoke("relocate", tmp_path, "--milestone", "2020", "--remove", "a", "--out",
                tmp_path / "r")
    assert r.exit_code == 2 and "not a plan folder" in r.output


def test_province_sized_target_stops_early(tmp_path):
    """300 km x 300 km at 100 m spacing is 9 M demand points: refused in
    seconds before any point is made, unless --allow-large."""
    folder = tmp_path / "big"
    shutil.copytree(sample_dir(), folder)
    targets = gpd.read_file(folder / "targets.gpkg").iloc[:1].copy()
    utm = targets.estimate_utm_crs()
    c = targets.to_crs(utm).geometry.iloc[0].centroid
    targets.geometry = gpd.GeoSeries([box(c.x - 150e3, c.y - 150e3, c.x + 150e3, c.y + 150e3)],
                                     crs=utm).to_crs(targets.crs)
    targets.to_file(folder / "targets.gpkg", layer="targets")
    config = folder / "sample_county.toml"
    config.write_text(config.read_text().replace("[milestones]\n2020 = 150\n2021 = 400\n"
                                                 "2022 = 600\n", ""))
    start = time.perf_counter()
    r = _invoke("plan", config, "--out", tmp_path / "o")
    assert r.exit_code == 2 and "--allow-large" in r.output and "demand points" in r.output
    assert time.perf_counter() - start < 60
    assert not (tmp_path / "o").exists()


def test_markup_control_characters_and_zero_penetration_end_to_end(tmp_path):
    """Issue 25: ``[/]`` in the --out path and the project name (console
    markup), control characters in the project name and site names
    (XLSX/KML writers) and ``traffic.penetration = 0`` (inside its range,
    crashed the sensitivity table after the solve) all ended as "This is a
    bug"; now the plan is written, names printed and stored literally."""
    import openpyxl

    config = copy_sample(tmp_path)
    cands = gpd.read_file(config.parent / "candidates.gpkg")
    cands["name"] = cands["name"].astype(str) + "\x07\x1bx"
    cands.to_file(config.parent / "candidates.gpkg", engine="pyogrio")
    text = config.read_text()
    text = text.replace('name = "Sample county (synthetic)"',
                        'name = "[/] [bold]县\\u0007\\u001f"')
    config.write_text(text + '"traffic.penetration" = 0\n')
    out = tmp_path / "[/]out[bold]"
    r = _invoke("plan", config, "--out", out, "--offline", "--formats", "csv,xlsx,kml,kmz,md")
    assert r.exit_code == 0, r.output
    assert "This is a bug" not in r.output and "[/]out[bold]" in r.output
    book = openpyxl.load_workbook(out / "sites.xlsx")
    names = [c.value for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert any(str(n).endswith("\ufffd\ufffdx") for n in names)
    kml = (out / "sites_2022.kml").read_text(encoding="utf-8")
    assert "\x07" not in kml and "[/] [bold]县\ufffd\ufffd" in kml
    import xml.etree.ElementTree as ET
    ET.fromstring(kml.split("\n", 1)[1])  # well-formed XML
    import json

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["capacity"]["sensitivity_skipped"].startswith("traffic.penetration = 0")
    # escaped by the reports' one escaper (siteplan.io.markdown.md; "." needs none mid-line)
    assert "Traffic sensitivity: traffic.penetration = 0" in (out / "report.md").read_text(
        encoding="utf-8")


def test_kml_gcj02_without_kml_is_refused_before_work(tmp_path):
    """Issue 25: ``--formats csv --kml-gcj02`` wrote no KML and said nothing."""
    config = copy_sample(tmp_path)
    start = time.perf_counter()
    r = _invoke("plan", config, "--out", tmp_path / "o", "--formats", "csv", "--kml-gcj02")
    assert r.exit_code == 2 and "--kml-gcj02" in r.output and "kml" in r.output
    assert time.perf_counter() - start < 20 and not (tmp_path / "o").exists()
    r = _invoke("plan", config, "--out", tmp_path / "o", "--formats", "csv,kmz", "--kml-gcj02",
                "--offline")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "sites_2022_gcj02.kmz").exists()


@pytest.mark.parametrize("phase, after_s", [("milestone 2020", 0.5), ("capacity:", 1.5)])
def test_ctrl_c_in_plan_is_one_line_exit_130(tmp_path, phase, after_s):
    """Issue 25: Ctrl-C during ``plan`` prints one line, no traceback, exit 130
    (the whole process group gets SIGINT, as from a terminal), whichever
    solver children are running (HiGHS child, piece workers, portfolio): the
    signal is sent a fixed time after the phase's progress line, not after a
    fixed time from the start, so a slow machine hits the same phase."""
    import os
    import signal
    import subprocess
    import sys

    config = copy_sample(tmp_path, spacing_m=100, time_limit_s=30)
    proc = terminal_popen([sys.executable, "-m", "siteplan.cli", "plan", str(config),
                           "--out", str(tmp_path / "o"), "--offline"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if phase in line:
            break
    assert phase in seen[-1], "".join(seen)
    time.sleep(after_s)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    err = "".join(seen) + err
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err and "Traceback" not in out, err
    assert "interrupted (Ctrl-C)" in err
    assert not (tmp_path / "o").exists()
