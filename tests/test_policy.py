"""Policy work: site-count targets, power, subsidy, strict sharing, relocation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.defaults import Assumptions
from siteplan.errors import ConfigError
from siteplan.planner import plan
from siteplan.power import power_summary, site_power, tariffs
from siteplan.sitecount import site_count_analysis

from .test_cli import demo_out  # noqa: F401  (shared module fixture)


def test_power_table_and_transfer_share():
    sites = pd.DataFrame({"site_id": list("abcd"), "kind": ["tower", "rooftop", "streetlight",
                                                            "greenfield"],
                          "power_supply": ["direct", "transfer", "transfer", "unknown"]})
    table = site_power(sites, Assumptions())
    assert table["supply"].tolist() == ["direct", "transfer", "direct", "direct"]
    hours = 8760 * 0.8
    assert table["energy_kwh_per_year"].tolist() == pytest.approx(
        [3.8 * hours, 3.8 * hours, 0.2 * hours, 3.8 * hours], abs=0.1)
    assert table["cost_cny_per_year"].iloc[1] == pytest.approx(3.8 * hours * 0.8503, abs=0.01)
    s = power_summary(table, Assumptions())
    assert s["transfer_share"] == 0.25 and not s["transfer_target_met"]


def test_missing_or_bad_tariff_is_a_clear_error():
    class NoUnknown(dict):
        pass

    values = {k: v for k, v in Assumptions().items() if k != "power.tariff_cny_per_kwh.unknown"}
    with pytest.raises(ConfigError, match="power.tariff_cny_per_kwh.unknown"):
        tariffs(NoUnknown(values))
    with pytest.raises(ConfigError, match="non-negative"):
        tariffs(NoUnknown({**values, "power.tariff_cny_per_kwh.unknown": 0.8,
                           "power.tariff_cny_per_kwh.direct": -1.0}))
    with pytest.raises(ConfigError, match=r"tariff_cny_per_kwh.direct.*outside \[0, 10\]"):
        Assumptions({"power.tariff_cny_per_kwh.direct": -1.0})  # refused when set


def test_site_count_analysis_both_directions(sample):
    candidates, targets, _ = sample
    low = plan(candidates, targets, site_targets={2020: 10, 2021: 2000},
               assumptions={"demand.spacing_m": 300.0}, time_limit_s=2)
    rows = {r["milestone"]: r for r in site_count_analysis(low, time_limit_s=2)["rows"]}
    assert rows[2020]["status"].startswith("plan needs more")
    assert rows[2020]["coverage_at_target"] < rows[2020]["coverage_full_plan"]
    assert rows[2020]["coverage_at_target"] <= rows[2020]["coverage_at_target_upper_bound"] + 1e-9
    assert rows[2021]["status"].startswith("plan needs fewer")
    assert 0 < rows[2021]["extra_sites_offered"] <= 2000 - rows[2021]["planned_sites"]
    assert "2022" in rows[2021]["fill"]["basis"]


def test_strict_mode_builds_new_only_where_nothing_else_reaches(sample):
    candidates, targets, _ = sample
    strict = plan(candidates, targets, assumptions={"demand.spacing_m": 300.0,
                                                    "policy.mode": "strict"}, time_limit_s=2)
    for m in strict.milestones:
        sites = strict.sites(m.milestone)
        assert strict.summary().set_index("milestone").loc[m.milestone, "sites"] == len(sites)
    new = strict.sites(2022)
    new = new[new["status"] == "new"]
    # every new build covers some demand that no reused candidate reaches
    kinds = strict.candidates["kind"].to_numpy()
    reused_cols = np.flatnonzero(~np.isin(kinds, ["smart_pole", "greenfield"]))
    reused_cover = np.asarray(strict.coverage.matrix[:, reused_cols].sum(axis=1)).ravel() > 0
    pos = pd.Series(np.arange(len(kinds)), index=strict.candidates["site_id"])
    for sid in new["site_id"]:
        col = strict.coverage.matrix[:, [pos[sid]]].toarray().ravel()
        assert (col & ~reused_cover).any()


def test_demo_writes_power_and_targets(demo_out):  # noqa: F811
    power = pd.read_csv(demo_out / "power_2022.csv")
    assert {"site_id", "lon", "lat", "year", "load_kw", "supply"} <= set(power.columns)
    report = json.loads((demo_out / "report.json").read_text(encoding="utf-8"))
    assert [r["milestone"] for r in report["site_targets"]["rows"]] == [2020, 2021, 2022]
    assert report["power"]["milestones"][-1]["subsidy_cny"] > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_relocating_any_five_sites_restores_99_percent(demo_out, tmp_path, seed):  # noqa: F811
    sites = pd.read_csv(demo_out / "sites_2021.csv").sample(5, random_state=seed)
    out = tmp_path / "rel"
    r = CliRunner().invoke(main, ["relocate", str(demo_out), "--milestone", "2021",
                                  "--remove", ",".join(sites["site_id"]), "--out", str(out)])
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "relocation.json").read_text())
    # 99 % of what allowed candidates can reach (rings on forbidden land are excluded)
    assert summary["restored_weight"] >= 0.99 * summary["restorable_weight"] - 1e-9
    assert summary["restorable_weight"] >= 0.9 * summary["lost_weight"]
    assert summary["coverage_during"] >= summary["coverage_before"] - 1e-12
    order = pd.read_csv(out / "work_order.csv")
    builds = order[order["action"] == "build"]
    removes = order[order["action"] == "remove"]
    assert len(removes) == 5 and builds["step"].max() < removes["step"].min()
    assert len(builds) == summary["replacement_count"]


def test_relocate_bad_input(demo_out, tmp_path):  # noqa: F811
    r = CliRunner().invoke(main, ["relocate", str(demo_out), "--milestone", "2021",
                                  "--remove", "NOPE", "--out", str(tmp_path / "x")])
    assert r.exit_code == 2 and "NOPE" in r.output and not (tmp_path / "x").exists()
    r = CliRunner().invoke(main, ["relocate", str(demo_out), "--milestone", "1999",
                                  "--remove", "T0001", "--out", str(tmp_path / "y")])
    assert r.exit_code == 2 and "1999" in r.output
