"""Coordinate sanity of what was read: targets with stray parts, listed
points that cannot be where they say (a lon = lat slip, swapped lon/lat,
outside China or far outside the target areas while the rest of the list is
inside), and lists that look like GCJ-02 (Amap/奥维) read as WGS84.

Every check works on lon/lat (EPSG:4326) copies; distances are great-circle
(haversine on a 6,371 km sphere), which is ample for tens of metres to
thousands of kilometres.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> pts = gpd.GeoDataFrame(geometry=[Point(119.30, 26.08)] * 9 + [Point(26.08, 26.08)], crs=4326)
>>> found = point_outliers(pts, (119.2, 25.9, 119.7, 26.2), outlier_km=50.0)
>>> [(int(i), why[:26]) for i, why in found]
[(9, 'lon equals lat (26.08, 26.')]
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.sources.coords import gcj02_to_wgs84, out_of_china

EARTH_RADIUS_KM = 6371.0
#: Share of a list that must be inside (China, the targets' extent) for the
#: points outside to count as outliers rather than a list of another place.
INSIDE_SHARE = 0.9
#: Kinds that stand along roads (compared with a road layer by the GCJ-02 check).
ROADSIDE_KINDS = ("streetlight", "power_pole", "monitoring_pole", "traffic_pole", "smart_pole")


def haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray,
                 lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km between lon/lat points (arrays broadcast).

    Examples
    --------
    >>> round(float(haversine_km(0.0, 0.0, 0.0, 1.0)), 1)
    111.2
    """
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, float)) for v in (lon1, lat1, lon2, lat2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _lonlat(frame: gpd.GeoDataFrame) -> gpd.GeoSeries:
    geometry = frame.geometry
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        geometry = geometry.to_crs(4326)
    return geometry


def check_target_parts(targets: gpd.GeoDataFrame, source: str, *, stray_part_km: float) -> None:
    """Raise when a target area has a part, or an area lies, farther than
    ``stray_part_km`` from the rest (a stray vertex or a lon/lat slip makes
    millions of demand points otherwise).

    Examples
    --------
    >>> from shapely.geometry import MultiPolygon, box
    >>> far = MultiPolygon([box(119.3, 26.0, 119.4, 26.1), box(39.3, 26.0, 39.4, 26.1)])
    >>> t = gpd.GeoDataFrame({"area_id": ["B02"]}, geometry=[far], crs=4326)
    >>> check_target_parts(t, "areas.kml", stray_part_km=200)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    siteplan.errors.InputError: areas.kml, area 'B02': a part lies 7,845 km from the area's largest ...
    """
    if not len(targets):
        return
    geometry = _lonlat(targets)
    ids = (targets["area_id"].astype(str).to_numpy() if "area_id" in targets.columns
           else np.array([str(i + 1) for i in range(len(targets))]))
    centres = np.full((len(targets), 2), np.nan)
    for i, geom in enumerate(geometry.to_numpy()):
        if geom is None or geom.is_empty:
            continue
        parts = [p for p in shapely.get_parts(geom) if not p.is_empty]
        main = max(parts, key=lambda p: p.area)
        at = main.representative_point()
        centres[i] = (at.x, at.y)
        for part in parts:
            if part is main:
                continue
            gap = float(haversine_km(at.x, at.y, *part.representative_point().coords[0]))
            if gap > stray_part_km:
                here = part.representative_point()
                raise InputError(
                    Msg("sanity.area_part_lies", source=source, ids=repr(ids[i]), gap=format(gap, ',.0f'),
                        x=format(here.x, '.4f'), y=format(here.y, '.4f'),
                        stray_part_km=format(stray_part_km, 'g')))
    _far_area(centres, ids, source, stray_part_km)


def _far_area(centres: np.ndarray, ids: np.ndarray, source: str, limit_km: float) -> None:
    """Raise for an area whose nearest other area is farther than ``limit_km``
    (isolation, so a province of adjacent counties passes however wide)."""
    from scipy.spatial import cKDTree

    ok = np.flatnonzero(np.isfinite(centres[:, 0]))
    if ok.size < 2:
        return
    lon, lat = np.radians(centres[ok, 0]), np.radians(centres[ok, 1])
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    chord, _ = cKDTree(xyz).query(xyz, k=2)
    gap = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord[:, 1] / 2, 0.0, 1.0))
    far = gap > limit_km
    if far.any() and far.mean() < 0.5:  # a few stray areas, not a list of scattered ones
        i = int(np.argmax(gap))
        raise InputError(
            Msg("sanity.area_lies_km", source=source, ids=repr(ids[ok[i]]), gap=format(gap[i], ',.0f'),
                lon=format(centres[ok[i], 0], '.4f'), lat=format(centres[ok[i], 1], '.4f'),
                limit_km=format(limit_km, 'g')))


def point_outliers(points: gpd.GeoDataFrame, extent: Sequence[float] | None, *,
                   outlier_km: float) -> list[tuple[int, str]]:
    """Positions of listed points that cannot be right, with the reason.

    ``extent`` is the target areas' (lon min, lat min, lon max, lat max).
    A lon = lat slip (both columns hold one value) and swapped lon/lat that
    land inside the extent are always outliers; a point outside China, or
    more than ``outlier_km`` outside the extent, is one when at least 90 %
    of the list is inside.
    """
    geometry = _lonlat(points)
    x, y = geometry.x.to_numpy(float), geometry.y.to_numpy(float)
    found: dict[int, str] = {}
    for i in np.flatnonzero(np.isclose(x, y, rtol=0, atol=1e-6) & np.isfinite(x)):
        found[int(i)] = (f"lon equals lat ({x[i]:g}, {y[i]:g}): one column copied into the "
                         "other? Fix the coordinate")
    if extent is not None:
        _extent_outliers(x, y, extent, outlier_km, found)
    abroad = out_of_china(x, y)
    if (~abroad).mean() >= INSIDE_SHARE:
        for i in np.flatnonzero(abroad):
            found.setdefault(int(i), f"outside China (lon {x[i]:g}, lat {y[i]:g}) while the "
                                     "rest of the list is inside: check the coordinate")
    return sorted(found.items())


def _extent_outliers(x: np.ndarray, y: np.ndarray, extent: Sequence[float], outlier_km: float,
                     found: dict[int, str]) -> None:
    west, south, east, north = (float(v) for v in extent)
    cx, cy = np.clip(x, west, east), np.clip(y, south, north)
    gap = haversine_km(x, y, cx, cy)
    far = gap > outlier_km
    sx, sy = np.clip(y, west, east), np.clip(x, south, north)
    swapped = far & (haversine_km(y, x, sx, sy) <= outlier_km)
    for i in np.flatnonzero(swapped):
        found.setdefault(int(i), f"lon and lat look swapped (lon {x[i]:g}, lat {y[i]:g}): "
                                 "swap them")
    if (~far).mean() >= INSIDE_SHARE:
        for i in np.flatnonzero(far):
            found.setdefault(int(i), f"{gap[i]:,.0f} km outside the target areas (lon "
                                     f"{x[i]:g}, lat {y[i]:g}) while the rest of the list is "
                                     "near them: check the coordinate")


def looks_gcj02(points: gpd.GeoDataFrame, references: Sequence[gpd.GeoDataFrame], *,
                match_m: float = 25.0, min_points: int = 5) -> tuple[int, int] | None:
    """Whether a list read as WGS84 sits on its references only once moved
    from GCJ-02 to WGS84: the counts (after, before) of its points within
    ``match_m`` of a reference feature (another layer's structures, or roads
    for roadside kinds), or None when the evidence is not there.

    The GCJ-02 offset is a near-constant 300–700 m vector over a county, so
    a WGS84 list loses its matches when moved, and a GCJ-02 list gains them.
    Warned when at least ``min_points`` and at least 3× as many points match
    after the move as before.
    """
    geometry = _lonlat(points)
    x, y = geometry.x.to_numpy(float), geometry.y.to_numpy(float)
    inside = ~out_of_china(x, y) & np.isfinite(x) & np.isfinite(y)
    if inside.sum() < min_points:
        return None
    wx, wy = gcj02_to_wgs84(x[inside], y[inside])
    kinds = points["kind"].to_numpy()[inside] if "kind" in points.columns else None
    best: tuple[int, int] | None = None
    for ref in references:
        if ref is None or not len(ref):
            continue
        lines = ref.geom_type.isin(["LineString", "MultiLineString"]).all()
        use = np.ones(inside.sum(), bool) if not lines or kinds is None else \
            np.isin(kinds, ROADSIDE_KINDS)
        if use.sum() < min_points:
            continue
        before = _matches(x[inside][use], y[inside][use], ref, match_m)
        after = _matches(np.asarray(wx)[use], np.asarray(wy)[use], ref, match_m)
        if after >= min_points and after >= 3 * before and after >= 0.2 * use.sum():
            best = (after, before) if best is None or after > best[0] else best
    return best


def _matches(x: np.ndarray, y: np.ndarray, ref: gpd.GeoDataFrame, match_m: float) -> int:
    """How many points lie within ``match_m`` of a feature of ``ref``."""
    lat0 = float(np.nanmean(y))
    scale_x = 111_320.0 * np.cos(np.radians(lat0))
    geometry = _lonlat(ref).to_numpy()
    moved = shapely.transform(geometry, lambda xy: xy * [scale_x, 110_540.0])
    tree = shapely.STRtree(moved)
    pts = shapely.points(x * scale_x, y * 110_540.0)
    hits = tree.query(pts, predicate="dwithin", distance=match_m)
    return int(np.unique(hits[0]).size)


def gcj02_warning(source: str, counts: tuple[int, int]) -> Msg:
    """The warning line for a list that looks like GCJ-02."""
    after, before = counts
    return Msg("n.gcj02_list", source=source, after=after, before=before)
