"""The SINR analysis in project.run: report.json/md section, map layers, opt-out."""

from __future__ import annotations

import json

import pytest

from siteplan.datasets import sample_path
from siteplan.project import run
from siteplan.sinr_report import sinr_markdown

FAST = {"demand.spacing_m": 500.0}


@pytest.fixture(scope="module")
def sinr_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("sinr") / "plan"
    result = run(sample_path("sample_county.toml"), out, time_limit_s=1, overrides=FAST,
                 tiles=None, lang="zh")
    return out, result


def test_run_reports_sinr_per_milestone_and_area(sinr_run):
    out, result = sinr_run
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    section = report["sinr"]
    assert [m["milestone"] for m in section["milestones"]] == [2020, 2021, 2022]
    last = section["milestones"][-1]
    assert last["points"] == len(result.plan.milestones[-1].active)
    assert 0.0 <= last["sinr_ge_13_share"] <= last["sinr_ge_0_share"] <= 1.0
    # covered by RSRP yet interference-limited: at most the points below 0 dB
    assert 0.0 <= last["covered_sinr_below_0_share"] <= 1.0 - last["sinr_ge_0_share"] + 1e-9
    assert {a["area_id"] for a in last["areas"]} == set(
        result.plan.demand["area_id"].iloc[result.plan.milestones[-1].active])
    assert section["load"] == 0.5
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "## 最佳服务小区与SINR" in text and "越区覆盖站" in text
    page = (out / "map_2022.html").read_text(encoding="utf-8")
    assert '"id":"sinr_2022"' in page and '"id":"server_2022"' in page


def test_opting_out_skips_section_and_layers(tmp_path):
    out = tmp_path / "plan"
    run(sample_path("sample_county.toml"), out, time_limit_s=1,
        overrides={**FAST, "sinr.analysis": "off"}, tiles=None)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert "sinr" not in report
    assert '"id":"sinr_2022"' not in (out / "map_2022.html").read_text(encoding="utf-8")


def test_markdown_escapes_ids_and_handles_empty_values():
    section = {"load": 0.5, "noise_per_re_dbm": -122.2, "overlap_servers": 4,
               "overlap_window_db": 5.0, "overlap_target_share": 0.02,
               "milestones": [{"milestone": 2025, "points": 2, "sinr_ge_0_share": 0.5,
                               "sinr_ge_13_share": None, "overlap_share": 0.0,
                               "median_sinr_db": None, "overshooting_sites": 1,
                               "areas": [{"area_id": "a|<b>", "points": 2,
                                          "sinr_ge_0_share": 0.5, "sinr_ge_13_share": None,
                                          "overlap_share": 0.0, "median_sinr_db": None}],
                               "overshooting": [{"site_id": "# x", "served_points": 3,
                                                 "neighbour_distance_m": 500.0,
                                                 "p95_served_distance_m": 900.0,
                                                 "overshot_share": 0.4}]}]}
    text = sinr_markdown(section, "en")
    assert "a\\|&lt;b&gt;" in text and "\\# x" in text and "<b>" not in text
    assert "| 2025 | 2 | 50.0% | – | – | 0.0% |" in text and "target < 2.0%" in text
