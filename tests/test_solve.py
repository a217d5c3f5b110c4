"""Solver: properties (hypothesis), bounds, errors, an OR-Library instance."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siteplan.errors import SolverError
from siteplan.solve import max_cover, set_cover

from .conftest import DATA

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from orlib import read_orlib  # noqa: E402  (benchmarks-only reader)


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
    res = set_cover(A, cost, weights=weights, target=target, method=method, time_limit_s=5)
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
        res = set_cover(A, cost, weights=weights, preselected=pre, method=method, time_limit_s=2)
        assert set(pre) <= set(res.selected.tolist())
        assert res.cost >= brute_force(A, cost, weights, 1.0, pre) - 1e-9


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(1, 4))
def test_max_cover_bound_and_count(inst, k):
    A, cost, weights = inst
    k = min(k, A.shape[1])
    res = max_cover(A, k, weights=weights, time_limit_s=2)
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
    res = set_cover(A, rng.uniform(1, 5, 120), groups=groups, target=target, time_limit_s=3)
    dense = A.toarray() > 0
    covered = dense[:, res.selected].any(axis=1)
    for g in range(4):
        rows = (groups == g) & dense.any(axis=1)
        assert covered[rows].mean() >= target[g] - 1e-9


def test_orlib_scp41_auto_reaches_optimum():
    A, cost = read_orlib(DATA / "orlib" / "scp41.txt.gz")
    res = set_cover(A, cost, method="auto", time_limit_s=10)
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
    """The greedy, a proven ``auto`` result, and the local searches run for a
    fixed number of moves repeat exactly for a seed (a time-limited search
    depends on how far it got, which the clock decides)."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.local import IteratedGreedy
    from siteplan.solve.search.rowweight import RowWeighting

    A = sp.random(300, 200, density=0.03, random_state=7, format="csc")
    cost = np.random.default_rng(1).integers(1, 50, 200)
    runs = [set_cover(A, cost, seed=5, method="greedy") for _ in range(2)]
    assert runs[0].selected.tolist() == runs[1].selected.tolist()
    A41, cost41 = read_orlib(DATA / "orlib" / "scp41.txt.gz")
    runs = [set_cover(A41, cost41, seed=5, time_limit_s=10) for _ in range(2)]
    assert runs[0].optimal and runs[0].selected.tolist() == runs[1].selected.tolist()
    p = build_problem(A41, cost41)
    start, pre = runs[0].selected, np.zeros(0, np.int64)
    prices = np.random.default_rng(0).random(p.n_rows)
    moves = [IteratedGreedy(p, np.arange(p.n_cols), pre, prices=prices, seed=3).run(
        np.inf, max_moves=50).tolist() for _ in range(2)]
    steps = [RowWeighting(p, np.union1d(start, [0, 1]), seed=3).run(
        np.inf, max_steps=500).tolist() for _ in range(2)]
    assert moves[0] == moves[1] and steps[0] == steps[1]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=10, max_cols=7), st.sampled_from([1.0, 0.6]), st.data())
def test_row_reduction_keeps_every_feasible_choice(inst, target, data):
    """A column set reaches the target on the reduced rows exactly when it
    does on the original rows, so optimum and bounds carry over."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.prep.reduce import reduce_rows

    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights, target=target)
    q, kept = reduce_rows(p)
    assert q.n_rows == kept.size <= p.n_rows
    assert q.weights.sum() <= p.weights.sum() + 1e-9
    for mask in itertools.product([False, True], repeat=p.n_cols):
        chosen = np.flatnonzero(mask)
        assert p.feasible(chosen) == q.feasible(chosen), chosen


def test_row_reduction_on_geometric_rows():
    """Identical rows merge with their weight; rows containing a must-cover
    row's columns go; a partial target keeps supersets."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.prep.reduce import reduce_rows

    A = sp.csr_array([[1, 1, 0], [1, 1, 0], [1, 1, 1], [0, 0, 1], [0, 0, 0]])
    q, kept = reduce_rows(build_problem(A, weights=[1, 2, 1, 1, 1]))
    assert kept.tolist() == [0, 3] and q.weights.tolist() == [3.0, 1.0]
    q, kept = reduce_rows(build_problem(A, target=0.5))
    assert kept.tolist() == [0, 2, 3] and q.weights.tolist() == [2.0, 1.0, 1.0]


@pytest.mark.parametrize("seed", range(4))
def test_bitset_and_sorted_search_drop_the_same_rows(seed):
    """Containment tested on bit-packed rows (narrow matrices) and by sorted
    search (wide ones) finds the same dominated rows, across word borders
    (130 columns: three words)."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.prep import reduce

    rng = np.random.default_rng(seed)
    rows, cols = 3000, 130
    centre = rng.integers(0, cols, rows)
    width = rng.integers(1, 12, rows)
    dense = np.abs(np.arange(cols)[None, :] - centre[:, None]) <= width[:, None]
    dense &= rng.random((rows, cols)) < 0.9
    p = build_problem(sp.csr_array(dense.astype(np.int8)), weights=rng.integers(1, 4, rows))
    kept = []
    for words in (256, 0):
        kept.append(reduce.reduce_rows(p, bitset_words_per_row=words)[1].tolist())
    assert kept[0] == kept[1]
    assert len(kept[0]) < 0.5 * rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=12, max_cols=8), st.data())
def test_row_weighting_search_returns_a_cover_no_dearer(inst, data):
    import time

    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import greedy_cover
    from siteplan.solve.search.rowweight import row_weighting_search

    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights)
    frozen = np.array(data.draw(st.lists(st.booleans(), min_size=p.n_cols, max_size=p.n_cols)))
    start = np.union1d(greedy_cover(p, np.flatnonzero(frozen)), np.flatnonzero(frozen))
    found = row_weighting_search(p, start, time.perf_counter() + 5, frozen=frozen,
                                 max_steps=300, seed=data.draw(st.integers(0, 3)))
    assert p.feasible(found)
    assert p.cost[found].sum() <= p.cost[start].sum() + 1e-9
    assert set(np.flatnonzero(frozen)) <= set(found.tolist())
    assert p.cost[found].sum() >= brute_force(A, cost, weights, pre=np.flatnonzero(frozen)) - 1e-9


def test_auto_reaches_the_optimum_of_a_geometric_instance():
    """Uniform points and sites, unit costs: the row reduction plus the
    row-weighting search reach HiGHS's proven optimum (computed once with
    ``method="exact"``) in a short time limit."""
    rng = np.random.default_rng(3)
    pts, sites = rng.random((1500, 2)), rng.random((250, 2))
    d = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1])
    A = sp.csc_array((d <= 0.1).astype(np.int8))
    keep = np.asarray(A.sum(axis=1)).ravel() > 0
    A = sp.csc_array(A[keep])
    exact = set_cover(A, method="exact", time_limit_s=60)
    assert exact.optimal
    auto = set_cover(A, time_limit_s=3)
    assert auto.cost <= exact.cost * 1.02
    assert auto.details["rows_after_reduction"] < A.shape[0] / 2


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=12, max_cols=8), st.sampled_from([1.0, 0.7]), st.data())
def test_local_portfolio_returns_a_cover_no_dearer(inst, target, data):
    """Full and partial covers, with preselected columns and LP-like prices:
    the portfolio's cover is feasible, keeps the preselected, costs no more
    than its start and no less than the optimum."""
    import time

    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import greedy_cover, remove_redundant
    from siteplan.solve.search.local import local_portfolio

    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights, target=target)
    pre = np.flatnonzero(np.array(data.draw(
        st.lists(st.booleans(), min_size=p.n_cols, max_size=p.n_cols))))
    start = remove_redundant(p, greedy_cover(p, pre), pre)
    prices = np.array(data.draw(st.lists(st.floats(0, 3), min_size=p.n_rows, max_size=p.n_rows)))
    found = local_portfolio(p, start, pre, time.perf_counter() + 0.05, prices=prices,
                            seed=data.draw(st.integers(0, 3)))
    assert p.feasible(found)
    assert set(pre.tolist()) <= set(found.tolist())
    assert p.cost[found].sum() <= p.cost[start].sum() + 1e-9
    assert p.cost[found].sum() >= brute_force(A, cost, weights, target, pre=pre) - 1e-9


def test_iterated_greedy_dense_and_sparse_rebuilds_agree():
    """The dense-matrix rebuild (small cores) makes exactly the moves of the
    sparse one: same seed, same covers."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search import local
    from siteplan.solve.search.greedy import greedy_cover

    p = build_problem(*read_orlib(DATA / "orlib" / "scp41.txt.gz"))
    pre = np.zeros(0, np.int64)
    start = greedy_cover(p, pre)
    prices = np.random.default_rng(0).random(p.n_rows)
    runs = []
    for cells in (10**9, 0):
        search = local.IteratedGreedy(p, start, pre, prices=prices, seed=5, dense_cells=cells)
        runs.append([search.run(np.inf, max_moves=1).tolist() for _ in range(30)])
    assert runs[0] == runs[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.sampled_from([1.0, 0.7]), st.data())
def test_subgradient_bound_is_valid_and_its_cover_real(inst, target, data):
    """The Lagrangian bound never exceeds the optimum (with partial targets
    and preselected columns), and the cover it reports costs what it says."""
    from siteplan.solve.bounds.lagrange import subgradient
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import greedy_cover, remove_redundant

    A, cost, weights = inst
    frozen = np.flatnonzero(data.draw(st.lists(st.booleans(), min_size=A.shape[1],
                                               max_size=A.shape[1])))
    p = build_problem(A, cost, weights=weights, target=target)
    start = remove_redundant(p, greedy_cover(p, frozen), frozen)
    state = subgradient(p, upper_bound=float(p.cost[start].sum()), best_selected=start,
                        preselected=frozen, deadline=np.inf, max_iterations=200)
    opt = brute_force(A, cost, weights, target, pre=frozen)
    assert state.lower_bound <= opt + 1e-6
    assert p.feasible(state.best_selected)
    assert set(frozen) <= set(state.best_selected.tolist())
    assert state.best_cost == pytest.approx(p.cost[state.best_selected].sum())


@pytest.mark.parametrize("unicost", [False, True])
def test_subgradient_closes_in_on_the_lp_bound(unicost):
    """On a geometric instance the subgradient gets within a few per cent of
    the LP value in 600 iterations (the step rule once stalled it at 60-85 %
    on large instances)."""
    from siteplan.solve.bounds.lagrange import subgradient
    from siteplan.solve.exact.highs import lp_bound
    from siteplan.solve.instance import build_problem

    rng = np.random.default_rng(5)
    pts, sites = rng.random((4000, 2)), rng.random((600, 2))
    d = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1])
    A = sp.csc_array((d <= 0.07).astype(np.int8))
    A = sp.csc_array(A[np.asarray(A.sum(axis=1)).ravel() > 0])
    cost = None if unicost else rng.integers(1, 101, A.shape[1]).astype(float)
    p = build_problem(A, cost)
    none = np.zeros(0, np.int64)
    lp_value, _ = lp_bound(p, none, time_limit_s=120)
    greedy = set_cover(A, cost, method="greedy")
    state = subgradient(p, upper_bound=greedy.cost, best_selected=greedy.selected,
                        preselected=none, deadline=np.inf, max_iterations=600)
    assert lp_value * 0.95 <= state.lower_bound <= lp_value + 1e-6


@settings(max_examples=60, deadline=None)
@given(instances(max_rows=12, max_cols=9), st.integers(1, 4), st.data())
def test_core_columns_are_each_rows_cheapest(inst, per_row, data):
    """The core holds, for every row, its ``per_row`` columns of least reduced
    cost (ties by column index), every negative one and the forced ones."""
    from siteplan.solve.bounds.lagrange import core_columns
    from siteplan.solve.instance import build_problem

    A, cost, _ = inst
    p = build_problem(A, cost)
    rc = np.array(data.draw(st.lists(st.integers(-3, 3), min_size=p.n_cols,
                                     max_size=p.n_cols)), float)
    must = np.array([p.n_cols - 1])
    expected = set(np.flatnonzero(rc < 0).tolist()) | {p.n_cols - 1}
    dense = A.toarray() > 0
    for row in dense:
        cols = sorted(np.flatnonzero(row).tolist(), key=lambda j: (rc[j], j))
        expected |= set(cols[:per_row])
    assert set(core_columns(p, rc, per_row, must).tolist()) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=12, max_cols=8), st.integers(1, 4), st.booleans(), st.data())
def test_swap_search_never_loses_weight_and_keeps_limits(inst, k, use_budget, data):
    """Exchanges keep the count (or the budget) and the preselected columns,
    and never cover less than the start."""
    import time

    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import covered_weight, greedy_max_cover
    from siteplan.solve.search.swap import swap_search

    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights)
    frozen = np.flatnonzero(data.draw(st.lists(st.booleans(), min_size=p.n_cols,
                                               max_size=p.n_cols)))[:k]
    budget = float(cost[frozen].sum()) + data.draw(st.integers(0, 30)) if use_budget else None
    start = greedy_max_cover(p, frozen, k=None if use_budget else k, budget=budget)
    found = swap_search(p, start, frozen, budget=budget, deadline=time.perf_counter() + 5)
    assert covered_weight(p, found) >= covered_weight(p, start) - 1e-9
    assert set(frozen.tolist()) <= set(found.tolist())
    if use_budget:
        assert cost[found].sum() <= budget + 1e-9
    else:
        assert found.size == start.size


def test_swap_search_improves_a_greedy_max_cover():
    """The textbook case where the greedy's first pick is wrong for k = 2:
    one big column overlapping two disjoint halves."""
    import time

    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import covered_weight, greedy_max_cover
    from siteplan.solve.search.swap import swap_search

    left, right = np.zeros((8, 1), int), np.zeros((8, 1), int)
    left[:4], right[4:] = 1, 1
    middle = np.array([[1, 1, 1, 0, 0, 1, 1, 1]]).T  # 6 rows, 3 of each half
    p = build_problem(sp.csc_array(np.hstack([middle, left, right]).astype(np.int8)))
    start = greedy_max_cover(p, np.zeros(0, int), k=2, budget=None)
    assert covered_weight(p, start) == 7
    found = swap_search(p, start, np.zeros(0, int), budget=None,
                        deadline=time.perf_counter() + 5)
    assert found.tolist() == [1, 2] and covered_weight(p, found) == 8


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=14, max_cols=10), st.sampled_from([1.0, 0.6]), st.data())
def test_eager_and_lazy_greedy_pick_the_same_columns(inst, target, data):
    """The eager greedy (narrow matrices) picks what the lazy heap picks, in
    the same order, preselected first (costs made tie-free)."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search import greedy

    A, cost, weights = inst
    seed = data.draw(st.integers(0, 2**16))
    cost = cost + np.random.default_rng(seed).random(cost.size)
    p = build_problem(A, cost, weights=weights, target=target)
    pre = np.flatnonzero(data.draw(st.lists(st.booleans(), min_size=p.n_cols,
                                             max_size=p.n_cols))[: p.n_cols])[:2]
    picks = [greedy.greedy_cover(p, pre, eager_cols_limit=limit).tolist()
             for limit in (10**9, 0)]
    assert picks[0] == picks[1]
    assert p.feasible(picks[0])


def test_eager_and_lazy_greedy_agree_on_orlib():
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search import greedy

    p = build_problem(*read_orlib(DATA / "orlib" / "scp41.txt.gz"))
    pre = np.zeros(0, np.int64)
    eager = greedy.greedy_cover(p, pre)
    lazy = greedy.greedy_cover(p, pre, eager_cols_limit=0)
    assert p.cost[eager].sum() == p.cost[lazy].sum()
    assert sorted(eager.tolist()) == sorted(lazy.tolist())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=14, max_cols=10), st.data())
def test_remove_redundant_matches_the_plain_loop(inst, data):
    """Pre-filtering the columns that could go changes nothing: the result is
    the one-column-at-a-time loop's (dearest first), with groups and partial
    targets."""
    from siteplan.solve.instance import build_problem
    from siteplan.solve.search.greedy import remove_redundant

    A, cost, weights = inst
    n_groups = data.draw(st.integers(1, 3))
    groups = np.array(data.draw(st.lists(st.integers(0, n_groups - 1), min_size=A.shape[0],
                                         max_size=A.shape[0])))
    n_groups = int(groups.max()) + 1
    target = np.array(data.draw(st.lists(st.sampled_from([1.0, 0.8, 0.5]),
                                         min_size=n_groups, max_size=n_groups)))
    p = build_problem(A, cost, weights=weights, target=target, groups=groups)
    keep = np.flatnonzero(np.array(data.draw(st.lists(st.booleans(), min_size=p.n_cols,
                                                      max_size=p.n_cols))))[:2]
    everything = np.arange(p.n_cols)
    counts = p.cover_counts(everything)
    slack = p.group_covered(counts > 0) - p.required
    tol = 1e-9 * max(1.0, float(p.required.max(initial=0.0)))
    alive = set(everything.tolist())
    for j in sorted(set(alive) - set(keep.tolist()), key=lambda j: (-p.cost[j], j)):
        rows = p.column_rows(j)
        alone = rows[counts[rows] == 1]
        loss = np.bincount(p.groups[alone], p.weights[alone], minlength=p.n_groups)
        if np.any(loss > slack + tol):
            continue
        slack -= loss
        counts[rows] -= 1
        alive.discard(j)
    assert remove_redundant(p, everything, keep).tolist() == sorted(alive)


def _max_cover_optimum(A, cost, weights, k, budget, pre):
    """Brute force: most weight with at most ``k`` columns (or within
    ``budget``), the preselected included."""
    dense = A.toarray() > 0
    n = A.shape[1]
    best = 0.0
    for r in range(n + 1):
        for combo in itertools.combinations(range(n), r):
            if not set(pre) <= set(combo):
                continue
            if (k is not None and r > k) or (budget is not None and
                                               cost[list(combo)].sum() > budget + 1e-9):
                continue
            covered = dense[:, list(combo)].any(axis=1) if combo else np.zeros(A.shape[0], bool)
            best = max(best, float(weights[covered].sum()))
    return best


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_rows=10, max_cols=7), st.integers(1, 4), st.booleans(), st.data())
def test_max_cover_lagrangian_bound_is_valid(inst, k, use_budget, data):
    """Every bound the subgradient returns is at least the true optimum, with
    preselected columns, counts and budgets."""
    import time

    from siteplan.solve.bounds.maxbound import max_cover_upper_bound
    from siteplan.solve.instance import build_problem

    A, cost, weights = inst
    p = build_problem(A, cost, weights=weights)
    k = min(k, p.n_cols)
    pre = np.flatnonzero(data.draw(st.lists(st.booleans(), min_size=p.n_cols,
                                            max_size=p.n_cols)))[:k]
    budget = float(cost[pre].sum()) + data.draw(st.integers(0, 30)) if use_budget else None
    kk = None if use_budget else k
    best = _max_cover_optimum(A, cost, weights, kk, budget, pre.tolist())
    iterations = data.draw(st.integers(1, 200))
    bound, _ = max_cover_upper_bound(p, k=kk, budget=budget, preselected=pre,
                                     covered_weight=0.0, deadline=time.perf_counter() + 5,
                                     max_iterations=iterations)
    assert bound >= best - 1e-9


@pytest.mark.parametrize("use_budget", [False, True])
def test_max_cover_lagrangian_bound_reaches_the_lp(use_budget):
    """On a geometric instance the subgradient gets within 1 % of the LP
    relaxation's value (HiGHS), far below the trivial bound."""
    import time

    from scipy.optimize import linprog

    from siteplan.solve.bounds.maxbound import max_cover_upper_bound
    from siteplan.solve.instance import build_problem

    rng = np.random.default_rng(7)
    pts, sites = rng.random((3000, 2)), rng.random((400, 2))
    dist = np.hypot(*(pts[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    A = sp.csc_array((dist < 0.06).astype(np.int8))
    weights = rng.integers(1, 5, 3000).astype(float)
    cost = rng.integers(1, 10, 400).astype(float)
    k, budget = (None, 150.0) if use_budget else (30, None)
    p = build_problem(A, cost, weights=weights)
    rows = np.flatnonzero(p.coverable)
    n, r = p.n_cols, rows.size
    # max w.y  s.t.  y - A x <= 0,  sum x <= k (or c.x <= budget),  0 <= x, y <= 1
    cover = sp.hstack([-sp.csc_array(A)[rows], sp.eye_array(r)])
    limit = sp.hstack([sp.csc_array((np.ones(n) if k else cost).reshape(1, -1)),
                       sp.csc_array((1, r))])
    lp = linprog(-np.concatenate([np.zeros(n), weights[rows]]),
                 A_ub=sp.vstack([cover, limit]).tocsc(),
                 b_ub=np.concatenate([np.zeros(r), [k or budget]]), bounds=(0, 1),
                 method="highs")
    lp_value = -lp.fun
    bound, _ = max_cover_upper_bound(p, k=k, budget=budget, preselected=np.zeros(0, np.int64),
                                     covered_weight=0.97 * lp_value,
                                     deadline=time.perf_counter() + 30)
    assert lp_value - 1e-6 <= bound <= 1.01 * lp_value
    assert bound < 0.95 * weights[rows].sum()
