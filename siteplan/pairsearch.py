"""Pairs of demand points and sites within each site's own radius (compiled grid search).

The points are sorted into square cells once (:class:`PointGrid`); each site
then scans only the cells its radius touches, row by row (a row of cells is
one contiguous run of the sorted points), on numba's threads (small searches
on the calling thread), counting its pairs, then writing them. Every pair
with ``distance <= radius_m[site]`` is returned, and the pairs of a second
grid of some of the points (users in open land) beyond that and within
``open_radius_m[site]``: the same pairs as a k-d tree query out to the
largest radius followed by each site's own filter, without the tree's list
of every pair within the largest radius.

Examples
--------
>>> pts = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 900.0]])
>>> grid = PointGrid.build(pts, cell_m=250.0)
>>> rows, cols, d = grid.pairs_within(np.array([[0.0, 10.0]]), np.array([200.0]))
>>> sorted(rows.tolist()), np.round(np.sort(d), 1).tolist()
([0, 1], [10.0, 100.5])
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from siteplan.threads import one_thread_below


@njit(cache=True, nogil=True)
def _scan(ids, px, py, starts, geo, x, y, lo, hi, out_rows, out_d, at):  # pragma: no cover
    """Points of one grid at ``lo < distance <= hi`` from ``(x, y)``: counted, and
    written from ``at`` when ``out_rows`` has room. ``geo``: ``(x0, y0, cell,
    n_cols, n_rows)``."""
    if hi < 0.0 or ids.size == 0:
        return 0
    x0, y0, cell, n_cols, n_rows = geo[0], geo[1], geo[2], int(geo[3]), int(geo[4])
    # one spare cell each side: a point exactly ``hi`` away can round into the next
    # cell (the distance test below decides)
    c_lo = max(int(math.floor((x - hi - x0) / cell)) - 1, 0)
    c_hi = min(int(math.floor((x + hi - x0) / cell)) + 1, n_cols - 1)
    g_lo = max(int(math.floor((y - hi - y0) / cell)) - 1, 0)
    g_hi = min(int(math.floor((y + hi - y0) / cell)) + 1, n_rows - 1)
    found = 0
    write = out_rows.size > 0
    if c_lo > c_hi:
        return 0
    for g in range(g_lo, g_hi + 1):
        for p in range(starts[g * n_cols + c_lo], starts[g * n_cols + c_hi + 1]):
            dx, dy = px[p] - x, py[p] - y
            d = math.sqrt(dx * dx + dy * dy)
            if lo < d <= hi:
                if write:
                    out_rows[at + found] = ids[p]
                    out_d[at + found] = d
                found += 1
    return found


@njit(cache=True, nogil=True)
def _site(k, a, b, sx, sy, r_all, r_open, out_rows, out_d, at):  # pragma: no cover - compiled
    """Pairs of site ``k``: every point within ``r_all``, then open points
    beyond it within ``r_open`` (``a``, ``b``: the two grids' arrays)."""
    found = _scan(a[0], a[1], a[2], a[3], a[4], sx[k], sy[k], -1.0, r_all[k], out_rows, out_d, at)
    return found + _scan(b[0], b[1], b[2], b[3], b[4], sx[k], sy[k], r_all[k], r_open[k],
                         out_rows, out_d, at + found)


@njit(cache=True, nogil=True, parallel=True)
def _pairs(a, b, sx, sy, r_all, r_open, offsets, out_rows, out_cols, out_d):  # pragma: no cover
    """With empty ``out_*`` arrays, count each site's pairs into ``offsets[k]``;
    else write site ``k``'s pairs from ``offsets[k]`` (one compiled kernel for
    both passes)."""
    write = out_rows.size > 0
    for k in prange(sx.size):
        if write:
            found = _site(k, a, b, sx, sy, r_all, r_open, out_rows, out_d, offsets[k])
            out_cols[offsets[k]:offsets[k] + found] = k
        else:
            offsets[k] = _site(k, a, b, sx, sy, r_all, r_open, out_rows, out_d, 0)


#: Below this many point checks (estimated) a search runs on the calling thread: a
#: parallel region waits for numba's other threads, long when another process holds
#: the core (a million checks are a few milliseconds on one).
SMALL_WORK = 1_000_000


class TooManyPairs(Exception):  # noqa: N818 - a count, caught by coverage
    """More pairs than the caller's limit (``args[0]``: how many)."""


@dataclass(frozen=True)
class PointGrid:
    """Points sorted into square cells of ``cell_m`` (row-major from ``(x0_m, y0_m)``).

    Attributes
    ----------
    order : numpy.ndarray
        Sorted position -> index of the point in the array it was built from.
    xy_m : numpy.ndarray
        ``(2, n)`` sorted coordinates (contiguous rows).
    starts : numpy.ndarray
        ``(cells + 1,)`` first sorted position of each cell.
    """

    order: np.ndarray
    xy_m: np.ndarray
    starts: np.ndarray
    x0_m: float
    y0_m: float
    cell_m: float
    n_cols: int
    n_rows: int

    @classmethod
    def build(cls, pts_xy_m: np.ndarray, cell_m: float) -> PointGrid:
        """Bucket ``(n, 2)`` points into cells of ``cell_m`` (at most ~4 cells a point).

        Examples
        --------
        >>> PointGrid.build(np.array([[0.0, 0.0], [1000.0, 500.0]]), 500.0).n_cols
        3
        """
        pts = np.asarray(pts_xy_m, float).reshape(-1, 2)
        if pts.shape[0] == 0:
            return cls(np.zeros(0, np.int64), np.zeros((2, 0)), np.zeros(2, np.int64), 0.0, 0.0,
                       max(cell_m, 1.0), 1, 1)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = float(max(hi[0] - lo[0], hi[1] - lo[1], 1.0))
        cell = max(float(cell_m), span / math.sqrt(4.0 * pts.shape[0] + 1.0), 1e-3)
        n_cols = int((hi[0] - lo[0]) // cell) + 1
        n_rows = int((hi[1] - lo[1]) // cell) + 1
        col = np.minimum(((pts[:, 0] - lo[0]) // cell).astype(np.int64), n_cols - 1)
        row = np.minimum(((pts[:, 1] - lo[1]) // cell).astype(np.int64), n_rows - 1)
        cell_id = row * n_cols + col
        order = np.argsort(cell_id, kind="stable")
        starts = np.searchsorted(cell_id[order], np.arange(n_rows * n_cols + 1))
        return cls(order, np.ascontiguousarray(pts[order].T), starts.astype(np.int64),
                   float(lo[0]), float(lo[1]), cell, n_cols, n_rows)

    def _arrays(self) -> tuple:
        return (self.order, self.xy_m[0], self.xy_m[1], self.starts,
                np.array([self.x0_m, self.y0_m, self.cell_m, self.n_cols, self.n_rows], float))

    def pairs_within(self, sites_xy_m: np.ndarray, radius_m: np.ndarray,
                     open_grid: PointGrid | None = None,
                     open_radius_m: np.ndarray | None = None, *,
                     max_pairs: float = math.inf
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(point, site, distance)`` of every pair within the site's ``radius_m``,
        and of the points of ``open_grid`` (built from the same array, by
        :meth:`subset`) beyond ``radius_m`` and within ``open_radius_m``.

        Raises
        ------
        TooManyPairs
            More than ``max_pairs`` pairs (counted before any is stored).

        Returns
        -------
        tuple of numpy.ndarray
            Point indices (into the array the grid was built from), site
            indices (into ``sites_xy_m``), distances in metres; grouped by site.
        """
        sites = np.asarray(sites_xy_m, float).reshape(-1, 2)
        r_all = np.ascontiguousarray(radius_m, float)
        if open_grid is None or open_radius_m is None:
            open_grid, r_open = PointGrid.build(np.zeros((0, 2)), 1.0), np.full(sites.shape[0], -1.0)
        else:
            r_open = np.ascontiguousarray(open_radius_m, float)
        if sites.shape[0] == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        sx, sy = np.ascontiguousarray(sites[:, 0]), np.ascontiguousarray(sites[:, 1])
        args = (self._arrays(), open_grid._arrays(), sx, sy, r_all, r_open)
        work = self._checks(r_all) + open_grid._checks(r_open)
        with one_thread_below(int(work), SMALL_WORK):
            counts = np.zeros(sx.size, np.int64)
            _pairs(*args, counts, np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
            offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
            if offsets[-1] > max_pairs:
                raise TooManyPairs(int(offsets[-1]))
            rows = np.empty(int(offsets[-1]), np.int64)
            cols = np.empty(rows.size, np.int64)
            dist = np.empty(rows.size)
            if rows.size:
                _pairs(*args, offsets, rows, cols, dist)
        return rows, cols, dist

    def _checks(self, radius_m: np.ndarray) -> float:
        """About how many points the sites of ``radius_m`` scan (their squares
        of cells against the grid's extent)."""
        if self.order.size == 0:
            return 0.0
        area = self.n_cols * self.n_rows * self.cell_m ** 2
        side = 2.0 * np.maximum(radius_m, 0.0) + 2.0 * self.cell_m
        return float(np.minimum(side ** 2 / area, 1.0).sum() * self.order.size)

    def subset(self, keep: np.ndarray, cell_m: float) -> PointGrid:
        """A grid of the points where ``keep`` (per point of the built array) is
        True, whose indices still refer to the built array."""
        keep = np.asarray(keep, bool)
        inverse = self.order[keep[self.order]]
        grid = PointGrid.build(self.xy_m.T[keep[self.order]], cell_m)
        return dataclasses.replace(grid, order=inverse[grid.order])
