"""City-scale solver parts: the smoothed dual ascent bound (valid against
HiGHS's LP, close to it), the regional local search (feasible, never
dearer), the compiled kernels, and ``auto`` taking that path."""

from __future__ import annotations

import time

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from siteplan.solve import SolveOptions, set_cover
from siteplan.solve.bounds.dualascent import smoothed_dual_ascent
from siteplan.solve.instance import build_problem
from siteplan.solve.kernels import bfs_order, permute_csr
from siteplan.solve.search.blocklocal import regional_search, regions
from siteplan.solve.search.greedy import greedy_cover, remove_redundant


def lp_value(A: sp.csc_array, cost: np.ndarray, pre: np.ndarray) -> float:
    """HiGHS's LP relaxation of the full cover with ``pre`` fixed at 1."""
    A = sp.csr_array(A)
    covered = np.diff(A.indptr) > 0
    lower = np.zeros(A.shape[1])
    lower[pre] = 1.0
    res = linprog(cost, A_ub=-A[covered].astype(float), b_ub=-np.ones(int(covered.sum())),
                  bounds=list(zip(lower, np.ones(A.shape[1]), strict=True)), method="highs")
    assert res.status == 0
    return float(res.fun)


def disk(n_rows: int, n_cols: int, radius: float, seed: int) -> sp.csc_array:
    rng = np.random.default_rng(seed)
    pts, sites = rng.random((n_rows, 2)), rng.random((n_cols, 2))
    d = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1])
    return sp.csc_array((d <= radius).astype(np.int8))


@st.composite
def cover_instances(draw):
    """Random 0/1 matrices (some rows uncovered) or small disk covers, with
    costs (some 0), and some preselected columns."""
    seed = draw(st.integers(0, 10**6))
    rng = np.random.default_rng(seed)
    if draw(st.booleans()):
        m, n = draw(st.integers(1, 40)), draw(st.integers(1, 25))
        A = sp.csc_array((rng.random((m, n)) < draw(st.floats(0.05, 0.6))).astype(np.int8))
    else:
        A = disk(draw(st.integers(5, 300)), draw(st.integers(3, 60)),
                 draw(st.floats(0.1, 0.4)), seed)
    n = A.shape[1]
    cost = rng.integers(0 if draw(st.booleans()) else 1, 30, n).astype(float)
    if draw(st.booleans()):
        cost = np.ones(n)
    pre = np.flatnonzero(rng.random(n) < draw(st.sampled_from([0.0, 0.1, 0.3])))
    return A, cost, pre


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cover_instances(), st.integers(1, 40))
def test_dual_ascent_bound_never_exceeds_the_lp(inst, sweeps):
    """Whatever the number of sweeps, the bound is at most HiGHS's LP value
    (so at most the optimum), and the cover it returns is real."""
    A, cost, pre = inst
    p = build_problem(A, cost)
    start = remove_redundant(p, greedy_cover(p, pre), pre)
    state = smoothed_dual_ascent(p, upper_bound=float(p.cost[start].sum()),
                                 best_selected=start, preselected=pre, deadline=np.inf,
                                 max_sweeps=sweeps, threads=1)
    lp = lp_value(A, cost, pre)
    assert state.lower_bound <= lp + 1e-6 * max(1.0, lp)
    assert p.feasible(state.best_selected)
    assert set(pre.tolist()) <= set(state.best_selected.tolist())
    assert state.best_cost == pytest.approx(p.cost[state.best_selected].sum())
    assert np.all(state.multipliers >= 0)
    # the reduced costs returned are those of the multipliers returned
    assert np.allclose(state.reduced_cost,
                       p.fix(pre).cost - p.fix(pre).transpose_matvec(state.multipliers))


@pytest.mark.parametrize("unicost", [False, True])
def test_dual_ascent_closes_in_on_the_lp(unicost):
    """On a geometric instance the bound gets within 1 % (weighted) / 5 %
    (unicost) of the LP value: the subgradient's 600 iterations get 5 %."""
    rng = np.random.default_rng(5)
    A = disk(4000, 600, 0.07, 5)
    A = sp.csc_array(A[np.asarray(A.sum(axis=1)).ravel() > 0])
    cost = np.ones(600) if unicost else rng.integers(1, 101, 600).astype(float)
    p = build_problem(A, cost)
    none = np.zeros(0, np.int64)
    start = remove_redundant(p, greedy_cover(p, none), none)
    state = smoothed_dual_ascent(p, upper_bound=float(p.cost[start].sum()),
                                 best_selected=start, preselected=none,
                                 deadline=time.perf_counter() + 20, threads=1)
    lp = lp_value(A, cost, none)
    assert (0.95 if unicost else 0.99) * lp <= state.lower_bound <= lp + 1e-6


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cover_instances(), st.integers(2, 60), st.integers(0, 3))
def test_regional_search_keeps_feasibility_and_never_worsens(inst, per_region, seed):
    A, cost, pre = inst
    p = build_problem(A, cost)
    start = remove_redundant(p, greedy_cover(p, pre), pre)
    details: dict = {}
    best = regional_search(p, start, pre, time.perf_counter() + 0.1,
                           rows_per_region=per_region, seed=seed, details=details,
                           max_rounds=2)
    assert p.feasible(best)
    assert set(pre.tolist()) <= set(best.tolist())
    assert p.cost[best].sum() <= p.cost[start].sum() + 1e-9
    assert details["regional_tries"] >= 0


def test_regional_search_improves_a_poor_cover():
    """From every column of a disk cover, region by region, the search gets
    near the greedy's cost or below."""
    A = disk(3000, 400, 0.09, 2)
    cost = np.random.default_rng(2).integers(1, 101, 400).astype(float)
    p = build_problem(A, cost)
    none = np.zeros(0, np.int64)
    greedy = float(p.cost[remove_redundant(p, greedy_cover(p, none), none)].sum())
    details: dict = {}
    best = regional_search(p, np.arange(400), none, time.perf_counter() + 3,
                           rows_per_region=500, details=details)
    assert p.feasible(best)
    assert p.cost[best].sum() <= 1.02 * greedy
    assert details["regional_moves"] > 0


def test_regions_label_every_active_row_and_are_local():
    A = disk(2000, 300, 0.1, 3)
    p = build_problem(A)
    lab = regions(p, 250, seed=1)
    assert np.all((lab >= 0) == p.coverable)
    assert 6 <= lab.max() + 1 <= 14
    # rows of one region mostly share columns with rows of the same region
    same = [np.mean(lab[p.column_rows(j)] == np.bincount(lab[p.column_rows(j)]).argmax())
            for j in range(p.n_cols) if p.column_rows(j).size]
    assert np.mean(same) > 0.8


def test_regions_pack_many_small_components():
    """Thousands of separate components (towns) are packed into a few
    labels, in linear time (the seeding once scanned all rows per seed)."""
    from siteplan.solve import kernels

    kernels.warm_up()  # compiling is not what is timed
    n = 20_000
    A = sp.csc_array(sp.eye_array(n, format="csc", dtype=np.int8))
    p = build_problem(A)
    t0 = time.perf_counter()
    lab = regions(p, 1000)
    assert time.perf_counter() - t0 < 5.0
    assert lab.min() == 0 and lab.max() + 1 == n // 1000
    # a large component beside them is split, the small ones packed
    big = disk(3000, 300, 0.12, 1)
    p2 = build_problem(sp.block_diag([big, sp.eye_array(50, dtype=np.int8)], format="csc"))
    lab2 = regions(p2, 500)
    assert len(set(lab2[:3000][p2.coverable[:3000]].tolist())) >= 4
    assert len(set(lab2[3000:].tolist())) == 1


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 20), st.floats(0.0, 0.5), st.integers(0, 99))
def test_bfs_order_and_permutation(m, n, density, seed):
    """The breadth-first orders are permutations, and the renumbered
    structure is the same matrix."""
    A = sp.csc_array((np.random.default_rng(seed).random((m, n)) < density).astype(np.int8))
    p = build_problem(A)
    rows, cols = bfs_order(p.row_ptr, p.row_cols, p.col_ptr, p.col_rows)
    assert sorted(rows.tolist()) == list(range(m)) and sorted(cols.tolist()) == list(range(n))
    col_new = np.empty(n, np.int64)
    col_new[cols] = np.arange(n)
    ptr, idx = permute_csr(p.row_ptr, p.row_cols, rows, col_new)
    B = sp.csr_array((np.ones(idx.size), idx, ptr), shape=(m, n)).toarray()
    assert np.array_equal(B, A.toarray()[rows][:, cols] > 0)


def test_auto_takes_the_city_scale_path_and_stays_valid():
    """With the thresholds at 0, ``auto`` bounds by the dual ascent and
    improves region by region: feasible, bound below the LP, limit kept."""
    from siteplan.solve import kernels

    A = disk(3000, 500, 0.08, 4)
    cost = np.random.default_rng(4).integers(1, 101, 500).astype(float)
    opts = SolveOptions(lp_nnz_limit=0, regional_nnz_limit=0, exact_nnz_limit=0,
                        reduce_nnz_limit=0)
    # without the kernels loaded and 20 s to compile them, the old path runs
    if not kernels.loaded():
        res = set_cover(A, cost, time_limit_s=1, options=opts)
        assert res.details["bound"] == "lagrangian"
    kernels.warm_up()
    assert kernels.loaded()
    t0 = time.perf_counter()
    res = set_cover(A, cost, time_limit_s=3, options=opts)
    assert time.perf_counter() - t0 < 4.0
    assert res.details["bound"] == "lagrangian (dual ascent)"
    assert "regional_moves" in res.details
    p = build_problem(A, cost)
    assert p.feasible(res.selected)
    assert res.cost <= res.details["greedy_cost"] + 1e-9
    lp = lp_value(A, cost, np.zeros(0, np.int64))
    assert res.lower_bound <= np.ceil(lp - 1e-6) + 1e-9
    assert res.gap < 0.05


def test_dual_ascent_path_is_deterministic():
    """Deterministic mode on the dual ascent path (one thread, a sweep
    budget): the same cover and bound twice."""
    from siteplan.solve import kernels

    kernels.warm_up()  # a first compilation inside the call could meet the clock
    A = disk(2000, 300, 0.1, 6)
    cost = np.random.default_rng(6).integers(1, 101, 300).astype(float)
    opts = SolveOptions(deterministic=True, lp_nnz_limit=0, exact_nnz_limit=0,
                        reduce_nnz_limit=0, compile_s=0.0)
    first = set_cover(A, cost, time_limit_s=1, options=opts)
    second = set_cover(A, cost, time_limit_s=1, options=opts)
    assert first.details["bound"] == "lagrangian (dual ascent)"
    assert np.array_equal(first.selected, second.selected)
    assert first.lower_bound == second.lower_bound
