"""Local search on a core problem: the iterated greedy, and the portfolio
sharing the time between it and the row-weighting search.

Iterated greedy: destroy part of a cover, rebuild it greedily with noisy
costs (or the Caprara–Fischetti–Toth score on noisy LP prices), prune, keep
it when it is no dearer than the current cover or than the cover some moves
ago (late acceptance). Cheap per move (hundreds of moves a second on cores of
hundreds of columns), it is the stronger search on random instances with
large LP gaps (OR-Library NRE–NRH); the row-weighting search is the stronger
on geometric coverage instances. :func:`local_portfolio` runs both in slices
and gives the time to whichever is making progress.

Examples
--------
>>> import scipy.sparse as sp, time
>>> from siteplan.solve.instance import build_problem
>>> p = build_problem(sp.csc_array(np.eye(4) + np.eye(4, k=1)), [1.0, 1.0, 1.0, 1.0])
>>> best = local_portfolio(p, np.arange(4), np.zeros(0, np.int64), time.perf_counter() + 0.05)
>>> float(p.cost[best].sum()) <= 4.0 and p.feasible(best)
True
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable

import numpy as np

from siteplan.solve.exact.child import quiet_child
from siteplan.solve.instance import Problem, _ranges
from siteplan.solve.options import DEFAULTS
from siteplan.solve.search.greedy import greedy_cover, remove_redundant
from siteplan.solve.search.rowweight import RowWeighting


class _FullCover:
    """Rebuild and prune for full covers with incremental numpy counts
    (several times faster than the general greedy, which also handles
    partial and grouped targets)."""

    def __init__(self, p: Problem, dense_cells: int = DEFAULTS.dense_cells) -> None:
        self.p = p
        self.need = p.coverable & (p.weights > 0)
        self.row_weight = np.where(self.need, p.weights, 0.0)
        self.dense = None
        if p.n_rows * p.n_cols <= dense_cells:
            self.dense = np.zeros((p.n_rows, p.n_cols))
            self.dense[p.col_rows, np.repeat(np.arange(p.n_cols), np.diff(p.col_ptr))] = 1.0

    def _take(self, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Per column, the sum of ``values`` over its rows among ``rows``."""
        p = self.p
        if self.dense is not None:
            return values[rows] @ self.dense[rows]
        cols = p.row_cols[_ranges(p.row_ptr, rows)]
        return np.bincount(cols, np.repeat(values[rows], np.diff(p.row_ptr)[rows]),
                           minlength=p.n_cols)

    def rebuild(self, keep: np.ndarray, cost: np.ndarray,
                prices: np.ndarray | None = None) -> np.ndarray:
        """``keep`` plus columns by least cost per newly covered weight or,
        with row ``prices``, by the Caprara–Fischetti–Toth score: with
        ``g = cost - prices of the rows it newly covers`` and ``m`` their
        weight, ``g / m`` when ``g > 0``, else ``g * m``."""
        p = self.p
        uncovered = self.need & ~p.covered_rows(keep)
        gain = p.transpose_matvec(np.where(uncovered, self.row_weight, 0.0))
        price = None if prices is None else p.transpose_matvec(np.where(uncovered, prices, 0.0))
        chosen = keep.tolist()
        left = float(self.row_weight[uncovered].sum())
        while left > 1e-9:
            live = gain > 1e-12
            if price is None:
                key = np.where(live, cost / np.where(live, gain, 1.0), np.inf)
            else:
                g = cost - price
                key = np.where(g > 0, g / np.where(live, gain, 1.0), g * gain)
                key[~live] = np.inf
            j = int(np.argmin(key))
            rows = p.col_rows[p.col_ptr[j]:p.col_ptr[j + 1]]
            rows = rows[uncovered[rows]]
            uncovered[rows] = False
            left -= float(self.row_weight[rows].sum())
            gain -= self._take(rows, self.row_weight)
            if price is not None:
                price -= self._take(rows, prices)
            gain[j] = 0.0
            chosen.append(j)
        return np.asarray(chosen, dtype=np.int64)

    def prune(self, selected: np.ndarray, is_preselected: np.ndarray) -> np.ndarray:
        """Drop columns, dearest first, whose rows all stay covered."""
        p = self.p
        counts = p.cover_counts(selected)
        counts[~self.need] = 2**30
        order = selected[np.lexsort((selected, -p.cost[selected]))]
        alive = []
        for j in order.tolist():
            rows = p.col_rows[p.col_ptr[j]:p.col_ptr[j + 1]]
            if not is_preselected[j] and (rows.size == 0 or counts[rows].min() >= 2):
                counts[rows] -= 1
            else:
                alive.append(j)
        return np.sort(np.asarray(alive, dtype=np.int64))


class IteratedGreedy:
    """A resumable iterated greedy: :meth:`run` continues from the current
    cover and acceptance history of the last call.

    Each move drops a random share of the free columns and rebuilds the
    cover greedily with noisy costs (and, with ``prices``, half the time by
    the Caprara–Fischetti–Toth score on noisy row prices), then prunes it.
    The new cover is accepted when it is no dearer than the current one or
    than the current one ``history`` moves ago (late acceptance: it can walk
    out of a local optimum and come back).

    Parameters
    ----------
    p : Problem
    start : numpy.ndarray
        A feasible cover (column indices).
    preselected : numpy.ndarray
        Columns never removed.
    destroy : (float, float)
        Share of the free columns dropped per move, drawn uniformly from this
        range (small moves polish, large ones escape).
    noise : float
        Costs are multiplied by ``1 + noise * U(0, 1)`` for the rebuild.
    prices : numpy.ndarray, optional
        Row prices (LP duals or Lagrangian multipliers) for the CFT score.
    price_noise, price_share : float
        Prices are multiplied by ``1 + price_noise * U(-1, 1)``; share of
        the moves that use them.
    history : int
        Late-acceptance history length (0: accept only no-dearer covers).
    seed : int
    dense_cells : int
        Largest core (rows × columns) rebuilt on a dense matrix.

    Examples
    --------
    >>> import scipy.sparse as sp, time
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array(np.eye(4) + np.eye(4, k=1)), [1.0, 1.0, 1.0, 1.0])
    >>> search = IteratedGreedy(p, np.arange(4), np.zeros(0, np.int64))
    >>> best = search.run(time.perf_counter() + 0.05)
    >>> search.best_cost, p.feasible(best)
    (2.0, True)
    """

    def __init__(self, p: Problem, start: np.ndarray, preselected: np.ndarray, *,
                 destroy: tuple[float, float] = (0.15, 0.5), noise: float = 0.3,
                 prices: np.ndarray | None = None, price_noise: float = 0.3,
                 price_share: float = 0.5, history: int = 20, seed: int = 0,
                 dense_cells: int = DEFAULTS.dense_cells) -> None:
        self.p, self.preselected = p, np.asarray(preselected, dtype=np.int64)
        self.destroy, self.noise = destroy, noise
        self.prices, self.price_noise, self.price_share = prices, price_noise, price_share
        self._rng = np.random.default_rng(seed)
        self._is_preselected = np.zeros(p.n_cols, dtype=bool)
        self._is_preselected[self.preselected] = True
        self._fast = _FullCover(p, dense_cells) if p.full_cover else None
        self.current = np.asarray(start, dtype=np.int64)
        self.current_cost = self.best_cost = float(p.cost[self.current].sum())
        self.best = self.current
        self._late = [self.current_cost] * max(history, 1)
        self._late_on = history > 0
        self.moves = 0

    def _move(self) -> np.ndarray:
        p, rng = self.p, self._rng
        drop = (rng.random(self.current.size) < rng.uniform(*self.destroy)) & ~self._is_preselected[
            self.current]
        keep = self.current[~drop]
        noisy = p.cost * (1.0 + self.noise * rng.random(p.n_cols))
        if self._fast is None:
            return remove_redundant(p, greedy_cover(p, keep, cost=noisy), self.preselected)
        prices = None
        if self.prices is not None and rng.random() < self.price_share:
            prices = self.prices * (1.0 + self.price_noise * (2 * rng.random(p.n_rows) - 1))
        return self._fast.prune(self._fast.rebuild(keep, noisy, prices), self._is_preselected)

    def run(self, deadline: float, *, max_moves: int = 10**9,
            stop_at: float = -np.inf) -> np.ndarray:
        """Move until ``deadline`` (``time.perf_counter()``), ``max_moves``
        more moves, or a cover costing ``stop_at`` or less; returns the best
        cover found so far."""
        last = self.moves + max_moves
        while self.moves < last and time.perf_counter() < deadline and self.best_cost > stop_at:
            self.moves += 1
            candidate = self._move()
            cost = float(self.p.cost[candidate].sum())
            v = self.moves % len(self._late)
            if cost <= self.current_cost or (self._late_on and cost <= self._late[v]):
                self.current, self.current_cost = candidate, cost
                if cost < self.best_cost - 1e-9:
                    self.best, self.best_cost = candidate, cost
            self._late[v] = self.current_cost
        return self.best


def local_portfolio(p: Problem, start: np.ndarray, preselected: np.ndarray, deadline: float, *,
                    prices: np.ndarray | None = None, row_weighting: bool = True, seed: int = 0,
                    stop_at: float = -np.inf, slices: int = 40,
                    keep_going: Callable[[], bool] | None = None,
                    details: dict | None = None, work_budget: float | None = None,
                    dense_cells: int = DEFAULTS.dense_cells) -> np.ndarray:
    """Share the time up to ``deadline`` between the row-weighting search
    (full covers, when ``row_weighting``) and the iterated greedy, in slices.

    Each search runs in turn for a slice of ``(deadline - now) / slices``
    seconds times its weight; a search that improves its own best cover in
    its slice has its weight doubled (at most 4), one that does not has it
    multiplied by 0.7 (down to 1/4), so the time goes where it pays (the row
    weighting on geometric instances, the iterated greedy on random ones such
    as OR-Library NRE–NRH). The row-weighting search resumes where it stopped; the
    iterated greedy too (its current cover and acceptance history): two
    independent walks that share only the best cost found.

    With ``work_budget`` (nonzero visits) the slices are counted in moves
    and steps instead of seconds (``SolveOptions.move_work_per_nnz``,
    ``step_work_per_pair``) and the search ends when the budget is spent:
    the result then does not depend on the machine's speed or load, unless
    ``deadline`` (kept as a safety stop) comes first.

    Examples
    --------
    >>> import scipy.sparse as sp, time
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array(np.eye(6) + np.eye(6, k=1) + np.eye(6, k=-1)))
    >>> best = local_portfolio(p, np.arange(6), np.zeros(0, np.int64), time.perf_counter() + 0.3)
    >>> best.tolist(), p.feasible(best)
    ([1, 4], True)
    """
    best = np.asarray(start, dtype=np.int64)
    best_cost = float(p.cost[best].sum())
    is_preselected = np.zeros(p.n_cols, dtype=bool)
    is_preselected[preselected] = True
    searches = ["iterated_greedy"]
    ig = IteratedGreedy(p, best, preselected, prices=prices, seed=seed, dense_cells=dense_cells)
    rw = None
    if row_weighting and p.full_cover:
        rw = RowWeighting(p, best, frozen=is_preselected, seed=seed)
        searches.insert(0, "row_weighting")
    weight = dict.fromkeys(searches, 1.0)
    spent = dict.fromkeys(searches, 0.0)
    wins = dict.fromkeys(searches, 0)
    own = dict.fromkeys(searches, best_cost)
    counted = work_budget is not None
    d = DEFAULTS
    unit = {"iterated_greedy": d.move_work + d.move_work_per_nnz * p.col_rows.size,
            "row_weighting": d.step_work + d.step_work_per_pair * p.col_rows.size ** 2
            / max(p.n_rows * p.n_cols, 1)}
    base = (work_budget / slices if counted else
            max(0.05, (deadline - time.perf_counter()) / slices))
    left = work_budget if counted else np.inf
    turn = 0
    while time.perf_counter() < deadline and best_cost > stop_at and left > 0 and (
            keep_going is None or keep_going()):
        name = searches[turn % len(searches)]
        turn += 1
        now = time.perf_counter()
        end = deadline if counted else min(deadline, now + base * weight[name])
        count = max(1, int(min(left, base * weight[name]) / unit[name])) if counted else 10**9
        if counted:
            left -= count * unit[name]
        found = _run_slice(p, name, rw, ig, end, stop_at, count, best_cost, preselected)
        spent[name] += time.perf_counter() - now
        cost = float(p.cost[found].sum())
        _reweight(weight, own, name, cost)
        if cost < best_cost - 1e-9 and p.feasible(found):
            best, best_cost = found, cost
            wins[name] += 1
    if details is not None:
        _report(details, spent, wins, ig, rw)
    return best


def _run_slice(p: Problem, name: str, rw: RowWeighting | None, ig: IteratedGreedy, end: float,
               stop_at: float, count: int, best_cost: float,
               preselected: np.ndarray) -> np.ndarray:
    """One slice of search ``name`` (until ``end`` or ``count`` steps or
    moves); the cover it found."""
    if rw is not None and name == "row_weighting":
        rw.tighten(best_cost)
        return remove_redundant(p, rw.run(end, stop_at=stop_at, max_steps=count), preselected)
    return ig.run(end, stop_at=stop_at, max_moves=count)


def _reweight(weight: dict, own: dict, name: str, cost: float) -> None:
    """Double the weight of a search that improved its own best (at most 4),
    else multiply it by 0.7 (down to 1/4)."""
    if cost < own[name] - 1e-9:
        own[name] = cost
        weight[name] = min(weight[name] * 2.0, 4.0)
    else:
        weight[name] = max(weight[name] * 0.7, 0.25)


def _report(details: dict, spent: dict, wins: dict, ig: IteratedGreedy,
            rw: RowWeighting | None) -> None:
    details.update({f"{k}_s": round(v, 3) for k, v in spent.items()})
    details["iterated_greedy_moves"] = ig.moves
    if rw is not None:
        details["row_weighting_steps"] = rw.steps
    details.update({f"{k}_wins": v for k, v in wins.items()})


def _portfolio_child(conn: object, p: Problem, columns: np.ndarray, start: np.ndarray,
                     preselected: np.ndarray, deadline: float, options: dict) -> None:
    quiet_child()
    try:
        conn.send(columns[local_portfolio(p, start, preselected, deadline, **options)])
    except BaseException as exc:  # reported to the parent, which re-raises
        conn.send(exc)
    finally:
        conn.close()


class BackgroundPortfolio:
    """:func:`local_portfolio` in a forked process with its own seed, so a
    second core searches beside the caller (used where HiGHS on the core
    would not help: large LP gaps). ``time.perf_counter`` is the system's
    monotonic clock, so the child stops at the same ``deadline``.

    Parameters
    ----------
    p : Problem
        The core problem.
    columns : numpy.ndarray
        Global index of each column of ``p`` (results are given in these).
    start, preselected : numpy.ndarray
        As for :func:`local_portfolio` (indices into ``p``).
    deadline : float
    options : dict
        Keyword arguments for :func:`local_portfolio` (prices, seed, ...).
    grace_s : float
        How long past ``deadline`` :meth:`stop` waits before killing the child.

    Examples
    --------
    >>> import scipy.sparse as sp, time
    >>> from siteplan.solve.instance import build_problem
    >>> p = build_problem(sp.csc_array(np.eye(6) + np.eye(6, k=1) + np.eye(6, k=-1)))
    >>> run = BackgroundPortfolio(p, np.arange(6) + 10, np.arange(6), np.zeros(0, np.int64),
    ...                           time.perf_counter() + 0.3, {"seed": 1})
    >>> run.stop().tolist()
    [11, 14]
    """

    available = "fork" in multiprocessing.get_all_start_methods()

    def __init__(self, p: Problem, columns: np.ndarray, start: np.ndarray,
                 preselected: np.ndarray, deadline: float, options: dict,
                 grace_s: float = 5.0) -> None:
        ctx = multiprocessing.get_context("fork")
        self._deadline, self._grace_s = deadline, grace_s
        self._conn, child = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_portfolio_child, daemon=True,
                                 args=(child, p, columns, start, preselected, deadline, options))
        self._proc.start()
        child.close()

    def stop(self, *, wait: bool = True) -> np.ndarray | None:
        """The child's best cover (global indices) once it reaches the
        deadline; with ``wait=False`` (the caller already has a proven
        optimum) the child is ended at once and None returned."""
        found = None
        if wait and self._conn.poll(max(self._deadline - time.perf_counter(), 0.0)
                                    + self._grace_s):
            found = self._conn.recv()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join()
        self._conn.close()
        if isinstance(found, BaseException):
            raise found
        return found
