"""Diffraction loss of siteplan's profiles against pycraf's ITU-R P.452-16 (issue 27).

Usage::

    .venv/bin/pip install pycraf     # reference only, not a siteplan dependency (GPLv3)
    .venv/bin/python benchmarks/terrain_diffraction.py --paths 300

Seeded random terrain profiles (rolling hills, ridges, single knife edges;
1-10 km; transmitter 25-45 m, receiver 1.5 m; 3.5 GHz) go through
:func:`siteplan.terrain.diffraction.bullington_db` and through pycraf's
``loss_diffraction`` (P.452-16 §4.2: delta-Bullington, i.e. Bullington on
the profile plus the spherical-earth term less the smooth-profile
Bullington) on the very same distances and heights, both with the median
effective earth radius of ``delta_N = 40 N/km`` (k = 157 / (157 - 40)).
Prints the mean and largest absolute difference of the median loss
(``L_d_50``; issue target: mean <= 1 dB), by profile family, and the
closed-form single knife edge (P.526 J(ν)) against siteplan's J(ν).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

from siteplan.terrain.diffraction import bullington_db, knife_edge_db

FREQ_GHZ = 3.5
DELTA_N = 40.0
K_FACTOR = 157.0 / (157.0 - DELTA_N)


def profiles(n: int, seed: int = 27) -> list[tuple[str, np.ndarray, np.ndarray, float, float]]:
    """``(family, distances_m, heights_m, h_tx_m, h_rx_m)`` of seeded test paths."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        d = rng.uniform(1000.0, 10000.0)
        s = np.arange(0.0, d, 30.0)
        s = np.append(s, d)
        family = ("hills", "ridge", "knife", "gentle")[i % 4]
        z = np.full(s.size, rng.uniform(0, 200))
        if family == "hills":
            for _ in range(rng.integers(2, 7)):
                z += rng.uniform(10, 120) * np.exp(-((s - rng.uniform(0, d)) / rng.uniform(150, 1500)) ** 2)
        elif family == "ridge":
            z += rng.uniform(20, 200) * np.exp(-((s - rng.uniform(0.2, 0.8) * d) / rng.uniform(60, 300)) ** 2)
        elif family == "knife":
            k = rng.integers(5, s.size - 5)
            z[k] += rng.uniform(5, 120)
        else:  # nearly clear: low rolling ground, receiver on a 10 m roof (sub-path diffraction)
            z += rng.uniform(0, 25) * np.sin(s / rng.uniform(300, 2000)) ** 2
        out.append((family, s, z, float(rng.uniform(25, 45)), 10.0 if family == "gentle" else 1.5))
    return out


def ours(s: np.ndarray, z: np.ndarray, h_tx: float, h_rx: float) -> float:
    """siteplan's Bullington loss of one profile (as the model computes it)."""
    d = s[-1]
    bulge = s * (d - s) / (2.0 * K_FACTOR * 6_371_000.0)
    return float(bullington_db((z + bulge)[None, :], s[None, :], np.array([d]),
                               np.array([z[0] + h_tx]), np.array([z[-1] + h_rx]),
                               0.299792458 / FREQ_GHZ)[0])


def reference(s: np.ndarray, z: np.ndarray, h_tx: float, h_rx: float) -> float:
    """pycraf's P.452-16 median diffraction loss L_d_50 of the same profile."""
    from astropy import units as u
    from pycraf import conversions as cnv
    from pycraf import pathprof

    pprop = pathprof.PathProp(
        FREQ_GHZ * u.GHz, 290 * u.K, 1013 * u.hPa, 119.5 * u.deg, 26.0 * u.deg,
        (119.5 + s[-1] / 100_000.0) * u.deg, 26.0 * u.deg, h_tx * u.m, h_rx * u.m,
        30.0 * u.m, 50 * u.percent, delta_N=DELTA_N * cnv.dimless / u.km, N0=325 * cnv.dimless,
        hprof_dists=(s / 1000.0) * u.km, hprof_heights=z * u.m, hprof_bearing=90 * u.deg,
        hprof_backbearing=270 * u.deg, version=16)
    return float(pathprof.loss_diffraction(pprop)[0].to_value(u.dB))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paths", type=int, default=300)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    paths = profiles(args.paths)
    t0 = time.perf_counter()
    mine = np.array([ours(s, z, ht, hr) for _f, s, z, ht, hr in paths])
    t1 = time.perf_counter()
    ref = np.array([reference(s, z, ht, hr) for _f, s, z, ht, hr in paths])
    t2 = time.perf_counter()
    fam = np.array([p[0] for p in paths])
    diff = np.abs(mine - ref)
    print(f"{len(paths)} profiles, 3.5 GHz, k = {K_FACTOR:.3f}; pycraf P.452-16 L_d_50 as reference")
    print(f"mean |siteplan - pycraf| = {diff.mean():.2e} dB, max {diff.max():.2e} dB, "
          f"mean loss {ref.mean():.1f} dB (target: mean <= 1 dB)")
    for f in ("hills", "ridge", "knife", "gentle"):
        sel = fam == f
        print(f"  {f:6s}: n={sel.sum():3d} mean |diff| {diff[sel].mean():.2e} dB, max "
              f"{diff[sel].max():.2e} dB, mean loss {ref[sel].mean():.1f} dB, "
              f"obstructed {np.mean(ref[sel] > 0.5):.0%}")
    print("  first paths (siteplan, pycraf):", [(round(float(a), 2), round(float(b), 2)) for a, b in
                                                zip(mine[:6], ref[:6], strict=True)])
    nu = np.linspace(-0.7, 5, 12)
    closed = 6.9 + 20 * np.log10(np.sqrt((nu - 0.1) ** 2 + 1) + nu - 0.1)
    print(f"P.526 eq. (31) knife edge, nu in [-0.7, 5]: max |J - closed form| = "
          f"{np.abs(knife_edge_db(nu) - closed).max():.2e} dB")
    print(f"time: siteplan {1e3 * (t1 - t0) / len(paths):.2f} ms/path (one at a time, numpy), "
          f"pycraf {1e3 * (t2 - t1) / len(paths):.2f} ms/path; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
