"""A synthetic province (SYNTHETIC DATA): many sample counties side by side.

Counties are laid on a jittered grid; each is a copy of the sample-county
generator (:mod:`siteplan.datasets.generate`) at its own centre with its own
seed, clipped to its Voronoi cell, so the units tile the province and share
their borders; provincial road corridors between neighbouring county seats
are target areas that cross the borders. Ids are prefixed with the county code (``C07-T0012``) so they
stay unique. Seeded: the same arguments write identical layers.

Run ``python -m siteplan.datasets.province OUT_DIR [COLUMNS ROWS]`` to write
``candidates.gpkg``, ``targets.gpkg``, ``landuse.gpkg``, ``units.gpkg`` and
``region.toml``.

Examples
--------
>>> layers = build_province(2, 1)
>>> sorted(layers)
['candidates', 'landuse', 'targets', 'units']
>>> layers["units"]["code"].tolist()
['C01', 'C02']
>>> bool(layers["candidates"]["site_id"].is_unique)
True
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from shapely.geometry import MultiPoint, box

from siteplan.datasets.generate import (
    CENTRE_E,
    CENTRE_N,
    HALF_SIDE_M,
    METRIC_CRS,
    SEED,
    _County,
    _wgs84,
    write_layers,
)

COUNTY_SPACING_M = 1.6 * HALF_SIDE_M  # counties overlap: towns and villages cross borders
JITTER_M = 2_000.0


def county_centres(columns: int, rows: int, *, seed: int = SEED) -> np.ndarray:
    """Centres (UTM 50N metres) of ``columns × rows`` counties, row by row."""
    rng = np.random.default_rng(seed + 7)
    gx, gy = np.meshgrid(np.arange(columns) * COUNTY_SPACING_M, np.arange(rows) * COUNTY_SPACING_M)
    xy = np.column_stack([gx.ravel() + CENTRE_E, gy.ravel() + CENTRE_N])
    return xy + rng.uniform(-JITTER_M, JITTER_M, size=xy.shape)


def unit_cells(centres: np.ndarray) -> tuple[list, shapely.Geometry]:
    """Voronoi cells of ``centres`` clipped to the province box, in centre order."""
    lo, hi = centres.min(axis=0), centres.max(axis=0)
    half = COUNTY_SPACING_M / 2
    outline = box(lo[0] - half, lo[1] - half, hi[0] + half, hi[1] + half)
    if len(centres) == 1:
        return [outline], outline
    cells = shapely.voronoi_polygons(MultiPoint(centres), extend_to=outline, ordered=True)
    return [cell.intersection(outline) for cell in cells.geoms], outline


def _prefix(frame: gpd.GeoDataFrame, column: str, code: str) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame[column] = code + "-" + frame[column].astype(str)
    return frame


def _corridors(centres: np.ndarray, columns: int, rows: int) -> gpd.GeoDataFrame:
    """Provincial roads between neighbouring county seats: target areas that
    cross county borders (2022, 90 %), as a real province has."""
    rows_out = []
    for i in range(columns * rows):
        r, c = divmod(i, columns)
        for j in ([i + 1] if c + 1 < columns else []) + ([i + columns] if r + 1 < rows else []):
            line = shapely.LineString([centres[i], centres[j]])
            # the middle part, away from both county seats' own areas
            part = shapely.ops.substring(line, 0.3, 0.7, normalized=True)
            rows_out.append({"area_id": f"P{i + 1:02d}-{j + 1:02d}",
                             "name": f"Provincial road C{i + 1:02d}-C{j + 1:02d} 省道",
                             "area_class": "road_corridor", "environment": "rural",
                             "milestone": 2022, "coverage_target": 0.9, "indoor": False,
                             "weight": 1.0, "geometry": part.buffer(150.0)})
    columns_ = ["area_id", "name", "area_class", "environment", "milestone", "coverage_target",
                "indoor", "weight", "geometry"]
    return gpd.GeoDataFrame(pd.DataFrame(rows_out, columns=columns_), geometry="geometry",
                            crs=METRIC_CRS)


def build_province(columns: int = 5, rows: int = 4, *,
                   seed: int = SEED) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of a ``columns × rows`` county province in memory (WGS84).

    Returns ``candidates``, ``targets``, ``landuse`` (as the sample county,
    ids prefixed by county code) and ``units`` (``code``, ``name``, polygon).
    """
    if columns < 1 or rows < 1:
        raise ValueError("a province needs at least one column and one row of counties")
    centres = county_centres(columns, rows, seed=seed)
    cells, _ = unit_cells(centres)
    cands, targets, zones, units = [], [], [], []
    for i, (centre, cell) in enumerate(zip(centres, cells, strict=True)):
        code, name = f"C{i + 1:02d}", f"County {i + 1:02d} 第{i + 1}县"
        county = _County(centre=(float(centre[0]), float(centre[1])), seed=seed + 1000 * (i + 1))
        roads = county.roads()
        c = county.candidates(roads)
        cands.append(_prefix(c[c.geometry.within(cell)], "site_id", code))
        t = county.targets(roads)
        t["geometry"] = t.geometry.intersection(cell)
        t = t[~t.geometry.is_empty & (t.geometry.area > 1.0)]
        t["name"] = f"C{i + 1:02d} " + t["name"]
        targets.append(_prefix(t, "area_id", code))
        z = county.landuse()
        z["geometry"] = z.geometry.intersection(cell)
        zones.append(_prefix(z[~z.geometry.is_empty & (z.geometry.area > 1.0)], "zone_id", code))
        units.append({"code": code, "name": name, "geometry": cell})
    targets.append(_corridors(centres, columns, rows))
    layers = {
        "candidates": pd.concat(cands, ignore_index=True),
        "targets": pd.concat(targets, ignore_index=True),
        "landuse": pd.concat(zones, ignore_index=True),
        "units": gpd.GeoDataFrame(units, geometry="geometry", crs=METRIC_CRS),
    }
    out = {}
    for key, frame in layers.items():
        frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=METRIC_CRS)
        frame["geometry"] = [g if g.geom_type != "GeometryCollection" else
                             shapely.union_all([p for p in g.geoms if p.area > 0])
                             for g in frame.geometry]
        out[key] = _wgs84(frame).reset_index(drop=True)
    return out


def region_toml(columns: int, rows: int, *, spacing_m: float = 100.0,
                time_limit_s: float = 5.0) -> str:
    """The region config for a written province (site targets scale with counties)."""
    n = columns * rows
    return f"""\
# Synthetic province of {n} counties (SYNTHETIC data). Copy and edit.
[project]
name = "Sample province ({n} synthetic counties)"

[inputs]
candidates = ["candidates.gpkg"]
targets = "targets.gpkg"
landuse = "landuse.gpkg"

[milestones]
2020 = {150 * n}
2021 = {400 * n}
2022 = {600 * n}

[solver]
method = "auto"
time_limit_s = {time_limit_s:g}

[assumptions]
"demand.spacing_m" = {spacing_m:g}

# the units planned one per task: county polygons with a code and a name
[region]
units = "units.gpkg"
code_column = "code"
name_column = "name"
"""


def write_province(out_dir: str | Path, columns: int = 5, rows: int = 4, *,
                   seed: int = SEED, spacing_m: float = 100.0,
                   time_limit_s: float = 5.0) -> list[Path]:
    """Write the province layers and ``region.toml`` into ``out_dir``."""
    return write_layers(out_dir, build_province(columns, rows, seed=seed), "region.toml",
                        region_toml(columns, rows, spacing_m=spacing_m, time_limit_s=time_limit_s))

if __name__ == "__main__":
    args = sys.argv[1:]
    target = args[0] if args else "out/province"
    cols, rws = (int(args[1]), int(args[2])) if len(args) >= 3 else (5, 4)
    for p in write_province(target, cols, rws):
        print(p)
