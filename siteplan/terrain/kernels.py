"""Compiled profile kernel (numba, ``cache=True``, GIL released).

One pass per candidate-demand pair over its terrain profile, with exactly
the sample positions and formulas of the array version
(:meth:`siteplan.terrain.model.PathLossModel.profile_terms_numpy`, which the
tests hold it to): bilinear ground heights every ``step`` (at most
``max_intervals`` intervals), the 4/3-earth bulge, the largest Fresnel
parameter over bare earth and over earth + clutter, the Bullington slopes,
the mean ground height. It keeps no ``(pairs, samples)`` arrays and stops a
profile early when only line of sight could cover the pair (``los_only``)
and the clutter already blocks it. Pairs are independent, so the pair loop
runs on numba's threads (``prange``); each pair's result is the same on any
number of threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

EARTH_RADIUS_M = 6_371_000.0


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


@njit(cache=True, nogil=True, inline="always")
def _one_profile(i, sx, sy, px, py, h_site, h_ue, dem, dx0, dy0, dres, clutter, cx0, cy0, cres,
                 has_clutter, clutter_h, step, max_intervals, two_kr, wavelength, limit, los_only,
                 out_diff, out_block, out_los, out_heff, out_dead):  # pragma: no cover - compiled
    """Profile of pair ``i`` into the ``out_*`` arrays; returns the samples evaluated."""
    d = max(math.hypot(px[i] - sx[i], py[i] - sy[i]), 1.0)
    m = int(min(max(math.ceil(d / step), 2.0), max_intervals))
    z0 = _bilinear(dem, dx0, dy0, dres, sx[i], sy[i])
    zm = _bilinear(dem, dx0, dy0, dres, px[i], py[i])
    h_tx, h_rx = z0 + h_site[i], zm + h_ue
    total = z0 + zm
    # the Fresnel parameter nu = h * sqrt(2 d / (lambda s (d - s))) is tracked as
    # q = h |h| * 2 d / (lambda s (d - s)) (same order, no square root per sample)
    stim, srim, q_t, q_c = -np.inf, -np.inf, -np.inf, -np.inf
    q_limit = limit * abs(limit)
    two_d_lam = 2.0 * d / wavelength
    for j in range(m - 1, 0, -1):  # from the user's end: clutter blocks there first
        t = j / m
        s = t * d
        r = d - s
        inv = 1.0 / (s * r)
        x, y = sx[i] + t * (px[i] - sx[i]), sy[i] + t * (py[i] - sy[i])
        g = _bilinear(dem, dx0, dy0, dres, x, y)
        total += g
        zt = g + s * r / two_kr
        line = (h_tx * r + h_rx * s) / d
        scale2 = two_d_lam * inv
        h = zt - line
        q_t = max(q_t, h * abs(h) * scale2)
        stim = max(stim, (zt - h_tx) * r * inv)
        srim = max(srim, (zt - h_rx) * s * inv)
        if has_clutter:
            cls = _nearest(clutter, cx0, cy0, cres, x, y)
            hc = h + clutter_h[cls]
            q_c = max(q_c, hc * abs(hc) * scale2)
            if los_only[i] and q_c > q_limit:
                out_dead[i] = True
                return m - j + 1
    out_heff[i] = h_site[i] + z0 - total / (m + 1)
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
def profiles(sx, sy, px, py, h_site, h_ue, dem, dx0, dy0, dres, clutter, cx0, cy0, cres,
             has_clutter, clutter_h, step, max_intervals, k_factor, wavelength, limit, los_only,
             out_diff, out_block, out_los, out_heff, out_dead):  # pragma: no cover - compiled
    """Fill the ``out_*`` arrays (one entry per pair, pairs spread over numba's
    threads, ``numba.set_num_threads``); returns the samples evaluated."""
    two_kr = 2.0 * k_factor * EARTH_RADIUS_M
    samples = 0
    for i in prange(sx.size):
        samples += _one_profile(i, sx, sy, px, py, h_site, h_ue, dem, dx0, dy0, dres, clutter,
                                cx0, cy0, cres, has_clutter, clutter_h, step, max_intervals, two_kr,
                                wavelength, limit, los_only, out_diff, out_block, out_los,
                                out_heff, out_dead)
    return samples
