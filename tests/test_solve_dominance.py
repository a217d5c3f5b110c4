"""Dominated columns (``prep.dominance``): the vectorised and the compiled
test give exactly the definition's set, and dropping them keeps the optimum
(every dominated column has a kept dominator)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.solve.exact.highs import mip_cover
from siteplan.solve.instance import build_problem
from siteplan.solve.options import SolveOptions
from siteplan.solve.prep.dominance import (
    _dominated_vectorised,
    _rarest_rows,
    dominated_columns,
)
from siteplan.solve.prep.dominance_kernel import dominated_kernel

from .test_solve import brute_force


def reference(dense: np.ndarray, cost: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The definition, pair by pair: ``j`` is dominated when another of
    ``columns`` covers all its rows at no higher cost, and has more rows,
    or costs less, or (a tie of both) a lower index."""
    out = np.zeros(columns.size, dtype=bool)
    for a, j in enumerate(columns):
        for k in columns:
            if k == j:
                continue
            lj, lk = dense[:, j].sum(), dense[:, k].sum()
            subset = not np.any(dense[:, j] & ~dense[:, k])
            if subset and cost[k] <= cost[j] and (lk > lj or cost[k] < cost[j] or k < j):
                out[a] = True
                break
    return out


@st.composite
def matrices(draw, max_rows=14, max_cols=12):
    """A 0/1 matrix with some columns repeated or nested (so ties and
    dominance occur often), costs from few values (ties) and a column subset."""
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(2, max_cols))
    density = draw(st.sampled_from([0.15, 0.4, 0.8]))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    dense = rng.random((m, n)) < density
    for j in range(1, n):  # copy or extend an earlier column now and then
        pick = rng.random()
        if pick < 0.25:
            dense[:, j] = dense[:, rng.integers(j)]
        elif pick < 0.5:
            dense[:, j] |= dense[:, rng.integers(j)]
    dense[rng.integers(m, size=n), np.arange(n)] = True  # no empty column
    cost = rng.choice(np.array([1.0, 2.0, 3.0, 2.5]), size=n)
    columns = np.flatnonzero(rng.random(n) < draw(st.sampled_from([1.0, 0.7])))
    return dense, cost, columns


def both_tests(p, columns: np.ndarray, pairs_per_step: int = 7) -> list[list[bool]]:
    """The vectorised test (a few pairs per step, so steps split) and the compiled one."""
    columns = np.asarray(columns, dtype=np.int64)
    vectorised = _dominated_vectorised(p, columns, _rarest_rows(p, columns), pairs_per_step)
    compiled = dominated_kernel(p.col_ptr, p.col_rows, p.row_ptr, p.row_cols, p.cost, columns)
    return [vectorised.tolist(), compiled.tolist()]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices())
def test_dominated_columns_match_the_definition(case):
    dense, cost, columns = case
    p = build_problem(sp.csc_array(dense.astype(np.int8)), cost)
    want = reference(dense, cost, columns).tolist()
    assert both_tests(p, columns) == [want, want]
    assert dominated_columns(p, columns).tolist() == want


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrices(max_rows=9, max_cols=9), st.sampled_from([1.0, 0.7]))
def test_dropping_dominated_columns_keeps_the_optimum(case, target):
    dense, cost, _ = case
    A = sp.csc_array(dense.astype(np.int8))
    weights = np.arange(1, dense.shape[0] + 1, dtype=float)
    p = build_problem(A, cost, weights=weights, target=target)
    kept = np.flatnonzero(~dominated_columns(p, np.arange(p.n_cols)))
    assert kept.size >= 1
    found = mip_cover(p.keep_columns(kept), np.arange(kept.size), start=None,
                      preselected=np.zeros(0, np.int64), time_limit_s=10)
    chosen = kept[found.selected]
    assert p.feasible(chosen)
    assert p.cost[chosen].sum() == pytest.approx(brute_force(A, cost, weights, target))


def test_kept_columns_on_a_wide_random_matrix():
    """A larger case (many candidates per rarest row, long columns) against
    the definition."""
    rng = np.random.default_rng(7)
    dense = rng.random((60, 80)) < 0.3
    dense[:, 40:] |= dense[:, :40]  # every later column extends an earlier one
    dense[rng.integers(60, size=80), np.arange(80)] = True
    cost = rng.choice(np.array([1.0, 2.0]), size=80)
    p = build_problem(sp.csc_array(dense.astype(np.int8)), cost)
    columns = np.arange(80)
    want = reference(dense, cost, columns)
    assert both_tests(p, columns, pairs_per_step=50) == [want.tolist()] * 2
    assert want.any() and not want.all()
    for queries in (0.0, 1e18):  # either test chosen by the call
        got = dominated_columns(p, columns, options=SolveOptions(dominance_kernel_queries=queries))
        assert got.tolist() == want.tolist()


def test_a_small_test_leaves_numba_unimported():
    """Below ``dominance_kernel_queries`` look-ups a process without numba
    keeps it so (importing it costs about a second)."""
    from .conftest import fresh_python

    code = ("import sys, numpy as np, scipy.sparse as sp;"
            "from siteplan.solve.instance import build_problem;"
            "from siteplan.solve.prep.fixing import shrink;"
            "d = np.random.default_rng(0).random((300, 20)) < 0.2;"
            "e = d | (np.random.default_rng(1).random((300, 20)) < 0.1);"
            "p = build_problem(sp.csc_array(np.hstack([d, e]).astype(np.int8)), np.ones(40));"
            "s = shrink(p, np.zeros(0, np.int64));"
            "print(s.columns.size <= 20, 'numba' in sys.modules)")
    assert fresh_python(code).split() == ["True", "False"]


def test_fewer_than_two_columns_dominate_nothing():
    p = build_problem(sp.csc_array(np.ones((2, 2), dtype=np.int8)), [1.0, 1.0])
    assert dominated_columns(p, np.array([1])).tolist() == [False]
    assert dominated_columns(p, np.zeros(0, np.int64)).tolist() == []
