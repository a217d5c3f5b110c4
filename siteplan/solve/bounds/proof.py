"""When a bound proves a cover optimal: whole-number cost steps and the
optimality gap.

Examples
--------
>>> proves_optimal(10.0, 9.5, cost_unit(np.array([1.0, 2.0])))
True
>>> proves_optimal(10.0, 9.5, 0.0)
False
"""

from __future__ import annotations

import numpy as np

#: relative gap at which a cover counts as proven optimal (a definition of
#: "proven", not a tunable: results call a cover optimal only within it)
OPTIMALITY_GAP = 1e-6


def cost_unit(cost: np.ndarray) -> float:
    """The largest number every cost is a whole multiple of (the greatest
    common divisor of whole-number costs, e.g. 5,000 for costs in steps of
    5,000 CNY), so every cover costs a multiple of it; 0 when the costs are
    not whole numbers.

    Examples
    --------
    >>> cost_unit(np.array([150_000.0, 400_000.0, 0.0])), cost_unit(np.array([1.5, 2.0]))
    (50000.0, 0.0)
    """
    if cost.size == 0 or not np.all(cost % 1 == 0) or cost.max(initial=0) >= 2**52:
        return 0.0
    unit = int(np.gcd.reduce(cost.astype(np.int64)))
    return float(unit)


def round_up(bound: float, unit: float) -> float:
    """A lower bound raised to the next multiple of ``unit`` (0: unchanged);
    a bound within a relative 1e-6 above a multiple (LP round-off) stays at it."""
    if unit <= 0 or not np.isfinite(bound):
        return bound
    units = bound / unit
    return float(np.ceil(units - 1e-6 * max(1.0, abs(units))) * unit)


def optimal_at(bound: float, unit: float) -> float:
    """The dearest cover cost that ``bound`` proves optimal: within
    ``OPTIMALITY_GAP`` of it, or of the bound rounded up to the next
    multiple of the cost ``unit`` (:func:`cost_unit`)."""
    tol = OPTIMALITY_GAP * max(1.0, abs(bound))
    return max(round_up(bound, unit), bound) + tol


def proves_optimal(cost: float, bound: float, unit: float) -> bool:
    return cost <= optimal_at(bound, unit)


__all__ = ["OPTIMALITY_GAP", "cost_unit", "optimal_at", "proves_optimal", "round_up"]
