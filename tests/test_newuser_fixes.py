"""Errors a new user meets, in English and Chinese: a typo'd key, a retired
assumption, a bad border mode, a damaged GBK file, the stitch's console line."""

from __future__ import annotations

from pathlib import Path

import pytest

from siteplan.config import load_config
from siteplan.defaults import check_value
from siteplan.errors import ConfigError, InputError
from siteplan.i18n import error_text, translate
from siteplan.region.config import load_region_config
from siteplan.sources.text import decode


def test_retired_assumption_is_all_chinese():
    with pytest.raises(ConfigError) as info:
        check_value("pathloss.environment_offset_db.urban", 3.0)
    assert "Remove the line" in str(info.value)
    zh = error_text(info.value, "zh")
    assert "请删除该行" in zh and "Remove the line" not in zh and "path-loss" not in zh


def _region_config(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "region.toml"
    path.write_text('[inputs]\ncandidates = ["c.gpkg"]\ntargets = "t.gpkg"\n\n'
                    f'[region]\ntile_km = 20\n{line}\n', encoding="utf-8")
    return path


def test_region_typo_names_the_key_it_meant(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_region_config(_region_config(tmp_path, "keep_bordr_coverage = true"))
    text = str(info.value)
    assert "[region]: unknown key 'keep_bordr_coverage'" in text
    assert "Did you mean 'keep_border_coverage'?" in text and "Extra inputs" not in text
    assert "是否应为 'keep_border_coverage'" in error_text(info.value, "zh")


def test_region_border_mode_yes_is_explained_in_both_languages(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_region_config(_region_config(tmp_path, 'keep_border_coverage = "yes"'))
    text = str(info.value)
    assert "Value error" not in text and "keep_border_coverage = 'yes': use true" in text
    zh = error_text(info.value, "zh")
    assert "请使用 true" in zh and "use true" not in zh


@pytest.mark.parametrize("kept, chinese", [("stitched", "（采用拼接结果）"),
                                           ("units", "（保留各单元自己的选择）")])
def test_stitch_line_names_the_kept_choice_in_chinese(kept, chinese):
    line = ("stitch 2022: 525 border demand points, 5 border areas' capacity rows, units' border "
            f"sites 45,045,000 CNY -> stitched 45,060,000 CNY (kept {kept})")
    zh = translate(line, "zh")
    assert zh.endswith(chinese) and kept not in zh


def test_damaged_gbk_line_is_named_not_guessed():
    good = "站址编码,名称,类型,经度,纬度\n".encode("gbk") + b"".join(
        f"T{i:04d},五一路路灯{i},路灯,119.{i:04d},26.0\n".encode("gbk") for i in range(300))
    assert decode(good, "a.csv")[1] == "gb18030"
    lines = good.split(b"\n")
    lines[5] = lines[5].replace("五".encode("gbk"), b"\xff\xfe", 1)
    with pytest.raises(InputError) as info:
        decode(b"\n".join(lines), "a.csv")
    assert "a.csv" in str(info.value) and "byte 0xFF at line 6" in str(info.value)
    assert "GBK" in error_text(info.value, "zh") and "第" not in str(info.value)
    # text in another encoding is still left to the detector
    assert decode("Zürich, Genève, Bern\n".encode("latin-1") * 20, "b.csv")[0].startswith("Z")


def test_typo_of_a_required_key_is_reported_as_the_typo(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[inputs]\ncandidates = ["c.gpkg"]\ntarget = "t.gpkg"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert "unknown key 'target'. Did you mean 'targets'?" in text, text


def test_damaged_gbk_line_is_named_in_chinese():
    data = "名称,经度,纬度\n".encode("gbk") * 40 + b"\xff\xfe,119.3,26.0\n"
    with pytest.raises(InputError) as info:
        decode(data, "清单.csv")
    assert "（第 41 行的字节 0xFF）" in error_text(info.value, "zh")


def test_region_config_given_to_plan_points_to_plan_region(tmp_path):
    path = _region_config(tmp_path, "")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert "run siteplan plan-region" in str(info.value)
    assert "请运行 siteplan plan-region" in error_text(info.value, "zh")


def test_relocation_and_proposal_rows_are_chinese_in_a_chinese_work_order():
    import pandas as pd

    from siteplan.deliver.sheets import localise

    table = pd.DataFrame({"site_id": ["T0001-R1", "PR-GF-1-2", "T9"],
                          "name": ["Replacement 1 for T0001", "Proposed greenfield PR-GF-1-2",
                                   "Replacement road 站"],
                          "owner": ["relocation (new)", "proposed", "China Tower"]})
    zh = localise(table, "zh")
    assert zh["站址名称"].tolist() == ["T0001 的替代站址 1", "规划新增新建铁塔 PR-GF-1-2",
                                   "Replacement road 站"]
    assert zh["产权单位"].tolist() == ["迁改新建", "规划新增", "China Tower"]
    assert localise(table, "en")["owner"].tolist() == table["owner"].tolist()


@pytest.mark.parametrize("lang, relative, common", [
    ("en", "the others are fitted relative to it", "No offset per class is fitted"),
    ("zh", "其余类别相对它拟合", "未拟合各类别的修正量")])
def test_calibration_report_says_classes_are_relative_only_when_fitted(lang, relative, common):
    import pandas as pd

    from siteplan.calibrate import Calibration
    from siteplan.calibrate_cli import _ERROR_COLUMNS, _PARAM_COLUMNS, calibration_markdown

    errors = pd.DataFrame([dict.fromkeys(_ERROR_COLUMNS, 1.0) | {"clutter": "urban"}])

    def report(keys: list[str]) -> str:
        params = pd.DataFrame([dict.fromkeys(_PARAM_COLUMNS, 0.0) | {"key": k} for k in keys],
                              columns=list(_PARAM_COLUMNS))
        return calibration_markdown(Calibration(params, errors, {}, pd.DataFrame(), "urban", []),
                                    300, lang)

    flat = report(["pathloss.offset_db", "pathloss.distance_slope_db_per_dec"])
    assert common in flat and relative not in flat
    classes = report(["pathloss.offset_db", "clutter.offset_db.crop"])
    assert relative in classes and common not in classes
