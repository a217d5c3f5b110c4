"""Set cover with multicover rows and capacity rows (capacity planning).

The problem: choose columns ``x`` (binary, preselected at 1) at least cost
so that

- row ``i`` counts as covered when at least ``r_i`` chosen columns cover it
  (``cover_requirement``); each group ``g`` of rows reaches its target share
  ``t_g`` of the weight of its coverable rows (rows with at least ``r_i``
  covering columns in ``A``);
- each capacity group ``h`` gets ``sum_j M_hj x_j >= d_h`` (``M`` nonnegative
  Mbps per column, ``d`` the busy-hour demand): knapsack-cover rows. Demand
  above what all columns together give is reported as a shortfall and the
  rest is met.

Exact model (HiGHS, in a child process killed at the deadline): full cover
``sum_j a_ij x_j >= r_i``; partial cover ``r_i y_i <= sum_j a_ij x_j``,
``sum_{i in g} w_i y_i >= R_g``, with ``y_i`` binary (where ``r_i = 1`` it
would be integral at an optimum anyway, but HiGHS proves partial covers far
sooner with binary rows: it branches on them and cuts on the group rows).

Heuristic: a lazy greedy on ``cost / progress`` where progress counts
``w_i / r_i`` per new cover of a row not yet covered ``r_i`` times (capped
by what each group still needs, as a share of its target) plus the capacity
added (capped by what each capacity group still needs, as a share of its
demand), then redundant columns dropped, dearest first.

Lower bound: the LP relaxation when it fits, else the larger of the
Lagrangian bound of the single-cover relaxation (every ``r_i`` set to 1, the
same absolute weight targets) and each capacity row's fractional knapsack.

Examples
--------
>>> import scipy.sparse as sp
>>> A = sp.csc_array([[1, 1, 1], [0, 1, 1]])
>>> cap = CapacityConstraints(sp.csr_array([[100.0, 100.0, 300.0]]), [350.0])
>>> from siteplan.solve import set_cover
>>> r = set_cover(A, [1.0, 1.5, 2.0], cover_requirement=[2, 1], capacity=cap)
>>> r.selected.tolist(), r.cost, r.optimal, r.capacity_shortfall.tolist()
([0, 2], 3.0, True, [0.0])
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike

from siteplan.errors import SolverError
from siteplan.messages import Msg
from siteplan.solve.bounds.lagrange import quick_bound, subgradient
from siteplan.solve.bounds.proof import cost_unit, optimal_at, round_up
from siteplan.solve.clock import Clock, lap
from siteplan.solve.exact.child import ChildRun, can_fork
from siteplan.solve.exact.highs import MipResult, _highs, _solve
from siteplan.solve.instance import Problem, build_problem
from siteplan.solve.options import SolveOptions
from siteplan.solve.paths.single import solve_problem
from siteplan.solve.results import SetCoverResult
from siteplan.solve.search.greedy import (
    cheapest_first,
    greedy_cover,
    least_per_row,
    remove_redundant,
)


@dataclass(frozen=True)
class CapacityConstraints:
    """Capacity rows ``sum_j matrix[h, j] x_j >= demand[h]``.

    Parameters
    ----------
    matrix : scipy.sparse matrix, shape (capacity groups, columns)
        Nonnegative capacity (e.g. busy-hour Mbps) column ``j`` gives group
        ``h`` when chosen.
    demand : array, shape (capacity groups,)
        Capacity each group needs (same unit), nonnegative.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> c = CapacityConstraints(sp.csr_array([[10.0, 0.0], [5.0, 5.0]]), [8.0, 12.0])
    >>> c.n_groups, c.shortfall().tolist()
    (2, [0.0, 2.0])
    """

    matrix: object
    demand: object

    def __post_init__(self) -> None:
        if not sp.issparse(self.matrix) or self.matrix.ndim != 2:
            raise SolverError(Msg("solve.general.capacityconstraints_matrix_d"))
        m = sp.csr_array(self.matrix, dtype=float)
        m.sum_duplicates()
        if m.nnz and (not np.all(np.isfinite(m.data)) or m.data.min() < 0):
            raise SolverError(Msg("solve.general.capacityconstraints_matrix_hold"))
        d = np.asarray(self.demand, dtype=float).ravel()
        if d.size != m.shape[0]:
            raise SolverError(Msg("solve.general.capacityconstraints_demand_has", size=d.size,
                                  groups=m.shape[0]))
        if d.size and (not np.all(np.isfinite(d)) or d.min() < 0):
            i = int(np.flatnonzero(~np.isfinite(d) | (d < 0))[0])
            raise SolverError(Msg("solve.general.capacityconstraints_demand_finite", i=i, d=repr(d[i])))
        object.__setattr__(self, "matrix", m)
        object.__setattr__(self, "demand", d)

    @property
    def n_groups(self) -> int:
        return int(self.demand.size)

    def shortfall(self) -> np.ndarray:
        """Demand per group that even every column together cannot meet."""
        return np.maximum(self.demand - np.asarray(self.matrix.sum(axis=1)).ravel(), 0.0)


@dataclass(frozen=True)
class General:
    """The checked general problem: ``p`` holds the matrix, costs, weights and
    groups with targets in absolute weight (``p.required``) and
    ``p.coverable`` meaning at least ``r_i`` covering columns; ``cap`` is
    the capacity matrix (CSC, groups × columns) with the met demand ``need``."""

    p: Problem
    r: np.ndarray
    cap: sp.csc_array
    need: np.ndarray
    shortfall: np.ndarray

    @property
    def full(self) -> bool:
        return self.p.full_cover

    def counts(self, selected: np.ndarray) -> np.ndarray:
        return self.p.cover_counts(selected)

    def feasible(self, selected: np.ndarray) -> bool:
        covered = self.counts(selected) >= self.r
        got = self.p.group_covered(covered & self.p.coverable)
        req = self.p.required
        if not np.all(got >= req - 1e-9 * np.maximum(1.0, req)):
            return False
        x = np.zeros(self.p.n_cols)
        x[selected] = 1.0
        have = self.cap @ x
        return bool(np.all(have >= self.need - 1e-9 * np.maximum(1.0, self.need)))


def build_general(A: object, cost: ArrayLike | None, *, weights: ArrayLike | None,
                  target: float | ArrayLike, groups: ArrayLike | None,
                  cover_requirement: ArrayLike | None, capacity: object | None) -> General:
    """Check inputs; targets become absolute weights over the rows that can
    be covered as often as they must; capacity demand is capped at what all
    columns give (the rest is the shortfall)."""
    base = build_problem(A, cost, weights=weights, target=1.0, groups=groups)
    n, m = base.n_rows, base.n_cols
    if cover_requirement is None:
        r = np.ones(n, dtype=np.int64)
    else:
        raw = np.asarray(cover_requirement).ravel()
        if raw.size == 1:
            raw = np.full(n, raw[0])
        if raw.size != n or not (np.issubdtype(raw.dtype, np.integer) or (
                np.issubdtype(raw.dtype, np.floating) and np.all(np.isfinite(raw))
                and np.all(raw == np.round(raw)))):
            raise SolverError(Msg("solve.general.cover_requirement_hold", n=n, size=raw.size))
        r = raw.astype(np.int64)
        if r.size and r.min() < 1:
            i = int(np.flatnonzero(r < 1)[0])
            raise SolverError(Msg("solve.general.cover_requirement_every", i=i, r=r[i]))
    degree = np.diff(base.row_ptr)
    coverable = degree >= r
    target_arr = np.asarray(target, dtype=float).ravel()
    n_groups = base.n_groups
    if target_arr.size == 1:
        target_arr = np.full(n_groups, float(target_arr[0]))
    if target_arr.size != n_groups:
        raise SolverError(Msg("solve.instance.target_has_entries", size=target_arr.size, n_groups=n_groups))
    if np.any(~np.isfinite(target_arr) | (target_arr <= 0) | (target_arr > 1)):
        raise SolverError(Msg("solve.general.target_shares_coverable"))
    group_weight = np.bincount(base.groups[coverable], base.weights[coverable],
                               minlength=n_groups)
    required = np.where(target_arr >= 1.0, group_weight, target_arr * group_weight)
    p = Problem(n, m, base.col_ptr, base.col_rows, base.row_ptr, base.row_cols, base.cost,
                base.weights, base.groups, required, coverable)
    if capacity is None:
        cap = sp.csc_array((0, m))
        need = shortfall = np.zeros(0)
    else:
        if not isinstance(capacity, CapacityConstraints):
            raise SolverError(Msg("solve.general.capacity_siteplan_solve", name=type(capacity).__name__))
        if capacity.matrix.shape[1] != m:
            raise SolverError(Msg("solve.general.capacity_matrix_has", columns=capacity.matrix.shape[1], m=m))
        cap = sp.csc_array(capacity.matrix)
        shortfall = capacity.shortfall()
        need = capacity.demand - shortfall
    return General(p, r, cap, need, shortfall)


def plain(p: Problem) -> General:
    """A problem without capacity rows as a :class:`General`."""
    return General(p, np.ones(p.n_rows, dtype=np.int64), sp.csc_array((0, p.n_cols)),
                   np.zeros(0), np.zeros(0))


def general_greedy(g: General, pre: np.ndarray, *, deadline: float | None = None,
                   prune_deadline: float | None = None,
                   details: dict | None = None) -> np.ndarray:
    """Lazy greedy on cost per unit of capped progress (see the module notes).

    At ``deadline`` (a ``time.perf_counter()`` value) the picking stops and
    the cover is completed in one vectorised pass (:func:`complete_general`:
    each row still short gets its cheapest missing columns, each capacity
    row still short the columns of least cost per unit of capacity);
    ``details`` then gets ``greedy_cut`` (the columns picked before the
    cut). Redundant columns are pruned until ``prune_deadline``.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csc_array([[1, 1, 1], [0, 1, 1]])
    >>> g = build_general(A, [1.0, 1.0, 5.0], weights=None, target=1.0, groups=None,
    ...                   cover_requirement=[2, 1], capacity=None)
    >>> none = np.zeros(0, np.int64)
    >>> general_greedy(g, none).tolist()
    [0, 1]
    >>> d = {}
    >>> cut = general_greedy(g, none, deadline=0.0, details=d)
    >>> g.feasible(cut), d
    (True, {'greedy_cut': 0})
    """
    p, r = g.p, g.r
    counts = g.counts(pre)
    covered = counts >= r
    need = p.required - p.group_covered(covered & p.coverable)
    scale = np.maximum(p.required, 1e-12)
    taken = np.zeros(p.n_cols, dtype=bool)
    taken[pre] = True
    cap_need = g.need - g.cap @ taken.astype(float)
    cap_scale = np.maximum(g.need, 1e-12)
    cap_csc = g.cap
    live = p.coverable & (p.weights > 0)
    chosen = list(pre.tolist())
    stop = np.inf if deadline is None else deadline

    def unmet() -> bool:
        return bool(np.any(need > 1e-9 * np.maximum(1.0, p.required))
                    or np.any(cap_need > 1e-9 * np.maximum(1.0, g.need)))

    def progress(j: int) -> float:
        rows = p.column_rows(j)
        rows = rows[live[rows] & (counts[rows] < r[rows])]
        value = 0.0
        if rows.size:
            per = np.bincount(p.groups[rows], p.weights[rows] / r[rows], minlength=p.n_groups)
            value += float((np.minimum(per, np.maximum(need, 0.0)) / scale).sum())
        lo, hi = cap_csc.indptr[j], cap_csc.indptr[j + 1]
        if hi > lo:
            h = cap_csc.indices[lo:hi]
            value += float((np.minimum(cap_csc.data[lo:hi], np.maximum(cap_need[h], 0.0))
                            / cap_scale[h]).sum())
        return value

    cut = time.perf_counter() >= stop
    heap: list[tuple[float, int]] = []
    if not cut:
        gains = _progress_all(g, counts, need, cap_need, live)
        cols = np.flatnonzero(~taken & (gains > 1e-15))
        heap = list(zip((p.cost[cols] / gains[cols]).tolist(), cols.tolist(), strict=True))
        heapq.heapify(heap)
    pops = 0
    while heap and not cut and unmet():
        pops += 1
        if pops % 64 == 0 and time.perf_counter() >= stop:
            cut = True
            break
        _, j = heapq.heappop(heap)
        gain = progress(j)
        if gain <= 1e-15:
            continue
        key = p.cost[j] / gain
        if heap and key > heap[0][0] + 1e-15:
            heapq.heappush(heap, (key, j))
            continue
        chosen.append(j)
        taken[j] = True
        rows = p.column_rows(j)
        before = counts[rows] >= r[rows]
        counts[rows] += 1
        newly = rows[~before & (counts[rows] >= r[rows]) & p.coverable[rows]]
        need -= np.bincount(p.groups[newly], p.weights[newly], minlength=p.n_groups)
        lo, hi = cap_csc.indptr[j], cap_csc.indptr[j + 1]
        cap_need[cap_csc.indices[lo:hi]] -= cap_csc.data[lo:hi]
    if cut and unmet():
        if details is not None:
            details["greedy_cut"] = len(chosen) - pre.size
        chosen = complete_general(g, np.asarray(chosen, dtype=np.int64)).tolist()
    return prune(g, np.asarray(chosen, dtype=np.int64), pre, deadline=prune_deadline)


def _progress_all(g: General, counts: np.ndarray, need: np.ndarray, cap_need: np.ndarray,
                  live: np.ndarray) -> np.ndarray:
    """Every column's capped progress at once (what the greedy's
    ``progress(j)`` gives one column): vectorised, so starting the greedy
    is a few passes over the matrix, not a Python call per column."""
    p, r = g.p, g.r
    row_w = np.where(live & (counts < r), p.weights / r, 0.0)
    lengths = np.diff(p.col_ptr)
    if p.n_groups == 1:
        per = p.transpose_matvec(row_w)
        value = np.minimum(per, max(float(need[0]), 0.0)) / max(float(p.required[0]), 1e-12)
    else:
        entry_col = np.repeat(np.arange(p.n_cols), lengths)
        m = sp.csr_array((row_w[p.col_rows], (entry_col, p.groups[p.col_rows])),
                         shape=(p.n_cols, p.n_groups))
        m.sum_duplicates()
        m.data = np.minimum(m.data, np.maximum(need, 0.0)[m.indices]) \
            / np.maximum(p.required, 1e-12)[m.indices]
        value = np.asarray(m.sum(axis=1)).ravel()
    if g.cap.nnz:
        c = g.cap
        part = np.minimum(c.data, np.maximum(cap_need, 0.0)[c.indices]) \
            / np.maximum(g.need, 1e-12)[c.indices]
        value = value + np.asarray(sp.csc_array((part, c.indices, c.indptr),
                                                shape=c.shape).sum(axis=0)).ravel()
    return value


def complete_general(g: General, selected: np.ndarray) -> np.ndarray:
    """``selected`` plus, for every coverable row of a group short of its
    target that is covered fewer than ``r_i`` times, its cheapest columns
    not chosen yet (:func:`~siteplan.solve.search.greedy.cheapest_first`
    order), in rounds of one vectorised pass each (every short row takes
    its cheapest free column; a column taken counts for every row it
    covers), then for each capacity row still short the columns of least
    cost per unit of capacity (:func:`meet_capacity`): a cover whatever the
    start (every row that can be is covered as often as it must; capacity
    demand is capped at what all columns give). The greedy's fallback when
    its time is up.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> A = sp.csc_array([[1, 1, 1], [0, 1, 1]])
    >>> g = build_general(A, [1.0, 2.0, 3.0], weights=None, target=1.0, groups=None,
    ...                   cover_requirement=[2, 2], capacity=None)
    >>> complete_general(g, np.zeros(0, np.int64)).tolist()
    [0, 1, 2]
    """
    p, r = g.p, g.r
    selected = np.unique(np.asarray(selected, dtype=np.int64))
    counts = g.counts(selected)
    covered = (counts >= r) & p.coverable
    need = p.required - p.group_covered(covered)
    short = need > 1e-9 * np.maximum(1.0, p.required)
    rows = np.flatnonzero(p.coverable & ~covered & (p.weights > 0) & short[p.groups])
    taken = np.zeros(p.n_cols, dtype=bool)
    taken[selected] = True
    if rows.size:
        order, rank = cheapest_first(p.cost)
        free_rank = rank.copy()
        while rows.size:  # at most max(r) rounds: each short row gains a cover
            free_rank[taken] = p.n_cols  # never the least while a free column is left
            best = least_per_row(p.row_ptr, p.row_cols, free_rank, rows)
            new = order[np.unique(best[best < p.n_cols])]
            if new.size == 0:
                break
            taken[new] = True
            counts += p.cover_counts(new)
            rows = rows[counts[rows] < r[rows]]
    return meet_capacity(g, np.flatnonzero(taken))


def meet_capacity(g: General, selected: np.ndarray) -> np.ndarray:
    """``selected`` plus, for each capacity row it leaves short, the columns
    of least cost per unit of capacity until the row is met.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> cap = CapacityConstraints(sp.csr_array([[100.0, 50.0, 300.0]]), [120.0])
    >>> g = build_general(sp.csc_array([[1, 1, 1]]), [1.0, 1.0, 2.0], weights=None,
    ...                   target=1.0, groups=None, cover_requirement=None, capacity=cap)
    >>> meet_capacity(g, np.array([0])).tolist()
    [0, 2]
    """
    x = np.zeros(g.p.n_cols)
    x[selected] = 1.0
    have = g.cap @ x
    short = np.flatnonzero(have < g.need * (1 - 1e-9))
    if not short.size:
        return selected
    cap = sp.csr_array(g.cap)
    chosen = set(selected.tolist())
    for h in short.tolist():
        lo, hi = cap.indptr[h], cap.indptr[h + 1]
        cols, amount = cap.indices[lo:hi], cap.data[lo:hi]
        left = g.need[h] * (1 - 1e-9) - (g.cap @ x)[h]
        for k in np.argsort(g.p.cost[cols] / np.maximum(amount, 1e-12), kind="stable"):
            if left <= 0:
                break
            j = int(cols[k])
            if j in chosen or amount[k] <= 0:
                continue
            chosen.add(j)
            x[j] = 1.0
            left -= amount[k]
    return np.asarray(sorted(chosen), dtype=np.int64)


def prune(g: General, selected: np.ndarray, keep: np.ndarray, *,
          deadline: float | None = None) -> np.ndarray:
    """Drop chosen columns, dearest first, while the selection stays
    feasible; at ``deadline`` (a ``time.perf_counter()`` value) it stops
    dropping (what is left is still feasible)."""
    p, r = g.p, g.r
    selected = np.unique(selected)
    stop = np.inf if deadline is None else deadline
    if time.perf_counter() >= stop:
        return selected
    counts = g.counts(selected)
    covered = (counts >= r) & p.coverable
    slack = p.group_covered(covered) - p.required + 1e-9 * np.maximum(1.0, p.required)
    x = np.zeros(p.n_cols)
    x[selected] = 1.0
    cap_slack = g.cap @ x - g.need + 1e-9 * np.maximum(1.0, g.need)
    keep_set = set(np.asarray(keep).tolist())
    alive = np.ones(p.n_cols, dtype=bool)
    order = sorted((j for j in selected.tolist() if j not in keep_set),
                   key=lambda j: (-p.cost[j], j))
    for step, j in enumerate(order):
        if step % 64 == 63 and time.perf_counter() >= stop:
            break
        rows = p.column_rows(j)
        lost = rows[covered[rows] & (counts[rows] == r[rows])]
        loss = np.bincount(p.groups[lost], p.weights[lost], minlength=p.n_groups)
        lo, hi = g.cap.indptr[j], g.cap.indptr[j + 1]
        h, amount = g.cap.indices[lo:hi], g.cap.data[lo:hi]
        if np.any(loss > slack) or np.any(amount > cap_slack[h]):
            continue
        slack -= loss
        cap_slack[h] -= amount
        counts[rows] -= 1
        covered[lost] = False
        alive[j] = False
    return selected[alive[selected]]


def _model(g: General, pre: np.ndarray) -> tuple:
    """The MILP's arrays for :func:`siteplan.solve.exact.highs._solve` and the
    number of x columns."""
    p, r = g.p, g.r
    n = p.n_cols
    a = sp.csc_array((np.ones(p.col_rows.size), p.col_rows, p.col_ptr), shape=(p.n_rows, n))
    lower = np.zeros(n)
    lower[pre] = 1.0
    rows = np.flatnonzero(p.coverable & (p.weights > 0))
    blocks, lo, hi = [], [], []
    if g.full:
        blocks.append(sp.csc_array(a[rows, :]))
        lo.append(r[rows].astype(float))
        hi.append(np.full(rows.size, np.inf))
        c, integer, lower_all, upper = p.cost, np.ones(n, bool), lower, np.ones(n)
        n_y = 0
    else:
        n_y = rows.size
        cover = sp.hstack([-sp.csc_array(a[rows, :]),
                           sp.diags_array(r[rows].astype(float), format="csc")])
        group_rows = sp.csc_array((p.weights[rows], (p.groups[rows], np.arange(n_y))),
                                  shape=(p.n_groups, n_y))
        blocks += [cover, sp.hstack([sp.csc_array((p.n_groups, n)), group_rows])]
        lo += [np.full(n_y, -np.inf), p.required * (1 - 1e-9)]
        hi += [np.zeros(n_y), np.full(p.n_groups, np.inf)]
        c = np.concatenate([p.cost, np.zeros(n_y)])
        # y binary (see siteplan.solve.exact.highs._cover_model)
        integer = np.ones(n + n_y, bool)
        lower_all = np.concatenate([lower, np.zeros(n_y)])
        upper = np.ones(n + n_y)
    if g.need.size:
        blocks.append(sp.hstack([g.cap, sp.csc_array((g.need.size, n_y))]))
        lo.append(g.need * (1 - 1e-9))
        hi.append(np.full(g.need.size, np.inf))
    matrix = sp.csc_array(sp.vstack(blocks))
    return (c, lower_all, upper, integer, matrix, np.concatenate(lo), np.concatenate(hi)), n, rows


def _start(g: General, selected: np.ndarray, n: int, rows: np.ndarray) -> np.ndarray:
    x = np.zeros(n)
    x[selected] = 1.0
    if g.full:
        return x
    return np.concatenate([x, (g.counts(selected)[rows] >= g.r[rows]).astype(float)])


def solve_milp(g: General, pre: np.ndarray, start: np.ndarray, *, deadline: float, seed: int,
               relax: bool = False, node_limit: int | None = None) -> MipResult | None:
    """HiGHS on the model (``relax``: its LP relaxation; the result's
    ``bound`` is then the LP value and ``selected`` empty)."""
    arrays, n, rows = _model(g, pre)
    c, lower, upper, integer, matrix, lo, hi = arrays
    limit = 1e7 if deadline == np.inf else max(deadline - time.perf_counter(), 0.01)
    h = _highs(limit, seed, 1e-6, node_limit=node_limit)
    if relax:
        _solve(h, "min", c, lower, upper, np.zeros(c.size, bool), matrix, lo, hi, None)
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        value = float(h.getInfo().objective_function_value)
        return MipResult(np.zeros(0, np.int64), value, value, False)
    values, _, bound, optimal = _solve(h, "min", c, lower, upper, integer, matrix, lo, hi,
                                       _start(g, start, n, rows))
    if values is None:
        return None
    chosen = np.flatnonzero(values[:n] > 0.5)
    return MipResult(chosen, float(g.p.cost[chosen].sum()), bound, optimal)


def single_cover(g: General) -> Problem:
    """The single-cover relaxation of ``g``: every ``r_i`` set to 1 and no
    capacity rows, with the same absolute weight targets over the same rows
    (every cover of ``g`` is one of it, so its optimum bounds ``g``'s)."""
    p = g.p
    return Problem(p.n_rows, p.n_cols, p.col_ptr, p.col_rows, p.row_ptr, p.row_cols, p.cost,
                   p.weights, p.groups, p.required, p.coverable)


def relaxation_bound(g: General, pre: np.ndarray, best_cost: float, selected: np.ndarray,
                     deadline: float, seed: int, passes: bool = True) -> float:
    """A valid bound without the LP: the single-cover relaxation's Lagrangian
    bound and each capacity row's fractional knapsack, the larger (without
    ``passes``, no time for a pass over the matrix: the knapsacks and the
    preselected cost only)."""
    p = g.p
    single = single_cover(g)
    bound = quick_bound(single, pre) if passes else float(p.cost[pre].sum())
    if passes and deadline > time.perf_counter():
        state = subgradient(single, upper_bound=best_cost, best_selected=selected,
                            preselected=pre, deadline=deadline, seed=seed,
                            max_iterations=300, heuristic_every=10**9)
        bound = max(bound, state.lower_bound)
    fixed = float(p.cost[pre].sum())
    is_free = np.ones(p.n_cols, dtype=bool)
    is_free[pre] = False
    cap = sp.csr_array(g.cap)
    for h in range(g.need.size):
        if h % 64 == 63 and time.perf_counter() >= deadline:
            break  # the bound so far holds: each row's knapsack is a bound alone
        lo, hi = cap.indptr[h], cap.indptr[h + 1]
        cols, amount = cap.indices[lo:hi], cap.data[lo:hi]
        keep = is_free[cols] & (amount > 0)
        have = float(amount[~is_free[cols]].sum())
        left = g.need[h] * (1 - 1e-9) - have
        if left <= 0:
            continue
        cols, amount = cols[keep], amount[keep]
        order = np.argsort(p.cost[cols] / amount, kind="stable")
        cum = np.cumsum(amount[order])
        whole = int(np.searchsorted(cum, left))
        paid = float(p.cost[cols[order[:whole]]].sum())
        if whole < order.size:
            before = cum[whole - 1] if whole else 0.0
            paid += p.cost[cols[order[whole]]] * (left - before) / amount[order[whole]]
        bound = max(bound, fixed + paid)
    return bound


def general_cover(g: General, pre: np.ndarray, clock: Clock, seed: int, method: str,
                  options: SolveOptions) -> SetCoverResult:
    """:func:`siteplan.solve.set_cover` with ``cover_requirement`` or
    ``capacity`` on the checked problem ``g`` (:func:`build_general`) with
    the must-choose columns ``pre``: a greedy cover, ``auto`` on the
    single-cover relaxation when its greedy cover fits, then HiGHS on the
    whole MILP beside the LP (or Lagrangian/knapsack) bound."""
    details: dict = {"deterministic": options.deterministic, "model": "general"}
    p = g.p
    t = lap(details, "input", clock.start)
    relaxed_problem = single_cover(g)
    # the single-cover greedy (fast, vectorised) first: when its cover meets
    # the cover requirements and capacity rows it stands for the general one;
    # both greedies stop at the soft deadline (their covers completed in one
    # pass: details["greedy_cut"]), the pruning at the prune deadline
    probe_details: dict = {}
    probe = remove_redundant(relaxed_problem,
                             greedy_cover(relaxed_problem, pre, deadline=clock.call_soft,
                                          details=probe_details),
                             pre, deadline=clock.call_prune)
    fits = g.feasible(probe)
    if fits:
        details.update(probe_details)
        selected = prune(g, probe, pre, deadline=clock.call_prune)
    elif "greedy_cut" in probe_details:  # no time for the general greedy: complete the probe
        details.update(probe_details)
        selected = prune(g, complete_general(g, probe), pre, deadline=clock.call_prune)
    else:
        selected = general_greedy(g, pre, deadline=clock.call_soft,
                                  prune_deadline=clock.call_prune, details=details)
    if "greedy_cut" in details and options.deterministic:
        details.setdefault("deterministic_cut", []).append("greedy")
    best_cost = float(p.cost[selected].sum())
    details["greedy_cost"] = best_cost
    t = lap(details, "greedy", t)
    unit = cost_unit(p.cost)
    bound = -np.inf
    if method == "auto" and fits:
        selected, best_cost, bound = _single_cover_first(g, relaxed_problem, pre, selected,
                                                         best_cost, clock, seed, options,
                                                         details)
        t = lap(details, "single_cover", t)
        if best_cost <= optimal_at(bound, unit):
            return _result(g, selected, best_cost, bound, True, method, clock, details)
    run = _start_milp(g, pre, selected, clock, seed, method, options)
    bound = max(bound, _general_bound(g, pre, selected, best_cost, clock, seed, method,
                                      options, details))
    t = lap(details, "bound", t)
    optimal = best_cost <= optimal_at(bound, unit)
    if run is not None:
        selected, best_cost, bound, optimal = _take_milp(run, g, pre, selected, best_cost,
                                                         bound, optimal, unit, options,
                                                         details)
        lap(details, "highs", t)
    return _result(g, selected, best_cost, bound, optimal, method, clock, details)


def _single_cover_first(g: General, relaxed_problem: Problem, pre: np.ndarray,
                        selected: np.ndarray, best_cost: float, clock: Clock, seed: int,
                        options: SolveOptions, details: dict
                        ) -> tuple[np.ndarray, float, float]:
    """The relaxation's greedy cover meets the cover requirements and
    capacity rows, so they are unlikely to bind: ``auto`` on the
    single-cover relaxation (row reduction, shrinking, local search, HiGHS)
    with ``single_cover_share`` of the time; its bound holds here, and when
    its cover meets them too it is the optimum (planner milestones where
    capacity does not bind). Returns the cover, its cost and the bound."""
    share = options.single_cover_share
    sub = Clock(time.perf_counter(), share * (clock.limit if options.deterministic
                                              else max(clock.left(), 0.0)), options,
                outer=clock)
    sub_details: dict = {"deterministic": options.deterministic}
    relaxed, relaxed_cost, bound, relaxed_optimal = solve_problem(
        relaxed_problem, pre, sub, seed, "auto", sub_details, options)
    details["single_cover"] = {"cost": relaxed_cost, "bound": bound,
                               "optimal": relaxed_optimal,
                               "phase_s": sub_details.get("phase_s", {})}
    if sub_details.get("deterministic_cut"):
        details.setdefault("deterministic_cut", []).extend(sub_details["deterministic_cut"])
    if relaxed_cost < best_cost - 1e-9 and g.feasible(relaxed):
        selected, best_cost = prune(g, relaxed, pre), relaxed_cost
        details["single_cover_feasible"] = True
    return selected, best_cost, bound


def _start_milp(g: General, pre: np.ndarray, selected: np.ndarray, clock: Clock, seed: int,
                method: str, options: SolveOptions) -> ChildRun | None:
    """HiGHS on the whole MILP in a child (beside the bound), when it is
    small enough (``general_exact_nnz_limit``) and time is left."""
    nnz = g.p.col_rows.size + g.cap.nnz
    left = options.nominal_s(clock.limit) if options.deterministic else clock.left()
    if method != "greedy" and nnz <= options.general_exact_nnz_limit and (
            can_fork() or method == "exact") and left > options.min_highs_s:
        return ChildRun(_mip_child, (g, pre, selected, clock.soft, seed, None),
                        kill_at=clock.kill)
    return None


def _general_bound(g: General, pre: np.ndarray, selected: np.ndarray, best_cost: float,
                   clock: Clock, seed: int, method: str, options: SolveOptions,
                   details: dict) -> float:
    """The LP relaxation's bound (in a child, up to ``lp_nnz_limit``), or the
    Lagrangian bound of the single-cover relaxation and the capacity rows'
    knapsack bound with ``general_bound_share`` of the time."""
    nnz = g.p.col_rows.size + g.cap.nnz
    if method != "greedy" and nnz <= options.lp_nnz_limit and can_fork():
        lp = ChildRun(_lp_child, (g, pre, selected, clock.soft, seed), kill_at=clock.kill)
        found = lp.result()
        if found is not None:
            details["bound"] = "lp"
            return found.bound * (1 - 1e-9) - 1e-9
    share = options.general_bound_share if method != "greedy" else 0.0
    stop = (clock.soft if options.deterministic and share else
            time.perf_counter() + share * max(clock.left(), 0.0))
    details["bound"] = "lagrangian (single cover) / knapsack"
    return relaxation_bound(g, pre, best_cost, selected, stop, seed,
                            passes=clock.has_time_for_a_pass())


def _take_milp(run: ChildRun, g: General, pre: np.ndarray, selected: np.ndarray,
               best_cost: float, bound: float, optimal: bool, unit: float,
               options: SolveOptions, details: dict
               ) -> tuple[np.ndarray, float, float, bool]:
    """HiGHS's answer (killed when the bound already proves the cover): the
    cover, its cost, the bound and whether it is proven."""
    if optimal:
        run.kill()
    mip = run.result()
    details["highs"] = "not needed" if optimal else "killed" if run.killed else "returned"
    if mip is not None:
        # deterministic mode: only a finished run's cover (see SolveOptions)
        usable = mip.optimal or not options.deterministic
        if usable and mip.objective < best_cost - 1e-9 and g.feasible(mip.selected):
            selected = prune(g, mip.selected, pre)
            best_cost = float(g.p.cost[selected].sum())
        bound = max(bound, mip.bound * (1 - 1e-9) - 1e-9)
        optimal = mip.optimal or best_cost <= optimal_at(bound, unit)
    if options.deterministic and not optimal:
        # a machine that lets HiGHS finish may take its (proven) cover instead
        details.setdefault("deterministic_cut", []).append("highs")
    return selected, best_cost, bound, optimal


def _result(g: General, selected: np.ndarray, best_cost: float, bound: float, optimal: bool,
            method: str, clock: Clock, details: dict) -> SetCoverResult:
    p = g.p
    bound = round_up(bound, cost_unit(p.cost))  # every cover costs a multiple of the unit
    bound = min(bound, best_cost)
    counts = g.counts(selected)
    total_w = float(p.weights.sum())
    covered_w = float(p.weights[(counts >= g.r) & p.coverable].sum())
    return SetCoverResult(
        selected=np.sort(selected), cost=best_cost, lower_bound=float(bound),
        covered=covered_w / total_w if total_w > 0 else 1.0,
        uncoverable=np.flatnonzero(~p.coverable), method=method,
        time_s=time.perf_counter() - clock.start, optimal=bool(optimal), details=details,
        capacity_shortfall=g.shortfall)


def _lp_child(g: General, pre: np.ndarray, selected: np.ndarray, deadline: float,
              seed: int) -> MipResult | None:
    return solve_milp(g, pre, selected, deadline=deadline, seed=seed, relax=True)


def _mip_child(g: General, pre: np.ndarray, selected: np.ndarray, deadline: float, seed: int,
               nodes: int | None) -> MipResult | None:
    return solve_milp(g, pre, selected, deadline=deadline, seed=seed, node_limit=nodes)


__all__ = ["CapacityConstraints", "General", "build_general", "complete_general", "general_cover",
           "general_greedy", "meet_capacity", "plain", "prune", "solve_milp"]
