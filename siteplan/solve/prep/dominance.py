"""Dominated columns of a covering problem, found by a compiled kernel.

Column ``j`` is dominated by ``k`` when every row ``j`` covers is covered by
``k`` too and ``k`` costs no more; on a tie of row count and cost the lower
index stays. Any cover using ``j`` stays a cover, no dearer, with ``k``
instead, so an optimum without the dominated columns exists (the relation is
a strict order, so every dominated column has an undominated dominator).

For each column only the columns of its rarest row can dominate it; each such
candidate is tested by walking its rows against a stamp of ``j``'s rows and
stopping as soon as it has more rows outside ``j`` than it has rows beyond
``j``'s count (then it misses one of ``j``'s rows). The first dominator found
ends the column's search. Memory: one stamp per row and one flag per column.

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve.instance import build_problem
>>> p = build_problem(sp.csc_array([[1, 1, 0], [0, 1, 1], [0, 0, 1]]), [1.0, 1.0, 5.0])
>>> dominated_columns(p, np.arange(3)).tolist()
[True, False, False]
"""

from __future__ import annotations

import numpy as np
from numba import njit

from siteplan.solve.instance import Problem


def dominated_columns(p: Problem, columns: np.ndarray) -> np.ndarray:
    """Mask over ``columns``: True where another of ``columns`` covers all
    its rows at no higher cost (ties of rows and cost: the lower index stays).

    Parameters
    ----------
    p : Problem
        The problem whose columns are compared (its CSC and CSR structure,
        without repeated entries, and its costs).
    columns : numpy.ndarray
        Distinct column indices, each covering at least one row; only these
        compete (a column outside them dominates nothing).

    Returns
    -------
    numpy.ndarray of bool
        One flag per entry of ``columns``.
    """
    columns = np.asarray(columns, dtype=np.int64)
    if columns.size < 2:
        return np.zeros(columns.size, dtype=bool)
    return _dominated(p.col_ptr, p.col_rows, p.row_ptr, p.row_cols,
                      np.asarray(p.cost, dtype=np.float64), columns)


@njit(cache=True, nogil=True)
def _dominated(col_ptr: np.ndarray, col_rows: np.ndarray, row_ptr: np.ndarray,
               row_cols: np.ndarray, cost: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The kernel of :func:`dominated_columns` (same arguments, as arrays)."""
    n_cols = col_ptr.size - 1
    n_rows = row_ptr.size - 1
    out = np.zeros(columns.size, dtype=np.bool_)
    alive = np.zeros(n_cols, dtype=np.bool_)
    for a in range(columns.size):
        alive[columns[a]] = True
    stamp = np.full(n_rows, -1, dtype=np.int64)
    for a in range(columns.size):
        j = columns[a]
        lo, hi = col_ptr[j], col_ptr[j + 1]
        length_j = hi - lo
        rarest, rarest_len = -1, row_ptr[n_rows] + 1
        for t in range(lo, hi):
            r = col_rows[t]
            stamp[r] = j
            if row_ptr[r + 1] - row_ptr[r] < rarest_len:
                rarest, rarest_len = r, row_ptr[r + 1] - row_ptr[r]
        if rarest < 0:
            continue
        cost_j = cost[j]
        for t in range(row_ptr[rarest], row_ptr[rarest + 1]):
            k = row_cols[t]
            if k == j or not alive[k]:
                continue
            length_k = col_ptr[k + 1] - col_ptr[k]
            cost_k = cost[k]
            if not (length_k >= length_j and cost_k <= cost_j):
                continue
            if not (length_k > length_j or cost_k < cost_j or k < j):
                continue
            slack = length_k - length_j  # rows of k that may lie outside j
            for s in range(col_ptr[k], col_ptr[k + 1]):
                if stamp[col_rows[s]] != j:
                    slack -= 1
                    if slack < 0:
                        break
            if slack >= 0:
                out[a] = True
                break
    return out


__all__ = ["dominated_columns"]
