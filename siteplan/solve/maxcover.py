"""``max_cover``: at most ``k`` columns (or a budget) covering the most weight.

Examples
--------
>>> import scipy.sparse as sp
>>> A = sp.csc_array([[1, 0], [1, 0], [0, 1]])
>>> r = max_cover(A, k=1, method="greedy")
>>> r.selected.tolist(), r.covered_weight, r.upper_bound >= r.covered_weight
([0], 2.0, True)
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike

from siteplan.errors import SolverError
from siteplan.messages import Msg
from siteplan.solve.bounds.maxbound import best_completion, max_cover_upper_bound
from siteplan.solve.clock import Clock, lap
from siteplan.solve.exact.child import ChildRun, can_fork
from siteplan.solve.exact.highs import mip_max_cover
from siteplan.solve.instance import (
    Problem,
    check_input,
    check_method,
    check_preselected,
    check_time,
)
from siteplan.solve.options import SolveOptions, resolve
from siteplan.solve.paths import late
from siteplan.solve.prep.reduce import reduce_rows
from siteplan.solve.results import MaxCoverResult
from siteplan.solve.search.greedy import covered_weight, greedy_max_cover
from siteplan.solve.search.swap import swap_search


def _submodular_bound(p: Problem, selected: np.ndarray, pre: np.ndarray, k: int | None,
                      budget: float | None) -> float:
    """``f(S) + best completion of marginal gains w.r.t. S``."""
    covered = p.covered_rows(selected)
    base = float(p.weights[covered].sum())
    gains = p.transpose_matvec(np.where(covered, 0.0, p.weights))
    free = np.setdiff1d(np.arange(p.n_cols), pre)
    capacity = None if budget is None else budget - float(p.cost[pre].sum())
    extra, _, _ = best_completion(gains, p.cost, free, None if k is None else k - pre.size,
                                  capacity)
    coverable_w = float(p.weights[p.coverable].sum())
    return min(base + extra, coverable_w)


def _floor_if(integral: bool, bound: float) -> float:
    """An upper bound rounded down when every value is a whole number."""
    return float(np.floor(bound + 1e-6)) if integral else bound


def _check_size(n_cols: int, pre: np.ndarray, k: int | None, budget: float | None) -> int | None:
    if (k is None) == (budget is None):
        raise SolverError(Msg("solve.maxcover.max_cover_needs"))
    if k is not None:
        if isinstance(k, bool) or int(k) != k or k < 1:
            raise SolverError(Msg("solve.maxcover.k_positive_whole", k=repr(k)))
        k = int(k)
        if k > n_cols:
            raise SolverError(Msg("solve.maxcover.k_larger_than", k=k, n_cols=n_cols))
        if k < pre.size:
            raise SolverError(Msg("solve.maxcover.k_smaller_than", k=k, size=pre.size))
    if budget is not None and not (np.isfinite(budget) and budget >= 0):
        raise SolverError(Msg("solve.maxcover.budget_non_negative", budget=repr(budget)))
    return k


def _mip(p: Problem, k: int | None, budget: float | None, start: np.ndarray, pre: np.ndarray,
         deadline: float, seed: int, nodes: int | None, presolve_min_s: float) -> object:
    limit = 1e7 if deadline == np.inf else max(deadline - time.perf_counter(), 0.01)
    return mip_max_cover(p, k=k, budget=budget, start=start, preselected=pre,
                         time_limit_s=limit, seed=seed, node_limit=nodes,
                         presolve_min_s=presolve_min_s)


def max_cover(A: object, k: int | None = None, *, weights: ArrayLike | None = None,
              cost: ArrayLike | None = None, budget: float | None = None,
              preselected: ArrayLike | None = None, time_limit_s: float | None = None,
              seed: int = 0, method: str = "auto", options: SolveOptions | None = None,
              deterministic: bool | None = None) -> MaxCoverResult:
    """At most ``k`` columns (or total cost within ``budget``) covering most weight.

    ``k`` and ``budget`` count the preselected columns too. ``auto`` runs
    the greedy, then the swap search (exchange a chosen column for another
    while that covers more), the Lagrangian upper bound
    (:mod:`siteplan.solve.bounds.maxbound`, close to the LP relaxation's value),
    then HiGHS (warm-started, in a child process killed at the limit) when
    the instance is small enough, within ``time_limit_s``; the upper bound
    is the least of the submodular, the Lagrangian (rounded down for
    whole-number weights) and the MILP bound. ``options`` and
    ``deterministic`` as for :func:`siteplan.solve.set_cover`.

    Raises
    ------
    SolverError
        Neither or both of ``k``/``budget``, ``k`` larger than the columns or
        smaller than the preselected count, negative budget, bad matrix.
    """
    start_time = time.perf_counter()
    check_method(method)
    check_time(time_limit_s)
    opts = resolve(options, deterministic)
    limit = time_limit_s if time_limit_s is not None else (
        opts.default_time_limit_s if method == "auto" else None)
    clock = Clock(start_time, limit, opts)
    details: dict = {"deterministic": opts.deterministic}
    checked = check_input(A, cost, weights=weights)
    pre = check_preselected(preselected, checked.m.shape[1])
    k = _check_size(checked.m.shape[1], pre, k, budget)
    # large inputs are converted in a child killed at the deadline
    original = late.convert(checked, clock, opts, lambda: late.top_columns(checked, pre, k, budget))
    if isinstance(original, late.Late):  # too late for any search
        return late.max_cover_result(checked, original, clock, method, opts)
    # the tail after a cut is passes over the same matrix: sized from the input's time
    clock.pass_s = time.perf_counter() - start_time
    clock.keep_for_tail(opts.max_cover_tail_per_input * clock.pass_s)
    t = lap(details, "input", start_time)
    p = _merged(original, method, clock, opts, details)
    t = lap(details, "merge_rows", t)
    selected = greedy_max_cover(p, pre, k=k, budget=budget, deadline=clock.soft,
                                details=details)
    if "greedy_cut" in details and opts.deterministic:
        details.setdefault("deterministic_cut", []).append("greedy")
    best_w = covered_weight(p, selected)
    if clock.has_time_for_a_pass():  # a pass that ignores the clock
        upper = _submodular_bound(p, selected, pre, k, budget)
    else:  # out of time: all the coverable weight is a bound too
        upper = float(p.weights[p.coverable].sum())
        details["bound"] = "coverable weight (time limit reached)"
    optimal = upper - best_w <= 1e-9 * max(1.0, upper)
    t = lap(details, "greedy", t)
    small = p.col_rows.size <= opts.core_nnz_limit
    if method == "auto" and not optimal and clock.left() > opts.min_phase_s:
        selected, best_w, upper = _improve(p, pre, k, budget, selected, best_w, upper, clock,
                                           opts, small)
        optimal = upper - best_w <= 1e-9 * max(1.0, upper)
        t = lap(details, "swap_and_bound", t)
    if not optimal and (method == "exact" or (method == "auto" and small and can_fork())):
        selected, best_w, upper, optimal = _exact(p, pre, k, budget, selected, best_w, upper,
                                                  clock, seed, method, details, opts)
        t = lap(details, "highs", t)
    upper = max(upper, best_w)
    total_w = float(original.weights.sum())
    return MaxCoverResult(
        selected=np.sort(selected), cost=float(p.cost[selected].sum()),
        covered=best_w / total_w if total_w > 0 else 1.0, covered_weight=best_w,
        upper_bound=float(upper), uncoverable=np.flatnonzero(~original.coverable), method=method,
        time_s=time.perf_counter() - start_time, optimal=bool(optimal), details=details,
    )


def _merged(p: Problem, method: str, clock: Clock, opts: SolveOptions,
            details: dict) -> Problem:
    """``p`` with identical rows merged (weights summed) when that is
    expected to take at most ``opts.reduce_share`` of the limit (deterministic
    mode: of the nominal time); ``p`` itself otherwise."""
    if method == "greedy":
        return p
    if clock.limit is not None:
        allowed_s = opts.reduce_share * (opts.nominal_s(clock.limit) if opts.deterministic
                                         else clock.limit)
        if p.col_rows.size * opts.merge_s_per_nnz > allowed_s:
            details["merge_rows"] = "skipped (time limit)"
            return p
    merged, _ = reduce_rows(p, dominance=False)
    return merged if merged.n_rows else p


def _improve(p: Problem, pre: np.ndarray, k: int | None, budget: float | None,
             selected: np.ndarray, best_w: float, upper: float, clock: Clock,
             opts: SolveOptions, small: bool) -> tuple[np.ndarray, float, float]:
    """``auto``'s swap search and Lagrangian upper bound: the choice, its
    covered weight and the upper bound."""
    det, limit = opts.deterministic, clock.limit
    share = opts.swap_share_before_highs if small else 1 - opts.wrap_up_share \
        - opts.max_bound_share
    swap_end = clock.soft if det else min(clock.soft, clock.start + share * limit)
    swapped = swap_search(p, selected, pre, budget=budget, deadline=swap_end,
                          patience_columns=opts.swap_patience_columns)
    got = covered_weight(p, swapped)
    if got > best_w + 1e-12:
        selected, best_w = swapped, got
        upper = min(upper, _submodular_bound(p, selected, pre, k, budget))
    bound_end = clock.soft
    iterations = 2000
    if det:
        iterations = int(max(opts.max_bound_share * opts.work_budget(limit)
                             / (2 * p.col_rows.size + 20_000), 1))
    elif small:
        bound_end = min(bound_end, time.perf_counter() + opts.max_bound_share * limit)
    lagrangian, _ = max_cover_upper_bound(p, k=k, budget=budget, preselected=pre,
                                          covered_weight=best_w, deadline=bound_end,
                                          max_iterations=min(iterations, 2000),
                                          options=opts)
    upper = min(upper, _floor_if(bool(np.all(p.weights % 1 == 0)), lagrangian))
    return selected, best_w, upper


def _exact(p: Problem, pre: np.ndarray, k: int | None, budget: float | None,
           selected: np.ndarray, best_w: float, upper: float, clock: Clock, seed: int,
           method: str, details: dict,
           opts: SolveOptions) -> tuple[np.ndarray, float, float, bool]:
    """HiGHS (warm-started) in a child killed at the deadline: the choice,
    its covered weight, the upper bound and whether it is proven."""
    deadline = clock.hard if method == "exact" else clock.soft
    run = ChildRun(_mip, (p, k, budget, selected, pre, deadline, seed, None,
                          opts.max_cover_presolve_min_s),
                   kill_at=clock.kill)
    mip = run.result()
    details["highs"] = "killed" if run.killed else "returned"
    optimal = False
    if mip is not None:
        got = covered_weight(p, mip.selected)
        # deterministic mode: only a finished run's choice (see SolveOptions)
        if got > best_w + 1e-12 and (mip.optimal or not details["deterministic"]):
            selected, best_w = mip.selected, got
        upper = min(upper, mip.bound + 1e-9 * max(1.0, abs(mip.bound)))
        optimal = mip.optimal
    return selected, best_w, upper, optimal


__all__ = ["max_cover"]
