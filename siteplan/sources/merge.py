"""Combine candidate layers from several sources into one canonical table.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> a = gpd.GeoDataFrame({"site_id": ["x"], "kind": ["tower"]}, geometry=[Point(1, 1)], crs=4326)
>>> b = gpd.GeoDataFrame({"site_id": ["y"], "kind": ["streetlight"]}, geometry=[Point(1, 2)], crs=4326)
>>> concat_candidates([a, b], ["a.gpkg", "b.gpkg"])[["site_id", "source"]].values.tolist()
[['x', 'a.gpkg'], ['y', 'b.gpkg']]
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from siteplan.errors import InputError


def concat_candidates(layers: list[gpd.GeoDataFrame], sources: list[str]) -> gpd.GeoDataFrame:
    """Stack candidate layers in the first layer's CRS, recording ``source``.

    Raises
    ------
    InputError
        When ``site_id`` values repeat across layers (prefix them per source).
    """
    if not layers:
        raise InputError("no candidate layers given; name at least one in [inputs.candidates].")
    crs = layers[0].crs
    parts = []
    for layer, source in zip(layers, sources, strict=True):
        part = layer.to_crs(crs) if layer.crs != crs else layer
        part = part.copy()
        part["source"] = source
        parts.append(part)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs)
    if len(layers) > 1:
        dup = out["site_id"].duplicated(keep="first")
        if dup.any():
            row = out[dup].iloc[0]
            raise InputError(f"{row['source']}: site_id {row['site_id']!r} also appears in an "
                             "earlier candidate layer. Prefix site_id per source.")
    return out
