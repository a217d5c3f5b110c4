"""Row-weighting local search for full covers (after Gao, Weise & Li, 2015,
"An efficient local search heuristic with row weighting for the unicost set
covering problem", extended to costs by ranking columns per unit cost).

The search keeps a selection that may leave rows uncovered. Each step drops
the selected column losing least (per cost), then adds the column gaining
most (per cost) for a random uncovered row, and raises the weight of every
row still uncovered, so rows that stay uncovered pull harder until some
column takes them. Whenever the selection covers every row it is recorded
(if cheaper than the best) and its least useful column is dropped, so the
search keeps pushing below the best cost found. Configuration checking (a
dropped column may come back only once a row it covers has changed state)
and a one-step tabu on the column just added stop it cycling.

One step touches only the rows of two columns and their columns, in plain
Python lists: tens of thousands of steps per second on cores of a few
hundred to a few thousand columns. On geometric instances with small LP
gaps it matches HiGHS's optimum in a few seconds where HiGHS takes minutes.

Examples
--------
>>> import scipy.sparse as sp, time
>>> from siteplan.solve.instance import build_problem
>>> A = sp.csc_array(np.eye(6, dtype=int) + np.eye(6, k=1, dtype=int) + np.eye(6, k=-1, dtype=int))
>>> p = build_problem(A)
>>> best = row_weighting_search(p, np.arange(6), time.perf_counter() + 0.2, seed=1)
>>> best.tolist(), p.feasible(best)
([1, 4], True)
"""

from __future__ import annotations

import random
import time

import numpy as np

from siteplan.solve.instance import Problem
from siteplan.solve.options import DEFAULTS


class _State:
    """Counts, scores and the selection of the row-weighting search."""

    def __init__(self, p: Problem, start: np.ndarray, frozen: np.ndarray) -> None:
        self.rows_of = [p.col_rows[p.col_ptr[j]:p.col_ptr[j + 1]].tolist() for j in range(p.n_cols)]
        need = p.coverable & (p.weights > 0)
        self.cols_of = [p.row_cols[p.row_ptr[i]:p.row_ptr[i + 1]].tolist() if need[i] else []
                        for i in range(p.n_rows)]
        self.need = need.tolist()
        self.cost = p.cost.tolist()
        self.weight = [1.0] * p.n_rows
        self.count = p.cover_counts(start).tolist()
        self.chosen = [False] * p.n_cols
        self.allowed = (~frozen).tolist()
        self.selection = set(start.tolist())
        for j in self.selection:
            self.chosen[j] = True
        self.score = [0.0] * p.n_cols
        for j in range(p.n_cols):
            self.score[j] = self._initial_score(j)
        self.uncovered = {i for i in range(p.n_rows) if self.need[i] and self.count[i] == 0}
        self.total = float(sum(self.cost[j] for j in self.selection))

    def _initial_score(self, j: int) -> float:
        if self.chosen[j]:
            return -sum(1.0 for r in self.rows_of[j] if self.need[r] and self.count[r] == 1)
        return sum(1.0 for r in self.rows_of[j] if self.need[r] and self.count[r] == 0)

    def value(self, j: int) -> float:
        """Score per unit cost (free columns rank first when adding)."""
        c = self.cost[j]
        if c > 0:
            return self.score[j] / c
        return np.inf if self.score[j] > 0 else -np.inf

    def add(self, j: int, checked: list[bool]) -> None:
        self._flip(j, True, checked)

    def remove(self, j: int, checked: list[bool]) -> None:
        self._flip(j, False, checked)

    def _flip(self, j: int, on: bool, checked: list[bool]) -> None:
        """Add (``on``) or drop column ``j``, updating counts and scores.

        A row going between 0 and 1 covers changes every other column's
        score by its weight (and re-checks them); a row going between 1 and 2
        changes only the score of the other selected column covering it."""
        self.chosen[j] = on
        (self.selection.add if on else self.selection.discard)(j)
        self.total += self.cost[j] if on else -self.cost[j]
        self.score[j] = -self.score[j]
        step, lone = (1, 0) if on else (-1, 1)  # count change; count before 0 <-> 1
        count, weight, score, chosen = self.count, self.weight, self.score, self.chosen
        for r in self.rows_of[j]:
            if not self.need[r]:
                continue
            before = count[r]
            count[r] = before + step
            if before == lone:
                (self.uncovered.discard if on else self.uncovered.add)(r)
                for c in self.cols_of[r]:
                    if c != j:
                        score[c] -= step * weight[r]
                        checked[c] = True
            elif before == lone + 1:
                for c in self.cols_of[r]:
                    if c != j and chosen[c]:
                        score[c] += step * weight[r]
                        break

    def raise_uncovered(self) -> None:
        for r in self.uncovered:
            self.weight[r] += 1.0
            for c in self.cols_of[r]:
                self.score[c] += 1.0


class RowWeighting:
    """A resumable row-weighting search: :meth:`run` continues where the
    last call stopped (selection, row weights, time stamps), so a portfolio
    can hand it time in slices.

    Parameters
    ----------
    p : Problem
        A full-cover problem (every coverable row of positive weight must
        be covered).
    start : numpy.ndarray
        A feasible cover (column indices).
    frozen : numpy.ndarray of bool, optional
        Columns the search may neither add nor drop (their state in
        ``start`` is kept: preselected columns).
    seed : int
        Seed of the random uncovered-row choice.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> from siteplan.solve.instance import build_problem
    >>> A = sp.csc_array(np.eye(6, dtype=int) + np.eye(6, k=1, dtype=int) + np.eye(6, k=-1, dtype=int))
    >>> search = RowWeighting(build_problem(A), np.arange(6), seed=1)
    >>> search.run(np.inf, max_steps=50).tolist(), search.best_cost
    ([1, 4], 2.0)
    """

    def __init__(self, p: Problem, start: np.ndarray, *, frozen: np.ndarray | None = None,
                 seed: int = 0) -> None:
        frozen = np.zeros(p.n_cols, dtype=bool) if frozen is None else frozen
        self._rng = random.Random(seed)
        self._state = _State(p, np.asarray(start, dtype=np.int64), frozen)
        self._checked = [True] * p.n_cols
        self._stamp = [0] * p.n_cols
        self._tabu, self._step = -1, 0
        self.best, self.best_cost = sorted(self._state.selection), self._state.total

    @property
    def steps(self) -> int:
        """Steps made so far (over all :meth:`run` calls)."""
        return self._step

    def tighten(self, cost: float) -> None:
        """Only look for covers cheaper than ``cost`` (found by another search)."""
        self.best_cost = min(self.best_cost, cost)

    def run(self, deadline: float, *, max_steps: int = 10**9,
            stop_at: float = -np.inf) -> np.ndarray:
        """Search until ``deadline`` (``time.perf_counter()``), ``max_steps``
        more steps, or a cover costing ``stop_at`` or less; returns the best
        cover this search found."""
        last = self._step + max_steps
        while self._step < last and self.best_cost > stop_at:
            self._step += 1
            if self._step % DEFAULTS.clock_every_steps == 0 and time.perf_counter() > deadline:
                break
            if not self._drop_while_covering(stop_at) or self.best_cost <= stop_at:
                break
            if not self._move():
                break
        return np.asarray(self.best, dtype=np.int64)

    def _pick(self, pool: list[int]) -> int:
        """The column of ``pool`` of highest value, the least recently moved on ties."""
        state, stamp = self._state, self._stamp
        return max(pool, key=lambda c: (state.value(c), -stamp[c]))

    def _drop_while_covering(self, stop_at: float) -> bool:
        """While the selection covers every row: keep it when it is the best
        so far, then drop its highest-value movable column. False when no
        movable column is left (the search is over)."""
        state, checked, stamp = self._state, self._checked, self._stamp
        while not state.uncovered:
            if state.total < self.best_cost - 1e-9:
                self.best, self.best_cost = sorted(state.selection), state.total
                if self.best_cost <= stop_at:
                    break
            out = [c for c in state.selection if state.allowed[c]]
            if not out:
                return False
            j = self._pick(out)
            state.remove(j, checked)
            stamp[j] = self._step
        return True

    def _move(self) -> bool:
        """One swap step: drop the best non-tabu chosen column, add the best
        column of a random uncovered row (configuration checking first),
        raise the uncovered rows' weights. False when no column can be added."""
        state, checked, stamp, rng = self._state, self._checked, self._stamp, self._rng
        movable, step = state.allowed, self._step
        out = [c for c in state.selection if movable[c] and c != self._tabu]
        if out:
            j = self._pick(out)
            state.remove(j, checked)
            stamp[j] = step
            checked[j] = False
        row = rng.choice(tuple(state.uncovered))
        limit = self.best_cost - 1e-9 - state.total
        options = [c for c in state.cols_of[row] if movable[c] and state.cost[c] < limit]
        fresh = [c for c in options if checked[c]]
        pool = fresh or options or [c for c in state.cols_of[row] if movable[c]]
        if not pool:
            return False
        j = self._pick(pool)
        state.add(j, checked)
        stamp[j] = step
        self._tabu = j
        state.raise_uncovered()
        return True


def row_weighting_search(p: Problem, start: np.ndarray, deadline: float, *,
                         frozen: np.ndarray | None = None, seed: int = 0,
                         max_steps: int = 10**9, stop_at: float = -np.inf) -> np.ndarray:
    """Improve the full cover ``start`` until ``deadline``; returns the best
    cover (one :class:`RowWeighting` run; parameters as there and in
    :meth:`RowWeighting.run`)."""
    search = RowWeighting(p, start, frozen=frozen, seed=seed)
    return search.run(deadline, max_steps=max_steps, stop_at=stop_at)


__all__ = ["RowWeighting", "row_weighting_search"]
