"""Sharing-first policy: costs per kind, strict sharing, reuse share.

能共享不新建，能共建不独建: reuse existing towers and sites first, then social
poles and public buildings, then new smart poles, and new ground towers last.

Examples
--------
>>> import pandas as pd
>>> from siteplan.defaults import Assumptions
>>> c = pd.DataFrame({"kind": ["tower", "greenfield"], "on_air": [False, False]})
>>> site_costs(c, Assumptions()).tolist()
[20000.0, 400000.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from siteplan.errors import ConfigError
from siteplan.messages import Msg
from siteplan.schema import REUSED_KINDS

POLICY_MODES = ("weighted", "strict")


def site_costs(candidates: pd.DataFrame, assumptions: Mapping[str, Any]) -> np.ndarray:
    """Cost (CNY) of planning a site on each candidate; 0 for sites on air.

    A candidate's own cost (``own_cost_cny``: the ``cost_cny`` column of the
    user's layer, see :func:`siteplan.schema.validate_candidates`) is kept where
    it is filled; the kind's cost (``cost_cny.<kind>``) fills the rest.

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> c = pd.DataFrame({"kind": ["tower", "tower"], "on_air": [False, False],
    ...                   "own_cost_cny": [12345.0, np.nan]})
    >>> site_costs(c, Assumptions()).tolist()
    [12345.0, 20000.0]
    """
    per_kind = {k: float(v) for k, v in _section(assumptions, "cost_cny").items()}
    cost = candidates["kind"].map(per_kind).to_numpy(float)
    if "own_cost_cny" in candidates.columns:
        own = pd.to_numeric(candidates["own_cost_cny"], errors="coerce").to_numpy(float)
        cost = np.where(np.isfinite(own), own, cost)
    return np.where(candidates["on_air"].to_numpy(bool), 0.0, cost)


def _section(assumptions: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    if hasattr(assumptions, "section"):
        return assumptions.section(prefix)
    cut = len(prefix) + 1
    return {k[cut:]: v for k, v in assumptions.items() if k.startswith(prefix + ".")}


def is_new_build(kinds: pd.Series | np.ndarray) -> np.ndarray:
    """True for kinds that need a new structure (smart pole, greenfield)."""
    return ~np.isin(np.asarray(kinds), list(REUSED_KINDS))


def apply_strict_sharing(matrix: sp.csr_array, kinds: np.ndarray) -> sp.csr_array:
    """Strict mode (能共享的不得新建): a new build may only count for demand
    that no existing structure can cover, so its entries on rows some reused
    candidate covers are removed.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> m = sp.csr_array([[1, 1], [0, 1]])
    >>> apply_strict_sharing(m, np.array(["tower", "greenfield"])).toarray().tolist()
    [[1, 0], [0, 1]]
    """
    new = is_new_build(kinds)
    csc = sp.csc_array(matrix)
    reusable_rows = np.asarray(csc[:, ~new].sum(axis=1)).ravel() > 0
    coo = sp.coo_array(matrix)
    drop = new[coo.col] & reusable_rows[coo.row]
    return sp.csr_array((coo.data[~drop], (coo.row[~drop], coo.col[~drop])), shape=matrix.shape)


def check_mode(mode: str) -> str:
    """Validate ``policy.mode``."""
    if mode not in POLICY_MODES:
        raise ConfigError(Msg("policy.policy_mode_not", mode=repr(mode),
                              policy_modes=', '.join(POLICY_MODES)))
    return mode


def reuse_share(kinds: pd.Series | np.ndarray) -> float:
    """Share of sites on existing structures (NaN for no sites)."""
    kinds = np.asarray(kinds)
    return float(np.mean(~is_new_build(kinds))) if kinds.size else float("nan")
