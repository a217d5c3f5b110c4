"""Iterated greedy: destroy part of a cover, rebuild it greedily with noisy
costs, prune, keep it when it is no dearer (sideways moves walk plateaus).

Cheap per move (one lazy greedy on the residual problem), so it runs many
moves in a second; on instances with large LP gaps (OR-Library NRE–NRH) it
finds better covers than HiGHS on the core in the same time, and its
incumbent then warm-starts HiGHS.

Examples
--------
>>> import scipy.sparse as sp, time
>>> from siteplan.solve.problem import build_problem
>>> p = build_problem(sp.csc_array(np.eye(4) + np.eye(4, k=1)), [1.0, 1.0, 1.0, 1.0])
>>> start = np.arange(4)
>>> best = iterated_greedy(p, start, np.zeros(0, np.int64), time.perf_counter() + 0.05)
>>> float(p.cost[best].sum()) <= 4.0 and p.feasible(best)
True
"""

from __future__ import annotations

import time

import numpy as np

from siteplan.solve.greedy import greedy_cover, remove_redundant
from siteplan.solve.problem import Problem


def iterated_greedy(p: Problem, start: np.ndarray, preselected: np.ndarray, deadline: float, *,
                    destroy: tuple[float, float] = (0.15, 0.5), noise: float = 0.5, seed: int = 0,
                    max_moves: int = 100_000, stop_at: float = -np.inf) -> np.ndarray:
    """Improve the cover ``start`` until ``deadline``; returns the best cover.

    Parameters
    ----------
    p : Problem
    start : numpy.ndarray
        A feasible cover (column indices).
    preselected : numpy.ndarray
        Columns never removed.
    deadline : float
        ``time.perf_counter()`` value to stop at.
    destroy : (float, float)
        Share of the free columns dropped per move, drawn uniformly from this
        range (small moves polish, large ones escape).
    noise : float
        Costs are multiplied by ``1 + noise * U(0, 1)`` for the rebuild.
    stop_at : float
        Stop as soon as a cover costs this much or less (a proven optimum).
    """
    rng = np.random.default_rng(seed)
    fixed = np.zeros(p.n_cols, dtype=bool)
    fixed[preselected] = True
    current = np.asarray(start, dtype=np.int64)
    current_cost = best_cost = float(p.cost[current].sum())
    best = current
    moves = 0
    while moves < max_moves and time.perf_counter() < deadline and best_cost > stop_at:
        moves += 1
        share = rng.uniform(*destroy)
        drop = (rng.random(current.size) < share) & ~fixed[current]
        keep = current[~drop]
        noisy = p.cost * (1.0 + noise * rng.random(p.n_cols))
        candidate = remove_redundant(p, greedy_cover(p, keep, cost=noisy), preselected)
        cost = float(p.cost[candidate].sum())
        if cost <= current_cost:
            current, current_cost = candidate, cost
            if cost < best_cost - 1e-9:
                best, best_cost = candidate, cost
    return best
