"""Compiled profile kernel (numba, ``cache=True``, GIL released).

One pass per candidate-demand pair over its terrain profile, with the
sample positions and formulas of the array version
(:meth:`siteplan.terrain.model.PathLossModel.profile_terms_numpy`, which the
tests hold it to): bilinear ground heights every ``step`` (at most
``max_intervals`` intervals), the 4/3-earth bulge, the largest Fresnel
parameter over bare earth and over earth + clutter, the Bullington slopes,
the mean ground height. Per sample it multiplies by reciprocals (of the
intervals, the path length, ``2kR`` and the cell size) where the array
version divides: diffraction within 1e-9 dB and effective heights within
1e-10 m of it, the LOS and blocked flags the same. It keeps no
``(pairs, samples)`` arrays and stops a profile early when only line of
sight could cover the pair (``los_only``) and the clutter already blocks
it, or when a proven bound (:mod:`siteplan.terrain.bound`) says the pair
cannot reach the coverage threshold. Pairs are independent, so the pair
loop runs on numba's threads (``prange``); each pair's result is the same
on any number of threads. A call of fewer than :data:`PARALLEL_MIN_PAIRS`
pairs runs on the calling thread alone (the model's callers use
:func:`siteplan.threads.one_thread_below`): the SINR analysis makes
hundreds of calls of a few hundred pairs each, and on a
machine whose other core is busy every parallel region waited for numba's
second thread to be scheduled (0.37 s of profile work took 3.5-3.6 s on two
threads against 0.37-0.40 s on one).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EARTH_RADIUS_M = 6_371_000.0

#: pairs from which one call of the kernel spreads them over numba's threads
#: (about 20 ms of profile work on one core; below it a parallel region's wake-up
#: and barrier cost more than they save, and far more when the other core is busy)
PARALLEL_MIN_PAIRS = 16_384


@njit(cache=True, nogil=True, parallel=True)
def square_min(values, k):  # pragma: no cover - compiled
    """The lowest value within ``k`` cells (each axis) of each cell: a square
    minimum filter, clipped at the edges (scipy's ``minimum_filter`` of size
    ``2k + 1`` with ``mode="nearest"`` on finite values), rows then columns, on
    numba's threads. NaN neighbours are skipped and a NaN cell stays NaN
    (scipy's result with NaN depends on its scan order; the model fills the
    DEM's holes first)."""
    rows, cols = values.shape
    across = np.empty_like(values)
    for r in prange(rows):
        for c in range(cols):
            across[r, c] = values[r, c]
        for off in range(1, min(k, cols - 1) + 1):
            for c in range(cols - off):  # the cell off to the right
                across[r, c] = min(across[r, c], values[r, c + off])
            for c in range(off, cols):  # and to the left
                across[r, c] = min(across[r, c], values[r, c - off])
    out = np.empty_like(values)
    for r in prange(rows):
        for c in range(cols):
            out[r, c] = across[r, c]
        for rr in range(max(r - k, 0), min(r + k, rows - 1) + 1):
            for c in range(cols):
                out[r, c] = min(out[r, c], across[rr, c])
    return out


@njit(cache=True, nogil=True, parallel=True)
def window_min_at(blocks, x0, y0, cell_m, block, xs, ys, window_m):  # pragma: no cover - compiled
    """The lowest value of the cells within ``window_m`` (each axis) of each point.

    ``blocks`` holds the lowest of each ``block`` x ``block`` cells of a grid whose
    top-left cell centre is ``(x0, y0)``; every block holding a cell centre within
    the square window is read (a window off the grid reads the edge blocks it
    faces, as the bilinear lookups clamp onto the edge), so the value is never
    above the window's true lowest. NaN blocks are skipped (+inf where every
    block read is NaN). A cell centre exactly on the window's edge can fall out
    by a rounding of the division: callers add a cell of margin.
    """
    rows, cols = blocks.shape
    out = np.empty(xs.size, np.float32)
    for k in prange(xs.size):
        c_lo = min(max(int(math.floor((xs[k] - window_m - x0) / cell_m)) // block, 0), cols - 1)
        c_hi = max(min(int(math.floor((xs[k] + window_m - x0) / cell_m)) // block, cols - 1), 0)
        r_lo = min(max(int(math.floor((y0 - ys[k] - window_m) / cell_m)) // block, 0), rows - 1)
        r_hi = max(min(int(math.floor((y0 - ys[k] + window_m) / cell_m)) // block, rows - 1), 0)
        low = np.float32(np.inf)
        for r in range(r_lo, r_hi + 1):
            for c in range(c_lo, c_hi + 1):
                v = blocks[r, c]
                if v < low:
                    low = v
        out[k] = low
    return out


@njit(cache=True, nogil=True)
def _bilinear(v, x0, y0, res, x, y):  # pragma: no cover - compiled
    rows, cols = v.shape
    c = min(max((x - x0) / res, 0.0), cols - 1.0)
    r = min(max((y0 - y) / res, 0.0), rows - 1.0)
    c0 = min(int(c), max(cols - 2, 0))
    r0 = min(int(r), max(rows - 2, 0))
    fc, fr = c - c0, r - r0
    c1, r1 = min(c0 + 1, cols - 1), min(r0 + 1, rows - 1)
    top = v[r0, c0] * (1.0 - fc) + v[r0, c1] * fc
    bottom = v[r1, c0] * (1.0 - fc) + v[r1, c1] * fc
    return top * (1.0 - fr) + bottom * fr


@njit(cache=True, nogil=True, inline="always")
def _bilinear_index(v, c, r):  # pragma: no cover - compiled
    """:func:`_bilinear` at index ``(c, r)`` known to lie inside the grid (no clamps)."""
    c0, r0 = np.uint64(c), np.uint64(r)
    fc, fr = c - c0, r - r0
    c1, r1 = c0 + np.uint64(1), r0 + np.uint64(1)
    top = v[r0, c0] * (1.0 - fc) + v[r0, c1] * fc
    bottom = v[r1, c0] * (1.0 - fc) + v[r1, c1] * fc
    return top * (1.0 - fr) + bottom * fr


@njit(cache=True, nogil=True)
def _inside(v, x0, y0, res, x, y):  # pragma: no cover - compiled
    """The point lies a cell or more inside the grid's edge (so do the samples
    between two such points: no clamp acts on them)."""
    rows, cols = v.shape
    c, r = (x - x0) / res, (y0 - y) / res
    return 1.0 <= c <= cols - 2.0 and 1.0 <= r <= rows - 2.0


@njit(cache=True, nogil=True)
def _nearest(v, x0, y0, res, x, y):  # pragma: no cover - compiled
    rows, cols = v.shape
    c = min(max(np.rint((x - x0) / res), 0), cols - 1)
    r = min(max(np.rint((y0 - y) / res), 0), rows - 1)
    return v[int(r), int(c)]


@njit(cache=True, nogil=True)
def _knife_edge(nu):  # pragma: no cover - compiled
    if nu <= -0.78:
        return 0.0
    v = nu - 0.1
    return 6.9 + 20.0 * math.log10(math.sqrt(v * v + 1.0) + v)


@njit(cache=True, nogil=True)
def _bound_db(table, prm, d, h_max):  # pragma: no cover - compiled
    """:meth:`siteplan.terrain.bound.LossBound.value_db`, compiled, of both states
    (``(LOS, NLOS)``: one cell index, one logarithm)."""
    _n, rows, cols = table.shape
    h0 = prm[P_H0]
    h = min(max(h_max, h0), 150.0)
    r = min(int(math.ceil((h - h0) / prm[P_DH])), rows - 1)
    c = min(max(int((math.log(max(d, 1e-9)) - prm[P_LN_D0]) / prm[P_DLN]), 0), cols - 1)
    return table[0, r, c] + prm[P_MARGIN], table[1, r, c] + prm[P_MARGIN]


@njit(cache=True, nogil=True)
def _floor_mean(low, x0, y0, res, sx, sy, px, py, m, z_ends, spacing, radius):  # pragma: no cover
    """A lower bound of the profile's mean ground: the floor grid (``low``,
    :func:`siteplan.terrain.bound.ground_floor`) at the midpoint of each group
    of samples lying within ``radius`` of it; returns ``(bound, lookups)``.

    The midpoints are placed in cell units along the line (no division per
    lookup); a rounding apart from :func:`_nearest` can pick the next cell at
    an exact half, which the floor's two spare cells cover."""
    rows, cols = low.shape
    group = int(2.0 * radius / spacing) + 1 if spacing > 0.0 else 1
    inv_res = 1.0 / res
    c_s, r_s = (sx - x0) * inv_res, (y0 - sy) * inv_res
    c_span, r_span = (px - sx) * inv_res, (sy - py) * inv_res
    total, lookups = z_ends, 0
    j = 1
    while j < m:
        k = min(group, m - j)
        t = (j + 0.5 * (k - 1)) / m
        c = min(max(np.rint(c_s + t * c_span), 0.0), cols - 1.0)
        r = min(max(np.rint(r_s + t * r_span), 0.0), rows - 1.0)
        total += k * low[int(r), int(c)]
        lookups += 1
        j += k
    return total / (m + 1), lookups


#: Samples apart in the first look along a pair only a clear path could cover.
PRESCAN = 8


@njit(cache=True, nogil=True, inline="always")
def _sample(j, geo, dem):  # pragma: no cover - compiled
    """Sample ``j`` of a profile (``geo``: the walk's constants, see
    :func:`_one_profile`): ground, ground + bulge, height above the antenna
    line, the Fresnel scale, ``s``, ``r``, ``1 / (s r)``, the position and its
    DEM cell index."""
    (inv_m, d, x_s, y_s, span_x, span_y, inside, dx0, dy0, dres, inv_res, inv_two_kr, h_tx, h_rx,
     inv_d, two_d_lam) = geo
    t = j * inv_m
    s = t * d
    r = d - s
    inv = 1.0 / (s * r)
    x, y = x_s + t * span_x, y_s + t * span_y
    if inside:
        c_dem, r_dem = (x - dx0) * inv_res, (dy0 - y) * inv_res
        g = _bilinear_index(dem, c_dem, r_dem)
    else:
        c_dem = r_dem = 0.0
        g = _bilinear(dem, dx0, dy0, dres, x, y)
    zt = g + s * r * inv_two_kr
    line = (h_tx * r + h_rx * s) * inv_d
    return g, zt, zt - line, two_d_lam * inv, s, r, inv, x, y, c_dem, r_dem


@njit(cache=True, nogil=True, inline="always")
def _clutter_height(shared, clutter, clutter_h, c_dem, r_dem, cx0, cy0, cres, x,
                    y):  # pragma: no cover - compiled
    """The clutter height at a sample (the DEM's cell index when the grids share cells)."""
    if shared:
        cls = clutter[np.uint64(np.rint(r_dem)), np.uint64(np.rint(c_dem))]
    else:
        cls = _nearest(clutter, cx0, cy0, cres, x, y)
    return clutter_h[cls]


@njit(cache=True, nogil=True, inline="always")
def _prescan(m, geo, dem, shared, clutter, clutter_h, prm, q_limit,
             nlos_dead):  # pragma: no cover - compiled
    """Every :data:`PRESCAN`-th sample from the user's end: the samples looked at
    once one blocks the clutter path (or, with ``nlos_dead``, the terrain), else 0."""
    cx0, cy0, cres = prm[P_CX0], prm[P_CY0], prm[P_CRES]
    for j in range(m - 1, 0, -PRESCAN):
        _g, _zt, h, scale2, _s, _r, _inv, x, y, c_dem, r_dem = _sample(j, geo, dem)
        hc = h + _clutter_height(shared, clutter, clutter_h, c_dem, r_dem, cx0, cy0, cres, x, y)
        if hc * abs(hc) * scale2 > q_limit or (nlos_dead and h * abs(h) * scale2 > q_limit):
            return (m - 1 - j) // PRESCAN + 1
    return 0


# the scalars of :func:`profiles_indexed`, packed in one float64 array (fewer arguments
# keep the per-pair body inlinable into the parallel loop)
(P_H_UE, P_DX0, P_DY0, P_DRES, P_CX0, P_CY0, P_CRES, P_HAS_CLUTTER, P_STEP, P_MAX_INTERVALS,
 P_TWO_KR, P_WAVELENGTH, P_LIMIT, P_H0, P_DH, P_LN_D0, P_DLN, P_MARGIN, P_RADIUS,
 P_SAME_GRID) = range(20)


def pack_params(*, h_ue, dem_origin, clutter_origin, has_clutter, step, max_intervals, k_factor,
                wavelength, limit, bound=(0.0, 1.0, 0.0, 1.0, 0.0), radius=0.0,
                same_grid=False) -> np.ndarray:
    """The ``prm`` array of :func:`profiles_indexed` (origins: ``(x0, y0, res)``; ``bound``:
    ``(h0, dh, ln_d0, dln, margin)`` of :class:`~siteplan.terrain.bound.LossBound`;
    ``same_grid``: the clutter grid has the DEM's cells).

    Examples
    --------
    >>> prm = pack_params(h_ue=1.5, dem_origin=(0.0, 0.0, 30.0), clutter_origin=(0.0, 0.0, 30.0),
    ...                   has_clutter=False, step=30.0, max_intervals=255.0, k_factor=4 / 3,
    ...                   wavelength=0.0857, limit=-0.85)
    >>> prm.shape, float(prm[P_STEP])
    ((20,), 30.0)
    """
    return np.array([h_ue, *dem_origin, *clutter_origin, float(has_clutter), step, max_intervals,
                     2.0 * k_factor * EARTH_RADIUS_M, wavelength, limit, *bound, radius,
                     float(same_grid)], float)


@njit(cache=True, nogil=True, inline="always")
def _one_profile(i, x_s, y_s, x_p, y_p, mast, los_only, need, dem, low, clutter, clutter_h, table,
                 prm, out_diff, out_block, out_los, out_heff, out_dead):  # pragma: no cover
    """Profile of pair ``i`` (site at ``(x_s, y_s)`` with a ``mast``, user at
    ``(x_p, y_p)``) into the ``out_*`` arrays; returns the samples evaluated.

    With a finite ``need`` the pair is first bounded without its profile:
    if even the best state at the highest effective mast the floor allows
    (:mod:`siteplan.terrain.bound`) gives less than ``need``, it is dead;
    if only NLOS falls short, it is dead as soon as the walk finds the
    terrain or the clutter blocking the first Fresnel zone (NLOS for sure).
    """
    dx0, dy0, dres = prm[P_DX0], prm[P_DY0], prm[P_DRES]
    cx0, cy0, cres = prm[P_CX0], prm[P_CY0], prm[P_CRES]
    has_clutter, two_kr, wavelength = prm[P_HAS_CLUTTER] > 0.0, prm[P_TWO_KR], prm[P_WAVELENGTH]
    d = max(math.hypot(x_p - x_s, y_p - y_s), 1.0)
    m = int(min(max(math.ceil(d / prm[P_STEP]), 2.0), prm[P_MAX_INTERVALS]))
    z0 = _bilinear(dem, dx0, dy0, dres, x_s, y_s)
    zm = _bilinear(dem, dx0, dy0, dres, x_p, y_p)
    nlos_dead = False
    if need > -np.inf:
        floor, lookups = _floor_mean(low, dx0, dy0, dres, x_s, y_s, x_p, y_p, m, z0 + zm,
                                     d / m, prm[P_RADIUS])
        h_max = mast + z0 - floor
        best_db, nlos_db = _bound_db(table, prm, d, h_max)
        if best_db < need:
            out_dead[i] = True
            return lookups
        nlos_dead = nlos_db < need
    h_tx, h_rx = z0 + mast, zm + prm[P_H_UE]
    total = z0 + zm
    # the Fresnel parameter nu = h * sqrt(2 d / (lambda s (d - s))) is tracked as
    # q = h |h| * 2 d / (lambda s (d - s)) (same order, no square root per sample)
    stim, srim, q_t, q_c = -np.inf, -np.inf, -np.inf, -np.inf
    limit = prm[P_LIMIT]
    q_limit = limit * abs(limit)
    two_d_lam = 2.0 * d / wavelength
    clutter_ends = los_only or nlos_dead  # a blocked clutter profile settles the pair
    # away from the edges the clamps are no-ops (same values, fewer operations),
    # and a clutter grid on the DEM's cells shares the DEM's cell index
    inside = (_inside(dem, dx0, dy0, dres, x_s, y_s)
              and _inside(dem, dx0, dy0, dres, x_p, y_p))
    shared = inside and prm[P_SAME_GRID] > 0.0
    inv_m, inv_d, inv_two_kr, inv_res = 1.0 / m, 1.0 / d, 1.0 / two_kr, 1.0 / dres
    span_x, span_y = x_p - x_s, y_p - y_s
    geo = (inv_m, d, x_s, y_s, span_x, span_y, inside, dx0, dy0, dres, inv_res, inv_two_kr, h_tx,
           h_rx, inv_d, two_d_lam)
    if has_clutter and clutter_ends:
        # a pair only a clear path could cover dies at its first blocked sample: look
        # at every PRESCAN-th sample first (clutter and hills are wide), then walk them all
        looked = _prescan(m, geo, dem, shared, clutter, clutter_h, prm, q_limit, nlos_dead)
        if looked > 0:
            out_dead[i] = True
            return looked
    for j in range(m - 1, 0, -1):  # from the user's end: clutter blocks there first
        g, zt, h, scale2, s, r, inv, x, y, c_dem, r_dem = _sample(j, geo, dem)
        total += g
        q_t = max(q_t, h * abs(h) * scale2)
        stim = max(stim, (zt - h_tx) * r * inv)
        srim = max(srim, (zt - h_rx) * s * inv)
        if has_clutter and q_c <= q_limit:  # once blocked, the clutter's LOS flag is settled
            hc = h + _clutter_height(shared, clutter, clutter_h, c_dem, r_dem, cx0, cy0, cres, x, y)
            q_c = max(q_c, hc * abs(hc) * scale2)
            if q_c > q_limit and clutter_ends:
                out_dead[i] = True
                return m - j + 1
        if nlos_dead and q_t > q_limit:
            out_dead[i] = True
            return m - j + 1
    out_heff[i] = mast + z0 - total / (m + 1)
    out_block[i] = q_t > q_limit
    out_los[i] = q_c <= q_limit
    if stim < (h_rx - h_tx) / d:
        nu = math.copysign(math.sqrt(abs(q_t)), q_t) if q_t > -np.inf else -np.inf
    else:
        d_b = (h_rx - h_tx + srim * d) / (stim + srim)
        d_b = min(max(d_b, 1e-3), d - 1e-3)
        nu = ((h_tx + stim * d_b - (h_tx * (d - d_b) + h_rx * d_b) / d)
              * math.sqrt(2.0 * d / (wavelength * d_b * (d - d_b))))
    luc = _knife_edge(nu)
    out_diff[i] = luc + (1.0 - math.exp(-luc / 6.0)) * (10.0 + 0.02 * d / 1000.0)
    return m + 1


@njit(cache=True, nogil=True, parallel=True)
def profiles_indexed(rows, cols, d2d, pt_x, pt_y, pt_need, site_x, site_y, site_h, site_nlos_m,
                     slope, dem, low, clutter, clutter_h, table, prm, out_diff, out_block, out_los,
                     out_heff, out_dead):  # pragma: no cover - compiled
    """Fill the ``out_*`` arrays of pairs given as indices: pair ``i`` joins user
    ``rows[i]`` and site ``cols[i]``, ``d2d[i]`` apart (no per-pair copies of
    their coordinates). A pair's ``need`` is its user's ``pt_need`` plus
    ``slope · log10(max(d, 10 m) / 1 km)`` (-inf: never dropped); it is
    ``los_only`` when it lies beyond its site's ``site_nlos_m`` (the farthest
    any NLOS path of the site could cover). Pairs are spread over numba's
    threads (``numba.set_num_threads``); returns the samples evaluated (a floor
    lookup of a pair dropped by its bound counts as one). ``prm``:
    :func:`pack_params`; ``low``, ``table``: the floor grid and bound tables
    (:mod:`siteplan.terrain.bound`, used where ``need`` is finite)."""
    samples = 0
    for i in prange(rows.size):
        r, c, d = rows[i], cols[i], d2d[i]
        need = pt_need[r]
        if slope != 0.0:
            need += slope * math.log10(max(d, 10.0) / 1000.0)
        samples += _one_profile(i, site_x[c], site_y[c], pt_x[r], pt_y[r], site_h[c],
                                d > site_nlos_m[c], need, dem, low, clutter, clutter_h, table,
                                prm, out_diff, out_block, out_los, out_heff, out_dead)
    return samples
