"""Combine candidate layers from several sources into one canonical table:
stack them (:func:`concat_candidates`, the planner's several inventories), or
merge duplicates across sources and multi-use poles (:func:`merge_candidates`).

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
import numpy as np
import pandas as pd

from siteplan.defaults import Assumptions
from siteplan.errors import InputError
from siteplan.landuse import local_metric_crs
from siteplan.messages import Msg
from siteplan.schema import validate_candidates
from siteplan.sources.link import link_within


def concat_candidates(layers: list[gpd.GeoDataFrame], sources: list[str]) -> gpd.GeoDataFrame:
    """Stack candidate layers in the first layer's CRS, recording ``source``.

    Raises
    ------
    InputError
        When ``site_id`` values repeat across layers (prefix them per source).
    """
    if not layers:
        raise InputError(Msg("merge.no_candidate_layers"))
    crs = layers[0].crs
    parts = []
    for layer, source in zip(layers, sources, strict=True):
        part = layer.to_crs(crs) if layer.crs != crs else layer
        part = part.copy()
        part.attrs = {}  # per-source notes (rejected rows) stay with the source
        part["source"] = source
        parts.append(part)
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs)
    if len(layers) > 1:
        dup = out["site_id"].duplicated(keep="first")
        if dup.any():
            row = out[dup].iloc[0]
            raise InputError(Msg("merge.site_id_also", where=row['source'], site_id=repr(row['site_id'])))
    return out


#: Kinds that can be the same physical structure seen by two sources.
STRUCTURE_CLASS = {"existing_site": "tower", "tower": "tower", "rooftop": "building",
                   "public_building": "building"}
#: Pole kinds that can share one multi-use pole (多杆合一).
POLE_KINDS = ("power_pole", "streetlight", "smart_pole", "monitoring_pole", "traffic_pole")


def _collapse(frame: gpd.GeoDataFrame, group: np.ndarray, kind_of: np.ndarray) -> gpd.GeoDataFrame:
    """One row per group: the first row's attributes (empty ones filled from
    the others), every member's id in ``source_ids``, every source."""
    frame = frame.assign(_group=group, kind=kind_of)
    first = ~pd.Series(group).duplicated().to_numpy()
    out = frame[first].set_index("_group")
    grouped = frame.groupby("_group", sort=False)
    multi = grouped.size() > 1
    if multi.any():
        sub = frame[np.isin(group, multi.index[multi])]
        g = sub.groupby("_group", sort=False)
        out.loc[multi.index[multi], "source_ids"] = g["source_ids"].agg(
            lambda s: ";".join(dict.fromkeys(";".join(s).split(";"))))
        out.loc[multi.index[multi], "source"] = g["source"].agg(
            lambda s: "+".join(dict.fromkeys("+".join(s).split("+"))))
        out.loc[multi.index[multi], "uses"] = g["uses"].agg(
            lambda s: "+".join(sorted(set("+".join(s).split("+")))))
        for col, empty in (("height_m", None), ("name", ""), ("owner", "")):
            filled = g[col].agg(lambda s, e=empty: next(
                (v for v in s if (pd.notna(v) if e is None else v != e)), s.iloc[0]))
            out.loc[filled.index, col] = filled
        out.loc[multi.index[multi], "open_access"] = g["open_access"].any()
    return gpd.GeoDataFrame(out.reset_index(drop=True), crs=frame.crs)


def _describe(layer: gpd.GeoDataFrame, position: int) -> str:
    name = str(layer["source"].iloc[0]) if "source" in layer and len(layer) else \
        f"layer {position + 1}"
    return f"{name} is {layer.crs.to_string() if layer.crs else 'unset'}"


def merge_candidates(layers: list[gpd.GeoDataFrame], *, same_structure_m: float | None = None,
                     multi_use: bool = False, multi_use_m: float | None = None,
                     assumptions: Assumptions | dict | None = None) -> gpd.GeoDataFrame:
    """Merge candidate tables from several sources into one.

    The same structure seen twice (same kind — a tower and an operator's
    existing site count as one kind, as do a rooftop and a public building —
    within ``same_structure_m``) becomes one candidate: the first layer's
    row wins, its empty name/owner/height are filled from the others, and
    ``source_ids`` keeps every source's id. With ``multi_use=True`` distinct
    poles within ``multi_use_m`` (a streetlight and a camera pole on one
    spot) become one multi-use pole (多杆合一) of the tallest kind, with the
    kinds listed in ``uses``.

    Parameters
    ----------
    layers : list of GeoDataFrame
        Canonical candidates, all in one CRS (mixed CRS is an error:
        reproject first, e.g. ``siteplan candidates --to-crs EPSG:4326``).
    same_structure_m, multi_use_m : float, optional
        Ground distances (defaults ``merge.same_structure_m``,
        ``merge.multi_use_m``), measured in the data's UTM or Gauss-Krüger
        zone (:func:`siteplan.landuse.local_metric_crs`) whatever the layers'
        CRS (Web Mercator metres are 1/cos(lat) long).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates with ``source``, ``source_ids`` and ``uses``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> osm = gpd.GeoDataFrame({"site_id": ["osm:node/1", "osm:node/2"],
    ...     "kind": ["streetlight", "monitoring_pole"], "source": "osm"},
    ...     geometry=[Point(24.94, 60.17), Point(24.94001, 60.17)], crs=4326)
    >>> city = gpd.GeoDataFrame({"site_id": ["L-7"], "kind": ["streetlight"],
    ...     "owner": ["Helen"], "source": "city.csv"},
    ...     geometry=[Point(24.94002, 60.17)], crs=4326)
    >>> merged = merge_candidates([osm, city])
    >>> merged[["site_id", "kind", "owner", "source_ids"]].values.tolist()
    [['osm:node/1', 'streetlight', 'Helen', 'osm:node/1;L-7'], \
['osm:node/2', 'monitoring_pole', '', 'osm:node/2']]
    >>> merge_candidates([osm, city], multi_use=True)[["kind", "uses"]].values.tolist()
    [['streetlight', 'monitoring_pole+streetlight']]
    """
    if not layers:
        raise InputError(Msg("merge.no_candidate_sources"))
    if not isinstance(assumptions, Assumptions):
        assumptions = Assumptions(assumptions)
    same_m = float(assumptions["merge.same_structure_m"] if same_structure_m is None
                   else same_structure_m)
    multi_m = float(assumptions["merge.multi_use_m"] if multi_use_m is None else multi_use_m)
    crs = layers[0].crs
    for i, layer in enumerate(layers[1:], start=1):
        if layer.crs != crs:
            raise InputError(
                Msg("merge.mixed_coordinate_systems", first=_describe(layers[0], 0),
                    second=_describe(layer, i)))
    parts = []
    for i, layer in enumerate(layers):
        part = validate_candidates(layer, source=f"layer {i + 1}")
        part.attrs = {}  # per-source notes (rejected rows) stay with the source
        if "source" not in part:
            part["source"] = f"layer {i + 1}"
        part["source"] = part["source"].astype(str)
        part["source_ids"] = part["site_id"]
        part["uses"] = part["kind"]
        parts.append(part)
    frame = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=crs)
    # ground distances: the data's UTM / Gauss-Krüger zone, never Web Mercator or degrees
    metric = frame.to_crs(local_metric_crs(frame)) if len(frame) else frame
    xy = np.column_stack([metric.geometry.x, metric.geometry.y])
    kinds = frame["kind"].to_numpy(dtype=object)
    klass = np.array([STRUCTURE_CLASS.get(k, k) for k in kinds], dtype=object)
    group = link_within(xy, klass, same_m)
    frame = _collapse(frame, group, kinds)
    if multi_use:
        metric = frame.to_crs(metric.crs)
        xy = np.column_stack([metric.geometry.x, metric.geometry.y])
        kinds = frame["kind"].to_numpy(dtype=object)
        is_pole = np.isin(kinds, POLE_KINDS)
        group = np.arange(len(frame)) + len(frame)  # other kinds stay alone
        group[is_pole] = link_within(xy[is_pole], np.zeros(int(is_pole.sum())), multi_m)
        rank = np.array([POLE_KINDS.index(k) if k in POLE_KINDS else -1 for k in kinds])
        order = np.lexsort((rank, group))  # within a group the tallest pole kind first
        frame, group = frame.iloc[order].reset_index(drop=True), group[order]
        best = pd.Series(frame["kind"].to_numpy()).groupby(group).transform("first").to_numpy()
        frame = _collapse(frame, group, best)
    dup = frame["site_id"].duplicated(keep="first")
    if dup.any():
        raise InputError(Msg("merge.site_id_appears", site_id=repr(frame['site_id'][dup].iloc[0])))
    return frame.reset_index(drop=True)
