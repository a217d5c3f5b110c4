"""Repeatable results (issue 17): the same config and seed give byte-identical
CSVs and maps, and the same report.json apart from timings and the solver's
bound (see benchmarks/repeatable.py), on a quiet
machine and beside two CPU-bound processes. (The full demo is in
benchmarks/repeatable.py.)"""

from __future__ import annotations

import multiprocessing as mp
import os
import time

import pytest

from benchmarks.repeatable import burn, compare
from siteplan.project import run

from .conftest import copy_sample


def test_same_plan_on_a_busy_machine(tmp_path):
    if os.getloadavg()[0] > 2.5:  # the test's own burners are the load it is about
        pytest.skip(f"machine already loaded (load average {os.getloadavg()[0]:.1f}); the "
                    "deterministic budgets assume at most the two burners this test starts")
    config = copy_sample(tmp_path, spacing_m=250, time_limit_s=2)
    run(config, tmp_path / "quiet", tiles=None)
    stop_at = time.time() + 600
    burners = [mp.Process(target=burn, args=(stop_at,), daemon=True) for _ in range(2)]
    for p in burners:
        p.start()
    try:
        run(config, tmp_path / "busy", tiles=None)
    finally:
        for p in burners:
            p.terminate()
    assert compare(tmp_path / "quiet", tmp_path / "busy") == []
