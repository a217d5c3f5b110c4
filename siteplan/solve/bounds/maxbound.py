"""Lagrangian upper bound for max cover.

Max cover is ``max sum_r w_r y_r`` with ``y_r <= sum_j a_rj x_j``,
``sum_j x_j <= k`` (or ``sum_j c_j x_j <= B``), ``x`` binary with the
preselected columns at 1, and ``0 <= y <= 1``. Relaxing the covering rows
with multipliers ``0 <= l_r <= w_r``:

``U(l) = sum_r (w_r - l_r) + sum_{j in pre} g_j + F(g)``, ``g = A^T l``,

where ``F`` is the best fractional choice of the other columns' ``g`` within
the remaining count (the largest ``k - |pre|``) or budget (a fractional
knapsack). Every ``U(l)`` bounds the optimum from above; the least of them
is the LP relaxation's value, approached here by projected subgradient steps.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from siteplan.solve.bounds.lagrange import _Pricer
from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import DEFAULTS, SolveOptions


def best_completion(g: np.ndarray, cost: np.ndarray, free: np.ndarray, k: int | None,
                    budget: float | None) -> tuple[float, np.ndarray, np.ndarray]:
    """Best fractional pick among the ``free`` columns of value ``g``: at most
    ``k`` of them, or total cost within ``budget``. Returns the value, the
    picked columns and their fractions (all 1 but a knapsack's last)."""
    cand = free[g[free] > 0]
    if k is not None:
        if k <= 0 or cand.size == 0:
            return 0.0, cand[:0], np.zeros(0)
        if cand.size > k:
            cand = cand[np.argpartition(-g[cand], k - 1)[:k]]
        return float(g[cand].sum()), cand, np.ones(cand.size)
    zero = cand[cost[cand] <= 0]
    paid = cand[cost[cand] > 0]
    order = paid[np.argsort(-g[paid] / cost[paid], kind="stable")]
    cum = np.cumsum(cost[order])
    whole = int(np.searchsorted(cum, budget, side="right"))
    picked = np.concatenate([zero, order[:whole]])
    share = np.ones(picked.size)
    if whole < order.size:
        left = budget - (cum[whole - 1] if whole else 0.0)
        part = max(left, 0.0) / cost[order[whole]]
        if part > 0:
            picked = np.append(picked, order[whole])
            share = np.append(share, part)
    return float(g[picked] @ share), picked, share


def max_cover_upper_bound(p: Problem, *, k: int | None, budget: float | None,
                          preselected: np.ndarray, covered_weight: float, deadline: float,
                          max_iterations: int = 2000,
                          options: SolveOptions = DEFAULTS) -> tuple[float, int]:
    """Least ``U(l)`` found by projected subgradient steps before ``deadline``.

    Polyak steps towards ``covered_weight`` (the weight a known choice
    covers), with the factor halving after ``options.step_patience`` iterations
    without a better bound, as in :func:`siteplan.solve.bounds.lagrange.subgradient`.

    Returns
    -------
    bound : float
        A valid upper bound on the weight any feasible choice covers.
    iterations : int

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array([[1, 1, 0], [0, 1, 1], [1, 0, 1]]))
    >>> bound, _ = max_cover_upper_bound(p, k=1, budget=None, preselected=np.zeros(0, int),
    ...                                  covered_weight=2.0, deadline=time.perf_counter() + 1)
    >>> 2.0 <= bound < 2.05    # one column covers two of the three rows
    True
    """
    pre = np.asarray(preselected, dtype=np.int64)
    if p.col_rows.size < options.threaded_nnz:
        return _descend(p, _Pricer(p, None), k, budget, pre, covered_weight, deadline,
                        max_iterations, options)
    with ThreadPoolExecutor(1) as pool:
        return _descend(p, _Pricer(p, pool), k, budget, pre, covered_weight, deadline,
                        max_iterations, options)


def _descend(p: Problem, pricer: _Pricer, k: int | None, budget: float | None,
             pre: np.ndarray, target: float, deadline: float,
             max_iterations: int, options: SolveOptions) -> tuple[float, int]:
    w = p.weights
    free = np.setdiff1d(np.arange(p.n_cols), pre)
    left_k = None if k is None else k - pre.size
    left_budget = None if budget is None else budget - float(p.cost[pre].sum())
    movable = p.coverable & (w > 0)
    lam = np.where(movable, 0.5 * w, np.where(p.coverable, 0.0, w))
    best, factor, stalled, it = np.inf, options.step_start, 0, 0
    while it < max_iterations and time.perf_counter() < deadline and factor > 1e-4:
        it += 1
        g = pricer(lam)
        value, picked, share = best_completion(g, p.cost, free, left_k, left_budget)
        bound = float((w - lam).sum()) + float(g[pre].sum()) + value
        stalled = 0 if bound < best - options.step_progress * max(1.0, abs(best)) else stalled + 1
        best = min(best, bound)
        if best - target <= 1e-9 * max(1.0, abs(target)):
            break
        if stalled >= options.step_patience:
            factor, stalled = 0.5 * factor, 0
        chosen = np.concatenate([pre, picked])
        x = np.concatenate([np.ones(pre.size), share])
        lengths = p.col_ptr[chosen + 1] - p.col_ptr[chosen]
        d = np.bincount(p.col_rows[_ranges(p.col_ptr, chosen)], np.repeat(x, lengths),
                        minlength=p.n_rows) - 1.0
        d[~movable | ((lam <= 0) & (d > 0)) | ((lam >= w) & (d < 0))] = 0.0
        norm2 = float(d @ d)
        if norm2 == 0.0:
            break
        lam = np.clip(lam - factor * (bound - target) / norm2 * d, 0.0, w)
    return best, it


__all__ = ["best_completion", "max_cover_upper_bound"]
