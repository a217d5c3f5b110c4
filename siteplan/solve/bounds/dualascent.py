"""City-scale lower bound for full covers: coordinate ascent on a smoothed
Lagrangian dual.

For multipliers ``u >= 0`` on the rows, ``L(u) = sum_i u_i + sum_j min(0,
c_j - (A^T u)_j)`` is a lower bound on every cover's cost (the Lagrangian
of :mod:`siteplan.solve.bounds.lagrange`), whatever ``u`` is. The subgradient
method maximises it with one global step and stalls at a million rows
(about 0.9 of the LP value in its time there). Here ``L`` is replaced by
its entropy-smoothed version

``L_mu(u) = sum_i u_i - mu sum_j log(1 + exp(-rc_j / mu))``, with
``L - n mu log 2 <= L_mu <= L``,

which is smooth and concave, and maximised one row at a time (Gauss–Seidel:
each row's multiplier set to its exact maximiser given the others,
:func:`siteplan.solve.kernels.smooth_sweep`), while ``mu`` shrinks
geometrically towards 0. A sweep touches each nonzero a few times and only
the reduced costs of the row's own columns change, so every region of the
map converges at its own pace. The bound reported is always the exact
``L(u)`` recomputed from ``u`` (valid for any ``u``); the smoothing only
steers.

On disk covers (``benchmarks/coverage_instances.disk_matrix``) it reaches
0.999 of the LP value (HiGHS) in 20 s at 50,000 and 200,000 rows, where the
subgradient gets 0.99 and 0.88; on unicost ones it stalls near 0.96 (the
subgradient 0.91): BENCHMARKS.md, "Set cover at city scale".
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from siteplan.solve import kernels
from siteplan.solve.bounds.lagrange import LagrangeState, initial_multipliers, lagrangian_heuristic
from siteplan.solve.instance import Problem
from siteplan.solve.options import DEFAULTS, SolveOptions


class _Passes:
    """Sweeps and exact reduced costs on the problem renumbered in
    breadth-first order (:func:`siteplan.solve.kernels.bfs_order`: a row's
    columns and the next row's are mostly the same, so a pass finds them in
    cache), split over two threads when large."""

    def __init__(self, sub: Problem, need: np.ndarray, pool: ThreadPoolExecutor | None) -> None:
        self.pool = pool
        self.row_order, self.col_order = kernels.bfs_order(sub.row_ptr, sub.row_cols,
                                                           sub.col_ptr, sub.col_rows)
        row_new = np.empty_like(self.row_order)
        row_new[self.row_order] = np.arange(self.row_order.size)
        col_new = np.empty_like(self.col_order)
        col_new[self.col_order] = np.arange(self.col_order.size)
        self.row_ptr, self.row_cols = kernels.permute_csr(sub.row_ptr, sub.row_cols,
                                                          self.row_order, col_new)
        self.col_ptr, self.col_rows = kernels.permute_csr(sub.col_ptr, sub.col_rows,
                                                          self.col_order, row_new)
        self.cost = np.ascontiguousarray(sub.cost[self.col_order])
        self.need = np.ascontiguousarray(need[self.row_order])
        self.n_rows, self.n_cols = sub.n_rows, sub.n_cols
        self.mid_row = int(np.searchsorted(self.row_ptr, self.row_ptr[-1] // 2))
        self.mid_col = int(np.searchsorted(self.col_ptr, self.col_ptr[-1] // 2))

    def sweep(self, rc: np.ndarray, u: np.ndarray, mu: float) -> None:
        """A sweep over all rows (renumbered ``u`` and ``rc``)."""
        if self.pool is None:
            kernels.smooth_sweep(self.row_ptr, self.row_cols, rc, u, self.need, mu, 0,
                                 self.n_rows)
            return
        top = self.pool.submit(kernels.smooth_sweep, self.row_ptr, self.row_cols, rc, u,
                               self.need, mu, 0, self.mid_row)
        kernels.smooth_sweep(self.row_ptr, self.row_cols, rc, u, self.need, mu, self.mid_row,
                             self.n_rows)
        top.result()

    def reduced(self, u: np.ndarray) -> np.ndarray:
        """``c - A^T u`` (renumbered)."""
        out = np.empty(self.n_cols)
        if self.pool is None:
            kernels.reduced_costs(self.col_ptr, self.col_rows, self.cost, u, 0, self.n_cols, out)
            return out
        left = self.pool.submit(kernels.reduced_costs, self.col_ptr, self.col_rows, self.cost,
                                u, 0, self.mid_col, out)
        kernels.reduced_costs(self.col_ptr, self.col_rows, self.cost, u, self.mid_col,
                              self.n_cols, out)
        left.result()
        return out

    def rows_back(self, values: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        out[self.row_order] = values
        return out

    def cols_back(self, values: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        out[self.col_order] = values
        return out


def lagrangian_value(p: Problem, u: np.ndarray, rc: np.ndarray, fixed_cost: float = 0.0) -> float:
    """``L(u) = sum_i u_i + sum_j min(0, rc_j)`` (plus the fixed columns'
    cost) for a full cover: a valid lower bound for any ``u >= 0`` when
    ``rc = c - A^T u`` exactly and ``u`` is 0 on rows needing no cover."""
    return float(u.sum()) + float(rc[rc < 0].sum()) + fixed_cost


def smoothed_dual_ascent(p: Problem, *, upper_bound: float, best_selected: np.ndarray,
                         preselected: np.ndarray, deadline: float, max_sweeps: int = 1000,
                         threads: int = 2, heuristic: bool = True,
                         options: SolveOptions = DEFAULTS) -> LagrangeState:
    """Lower bound for a full cover by coordinate ascent on the smoothed
    Lagrangian dual (module notes), then the Lagrangian heuristic on the best
    multipliers' reduced costs.

    Parameters
    ----------
    p : Problem
        A full cover (every coverable row of positive weight covered).
    upper_bound, best_selected : float, numpy.ndarray
        The best cover so far and its cost (returned unless the heuristic
        finds a cheaper one); the ascent stops once the bound proves it.
    preselected : numpy.ndarray
        Fixed columns: their rows need no cover, their cost is added.
    deadline : float
        ``time.perf_counter()`` value to stop at.
    max_sweeps : int
        Most sweeps (one sweep visits every nonzero a few times); with
        ``threads=1`` the result depends only on this, not on the clock.
    threads : int
        2: sweeps and pricing split over two threads on large matrices.
    heuristic : bool
        Build a cover from the best multipliers (greedy on reduced costs).

    Returns
    -------
    LagrangeState
        ``iterations`` counts sweeps.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array([[1, 1, 0], [0, 1, 1], [1, 0, 1]]))
    >>> s = smoothed_dual_ascent(p, upper_bound=2.0, best_selected=np.array([0, 1]),
    ...                          preselected=np.zeros(0, int),
    ...                          deadline=time.perf_counter() + 1)
    >>> 1.45 < s.lower_bound <= 1.5 + 1e-9    # the LP value is 1.5
    True
    """
    if not p.full_cover:
        raise ValueError("smoothed_dual_ascent handles full covers only")
    sub = p.fix(preselected)
    need = np.ascontiguousarray(sub.coverable & (sub.weights > 0))
    # from ``options.threaded_nnz`` nonzeros a sweep is split over two threads (rows in
    # two halves; the rare simultaneous update of a shared column's reduced cost
    # only perturbs the steering, which is recomputed exactly after each sweep)
    if threads > 1 and sub.col_rows.size >= options.threaded_nnz:
        with ThreadPoolExecutor(1) as pool:
            return _ascend(p, sub, need, _Passes(sub, need, pool), upper_bound, best_selected,
                           preselected, deadline, max_sweeps, heuristic, options)
    return _ascend(p, sub, need, _Passes(sub, need, None), upper_bound, best_selected,
                   preselected, deadline, max_sweeps, heuristic, options)


def _ascend(p: Problem, sub: Problem, need: np.ndarray, passes: _Passes, upper_bound: float,
            best_selected: np.ndarray, preselected: np.ndarray, deadline: float,
            max_sweeps: int, heuristic: bool, options: SolveOptions) -> LagrangeState:
    fixed_cost = float(p.cost[preselected].sum())
    integral = bool(np.all(p.cost % 1 == 0))
    u = initial_multipliers(sub)
    u[~need] = 0.0
    u = np.ascontiguousarray(u[passes.row_order])  # renumbered from here on
    rc = passes.reduced(u)
    best_lb = lagrangian_value(sub, u, rc, fixed_cost)
    best_u, best_rc = u.copy(), rc.copy()
    positive = sub.cost[sub.cost > 0]
    scale = float(positive.mean()) if positive.size else 0.0
    mu, floor = options.mu_start * scale, options.mu_floor * scale
    sweeps, stalled = 0, 0
    best_cost, best_sel = float(upper_bound), np.asarray(best_selected)

    def proven() -> bool:
        return best_cost - best_lb <= 1e-9 * max(1.0, abs(best_cost)) or (
            integral and np.ceil(best_lb - 1e-6) >= best_cost)

    while scale > 0 and sweeps < max_sweeps and time.perf_counter() < deadline and not proven():
        passes.sweep(rc, u, mu)
        sweeps += 1
        rc = passes.reduced(u)  # exact again (two threads may race on shared columns)
        lb = lagrangian_value(sub, u, rc, fixed_cost)
        if lb > best_lb + options.stall_progress * max(1.0, abs(best_lb)):
            stalled = 0
        else:
            stalled += 1
        if lb > best_lb:
            best_lb, best_u, best_rc = lb, u.copy(), rc.copy()
        if stalled >= options.stall_sweeps:
            break
        if sweeps % options.mu_every == 0:
            mu = max(mu * options.mu_decay, floor)
    best_u, best_rc = passes.rows_back(best_u), passes.cols_back(best_rc)
    if heuristic and not proven():
        sel = lagrangian_heuristic(p, best_rc, preselected)
        c = float(p.cost[sel].sum())
        if c < best_cost - 1e-12:
            best_cost, best_sel = c, sel
    return LagrangeState(best_lb, best_u, best_rc, np.unique(best_sel), best_cost, sweeps)


__all__ = ["lagrangian_value", "smoothed_dual_ascent"]
