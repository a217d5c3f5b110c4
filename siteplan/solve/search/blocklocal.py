"""Local search at city scale: improve a full cover one region at a time.

At a million rows one move of the core local search (:mod:`siteplan.solve.
local`) rebuilds the cover over the whole map, so it manages a handful of
moves in a minute. Here the rows are split into regions from the matrix
alone (:func:`regions`: within each connected component, farthest-point
seeds in hop distance on the row–column graph, each row joining its nearest
seed; small components share a region), and each region is improved on its
own small problem:

* the *free* columns are the cover's columns whose rows lie mostly in the
  region (the rest of the cover stays fixed);
* the rows to cover are those only free columns cover (incremental cover
  counts over the whole map say which);
* the candidates are every column covering one of those rows;
* :func:`siteplan.solve.search.local.local_portfolio` (row-weighting search and
  iterated greedy) runs on that problem from the free columns for the
  region's share of the time, and its cover replaces them when cheaper.

A replacement covers every row the free columns alone covered, and the rest
of the cover is untouched, so the whole cover stays feasible and never gets
dearer; a move costs the region's nonzeros, not the map's. When every region
has had its turn the regions are drawn again from another seed (their
borders move) while time is left.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from siteplan.solve import kernels
from siteplan.solve.instance import Problem, _ranges, build_problem
from siteplan.solve.options import DEFAULTS
from siteplan.solve.search.local import local_portfolio


def regions(p: Problem, rows_per_region: int, seed: int = 0,
            active: np.ndarray | None = None) -> np.ndarray:
    """A region label per row (``0..k-1``; -1 for rows not in ``active``,
    default the coverable rows) from the matrix alone: each connected
    component of ``rows_per_region`` rows or more is split around
    farthest-point seeds in hop distance on the row–column graph (the first
    drawn with ``seed``), rows joining their nearest seed; smaller components
    share labels (:func:`siteplan.solve.kernels.region_labels`).

    Examples
    --------
    >>> from siteplan.solve.instance import build_problem
    >>> A = sp.csc_array(np.eye(8) + np.eye(8, k=1))   # a path of 8 rows
    >>> lab = regions(build_problem(A), 4)
    >>> sorted(set(lab.tolist())), bool(lab[0] != lab[7])
    ([0, 1], True)
    """
    act = np.ascontiguousarray(p.coverable if active is None else active)
    offset = int(np.random.default_rng(seed).integers(max(p.n_rows, 1)))
    return kernels.region_labels(p.row_ptr, p.row_cols, p.col_ptr, p.col_rows, act,
                                 max(int(rows_per_region), 1), offset)


def _subproblem(p: Problem, rows: np.ndarray) -> tuple[Problem, np.ndarray]:
    """The full cover of ``rows`` by every column covering one of them;
    returns it and its columns' global indices."""
    entries = _ranges(p.row_ptr, rows)
    cols = p.row_cols[entries]
    columns, local = np.unique(cols, return_inverse=True)
    ptr = np.concatenate(([0], np.cumsum(np.diff(p.row_ptr)[rows])))
    A = sp.csr_array((np.ones(cols.size, dtype=np.int8), local.astype(np.int32), ptr),
                     shape=(rows.size, columns.size))
    return build_problem(A, p.cost[columns], weights=p.weights[rows]), columns


def regional_search(p: Problem, selected: np.ndarray, preselected: np.ndarray,
                    deadline: float, *, prices: np.ndarray | None = None,
                    rows_per_region: int = DEFAULTS.rows_per_region, seed: int = 0,
                    stop_at: float = -np.inf, details: dict | None = None,
                    max_rounds: int = 1000,
                    min_region_s: float = DEFAULTS.min_region_s) -> np.ndarray:
    """Improve the full cover ``selected`` region by region (module notes)
    until ``deadline`` (``time.perf_counter()``), ``max_rounds`` rounds, or
    a cover costing ``stop_at`` or less.

    Parameters
    ----------
    p : Problem
        A full cover problem.
    selected : numpy.ndarray
        A feasible cover (column indices); the result is never dearer.
    preselected : numpy.ndarray
        Columns never removed.
    deadline : float
    prices : numpy.ndarray, optional
        Row prices (Lagrangian multipliers) for the rebuilds' scores.
    rows_per_region : int
        Rows needing cover per region.
    seed : int
    stop_at : float
    details : dict, optional
        Gets ``regional_moves`` (regions improved), ``regional_tries``,
        ``regional_rounds``.
    max_rounds : int

    Returns
    -------
    numpy.ndarray
        Sorted columns of the cover.

    Examples
    --------
    >>> from siteplan.solve.instance import build_problem
    >>> n = 60
    >>> A = sp.csc_array(np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1))
    >>> p = build_problem(A)
    >>> best = regional_search(p, np.arange(n), np.zeros(0, np.int64),
    ...                        time.perf_counter() + 2, rows_per_region=20)
    >>> bool(p.feasible(best)), int(best.size) <= n   # never dearer (tests check it improves)
    (True, True)
    """
    need = np.ascontiguousarray(p.coverable & (p.weights > 0))
    chosen = np.zeros(p.n_cols, dtype=bool)
    chosen[selected] = True
    is_preselected = np.zeros(p.n_cols, dtype=bool)
    is_preselected[preselected] = True
    counts = p.cover_counts(np.flatnonzero(chosen)).astype(np.int64)
    total = float(p.cost[chosen].sum())
    moves = tries = rounds = 0
    rng = np.random.default_rng(seed)
    while time.perf_counter() < deadline and rounds < max_rounds and total > stop_at:
        rounds += 1
        row_label = regions(p, rows_per_region, seed + rounds, need)
        k = int(row_label.max()) + 1
        col_label = kernels.majority_labels(p.col_ptr, p.col_rows, row_label, k)
        order = rng.permutation(k)
        for pos, b in enumerate(order.tolist()):
            now = time.perf_counter()
            if now >= deadline or total <= stop_at:
                break
            slice_s = max((deadline - now) / (k - pos), min_region_s)
            free = np.flatnonzero(chosen & ~is_preselected & (col_label == b))
            if free.size == 0:
                continue
            rows = p.col_rows[_ranges(p.col_ptr, free)]
            rows, times = np.unique(rows, return_counts=True)
            rows = rows[(counts[rows] == times) & need[rows]]
            free_cost = float(p.cost[free].sum())
            tries += 1
            if rows.size == 0:  # the free columns are redundant
                new = np.zeros(0, dtype=np.int64)
            else:
                q, columns = _subproblem(p, rows)
                start = np.searchsorted(columns, free[np.isin(free, columns)])
                q_prices = None if prices is None else prices[rows]
                local = local_portfolio(q, start, np.zeros(0, np.int64),
                                        min(deadline, time.perf_counter() + slice_s),
                                        prices=q_prices, seed=seed + tries,
                                        stop_at=free_cost - (total - stop_at))
                new = columns[local]
            new_cost = float(p.cost[new].sum())
            if new_cost < free_cost - 1e-9 * max(1.0, free_cost):
                kernels.add_counts(p.col_ptr, p.col_rows, free, -1, counts)
                kernels.add_counts(p.col_ptr, p.col_rows, new, 1, counts)
                chosen[free] = False
                chosen[new] = True
                total += new_cost - free_cost
                moves += 1
    if details is not None:
        details.update(regional_moves=moves, regional_tries=tries, regional_rounds=rounds)
    return np.flatnonzero(chosen)


__all__ = ["regional_search", "regions"]
