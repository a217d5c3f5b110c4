from __future__ import annotations

from pathlib import Path

import pytest

from siteplan.datasets import load_sample
from siteplan.planner import plan

ROOT = Path(__file__).resolve().parents[1]
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
