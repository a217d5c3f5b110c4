"""Compiled inner loops (numba) for the city-scale solver stages.

Every kernel works on the CSC / CSR index arrays of a
:class:`siteplan.solve.instance.Problem` and releases the GIL (``nogil``), so
two threads can split a pass over the columns. They are compiled on first
use and cached on disk (``cache=True``); the first call in a fresh
environment costs a few seconds of compilation, later processes load them.

Examples
--------
>>> col_ptr = np.array([0, 2, 3]); col_rows = np.array([0, 1, 1], dtype=np.int32)
>>> out = np.empty(2)
>>> reduced_costs(col_ptr, col_rows, np.array([3.0, 1.0]), np.array([1.0, 0.5]), 0, 2, out)
>>> out.tolist()
[1.5, 0.5]
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def reduced_costs(col_ptr: np.ndarray, col_rows: np.ndarray, cost: np.ndarray, u: np.ndarray,
                  first: int, stop: int, out: np.ndarray) -> None:
    """``out[j] = cost[j] - sum of u over the rows of j`` for ``first <= j < stop``."""
    for j in range(first, stop):
        s = 0.0
        for k in range(col_ptr[j], col_ptr[j + 1]):
            s += u[col_rows[k]]
        out[j] = cost[j] - s


@njit(cache=True, nogil=True)
def region_labels(row_ptr: np.ndarray, row_cols: np.ndarray, col_ptr: np.ndarray,
                  col_rows: np.ndarray, active: np.ndarray, region_rows: int,
                  offset: int) -> np.ndarray:
    """Active rows labelled by region of about ``region_rows`` rows.

    The connected components of the row–column graph (active rows only) are
    found first. A component of at least ``region_rows`` rows gets
    ``round(size / region_rows)`` seeds placed farthest-point in hop
    distance (row → covering column → its rows; the first at position
    ``offset`` modulo its size), each row joining its nearest seed; smaller
    components are packed, in turn, into shared labels of at least
    ``region_rows`` rows. Inactive rows get -1. Linear in the nonzeros per
    seed's reach, never quadratic in the number of components."""
    n_rows = row_ptr.size - 1
    n_cols = col_ptr.size - 1
    order, comp_ptr, n_comp = _components(row_ptr, row_cols, col_ptr, col_rows, active)
    big = np.int64(1) << 40
    label = np.full(n_rows, -1, dtype=np.int64)
    dist = np.full(n_rows, big, dtype=np.int64)
    stamp = np.full(n_cols, -1, dtype=np.int64)
    queue = np.empty(max(comp_ptr[n_comp], 1), dtype=np.int64)
    target = max(region_rows, 1)
    next_label, bin_label, bin_rows = 0, -1, 0
    for c in range(n_comp):
        lo, hi = comp_ptr[c], comp_ptr[c + 1]
        size = hi - lo
        if size < target:  # small component: packed with its neighbours in turn
            if bin_label < 0 or bin_rows >= target:
                bin_label = next_label
                next_label += 1
                bin_rows = 0
            for q in range(lo, hi):
                label[order[q]] = bin_label
            bin_rows += size
            continue
        seeds = max(1, (size + target // 2) // target)
        next_label = _grow_regions(row_ptr, row_cols, col_ptr, col_rows, active,
                                   order[lo:hi], order[lo + offset % size], seeds, next_label,
                                   label, dist, stamp, queue)
    return label


@njit(cache=True, nogil=True)
def _components(row_ptr: np.ndarray, row_cols: np.ndarray, col_ptr: np.ndarray,
                col_rows: np.ndarray, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Connected components of the row–column graph on the active rows:
    rows in component order, component ``c`` being
    ``order[comp_ptr[c]:comp_ptr[c + 1]]``, and the number of components."""
    n_rows = row_ptr.size - 1
    comp = np.full(n_rows, -1, dtype=np.int64)
    order = np.empty(n_rows, dtype=np.int64)
    comp_ptr = np.empty(n_rows + 1, dtype=np.int64)
    col_seen = np.zeros(col_ptr.size - 1, dtype=np.bool_)
    n_order, n_comp = 0, 0
    for start in range(n_rows):
        if not active[start] or comp[start] >= 0:
            continue
        comp_ptr[n_comp] = n_order
        comp[start] = n_comp
        order[n_order] = start
        n_order += 1
        head = comp_ptr[n_comp]
        while head < n_order:
            i = order[head]
            head += 1
            for a in range(row_ptr[i], row_ptr[i + 1]):
                j = row_cols[a]
                if col_seen[j]:
                    continue
                col_seen[j] = True
                for b in range(col_ptr[j], col_ptr[j + 1]):
                    r = col_rows[b]
                    if active[r] and comp[r] < 0:
                        comp[r] = n_comp
                        order[n_order] = r
                        n_order += 1
        n_comp += 1
    comp_ptr[n_comp] = n_order
    return order, comp_ptr, n_comp


@njit(cache=True, nogil=True)
def _grow_regions(row_ptr: np.ndarray, row_cols: np.ndarray, col_ptr: np.ndarray,
                  col_rows: np.ndarray, active: np.ndarray, rows: np.ndarray, seed: int,
                  seeds: int, next_label: int, label: np.ndarray, dist: np.ndarray,
                  stamp: np.ndarray, queue: np.ndarray) -> int:
    """``seeds`` regions in one component (its ``rows``), seeds placed
    farthest-point in hop distance from ``seed``, each row labelled by its
    nearest seed; returns the next free label."""
    for _ in range(seeds):
        k = next_label
        next_label += 1
        dist[seed] = 0
        label[seed] = k
        head, tail = 0, 1
        queue[0] = seed
        while head < tail:
            i = queue[head]
            head += 1
            d = dist[i] + 1
            for a in range(row_ptr[i], row_ptr[i + 1]):
                j = row_cols[a]
                if stamp[j] == k:
                    continue
                stamp[j] = k
                for b in range(col_ptr[j], col_ptr[j + 1]):
                    r = col_rows[b]
                    if active[r] and dist[r] > d:
                        dist[r] = d
                        label[r] = k
                        queue[tail] = r
                        tail += 1
        far, seed = np.int64(0), -1
        for q in range(rows.size):
            if dist[rows[q]] > far:
                far = dist[rows[q]]
                seed = rows[q]
        if seed < 0:
            break
    return next_label


@njit(cache=True, nogil=True)
def majority_labels(col_ptr: np.ndarray, col_rows: np.ndarray, row_label: np.ndarray,
                    n_labels: int) -> np.ndarray:
    """Per column, the label most of its (labelled) rows have (-1 if none)."""
    n_cols = col_ptr.size - 1
    out = np.full(n_cols, -1, dtype=np.int64)
    tally = np.zeros(n_labels, dtype=np.int64)
    for j in range(n_cols):
        best, best_n = -1, 0
        for k in range(col_ptr[j], col_ptr[j + 1]):
            lab = row_label[col_rows[k]]
            if lab >= 0:
                tally[lab] += 1
                if tally[lab] > best_n:
                    best, best_n = lab, tally[lab]
        for k in range(col_ptr[j], col_ptr[j + 1]):
            lab = row_label[col_rows[k]]
            if lab >= 0:
                tally[lab] = 0
        out[j] = best
    return out


@njit(cache=True, nogil=True)
def add_counts(col_ptr: np.ndarray, col_rows: np.ndarray, cols: np.ndarray, delta: int,
               counts: np.ndarray) -> None:
    """``counts[rows of j] += delta`` for every j in ``cols``."""
    for j in cols:
        for k in range(col_ptr[j], col_ptr[j + 1]):
            counts[col_rows[k]] += delta


@njit(cache=True, nogil=True, fastmath=True)
def smooth_sweep(row_ptr: np.ndarray, row_cols: np.ndarray, rc: np.ndarray, u: np.ndarray,
                 need: np.ndarray, mu: float, first: int, stop: int) -> None:
    """One Gauss–Seidel sweep of coordinate ascent on the entropy-smoothed
    Lagrangian ``sum_i u_i - mu sum_j log(1 + exp(-rc_j / mu))`` over the
    rows ``first <= i < stop`` that ``need`` cover.

    Each row's multiplier is set to the root ``t >= 0`` of ``sum_{j covers
    i} sigmoid((t - r_j) / mu) = 1`` (``r_j`` the reduced cost of column j
    without row i; 0 when the sum is already at least 1 at ``t = 0``),
    found by safeguarded Newton steps (one ``exp`` a step: the sigmoids are
    ``1 / (1 + E_j w)`` with ``E_j = exp((r_j - r_min) / mu)`` computed once
    and ``w = exp((r_min - t) / mu)``), and the reduced costs ``rc`` of its
    columns are updated in place."""
    width = 1
    for i in range(first, stop):
        width = max(width, row_ptr[i + 1] - row_ptr[i])
    r = np.empty(width)
    e = np.empty(width)
    for i in range(first, stop):
        if not need[i]:
            continue
        lo, hi = row_ptr[i], row_ptr[i + 1]
        n = hi - lo
        if n == 0:
            continue
        ui = u[i]
        for k in range(n):
            r[k] = rc[row_cols[lo + k]] + ui
        t = _row_root(r, e, n, ui, mu)
        d = t - ui
        if d != 0.0:
            for k in range(lo, hi):
                rc[row_cols[k]] -= d
            u[i] = t


@njit(cache=True, nogil=True, fastmath=True)
def _row_root(r: np.ndarray, e: np.ndarray, n: int, ui: float, mu: float) -> float:
    """The root ``t >= 0`` of ``sum_k sigmoid((t - r_k) / mu) = 1`` over the
    first ``n`` entries of ``r`` (each column's reduced cost without the
    row, plus ``ui``), by safeguarded Newton steps from ``ui`` (0 when the
    sum is at least 1 at ``t = 0``); ``e`` is scratch space."""
    m1, m2 = 1e300, 1e300
    for k in range(n):
        x = r[k]
        if x < m1:
            m2, m1 = m1, x
        elif x < m2:
            m2 = x
    b = (m2 if m2 < 1e299 else m1) + 10.0 * mu
    if b <= 0.0:
        b = 10.0 * mu
    # columns far above the bracket contribute nothing at any t <= b
    m = 0
    for k in range(n):
        z = (r[k] - m1) / mu
        if r[k] <= b + 40.0 * mu and z < 600.0:
            e[m] = np.exp(z)
            m += 1
    # f(t) = sum_j 1 / (1 + e_j w(t)) - 1, w(t) = exp((m1 - t) / mu)
    z0 = m1 / mu
    f0 = -1.0
    if z0 < 600.0:
        w = np.exp(z0)
        for k in range(m):
            f0 += 1.0 / (1.0 + e[k] * w)
    if f0 >= 0.0:
        t = 0.0
    else:
        a = 0.0
        t = min(max(ui, a), b)
        for _ in range(40):
            zt = (m1 - t) / mu
            w = np.exp(min(zt, 600.0))
            f, fp = -1.0, 0.0
            for k in range(m):
                sg = 1.0 / (1.0 + e[k] * w)
                f += sg
                fp += sg * (1.0 - sg)
            fp /= mu
            if abs(f) < 1e-5:
                break
            if f > 0.0:
                b = t
            else:
                a = t
            nxt = t - f / fp if fp > 0.0 else 0.5 * (a + b)
            if not (a < nxt < b):
                nxt = 0.5 * (a + b)
            if nxt == t:
                break
            t = nxt
    return t


@njit(cache=True, nogil=True)
def bfs_order(row_ptr: np.ndarray, row_cols: np.ndarray, col_ptr: np.ndarray,
              col_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns in breadth-first order on the row–column graph
    (each component from its lowest row): consecutive rows share columns,
    so passes in this order find their data in cache. Returns
    ``(row_order, col_order)``, permutations of all rows and columns
    (rows and columns outside the graph at the end)."""
    n_rows = row_ptr.size - 1
    n_cols = col_ptr.size - 1
    row_seen = np.zeros(n_rows, dtype=np.bool_)
    col_seen = np.zeros(n_cols, dtype=np.bool_)
    rows = np.empty(n_rows, dtype=np.int64)
    cols = np.empty(n_cols, dtype=np.int64)
    n_r, n_c, head = 0, 0, 0
    for start in range(n_rows):
        if row_seen[start]:
            continue
        row_seen[start] = True
        rows[n_r] = start
        n_r += 1
        while head < n_r:
            i = rows[head]
            head += 1
            for a in range(row_ptr[i], row_ptr[i + 1]):
                j = row_cols[a]
                if col_seen[j]:
                    continue
                col_seen[j] = True
                cols[n_c] = j
                n_c += 1
                for b in range(col_ptr[j], col_ptr[j + 1]):
                    r = col_rows[b]
                    if not row_seen[r]:
                        row_seen[r] = True
                        rows[n_r] = r
                        n_r += 1
    for j in range(n_cols):
        if not col_seen[j]:
            cols[n_c] = j
            n_c += 1
    return rows, cols


@njit(cache=True, nogil=True)
def permute_csr(ptr: np.ndarray, idx: np.ndarray, order: np.ndarray,
                new_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The compressed structure with its major axis taken in ``order`` and its
    minor indices renumbered by ``new_index`` (``new_index[old] = new``)."""
    n = order.size
    out_ptr = np.empty(n + 1, dtype=np.int64)
    out_ptr[0] = 0
    for k in range(n):
        i = order[k]
        out_ptr[k + 1] = out_ptr[k] + ptr[i + 1] - ptr[i]
    out = np.empty(out_ptr[n], dtype=idx.dtype)
    for k in range(n):
        i = order[k]
        base = out_ptr[k] - ptr[i]
        for a in range(ptr[i], ptr[i + 1]):
            out[base + a] = new_index[idx[a]]
    return out_ptr, out


def loaded() -> bool:
    """True when every kernel has been compiled or loaded from the cache in
    this process (a first call otherwise costs seconds: 2-10 s on this VM)."""
    return all(k.signatures for k in (reduced_costs, region_labels, majority_labels,
                                      add_counts, smooth_sweep, bfs_order, permute_csr))


def warm_up() -> float:
    """Compile (or load from the cache) every kernel on a tiny input; returns
    the seconds it took (what a first city-scale call would otherwise pay).

    Examples
    --------
    >>> warm_up() >= 0.0 and loaded()
    True
    """
    import time

    start = time.perf_counter()
    ptr = np.array([0, 1, 2], dtype=np.int64)
    idx = np.array([0, 1], dtype=np.int32)
    order = np.array([1, 0], dtype=np.int64)
    active = np.ones(2, dtype=np.bool_)
    out = np.empty(2)
    reduced_costs(ptr, idx, np.ones(2), np.zeros(2), 0, 2, out)
    smooth_sweep(ptr, idx, out, np.zeros(2), active, 0.1, 0, 2)
    bfs_order(ptr, idx, ptr, idx)
    permute_csr(ptr, idx, order, order)
    labels = region_labels(ptr, idx, ptr, idx, active, 1, 0)
    majority_labels(ptr, idx, labels, 2)
    add_counts(ptr, idx, order, 1, np.zeros(2, dtype=np.int64))
    return time.perf_counter() - start


__all__ = ["add_counts", "bfs_order", "loaded", "majority_labels", "permute_csr",
           "reduced_costs", "region_labels", "smooth_sweep", "warm_up"]
