"""Coverage instances for the solver benchmarks: demand points, candidate
sites with a radius and a cost, and the sparse coverage matrix between them.

Two families:

``uniform``
    Demand points and candidates uniform in a square; one radius chosen so
    a point is covered by ``per_row`` candidates on average; unit costs.
``county``
    Like a Chinese county: clustered towns (lognormal sizes, Gaussian
    spread) holding ``town_share`` of the demand, the rest rural; sparse
    long-range dear macro candidates (``MACRO_RADIUS_KM``, ``MACRO_COST``)
    anywhere, dense short-range cheap pole candidates (``POLE_RADIUS_KM``,
    ``POLE_COST``) in the towns; town demand weighs more than rural.

Demand points no candidate reaches are dropped, so every instance is a
feasible full cover (spopt's LSCP has no notion of an uncoverable point).

Examples
--------
>>> inst = county(2000, 300, seed=1)
>>> inst.A.shape, bool(inst.A.sum(axis=1).min() >= 1)
((1787, 300), True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

#: county-like candidates: radius (km) and relative cost of a macro tower
#: and of a small cell on a pole
MACRO_RADIUS_KM, MACRO_COST = 3.0, 10.0
POLE_RADIUS_KM, POLE_COST = 0.4, 1.0


@dataclass(frozen=True)
class Instance:
    """A coverage instance (km coordinates)."""

    name: str
    demand_xy_km: np.ndarray
    weights: np.ndarray
    site_xy_km: np.ndarray
    radius_km: np.ndarray
    cost: np.ndarray
    A: sp.csc_array

    def distance_over_radius(self) -> np.ndarray:
        """Dense ``distance / radius`` matrix (demand × site): a point is
        covered exactly when the value is ≤ 1 (the form spopt takes)."""
        d = np.hypot(self.demand_xy_km[:, None, 0] - self.site_xy_km[None, :, 0],
                     self.demand_xy_km[:, None, 1] - self.site_xy_km[None, :, 1])
        d /= self.radius_km[None, :]
        return d


def _cover_matrix(demand: np.ndarray, sites: np.ndarray, radius: np.ndarray) -> sp.csc_array:
    tree = cKDTree(demand)
    hits = tree.query_ball_point(sites, r=radius)
    lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    indices = np.concatenate([np.asarray(h, dtype=np.int32) for h in hits]) if lengths.sum() \
        else np.zeros(0, np.int32)
    A = sp.csc_array((np.ones(indices.size, np.int8), indices, indptr),
                     shape=(demand.shape[0], sites.shape[0]))
    A.sort_indices()
    return A


def _finish(name: str, demand: np.ndarray, weights: np.ndarray, sites: np.ndarray,
            radius: np.ndarray, cost: np.ndarray) -> Instance:
    A = _cover_matrix(demand, sites, radius)
    keep = np.asarray(A.sum(axis=1)).ravel() > 0
    return Instance(name, demand[keep], weights[keep], sites, radius, cost,
                    sp.csc_array(A[keep, :]))


def uniform(n_demand: int, n_sites: int, *, per_row: float = 8.0, side_km: float = 10.0,
            seed: int = 0) -> Instance:
    """Uniform demand and candidates, one radius, unit costs.

    Examples
    --------
    >>> inst = uniform(1000, 200, seed=0)
    >>> inst.A.shape[1], float(inst.cost.sum())
    (200, 200.0)
    """
    rng = np.random.default_rng(seed)
    demand = rng.random((n_demand, 2)) * side_km
    sites = rng.random((n_sites, 2)) * side_km
    r = side_km * np.sqrt(per_row / (np.pi * n_sites))
    return _finish(f"uniform-{n_demand}x{n_sites}", demand, np.ones(n_demand), sites,
                   np.full(n_sites, r), np.ones(n_sites))


def county(n_demand: int, n_sites: int, *, side_km: float = 30.0, n_towns: int = 8,
           town_share: float = 0.8, macro_share: float = 0.15, seed: int = 0) -> Instance:
    """Clustered towns, dear long-range macros and cheap short-range poles.

    Examples
    --------
    >>> inst = county(1000, 200, seed=0)
    >>> sorted(set(inst.cost.tolist()))
    [1.0, 10.0]
    """
    rng = np.random.default_rng(seed)
    centres = rng.random((n_towns, 2)) * side_km * 0.8 + side_km * 0.1
    size = rng.lognormal(0.0, 0.8, n_towns)
    share = size / size.sum()
    spread_km = 0.4 + 0.8 * size / size.max()
    n_town = int(n_demand * town_share)
    town_of = rng.choice(n_towns, size=n_town, p=share)
    town_pts = centres[town_of] + rng.normal(size=(n_town, 2)) * spread_km[town_of, None]
    rural = rng.random((n_demand - n_town, 2)) * side_km
    demand = np.clip(np.vstack([town_pts, rural]), 0.0, side_km)
    weights = np.concatenate([np.full(n_town, 3.0), np.ones(n_demand - n_town)])
    n_macro = max(1, int(n_sites * macro_share))
    macro = rng.random((n_macro, 2)) * side_km
    pole_town = rng.choice(n_towns, size=n_sites - n_macro, p=share)
    poles = centres[pole_town] + rng.normal(size=(pole_town.size, 2)) * spread_km[pole_town, None]
    sites = np.clip(np.vstack([macro, poles]), 0.0, side_km)
    radius = np.concatenate([np.full(n_macro, MACRO_RADIUS_KM),
                             np.full(pole_town.size, POLE_RADIUS_KM)])
    cost = np.concatenate([np.full(n_macro, MACRO_COST), np.full(pole_town.size, POLE_COST)])
    return _finish(f"county-{n_demand}x{n_sites}", demand, weights, sites, radius, cost)


FAMILIES = {"uniform": uniform, "county": county}


def disk_matrix(n_rows: int, n_cols: int, *, per_row: float = 30.0,
                seed: int = 0) -> tuple[sp.csr_array, np.ndarray]:
    """City-scale matrix without the point table: sites and points uniform in
    the unit square, a site covers the points within one radius giving
    ``per_row`` sites per point on average (some points get none); built in
    chunks of 100,000 points to bound memory.

    Returns the CSR matrix (``int8``) and costs drawn uniformly from 1–100
    (the weighted variant; pass ``None`` as cost for unicost).

    Examples
    --------
    >>> A, cost = disk_matrix(2000, 200, per_row=10)
    >>> A.shape, 8 < A.nnz / 2000 < 12, float(cost.min()) >= 1
    ((2000, 200), True, True)
    """
    rng = np.random.default_rng(seed)
    sites = rng.random((n_cols, 2))
    radius = np.sqrt(per_row / (np.pi * n_cols))
    tree = cKDTree(sites)
    parts, degree = [], []
    for start in range(0, n_rows, 100_000):
        pts = rng.random((min(100_000, n_rows - start), 2))
        dist, idx = tree.query(pts, k=int(per_row * 2.5), distance_upper_bound=radius)
        ok = np.isfinite(dist)
        degree.append(ok.sum(axis=1))
        parts.append(idx[ok].astype(np.int32))
        del dist, idx, ok, pts
    indices = np.concatenate(parts)
    del parts
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.concatenate(degree), out=indptr[1:])
    A = sp.csr_array((np.ones(indices.size, dtype=np.int8), indices, indptr),
                     shape=(n_rows, n_cols))
    A.sum_duplicates()
    return A, rng.integers(1, 101, n_cols).astype(float)
