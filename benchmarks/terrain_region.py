"""Coverage matrix of the synthetic region with terrain (and clutter) against flat earth.

Usage::

    .venv/bin/python benchmarks/terrain_region.py --side-km 30      # scaled down (900 km²)
    .venv/bin/python benchmarks/terrain_region.py --side-km 98      # issue 20's 9,600 km²

Builds :func:`siteplan.datasets.bigregion.build_region` (45 m demand), writes
a seeded synthetic DEM (30 m, UTM, rolling hills and ridges up to ~400 m)
and a WorldCover-coded land cover (built-up in the target areas, woods on
high ground, crops elsewhere), then times ``coverage_matrix`` flat, with
the DEM and with DEM + clutter, alternating (``--runs``); the first terrain
call includes reading and reprojecting the rasters and loading the
compiled kernel from numba's cache. Prints times and ratios (issue target:
terrain <= 3x flat) and the kernel's profile evaluations per second on one
core and on all of numba's threads (``--kernel-pairs`` random pairs of
50 m - 5 km). The profile loop runs on numba's threads (``NUMBA_NUM_THREADS``,
default: every core); ``--threads 1`` times the whole matrix on one. The
compile time of the kernel is timed by a run with an empty numba cache
(``NUMBA_CACHE_DIR=$(mktemp -d)``): its first terrain call includes it.

``--fresh`` times what a ``plan`` waits for: each setting in its own new
process (a plan computes its coverage once per process), alternating
flat / DEM / DEM + clutter ``--runs`` times; each child times its first
call (reading the rasters, loading the compiled code from numba's cache)
and a second one, and the ratios are first against first and second
against second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.transform import from_origin

from siteplan.coverage import coverage_matrix
from siteplan.datasets.bigregion import build_region
from siteplan.defaults import Assumptions
from siteplan.demand import demand_points
from siteplan.schema import validate_candidates, validate_targets
from siteplan.terrain import load_path_loss_model

STEP_M = 30.0


def write_rasters(folder: Path, targets_m, bounds, seed: int = 96) -> tuple[Path, Path]:
    """A synthetic DEM and land cover over ``bounds`` (metric CRS of ``targets_m``)."""
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = (bounds[0] - 6000, bounds[1] - 6000, bounds[2] + 6000, bounds[3] + 6000)
    cols, rows = int((xmax - xmin) / STEP_M) + 1, int((ymax - ymin) / STEP_M) + 1
    x = xmin + (np.arange(cols) + 0.5) * STEP_M
    y = ymax - (np.arange(rows) + 0.5) * STEP_M
    z = np.zeros((rows, cols), np.float32)
    n_hills = int(2 + (xmax - xmin) * (ymax - ymin) / 2.5e7)
    for _ in range(n_hills):
        x0, y0 = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        sigma, height = rng.uniform(400, 2500), rng.uniform(20, 300)
        gx = np.exp(-((x - x0) ** 2) / (2 * sigma**2)).astype(np.float32)
        gy = np.exp(-((y - y0) ** 2) / (2 * sigma**2)).astype(np.float32)
        z += height * np.outer(gy, gx)
    transform = from_origin(xmin, ymax, STEP_M, STEP_M)
    crs = targets_m.crs.to_wkt()
    dem = folder / "dem.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="float32",
                       crs=crs, transform=transform, compress="deflate") as ds:
        ds.write(z, 1)
    codes = np.where(z > 150, 10, 40).astype(np.uint8)
    built = rasterize(((g, 1) for g in targets_m.geometry), out_shape=(rows, cols),
                      transform=transform, fill=0, dtype="uint8").astype(bool)
    codes[built] = 50
    cover = folder / "clutter.tif"
    with rasterio.open(cover, "w", driver="GTiff", width=cols, height=rows, count=1, dtype="uint8",
                       crs=crs, transform=transform, compress="deflate", nodata=0) as ds:
        ds.write(codes, 1)
    return dem, cover


def kernel_rate(dem: Path, clutter: Path, crs, bounds, n: int) -> str:
    """Profile evaluations per second of the compiled kernel on one core."""
    model = load_path_loss_model({"dem": str(dem), "clutter": str(clutter)}, crs)
    rng = np.random.default_rng(1)
    sites = np.column_stack([rng.uniform(bounds[0], bounds[2], n), rng.uniform(bounds[1], bounds[3], n)])
    ang, dist = rng.uniform(0, 2 * np.pi, n), rng.uniform(50, 5000, n)
    pts = sites + np.column_stack([dist * np.cos(ang), dist * np.sin(ang)])
    h = np.full(n, 35.0)
    model.profile_terms(sites[:1000], h[:1000], pts[:1000], 1.5, 3.5)  # compiled code loaded
    samples = np.clip(np.ceil(dist / model.step_m), 2, model.max_samples - 1).sum() + n
    lines = []
    for threads in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        numba.set_num_threads(threads)
        start = time.perf_counter()
        model.profile_terms(sites, h, pts, 1.5, 3.5)
        seconds = time.perf_counter() - start
        lines.append(f"kernel, {threads} thread(s): {n / seconds:,.0f} profiles/s, "
                     f"{samples / seconds / 1e6:.1f} M samples/s (mean {samples / n:.0f} samples "
                     "a profile)")
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return "\n".join(lines)


def region_inputs(side_km: float, spacing_m: float):
    """The synthetic region's targets and candidates in their UTM zone and its demand."""
    layers = build_region(side_km)
    targets = validate_targets(layers["targets"], "targets")
    metric = targets.estimate_utm_crs()
    targets_m = targets.to_crs(metric)
    cands_m = validate_candidates(layers["candidates"], "candidates").to_crs(metric)
    return targets_m, cands_m, demand_points(targets_m, spacing_m=spacing_m)


def model_settings(dem: Path, cover: Path, step_m: float = STEP_M) -> dict[str, dict]:
    """The three path-loss settings compared: flat, DEM, DEM + clutter."""
    terrain = {"coverage.max_pairs": 1e9, "terrain.dem": str(dem),
               "terrain.profile_step_m": step_m}
    return {"flat": {"coverage.max_pairs": 1e9}, "dem": terrain,
            "dem+clutter": {**terrain, "terrain.clutter": str(cover)}}


def child(args: argparse.Namespace) -> int:
    """One setting's first and second coverage call in this (new) process."""
    targets_m, cands_m, demand = region_inputs(args.side_km, args.spacing)
    folder = Path(args.child_dir)
    assumptions = model_settings(folder / "dem.tif", folder / "clutter.tif", args.step)[args.child]
    seconds, covered = [], 0
    for _ in range(2):
        t0 = time.perf_counter()
        cov = coverage_matrix(demand, cands_m, Assumptions(assumptions))
        seconds.append(time.perf_counter() - t0)
        covered = cov.matrix.nnz
    print(json.dumps({"first": seconds[0], "second": seconds[1], "covered": covered,
                      "evaluated": cov.pairs_evaluated}))
    return 0


def fresh(args: argparse.Namespace, folder: Path) -> None:
    """Each setting in a new process, alternating (with ``--baseline DIR``, the
    code in DIR right after this code's, same setting); first/second-call ratios.
    With ``--cold`` every child starts from an empty numba cache (it compiles)."""
    codes = {"new": None} if not args.baseline else {"new": None, "old": args.baseline}
    times: dict[tuple[str, str], list[dict]] = {
        (code, name): [] for code in codes for name in ("flat", "dem", "dem+clutter")}
    for i in range(args.runs):
        for name in ("flat", "dem", "dem+clutter"):
            for code, path in codes.items():
                env = dict(os.environ)
                if path:
                    env["PYTHONPATH"] = str(path)
                with tempfile.TemporaryDirectory() as cache:
                    if args.cold:
                        env["NUMBA_CACHE_DIR"] = cache
                    out = subprocess.run(
                        [sys.executable, __file__, "--side-km", str(args.side_km), "--spacing",
                         str(args.spacing), "--step", str(args.step), "--child", name,
                         "--child-dir", str(folder)], check=True, capture_output=True, text=True,
                        env=env).stdout
                row = json.loads(out.strip().splitlines()[-1])
                times[(code, name)].append(row)
                print(f"run {i} {code} {name} (new process{', empty numba cache' if args.cold else ''}"
                      f"): first {row['first']:.1f} s, second {row['second']:.1f} s, "
                      f"{row['evaluated']:,} pairs evaluated, {row['covered']:,} covered",
                      flush=True)
    for code in codes:
        for name in ("dem", "dem+clutter"):
            for which in ("first", "second"):
                ratios = [t[which] / f[which] for t, f in
                          zip(times[(code, name)], times[(code, "flat")], strict=True)]
                print(f"{code} {name} / flat, {which} call, same run: "
                      + ", ".join(f"{r:.2f}" for r in ratios)
                      + f" (median {float(np.median(ratios)):.2f}); target <= 3")
    if args.baseline:
        for name in ("flat", "dem", "dem+clutter"):
            for which in ("first", "second"):
                ratios = [n[which] / o[which] for n, o in
                          zip(times[("new", name)], times[("old", name)], strict=True)]
                print(f"{name}, {which} call, new / old: " + ", ".join(f"{r:.2f}" for r in ratios))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side-km", type=float, default=30.0)
    parser.add_argument("--spacing", type=float, default=45.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--kernel-pairs", type=int, default=300_000)
    parser.add_argument("--step", type=float, default=30.0, help="terrain.profile_step_m")
    parser.add_argument("--threads", type=int, default=0, help="numba threads (0: all)")
    parser.add_argument("--max-samples", type=int, default=0,
                        help="also time terrain.max_samples = N (coarser long profiles) and "
                             "count the covered pairs that change against the default 256")
    parser.add_argument("--fresh", action="store_true",
                        help="each setting in a new process (what a plan waits for)")
    parser.add_argument("--baseline", help="with --fresh: also time the code in this folder "
                        "(PYTHONPATH, e.g. from git archive), alternating")
    parser.add_argument("--cold", action="store_true",
                        help="with --fresh: each process starts from an empty numba cache")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.threads:
        numba.set_num_threads(args.threads)
    start = time.perf_counter()
    targets_m, cands_m, demand = region_inputs(args.side_km, args.spacing)
    print(f"profile step {args.step:g} m; region {args.side_km:g} km: {len(demand):,} demand points, "
          f"{len(cands_m):,} candidates "
          f"(built in {time.perf_counter() - start:.0f} s)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        dem, cover = write_rasters(Path(tmp), targets_m, tuple(cands_m.total_bounds))
        if args.fresh:
            fresh(args, Path(tmp))
            print("load:", os.getloadavg())
            return 0
        settings = model_settings(dem, cover, args.step)
        if args.max_samples:
            for name in ("dem", "dem+clutter"):
                settings[f"{name} ms{args.max_samples}"] = {
                    **settings[name], "terrain.max_samples": args.max_samples}
        times: dict[str, list[float]] = {k: [] for k in settings}
        covered: dict[str, object] = {}
        for i in range(args.runs):
            for name, assumptions in settings.items():
                t0 = time.perf_counter()
                cov = coverage_matrix(demand, cands_m, Assumptions(assumptions))
                times[name].append(time.perf_counter() - t0)
                covered[name] = cov.matrix
                print(f"run {i} {name}: {times[name][-1]:.1f} s, {cov.pairs_evaluated:,} pairs "
                      f"evaluated, {cov.matrix.nnz:,} covered", flush=True)
        flat = min(times["flat"])
        for name in [k for k in settings if k.startswith("dem") and " ms" in k]:
            base = covered[name.split(" ")[0]]
            changed = (covered[name] != base).nnz
            print(f"{name}: {changed:,} covered pairs differ from max_samples 256 "
                  f"({changed / max(base.nnz, 1):.3%} of {base.nnz:,})")
        for name in [k for k in settings if k != "flat"]:
            print(f"{name}: first {times[name][0]:.1f} s (ratio {times[name][0] / flat:.2f}), best "
                  f"{min(times[name]):.1f} s (ratio {min(times[name]) / flat:.2f}); target <= 3")
        print(kernel_rate(dem, cover, targets_m.crs, tuple(cands_m.total_bounds), args.kernel_pairs))
    print("load:", os.getloadavg())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
