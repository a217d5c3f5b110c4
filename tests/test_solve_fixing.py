"""The problem HiGHS sees (``fixing.shrink``) has the same optimum."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.solve.exact.highs import mip_cover
from siteplan.solve.instance import build_problem
from siteplan.solve.prep.fixing import shrink

from .test_solve import brute_force, instances


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=10, max_cols=9), st.sampled_from([1.0, 0.8, 0.5]), st.data())
def test_shrunk_problem_keeps_the_optimum(inst, target, data):
    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights, target=target)
    pre = np.array(sorted(data.draw(st.lists(st.integers(0, p.n_cols - 1), max_size=2,
                                             unique=True))), dtype=np.int64)
    s = shrink(p, pre)
    assert s.problem.n_cols <= p.n_cols - pre.size
    if s.problem.n_cols:
        found = mip_cover(s.problem, np.arange(s.problem.n_cols), start=None,
                          preselected=np.zeros(0, np.int64), time_limit_s=10)
        chosen = s.lift(found.selected)
    else:
        chosen = pre
    assert p.feasible(chosen)
    assert set(pre.tolist()) <= set(chosen.tolist())
    assert p.cost[chosen].sum() == pytest.approx(brute_force(A, cost, weights, target, pre))
