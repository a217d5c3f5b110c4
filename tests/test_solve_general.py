"""Multicover rows and capacity rows (``cover_requirement``, ``capacity``)
against brute force on small instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.errors import SolverError
from siteplan.solve import CapacityConstraints, set_cover


@st.composite
def general_instances(draw, max_rows=8, max_cols=9):
    m = draw(st.integers(1, max_rows))
    n = draw(st.integers(1, max_cols))
    dense = np.array(draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))).reshape(m, n)
    cost = np.array(draw(st.lists(st.integers(1, 20), min_size=n, max_size=n)), float)
    weights = np.array(draw(st.lists(st.integers(0, 5), min_size=m, max_size=m)), float)
    r = np.array(draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
    n_groups = draw(st.integers(1, 2))
    groups = np.array(draw(st.lists(st.integers(0, n_groups - 1), min_size=m, max_size=m)))
    groups = np.unique(groups, return_inverse=True)[1]
    target = np.array(draw(st.lists(st.sampled_from([1.0, 0.6, 0.3]),
                                    min_size=int(groups.max()) + 1, max_size=int(groups.max()) + 1)))
    capacity = None
    if draw(st.booleans()):
        h = draw(st.integers(1, 2))
        mbps = np.array(draw(st.lists(st.sampled_from([0.0, 50.0, 100.0, 300.0]),
                                      min_size=h * n, max_size=h * n))).reshape(h, n)
        demand = np.array(draw(st.lists(st.sampled_from([0.0, 120.0, 400.0, 5000.0]),
                                        min_size=h, max_size=h)))
        capacity = CapacityConstraints(sp.csr_array(mbps), demand)
    pre = draw(st.lists(st.integers(0, n - 1), max_size=2, unique=True))
    return sp.csc_array(dense.astype(np.int8)), cost, weights, r, groups, target, capacity, pre


def feasible(dense, weights, r, groups, target, capacity, chosen):
    """The definition, written out independently of the solver."""
    counts = dense[:, chosen].sum(axis=1) if chosen else np.zeros(len(dense))
    coverable = dense.sum(axis=1) >= r
    covered = (counts >= r) & coverable
    for g in range(groups.max() + 1):
        in_g = groups == g
        if weights[in_g & covered].sum() < target[g] * weights[in_g & coverable].sum() - 1e-9:
            return False
    if capacity is not None:
        m = capacity.matrix.toarray()
        x = np.zeros(dense.shape[1])
        x[list(chosen)] = 1.0
        met = np.minimum(capacity.demand, m.sum(axis=1))
        if np.any(m @ x < met - 1e-9):
            return False
    return True


def brute(A, cost, weights, r, groups, target, capacity, pre):
    dense = A.toarray() > 0
    n = dense.shape[1]
    best = np.inf
    for k in range(n + 1):
        for combo in itertools.combinations(range(n), k):
            if set(pre) <= set(combo) and cost[list(combo)].sum() < best and feasible(
                    dense, weights, r, groups, target, capacity, list(combo)):
                best = cost[list(combo)].sum()
    return best


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(general_instances(), st.sampled_from(["greedy", "auto", "exact"]))
def test_general_cover_is_feasible_bounded_and_optimal_when_claimed(inst, method):
    A, cost, weights, r, groups, target, capacity, pre = inst
    res = set_cover(A, cost, weights=weights, target=target, groups=groups,
                    cover_requirement=r, capacity=capacity, preselected=pre, method=method,
                    time_limit_s=10)
    dense = A.toarray() > 0
    chosen = res.selected.tolist()
    assert set(pre) <= set(chosen)
    assert feasible(dense, weights, r, groups, target, capacity, chosen)
    assert res.cost == pytest.approx(cost[chosen].sum())
    opt = brute(A, cost, weights, r, groups, target, capacity, pre)
    assert res.lower_bound <= opt + 1e-6
    assert res.cost >= opt - 1e-9
    if method != "greedy":  # small instances: HiGHS proves the optimum
        assert res.optimal
    if res.optimal:
        assert res.cost == pytest.approx(opt)
    assert set(res.uncoverable) == set(np.flatnonzero(dense.sum(axis=1) < r))
    if capacity is not None:
        missing = np.maximum(capacity.demand - capacity.matrix.toarray().sum(axis=1), 0)
        assert res.capacity_shortfall == pytest.approx(missing)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(general_instances())
def test_general_bound_without_the_lp_is_valid(inst):
    """The fallback bound (single-cover Lagrangian, capacity knapsacks) used
    when the LP is too big never exceeds the optimum."""
    from siteplan.solve.instance import check_preselected
    from siteplan.solve.paths.general import build_general, relaxation_bound

    A, cost, weights, r, groups, target, capacity, pre = inst
    g = build_general(A, cost, weights=weights, target=target, groups=groups,
                      cover_requirement=r, capacity=capacity)
    pre = check_preselected(pre, A.shape[1])
    opt = brute(A, cost, weights, r, groups, target, capacity, pre)
    bound = relaxation_bound(g, pre, float(cost.sum()), np.arange(A.shape[1]), np.inf, 0)
    assert bound <= opt + 1e-6


def test_capacity_binds_beyond_coverage():
    """One cheap site covers everything, but three are needed for the
    traffic: the capacity rows set the count."""
    A = sp.csc_array(np.ones((4, 5), dtype=np.int8))
    cap = CapacityConstraints(sp.csr_array(np.full((1, 5), 100.0)), [250.0])
    res = set_cover(A, np.ones(5), capacity=cap, time_limit_s=5)
    assert res.selected.size == 3 and res.optimal
    assert set_cover(A, np.ones(5), time_limit_s=5).selected.size == 1


def test_infeasible_demand_is_reported_and_the_rest_met():
    A = sp.csc_array(np.ones((2, 3), dtype=np.int8))
    cap = CapacityConstraints(sp.csr_array([[100.0, 100.0, 0.0], [0.0, 0.0, 50.0]]),
                              [150.0, 80.0])
    res = set_cover(A, [1.0, 2.0, 3.0], capacity=cap, time_limit_s=5)
    assert res.capacity_shortfall.tolist() == [0.0, 30.0]
    assert res.selected.tolist() == [0, 1, 2] and res.optimal


def test_multicover_needs_two_sites_per_row():
    A = sp.csc_array(np.array([[1, 1, 0, 1], [0, 1, 1, 1]], dtype=np.int8))
    res = set_cover(A, [1.0, 1.0, 1.0, 5.0], cover_requirement=2, time_limit_s=5)
    assert res.selected.tolist() == [0, 1, 2] and res.optimal and res.covered == 1.0


@pytest.mark.parametrize("bad, message", [
    (dict(cover_requirement=[0, 1]), "at least 1"),
    (dict(cover_requirement=[1.5, 1]), "whole number"),
    (dict(cover_requirement=[1, 1, 1]), "one whole number per row"),
    (dict(capacity="lots"), "CapacityConstraints"),
])
def test_general_inputs_are_checked(bad, message):
    A = sp.csc_array(np.eye(2, dtype=np.int8))
    with pytest.raises(SolverError, match=message):
        set_cover(A, **bad)


@pytest.mark.parametrize("matrix, demand, message", [
    (np.ones((1, 2)), [1.0], "scipy.sparse"),
    (sp.csr_array([[-1.0, 1.0]]), [1.0], "nonnegative"),
    (sp.csr_array([[1.0, 1.0]]), [1.0, 2.0], "2 entries for 1"),
    (sp.csr_array([[1.0, 1.0]]), [np.nan], "finite"),
])
def test_capacity_constraints_are_checked(matrix, demand, message):
    with pytest.raises(SolverError, match=message):
        CapacityConstraints(matrix, demand)


def test_capacity_columns_must_match():
    cap = CapacityConstraints(sp.csr_array(np.ones((1, 3))), [1.0])
    with pytest.raises(SolverError, match="3 columns but A has 2"):
        set_cover(sp.csc_array(np.eye(2, dtype=np.int8)), capacity=cap)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(general_instances(), st.sampled_from([0.0, None]))
def test_general_greedy_cut_at_its_deadline_is_still_a_cover(inst, prune_at) -> None:
    # a greedy the clock stops before its first pick is completed in one
    # pass: every requirement and capacity row is still met
    from siteplan.solve.paths.general import build_general, general_greedy

    A, cost, weights, r, groups, target, capacity, pre = inst
    g = build_general(A, cost, weights=weights, target=target, groups=groups,
                      cover_requirement=r, capacity=capacity)
    pre = np.asarray(pre, dtype=np.int64)
    details: dict = {}
    cut = general_greedy(g, pre, deadline=0.0, prune_deadline=prune_at, details=details)
    assert g.feasible(cut)
    assert set(pre.tolist()) <= set(cut.tolist())
    whole = general_greedy(g, pre)
    assert g.feasible(whole)
    if "greedy_cut" not in details:  # nothing was needed beyond the preselected
        assert whole.tolist() == cut.tolist()
