"""Mixed-integer programming with HiGHS (highspy), warm-started.

The model is ``min c x`` with ``sum_j a_rj x_j >= 1`` for full cover, or with
row variables ``y_r <= sum_j a_rj x_j`` and ``sum_{r in g} w_r y_r >= R_g``
for partial or grouped cover, and ``max sum w_r y_r`` under a count or budget
for max cover. It can be restricted to a subset of the columns (a core).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from siteplan.solve.instance import Problem
from siteplan.solve.options import DEFAULTS


@dataclass(frozen=True)
class MipResult:
    """Best selection (global column indices), its objective, the solver's
    bound, and whether HiGHS proved optimality."""

    selected: np.ndarray
    objective: float
    bound: float
    optimal: bool


_BANNER_LOCK = threading.Lock()
_banner_done = False


def _silence_banner() -> None:
    """HiGHS prints its banner on the C stdout at the first ``Highs()`` of a
    process, before any option can turn output off; make that first one
    here with the stdout descriptor pointed at /dev/null (once per process;
    forked children inherit the "printed" state), so no solve prints it."""
    global _banner_done
    with _BANNER_LOCK:
        if _banner_done:
            return
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True


def _highs(time_limit_s: float, seed: int, gap: float, presolve: bool = True,
           node_limit: int | None = None, cutoff: float | None = None) -> highspy.Highs:
    """A HiGHS instance with its output off (no log, no banner)."""
    _silence_banner()
    h = highspy.Highs()
    if cutoff is not None and np.isfinite(cutoff):
        h.setOptionValue("objective_bound", float(cutoff))
    if node_limit is not None:
        h.setOptionValue("mip_max_nodes", int(max(node_limit, 1)))
    if not presolve:
        h.setOptionValue("presolve", "off")
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit_s, 0.01)))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("threads", 1)
    return h


def _solve(h: highspy.Highs, sense: str, c: np.ndarray, lower: np.ndarray, upper: np.ndarray,
           integer: np.ndarray, matrix: sp.csc_array, row_lo: np.ndarray, row_hi: np.ndarray,
           start: np.ndarray | None) -> tuple[np.ndarray | None, float, float, bool]:
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = int(c.size), int(matrix.shape[0])
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = c, lower, upper
    lp.row_lower_, lp.row_upper_ = row_lo, row_hi
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                       for i in integer]
    if sense == "max":
        lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    presolve = h.getOptionValue("presolve")[1] != "off"
    if start is not None and presolve and sense == "min":
        # HiGHS 1.16 with presolve can return a start solution under a wrong
        # objective and call it optimal (see below); the start's cost as an
        # objective bound prunes as well and is safe
        h.setOptionValue("objective_bound", float(c @ start) * (1 + 1e-9) + 1e-9)
    elif start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = start.astype(float).tolist()
        sol.value_valid = True
        h.setSolution(sol)
    h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        return None, np.nan, float(info.mip_dual_bound), False
    values = np.asarray(h.getSolution().col_value)
    optimal = status == highspy.HighsModelStatus.kOptimal
    objective, bound = float(info.objective_function_value), float(info.mip_dual_bound)
    # HiGHS 1.16 with presolve and a start solution can return the start
    # with a smaller objective and "optimal" (seen on a 247 x 250 cover:
    # objective 46, bound 46, the returned cover costing 55, true optimum
    # 51); such an answer's bound and status are not trusted
    if abs(float(c @ values) - objective) > 1e-6 * max(1.0, abs(objective)):
        return values, float(c @ values), -np.inf if sense == "min" else np.inf, False
    return values, objective, bound, optimal


@dataclass(frozen=True)
class _CoverModel:
    columns: np.ndarray
    rows: np.ndarray
    c: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray
    matrix: sp.csc_array
    row_lo: np.ndarray
    row_hi: np.ndarray

    def start(self, p: Problem, selected: np.ndarray) -> np.ndarray:
        x0 = np.isin(self.columns, selected).astype(float)
        if self.c.size == self.columns.size:
            return x0
        return np.concatenate([x0, p.covered_rows(selected)[self.rows].astype(float)])


def _cover_model(p: Problem, columns: np.ndarray, preselected: np.ndarray) -> _CoverModel:
    """Rows ``A x >= 1`` (full cover) or ``y <= A x, W_g y >= R_g`` (partial,
    ``y`` binary)."""
    columns = np.asarray(columns, dtype=np.int64)
    sub = sp.csc_array(sp.csc_array((np.ones(p.col_rows.size), p.col_rows, p.col_ptr),
                                    shape=(p.n_rows, p.n_cols))[:, columns])
    n = columns.size
    lower = np.zeros(n)
    lower[np.isin(columns, preselected)] = 1.0
    rows = np.flatnonzero(p.coverable & (p.weights > 0))
    if p.full_cover:
        return _CoverModel(columns, rows, p.cost[columns], lower, np.ones(n), np.ones(n, bool),
                           sp.csc_array(sub[rows, :]), np.ones(rows.size),
                           np.full(rows.size, np.inf))
    r = rows.size
    cover = sp.hstack([-sp.csc_array(sub[rows, :]), sp.eye_array(r, format="csc")])
    group_rows = sp.csc_array((p.weights[rows], (p.groups[rows], np.arange(r))),
                              shape=(p.n_groups, r))
    groups = sp.hstack([sp.csc_array((p.n_groups, n)), group_rows])
    return _CoverModel(
        columns, rows, np.concatenate([p.cost[columns], np.zeros(r)]),
        np.concatenate([lower, np.zeros(r)]), np.ones(n + r),
        # y binary too: integral at an optimum anyway, and it lets HiGHS
        # branch on rows and cut on the group rows as knapsacks (the sample
        # county's 2020 milestone: proven in 0.7-2.5 s instead of 20-82 s)
        np.ones(n + r, bool),
        sp.csc_array(sp.vstack([cover, groups])),
        np.concatenate([np.full(r, -np.inf), p.required * (1 - 1e-9)]),
        np.concatenate([np.zeros(r), np.full(p.n_groups, np.inf)]))


def mip_cover(p: Problem, columns: np.ndarray, *, start: np.ndarray, preselected: np.ndarray,
              time_limit_s: float, seed: int = 0, gap: float = 1e-6,
              node_limit: int | None = None, deadline: float | None = None,
              cutoff: float | None = None) -> MipResult | None:
    """Minimum-cost cover using only ``columns`` (global indices).

    ``start`` (a feasible selection within ``columns``) seeds the search.
    ``node_limit`` caps the branch-and-bound nodes (a work budget that does
    not depend on the clock); ``deadline`` (``time.perf_counter()``), when
    given, shortens HiGHS's time limit by the time the model took to build.
    ``cutoff``: HiGHS looks only for covers costing at most this much (a
    known cover's cost; ``start`` is not needed then). Returns None when
    HiGHS found no solution in time.
    """
    m = _cover_model(p, columns, preselected)
    if deadline is not None:
        time_limit_s = min(time_limit_s, deadline - time.perf_counter())
    return _run_cover(_highs(time_limit_s, seed, gap, node_limit=node_limit, cutoff=cutoff),
                      p, m, None if start is None else m.start(p, start))


def _run_cover(h: highspy.Highs, p: Problem, m: _CoverModel,
               start: np.ndarray) -> MipResult | None:
    """Solve the cover model ``m`` with ``h``; its best cover in global
    column indices, or None when HiGHS found none."""
    values, _, bound, optimal = _solve(h, "min", m.c, m.lower, m.upper, m.integer, m.matrix,
                                       m.row_lo, m.row_hi, start)
    if values is None:
        return None
    chosen = m.columns[values[: m.columns.size] > 0.5]
    return MipResult(np.sort(chosen), float(p.cost[chosen].sum()), bound, optimal)


def lp_bound(p: Problem, preselected: np.ndarray, *, time_limit_s: float, seed: int = 0,
             presolve: bool = True) -> tuple[float, np.ndarray] | None:
    """LP relaxation: its optimal value (a lower bound) and the row duals as
    Lagrangian multipliers (one per row of A). None if not solved in time.

    ``presolve=False`` skips HiGHS's presolve: on rows already reduced
    (:func:`siteplan.solve.prep.reduce.reduce_rows`) it costs more than it saves
    (OR-Library and county instances: 1.1-2x faster without it).
    """
    m = _cover_model(p, np.arange(p.n_cols), preselected)
    h = _highs(time_limit_s, seed, 1e-6, presolve=presolve)
    _solve(h, "min", m.c, m.lower, m.upper, np.zeros(m.c.size, bool), m.matrix, m.row_lo,
           m.row_hi, None)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    duals = np.asarray(h.getSolution().row_dual)[: m.rows.size]
    u = np.zeros(p.n_rows)
    u[m.rows] = np.abs(duals)
    return float(h.getInfo().objective_function_value), u


def mip_max_cover(p: Problem, *, k: int | None, budget: float | None, start: np.ndarray,
                  preselected: np.ndarray, time_limit_s: float, seed: int = 0,
                  node_limit: int | None = None,
                  presolve_min_s: float = DEFAULTS.max_cover_presolve_min_s) -> MipResult | None:
    """Maximum covered weight with at most ``k`` columns or within ``budget``
    (HiGHS's presolve only from ``presolve_min_s`` seconds)."""
    full = sp.csc_array((np.ones(p.col_rows.size), p.col_rows, p.col_ptr),
                        shape=(p.n_rows, p.n_cols))
    rows = np.flatnonzero(p.coverable & (p.weights > 0))
    r, n = rows.size, p.n_cols
    cover = sp.hstack([-sp.csc_array(full[rows, :]), sp.eye_array(r, format="csc")])
    limit_row = sp.hstack([sp.csc_array(np.ones((1, n)) if budget is None
                                        else p.cost.reshape(1, -1)), sp.csc_array((1, r))])
    matrix = sp.csc_array(sp.vstack([cover, limit_row]))
    lower = np.zeros(n + r)
    lower[preselected] = 1.0
    cap = float(k) if budget is None else float(budget)
    x0 = np.zeros(n + r)
    x0[start] = 1.0
    x0[n:] = p.covered_rows(start)[rows]
    # HiGHS's presolve does not look at the clock often: on a 20,000-row
    # max-cover model it ran 7 s past a 2 s limit, so short runs skip it
    h = _highs(time_limit_s, seed, 1e-6, presolve=time_limit_s >= presolve_min_s,
               node_limit=node_limit)
    values, obj, bound, optimal = _solve(
        h, "max", np.concatenate([np.zeros(n), p.weights[rows]]), lower, np.ones(n + r),
        np.concatenate([np.ones(n, bool), np.zeros(r, bool)]), matrix,
        np.concatenate([np.full(r, -np.inf), [-np.inf]]),
        np.concatenate([np.zeros(r), [cap + 1e-9]]), x0)
    if values is None:
        return None
    chosen = np.flatnonzero(values[:n] > 0.5)
    return MipResult(chosen, obj, bound, optimal)
