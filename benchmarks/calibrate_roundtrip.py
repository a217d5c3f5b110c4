"""Calibration round trip: synthetic drive tests from known parameters plus shadowing.

For each shadowing sigma, drive tests are made around the sample county's
first 12 towers and rooftops (log-uniform distances 50 m - 4 km, random
directions, environments drawn rural/rural/urban/suburban) from known
tuning parameters (offset 6 dB, slope -4 dB/decade, land cover built +3 dB,
crop -2.5 dB, grass the reference) plus Gaussian shadowing in dB (log-normal
in power), and :func:`siteplan.calibrate.calibrate` fits them back with the
plan's own model (:func:`siteplan.sinr.load_model`: flat TR 38.901) given a
synthetic land-cover raster (500 m blocks: grass about half, built and crop
a quarter each), so the class offsets are the ``clutter.offset_db.*`` keys
``plan`` applies.

Reported per sigma (one seed shown in full, then ``--seeds`` runs):
estimates with their 95 % intervals, whether each interval holds the truth,
the residual standard deviation against sigma + 0.5 dB, the error before
and after tuning, the share of intervals holding the truth over all seeds
and the fit time.

Usage::

    .venv/bin/python benchmarks/calibrate_roundtrip.py [--seeds 50] [--points 300]

Writes ``benchmarks/results/calibrate_roundtrip.json`` and prints Markdown.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from pathlib import Path

import numpy as np

from siteplan.calibrate import calibrate, synthetic_drive_test
from siteplan.config import load_config
from siteplan.datasets import sample_path
from siteplan.defaults import CLUTTER_CLASSES, Assumptions
from siteplan.sinr import load_model
from siteplan.sources.inputs import load_inputs
from siteplan.terrain.raster import Grid

TRUTH = {"offset_db": 6.0, "distance_slope_db_per_dec": -4.0,
         "clutter_offset_db": {"built": 3.0, "crop": -2.5}}
TRUE_KEYS = {"pathloss.offset_db": 6.0, "pathloss.distance_slope_db_per_dec": -4.0,
             "clutter.offset_db.built": 3.0, "clutter.offset_db.crop": -2.5}
CLASSES = ("rural", "rural", "urban", "suburban")


def clutter_model(a: Assumptions, sites_xy: np.ndarray):
    """The plan's flat model with a seeded land-cover raster over the sites (+5 km)."""
    names = list(CLUTTER_CLASSES)
    x0, y0 = sites_xy.min(axis=0) - 5000.0
    x1, y1 = sites_xy.max(axis=0) + 5000.0
    shape = (int((y1 - y0) // 500) + 1, int((x1 - x0) // 500) + 1)
    blocks = np.random.default_rng(1).choice(
        [names.index("grass"), names.index("built"), names.index("crop")], size=shape,
        p=[0.5, 0.25, 0.25])
    values = np.kron(blocks, np.ones((5, 5), np.int32)).astype(np.int32)  # 100 m cells
    return dataclasses.replace(load_model(a), clutter=Grid(values, float(x0), float(y1), 100.0,
                                                           ("blocks",)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--points", type=int, default=300, help="measurements per site")
    args = ap.parse_args()
    a = Assumptions()
    cands = load_inputs(load_config(sample_path("sample_county.toml"))).candidates
    sites = cands[cands["kind"].isin(["tower", "rooftop"])].head(12)
    sites = sites.to_crs(cands.estimate_utm_crs())
    model = clutter_model(a, np.column_stack([sites.geometry.x, sites.geometry.y]))
    results = []
    print(f"load: {os.getloadavg()}; {len(sites)} sites x {args.points} points per drive test\n")
    for sigma in (4.0, 6.0, 8.0):
        inside, z, std_after, times = [], [], [], []
        first = None
        for seed in range(args.seeds):
            meas = synthetic_drive_test(sites, a, TRUTH, sigma_db=sigma, points_per_site=args.points,
                                        seed=seed, classes=CLASSES, distance_m=(50.0, 4000.0),
                                        model=model)
            start = time.perf_counter()
            fit = calibrate(meas, sites, a, model=model)
            times.append(time.perf_counter() - start)
            p = fit.parameters.set_index("key")
            for key, value in TRUE_KEYS.items():
                inside.append(bool(p.loc[key, "ci_low"] <= value <= p.loc[key, "ci_high"]))
                z.append(float((p.loc[key, "after"] - value) / p.loc[key, "std_error"]))
            std_after.append(float(fit.errors.set_index("clutter").loc["all", "std_after"]))
            if first is None:
                first = fit
        errors = first.errors.set_index("clutter").loc["all"]
        print(f"## sigma = {sigma:g} dB (seed 0; {len(meas):,} measurements)\n")
        print("| parameter | truth | estimate | 95 % interval | holds truth |\n|---|---|---|---|---|")
        for row in first.parameters.itertuples():
            ok = row.ci_low <= TRUE_KEYS[row.key] <= row.ci_high
            print(f"| `{row.key}` | {TRUE_KEYS[row.key]:g} | {row.after:.2f} | "
                  f"[{row.ci_low:.2f}, {row.ci_high:.2f}] | {'yes' if ok else 'NO'} |")
        print(f"\nerror before: mean {errors['mean_before']:.2f} dB, std "
              f"{errors['std_before']:.2f} dB, RMSE {errors['rmse_before']:.2f} dB; after: mean "
              f"{errors['mean_after']:.2f} dB, std {errors['std_after']:.2f} dB (limit sigma + "
              f"0.5 = {sigma + 0.5:.1f} dB)")
        print(f"over {args.seeds} drive tests: intervals holding the truth "
              f"{100 * np.mean(inside):.1f} % (nominal 95 %), max |z| {np.max(np.abs(z)):.2f}, "
              f"residual std max {max(std_after):.2f} dB, fit time median "
              f"{1000 * np.median(times):.0f} ms\n")
        results.append({"sigma_db": sigma, "measurements": len(meas),
                        "parameters": first.parameters.to_dict("records"),
                        "errors_seed0": first.errors.to_dict("records"),
                        "interval_coverage": float(np.mean(inside)),
                        "max_abs_z": float(np.max(np.abs(z))),
                        "residual_std_max_db": max(std_after),
                        "fit_time_median_s": float(np.median(times)), "seeds": args.seeds})
    out = Path(__file__).with_name("results") / "calibrate_roundtrip.json"
    out.write_text(json.dumps({"load": os.getloadavg(), "results": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
