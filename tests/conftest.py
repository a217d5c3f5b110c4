from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from siteplan.datasets import load_sample, sample_dir
from siteplan.planner import plan

ROOT = Path(__file__).resolve().parents[1]


def terminal_popen(args: list[str], **kwargs) -> subprocess.Popen:
    """``args`` started in its own process group, as a terminal starts a
    command: Ctrl-C's default action restored first (a shell running the
    suite in the background, ``make test &``, hands children SIGINT
    ignored, and Python then installs no KeyboardInterrupt handler)."""
    return subprocess.Popen(args, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
                            **kwargs)


def modules_loaded_by(modules: str, prefixes: tuple[str, ...]) -> list[str]:
    """The modules starting with one of ``prefixes`` that ``import <modules>`` loads in
    a fresh interpreter (what a command's start costs)."""
    import ast
    import subprocess
    import sys

    code = (f"import sys, {modules}; print(sorted(m for m in sys.modules "
            f"if m.startswith({tuple(prefixes)!r})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return ast.literal_eval(out.strip())


def fresh_python(code: str) -> str:
    """What ``python -c code`` prints in a fresh interpreter (stripped)."""
    import sys

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True).stdout.strip()


DATA = ROOT / "data"


@pytest.fixture(scope="session")
def sample():
    """Candidates, targets and config of the sample county."""
    return load_sample()


@pytest.fixture(scope="session")
def small_plan(sample):
    """The sample county planned on a coarse demand grid (fast)."""
    candidates, targets, config = sample
    return plan(candidates, targets, site_targets=config.site_targets,
                assumptions={"demand.spacing_m": 300.0}, time_limit_s=3, name=config.name)


def copy_sample(tmp_path: Path, *, spacing_m: float = 400, time_limit_s: float = 1) -> Path:
    """A copy of the sample county's folder with a coarser demand grid and a
    shorter solver limit; returns its config path."""
    folder = tmp_path / "county"
    shutil.copytree(sample_dir(), folder)
    config = folder / "sample_county.toml"
    config.write_text(config.read_text()
                      .replace('"demand.spacing_m" = 100', f'"demand.spacing_m" = {spacing_m:g}')
                      .replace("time_limit_s = 5", f"time_limit_s = {time_limit_s:g}"))
    return config
