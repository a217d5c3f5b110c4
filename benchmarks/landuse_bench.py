"""Land-use check at county-survey scale: 50,000 sites against 500,000 zones.

Usage::  .venv/bin/python benchmarks/landuse_bench.py [--sites 50000] [--zones 500000]

Zones are generated parcels (rectangles of 40–400 m a side, some rotated and
vertex-rich) over 80 km × 80 km, with classes in the proportions of a county
land survey; sites are a mix of kinds. Reports the time of the check
(validation + conflicts) and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time

import geopandas as gpd
import numpy as np
import shapely

from siteplan.defaults import Assumptions
from siteplan.landuse import conflicts, prepare_zones, summary

CLASSES = np.array(["basic_farmland", "forest", "water", "urban_development",
                    "ecological_red_line", "satellite_earth_station"])
SHARES = np.array([0.45, 0.25, 0.05, 0.2, 0.0499, 0.0001])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50_000)
    parser.add_argument("--zones", type=int, default=500_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    side = 80_000.0
    t0 = time.perf_counter()
    x, y = rng.uniform(0, side, args.zones), rng.uniform(0, side, args.zones)
    w, h = rng.uniform(40, 400, args.zones), rng.uniform(40, 400, args.zones)
    parcels = shapely.box(x, y, x + w, y + h)
    round_idx = rng.random(args.zones) < 0.2
    parcels[round_idx] = shapely.buffer(shapely.points(x[round_idx], y[round_idx]),
                                        w[round_idx] / 2, quad_segs=16)
    zones = gpd.GeoDataFrame({"zone_id": np.arange(args.zones).astype(str),
                              "zone_class": rng.choice(CLASSES, args.zones, p=SHARES)},
                             geometry=parcels, crs=32650)
    kinds = rng.choice(["greenfield", "smart_pole", "tower", "streetlight", "power_pole"],
                       args.sites, p=[0.2, 0.1, 0.3, 0.3, 0.1])
    sites = gpd.GeoDataFrame({"site_id": np.arange(args.sites).astype(str), "kind": kinds},
                             geometry=shapely.points(rng.uniform(0, side, args.sites),
                                                     rng.uniform(0, side, args.sites)),
                             crs=32650)
    t_gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    prepared, _ = prepare_zones(zones)
    table = conflicts(sites, prepared, Assumptions())
    result = summary(table)
    t_check = time.perf_counter() - t1
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"# {platform.node()} python {platform.python_version()} {time.strftime('%Y-%m-%d')}")
    print(f"generate {args.zones:,} zones + {args.sites:,} sites: {t_gen:.1f} s")
    print(f"check (prepare zones + conflicts + summary): {t_check:.1f} s; "
          f"{len(table):,} conflicts ({result['forbidden_conflicts']:,} forbidden, "
          f"{result['restricted_conflicts']:,} restricted); peak RSS {peak_gb:.2f} GB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
