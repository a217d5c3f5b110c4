"""Target areas → demand points on a regular grid, with weights.

Each point stands for ``spacing_m²`` of its area; its weight is the area's
``weight`` (demand per km²) times the km² it stands for, so that weights add
up to weighted area. An area too small to hold a grid point gets one point
on its surface carrying its whole area.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> areas = gpd.GeoDataFrame({"area_id": ["a"], "area_class": ["main_urban"],
...     "environment": ["urban"], "milestone": [2020], "coverage_target": [0.95],
...     "indoor": [False], "weight": [1.0], "name": ["a"]},
...     geometry=[box(0, 0, 1000, 500)], crs=32650)
>>> pts = demand_points(areas, spacing_m=100.0)
>>> len(pts), round(float(pts["weight"].sum()), 3)
(50, 0.5)
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siteplan.errors import InputError
from siteplan.messages import Msg

DEMAND_COLUMNS = ("demand_id", "area_id", "area_class", "environment", "indoor", "milestone",
                  "coverage_target", "weight")


def demand_points(targets_m: gpd.GeoDataFrame, *, spacing_m: float) -> gpd.GeoDataFrame:
    """Grid points (centres of ``spacing_m`` cells aligned to multiples of it)
    inside every area.

    Parameters
    ----------
    targets_m : geopandas.GeoDataFrame
        Canonical target areas in a metric CRS.
    spacing_m : float
        Grid spacing in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per point with the columns in ``DEMAND_COLUMNS``; a point in
        two overlapping areas appears once per area.
    """
    if not spacing_m > 0:
        raise InputError(Msg("demand.demand_spacing_m", spacing_m=repr(spacing_m)))
    if targets_m.crs is None or not targets_m.crs.is_projected:
        raise InputError(Msg("demand.demand_points_needs"))
    cell_km2 = spacing_m**2 / 1e6
    xs_all, ys_all, owner, weight = [], [], [], []
    for position, geom in enumerate(targets_m.geometry.to_numpy()):
        minx, miny, maxx, maxy = geom.bounds
        gx = (np.arange(np.floor(minx / spacing_m), np.ceil(maxx / spacing_m)) + 0.5) * spacing_m
        gy = (np.arange(np.floor(miny / spacing_m), np.ceil(maxy / spacing_m)) + 0.5) * spacing_m
        if gx.size * gy.size > 50_000_000:
            raise InputError(
                Msg("demand.target_area_needs", area=repr(targets_m['area_id'].iloc[position]),
                    size=format(gx.size * gy.size, ','), spacing_m=format(spacing_m, 'g'))
            )
        xx, yy = np.meshgrid(gx, gy)
        xx, yy = xx.ravel(), yy.ravel()
        inside = shapely.contains_xy(geom, xx, yy)
        if inside.any():
            xs, ys = xx[inside], yy[inside]
            w = np.full(xs.size, cell_km2)
        else:
            point = geom.representative_point()
            xs, ys, w = np.array([point.x]), np.array([point.y]), np.array([geom.area / 1e6])
        xs_all.append(xs)
        ys_all.append(ys)
        owner.append(np.full(xs.size, position))
        weight.append(w * float(targets_m["weight"].iloc[position]))
    index = np.concatenate(owner)
    areas = targets_m.iloc[index].reset_index(drop=True)
    frame = pd.DataFrame({
        "demand_id": np.arange(index.size),
        "area_id": areas["area_id"].to_numpy(),
        "area_class": areas["area_class"].to_numpy(),
        "environment": areas["environment"].to_numpy(),
        "indoor": areas["indoor"].to_numpy(bool),
        "milestone": areas["milestone"].to_numpy(int),
        "coverage_target": areas["coverage_target"].to_numpy(float),
        "weight": np.concatenate(weight),
    })
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(np.concatenate(xs_all),
                                                             np.concatenate(ys_all)),
                            crs=targets_m.crs)
