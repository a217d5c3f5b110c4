"""``method="auto"`` for set cover: bound, exact MILP beside local search.

After the greedy (see :mod:`siteplan.solve.cover`), :func:`improve`

1. bounds the optimum: the LP relaxation by HiGHS (for partial and grouped
   covers the LP of ``x`` per column, ``y_i <= sum_j a_ij x_j`` per row and
   ``sum_{i in g} w_i y_i >= R_g`` per group), or Lagrangian subgradient
   optimisation when the LP is too big, plus the Lagrangian heuristic;
2. starts, on the second core, HiGHS on the whole MILP (when it has at most
   ``exact_nnz_limit`` nonzeros; for partial and grouped covers already
   before step 1; on the problem :func:`siteplan.solve.prep.fixing.shrink`
   makes, with the best cover's cost as objective bound: it proves most
   planner problems), or HiGHS on a core of the columns of least reduced cost,
   or, for full covers whose LP gap is too wide for HiGHS, a second local
   search; HiGHS always runs in a child process killed at the deadline;
3. runs the local searches (:mod:`siteplan.solve.search.local`) on the main thread
   until the deadline, or until the cover is proven optimal (relative gap
   ≤ ``OPTIMALITY_GAP``: by the bound, or by HiGHS finishing the whole MILP).

In deterministic mode (:class:`siteplan.solve.options.SolveOptions`) every
stage counts work, HiGHS gets a node budget, and what runs beside the local
search is always waited for, so the result does not depend on timing.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from siteplan.solve.bounds.lagrange import (
    core_columns,
    lagrangian_heuristic,
    subgradient,
)
from siteplan.solve.bounds.proof import cost_unit, optimal_at, proves_optimal
from siteplan.solve.clock import Clock, lap
from siteplan.solve.exact.child import ChildRun, can_fork
from siteplan.solve.exact.highs import MipResult, lp_bound, mip_cover
from siteplan.solve.instance import Problem
from siteplan.solve.options import SolveOptions
from siteplan.solve.prep.fixing import Shrunk, shrink
from siteplan.solve.search.greedy import remove_redundant
from siteplan.solve.search.local import BackgroundPortfolio, local_portfolio
from siteplan.solve.strategy import beside_kind, bound_kind, regional


def exact_milp(p: Problem, pre: np.ndarray, start: np.ndarray, clock: Clock,
               options: SolveOptions, seed: int,
               columns: np.ndarray | None = None) -> ChildRun:
    """HiGHS on ``columns`` (default all) in a child process: HiGHS's own
    limit is the soft deadline, the child is killed at ``clock.kill``. On all
    columns HiGHS sees the problem :func:`siteplan.solve.prep.fixing.shrink`
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
    """A :class:`~siteplan.solve.exact.child.ChildRun` look-alike for work done here."""

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
    (:func:`siteplan.solve.prep.fixing.shrink`), looking only for covers no
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
    if bound_kind(p.col_rows.size, p.full_cover, False, lp_share_s, options) == "lp":
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
    # the LP is not (or not in time) solved: no LP time left for the choice
    if bound_kind(p.col_rows.size, p.full_cover, compiled_ready(clock, options), -1.0,
                           options) == "dual ascent":
        return _dual_ascent_bound(p, pre, selected, best_cost, bound, lag_deadline, clock,
                                  details, options, iterations)
    state = subgradient(p, upper_bound=best_cost, best_selected=selected, preselected=pre,
                        deadline=lag_deadline, seed=seed, deterministic=det,
                        max_iterations=max(min(iterations, 5000), 1),
                        options=options)
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
    (:mod:`siteplan.solve.bounds.dualascent`; deterministic mode: one thread and a
    sweep budget, a sweep counting as four subgradient iterations), then the
    Lagrangian heuristic (a greedy over the whole problem) when 1.5 times the
    time the first greedy took is still left before the soft deadline."""
    from siteplan.solve.bounds.dualascent import smoothed_dual_ascent

    det = options.deterministic
    greedy_s = details.get("phase_s", {}).get("greedy", 0.0)
    sweeps = max(iterations // 4, 1) if det else 10**6
    if not det:  # keep the heuristic's time
        deadline = min(deadline, clock.soft - 1.5 * greedy_s)
    state = smoothed_dual_ascent(p, upper_bound=best_cost, best_selected=selected,
                                 preselected=pre, deadline=deadline, threads=1 if det else 2,
                                 max_sweeps=sweeps, heuristic=False,
                                 options=options)
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


@dataclass
class _Run:
    """One ``improve`` call: the problem, its clock and what runs beside
    the local search (``milp`` on ``milp_cols``, or a ``second`` search)."""

    p: Problem
    pre: np.ndarray
    clock: Clock
    seed: int
    details: dict
    options: SolveOptions
    unit: float
    remaining: float
    milp: ChildRun | Finished | None = None
    milp_cols: np.ndarray | None = None
    second: BackgroundPortfolio | None = None
    proven_by_milp: bool = False

    def probe(self) -> MipResult | None:
        """Wait briefly for HiGHS (small problems are often proven at once)."""
        o = self.options
        return self.milp.result(time.perf_counter() + min(o.probe_s,
                                                          o.probe_share * self.remaining))

    def whole(self) -> bool:
        return self.milp_cols is not None and self.milp_cols.size == self.p.n_cols


def improve(p: Problem, pre: np.ndarray, selected: np.ndarray, best_cost: float,
            bound: float, clock: Clock, seed: int, details: dict,
            options: SolveOptions) -> tuple[float, np.ndarray, float]:
    """``auto`` after the greedy: returns the bound, the cover and its cost
    (the steps are named in the module notes; the choices are
    :mod:`siteplan.solve.strategy`'s)."""
    if clock.left() < options.min_phase_s or not clock.has_time_for_a_pass():
        return bound, selected, best_cost  # its first steps are passes over the matrix
    det = options.deterministic
    # deterministic mode decides what runs from the limit, never the clock
    remaining = ((1 - options.wrap_up_share) * options.nominal_s(clock.limit) if det
                 else clock.left())
    run = _Run(p, pre, clock, seed, details, options, cost_unit(p.cost), remaining)
    t = time.perf_counter()
    proven = _highs_first(run, selected)
    if proven is not None:
        lap(details, "highs_first", t)
        return max(bound, proven.bound), remove_redundant(p, proven.selected, pre), \
            float(p.cost[proven.selected].sum())
    bound, selected, best_cost, prices, reduced = _bound(p, pre, selected, best_cost, bound,
                                                         clock, seed, details, options)
    t = lap(details, "bound", t)
    if _settled(run, best_cost, bound):
        return bound, selected, best_cost
    stop_at = optimal_at(bound, run.unit)
    if regional(p.col_rows.size, p.full_cover, compiled_ready(clock, options),
                         options):
        return bound, *_regional(run, selected, prices, stop_at, t)
    if run.clock.left() < p.col_rows.size * options.core_s_per_nnz and not det:
        # no time to build the core (an O(nnz) pass): stop with what there is
        details["local_search"] = "skipped (time limit)"
        if run.milp is not None:
            run.milp.kill()
        return bound, selected, best_cost
    local_cols, q, start, core_pre = _local_core(p, pre, selected, reduced, options)
    details["local_core_columns"] = int(local_cols.size)
    local_opts = dict(prices=prices, stop_at=stop_at, dense_cells=options.dense_cells,
                      row_weighting=q.col_rows.size <= options.row_weighting_nnz_limit)
    work = None
    if det:  # what the subgradient may have used is not counted twice
        work = (1 - options.lagrange_share) * options.work_budget(clock.limit)
    lp_gap = (best_cost - bound) / best_cost if best_cost > 0 else 0.0
    _start_beside(run, selected, reduced, lp_gap,
                  (q, local_cols, start, core_pre, dict(local_opts, seed=seed + 1, work_budget=work)))
    t = lap(details, "second_core_start", t)
    selected, best_cost = _local_search(run, selected, best_cost, stop_at, local_cols, q,
                                        start, core_pre, local_opts, work)
    t = lap(details, "local_search", t)
    found = _collect(run, best_cost, bound, stop_at)
    bound = max(bound, found.pop("bound", bound))
    lap(details, "second_core_stop", t)
    return (bound, *_take(run, found, selected, best_cost))


def _highs_first(run: _Run, selected: np.ndarray) -> MipResult | None:
    """Partial and grouped covers up to ``exact_nnz_limit`` nonzeros: HiGHS on
    the whole (shrunk) MILP at once, beside the bound and the local search
    (it proves most planner problems, and their LP gap says little about
    how soon); its proven optimum when it comes within the probe."""
    p, o = run.p, run.options
    if not (p.col_rows.size <= o.exact_nnz_limit and not p.full_cover and can_fork()
            and run.remaining >= o.min_highs_s):
        return None
    run.milp_cols = np.arange(p.n_cols)
    run.milp = exact_milp(p, run.pre, selected, run.clock, o, run.seed, run.milp_cols)
    found = run.probe()
    if found is not None and found.optimal and p.feasible(found.selected):
        run.details.update(beside_local_search="highs (whole MILP)", highs="optimal",
                           highs_cost=found.objective)
        return found
    return None


def _settled(run: _Run, best_cost: float, bound: float) -> bool:
    """After the bound: True (HiGHS killed) when the cover is proven or no
    time is left, unless HiGHS already proved an optimum to take below."""
    milp = run.milp
    if milp is not None and milp.done() and milp.result() is not None and \
            milp.result().optimal and not proves_optimal(best_cost, bound, run.unit):
        return False  # taken below, with the bound it proves
    if proves_optimal(best_cost, bound, run.unit) or \
            run.clock.left() < run.options.min_phase_s:
        if milp is not None:
            milp.kill()
        return True
    return False


def _regional(run: _Run, selected: np.ndarray, prices: np.ndarray, stop_at: float,
              t: float) -> tuple[np.ndarray, float]:
    """City scale: local moves region by region, no global rebuild."""
    from siteplan.solve.search.blocklocal import regional_search

    if run.milp is not None:
        run.milp.kill()
    o = run.options
    local = regional_search(run.p, selected, run.pre, run.clock.soft, prices=prices,
                            seed=run.seed, stop_at=stop_at, details=run.details,
                            rows_per_region=o.rows_per_region, min_region_s=o.min_region_s)
    lap(run.details, "local_search", t)
    run.details["beside_local_search"] = "nothing"
    return local, float(run.p.cost[local].sum())


def _start_beside(run: _Run, selected: np.ndarray, reduced: np.ndarray, lp_gap: float,
                  second_args: tuple) -> None:
    """Start what runs beside the local search (:func:`siteplan.solve.strategy.beside_kind`)."""
    p, o, clock = run.p, run.options, run.clock
    if run.milp is not None:  # started before the bound
        run.probe()
        kind = "highs (whole MILP)"
    else:
        kind = beside_kind(p.col_rows.size, p.full_cover, lp_gap, run.remaining,
                                    can_fork(), o)
    if kind == "local search":
        q, local_cols, start, core_pre, kwargs = second_args
        run.second = BackgroundPortfolio(q, local_cols, start, core_pre, clock.soft, kwargs,
                                         grace_s=clock.kill - clock.soft)
    elif kind.startswith("highs") and run.milp is None:
        if kind == "highs (whole MILP)":
            run.milp_cols = np.arange(p.n_cols)
        else:
            run.milp_cols = core_columns(p, reduced, per_row=8, must=selected)
            run.details["core_columns"] = int(run.milp_cols.size)
        nnz = int(np.diff(p.col_ptr)[run.milp_cols].sum())
        if nnz <= o.core_nnz_limit and run.remaining >= o.highs_s_per_nnz * nnz:
            run.milp = exact_milp(p, run.pre, selected, clock, o, run.seed, run.milp_cols)
            run.probe()
    whole = p.col_rows.size <= o.exact_nnz_limit
    run.details["beside_local_search"] = (
        "local search" if run.second is not None else
        ("highs (whole MILP)" if whole else "highs (core)") if run.milp is not None
        else "nothing")


def _local_search(run: _Run, selected: np.ndarray, best_cost: float, stop_at: float,
                  local_cols: np.ndarray, q: Problem, start: np.ndarray, core_pre: np.ndarray,
                  local_opts: dict, work: float | None) -> tuple[np.ndarray, float]:
    """The local-search portfolio on the core until the soft deadline, or
    until HiGHS beside proves the optimum (or finds a cover at ``stop_at``)."""
    p, det = run.p, run.options.deterministic

    def keep_going() -> bool:
        if run.milp is None or not run.milp.done():
            return True
        found = run.milp.result()
        if found is None:
            return True
        if found.optimal and run.whole():
            run.proven_by_milp = True
            return False
        return det or found.objective > stop_at

    if keep_going() and run.clock.left() >= run.options.min_phase_s:
        local = local_cols[local_portfolio(q, start, core_pre, run.clock.soft, seed=run.seed,
                                           keep_going=keep_going, details=run.details,
                                           work_budget=work, **local_opts)]
        if float(p.cost[local].sum()) < best_cost - 1e-9:
            selected, best_cost = local, float(p.cost[local].sum())
            run.details["local_search_cost"] = best_cost
        if det and time.perf_counter() >= run.clock.soft:
            run.details.setdefault("deterministic_cut", []).append("local search")
    return selected, best_cost


def _collect(run: _Run, best_cost: float, bound: float, stop_at: float) -> dict:
    """Stop what ran beside; the covers it found (by name) and, from HiGHS on
    the whole MILP, its ``bound``."""
    det, found = run.options.deterministic, {}
    if run.second is not None:
        other = run.second.stop(wait=det or best_cost > stop_at)
        if other is not None:
            found["second_local_search_cost"] = other
    if run.milp is None:
        return found
    proven = proves_optimal(best_cost, bound, run.unit)
    if proven and not det:
        run.milp.kill()
    mip = run.milp.result()
    run.details["highs"] = ("killed" if run.milp.killed else "none found" if mip is None
                            else "optimal" if mip.optimal else "stopped")
    if det and run.details["highs"] != "optimal" and not proven:
        # a machine that lets HiGHS finish may take its (proven) cover instead
        run.details.setdefault("deterministic_cut", []).append("highs")
    if mip is not None:
        if run.whole():
            found["bound"] = mip.bound
            if mip.optimal:  # the proven optimum, whatever the local search found
                run.proven_by_milp = True
        # deterministic mode: only a finished HiGHS run's cover (where its
        # time ran out depends on the machine's load)
        if mip.optimal or not det:
            found["highs_cost"] = mip.selected
    return found


def _take(run: _Run, found: dict, selected: np.ndarray,
          best_cost: float) -> tuple[np.ndarray, float]:
    """The best of the local search's cover and those found beside it."""
    p = run.p
    for name, other in found.items():
        cost = float(p.cost[other].sum())
        # HiGHS's proven optimum is taken even when the local search found
        # one as cheap (within the optimality gap): which of the two finished
        # first must not decide the answer
        better = cost < best_cost - 1e-9 or (name == "highs_cost" and run.proven_by_milp)
        if better and p.feasible(other):
            selected = remove_redundant(p, other, run.pre)
            best_cost = float(p.cost[selected].sum())
            run.details[name] = best_cost
    return selected, best_cost


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


__all__ = ["exact_milp", "improve"]
