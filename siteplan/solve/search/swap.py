"""Swap local search for max cover: exchange one chosen column for one not
chosen while that covers more weight.

For the current choice every row has a cover count. Dropping column ``a``
loses the weight of the rows only ``a`` covers (``loss[a]``); adding ``b``
gains the weight of the uncovered rows it covers (``gain[b]``); the exchange
changes the covered weight by exactly

``gain[b] - loss[a] + overlap(a, b)``

where ``overlap`` is the weight of the rows only ``a`` covers that ``b``
covers too. For one ``b`` the best ``a`` is found for all ``a`` at once from
the owner of each singly covered row, so a step costs the rows of the
columns it looks at, plus one pass over the matrix after each exchange.
Columns ``b`` are tried by falling ``gain``; since no exchange with ``b``
gains more than ``gain[b]``, the scan stops at the first ``b`` whose gain
cannot beat the best exchange found.

Examples
--------
>>> import scipy.sparse as sp, time
>>> from siteplan.solve.instance import build_problem
>>> A = sp.csc_array([[1, 1, 0], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
>>> p = build_problem(A)
>>> swap_search(p, np.array([0]), np.zeros(0, int), budget=None,
...             deadline=time.perf_counter() + 1).tolist()   # 0 covers 2 rows; 1 or 2 too
[0]
>>> p = build_problem(A, weights=[1, 1, 5, 0])
>>> swap_search(p, np.array([0]), np.zeros(0, int), budget=None,
...             deadline=time.perf_counter() + 1).tolist()
[1]
"""

from __future__ import annotations

import time

import numpy as np

from siteplan.solve.instance import Problem
from siteplan.solve.options import DEFAULTS


def swap_search(p: Problem, selected: np.ndarray, preselected: np.ndarray, *,
                budget: float | None, deadline: float,
                patience_columns: int = DEFAULTS.swap_patience_columns) -> np.ndarray:
    """Best-improvement exchanges of one column until none improves or the
    deadline passes.

    Parameters
    ----------
    p : Problem
    selected : numpy.ndarray
        A feasible choice (count or budget respected); it is never made worse.
    preselected : numpy.ndarray
        Columns never exchanged out.
    budget : float, optional
        With a budget an exchange must keep the total cost within it; without,
        the count is kept.
    deadline : float
        ``time.perf_counter()`` value to stop at.

    Returns
    -------
    numpy.ndarray
        Sorted chosen columns, covering at least the weight ``selected`` does.
    """
    chosen = np.zeros(p.n_cols, dtype=bool)
    chosen[selected] = True
    frozen = np.zeros(p.n_cols, dtype=bool)
    frozen[preselected] = True
    counts = p.cover_counts(np.flatnonzero(chosen))
    spent = float(p.cost[chosen].sum())
    tol = 1e-12 * max(1.0, float(p.weights.sum()))
    while time.perf_counter() < deadline:
        uncovered_w = np.where(counts == 0, p.weights, 0.0)
        gain = p.transpose_matvec(uncovered_w)
        gain[chosen] = 0.0
        single = counts == 1
        loss = p.transpose_matvec(np.where(single, p.weights, 0.0))
        out = np.flatnonzero(chosen & ~frozen)
        if out.size == 0:
            break
        # owner of each singly covered row: the one exchangeable chosen
        # column covering it, as a position in ``out``
        owner = np.full(p.n_rows, -1, dtype=np.int64)
        for i, a in enumerate(out.tolist()):
            if i % 256 == 255 and time.perf_counter() >= deadline:
                return np.flatnonzero(chosen)
            rows = p.column_rows(a)
            owner[rows[single[rows]]] = i
        candidates = np.flatnonzero(gain > tol)
        candidates = candidates[np.argsort(-gain[candidates], kind="stable")]
        best = (tol, -1, -1)
        looked = 0
        for b in candidates.tolist():
            if gain[b] <= best[0] or looked >= patience_columns or (
                    looked % 16 == 0 and time.perf_counter() >= deadline):
                break
            looked += 1
            rows = p.column_rows(b)
            shared = rows[single[rows] & (owner[rows] >= 0)]
            overlap = np.bincount(owner[shared], p.weights[shared], minlength=out.size)
            delta = gain[b] - loss[out] + overlap
            if budget is not None:
                delta[spent - p.cost[out] + p.cost[b] > budget + 1e-9] = -np.inf
            i = int(np.argmax(delta))
            if delta[i] > best[0]:
                best, looked = (float(delta[i]), int(out[i]), b), 0
        if best[1] < 0:
            break
        _, a, b = best
        chosen[a], chosen[b] = False, True
        counts[p.column_rows(a)] -= 1
        counts[p.column_rows(b)] += 1
        spent += float(p.cost[b] - p.cost[a])
    return np.flatnonzero(chosen)


__all__ = ["swap_search"]
