"""Set cover and max cover on sparse coverage matrices: near-optimal, with bounds.

``set_cover`` chooses the cheapest columns (candidate sites) that reach a
target share of the row (demand) weight, optionally with rows needing
several covering columns (``cover_requirement``) and capacity rows
(:class:`CapacityConstraints`); ``max_cover`` chooses at most ``k`` columns
(or within a budget) covering the most weight. Both take any
``scipy.sparse`` matrix with rows = demand points and columns = candidates,
and :class:`SolveOptions` for their tunables (``deterministic=True`` for
results that do not depend on machine load).

Methods
-------
greedy
    Lazy (CELF) greedy plus redundant-column removal; the bound is one
    Lagrangian evaluation at Beasley's starting multipliers.
auto
    Redundant rows dropped (:mod:`siteplan.solve.prep.reduce`), the greedy, the
    LP bound (or Lagrangian when the LP is too big), then HiGHS on the whole
    MILP (or a core) in a child process beside the local searches, stopping
    as soon as the cover is proven optimal (:mod:`siteplan.solve.paths.auto`).
exact
    HiGHS MILP on the whole problem, warm-started with the greedy cover,
    stopping at the time limit with its best solution and bound.

Examples
--------
>>> import scipy.sparse as sp
>>> from siteplan.solve import set_cover, max_cover
>>> A = sp.csc_array([[1, 1, 0], [1, 0, 1], [0, 1, 1], [0, 0, 0]])
>>> res = set_cover(A, [1.0, 1.0, 1.5])
>>> res.selected.tolist(), res.cost, res.uncoverable.tolist()
([0, 1], 2.0, [3])
>>> res.lower_bound <= res.cost
True
>>> max_cover(A, k=1).covered
0.5
>>> set_cover(A, [1.0, 1.0, 1.5], cover_requirement=[2, 1, 1, 1]).selected.tolist()
[0, 1]
"""

from __future__ import annotations

from siteplan.solve.cover import METHODS, set_cover
from siteplan.solve.maxcover import max_cover
from siteplan.solve.options import SolveOptions
from siteplan.solve.paths.general import CapacityConstraints
from siteplan.solve.results import MaxCoverResult, SetCoverResult

__all__ = ["METHODS", "CapacityConstraints", "MaxCoverResult", "SetCoverResult",
           "SolveOptions", "max_cover", "set_cover"]
