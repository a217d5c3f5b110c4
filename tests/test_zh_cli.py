"""The command line in Chinese (issue 28): ``--help`` (command list, each
command's summary and options) and the errors a planner meets with bad
files (a DEM path, a measurements file, an OSM extract, an OpenCelliD export,
config typos) print no English word outside ids, codes and the planner's own
text (paths, file names)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from siteplan.cli import main
from siteplan.cli_help import display_width, split_lead_lang
from siteplan.messages.help import HELP_ZH
from tests.conftest import copy_sample
from tests.test_lang_zh import CODES, _ids_and_choices, english_words

#: Argument names and option metavars (ids a planner types, as ``siteplan plan CONFIG``).
METAVARS = {"CONFIG", "SITES", "ZONES", "PLAN_DIR", "SOURCES", "MEASUREMENTS", "FILE", "CLASS",
            "OPTIONS"}


#: Words a Chinese help page keeps as the planner types or reads them: file formats
#: (KML, CSV, GIS, URL, UTF, shapefile), products (OpenStreetMap, OpenCelliD, Dask,
#: Excel), radio acronyms (LTE, NR, MR, PCI) and option values (--tiles amap, 'cartodb
#: positron', 'amap satellite', openstreetmap; --formats maps; --lang en; gbk/utf-8;
#: the pci column; units = "units.gpkg").
HELP_CODES = {"KML", "CSV", "GIS", "URL", "UTF", "shapefile", "OpenStreetMap", "OpenCelliD",
              "Dask", "Excel", "LTE", "NR", "MR", "PCI", "amap", "positron", "satellite",
              "openstreetmap", "maps", "en", "gbk", "utf", "pci", "units"}


def _allowed(*texts: object) -> set[str]:
    from siteplan.calibrate import RSRP_NAMES

    words = set(CODES) | _ids_and_choices() | METAVARS | HELP_CODES | set(RSRP_NAMES)
    for text in texts:
        words |= set(re.findall(r"[A-Za-z]{2,}", str(text)))
    return words


def _help(*args: str, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(main, list(args), env=env or {}, catch_exceptions=False,
                                prog_name="siteplan")
    assert result.exit_code == 0, result.output
    return result.output


# --- --help ------------------------------------------------------------------------------


def test_every_command_and_option_has_chinese_help():
    from siteplan.cli_help import zh_option_help

    missing = []
    for name, command in main.commands.items():
        missing += [k for k in (name, f"{name}.summary") if k not in HELP_ZH]
        missing += [f"{name}.{p.name}" for p in command.params
                    if isinstance(p, click.Option) and zh_option_help(name, p) is None]
    assert missing == []


def test_command_list_in_chinese_with_siteplan_lang():
    text = _help("--help", env={"SITEPLAN_LANG": "zh"})
    for name in main.commands:
        assert re.search(rf"^\s+{re.escape(name)}\s+{re.escape(HELP_ZH[name + '.summary'])}",
                         text, re.M), name
    assert "用法：" in text and "命令" in text
    assert english_words(text, _allowed()) == set(), text


@pytest.mark.parametrize("name", sorted(main.commands))
def test_each_command_help_in_chinese(name):
    english = _help(name, "--help")
    for args, env in (([name, "--help"], {"SITEPLAN_LANG": "zh"}),
                      (["--lang", "zh", name, "--help"], {}),
                      ([name, "--lang", "zh", "--help"], {})):
        text = _help(*args, env=env)
        assert "选项" in text and "显示本帮助并退出" in text, args
        assert english_words(text, _allowed()) == set(), (args, text)
    # English again afterwards, in the same process: nothing was left swapped
    assert _help(name, "--help") == english
    assert "Options:" in english and "Show this message and exit." in english


def test_chinese_help_is_aligned_by_display_width():
    text = _help("relocate", "--help", env={"SITEPLAN_LANG": "zh", "COLUMNS": "80"})
    starts = set()
    for line in text.splitlines():
        found = re.match(r"(  -.+?\S)(\s{2,})\S", line)
        if found:
            starts.add(display_width(found.group(1) + found.group(2)))
    assert len(starts) == 1, text
    assert max(display_width(line) for line in text.splitlines()) <= 80


@pytest.mark.parametrize("name", ["plan", "check-landuse", "plan-region", "calibrate"])
def test_chinese_help_headings_and_marks_read_whole(name):
    """Headings end in a full-width colon like 用法：, and click's [必填] / [默认值：x]
    never break across lines (they read "[" and "必填]" before)."""
    text = _help(name, "--help", env={"SITEPLAN_LANG": "zh", "COLUMNS": "80"})
    assert "选项：" in text and "选项:" not in text, text
    for line in text.splitlines():
        assert not line.rstrip().endswith("["), text
        assert not re.match(r"\s*(必填|默认值)?\]", line), text


def test_lang_before_the_subcommand_moves_after_it():
    assert split_lead_lang(["--lang", "zh", "demo", "--out", "x"], set(main.commands)) == (
        ["demo", "--lang", "zh", "--out", "x"], "zh")
    assert split_lead_lang(["plan", "a.toml"], set(main.commands)) == (["plan", "a.toml"], None)


# --- errors ---------------------------------------------------------------------------------


def _fails_in_chinese(tmp_path: Path, *args: object, expect: str) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], env={"SITEPLAN_LANG": None},
                                prog_name="siteplan")
    assert result.exit_code == 2, result.output
    text = result.stderr
    assert text.startswith("错误："), text
    assert expect in text, text
    assert english_words(text, _allowed(tmp_path, *args)) == set(), text
    return text


def test_config_typos_in_chinese(tmp_path):
    config = copy_sample(tmp_path)
    text = config.read_text()
    config.write_text(text.replace("[solver]", '[solver]\nmethd = "auto"'))
    _fails_in_chinese(tmp_path, "plan", config, "--out", tmp_path / "o", "--lang", "zh",
                      expect="未知的键 'methd'。是否应为 'method'？")
    config.write_text(text.replace('candidates = ["candidates.gpkg"]',
                                   'candidates = [{path = "candidates.gpkg", layr = "x"}]'))
    _fails_in_chinese(tmp_path, "--lang", "zh", "plan", config, "--out", tmp_path / "o",
                      expect="图层可用的键")
    config.write_text(text.replace('"demand.spacing_m" = 400', '"demand.spacing_m" = -5'))
    _fails_in_chinese(tmp_path, "plan", config, "--out", tmp_path / "o", "--lang", "zh",
                      expect="超出范围")


def test_a_config_that_fails_to_validate_speaks_its_own_lang(tmp_path):
    """``[project] lang = "zh"`` in a config with a typo: the error is Chinese (the
    language was read only after validation, so this error stayed English);
    ``--lang en`` still wins."""
    config = copy_sample(tmp_path)
    text = config.read_text()
    config.write_text(re.sub(r"(?m)^name = .*$", lambda m: m.group(0) + '\nlang = "zh"', text, count=1)
                      .replace("[solver]", '[solver]\nmethd = "auto"'))
    _fails_in_chinese(tmp_path, "plan", config, "--out", tmp_path / "o",
                      expect="未知的键 'methd'")
    result = CliRunner().invoke(main, ["plan", str(config), "--out", str(tmp_path / "o"),
                                       "--lang", "en"], env={"SITEPLAN_LANG": None})
    assert result.exit_code == 2 and "unknown key 'methd'" in result.stderr, result.output


def test_bad_dem_path_in_chinese(tmp_path):
    config = copy_sample(tmp_path)
    config.write_text(config.read_text().replace('context = [', 'dem = "高程.tif"\ncontext = ['))
    _fails_in_chinese(tmp_path, "plan", config, "--out", tmp_path / "o", "--lang", "zh",
                      expect="高程.tif")


def test_bad_measurements_file_in_chinese(tmp_path):
    config = copy_sample(tmp_path)
    bad = tmp_path / "路测.csv"
    bad.write_text("lon,lat,site_id,信号\n119.5,25.9,T0001,-90\n", encoding="utf-8")
    _fails_in_chinese(tmp_path, "calibrate", bad, "--config", config, "--out", tmp_path / "c",
                      "--lang", "zh", expect="没有 RSRP 列")


def test_bad_osm_and_opencellid_files_in_chinese(tmp_path):
    osm = tmp_path / "坏.osm"
    osm.write_text("这不是 OSM 文件\n", encoding="utf-8")
    _fails_in_chinese(tmp_path, "candidates", osm, "--out", tmp_path / "c.gpkg", "--lang", "zh",
                      expect="OpenStreetMap")
    cells = tmp_path / "cells.csv"
    cells.write_text("a,b\n1,2\n", encoding="utf-8")
    _fails_in_chinese(tmp_path, "candidates", cells, "--out", tmp_path / "c.gpkg", "--lang",
                      "zh", expect="：")


def test_usage_errors_in_chinese_and_english_after():
    runner = CliRunner()
    cases = ((["plan", "--lang", "zh"], "缺少参数 'CONFIG'"),
             (["plan", "a.toml", "--ot", "x", "--lang", "zh"], "没有选项 '--ot'"),
             (["relocate", "p", "--out", "o", "--milestone", "abc", "--remove", "a", "--lang",
               "zh"], "'abc' 不是有效的数字"))
    for args, expect in cases:
        result = runner.invoke(main, args, prog_name="siteplan")
        assert result.exit_code == 2 and expect in result.stderr, result.stderr
        assert "用法：siteplan" in result.stderr and "错误：" in result.stderr
        assert english_words(result.stderr, _allowed("a.toml")) == set(), result.stderr
    english = runner.invoke(main, ["plan", "a.toml", "--ot", "x"], prog_name="siteplan")
    assert "Error: No such option '--ot'" in english.stderr
