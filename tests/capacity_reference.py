"""Reference models of the coverage + capacity plan, for tests ONLY.

Two independent ways to find the optimum of the problem the planner hands
the solver (a brute force over every subset, and a HiGHS MILP through
``scipy.optimize.milp``), so a property test can check the library's
solver and the capacity rows against them. Nothing in ``siteplan`` imports
this: the library has one solver.

The problem: choose columns ``x`` (preselected fixed to 1) of least cost
such that for every group ``g`` the covered row weight reaches
``target_g × coverable weight of g`` and every capacity row
``Σ_j M[g, j] x_j ≥ demand_g``.
"""

from __future__ import annotations

import itertools

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp


def feasible(A: np.ndarray, x: np.ndarray, weights: np.ndarray, groups: np.ndarray,
             target: np.ndarray, cap_matrix: np.ndarray | None,
             cap_demand: np.ndarray | None) -> bool:
    """Does the 0/1 choice ``x`` meet every coverage and capacity row?"""
    coverable = A.any(axis=1)
    covered = (A @ x) > 0
    for g in range(len(target)):
        rows = groups == g
        need = target[g] * weights[rows & coverable].sum()
        if weights[rows & covered].sum() < need * (1 - 1e-9) - 1e-12:
            return False
    if cap_matrix is not None:
        served = cap_matrix @ x
        if np.any(served < cap_demand * (1 - 1e-9) - 1e-9):
            return False
    return True


def brute_force(A, cost, weights, groups, target, cap_matrix=None, cap_demand=None,
                pre=()) -> tuple[float, tuple[int, ...] | None]:
    """Least cost and a cheapest choice over every subset (``inf`` if none)."""
    A = np.asarray(A, bool)
    n = A.shape[1]
    pre = tuple(sorted(set(pre)))
    free = [j for j in range(n) if j not in pre]
    best, best_set = np.inf, None
    for r in range(len(free) + 1):
        for combo in itertools.combinations(free, r):
            chosen = pre + combo
            c = float(np.sum(np.asarray(cost)[list(chosen)])) if chosen else 0.0
            if c >= best:
                continue
            x = np.zeros(n)
            x[list(chosen)] = 1.0
            if feasible(A, x, weights, groups, target, cap_matrix, cap_demand):
                best, best_set = c, tuple(sorted(chosen))
    return best, best_set


def highs_optimum(A, cost, weights, groups, target, cap_matrix=None, cap_demand=None,
                  pre=()) -> tuple[float, np.ndarray | None]:
    """The same optimum by HiGHS: x (columns) and y (rows covered) binary."""
    A = np.asarray(A, bool)
    n_rows, n_cols = A.shape
    cost = np.asarray(cost, float)
    weights = np.asarray(weights, float)
    coverable = A.any(axis=1)
    c = np.concatenate([cost, np.zeros(n_rows)])
    blocks, lo, hi = [], [], []
    # y_i - sum_j A_ij x_j <= 0
    blocks.append(sp.hstack([-sp.csr_array(A.astype(float)), sp.eye(n_rows)]))
    lo.append(np.full(n_rows, -np.inf))
    hi.append(np.zeros(n_rows))
    for g in range(len(target)):
        rows = (groups == g) & coverable
        row = np.concatenate([np.zeros(n_cols), np.where(rows, weights, 0.0)])
        blocks.append(sp.csr_array(row[None, :]))
        lo.append(np.array([target[g] * weights[rows].sum() * (1 - 1e-9)]))
        hi.append(np.array([np.inf]))
    if cap_matrix is not None:
        m = np.asarray(cap_matrix, float)
        blocks.append(sp.hstack([sp.csr_array(m), sp.csr_array((m.shape[0], n_rows))]))
        lo.append(np.asarray(cap_demand, float) * (1 - 1e-9) - 1e-9)
        hi.append(np.full(m.shape[0], np.inf))
    lower = np.zeros(n_cols + n_rows)
    lower[list(pre)] = 1.0
    res = milp(c, constraints=LinearConstraint(sp.vstack(blocks).tocsr(), np.concatenate(lo),
                                               np.concatenate(hi)),
               integrality=np.ones(n_cols + n_rows), bounds=Bounds(lower, np.ones(n_cols + n_rows)),
               options={"time_limit": 30})
    if res.x is None:
        return np.inf, None
    x = np.round(res.x[:n_cols])
    return float(cost @ x), np.flatnonzero(x)
