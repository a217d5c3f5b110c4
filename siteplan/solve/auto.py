"""``method="auto"`` for set cover: bound, exact MILP beside local search.

After the greedy (see :mod:`siteplan.solve.cover`), :func:`improve`

1. bounds the optimum: the LP relaxation by HiGHS (for partial and grouped
   covers the LP of ``x`` per column, ``y_i <= sum_j a_ij x_j`` per row and
   ``sum_{i in g} w_i y_i >= R_g`` per group), or Lagrangian subgradient
   optimisation when the LP is too big, plus the Lagrangian heuristic;
2. starts, on the second core, HiGHS on the whole MILP (when it has at most
   ``exact_nnz_limit`` nonzeros; for partial and grouped covers already
   before step 1; on the problem :func:`siteplan.solve.fixing.shrink`
   makes, with the best cover's cost as objective bound: it proves most
   planner problems), or HiGHS on a core of the columns of least reduced cost,
   or, for full covers whose LP gap is too wide for HiGHS, a second local
   search; HiGHS always runs in a child process killed at the deadline;
3. runs the local searches (:mod:`siteplan.solve.local`) on the main thread
   until the deadline, or until the cover is proven optimal (relative gap
   ≤ ``OPTIMALITY_GAP``: by the bound, or by HiGHS finishing the whole MILP).

In deterministic mode (:class:`siteplan.solve.options.SolveOptions`) every
stage counts work, HiGHS gets a node budget, and what runs beside the local
search is always waited for, so the result does not depend on timing.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from siteplan.solve.child import ChildRun, can_fork
from siteplan.solve.exact import MipResult, lp_bound, mip_cover
from siteplan.solve.fixing import Shrunk, shrink
from siteplan.solve.greedy import remove_redundant
from siteplan.solve.lagrange import (
    _knapsack,
    core_columns,
    initial_multipliers,
    lagrangian_heuristic,
    subgradient,
)
from siteplan.solve.local import BackgroundPortfolio, local_portfolio
from siteplan.solve.options import SolveOptions
from siteplan.solve.problem import Problem

#: relative gap at which a cover counts as proven optimal
OPTIMALITY_GAP = 1e-6


class Clock:
    """The deadlines of one call: ``soft`` for the searches (the last
    ``wrap_up_share`` of the limit is kept for the result), ``hard`` the
    limit itself, ``kill`` when child processes are killed."""

    def __init__(self, start: float, limit: float | None, options: SolveOptions) -> None:
        self.start, self.limit = start, limit
        if limit is None:
            self.soft = self.hard = self.kill = np.inf
        else:
            # deterministic: budgets come from ``limit``, and the clock stops the
            # call within max(1 s, 10 %) past it (``overrun_s``)
            wall = limit + options.overrun_s(limit)
            self.soft = start + (1 - options.wrap_up_share) * wall
            self.hard = start + wall
            self.kill = self.hard + min(options.kill_grace_s, 0.05 * wall + 0.05)
        # a cover cut by the deadline (a greedy completed in one pass) is pruned
        # until here: a quarter of the max(1 s, 10 %) every call may overrun
        # (deterministic mode: its own overrun is the margin)
        self.prune = self.hard if options.deterministic or limit is None else \
            self.hard + 0.25 * max(1.0, 0.1 * limit)

    def left(self) -> float:
        return self.soft - time.perf_counter()


def lap(details: dict, phase: str, since: float) -> float:
    """Record ``now - since`` as the seconds spent in ``phase`` (in
    ``details["phase_s"]``); returns now."""
    now = time.perf_counter()
    phases = details.setdefault("phase_s", {})
    phases[phase] = round(phases.get(phase, 0.0) + now - since, 3)
    return now


def quick_bound(p: Problem, pre: np.ndarray) -> float:
    """``L(u0)`` at Beasley's multipliers: a valid, cheap lower bound."""
    sub = p.fix(pre)
    u = initial_multipliers(sub)
    rc = sub.cost - sub.transpose_matvec(u)
    knap, _ = _knapsack(sub, u, p.full_cover)
    return float(rc[rc < 0].sum()) + knap + float(p.cost[pre].sum())


def cost_unit(cost: np.ndarray) -> float:
    """The largest number every cost is a whole multiple of (the greatest
    common divisor of whole-number costs, e.g. 5,000 for costs in steps of
    5,000 CNY), so every cover costs a multiple of it; 0 when the costs are
    not whole numbers.

    Examples
    --------
    >>> cost_unit(np.array([150_000.0, 400_000.0, 0.0])), cost_unit(np.array([1.5, 2.0]))
    (50000.0, 0.0)
    """
    if cost.size == 0 or not np.all(cost % 1 == 0) or cost.max(initial=0) >= 2**52:
        return 0.0
    unit = int(np.gcd.reduce(cost.astype(np.int64)))
    return float(unit)


def round_up(bound: float, unit: float) -> float:
    """A lower bound raised to the next multiple of ``unit`` (0: unchanged);
    a bound within a relative 1e-6 above a multiple (LP round-off) stays at it."""
    if unit <= 0 or not np.isfinite(bound):
        return bound
    units = bound / unit
    return float(np.ceil(units - 1e-6 * max(1.0, abs(units))) * unit)


def optimal_at(bound: float, unit: float) -> float:
    """The dearest cover cost that ``bound`` proves optimal: within
    ``OPTIMALITY_GAP`` of it, or of the bound rounded up to the next
    multiple of the cost ``unit`` (:func:`cost_unit`)."""
    tol = OPTIMALITY_GAP * max(1.0, abs(bound))
    return max(round_up(bound, unit), bound) + tol


def proves_optimal(cost: float, bound: float, unit: float) -> bool:
    return cost <= optimal_at(bound, unit)


def exact_milp(p: Problem, pre: np.ndarray, start: np.ndarray, clock: Clock,
               options: SolveOptions, seed: int,
               columns: np.ndarray | None = None) -> ChildRun:
    """HiGHS on ``columns`` (default all) in a child process: HiGHS's own
    limit is the soft deadline, the child is killed at ``clock.kill``. On all
    columns HiGHS sees the problem :func:`siteplan.solve.fixing.shrink`
    makes; when that has at most ``options.inprocess_nnz_limit`` nonzeros
    HiGHS runs here instead (its uninterruptible phases take milliseconds at
    that size, less than starting a process)."""
    columns = np.arange(p.n_cols) if columns is None else columns
    if columns.size == p.n_cols:
        s = shrink(p, pre)
        if s.problem.col_rows.size <= options.inprocess_nnz_limit:
            return Finished(_mip(p, columns, start, pre, seed, None, clock.soft, s))
        return ChildRun(_mip, (p, columns, start, pre, seed, None, clock.soft, s),
                        kill_at=clock.kill)
    return ChildRun(_mip, (p, columns, start, pre, seed, None, clock.soft), kill_at=clock.kill)


class Finished:
    """A :class:`~siteplan.solve.child.ChildRun` look-alike for work done here."""

    killed = False

    def __init__(self, value: object) -> None:
        self._value = value

    def done(self) -> bool:
        return True

    def result(self, until: float | None = None) -> object:
        return self._value

    def kill(self) -> None:
        pass


def _mip(p: Problem, columns: np.ndarray, start: np.ndarray, pre: np.ndarray, seed: int,
         nodes: int | None, deadline: float, s: Shrunk | None = None) -> MipResult | None:
    """HiGHS on ``columns``; on all columns, on the shrunk problem ``s``
    (:func:`siteplan.solve.fixing.shrink`), looking only for covers no
    dearer than ``start``."""
    limit = max(1e7 if deadline == np.inf else deadline - time.perf_counter(), 0.01)
    until = None if deadline == np.inf else deadline
    if columns.size < p.n_cols:
        return mip_cover(p, columns, start=start, preselected=pre, time_limit_s=limit,
                         seed=seed, node_limit=nodes, deadline=until)
    s = shrink(p, pre) if s is None else s
    if s.problem.n_cols == 0:  # the preselected alone reach every target
        return MipResult(pre, s.fixed_cost, s.fixed_cost, True)
    known = float(p.cost[start].sum()) - s.fixed_cost
    found = mip_cover(s.problem, np.arange(s.problem.n_cols), start=None,
                      preselected=np.zeros(0, np.int64), time_limit_s=limit, seed=seed,
                      node_limit=nodes, deadline=until,
                      cutoff=known + 1e-9 * max(1.0, abs(known)))
    if found is None:
        return None
    chosen = s.lift(found.selected)
    return MipResult(chosen, float(p.cost[chosen].sum()), found.bound + s.fixed_cost,
                     found.optimal)


def _bound(p: Problem, pre: np.ndarray, selected: np.ndarray, best_cost: float, bound: float,
           clock: Clock, seed: int, details: dict,
           options: SolveOptions) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray]:
    """The LP bound (or the subgradient's) with its prices and reduced costs,
    and the Lagrangian heuristic's cover when cheaper."""
    det = options.deterministic
    lp = None
    lp_time = (clock.soft - time.perf_counter()) if det else options.lp_share * clock.left()
    # deterministic mode decides from the budget; the clock is a safety stop
    lp_share_s = options.lp_share * options.nominal_s(clock.limit) if det else lp_time
    if p.col_rows.size <= options.lp_nnz_limit and lp_share_s >= options.min_highs_s:
        lp = lp_bound(p, pre, time_limit_s=lp_time, seed=seed,
                      presolve="rows_after_reduction" not in details)
        if lp is None and det:
            details.setdefault("deterministic_cut", []).append("lp")
    if lp is not None:
        bound = max(bound, lp[0])
        prices = lp[1]
        reduced = p.cost - p.transpose_matvec(prices)
        details["bound"] = "lp"
        heuristic = lagrangian_heuristic(p, reduced, pre)
        if float(p.cost[heuristic].sum()) < best_cost:
            selected, best_cost = heuristic, float(p.cost[heuristic].sum())
        return bound, selected, best_cost, prices, reduced
    if det:
        iterations = int(options.lagrange_share * options.work_budget(clock.limit)
                         / (2 * p.col_rows.size + 20_000))
        lag_deadline = clock.soft
    else:
        iterations = 5000
        lag_deadline = time.perf_counter() + options.lagrange_share * clock.left()
    if p.full_cover and p.col_rows.size >= options.dual_ascent_nnz and \
            compiled_ready(clock, options):
        return _dual_ascent_bound(p, pre, selected, best_cost, bound, lag_deadline, clock,
                                  details, options, iterations)
    state = subgradient(p, upper_bound=best_cost, best_selected=selected, preselected=pre,
                        deadline=lag_deadline, seed=seed, deterministic=det,
                        max_iterations=max(min(iterations, 5000), 1))
    if det and state.iterations < min(iterations, 5000) and time.perf_counter() >= lag_deadline:
        details.setdefault("deterministic_cut", []).append("subgradient")
    bound = max(bound, state.lower_bound)
    details.update(bound="lagrangian", lagrange_iterations=state.iterations)
    if state.best_cost < best_cost:
        selected, best_cost = state.best_selected, state.best_cost
    return bound, selected, best_cost, state.multipliers, state.reduced_cost


def compiled_ready(clock: Clock, options: SolveOptions) -> bool:
    """Whether the compiled (numba) stages may run: their kernels are loaded
    in this process already, or at least ``options.compile_s`` are left for
    a first compilation (deterministic mode: decided from the limit alone)."""
    if options.deterministic:
        return options.nominal_s(clock.limit) >= options.compile_s
    if clock.left() >= options.compile_s:
        return True
    if "siteplan.solve.kernels" not in sys.modules:  # importing numba alone takes ~1 s
        return False
    from siteplan.solve import kernels
    return kernels.loaded()


def _dual_ascent_bound(p: Problem, pre: np.ndarray, selected: np.ndarray, best_cost: float,
                       bound: float, deadline: float, clock: Clock, details: dict,
                       options: SolveOptions, iterations: int
                       ) -> tuple[float, np.ndarray, float, np.ndarray, np.ndarray]:
    """:func:`_bound` for large full covers: the smoothed dual ascent
    (:mod:`siteplan.solve.dualascent`; deterministic mode: one thread and a
    sweep budget, a sweep counting as four subgradient iterations), then the
    Lagrangian heuristic (a greedy over the whole problem) when 1.5 times the
    time the first greedy took is still left before the soft deadline."""
    from siteplan.solve.dualascent import smoothed_dual_ascent

    det = options.deterministic
    greedy_s = details.get("phase_s", {}).get("greedy", 0.0)
    sweeps = max(iterations // 4, 1) if det else 10**6
    if not det:  # keep the heuristic's time
        deadline = min(deadline, clock.soft - 1.5 * greedy_s)
    state = smoothed_dual_ascent(p, upper_bound=best_cost, best_selected=selected,
                                 preselected=pre, deadline=deadline, threads=1 if det else 2,
                                 max_sweeps=sweeps, heuristic=False)
    if det and state.iterations < sweeps and time.perf_counter() >= deadline:
        details.setdefault("deterministic_cut", []).append("dual ascent")
    details.update(bound="lagrangian (dual ascent)", lagrange_iterations=state.iterations)
    if time.perf_counter() + 1.5 * greedy_s < clock.soft:
        heuristic = lagrangian_heuristic(p, state.reduced_cost, pre)
        if float(p.cost[heuristic].sum()) < best_cost:
            selected, best_cost = heuristic, float(p.cost[heuristic].sum())
    elif det:
        details.setdefault("deterministic_cut", []).append("lagrangian heuristic")
    return (max(bound, state.lower_bound), selected, best_cost, state.multipliers,
            state.reduced_cost)


def improve(p: Problem, pre: np.ndarray, selected: np.ndarray, best_cost: float,
            bound: float, clock: Clock, seed: int, details: dict,
            options: SolveOptions) -> tuple[float, np.ndarray, float]:
    """``auto`` after the greedy: returns the bound, the cover and its cost."""
    unit = cost_unit(p.cost)
    det = options.deterministic
    t = time.perf_counter()
    if clock.left() < options.min_phase_s:
        return bound, selected, best_cost
    # deterministic mode decides what runs from the limit, never the clock
    remaining = ((1 - options.wrap_up_share) * options.nominal_s(clock.limit) if det
                 else clock.left())
    whole = p.col_rows.size <= options.exact_nnz_limit
    milp, second, milp_cols = None, None, None
    if whole and not p.full_cover and can_fork() and remaining >= options.min_highs_s:
        # partial and grouped covers: HiGHS on the whole (shrunk) MILP at
        # once, beside the bound and the local search; it proves most
        # planner problems, and their LP gap says little about how soon
        milp_cols = np.arange(p.n_cols)
        milp = exact_milp(p, pre, selected, clock, options, seed, milp_cols)
        # small problems: HiGHS often proves the optimum before the LP would be
        found = milp.result(time.perf_counter() + min(options.probe_s,
                                                      options.probe_share * remaining))
        if found is not None and found.optimal and p.feasible(found.selected):
            details.update(beside_local_search="highs (whole MILP)", highs="optimal",
                           highs_cost=found.objective)
            lap(details, "highs_first", t)
            return (max(bound, found.bound), remove_redundant(p, found.selected, pre),
                    float(p.cost[found.selected].sum()))
    bound, selected, best_cost, prices, reduced = _bound(p, pre, selected, best_cost, bound,
                                                         clock, seed, details, options)
    t = lap(details, "bound", t)
    if milp is not None and milp.done() and milp.result() is not None and \
            milp.result().optimal and not proves_optimal(best_cost, bound, unit):
        pass  # taken below, with the bound it proves
    elif proves_optimal(best_cost, bound, unit) or clock.left() < options.min_phase_s:
        if milp is not None:
            milp.kill()
        return bound, selected, best_cost
    stop_at = optimal_at(bound, unit)
    if p.full_cover and p.col_rows.size > options.regional_nnz_limit and not det and \
            compiled_ready(clock, options):
        # city scale: local moves region by region, no global rebuild (its
        # slices are timed, so deterministic mode keeps the counted core search)
        from siteplan.solve.blocklocal import regional_search

        if milp is not None:
            milp.kill()
        local = regional_search(p, selected, pre, clock.soft, prices=prices, seed=seed,
                                stop_at=stop_at, details=details)
        lap(details, "local_search", t)
        details["beside_local_search"] = "nothing"
        return bound, local, float(p.cost[local].sum())
    lp_gap = (best_cost - bound) / best_cost if best_cost > 0 else 0.0
    wide = p.full_cover and lp_gap > options.highs_gap_limit
    local_cols, q, start, fixed = _local_core(p, pre, selected, reduced, options)
    details["local_core_columns"] = int(local_cols.size)
    local_opts = dict(prices=prices, stop_at=stop_at, dense_cells=options.dense_cells,
                      row_weighting=q.col_rows.size <= options.row_weighting_nnz_limit)
    work = None
    if det:  # what the subgradient may have used is not counted twice
        work = (1 - options.lagrange_share) * options.work_budget(clock.limit)
    if milp is not None:
        milp.result(time.perf_counter() + min(options.probe_s, options.probe_share * remaining))
    elif wide and can_fork() and remaining >= options.min_fork_s:
        second = BackgroundPortfolio(q, local_cols, start, fixed, clock.soft,
                                     dict(local_opts, seed=seed + 1, work_budget=work),
                                     grace_s=clock.kill - clock.soft)
    elif can_fork() and remaining >= options.min_highs_s:
        if whole:
            milp_cols = np.arange(p.n_cols)
        else:
            milp_cols = core_columns(p, reduced, per_row=8, must=selected)
            details["core_columns"] = int(milp_cols.size)
        nnz = int(np.diff(p.col_ptr)[milp_cols].sum())
        if nnz <= options.core_nnz_limit and remaining >= options.highs_s_per_nnz * nnz:
            milp = exact_milp(p, pre, selected, clock, options, seed, milp_cols)
            milp.result(time.perf_counter() + min(options.probe_s,
                                                  options.probe_share * remaining))
    details["beside_local_search"] = ("local search" if second is not None else
                                      ("highs (whole MILP)" if whole else "highs (core)")
                                      if milp is not None else "nothing")
    t = lap(details, "second_core_start", t)
    proven_by_milp = [False]

    def keep_going() -> bool:
        if milp is None or not milp.done():
            return True
        found = milp.result()
        if found is None:
            return True
        if found.optimal and milp_cols.size == p.n_cols:
            proven_by_milp[0] = True
            return False
        return det or found.objective > stop_at

    if keep_going() and clock.left() >= options.min_phase_s:
        local = local_cols[local_portfolio(q, start, fixed, clock.soft, seed=seed,
                                           keep_going=keep_going, details=details,
                                           work_budget=work, **local_opts)]
        if float(p.cost[local].sum()) < best_cost - 1e-9:
            selected, best_cost = local, float(p.cost[local].sum())
            details["local_search_cost"] = best_cost
        if det and time.perf_counter() >= clock.soft:
            details.setdefault("deterministic_cut", []).append("local search")
    t = lap(details, "local_search", t)
    found = []
    if second is not None:
        other = second.stop(wait=det or best_cost > stop_at)
        if other is not None:
            found.append(("second_local_search_cost", other))
    mip = None
    if milp is not None:
        proven = proves_optimal(best_cost, bound, unit)
        if proven and not det:
            milp.kill()
        mip = milp.result()
        details["highs"] = ("killed" if milp.killed else "none found" if mip is None
                            else "optimal" if mip.optimal else "stopped")
        if det and details["highs"] != "optimal" and not proves_optimal(best_cost, bound, unit):
            # a machine that lets HiGHS finish may take its (proven) cover instead
            details.setdefault("deterministic_cut", []).append("highs")
    if mip is not None:
        if milp_cols.size == p.n_cols:
            bound = max(bound, mip.bound)
            if mip.optimal:  # the proven optimum, whatever the local search found
                proven_by_milp[0] = True
        # deterministic mode: only a finished HiGHS run's cover (where its
        # time ran out depends on the machine's load)
        if mip.optimal or not det:
            found.append(("highs_cost", mip.selected))
    lap(details, "second_core_stop", t)
    for name, other in found:
        cost = float(p.cost[other].sum())
        # HiGHS's proven optimum is taken even when the local search found
        # one as cheap (within the optimality gap): which of the two finished
        # first must not decide the answer
        better = cost < best_cost - 1e-9 or (name == "highs_cost" and proven_by_milp[0])
        if better and p.feasible(other):
            selected = remove_redundant(p, other, pre)
            best_cost = float(p.cost[selected].sum())
            details[name] = best_cost
    return bound, selected, best_cost


def _local_core(p: Problem, pre: np.ndarray, selected: np.ndarray, reduced: np.ndarray,
                options: SolveOptions) -> tuple[np.ndarray, Problem, np.ndarray, np.ndarray]:
    """The local-search core: the ``local_core_per_row`` columns of least
    reduced cost per row, plus the cover and the preselected; returns the
    global columns, the core problem, and the cover and the preselected as
    core indices."""
    core = core_columns(p, reduced, per_row=options.local_core_per_row,
                        must=np.union1d(selected, pre))
    return (core, p.keep_columns(core), np.searchsorted(core, selected),
            np.searchsorted(core, pre))


__all__ = ["Clock", "improve", "optimal_at", "proves_optimal", "quick_bound"]
