"""Reading a county's own land-use files: a 三调 parcel shapefile (GBK DBF)
and a GBK site list, at county scale.

Usage::  .venv/bin/python benchmarks/landuse_inputs_bench.py [--parcels 100000] [--sites 10000]

Writes, in a temporary folder, a 三调 地类图斑 layer of ``--parcels``
parcels (BSM, DLBM, DLMC, QSDWMC in GBK; EPSG:4528) once with a ``.cpg`` and
once without, and a GBK CSV of ``--sites`` sites in GCJ-02 with Chinese
headers and kinds. Measures, side by side in one run:

- reading the parcels with the ``.cpg`` vs without (encoding detected from
  the DBF's text),
- preparing the zones from raw DLBM codes (三调 table) vs from canonical
  ``zone_class`` values,
- the whole ``check-landuse`` command (GBK CSV in GCJ-02 → WGS84, zones
  reprojected from EPSG:4528, conflicts, outputs).
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from siteplan.landuse import prepare_zones
from siteplan.landuse_classes import SURVEY_CLASSES
from siteplan.sources import read_layer
from siteplan.sources.coords import wgs84_to_gcj02


def _best(fn, runs: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--sites", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    folder = Path(tempfile.mkdtemp(prefix="landuse_inputs_"))
    side = int(np.ceil(np.sqrt(args.parcels)))
    cell = 60_000.0 / side  # a 60 km square county
    x0, y0 = 40_440_000.0, 2_860_000.0  # zone 40 (EPSG:4528) near 119.4E 25.9N
    i = np.arange(args.parcels)
    boxes = shapely.box(x0 + (i % side) * cell, y0 + (i // side) * cell,
                        x0 + (i % side + 1) * cell, y0 + (i // side + 1) * cell)
    codes = np.array(list(SURVEY_CLASSES))
    chosen = rng.choice(codes, args.parcels)
    parcels = gpd.GeoDataFrame({
        "BSM": [f"3501{n:08d}" for n in i], "DLBM": chosen,
        "DLMC": [SURVEY_CLASSES[c][0] for c in chosen], "QSDWMC": "某村民委员会"},
        geometry=boxes, crs=4528)
    t0 = time.perf_counter()
    (folder / "cpg").mkdir()
    (folder / "nocpg").mkdir()
    parcels.to_file(folder / "cpg" / "DLTB.shp", encoding="GBK", engine="pyogrio")
    parcels.to_file(folder / "nocpg" / "DLTB.shp", encoding="GBK", engine="pyogrio")
    (folder / "nocpg" / "DLTB.cpg").unlink()
    wgs = gpd.GeoSeries(shapely.points(rng.uniform(x0, x0 + 60_000, args.sites),
                                       rng.uniform(y0, y0 + 60_000, args.sites)),
                        crs=4528).to_crs(4326)
    glon, glat = wgs84_to_gcj02(wgs.x.to_numpy(), wgs.y.to_numpy())
    kinds = rng.choice(["新建铁塔", "智慧杆", "铁塔", "路灯", "楼顶"], args.sites)
    lines = ["某县站址清单", "站址编码,站址名称,站址类型,经度,纬度"]
    lines += [f"S{n:06d},站址{n},{k},{x:.7f},{y:.7f}"
              for n, (k, x, y) in enumerate(zip(kinds, glon, glat, strict=True))]
    (folder / "sites.csv").write_bytes("\n".join(lines).encode("gbk"))
    made = time.perf_counter() - t0

    t_cpg, with_cpg = _best(lambda: read_layer(folder / "cpg" / "DLTB.shp"))
    t_nocpg, without = _best(lambda: read_layer(folder / "nocpg" / "DLTB.shp"))
    assert without["DLMC"].tolist() == with_cpg["DLMC"].tolist()
    t_codes, _ = _best(lambda: prepare_zones(without, source="DLTB.shp"))
    canonical = without.assign(zone_class=prepare_zones(without)[0]["zone_class"])
    t_canon, _ = _best(lambda: prepare_zones(canonical, source="DLTB.shp",
                                             class_column="zone_class"))

    from click.testing import CliRunner

    from siteplan.cli import main as cli

    t0 = time.perf_counter()
    result = CliRunner().invoke(cli, ["check-landuse", str(folder / "sites.csv"),
                                      str(folder / "nocpg" / "DLTB.shp"), "--sites-crs",
                                      "gcj02", "--out", str(folder / "check"), "--offline"])
    t_check = time.perf_counter() - t0
    assert result.exit_code in (0, 1), result.output

    print(f"machine: {platform.processor() or platform.machine()}, python "
          f"{platform.python_version()}; data made in {made:.1f} s in {folder}")
    print(f"| read {args.parcels:,} parcels, GBK DBF with .cpg | {t_cpg:.2f} s |")
    print(f"| read the same without .cpg (encoding detected) | {t_nocpg:.2f} s "
          f"({t_nocpg / t_cpg:.2f}x) |")
    print(f"| prepare zones from DLBM codes (三调 table) | {t_codes:.2f} s |")
    print(f"| prepare zones from canonical zone_class | {t_canon:.2f} s "
          f"({t_codes / t_canon:.2f}x for the codes) |")
    print(f"| check-landuse: {args.sites:,} GBK/GCJ-02 sites x {args.parcels:,} parcels "
          f"(EPSG:4528, no .cpg) | {t_check:.1f} s |")
    print(result.output.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
