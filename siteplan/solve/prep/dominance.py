"""Dominated columns of a covering problem.

Column ``j`` is dominated by ``k`` when every row ``j`` covers is covered by
``k`` too and ``k`` costs no more; on a tie of row count and cost the lower
index stays. Any cover using ``j`` stays a cover, no dearer, with ``k``
instead, so an optimum without the dominated columns exists (the relation is
a strict order, so every dominated column has an undominated dominator).

Only the columns of a column's rarest row can dominate it. Two ways to test
them give the same mask:

- vectorised (numpy): every (column, candidate) pair looks up each of the
  column's rows in the candidate's by sorted search — no early stop, so its
  work is about the candidates times the column's length;
- compiled (:mod:`.dominance_kernel`, numba): candidates walked one by one,
  each stopped at its first missing row, the column's search at its first
  dominator. On the zones-as-clutter county's 564,000-nonzero piece (2,515
  columns, 2,450 dominated) 3 ms against 2-5 s.

The compiled test runs when numba is loaded in the process already or the
vectorised one would look up more than
``SolveOptions.dominance_kernel_queries`` rows (importing numba costs about a
second, a first compilation about 0.7 s more, cached on disk after that).

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve.instance import build_problem
>>> p = build_problem(sp.csc_array([[1, 1, 0], [0, 1, 1], [0, 0, 1]]), [1.0, 1.0, 5.0])
>>> dominated_columns(p, np.arange(3)).tolist()
[True, False, False]
"""

from __future__ import annotations

import sys

import numpy as np

from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import DEFAULTS, SolveOptions


def dominated_columns(p: Problem, columns: np.ndarray, *,
                      options: SolveOptions = DEFAULTS) -> np.ndarray:
    """Mask over ``columns``: True where another of ``columns`` covers all
    its rows at no higher cost (ties of rows and cost: the lower index stays).

    Parameters
    ----------
    p : Problem
        The problem whose columns are compared (its CSC and CSR structure,
        rows sorted within each column, no repeated entries; its costs).
    columns : numpy.ndarray
        Distinct column indices, each covering at least one row; only these
        compete (a column outside them dominates nothing).
    options : SolveOptions
        ``dominance_kernel_queries`` (which test runs) and
        ``shrink_pairs_per_step`` (the vectorised test's memory).

    Returns
    -------
    numpy.ndarray of bool
        One flag per entry of ``columns`` (the same from either test).
    """
    columns = np.asarray(columns, dtype=np.int64)
    if columns.size < 2:
        return np.zeros(columns.size, dtype=bool)
    rarest = _rarest_rows(p, columns)
    queries = float(np.dot(np.diff(p.row_ptr)[rarest].astype(float),
                           np.diff(p.col_ptr)[columns].astype(float)))
    if "numba" in sys.modules or queries > options.dominance_kernel_queries:
        from siteplan.solve.prep.dominance_kernel import dominated_kernel

        return dominated_kernel(p.col_ptr, p.col_rows, p.row_ptr, p.row_cols,
                                np.asarray(p.cost, dtype=np.float64), columns)
    return _dominated_vectorised(p, columns, rarest, options.shrink_pairs_per_step)


def _rarest_rows(p: Problem, columns: np.ndarray) -> np.ndarray:
    """Each column's rarest row (fewest covering columns; ties: the lowest
    index): a column dominating it must cover that row too."""
    length = np.diff(p.col_ptr)
    row_len = np.diff(p.row_ptr)
    entries = p.col_rows[_ranges(p.col_ptr, columns)]
    packed = row_len[entries].astype(np.int64) * p.n_rows + entries
    seg = np.concatenate(([0], np.cumsum(length[columns])[:-1]))
    return (np.minimum.reduceat(packed, seg) % p.n_rows) if packed.size else seg


def _dominated_vectorised(p: Problem, columns: np.ndarray, rarest: np.ndarray,
                          pairs_per_step: int) -> np.ndarray:
    """:func:`dominated_columns` by sorted search, ``pairs_per_step``
    (column, candidate) pairs at a time."""
    out = np.zeros(columns.size, dtype=bool)
    alive = np.zeros(p.n_cols, dtype=bool)
    alive[columns] = True
    length = np.diff(p.col_ptr)
    row_len = np.diff(p.row_ptr)
    keys = np.repeat(np.arange(p.n_cols, dtype=np.int64) * p.n_rows, length) + p.col_rows
    work = row_len[rarest].astype(np.int64)
    i = 0
    while i < columns.size:
        end = i + 1
        total = work[i]
        while end < columns.size and total + work[end] <= pairs_per_step:
            total += work[end]
            end += 1
        part = np.arange(i, end)
        i = end
        small = np.repeat(columns[part], row_len[rarest[part]])
        who = np.repeat(part, row_len[rarest[part]])
        big = p.row_cols[_ranges(p.row_ptr, rarest[part])].astype(np.int64)
        lj, lk = length[small], length[big]
        cj, ck = p.cost[small], p.cost[big]
        ok = alive[big] & (big != small) & (lk >= lj) & (ck <= cj) & (
            (lk > lj) | (ck < cj) | (big < small))
        small, big, who = small[ok], big[ok], who[ok]
        if not small.size:
            continue
        need = length[small]
        queries = p.col_rows[_ranges(p.col_ptr, small)].astype(np.int64)
        query_keys = np.repeat(big * p.n_rows, need) + queries
        pos = np.minimum(np.searchsorted(keys, query_keys), keys.size - 1)
        hits = np.bincount(np.repeat(np.arange(small.size), need),
                           weights=keys[pos] == query_keys, minlength=small.size)
        out[np.unique(who[hits == need])] = True
    return out


__all__ = ["dominated_columns"]
