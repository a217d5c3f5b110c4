"""Diffraction over terrain profiles: ITU-R P.526 knife edge and Bullington.

Every function takes many profiles at once: heights as ``(pairs, samples)``
arrays (sample 0 at the transmitter, the last at the receiver), so a whole
chunk of candidate-demand pairs is evaluated with array operations, never a
Python loop per pair.

The Bullington construction follows ITU-R P.526-15 §4.5.2 (the same as the
"Bullington part" of P.452-17 §4.2.1): the earth's curvature is added to
each sample as the bulge ``s (d - s) / (2 k R)``; if the line between the
antennas clears every point, the loss is that of the point with the
largest ``ν``; otherwise the two steepest slopes from the ends meet at one
equivalent knife edge. ``L = Luc + (1 - exp(-Luc / 6)) (10 + 0.02 d_km)``.

Examples
--------
>>> round(float(knife_edge_db(np.array(0.0))), 2)
6.03
>>> round(float(knife_edge_db(np.array(-1.0))), 2)
0.0
"""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_000.0


def knife_edge_db(nu: np.ndarray) -> np.ndarray:
    """Single knife-edge loss J(ν) of ITU-R P.526 eq. (31), 0 for ν <= -0.78.

    Examples
    --------
    >>> [round(float(v), 2) for v in knife_edge_db(np.array([-0.78, 1.0, 2.4]))]
    [0.0, 13.93, 20.54]
    """
    nu = np.asarray(nu, dtype=float)
    v = nu - 0.1
    loss = 6.9 + 20.0 * np.log10(np.sqrt(v * v + 1.0) + v)
    return np.where(nu > -0.78, loss, 0.0)


def earth_bulge_m(s_m: np.ndarray, d_m: np.ndarray, k_factor: float) -> np.ndarray:
    """Height of the effective earth's bulge at ``s_m`` along a path of ``d_m``.

    Examples
    --------
    >>> round(float(earth_bulge_m(np.array(5000.0), np.array(10000.0), 4 / 3)), 3)
    1.472
    """
    return s_m * (d_m - s_m) / (2.0 * k_factor * EARTH_RADIUS_M)


def profile_nu(heights_m: np.ndarray, s_m: np.ndarray, d_m: np.ndarray, h_tx_m: np.ndarray,
               h_rx_m: np.ndarray, wavelength_m: float) -> np.ndarray:
    """Largest Fresnel parameter ν of the interior samples of each profile.

    ``ν = h sqrt(2 d / (λ s (d - s)))`` with ``h`` the height of a sample above
    the straight line between the antennas (negative: clearance). A profile
    clears a share ``c`` of the first Fresnel zone when ``ν <= -c sqrt(2)``.

    Parameters
    ----------
    heights_m : numpy.ndarray
        ``(pairs, samples)`` heights above sea level with the bulge added.
    s_m : numpy.ndarray
        ``(pairs, samples)`` distances from the transmitter.
    d_m, h_tx_m, h_rx_m : numpy.ndarray
        ``(pairs,)`` path lengths and antenna heights above sea level.
    wavelength_m : float

    Examples
    --------
    >>> s = np.array([[0.0, 500.0, 1000.0]])
    >>> h = np.array([[0.0, 20.0, 0.0]])
    >>> round(float(profile_nu(h, s, np.array([1000.0]), np.array([10.0]), np.array([10.0]), 0.1)[0]), 3)
    2.828
    """
    inner_s = s_m[:, 1:-1]
    d = d_m[:, None]
    line = (h_tx_m[:, None] * (d - inner_s) + h_rx_m[:, None] * inner_s) / d
    scale = np.sqrt(2.0 * d / (wavelength_m * inner_s * (d - inner_s)))
    if inner_s.shape[1] == 0:
        return np.full(d_m.shape, -np.inf)
    return np.max((heights_m[:, 1:-1] - line) * scale, axis=1)


def bullington_db(heights_m: np.ndarray, s_m: np.ndarray, d_m: np.ndarray, h_tx_m: np.ndarray,
                  h_rx_m: np.ndarray, wavelength_m: float) -> np.ndarray:
    """Bullington diffraction loss (dB) of each profile (ITU-R P.526-15 §4.5.2).

    Parameters are those of :func:`profile_nu` (heights include the bulge).

    Examples
    --------
    One knife edge 20 m above the line between two 10 m antennas at 1 km,
    λ = 0.1 m (ν = 5.66, J = 27.9 dB, plus the Bullington correction 9.9 dB):

    >>> s = np.array([[0.0, 500.0, 1000.0]])
    >>> h = np.array([[0.0, 30.0, 0.0]])
    >>> d, t = np.array([1000.0]), np.array([10.0])
    >>> round(float(bullington_db(h, s, d, t, t, 0.1)[0]), 1)
    37.8
    """
    if s_m.shape[1] <= 2:
        return np.zeros(d_m.shape)
    inner_h, inner_s = heights_m[:, 1:-1], s_m[:, 1:-1]
    d = d_m
    stim = np.max((inner_h - h_tx_m[:, None]) / inner_s, axis=1)
    str_ = (h_rx_m - h_tx_m) / d
    nu_los = profile_nu(heights_m, s_m, d_m, h_tx_m, h_rx_m, wavelength_m)
    srim = np.max((inner_h - h_rx_m[:, None]) / (d[:, None] - inner_s), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        d_b = (h_rx_m - h_tx_m + srim * d) / (stim + srim)
        d_b = np.clip(d_b, 1e-3, d - 1e-3)
        nu_b = ((h_tx_m + stim * d_b - (h_tx_m * (d - d_b) + h_rx_m * d_b) / d)
                * np.sqrt(2.0 * d / (wavelength_m * d_b * (d - d_b))))
    luc = knife_edge_db(np.where(stim < str_, nu_los, nu_b))
    return luc + (1.0 - np.exp(-luc / 6.0)) * (10.0 + 0.02 * d / 1000.0)
