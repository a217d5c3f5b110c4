"""The compiled kernel of :mod:`siteplan.solve.prep.dominance` (numba,
``cache=True``, GIL released), in a module of its own so that importing the
solver does not import numba (about a second): only a dominance test big
enough to pay for it, or one in a process that has numba loaded already,
imports this module.

For each column only the columns of its rarest row can dominate it; each
candidate is tested by walking its rows against a stamp of the column's rows
and stops as soon as it has more rows outside the column than it has rows
beyond the column's count (it then misses one of them). The first dominator
found ends the column's search. Memory: one stamp per row, one flag per
column.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def dominated_kernel(col_ptr: np.ndarray, col_rows: np.ndarray, row_ptr: np.ndarray,
                     row_cols: np.ndarray, cost: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """Mask over ``columns`` (int64): True where another of ``columns``
    covers all the rows of that column at no higher cost (ties of rows and
    cost: the lower index stays). CSC and CSR index arrays of the problem,
    without repeated entries; every column of ``columns`` covers a row."""
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


__all__ = ["dominated_kernel"]
