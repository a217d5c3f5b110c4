"""Calibration round trip: synthetic drive tests from known parameters plus shadowing.

For each shadowing sigma, drive tests are made around the sample county's
first 12 towers and rooftops (log-uniform distances 50 m - 4 km, random
directions, environments drawn rural/rural/urban/suburban) from known
tuning parameters (offset 6 dB, slope -4 dB/decade, urban +3 dB, suburban
-2.5 dB) plus Gaussian shadowing in dB (log-normal in power), and
:func:`siteplan.calibrate.calibrate` fits them back with the flat model.

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
import json
import os
import time
from pathlib import Path

import numpy as np

from siteplan.calibrate import calibrate, synthetic_drive_test
from siteplan.config import load_config
from siteplan.datasets import sample_path
from siteplan.defaults import Assumptions
from siteplan.sinr import FlatPathLoss
from siteplan.sources.inputs import load_inputs

TRUTH = {"offset_db": 6.0, "distance_slope_db_per_dec": -4.0,
         "clutter_offset_db": {"urban": 3.0, "suburban": -2.5}}
TRUE_KEYS = {"pathloss.offset_db": 6.0, "pathloss.distance_slope_db_per_dec": -4.0,
             "pathloss.environment_offset_db.urban": 3.0,
             "pathloss.environment_offset_db.suburban": -2.5}
CLASSES = ("rural", "rural", "urban", "suburban")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=50)
    ap.add_argument("--points", type=int, default=300, help="measurements per site")
    args = ap.parse_args()
    a = Assumptions()
    cands = load_inputs(load_config(sample_path("sample_county.toml"))).candidates
    sites = cands[cands["kind"].isin(["tower", "rooftop"])].head(12)
    sites = sites.to_crs(cands.estimate_utm_crs())
    model = FlatPathLoss.from_assumptions(a)
    results = []
    print(f"load: {os.getloadavg()}; {len(sites)} sites x {args.points} points per drive test\n")
    for sigma in (4.0, 6.0, 8.0):
        inside, z, std_after, times = [], [], [], []
        first = None
        for seed in range(args.seeds):
            meas = synthetic_drive_test(sites, a, TRUTH, sigma_db=sigma, points_per_site=args.points,
                                        seed=seed, classes=CLASSES, distance_m=(50.0, 4000.0))
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
