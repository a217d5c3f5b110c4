"""Set cover and max cover on sparse coverage matrices: near-optimal, with bounds.

``set_cover`` chooses the cheapest columns (candidate sites) that reach a
target share of the row (demand) weight; ``max_cover`` chooses at most ``k``
columns (or within a budget) covering the most weight. Both take any
``scipy.sparse`` matrix with rows = demand points and columns = candidates.

Methods
-------
greedy
    Lazy (CELF) greedy plus redundant-column removal; the bound is one
    Lagrangian evaluation at Beasley's starting multipliers.
auto
    Redundant rows dropped (identical and dominated rows, see
    :mod:`siteplan.solve.reduce`), the greedy, the lower bound (the LP
    relaxation by HiGHS, or Lagrangian subgradient optimisation when the LP
    is too big) and a Lagrangian heuristic; then HiGHS on the core problem
    (the columns of least reduced cost per row, warm-started) in a
    background thread, beside the local searches (row weighting, iterated
    greedy; :mod:`siteplan.solve.local`) on a larger core, all within
    ``time_limit``.
exact
    HiGHS MILP on the whole problem, warm-started with the greedy cover,
    stopping at ``time_limit`` with its best solution and bound.

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve import set_cover, max_cover
>>> A = sp.csc_array([[1, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 0]])
>>> res = set_cover(A, [1.0, 1.0, 1.5])
>>> res.selected.tolist(), res.cost, res.uncoverable.tolist()
([0, 1], 2.0, [3])
>>> res.lower_bound <= res.cost
True
>>> max_cover(A, k=1).covered
0.5
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from siteplan.errors import SolverError
from siteplan.solve.exact import BackgroundCover, lp_bound, mip_cover, mip_max_cover
from siteplan.solve.greedy import covered_weight, greedy_cover, greedy_max_cover, remove_redundant
from siteplan.solve.lagrange import (
    _knapsack,
    core_columns,
    initial_multipliers,
    lagrangian_heuristic,
    subgradient,
)
from siteplan.solve.local import BackgroundPortfolio, local_portfolio
from siteplan.solve.maxbound import best_completion, max_cover_upper_bound
from siteplan.solve.problem import Problem, build_problem, check_preselected
from siteplan.solve.reduce import reduce_rows
from siteplan.solve.swap import swap_search

METHODS = ("greedy", "auto", "exact")
#: time limit used by ``method="auto"`` when none is given (seconds)
DEFAULT_AUTO_TIME_LIMIT_S = 10.0
#: how long the local search waits for HiGHS on the core before starting
#: beside it: at most this many seconds and this share of the time left
PROBE_S, PROBE_SHARE = 0.25, 0.05
#: least time left (s) worth a local-search phase, a HiGHS call, and forking
#: a second local search (a fork and its result cost ~10–30 ms)
MIN_PHASE_S, MIN_HIGHS_S, MIN_FORK_S = 0.005, 0.01, 0.5
#: share of the time limit kept free at the end (pruning, the result)
WRAP_UP_SHARE = 0.02
#: share of the time limit ``auto`` may spend dropping redundant rows, and the
#: largest matrix (nonzeros) it tries (at 30 M its set-up alone costs ~10 s)
REDUCE_SHARE, REDUCE_NNZ_LIMIT = 0.25, 10_000_000
#: the row reduction's set-up (hashing every row) costs about this many
#: seconds per nonzero; it is skipped when that exceeds half the time limit
REDUCE_S_PER_NNZ = 5e-7
#: columns per row in the local-search core (least reduced cost first)
LOCAL_CORE_PER_ROW = 20
#: largest core (nonzeros) the row-weighting search runs on (full covers)
ROW_WEIGHTING_NNZ_LIMIT = 2_000_000
#: LP gap ((cover - bound) / cover) above which ``auto`` runs a second local
#: search on the second core instead of HiGHS on the core (HiGHS closes small
#: gaps in seconds, wide ones not at all: OR-Library NRE–NRH, 20–40 %)
HIGHS_GAP_LIMIT = 0.15
#: largest core (nonzeros) handed to HiGHS inside ``auto``
CORE_NNZ_LIMIT = 3_000_000
#: HiGHS on the core is started only with at least this many seconds left
#: per nonzero of the core: its presolve does not stop when asked, so on a
#: short limit it runs past it (a 100,000-nonzero core: ~40 ms) and has no
#: time to find anything anyway
HIGHS_S_PER_NNZ = 1e-6
#: largest matrix (nonzeros) whose LP relaxation gives the bound inside
#: ``auto``, and the share of the time left it may take (HiGHS is not tried
#: when that is under ``MIN_HIGHS_S``: its time limit is not that fine)
LP_NNZ_LIMIT, LP_SHARE = 2_000_000, 0.3
#: share of the remaining time given to the subgradient bound when the LP is
#: too large (at 30M nonzeros the bound gains more from it than the local
#: search does: 0.7 % better covers, against a gap halved from 40 %)
LAGRANGE_SHARE = 0.5
#: share of ``max_cover``'s time limit for the swap search when HiGHS follows
#: (without HiGHS, on large matrices, the swap search gets all of it but the
#: bound's share)
SWAP_SHARE_BEFORE_HIGHS = 0.3
#: share of ``max_cover``'s time limit for the Lagrangian upper bound (it
#: stops sooner once it stalls: ~0.1 s reaches the LP value at 3,000 × 400;
#: on matrices too large for HiGHS it also gets what the swap search left)
MAX_BOUND_SHARE = 0.2


@dataclass(frozen=True)
class SetCoverResult:
    """Result of :func:`set_cover`.

    Attributes
    ----------
    selected : numpy.ndarray
        Sorted chosen columns, preselected included.
    cost : float
        Total cost of the chosen columns.
    lower_bound : float
        Valid lower bound on the optimal cost of this instance.
    covered : float
        Covered fraction of the total row weight.
    uncoverable : numpy.ndarray
        Rows no column covers.
    method : str
        Method used; ``optimal`` is True when the bound proves optimality.
    time_s : float
        Wall-clock time spent.
    """

    selected: np.ndarray
    cost: float
    lower_bound: float
    covered: float
    uncoverable: np.ndarray
    method: str
    time_s: float
    optimal: bool = False
    details: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(cost - lower_bound) / cost`` (0 when cost is 0)."""
        return 0.0 if self.cost <= 0 else max(0.0, (self.cost - self.lower_bound) / self.cost)


@dataclass(frozen=True)
class MaxCoverResult:
    """Result of :func:`max_cover`.

    Attributes
    ----------
    selected : numpy.ndarray
        Sorted chosen columns, preselected included.
    cost : float
        Total cost of the chosen columns.
    covered : float
        Covered fraction of the total row weight.
    covered_weight : float
        Covered row weight.
    upper_bound : float
        Valid upper bound on the coverable weight any feasible choice reaches.
    """

    selected: np.ndarray
    cost: float
    covered: float
    covered_weight: float
    upper_bound: float
    uncoverable: np.ndarray
    method: str
    time_s: float
    optimal: bool = False

    @property
    def gap(self) -> float:
        """Relative gap ``(upper_bound - covered_weight) / upper_bound``."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.covered_weight) / self.upper_bound)


def _lap(details: dict, phase: str, since: float) -> float:
    """Record ``now - since`` as the seconds spent in ``phase`` (in
    ``details["phase_s"]``); returns now."""
    now = time.perf_counter()
    phases = details.setdefault("phase_s", {})
    phases[phase] = round(phases.get(phase, 0.0) + now - since, 3)
    return now


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise SolverError(f"method {method!r} is not one of {', '.join(METHODS)}.")


def _check_time(time_limit: float | None) -> None:
    if time_limit is not None and not (np.isfinite(time_limit) and time_limit > 0):
        raise SolverError(f"time_limit {time_limit!r} must be a positive number of seconds.")


def _quick_bound(p: Problem, pre: np.ndarray) -> float:
    """``L(u0)`` at Beasley's multipliers: a valid, cheap lower bound."""
    sub = p.fix(pre)
    u = initial_multipliers(sub)
    rc = sub.cost - sub.transpose_matvec(u)
    knap, _ = _knapsack(sub, u, p.full_cover)
    return float(rc[rc < 0].sum()) + knap + float(p.cost[pre].sum())


def _optimal_at(bound: float, integral: bool) -> float:
    """The dearest cover cost that ``bound`` proves optimal (integer costs:
    any cost up to the rounded-up bound)."""
    if integral:
        return float(np.ceil(bound - 1e-6)) + 1e-9
    return bound + 1e-9 * max(1.0, abs(bound))


def _proves_optimal(cost: float, bound: float, integral: bool) -> bool:
    return cost <= _optimal_at(bound, integral)


def _local_core(p: Problem, pre: np.ndarray, selected: np.ndarray,
                reduced: np.ndarray) -> tuple[np.ndarray, Problem, np.ndarray, np.ndarray]:
    """The local-search core: the ``LOCAL_CORE_PER_ROW`` columns of least
    reduced cost per row, plus the cover and the preselected; returns the
    global columns, the core problem, and the cover and the preselected as
    core indices."""
    core = core_columns(p, reduced, per_row=LOCAL_CORE_PER_ROW, must=np.union1d(selected, pre))
    return (core, p.keep_columns(core), np.searchsorted(core, selected),
            np.searchsorted(core, pre))


def _improve(p: Problem, pre: np.ndarray, selected: np.ndarray, best_cost: float,
             bound: float, deadline: float, seed: int,
             details: dict) -> tuple[float, np.ndarray, float]:
    """``auto``: a bound with multipliers (LP duals when the LP is small, else
    subgradient), the Lagrangian heuristic, then HiGHS on the core in a
    background thread beside the local search, until the deadline."""
    integral = bool(np.all(p.cost % 1 == 0))
    lap = time.perf_counter()
    if deadline - lap < MIN_PHASE_S:
        return bound, selected, best_cost
    lp = None
    lp_time = LP_SHARE * (deadline - lap)
    if p.col_rows.size <= LP_NNZ_LIMIT and lp_time >= MIN_HIGHS_S:
        lp = lp_bound(p, pre, time_limit_s=lp_time, seed=seed,
                      presolve="rows_after_reduction" not in details)
    if lp is not None:
        bound = max(bound, lp[0])
        prices = lp[1]
        reduced = p.cost - p.transpose_matvec(prices)
        details["bound"] = "lp"
        heuristic = lagrangian_heuristic(p, reduced, pre)
        if float(p.cost[heuristic].sum()) < best_cost:
            selected, best_cost = heuristic, float(p.cost[heuristic].sum())
    else:
        lag_deadline = time.perf_counter() + LAGRANGE_SHARE * (deadline - time.perf_counter())
        state = subgradient(p, upper_bound=best_cost, best_selected=selected, preselected=pre,
                            deadline=lag_deadline, seed=seed)
        bound = max(bound, state.lower_bound)
        reduced, prices = state.reduced_cost, state.multipliers
        details.update(bound="lagrangian", lagrange_iterations=state.iterations)
        if state.best_cost < best_cost:
            selected, best_cost = state.best_selected, state.best_cost
    lap = _lap(details, "bound", lap)
    # beside the local search, on the second core: HiGHS on a core in a
    # thread (it proves many instances in milliseconds: wait for it
    # briefly), or, when the LP gap is too wide for it to close, a second
    # local search in a forked process
    remaining = deadline - time.perf_counter()
    if _proves_optimal(best_cost, bound, integral) or remaining < MIN_PHASE_S:
        return bound, selected, best_cost
    stop_at = _optimal_at(bound, integral)
    local_cols, q, start, fixed = _local_core(p, pre, selected, reduced)
    details["local_core_columns"] = int(local_cols.size)
    options = dict(prices=prices, stop_at=stop_at,
                   row_weighting=q.col_rows.size <= ROW_WEIGHTING_NNZ_LIMIT)
    lp_gap = (best_cost - bound) / best_cost if best_cost > 0 else 0.0
    background, second, core = None, None, None
    if lp_gap > HIGHS_GAP_LIMIT and BackgroundPortfolio.available and remaining >= MIN_FORK_S:
        second = BackgroundPortfolio(q, local_cols, start, fixed, deadline,
                                     dict(options, seed=seed + 1))
    elif remaining >= MIN_HIGHS_S:
        core = core_columns(p, reduced, per_row=8, must=selected)
        details["core_columns"] = int(core.size)
        core_nnz = int(np.diff(p.col_ptr)[core].sum())
        if core_nnz <= CORE_NNZ_LIMIT and remaining >= HIGHS_S_PER_NNZ * core_nnz:
            background = BackgroundCover(p, core, start=selected, preselected=pre,
                                         time_limit_s=remaining, seed=seed)
            background.wait(min(PROBE_S, PROBE_SHARE * remaining))
    details["beside_local_search"] = ("local search" if second is not None else
                                      "highs" if background is not None else "nothing")
    lap = _lap(details, "second_core_start", lap)

    def keep_going() -> bool:
        found = background.peek() if background is not None else None
        return found is None or not (found.objective <= stop_at or (
            found.optimal and core.size == p.n_cols))

    if keep_going() and deadline - time.perf_counter() >= MIN_PHASE_S:
        local = local_cols[local_portfolio(q, start, fixed, deadline, seed=seed,
                                           keep_going=keep_going, details=details, **options)]
        if float(p.cost[local].sum()) < best_cost - 1e-9:
            selected, best_cost = local, float(p.cost[local].sum())
            details["local_search_cost"] = best_cost
    lap = _lap(details, "local_search", lap)
    found = []
    if second is not None:
        other = second.stop(wait=best_cost > stop_at)
        if other is not None:
            found.append(("second_local_search_cost", other))
    mip = background.stop() if background is not None else None
    if mip is not None:
        found.append(("highs_cost", mip.selected))
        if core.size == p.n_cols:
            bound = max(bound, mip.bound)
    _lap(details, "second_core_stop", lap)
    for name, other in found:
        if float(p.cost[other].sum()) < best_cost - 1e-9 and p.feasible(other):
            selected = remove_redundant(p, other, pre)
            best_cost = float(p.cost[selected].sum())
            details[name] = best_cost
    return bound, selected, best_cost


def set_cover(A: object, cost: ArrayLike | None = None, *, weights: ArrayLike | None = None,
              target: float | ArrayLike = 1.0, preselected: ArrayLike | None = None,
              time_limit: float | None = None, seed: int = 0, method: str = "auto",
              groups: ArrayLike | None = None) -> SetCoverResult:
    """Cheapest set of columns covering ``target`` of the coverable row weight.

    Parameters
    ----------
    A : scipy.sparse matrix
        Rows = demand points, columns = candidates, nonzero = covers.
    cost : array, optional
        Cost per column (default 1).
    weights : array, optional
        Weight per row (default 1).
    target : float or array
        Fraction in (0, 1] of the coverable weight to cover; with ``groups``
        one fraction per group (each group is reached separately).
    preselected : array of int or bool mask, optional
        Columns that must be chosen (on-air sites, earlier milestones).
    time_limit : float, optional
        Seconds; ``auto`` defaults to 10, ``exact`` to no limit.
    seed : int
        Seed for the randomised parts. The result repeats for a seed when
        the search ends before the time limit (``greedy``, or a proven
        optimum); when the limit binds, it depends on how far the searches
        got (and ``auto`` runs two at once), as for any time-limited solver.
    method : {"auto", "greedy", "exact"}
    groups : array of int, optional
        Group label per row (e.g. target area), for per-group targets.

    Returns
    -------
    SetCoverResult

    Raises
    ------
    SolverError
        Non-sparse or wrong-shaped ``A``, negative or NaN costs, bad target.
    """
    start_time = time.perf_counter()
    _check_method(method)
    _check_time(time_limit)
    original = build_problem(A, cost, weights=weights, target=target, groups=groups)
    pre = check_preselected(preselected, original.n_cols)
    limit = time_limit if time_limit is not None else (
        DEFAULT_AUTO_TIME_LIMIT_S if method == "auto" else None)
    # the last WRAP_UP_SHARE of the limit is kept for pruning and the result
    deadline = start_time + (1 - WRAP_UP_SHARE) * limit if limit is not None else np.inf
    details: dict = {}
    lap = _lap(details, "input", start_time)
    p = original
    if (method == "auto" and original.col_rows.size <= REDUCE_NNZ_LIMIT
            and original.col_rows.size * REDUCE_S_PER_NNZ <= 0.5 * limit):
        reduced, _ = reduce_rows(original, deadline=start_time + REDUCE_SHARE * limit)
        if reduced.n_rows:
            p = reduced
        details["rows_after_reduction"] = p.n_rows
        lap = _lap(details, "reduce_rows", lap)
    integral = bool(np.all(p.cost % 1 == 0))
    selected = remove_redundant(p, greedy_cover(p, pre), pre)
    best_cost = float(p.cost[selected].sum())
    lap = _lap(details, "greedy", lap)
    bound = min(_quick_bound(p, pre), best_cost)
    lap = _lap(details, "quick_bound", lap)
    details["greedy_cost"] = best_cost
    optimal = _proves_optimal(best_cost, bound, integral)
    if method == "auto" and not optimal:
        bound, selected, best_cost = _improve(p, pre, selected, best_cost, bound, deadline,
                                              seed, details)
        optimal = _proves_optimal(best_cost, bound, integral)
    elif method == "exact" and not optimal:
        remaining = np.inf if limit is None else max(deadline - time.perf_counter(), 0.05)
        mip = mip_cover(p, np.arange(p.n_cols), start=selected, preselected=pre,
                        time_limit_s=min(remaining, 1e7), seed=seed)
        if mip is not None:
            if mip.objective < best_cost - 1e-9 and p.feasible(mip.selected):
                selected, best_cost = mip.selected, float(p.cost[mip.selected].sum())
            bound = max(bound, mip.bound)
            optimal = mip.optimal or _proves_optimal(best_cost, bound, integral)
    bound = min(bound, best_cost)
    total_w = float(original.weights.sum())
    covered = covered_weight(original, selected) / total_w if total_w > 0 else 1.0
    return SetCoverResult(
        selected=np.sort(selected), cost=best_cost, lower_bound=float(bound), covered=covered,
        uncoverable=np.flatnonzero(~original.coverable), method=method,
        time_s=time.perf_counter() - start_time, optimal=bool(optimal), details=details,
    )


def _max_cover_bound(p: Problem, selected: np.ndarray, pre: np.ndarray, k: int | None,
                     budget: float | None) -> float:
    """Submodular bound ``f(S) + best completion of marginal gains w.r.t. S``."""
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


def max_cover(A: object, k: int | None = None, *, weights: ArrayLike | None = None,
              cost: ArrayLike | None = None, budget: float | None = None,
              preselected: ArrayLike | None = None, time_limit: float | None = None,
              seed: int = 0, method: str = "auto") -> MaxCoverResult:
    """At most ``k`` columns (or total cost within ``budget``) covering most weight.

    ``k`` and ``budget`` count the preselected columns too. ``auto`` runs
    the greedy, then the swap search (exchange a chosen column for another
    while that covers more), the Lagrangian upper bound
    (:mod:`siteplan.solve.maxbound`, close to the LP relaxation's value),
    then HiGHS (warm-started) when the instance is small enough, within
    ``time_limit``; the upper bound is the least of the submodular, the
    Lagrangian (rounded down for whole-number weights) and the MILP bound.

    Raises
    ------
    SolverError
        Neither or both of ``k``/``budget``, ``k`` larger than the columns or
        smaller than the preselected count, negative budget, bad matrix.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csc_array([[1, 0], [1, 0], [0, 1]])
    >>> r = max_cover(A, k=1, method="greedy")
    >>> r.selected.tolist(), r.covered_weight, r.upper_bound >= r.covered_weight
    ([0], 2.0, True)
    """
    start_time = time.perf_counter()
    _check_method(method)
    _check_time(time_limit)
    p = build_problem(A, cost, weights=weights)
    pre = check_preselected(preselected, p.n_cols)
    if (k is None) == (budget is None):
        raise SolverError("max_cover needs exactly one of k (a site count) or budget.")
    if k is not None:
        if isinstance(k, bool) or int(k) != k or k < 1:
            raise SolverError(f"k = {k!r} must be a positive whole number.")
        k = int(k)
        if k > p.n_cols:
            raise SolverError(f"k = {k} is larger than the {p.n_cols} columns of A.")
        if k < pre.size:
            raise SolverError(f"k = {k} is smaller than the {pre.size} preselected columns.")
    if budget is not None and not (np.isfinite(budget) and budget >= 0):
        raise SolverError(f"budget {budget!r} must be a non-negative number.")
    original = p
    if method != "greedy":
        merged, _ = reduce_rows(p, dominance=False)  # identical rows: weights summed
        if merged.n_rows:
            p = merged
    selected = greedy_max_cover(p, pre, k=k, budget=budget)
    upper = _max_cover_bound(p, selected, pre, k, budget)
    best_w = covered_weight(p, selected)
    optimal = upper - best_w <= 1e-9 * max(1.0, upper)
    limit = time_limit if time_limit is not None else (
        DEFAULT_AUTO_TIME_LIMIT_S if method == "auto" else None)
    small = p.col_rows.size <= CORE_NNZ_LIMIT
    integral = bool(np.all(p.weights % 1 == 0))
    if method == "auto" and not optimal:
        share = SWAP_SHARE_BEFORE_HIGHS if small else 1 - WRAP_UP_SHARE - MAX_BOUND_SHARE
        swapped = swap_search(p, selected, pre, budget=budget,
                              deadline=start_time + share * limit)
        got = covered_weight(p, swapped)
        if got > best_w + 1e-12:
            selected, best_w = swapped, got
            upper = min(upper, _max_cover_bound(p, selected, pre, k, budget))
        # the bound's share before HiGHS; without HiGHS to follow, all the
        # swap search left
        bound_end = start_time + (1 - WRAP_UP_SHARE) * limit
        if small:
            bound_end = min(bound_end, time.perf_counter() + MAX_BOUND_SHARE * limit)
        lagrangian, _ = max_cover_upper_bound(p, k=k, budget=budget, preselected=pre,
                                              covered_weight=best_w, deadline=bound_end)
        upper = min(upper, _floor_if(integral, lagrangian))
        optimal = upper - best_w <= 1e-9 * max(1.0, upper)
    if not optimal and (method == "exact" or (method == "auto" and small)):
        remaining = 1e7 if limit is None else max(start_time + limit - time.perf_counter(), 0.05)
        mip = mip_max_cover(p, k=k, budget=budget, start=selected, preselected=pre,
                            time_limit_s=remaining, seed=seed)
        if mip is not None:
            got = covered_weight(p, mip.selected)
            if got > best_w + 1e-12:
                selected, best_w = mip.selected, got
            upper = min(upper, mip.bound + 1e-9 * max(1.0, abs(mip.bound)))
            optimal = mip.optimal
    upper = max(upper, best_w)
    total_w = float(original.weights.sum())
    return MaxCoverResult(
        selected=np.sort(selected), cost=float(p.cost[selected].sum()),
        covered=best_w / total_w if total_w > 0 else 1.0, covered_weight=best_w,
        upper_bound=float(upper), uncoverable=np.flatnonzero(~original.coverable), method=method,
        time_s=time.perf_counter() - start_time, optimal=bool(optimal),
    )


__all__ = ["MaxCoverResult", "SetCoverResult", "max_cover", "set_cover"]
