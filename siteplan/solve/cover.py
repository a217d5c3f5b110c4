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

from siteplan.solve.clock import Clock, lap
from siteplan.solve.instance import (
    METHODS,
    Problem,
    check_input,
    check_method,
    check_preselected,
    check_time,
)
from siteplan.solve.options import SolveOptions, resolve
from siteplan.solve.paths import late
from siteplan.solve.paths.general import build_general, general_cover, plain
from siteplan.solve.paths.pieces import split_cover
from siteplan.solve.paths.single import solve_problem
from siteplan.solve.results import SetCoverResult
from siteplan.solve.search.greedy import covered_weight
from siteplan.solve.strategy import Shape, set_cover_paths


def set_cover(A: object, cost: ArrayLike | None = None, *, weights: ArrayLike | None = None,
              target: float | ArrayLike = 1.0, preselected: ArrayLike | None = None,
              time_limit_s: float | None = None, seed: int = 0, method: str = "auto",
              groups: ArrayLike | None = None, cover_requirement: ArrayLike | None = None,
              capacity: object | None = None, options: SolveOptions | None = None,
              deterministic: bool | None = None) -> SetCoverResult:
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

    Which path solves the call is :mod:`siteplan.solve.strategy`'s table.

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
    check_method(method)
    check_time(time_limit_s)
    opts = resolve(options, deterministic)
    limit = time_limit_s if time_limit_s is not None else (
        opts.default_time_limit_s if method == "auto" else None)
    clock = Clock(start_time, limit, opts)
    if cover_requirement is None and capacity is None:
        checked = check_input(A, cost, weights=weights, target=target, groups=groups)
        pre = check_preselected(preselected, checked.m.shape[1])
        # large inputs are converted in a child killed at the deadline
        converted = late.convert(checked, clock, opts, lambda: late.cheapest_cover(checked, pre))
        if isinstance(converted, late.Late):  # too late for any search
            return late.set_cover_result(checked, pre, converted, clock, method, opts)
        g = plain(converted)
    else:
        g = build_general(A, cost, weights=weights, target=target, groups=groups,
                          cover_requirement=cover_requirement, capacity=capacity)
        pre = check_preselected(preselected, g.p.n_cols)
    # the tail after a cut is passes over the same matrix: sized from the input's time
    clock.pass_s = time.perf_counter() - start_time
    clock.keep_for_tail(opts.tail_per_input * clock.pass_s)
    shape = Shape(method=method, multicover=cover_requirement is not None,
                  capacity=capacity is not None, groups=g.p.n_groups, nnz=int(g.p.col_rows.size))
    for path in set_cover_paths(shape, opts):
        if path == "pieces":  # None: one piece, solved whole below
            result = split_cover(g, pre, clock, seed, opts)
        elif path == "general":
            result = general_cover(g, pre, clock, seed, method, opts)
        else:
            result = _single(g.p, pre, clock, seed, method, opts)
        if result is not None:
            return result
    raise AssertionError(f"no path for {shape}")  # the table's last rules cover every shape


def _single(original: Problem, pre: np.ndarray, clock: Clock, seed: int, method: str,
            opts: SolveOptions) -> SetCoverResult:
    """The single-cover path (:mod:`siteplan.solve.paths.single`) and its result."""
    details: dict = {"deterministic": opts.deterministic}
    lap(details, "input", clock.start)
    selected, best_cost, bound, optimal = solve_problem(original, pre, clock, seed, method,
                                                        details, opts)
    total_w = float(original.weights.sum())
    covered = covered_weight(original, selected) / total_w if total_w > 0 else 1.0
    return SetCoverResult(
        selected=np.sort(selected), cost=best_cost, lower_bound=float(bound), covered=covered,
        uncoverable=np.flatnonzero(~original.coverable), method=method,
        time_s=time.perf_counter() - clock.start, optimal=bool(optimal), details=details,
    )


__all__ = ["METHODS", "set_cover"]
