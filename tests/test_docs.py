"""The docs stay true: the README is a front door, every path the docs name exists,
the assumptions page is the generated table, the template config reads a Chinese
planner's files, and every command of the README and the Chinese quick start runs."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

import siteplan.datasets
from siteplan.cli import main
from siteplan.config import load_config
from siteplan.defaults import Assumptions, markdown_table
from siteplan.sources.inputs import load_inputs

from .conftest import ROOT, copy_sample

README = ROOT / "README.md"
QUICK_ZH = ROOT / "docs" / "zh" / "快速上手.md"
TEMPLATE = ROOT / "siteplan" / "datasets" / "template_county.toml"
PAGES = sorted([README, *(ROOT / "docs").rglob("*.md")])
#: Repository folders and files a backticked path may start with.
REPO_ROOTS = ("siteplan/", "data/", "docs/", "tests/", "benchmarks/", "notebooks/", ".ci/")
REPO_FILES = ("README.md", "BENCHMARKS.md", "Makefile", "pyproject.toml")


def test_readme_is_a_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    assert "make demo" in text and "make test" in text
    for page in ("docs/inputs.md", "docs/assumptions.md", "docs/api.md", "docs/troubleshooting.md",
                 "docs/zh/快速上手.md", "docs/solver.md", "docs/regions.md"):
        assert f"]({page})" in text, page
    assert "siteplan/datasets/template_county.toml" in text
    assert 'class_column = "DLMC"' in text and 'crs = "gcj02"' in text
    # the README's excerpt of the template is the template's
    excerpt = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    template = TEMPLATE.read_text(encoding="utf-8")
    tables = re.findall(r"\{[^{}]*\}", excerpt)
    assert len(tables) == 6 and all(t in template for t in tables), tables


def test_assumptions_page_is_the_generated_table():
    page = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    assert markdown_table() in page, "run `python -m siteplan.defaults` to regenerate it"
    for row in Assumptions().table():
        assert f"| `{row['key']}` | {row['value']} |" in page, row["key"]


def _named_paths(page: Path) -> set[Path]:
    """Relative link targets (from the page) and backticked repository paths (from the root)."""
    text = page.read_text(encoding="utf-8")
    found = set()
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if not re.match(r"[a-z]+:", target) and not target.startswith("#"):
            found.add((page.parent / target.split("#")[0]).resolve())
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.rstrip(".,;:")
        if re.search(r"[<>{}*$|]|\.\.\.|…", token):
            continue  # a pattern or placeholder, not a path
        if token.startswith(REPO_ROOTS) or token in REPO_FILES:
            found.add((ROOT / token).resolve())
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_the_docs_name_exists(page):
    missing = sorted(str(p) for p in _named_paths(page) if not p.exists())
    assert not missing, f"{page.relative_to(ROOT)} names missing paths: {missing}"


def test_domain_md_cited_in_code_exists():
    citing = [p for folder in ("siteplan", "benchmarks") for p in (ROOT / folder).rglob("*.py")
              if "DOMAIN.md" in p.read_text(encoding="utf-8")]
    assert citing and (ROOT / "docs" / "DOMAIN.md").exists()


# -- the template config on a Chinese planner's files --------------------------------------

def write_planner_files(folder: Path) -> None:
    """The files the template names, written by tests/chinese_files.py's county:
    the open-resource list (GCJ-02 XLSX), targets drawn in 奥维 (KML, the template's
    years), the raw 三调 parcels and the three control lines."""
    from shapely.geometry import box

    from tests.chinese_files import BASIC_FARMLAND, GK, County

    county = County(seed=7)
    county.write_open_list(folder / "开放清单.xlsx")
    areas = [dict(a, year=y) for a, y in zip(county.target_areas(), ("2024年", "2025年"),
                                              strict=True)]
    county.write_targets(folder / "目标区域.kml", areas=areas)
    county.write_parcels(folder / "三调" / "DLTB.shp", cpg=True)
    lines = folder / "控制线"
    lines.mkdir()
    county.write_red_line(lines / "生态保护红线.shp")
    gpd.GeoDataFrame({"名称": ["基本农田保护片"] * len(BASIC_FARMLAND)},
                     geometry=[county.cell_box(r, c) for r, c in BASIC_FARMLAND],
                     crs=GK).to_file(lines / "永久基本农田.shp", encoding="GBK", engine="pyogrio")
    x0, y0 = county.origin
    gpd.GeoDataFrame({"名称": ["城镇开发边界"]}, geometry=[box(x0, y0, x0 + 2000, y0 + 1000)],
                     crs=GK).to_file(lines / "城镇开发边界.shp", encoding="GBK", engine="pyogrio")


def test_template_config_reads_a_chinese_planners_files(tmp_path):
    write_planner_files(tmp_path)
    shutil.copy(TEMPLATE, tmp_path / "plan.toml")
    cfg = load_config(tmp_path / "plan.toml")
    inputs = load_inputs(cfg)
    assert len(inputs.candidates) > 50
    assert set(inputs.targets["milestone"]) == set(cfg.site_targets) == {2024, 2025}
    classes = set(inputs.landuse["zone_class"])
    # DLMC names classified, each control line its own class
    assert {"cultivated", "ecological_red_line", "basic_farmland", "urban_development"} <= classes


# -- every command of the README and the Chinese quick start ---------------------------------

def shell_commands(page: Path) -> list[str]:
    """Commands of the page's ``sh`` blocks: continuation lines joined, comments cut,
    ``a && b`` split."""
    text = page.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"^[ \t]*```sh\n(.*?)^[ \t]*```", text, re.S | re.M):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            line = re.sub(r"\s+#.*$", "", line).strip()
            out += [part.strip() for part in line.split("&&") if line]
    return out


def python_blocks(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [re.sub(r"^[ \t]{0,3}", "", b, flags=re.M)
            for b in re.findall(r"^[ \t]*```python\n(.*?)^[ \t]*```", text, re.S | re.M)]


def test_command_extraction():
    cmds = shell_commands(README)
    assert cmds[:2] == ["make demo", "make test"]
    assert "mkdir -p my_county" in cmds and any(c.startswith(".venv/bin/siteplan relocate")
                                                 for c in cmds)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A copy of the repository's layout to run the docs' commands in: ``data/`` with
    the sample county on a coarse grid and a 1 s solver limit (the rest linked),
    ``siteplan/`` linked, and a planner's files in ``my_county/``."""
    ws = tmp_path_factory.mktemp("docs")
    data = ws / "data"
    data.mkdir()
    for item in (ROOT / "data").iterdir():
        if item.name != "sample_county":
            (data / item.name).symlink_to(item)
    coarse = copy_sample(tmp_path_factory.mktemp("coarse"), spacing_m=400, time_limit_s=1)
    shutil.copytree(coarse.parent, data / "sample_county")
    (ws / "siteplan").symlink_to(ROOT / "siteplan")
    (ws / "my_county").mkdir()
    write_planner_files(ws / "my_county")
    return ws


def _make(target: str) -> list[str]:
    """The recipe ``make TARGET`` runs (dry run: nothing is built here)."""
    run = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return [line for line in run.stdout.splitlines() if line.startswith(".venv/bin/")]


def _run(command: str, ws: Path) -> None:
    words = shlex.split(command)
    if words[0] == "make":
        recipe = _make(words[1])
        assert recipe, f"make {words[1]} runs nothing"
        if words[1] == "demo":  # after the install steps, a siteplan command: run it
            commands = [line for line in recipe if line.startswith(".venv/bin/siteplan ")]
            assert len(commands) == 1, recipe
            _run(commands[0], ws)
        else:  # make test runs this very suite: only check the recipe
            assert " -m pytest " in recipe[-1], recipe
        return
    if words[0] in ("mkdir", "cp"):
        subprocess.run(command, shell=True, cwd=ws, check=True)
        return
    assert words[0] in (".venv/bin/siteplan", "siteplan"), f"teach the test {command!r}"
    args = words[1:]
    if args[0] in ("plan", "demo") and "--time-limit" not in args:
        args += ["--time-limit", "1"]  # keep the suite fast
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    allowed = {0, 1} if args[0] == "check-landuse" else {0}  # 1: a forbidden site found
    assert result.exit_code in allowed, f"{command}\n{result.output}"


@pytest.mark.slow
def test_every_command_of_the_readme_and_the_quick_start_runs(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setattr(siteplan.datasets, "sample_dir", lambda: workspace / "data" / "sample_county")
    done = []
    for page in (README, QUICK_ZH):
        for command in shell_commands(page):
            if command not in done:
                _run(command, workspace)
                done.append(command)
    assert (workspace / "out" / "demo" / "report.json").exists()
    assert (workspace / "out" / "my_county" / "report.json").exists()
    assert (workspace / "out" / "reloc" / "work_order.csv").exists()
    for block in python_blocks(README):
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own documented code
    assert (workspace / "out" / "py" / "report.json").exists()
