"""``set_cover``: the cheapest columns reaching coverage (and capacity) targets.

Examples
--------
>>> import scipy.sparse as sp
>>> A = sp.csc_array([[1, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 0]])
>>> res = set_cover(A, [1.0, 1.0, 1.5])
>>> res.selected.tolist(), res.cost, res.uncoverable.tolist(), res.optimal
([0, 1], 2.0, [3], True)
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import ArrayLike

from siteplan.errors import SolverError
from siteplan.solve.auto import (
    Clock,
    cost_unit,
    exact_milp,
    improve,
    lap,
    proves_optimal,
    quick_bound,
    round_up,
)
from siteplan.solve.greedy import covered_weight, greedy_cover, remove_redundant
from siteplan.solve.options import SolveOptions, resolve
from siteplan.solve.problem import Problem, build_problem, check_preselected
from siteplan.solve.reduce import reduce_rows
from siteplan.solve.results import SetCoverResult, deprecated_time_limit

METHODS = ("greedy", "auto", "exact")


def check_method(method: str) -> None:
    if method not in METHODS:
        raise SolverError(f"method {method!r} is not one of {', '.join(METHODS)}.")


def check_time(time_limit_s: float | None) -> None:
    if time_limit_s is not None and not (
            isinstance(time_limit_s, int | float) and np.isfinite(time_limit_s)
            and time_limit_s > 0):
        raise SolverError(f"time_limit_s {time_limit_s!r} must be a positive number of seconds.")


def set_cover(A: object, cost: ArrayLike | None = None, *, weights: ArrayLike | None = None,
              target: float | ArrayLike = 1.0, preselected: ArrayLike | None = None,
              time_limit_s: float | None = None, seed: int = 0, method: str = "auto",
              groups: ArrayLike | None = None, cover_requirement: ArrayLike | None = None,
              capacity: object | None = None, options: SolveOptions | None = None,
              deterministic: bool | None = None,
              time_limit: float | None = None) -> SetCoverResult:
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
        Share in (0, 1] of the coverable weight to cover; with ``groups``
        one share per group (each group is reached separately).
    preselected : array of int or bool mask, optional
        Columns that must be chosen (on-air sites, earlier milestones).
    time_limit_s : float, optional
        Seconds; ``auto`` defaults to ``options.default_time_limit_s`` (10),
        ``exact`` to no limit. No call returns more than max(1 s, 10 %)
        past it (HiGHS runs in a child process killed at the deadline); in
        deterministic mode the deadline is the limit plus
        ``options.overrun_s(limit)`` (0.8 s or 8 %).
    seed : int
        Seed for the randomised parts.
    method : {"auto", "greedy", "exact"}
    groups : array of int, optional
        Group label per row (e.g. target area), for per-group targets.
    cover_requirement : array of int, optional
        Chosen columns a row needs to count as covered (default 1 each;
        multicover). A row with fewer covering columns in ``A`` is
        uncoverable.
    capacity : CapacityConstraints, optional
        Knapsack-cover rows ``sum_j matrix[g, j] x_j >= demand[g]``
        (preselected columns count); demand that even all columns cannot
        meet is reported in ``capacity_shortfall`` and the rest is met.
    options : SolveOptions, optional
        Tunables (:class:`siteplan.solve.options.SolveOptions`).
    deterministic : bool, optional
        Shortcut for ``options.deterministic``: the cover depends only on
        the inputs and ``seed``, not on machine load; every search stops on
        counted work sized from the time limit, which fits a machine up to
        about twice as slow as assumed; the clock still stops the call at
        the limit plus ``options.overrun_s(limit)`` (if it stops the work,
        e.g. on a much busier machine, the result can depend on timing;
        ``details["deterministic_cut"]`` then names the stages cut).
    time_limit : float, optional
        Deprecated name of ``time_limit_s``.

    Returns
    -------
    SetCoverResult
        ``optimal`` is True when the bound proves the cover optimal
        (relative gap ≤ 1e-6); ``auto`` stops as soon as that is so.

    Raises
    ------
    SolverError
        Non-sparse or wrong-shaped ``A``, negative or NaN costs, bad target,
        bad cover requirement or capacity.
    """
    start_time = time.perf_counter()
    time_limit_s = deprecated_time_limit(time_limit_s, time_limit, "set_cover")
    check_method(method)
    check_time(time_limit_s)
    opts = resolve(options, deterministic)
    limit = time_limit_s if time_limit_s is not None else (
        opts.default_time_limit_s if method == "auto" else None)
    clock = Clock(start_time, limit, opts)
    g = None
    if method == "auto" and cover_requirement is None:
        # independent pieces (a milestone's towns and villages) solved apart
        from siteplan.solve.components import plain, split_cover
        from siteplan.solve.general import build_general

        if capacity is None:
            original = build_problem(A, cost, weights=weights, target=target, groups=groups)
            g = plain(original)
        else:
            g = build_general(A, cost, weights=weights, target=target, groups=groups,
                              cover_requirement=None, capacity=capacity)
        split = split_cover(g, check_preselected(preselected, g.p.n_cols), clock, seed, opts)
        if split is not None:
            return split
    if cover_requirement is not None or capacity is not None:
        from siteplan.solve.general import general_cover
        return general_cover(A, cost, weights=weights, target=target, preselected=preselected,
                             clock=clock, seed=seed, method=method, groups=groups,
                             cover_requirement=cover_requirement, capacity=capacity,
                             options=opts, general=g)
    if method != "auto":
        original = build_problem(A, cost, weights=weights, target=target, groups=groups)
    pre = check_preselected(preselected, original.n_cols)
    details: dict = {"deterministic": opts.deterministic}
    lap(details, "input", start_time)
    selected, best_cost, bound, optimal = solve_problem(original, pre, clock, seed, method,
                                                        details, opts)
    total_w = float(original.weights.sum())
    covered = covered_weight(original, selected) / total_w if total_w > 0 else 1.0
    return SetCoverResult(
        selected=np.sort(selected), cost=best_cost, lower_bound=float(bound), covered=covered,
        uncoverable=np.flatnonzero(~original.coverable), method=method,
        time_s=time.perf_counter() - start_time, optimal=bool(optimal), details=details,
    )


def solve_problem(original: Problem, pre: np.ndarray, clock: Clock, seed: int, method: str,
                  details: dict, opts: SolveOptions) -> tuple[np.ndarray, float, float, bool]:
    """The body of :func:`set_cover` on a checked problem: the cover, its
    cost, the lower bound (rounded up to the cost step) and whether it is
    proven optimal. ``details`` gets the phases.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.options import SolveOptions
    >>> p = build_problem(sp.csc_array([[1, 1, 0], [0, 1, 1]]), [1.0, 3.0, 1.0])
    >>> opts = SolveOptions()
    >>> sel, cost, bound, optimal = solve_problem(p, np.zeros(0, np.int64),
    ...     Clock(time.perf_counter(), 5.0, opts), 0, "auto", {}, opts)
    >>> sel.tolist(), cost, bound, optimal
    ([0, 2], 2.0, 2.0, True)
    """
    start_time, limit = clock.start, clock.limit
    t = time.perf_counter()
    p = original
    if (method == "auto" and original.col_rows.size <= opts.reduce_nnz_limit
            and original.col_rows.size * opts.reduce_s_per_nnz
            <= 0.5 * (opts.nominal_s(limit) if opts.deterministic else limit)):
        stop = clock.soft if opts.deterministic else start_time + opts.reduce_share * limit
        reduced, _ = reduce_rows(original, deadline=stop,
                                 bitset_words_per_row=opts.bitset_words_per_row)
        if reduced.n_rows:
            p = reduced
        details["rows_after_reduction"] = p.n_rows
        t = lap(details, "reduce_rows", t)
    unit = cost_unit(p.cost)
    # the greedy stops at the soft deadline (its cover completed by each
    # short row's cheapest column), the pruning a little past the limit
    first = greedy_cover(p, pre, eager_cols_limit=opts.eager_cols_limit, deadline=clock.soft,
                         details=details)
    selected = remove_redundant(p, first, pre, deadline=clock.prune)
    best_cost = float(p.cost[selected].sum())
    t = lap(details, "greedy", t)
    if "greedy_cut" in details and opts.deterministic:
        details.setdefault("deterministic_cut", []).append("greedy")
    if time.perf_counter() < clock.soft:
        bound = min(quick_bound(p, pre), best_cost)
        t = lap(details, "quick_bound", t)
    else:  # out of time: the preselected's cost is a bound too
        bound = float(p.cost[pre].sum())
        details["bound"] = "preselected cost (time limit reached)"
    details["greedy_cost"] = best_cost
    optimal = proves_optimal(best_cost, bound, unit)
    if method == "auto" and not optimal:
        bound, selected, best_cost = improve(p, pre, selected, best_cost, bound, clock, seed,
                                             details, opts)
        optimal = proves_optimal(best_cost, bound, unit)
    elif method == "exact" and not optimal:
        mip = exact_milp(p, pre, selected, clock, opts, seed).result()
        if mip is not None:
            if mip.objective < best_cost - 1e-9 and p.feasible(mip.selected):
                selected, best_cost = mip.selected, float(p.cost[mip.selected].sum())
            bound = max(bound, mip.bound)
            optimal = mip.optimal or proves_optimal(best_cost, bound, unit)
    bound = round_up(bound, unit)  # every cover costs a multiple of the unit
    bound = min(bound, best_cost) + 0.0  # never -0.0
    return selected, best_cost, bound, optimal


__all__ = ["METHODS", "set_cover", "solve_problem"]
