"""Solver: properties (hypothesis), bounds, errors, an OR-Library instance."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.errors import SolverError
from siteplan.solve import max_cover, set_cover
from siteplan.solve.orlib import read_orlib

from .conftest import DATA


@st.composite
def instances(draw, max_rows=9, max_cols=8):
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(1, max_cols))
    dense = np.array(draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))).reshape(m, n)
    cost = np.array(draw(st.lists(st.integers(1, 20), min_size=n, max_size=n)), float)
    weights = np.array(draw(st.lists(st.integers(0, 5), min_size=m, max_size=m)), float)
    return sp.csc_array(dense.astype(np.int8)), cost, weights


def brute_force(A, cost, weights, target=1.0, pre=()):
    dense = A.toarray() > 0
    m, n = dense.shape
    coverable = dense.any(axis=1)
    need = target * weights[coverable].sum()
    best = np.inf
    for r in range(n + 1):
        for combo in itertools.combinations(range(n), r):
            if not set(pre) <= set(combo):
                continue
            covered = dense[:, list(combo)].any(axis=1) if combo else np.zeros(m, bool)
            if weights[covered].sum() >= need - 1e-9:
                best = min(best, cost[list(combo)].sum())
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from(["greedy", "auto", "exact"]), st.sampled_from([1.0, 0.7]))
def test_cover_claims_hold_and_bound_is_valid(inst, method, target):
    A, cost, weights = inst
    res = set_cover(A, cost, weights=weights, target=target, method=method, time_limit=5)
    dense = A.toarray() > 0
    covered = dense[:, res.selected].any(axis=1) if res.selected.size else np.zeros(len(dense), bool)
    total = weights.sum()
    claimed = weights[covered].sum() / total if total else 1.0
    assert res.covered == pytest.approx(claimed)
    coverable_w = weights[dense.any(axis=1)].sum()
    assert weights[covered].sum() >= target * coverable_w - 1e-9
    assert res.cost == pytest.approx(cost[res.selected].sum())
    assert res.lower_bound <= res.cost + 1e-9
    opt = brute_force(A, cost, weights, target)
    assert res.lower_bound <= opt + 1e-6
    assert res.cost >= opt - 1e-9  # greedy never beats the optimum
    if method == "exact":
        assert res.cost == pytest.approx(opt)
    assert set(res.uncoverable) == set(np.flatnonzero(~dense.any(axis=1)))


@settings(max_examples=40, deadline=None)
@given(instances(), st.data())
def test_preselected_always_kept(inst, data):
    A, cost, weights = inst
    pre = data.draw(st.lists(st.integers(0, A.shape[1] - 1), max_size=3, unique=True))
    for method in ("greedy", "auto"):
        res = set_cover(A, cost, weights=weights, preselected=pre, method=method, time_limit=2)
        assert set(pre) <= set(res.selected.tolist())
        assert res.cost >= brute_force(A, cost, weights, 1.0, pre) - 1e-9


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(1, 4))
def test_max_cover_bound_and_count(inst, k):
    A, cost, weights = inst
    k = min(k, A.shape[1])
    res = max_cover(A, k, weights=weights, time_limit=2)
    assert res.selected.size <= k
    dense = A.toarray() > 0
    best = max(weights[dense[:, list(c)].any(axis=1)].sum() for c in
               itertools.combinations(range(A.shape[1]), k))
    assert res.covered_weight <= best + 1e-9
    assert res.upper_bound >= best - 1e-9


def test_grouped_targets_are_each_reached():
    rng = np.random.default_rng(3)
    A = sp.random(400, 120, density=0.04, random_state=4, format="csc")
    groups = rng.integers(0, 4, 400)
    target = np.array([1.0, 0.9, 0.5, 0.8])
    res = set_cover(A, rng.uniform(1, 5, 120), groups=groups, target=target, time_limit=3)
    dense = A.toarray() > 0
    covered = dense[:, res.selected].any(axis=1)
    for g in range(4):
        rows = (groups == g) & dense.any(axis=1)
        assert covered[rows].mean() >= target[g] - 1e-9


def test_orlib_scp41_auto_reaches_optimum():
    A, cost = read_orlib(DATA / "orlib" / "scp41.txt.gz")
    res = set_cover(A, cost, method="auto", time_limit=10)
    assert res.cost == 429  # proven optimum (OR-Library)
    assert res.lower_bound <= 429 and res.covered == 1.0
    greedy = set_cover(A, cost, method="greedy")
    assert greedy.cost >= 429


@pytest.mark.parametrize(("call", "needle"), [
    (lambda: set_cover(np.ones((2, 2))), "scipy.sparse"),
    (lambda: set_cover(sp.csc_array((0, 3))), "shape"),
    (lambda: set_cover(sp.eye_array(2), [1.0, -1.0]), "non-negative"),
    (lambda: set_cover(sp.eye_array(2), [1.0, np.nan]), "finite"),
    (lambda: set_cover(sp.eye_array(2), [1.0]), "entries"),
    (lambda: set_cover(sp.eye_array(2), target=0.0), "outside"),
    (lambda: set_cover(sp.eye_array(2), target=1.5), "outside"),
    (lambda: set_cover(sp.eye_array(2), method="magic"), "method"),
    (lambda: max_cover(sp.eye_array(2), k=3), "larger than"),
    (lambda: max_cover(sp.eye_array(2)), "exactly one"),
    (lambda: max_cover(sp.eye_array(2), k=1, preselected=[0, 1]), "smaller than"),
])
def test_bad_input_raises_clear_error(call, needle):
    with pytest.raises(SolverError, match=needle):
        call()


def test_deterministic_for_seed():
    A = sp.random(300, 200, density=0.03, random_state=7, format="csc")
    cost = np.random.default_rng(1).integers(1, 50, 200)
    a = set_cover(A, cost, seed=5, time_limit=2)
    b = set_cover(A, cost, seed=5, time_limit=2)
    assert a.selected.tolist() == b.selected.tolist()
