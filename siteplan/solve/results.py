"""What :func:`siteplan.solve.set_cover` and :func:`siteplan.solve.max_cover`
return.

Examples
--------
>>> import numpy as np
>>> r = SetCoverResult(np.array([0]), 10.0, 9.0, 1.0, np.zeros(0, int), "auto", 0.1)
>>> round(r.gap, 3), r.covered_share
(0.1, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SetCoverResult:
    """Result of :func:`siteplan.solve.set_cover`.

    Attributes
    ----------
    selected : numpy.ndarray
        Sorted chosen columns, preselected included.
    cost : float
        Total cost of the chosen columns.
    lower_bound : float
        Valid lower bound on the optimal cost of this instance.
    covered : float
        Covered share (0–1) of the total row weight (a row counts as covered
        when at least its ``cover_requirement`` chosen columns cover it).
    uncoverable : numpy.ndarray
        Rows that not even all columns cover (as often as they must).
    method : str
        Method used.
    time_s : float
        Wall-clock seconds spent.
    optimal : bool
        True when the bound proves the cost optimal (relative gap ≤ 1e-6).
    details : dict
        How the time went (``phase_s``), which bound, what ran beside.
    capacity_shortfall : numpy.ndarray
        Mbps (or the capacity matrix's unit) missing per capacity group even
        with every column chosen (0 where the demand can be met); empty when
        no capacity constraints were given.
    """

    selected: np.ndarray
    cost: float
    lower_bound: float
    covered: float
    uncoverable: np.ndarray
    method: str
    time_s: float
    optimal: bool = False
    details: dict = field(default_factory=dict)
    capacity_shortfall: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def gap(self) -> float:
        """Relative gap ``(cost - lower_bound) / cost`` (0 when cost is 0)."""
        return 0.0 if self.cost <= 0 else max(0.0, (self.cost - self.lower_bound) / self.cost)

    @property
    def covered_share(self) -> float:
        """Same as ``covered``: the covered share of the row weight."""
        return self.covered


@dataclass(frozen=True)
class MaxCoverResult:
    """Result of :func:`siteplan.solve.max_cover`.

    Attributes
    ----------
    selected : numpy.ndarray
        Sorted chosen columns, preselected included.
    cost : float
        Total cost of the chosen columns.
    covered : float
        Covered share (0–1) of the total row weight.
    covered_weight : float
        Covered row weight.
    upper_bound : float
        Valid upper bound on the coverable weight any feasible choice reaches.
    """

    selected: np.ndarray
    cost: float
    covered: float
    covered_weight: float
    upper_bound: float
    uncoverable: np.ndarray
    method: str
    time_s: float
    optimal: bool = False
    details: dict = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``(upper_bound - covered_weight) / upper_bound``."""
        if self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.covered_weight) / self.upper_bound)

    @property
    def covered_share(self) -> float:
        """Same as ``covered``: the covered share of the row weight."""
        return self.covered


__all__ = ["MaxCoverResult", "SetCoverResult"]
