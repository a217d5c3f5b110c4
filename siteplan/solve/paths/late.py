"""The input's one conversion in a child process killed at the deadline, and
a cover from the orientation the input came in when the conversion is late.

Converting a 1 M × 100 k matrix (30 M nonzeros) from CSR to CSC takes about
0.5 s on a quiet core and 2-3.5 s beside other work, and no clock can stop
it in this process. For a large CSR input (at least
``SolveOptions.child_convert_nnz`` nonzeros) with a time limit,
``set_cover`` therefore converts in a forked child that writes the CSC
structure into shared memory (:class:`ChildTranspose`), killed if it has
not finished by the call's soft deadline: no search could start after it
anyway. The answer is then the cover the greedy falls back to with no time
at all, made from the CSR alone: each row still needed gets its cheapest
column (:func:`cheapest_cover`, two passes over the matrix), with
``details["input"]`` saying so and ``details["greedy_cut"] = 0``. That
cover is made beside the child once the time left before the soft deadline
is down to ``SolveOptions.late_cover_per_check`` times what the input's
checks took (passes over the same matrix under the same load), so a
loaded machine has it ready when the child is killed; on a quiet one the
child is done long before and nothing is made twice.

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve.instance import check_input
>>> c = check_input(sp.csr_array([[1, 1, 0], [0, 1, 1], [0, 0, 0]]), [1.0, 3.0, 1.0])
>>> cheapest_cover(c, np.zeros(0, np.int64)).tolist()
[0, 2]
>>> run = ChildTranspose(c.m, kill_at=time.perf_counter() + 30)
>>> ptr, rows = run.result()
>>> ptr.tolist(), rows.tolist()
([0, 1, 3, 4], [0, 0, 1, 1])
"""

from __future__ import annotations

import mmap
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from siteplan.solve.clock import Clock, lap
from siteplan.solve.exact.child import ChildRun, can_fork
from siteplan.solve.instance import Checked, Problem, assemble, transpose
from siteplan.solve.options import SolveOptions
from siteplan.solve.results import MaxCoverResult, SetCoverResult
from siteplan.solve.search.greedy import (
    cheapest_first,
    covered_weight,
    least_per_row,
    remove_redundant,
)


def in_child(m: sp.csr_array | sp.csc_array, clock: Clock, options: SolveOptions) -> bool:
    """Whether the conversion of ``m`` runs in a child: a CSR input of at
    least ``options.child_convert_nnz`` nonzeros, a time limit, and a
    process that may fork."""
    return (m.format == "csr" and clock.limit is not None and options.child_convert_nnz > 0
            and m.nnz >= options.child_convert_nnz and can_fork())


def _shared(n: int, dtype: np.dtype) -> np.ndarray:
    """``n`` items of ``dtype`` in anonymous shared memory: what a forked
    child writes there, this process sees."""
    itemsize = np.dtype(dtype).itemsize
    return np.frombuffer(mmap.mmap(-1, max(n, 1) * itemsize), dtype=dtype, count=n)


def _transpose_into(m: sp.csr_array, ptr: np.ndarray, idx: np.ndarray) -> bool:
    """Child process: :func:`transpose` of the CSR ``m`` written into
    ``ptr``/``idx`` (of ``m.indices``' type): by scipy's own CSR → CSC
    routine writing there directly (one pass, no copy of 4 bytes a nonzero),
    or through :func:`transpose` and a copy where that routine differs."""
    try:
        from scipy.sparse import _sparsetools  # what csr_array.tocsc calls

        _sparsetools.csr_tocsc(m.shape[0], m.shape[1], m.indptr, m.indices, m.data, ptr, idx,
                               np.empty(m.nnz, dtype=m.data.dtype))
    except (ImportError, AttributeError, TypeError, ValueError):
        other_ptr, other_idx = transpose(m)
        ptr[:] = other_ptr
        idx[:] = other_idx
    return True


class ChildTranspose:
    """:func:`siteplan.solve.instance.transpose` of the CSR ``m`` in a forked child
    (:class:`siteplan.solve.exact.child.ChildRun`) killed at ``kill_at``;
    the result lands in shared memory, so nothing is pickled."""

    def __init__(self, m: sp.csr_array, *, kill_at: float) -> None:
        self._ptr = _shared(m.shape[1] + 1, m.indptr.dtype)
        self._idx = _shared(m.nnz, m.indices.dtype)
        self._run = ChildRun(_transpose_into, (m, self._ptr, self._idx), kill_at=kill_at)

    @property
    def killed(self) -> bool:
        return self._run.killed

    def result(self, until: float | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """The other orientation's ``(indptr, indices)``; None when the child
        has not finished by ``until`` (default and at most ``kill_at``: then
        it is killed)."""
        return (self._ptr, self._idx) if self._run.result(until) else None


def cheapest_cover(c: Checked, pre: np.ndarray) -> np.ndarray:
    """``pre`` plus, for every coverable row of positive weight that no
    preselected column covers, its cheapest column (ties as the greedy's
    completion breaks them): a cover reaching every target, from the CSR
    structure alone (sorted columns)."""
    m = c.m
    rows = np.flatnonzero(c.coverable & (c.weights > 0) & ~_covered(m, pre))
    if rows.size == 0:
        return np.unique(pre)
    order, rank = cheapest_first(c.cost)
    picked = np.zeros(m.shape[1], dtype=bool)  # by rank
    picked[least_per_row(m.indptr, m.indices, rank, rows)] = True
    return np.union1d(pre, order[np.flatnonzero(picked)]).astype(np.int64)


def top_columns(c: Checked, pre: np.ndarray, k: int | None,
                budget: float | None) -> np.ndarray:
    """``pre`` plus the columns of most uncovered weight (per cost with a
    budget) up to ``k`` columns or the budget, gains counted once from the
    CSR structure (no update between picks: the max-cover greedy's fallback
    when its time is up), sorted.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import check_input
    >>> c = check_input(sp.csr_array([[1, 1, 0], [1, 0, 0], [0, 0, 1]]))
    >>> top_columns(c, np.zeros(0, np.int64), 2, None).tolist()
    [0, 1]
    >>> top_columns(c, np.array([2]), None, 2.0).tolist()
    [0, 2]
    """
    m = c.m
    row_w = np.where(_covered(m, pre), 0.0, c.weights)
    if m.data.dtype == bool or np.all(m.data == 1):  # one pass, no temporary
        gains = np.asarray(m.T @ row_w, dtype=float)
    else:  # nonzero = covers, whatever the value
        gains = np.bincount(m.indices, weights=np.repeat(row_w, np.diff(m.indptr)),
                            minlength=m.shape[1])
    free = np.ones(m.shape[1], dtype=bool)
    free[pre] = False
    cols = np.flatnonzero(free & (gains > 0))
    if budget is None:
        cols = cols[np.argsort(-gains[cols], kind="stable")][:max(k - pre.size, 0)]
    else:
        cols = cols[np.argsort(-gains[cols] / np.maximum(c.cost[cols], 1e-300), kind="stable")]
        fits = np.cumsum(c.cost[cols]) <= budget - float(c.cost[pre].sum()) + 1e-12
        cols = cols[:int(np.argmin(fits)) if not fits.all() else cols.size]
    return np.union1d(pre, cols).astype(np.int64)


def _covered(m: sp.csr_array, selected: np.ndarray) -> np.ndarray:
    """Rows of the CSR ``m`` that a column of ``selected`` covers."""
    hit = np.zeros(m.shape[0], dtype=bool)
    if selected.size == 0 or m.nnz == 0:
        return hit
    chosen = np.zeros(m.shape[1], dtype=bool)
    chosen[selected] = True
    nonempty = np.flatnonzero(np.diff(m.indptr) > 0)
    hit[nonempty] = np.logical_or.reduceat(chosen[m.indices], m.indptr[nonempty])
    return hit


@dataclass(frozen=True)
class Late:
    """The late selection, and the problem when the child finished too late
    for any search but in time to prune that selection."""

    selected: np.ndarray
    problem: Problem | None = None


def convert(c: Checked, clock: Clock, options: SolveOptions,
            late: Callable[[], np.ndarray]) -> Problem | Late:
    """The :class:`Problem` of the checked input ``c``, converted here or in
    a child (:func:`in_child`) killed at the call's soft deadline; then the
    late selection ``late()`` instead (made beside the child once the time
    left is short, see the module notes). A child that finishes after the
    late selection was made, with less time left before the soft deadline
    than that took, leaves the late selection the answer (a search could
    not do better in that time), with the problem to prune it."""
    if not in_child(c.m, clock, options):
        return assemble(c, transpose(c.m))
    other, selected = None, None
    now = time.perf_counter()
    if now < clock.call_soft:  # the checks may have taken all the time
        run = ChildTranspose(c.m, kill_at=clock.call_soft)
        # the late cover is made beside the child once the time left before
        # the soft deadline comes near what it takes (sized from the checks)
        other = run.result(until=clock.call_soft
                           - options.late_cover_per_check * (now - clock.start))
        if other is None and not run.killed:
            made = time.perf_counter()
            selected = late()
            took = time.perf_counter() - made
            other = run.result()
            if other is not None and time.perf_counter() + took >= clock.call_soft:
                return Late(selected, assemble(c, other))
    if other is not None:
        return assemble(c, other)
    return Late(late() if selected is None else selected)


def _late_details(clock: Clock, options: SolveOptions, what: str) -> dict:
    details: dict = {"deterministic": options.deterministic, "greedy_cut": 0, "input": what}
    if options.deterministic:
        details["deterministic_cut"] = ["input"]
    lap(details, "input", clock.start)
    return details


def set_cover_result(c: Checked, pre: np.ndarray, late: Late, clock: Clock,
                     method: str, options: SolveOptions) -> SetCoverResult:
    """``set_cover``'s answer from the late cover (:func:`cheapest_cover`),
    pruned until the prune deadline when the problem came too."""
    selected = late.selected
    what = "conversion killed at the deadline: each row's cheapest column"
    total_w = float(c.weights.sum())
    covered_w = float(c.weights[c.coverable].sum())  # every coverable row is covered
    if late.problem is not None:
        what = "converted too late for a search: each row's cheapest column, pruned"
        selected = remove_redundant(late.problem, selected, pre, deadline=clock.call_prune)
        if selected.size < late.selected.size:
            covered_w = covered_weight(late.problem, selected)
    details = _late_details(clock, options, what)
    details["bound"] = "preselected cost (time limit reached)"
    cost = float(c.cost[selected].sum())
    bound = min(float(c.cost[pre].sum()), cost) + 0.0
    return SetCoverResult(
        selected=selected, cost=cost, lower_bound=bound,
        covered=covered_w / total_w if total_w > 0 else 1.0,
        uncoverable=np.flatnonzero(~c.coverable), method=method,
        time_s=time.perf_counter() - clock.start, optimal=cost <= bound, details=details)


def max_cover_result(c: Checked, late: Late, clock: Clock, method: str,
                     options: SolveOptions) -> MaxCoverResult:
    """``max_cover``'s answer from the late choice (:func:`top_columns`)."""
    selected = late.selected
    details = _late_details(clock, options,
                            "conversion killed at the deadline: the columns of most weight")
    details["bound"] = "coverable weight (time limit reached)"
    got = float(c.weights[_covered(c.m, selected)].sum())
    total_w = float(c.weights.sum())
    upper = max(float(c.weights[c.coverable].sum()), got)
    return MaxCoverResult(
        selected=selected, cost=float(c.cost[selected].sum()),
        covered=got / total_w if total_w > 0 else 1.0, covered_weight=got,
        upper_bound=upper, uncoverable=np.flatnonzero(~c.coverable), method=method,
        time_s=time.perf_counter() - clock.start,
        optimal=upper - got <= 1e-9 * max(1.0, upper), details=details)


__all__ = ["ChildTranspose", "Late", "cheapest_cover", "convert", "in_child", "max_cover_result",
           "set_cover_result", "top_columns"]
