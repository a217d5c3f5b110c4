"""The single-cover path: one instance (no multicover, no capacity rows)
solved whole: row reduction, the greedy, a first bound, then ``auto``'s
improvement (:mod:`siteplan.solve.paths.auto`) or HiGHS (``exact``).

Every phase stops at the call's clock (:class:`siteplan.solve.clock.Clock`):
the greedy is cut and completed at the soft deadline, the pruning stops a
little past the limit, and no phase starts after the deadline.
"""

from __future__ import annotations

import time

import numpy as np

from siteplan.solve.bounds.lagrange import quick_bound
from siteplan.solve.bounds.proof import cost_unit, proves_optimal, round_up
from siteplan.solve.clock import Clock, lap
from siteplan.solve.instance import Problem
from siteplan.solve.options import SolveOptions
from siteplan.solve.paths.auto import exact_milp, improve
from siteplan.solve.prep.reduce import reduce_rows
from siteplan.solve.search.greedy import greedy_cover, remove_redundant


def solve_problem(original: Problem, pre: np.ndarray, clock: Clock, seed: int, method: str,
                  details: dict, opts: SolveOptions) -> tuple[np.ndarray, float, float, bool]:
    """The body of :func:`set_cover` on a checked problem: the cover, its
    cost, the lower bound (rounded up to the cost step) and whether it is
    proven optimal. ``details`` gets the phases.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
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
                                 options=opts)
        if reduced.n_rows:
            p = reduced
        details["rows_after_reduction"] = p.n_rows
        t = lap(details, "reduce_rows", t)
    unit = cost_unit(p.cost)
    # the greedy stops at the call's soft deadline (never a share's: its cover is
    # completed by each short row's cheapest column), the pruning a little past it
    first = greedy_cover(p, pre, eager_cols_limit=opts.eager_cols_limit,
                         deadline=clock.call_soft, details=details)
    selected = remove_redundant(p, first, pre, deadline=clock.call_prune)
    best_cost = float(p.cost[selected].sum())
    t = lap(details, "greedy", t)
    if "greedy_cut" in details and opts.deterministic:
        details.setdefault("deterministic_cut", []).append("greedy")
    if clock.has_time_for_a_pass():  # the quick bound is two passes that ignore the clock
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


__all__ = ["solve_problem"]
