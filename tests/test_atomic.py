"""Output folders replaced as a whole (issue 17): kills at every step of the
final swap leave the old folder or the new one, stale files do not survive,
staging leftovers are cleaned, foreign folders and inputs are never
overwritten without --force."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siteplan.errors import OutputError
from siteplan.io import atomic
from siteplan.io.atomic import MARKER, clean_leftovers, output_folder, read_marker

REPO = Path(__file__).resolve().parents[1]


def _write(out: Path, files: dict[str, str]) -> None:
    with output_folder(out, kind="plan") as stage:
        for name, text in files.items():
            (stage / name).write_text(text)


def _contents(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in out.iterdir() if p.name != MARKER}


def test_rerun_with_fewer_files_leaves_no_stale_file(tmp_path):
    out = tmp_path / "out"
    _write(out, {"map_2021.html": "old", "sites_2022.csv": "old", "report.md": "old"})
    _write(out, {"report.md": "new"})
    assert _contents(out) == {"report.md": "new"}
    assert read_marker(out)["kind"] == "plan"


def test_a_failure_while_writing_keeps_the_old_folder(tmp_path):
    out = tmp_path / "out"
    _write(out, {"a.txt": "old"})
    with pytest.raises(RuntimeError), output_folder(out, kind="plan") as stage:
        (stage / "a.txt").write_text("half")
        raise RuntimeError("disk full")
    assert _contents(out) == {"a.txt": "old"}
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


def test_foreign_folder_needs_force(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "report.md").write_text("my own notes")
    with pytest.raises(OutputError, match="did not write.*--force"):
        _write(out, {"report.md": "plan"})
    assert (out / "report.md").read_text() == "my own notes"
    with output_folder(out, kind="plan", force=True) as stage:
        (stage / "report.md").write_text("plan")
    assert _contents(out) == {"report.md": "plan"}


def test_out_that_is_a_file_or_read_only(tmp_path):
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(OutputError, match="is a file"):
        _write(afile, {"a": "b"})
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="permission denied"):
            _write(ro / "out", {"a": "b"})
    finally:
        ro.chmod(0o700)


_KILLER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from siteplan.io import atomic
    out, step, exchange = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
    if not exchange:
        atomic._exchange = lambda a, b: False
    def hook(name):
        if name == step:
            os._exit(9)
    atomic.swap_hook = hook
    if step == "writing":
        with atomic.output_folder(out, kind="plan") as stage:
            (stage / "report.md").write_text("new")
            os._exit(9)
    with atomic.output_folder(out, kind="plan") as stage:
        (stage / "report.md").write_text("new")
        (stage / "extra.csv").write_text("new")
""")


@pytest.mark.parametrize("exchange, step", [
    (True, "writing"), (True, "exchanged"),
    (False, "writing"), (False, "moved_old"), (False, "moved_new"),
])
def test_kill_at_every_step_of_the_swap(tmp_path, exchange, step):
    out = tmp_path / "out"
    _write(out, {"report.md": "old", "stale.csv": "old"})
    script = tmp_path / "killer.py"
    script.write_text(_KILLER)
    run = subprocess.run([sys.executable, str(script), str(out), step, str(int(exchange))],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 9, run.stderr
    old, new = {"report.md": "old", "stale.csv": "old"}, {"report.md": "new", "extra.csv": "new"}
    if out.exists():  # a reader sees the old folder or the new one, never a mix
        assert _contents(out) in (old, new)
    else:  # only the two-rename fallback, killed between its renames: repaired next run
        assert step == "moved_old"
    clean_leftovers(out.absolute())
    assert _contents(out) in (old, new)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["killer.py", "out"]


def test_candidates_never_overwrite_their_input(tmp_path):
    from click.testing import CliRunner

    from siteplan.cli import main

    src = REPO / "data" / "sample_county" / "candidates.gpkg"
    copy = tmp_path / "a.gpkg"
    copy.write_bytes(src.read_bytes())
    before = copy.read_bytes()
    result = CliRunner().invoke(main, ["candidates", str(copy), "--out", str(copy)])
    assert result.exit_code == 2 and "is also an input" in result.output
    assert copy.read_bytes() == before
    result = CliRunner().invoke(main, ["candidates", str(copy), "--out", str(copy), "--force"])
    assert result.exit_code == 2 and copy.read_bytes() == before
    other = tmp_path / "b.gpkg"
    other.write_text("someone else's file")
    result = CliRunner().invoke(main, ["candidates", str(copy), "--out", str(other)])
    assert result.exit_code == 2 and "--force" in result.output
    assert other.read_text() == "someone else's file"


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["a.csv", "b.html", "c.json", "d.gpkg"]), unique=True),
       st.lists(st.sampled_from(["a.csv", "b.html", "c.json", "d.gpkg"]), unique=True))
def test_the_folder_holds_exactly_the_last_run(tmp_path_factory, first, second):
    out = tmp_path_factory.mktemp("runs") / "out"
    _write(out, {n: "1" for n in first})
    _write(out, {n: "2" for n in second})
    assert _contents(out) == {n: "2" for n in second}
    assert json.loads((out / MARKER).read_text())["writer"] == "siteplan"
    assert atomic.read_marker(out) is not None


def test_force_replaces_only_a_folder_of_the_same_kind(tmp_path):
    """Issue 25: the folder-kind argument is honoured; --force does not turn a
    plan folder into a check-landuse one."""
    out = tmp_path / "p"
    _write(out, {"plan.json": "{}"})
    for force in (False, True):
        with pytest.raises(OutputError, match="'plan' folder, not a 'check-landuse'"), \
                output_folder(out, kind="check-landuse", force=force):
            pass
    assert (out / "plan.json").exists()
    with output_folder(out, kind="plan") as stage:  # the same kind: replaced, as before
        (stage / "plan.json").write_text("{}")


@pytest.mark.parametrize("where", ["same", "parent", "inside"])
def test_an_output_folder_never_touches_an_input(tmp_path, where):
    plan_dir = tmp_path / "P"
    _write(plan_dir, {"plan.gpkg": "x", "plan.json": "{}"})
    out = {"same": plan_dir, "parent": tmp_path, "inside": plan_dir / "check"}[where]
    for force in (False, True):
        with pytest.raises(OutputError, match="input"), \
                output_folder(out, kind="relocation", force=force, inputs=[plan_dir]):
            pass
        with pytest.raises(OutputError, match="input"), \
                output_folder(out, kind="plan", force=force, inputs=[plan_dir / "plan.gpkg"]) \
                if where != "inside" else output_folder(out, kind="plan", force=force,
                                                        inputs=[plan_dir]):
            pass
    assert sorted(p.name for p in plan_dir.iterdir()) == [MARKER, "plan.gpkg", "plan.json"]


def test_commands_never_destroy_the_plan_folder_they_read(tmp_path, small_plan):
    """Issue 25: ``relocate P --out P`` and ``check-landuse P/plan.gpkg zones
    --out P`` exited 0 and left 1 of P's files; now exit 2, P intact."""
    from click.testing import CliRunner

    from siteplan.cli import main
    from siteplan.datasets import sample_path
    from siteplan.export import write_plan

    plan_dir = tmp_path / "P"
    write_plan(small_plan, plan_dir, tiles=None, formats=["csv"])
    before = sorted(p.name for p in plan_dir.iterdir())
    site = small_plan.sites(2020)["site_id"].iloc[0]
    runs = [["relocate", str(plan_dir), "--milestone", "2020", "--remove", site,
             "--out", str(plan_dir)],
            ["relocate", str(plan_dir), "--milestone", "2020", "--remove", site,
             "--out", str(plan_dir), "--force"],
            ["check-landuse", str(plan_dir / "plan.gpkg"), str(sample_path("landuse.gpkg")),
             "--out", str(plan_dir)],
            ["check-landuse", str(plan_dir / "plan.gpkg"), str(sample_path("landuse.gpkg")),
             "--out", str(plan_dir), "--force"]]
    for args in runs:
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 2, (args, r.output)
        assert "input" in r.output and "This is a bug" not in r.output
        assert sorted(p.name for p in plan_dir.iterdir()) == before


def test_plan_never_replaces_the_folder_holding_its_config(tmp_path):
    from siteplan.project import run
    from tests.conftest import copy_sample

    config = copy_sample(tmp_path)
    before = sorted(p.name for p in config.parent.iterdir())
    with pytest.raises(OutputError, match="holds the input"):
        run(config, config.parent, force=True)
    assert sorted(p.name for p in config.parent.iterdir()) == before
