"""Land-use (三调) zones read as clutter (issue 27, docs/terrain.md).

With ``[inputs] clutter = "landuse"`` (assumption ``terrain.clutter =
"landuse"``) the plan's land-use zones take the place of a land-cover
raster: each zone's canonical ``zone_class`` maps to a clutter class through
the ``clutter.zone.<zone_class>`` rows of the assumptions table (forest →
tree, cultivated → crop, construction → built, water → water …; control
lines such as the ecological red line → no clutter), and the zones are
rasterised (:func:`rasterio.features.rasterize`, cell centres) onto the DEM's
metric grid. The model then applies the same per-end loss and along-profile
clutter heights as with a raster. Where zones overlap, the taller clutter
wins; cells in no mapped zone take ``clutter.zone.unzoned`` (default: no
clutter, like WorldCover's 0).

The zones travel with the assumptions (:func:`with_zone_clutter`), so every
coverage computation of a problem (listed candidates, proposals, SINR) sees
the same clutter.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> from siteplan.defaults import Assumptions
>>> from siteplan.terrain.raster import Grid
>>> zones = gpd.GeoDataFrame({"zone_class": ["forest", "water"]},
...                          geometry=[box(0, 0, 60, 60), box(60, 0, 120, 60)], crs=32650)
>>> a = with_zone_clutter(Assumptions({"terrain.clutter": "landuse"}), zones)
>>> like = Grid(np.zeros((2, 4), np.float32), x0_m=15.0, y0_m=45.0, res_m=30.0, sources=("dem",))
>>> rasterise_zones(zones, like, a).values.tolist()  # 0 = tree, 7 = water (CLUTTER_NAMES)
[[0, 0, 7, 7], [0, 0, 7, 7]]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np

from siteplan.defaults import CLUTTER_CLASSES, ZONE_CLUTTER, Assumptions
from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.terrain.raster import Grid

#: The value of ``terrain.clutter`` (and ``[inputs] clutter``) that reads the zones as clutter.
LANDUSE = "landuse"
_NAMES = tuple(CLUTTER_CLASSES)


class ZoneAssumptions(Assumptions):
    """An assumptions table that also carries the plan's land-use zones
    (in the planning CRS) for ``terrain.clutter = "landuse"``.

    Attributes
    ----------
    clutter_zones : geopandas.GeoDataFrame
        Prepared zones with a canonical ``zone_class``.
    """

    clutter_zones: gpd.GeoDataFrame

    def override(self, overrides: Mapping[str, Any]) -> Assumptions:
        """A copy with more overrides, still carrying the zones."""
        return with_zone_clutter(super().override(overrides), self.clutter_zones)


def uses_zones(assumptions: Mapping[str, Any]) -> bool:
    """True when ``terrain.clutter`` asks for the land-use zones as clutter.

    Examples
    --------
    >>> uses_zones(Assumptions({"terrain.clutter": "LandUse"})), uses_zones(Assumptions())
    (True, False)
    """
    return str(assumptions["terrain.clutter"]).strip().lower() == LANDUSE


def with_zone_clutter(assumptions: Assumptions, zones_m: gpd.GeoDataFrame | None) -> Assumptions:
    """``assumptions`` carrying ``zones_m`` (unchanged when ``zones_m`` is None).

    The zones are only read when ``terrain.clutter = "landuse"``; otherwise
    coverage is exactly that of ``assumptions`` alone.
    """
    if zones_m is None:
        return assumptions
    out = ZoneAssumptions(assumptions.overrides())
    out.clutter_zones = zones_m
    return out


def zone_clutter_table(assumptions: Mapping[str, Any]) -> dict[str, str]:
    """Zone class → clutter class name ("" for none), from ``clutter.zone.*``.

    Examples
    --------
    >>> zone_clutter_table(Assumptions({"clutter.zone.forest": "shrub"}))["forest"]
    'shrub'
    """
    return {z: str(assumptions[f"clutter.zone.{z}"]) for z in ZONE_CLUTTER}


def rasterise_zones(zones_m: gpd.GeoDataFrame, like: Grid,
                    assumptions: Mapping[str, Any]) -> Grid:
    """Clutter class indices (into ``CLUTTER_NAMES``, -1 none) on ``like``'s grid.

    Parameters
    ----------
    zones_m : geopandas.GeoDataFrame
        Zones with ``zone_class``, in the CRS of ``like``.
    like : Grid
        The DEM's metric grid (cell centres ``x0_m + j·res_m``, ``y0_m − i·res_m``).
    assumptions : mapping
        Its ``clutter.zone.*`` rows map the zone classes; a class without a
        row, or mapped to "", is no clutter; cells in no mapped zone take
        ``clutter.zone.unzoned`` ("": no clutter).

    Returns
    -------
    Grid
        int32 class indices; where zones overlap the tallest clutter wins
        (``clutter.height_m.*``, then the class order).
    """
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    table = zone_clutter_table(assumptions)
    index = {name: i for i, name in enumerate(_NAMES)}
    heights = {name: float(assumptions[f"clutter.height_m.{name}"]) for name in _NAMES}
    mapped = zones_m["zone_class"].map(lambda z: table.get(str(z), "")).fillna("")
    keep = (mapped != "").to_numpy() & ~(zones_m.geometry.isna() | zones_m.geometry.is_empty
                                         ).to_numpy()
    unzoned = str(assumptions["clutter.zone.unzoned"])
    fill = index[unzoned] if unzoned else -1
    out = np.full(like.values.shape, fill, np.int32)
    if keep.any():
        cls = mapped.to_numpy()[keep]
        order = sorted(range(cls.size), key=lambda i: (heights[cls[i]], index[cls[i]]))
        geoms = zones_m.geometry.to_numpy()[keep]
        transform = from_origin(like.x0_m - like.res_m / 2, like.y0_m + like.res_m / 2,
                                like.res_m, like.res_m)
        out = rasterize(((geoms[i], index[cls[i]]) for i in order), out_shape=out.shape,
                        transform=transform, fill=fill, dtype="int32")
    return Grid(out.astype(np.int32), like.x0_m, like.y0_m, like.res_m, ("land-use zones",))


def zone_clutter_grid(assumptions: Mapping[str, Any], dem: Grid | None, crs: Any) -> Grid:
    """The zones of ``assumptions`` (:func:`with_zone_clutter`) as clutter on the DEM's grid.

    Raises
    ------
    InputError
        No DEM, or no zones travel with the assumptions.
    """
    if dem is None:
        raise InputError(Msg("terrain.zones.terrain_clutter_landuse"))
    zones = getattr(assumptions, "clutter_zones", None)
    if zones is None:
        raise InputError(Msg("terrain.zones.terrain_clutter_landuse_2"))
    key = (dem.x0_m, dem.y0_m, dem.res_m, dem.values.shape,
           tuple(sorted(zone_clutter_table(assumptions).items())),
           str(assumptions["clutter.zone.unzoned"]),
           tuple(float(assumptions[f"clutter.height_m.{n}"]) for n in _NAMES), str(crs))
    cached = _GRIDS.get(id(zones))
    if cached is not None and cached[0] is zones and cached[1] == key:
        return cached[2]
    projected = zones
    if crs is not None and zones.crs is not None and zones.crs != crs:
        projected = zones.to_crs(crs)
    grid = rasterise_zones(projected, dem, assumptions)
    if len(_GRIDS) > 4:
        _GRIDS.clear()
    _GRIDS[id(zones)] = (zones, key, grid)
    return grid


#: The last rasterisations, by the zones' identity (the zones are kept, so an id is not reused).
_GRIDS: dict[int, tuple[gpd.GeoDataFrame, tuple, Grid]] = {}


def class_shares(grid: Grid) -> dict[str, float]:
    """Share of the grid's cells per clutter class (classes present only).

    Examples
    --------
    >>> class_shares(Grid(np.array([[0, -1], [0, 3]], np.int32), 0.0, 0.0, 1.0, ()))
    {'tree': 0.5, 'crop': 0.25}
    """
    counts = np.bincount(grid.values.ravel() + 1, minlength=len(_NAMES) + 1)[1:]
    total = max(1, grid.values.size)
    return {_NAMES[i]: float(c) / total for i, c in enumerate(counts) if c}
