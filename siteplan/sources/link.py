"""Single-linkage grouping of points: the same structure seen twice, the
cells of one site.

Examples
--------
>>> import numpy as np
>>> xy = np.array([[0.0, 0.0], [3.0, 0.0], [100.0, 0.0], [1.0, 0.0]])
>>> link_within(xy, np.array([0, 0, 0, 1]), 5.0).tolist()
[0, 0, 1, 2]
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


def link_within(xy: np.ndarray, label: np.ndarray, radius_m: float) -> np.ndarray:
    """Group ids: points with the same ``label`` chained within ``radius_m``.

    One k-d tree per label (memory stays near one label's points); groups
    are numbered in order of their first point, so ids are stable.
    """
    n = len(xy)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, code = np.unique(label, return_inverse=True)
    order = np.argsort(code, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(code[order]) != 0, True])
    groups = np.empty(n, dtype=np.int64)
    offset = 0
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        idx = order[start:stop]
        pairs = cKDTree(xy[idx]).query_pairs(radius_m, output_type="ndarray") \
            if radius_m > 0 else np.zeros((0, 2), dtype=np.int64)
        graph = sp.coo_array((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])),
                             shape=(idx.size, idx.size))
        count, local = connected_components(graph, directed=False)
        groups[idx] = local + offset
        offset += count
    _, first = np.unique(groups, return_index=True)
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    return rank[groups]
