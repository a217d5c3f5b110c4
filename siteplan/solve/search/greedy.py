"""Lazy (CELF) greedy for weighted, grouped, partial set cover and max cover,
plus redundant-column removal.

Gains only shrink as rows get covered (the capped group gain
``sum_g min(need_g, new_weight_g)`` is submodular), so a stale heap key is an
optimistic bound and the lazy evaluation picks exactly what the plain greedy
would, in about O(nnz log n). On narrow single-group problems (up to
``SolveOptions.eager_cols_limit`` columns) an eager variant keeps every gain up to date
instead, which costs fewer numpy calls per pick and picks the same columns.
"""

from __future__ import annotations

import heapq
import time

import numpy as np
import scipy.sparse as sp

from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import DEFAULTS


def column_group_gains(p: Problem, covered: np.ndarray) -> np.ndarray:
    """Uncovered weight per (column, group) as a dense ``n_cols × G`` array,
    or a 1-D array of uncovered weight per column when there is one group."""
    row_w = np.where(covered, 0.0, p.weights)
    if p.n_groups == 1:
        return p.transpose_matvec(row_w)
    col_of_entry = np.repeat(np.arange(p.n_cols), np.diff(p.col_ptr))
    m = sp.coo_array((row_w[p.col_rows], (col_of_entry, p.groups[p.col_rows])),
                     shape=(p.n_cols, p.n_groups)).tocsr()
    return m


def _capped(p: Problem, per_group: object, need: np.ndarray) -> np.ndarray:
    cap = np.maximum(need, 0.0)
    if p.n_groups == 1:
        return np.minimum(np.asarray(per_group), cap[0])
    m = sp.csr_array(per_group)
    m.data = np.minimum(m.data, cap[m.indices])
    return np.asarray(m.sum(axis=1)).ravel()


def greedy_cover(p: Problem, preselected: np.ndarray, *, cost: np.ndarray | None = None,
                 allowed: np.ndarray | None = None,
                 eager_cols_limit: int | None = None, deadline: float | None = None,
                 details: dict | None = None) -> np.ndarray:
    """Pick columns by cost per unit of (capped) newly covered weight.

    At ``deadline`` the picking stops and every row still needed is
    covered by its cheapest column (:func:`_complete`, one vectorised pass):
    a cover within the time, worse than the greedy's; ``details`` then gets
    ``greedy_cut`` (the columns picked before the cut).

    Parameters
    ----------
    p : Problem
    preselected : numpy.ndarray
        Columns taken first, whatever they cost.
    cost : numpy.ndarray, optional
        Costs to rank by (defaults to ``p.cost``); the Lagrangian heuristic
        passes adjusted costs here.
    allowed : numpy.ndarray of bool, optional
        Columns that may be picked (default: all).
    eager_cols_limit : int, optional
        Most columns for the eager variant (default ``SolveOptions.eager_cols_limit``);
        both variants pick the same columns.

    Returns
    -------
    numpy.ndarray
        Chosen columns in pick order, preselected first.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> A = sp.csc_array([[1, 1, 0], [1, 0, 1], [0, 1, 1]])
    >>> greedy_cover(build_problem(A, [1.0, 1.0, 3.0]), np.zeros(0, int)).tolist()
    [0, 1]
    """
    cost = p.cost if cost is None else cost
    covered = p.covered_rows(preselected)
    need = p.required - p.group_covered(covered)
    tol = 1e-9 * max(1.0, float(p.required.max(initial=0.0)))
    chosen = [int(j) for j in preselected]
    if np.all(need <= tol):
        return np.asarray(chosen, dtype=np.int64)
    stop = np.inf if deadline is None else deadline
    if time.perf_counter() >= stop:  # no time even for the gains: every column may help
        gains = np.diff(p.col_ptr).astype(float)
    else:
        gains = _capped(p, column_group_gains(p, covered), need)
    ok = gains > tol
    ok[preselected] = False
    if allowed is not None:
        ok &= allowed
    limit = DEFAULTS.eager_cols_limit if eager_cols_limit is None else eager_cols_limit
    if time.perf_counter() >= stop:
        cut = True
    elif p.n_groups == 1 and p.n_cols <= limit:
        cut = _eager_single(p, covered, need, tol, chosen, cost, ok, gains, stop)
    else:
        cut = _lazy(p, covered, need, tol, chosen, cost, ok, gains, stop)
    if cut:
        if details is not None:
            details["greedy_cut"] = len(chosen) - preselected.size
        _complete(p, covered, need, tol, chosen, cost, ok, gains)
    return np.asarray(chosen, dtype=np.int64)


def _lazy(p: Problem, covered: np.ndarray, need: np.ndarray, tol: float, chosen: list[int],
          cost: np.ndarray, ok: np.ndarray, gains: np.ndarray, stop: float) -> bool:
    """The lazy (CELF) greedy of :func:`greedy_cover`; updates ``covered``,
    ``need`` and ``chosen`` in place; True when ``stop`` cut it."""
    cols = np.flatnonzero(ok)
    keys = cost[cols] / gains[cols]
    heap = list(zip(keys.tolist(), cols.tolist(), strict=True))
    heapq.heapify(heap)
    single = p.n_groups == 1
    weights, groups, col_ptr, col_rows = p.weights, p.groups, p.col_ptr, p.col_rows
    pops = 0
    while heap and need.max() > tol:
        pops += 1
        if pops % 64 == 0 and time.perf_counter() >= stop:
            return True
        _, j = heapq.heappop(heap)
        rows = col_rows[col_ptr[j]:col_ptr[j + 1]]
        rows = rows[~covered[rows]]
        if rows.size == 0:
            continue
        if single:
            new_w = weights[rows].sum()
            gain = min(new_w, need[0])
        else:
            per = np.bincount(groups[rows], weights[rows], minlength=p.n_groups)
            gain = float(np.minimum(per, np.maximum(need, 0.0)).sum())
        if gain <= tol:
            continue
        key = cost[j] / gain
        if heap and key > heap[0][0]:
            heapq.heappush(heap, (key, j))
            continue
        chosen.append(j)
        covered[rows] = True
        if single:
            need[0] -= new_w
        else:
            need -= per
    return False


def _complete(p: Problem, covered: np.ndarray, need: np.ndarray, tol: float,
              chosen: list[int], cost: np.ndarray, ok: np.ndarray, gains: np.ndarray) -> None:
    """Add, for every uncovered row of a group still short of its target,
    its cheapest column among ``ok`` that still gains (``gains``, the
    uncovered weight when last known): one vectorised pass, the greedy's
    fallback when its time is up. Every group then reaches its target (all
    its coverable rows are covered); ``covered`` and ``need`` are left as
    they were (nothing reads them after).

    The columns are ranked once (:func:`cheapest_first`), so the best
    column of a row is the least rank among its columns
    (:func:`least_per_row`, one ``minimum.reduceat``)."""
    short = need > tol
    rows = np.flatnonzero(~covered & p.coverable & (p.weights > 0) & short[p.groups])
    if rows.size == 0:
        return
    key = np.where(ok & (gains > tol), cost, np.inf)
    order, rank = cheapest_first(key)
    best = least_per_row(p.row_ptr, p.row_cols, rank, rows)
    picked = np.zeros(p.n_cols, dtype=bool)  # by rank: the order np.unique gave
    picked[best] = True
    pick = order[np.flatnonzero(picked)]
    pick = pick[np.isfinite(key[pick])]
    chosen.extend(pick.tolist())


def least_per_row(row_ptr: np.ndarray, row_cols: np.ndarray, rank: np.ndarray,
                  rows: np.ndarray) -> np.ndarray:
    """The least ``rank`` among the columns of each of ``rows`` (coverable,
    increasing) of the CSR structure ``row_ptr``/``row_cols``. When their
    entries are a large share of the matrix (a greedy cut early, e.g. by a
    slow input on a loaded machine) every row's least is taken in one pass
    over ``row_cols`` (3x cheaper than gathering their index ranges first).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.csr_array([[1, 1, 0], [0, 0, 0], [0, 1, 1]])
    >>> rank = np.array([2, 0, 1], dtype=np.int32)
    >>> least_per_row(m.indptr, m.indices, rank, np.array([0, 2])).tolist()
    [0, 0]
    >>> least_per_row(m.indptr, m.indices, rank, np.array([2])).tolist()
    [0]
    """
    lengths = row_ptr[rows + 1] - row_ptr[rows]
    if 3 * int(lengths.sum()) > row_cols.size:
        nonempty = np.flatnonzero(np.diff(row_ptr) > 0)
        least = np.minimum.reduceat(rank[row_cols], row_ptr[nonempty])
        return least[np.searchsorted(nonempty, rows)]
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.minimum.reduceat(rank[row_cols[_ranges(row_ptr, rows)]], starts)


def cheapest_first(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns ranked by ``cost`` (ties in a fixed pseudo-random order: rows
    near each other then agree on the same columns far more often than
    with ties by index or by gain, which vary smoothly in space): the order
    and each column's rank.

    Examples
    --------
    >>> order, rank = cheapest_first(np.array([3.0, 1.0, 2.0]))
    >>> order.tolist(), rank.tolist()
    ([1, 2, 0], [2, 0, 1])
    """
    n = cost.size
    order = np.lexsort((np.random.default_rng(0).permutation(n), cost))
    rank = np.empty(n, dtype=np.int32 if n < 2**31 else np.int64)
    rank[order] = np.arange(n)
    return order, rank


def _eager_single(p: Problem, covered: np.ndarray, need: np.ndarray, tol: float,
                  chosen: list[int], cost: np.ndarray, ok: np.ndarray, gains: np.ndarray,
                  stop: float) -> bool:
    """The greedy of :func:`greedy_cover` for one group, with every column's
    uncovered weight kept up to date (through the row → columns structure)
    instead of a lazy heap: fewer numpy calls on narrow matrices; updates
    ``covered``, ``need`` and ``chosen`` in place; True when ``stop`` cut it."""
    price = np.where(ok, cost, np.inf)
    gains[~ok] = 0.0  # in place: a cut leaves the current gains to _complete
    weights, col_ptr, col_rows = p.weights, p.col_ptr, p.col_rows
    row_len = np.diff(p.row_ptr)
    keys = np.empty(p.n_cols)
    while need[0] > tol:
        if time.perf_counter() >= stop:
            return True
        useful = np.minimum(gains, need[0])
        keys.fill(np.inf)
        np.divide(price, useful, out=keys, where=useful > tol)
        j = int(np.argmin(keys))
        if not keys[j] < np.inf:
            break
        rows = col_rows[col_ptr[j]:col_ptr[j + 1]]
        rows = rows[~covered[rows]]
        if rows.size == 0:  # rounding left a positive gain on a spent column
            gains[j] = 0.0
            continue
        covered[rows] = True
        w = weights[rows]
        need[0] -= float(w.sum())
        gains -= np.bincount(p.row_cols[_ranges(p.row_ptr, rows)], np.repeat(w, row_len[rows]),
                             minlength=p.n_cols)
        chosen.append(j)
    return False


def remove_redundant(p: Problem, selected: np.ndarray, keep: np.ndarray, *,
                     deadline: float | None = None) -> np.ndarray:
    """Drop columns, dearest first, whose removal keeps every group's target.

    At ``deadline`` (a ``time.perf_counter()`` value) it stops dropping: the
    columns left still reach every target.

    Parameters
    ----------
    selected : numpy.ndarray
        A feasible selection.
    keep : numpy.ndarray
        Columns never removed (preselected).

    Returns
    -------
    numpy.ndarray
        Sorted remaining columns.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array([[1, 1], [0, 1]]))
    >>> remove_redundant(p, np.array([0, 1]), np.zeros(0, int)).tolist()
    [1]
    """
    selected = np.unique(selected)
    if deadline is not None and time.perf_counter() >= deadline:
        return selected  # its set-up alone is a pass over the selection's rows
    counts = p.cover_counts(selected)
    slack = p.group_covered(counts > 0) - p.required
    tol = 1e-9 * max(1.0, float(p.required.max(initial=0.0)))
    keep_set = set(np.asarray(keep).tolist())
    removable = [j for j in selected.tolist() if j not in keep_set]
    removable.sort(key=lambda j: (-p.cost[j], j))
    removable = _could_go(p, np.asarray(removable, dtype=np.int64), counts, slack + tol).tolist()
    alive = np.ones(p.n_cols, dtype=bool)
    stop = np.inf if deadline is None else deadline
    for step, j in enumerate(removable):
        if step % 64 == 63 and time.perf_counter() >= stop:
            break
        rows = p.column_rows(j)
        unique_rows = rows[counts[rows] == 1]
        if unique_rows.size:
            loss = np.bincount(p.groups[unique_rows], p.weights[unique_rows],
                               minlength=p.n_groups)
            if np.any(loss > slack + tol):
                continue
            slack -= loss
        counts[rows] -= 1
        alive[j] = False
    return np.asarray(sorted(j for j in selected.tolist() if alive[j]), dtype=np.int64)


def _could_go(p: Problem, columns: np.ndarray, counts: np.ndarray,
              room: np.ndarray) -> np.ndarray:
    """The ``columns`` (order kept) whose rows covered only by them weigh at
    most ``room`` in every group. Only these can ever be dropped: dropping
    others only lowers the counts and the room."""
    if columns.size == 0:
        return columns
    lengths = p.col_ptr[columns + 1] - p.col_ptr[columns]
    rows = p.col_rows[_ranges(p.col_ptr, columns)]
    alone = counts[rows] == 1
    owner = np.repeat(np.arange(columns.size), lengths)[alone]
    rows = rows[alone]
    loss = sp.csr_array((p.weights[rows], (owner, p.groups[rows])),
                        shape=(columns.size, p.n_groups))
    loss.sum_duplicates()
    over = loss.data > room[loss.indices]
    too_much = np.zeros(columns.size, dtype=bool)
    too_much[np.repeat(np.arange(columns.size), np.diff(loss.indptr))[over]] = True
    return columns[~too_much]


def greedy_max_cover(p: Problem, preselected: np.ndarray, *, k: int | None,
                     budget: float | None, deadline: float | None = None,
                     details: dict | None = None) -> np.ndarray:
    """Greedy max cover under a column count ``k`` or a cost ``budget``.

    With a budget the key is marginal weight per cost, and the result is
    compared against the best single affordable column (the classic fix that
    keeps the greedy's guarantee). At ``deadline`` (a ``time.perf_counter()``
    value) the picking stops and the rest of the count or budget is filled
    by the last known keys (one sort, no update); ``details`` then gets
    ``greedy_cut`` (the columns picked before the cut).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array([[1, 1, 0], [1, 0, 0], [0, 0, 1]]))
    >>> none = np.zeros(0, np.int64)
    >>> greedy_max_cover(p, none, k=2, budget=None).tolist()
    [0, 2]
    >>> d = {}
    >>> greedy_max_cover(p, none, k=2, budget=None, deadline=0.0, details=d).size, d
    (2, {'greedy_cut': 0})
    """
    covered = p.covered_rows(preselected)
    chosen = [int(j) for j in preselected]
    spent = float(p.cost[preselected].sum())
    stop = np.inf if deadline is None else deadline
    if time.perf_counter() >= stop:  # no time even for the gains: rows per column
        gains = np.diff(p.col_ptr).astype(float)
    else:
        gains = p.transpose_matvec(np.where(covered, 0.0, p.weights))
    ok = gains > 0
    ok[preselected] = False
    cols = np.flatnonzero(ok)
    if budget is None:
        keys = -gains[cols]
    else:
        cols = cols[p.cost[cols] <= budget - spent + 1e-12]
        keys = -gains[cols] / np.maximum(p.cost[cols], 1e-300)
    heap = list(zip(keys.tolist(), cols.tolist(), strict=True))
    heapq.heapify(heap)
    weights, col_ptr, col_rows = p.weights, p.col_ptr, p.col_rows
    pops = 0
    while heap:
        if k is not None and len(chosen) >= k:
            break
        if pops % 64 == 0 and time.perf_counter() >= stop:
            if details is not None:
                details["greedy_cut"] = len(chosen) - preselected.size
            spent = _fill(p, heap, chosen, k, budget, spent)
            break
        pops += 1
        _, j = heapq.heappop(heap)
        if budget is not None and p.cost[j] > budget - spent + 1e-12:
            continue
        rows = col_rows[col_ptr[j]:col_ptr[j + 1]]
        rows = rows[~covered[rows]]
        gain = float(weights[rows].sum())
        if gain <= 0:
            continue
        key = -gain if budget is None else -gain / max(p.cost[j], 1e-300)
        if heap and key > heap[0][0]:
            heapq.heappush(heap, (key, j))
            continue
        chosen.append(j)
        covered[rows] = True
        spent += float(p.cost[j])
    result = np.asarray(chosen, dtype=np.int64)
    if budget is not None:
        fits = np.flatnonzero(p.cost <= budget - float(p.cost[preselected].sum()) + 1e-12)
        fits = np.setdiff1d(fits, preselected)
        if fits.size:
            base = p.covered_rows(preselected)
            single_gain = p.transpose_matvec(np.where(base, 0.0, p.weights))[fits]
            best = int(fits[np.argmax(single_gain)])
            alt = np.concatenate([preselected, [best]]).astype(np.int64)
            if covered_weight(p, alt) > covered_weight(p, result):
                result = alt
    return result


def _fill(p: Problem, heap: list[tuple[float, int]], chosen: list[int], k: int | None,
          budget: float | None, spent: float) -> float:
    """The rest of ``k`` (or of the budget) from ``heap`` in the order of its
    last known keys, without updating them (the greedy's fallback when its
    time is up); returns the cost spent."""
    if not heap:
        return spent
    heap.sort()
    cols = np.fromiter((j for _, j in heap), dtype=np.int64, count=len(heap))
    if k is not None:
        take = cols[:max(k - len(chosen), 0)]
    else:
        fits = np.cumsum(p.cost[cols]) <= budget - spent + 1e-12
        take = cols[:int(np.argmin(fits)) if not fits.all() else cols.size]
    chosen.extend(take.tolist())
    heap.clear()
    return spent + float(p.cost[take].sum())


def covered_weight(p: Problem, selected: np.ndarray) -> float:
    """Total weight of rows covered by ``selected``."""
    return float(p.weights[p.covered_rows(selected)].sum())


__all__ = ["cheapest_first", "covered_weight", "greedy_cover", "greedy_max_cover",
           "least_per_row", "remove_redundant"]
