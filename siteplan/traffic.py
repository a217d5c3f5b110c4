"""Traffic demand: people per target area → busy-hour Mbps per area and point.

The volume model planners use (DOMAIN.md §5b; cdcam, Oughton et al.):

- **people** of an area, from (first that applies) its own ``population``
  column, a population layer (polygons with a count, shared out by the
  share of each polygon's area inside the target area), or the default
  density of its area class (``traffic.density_per_km2.<class>`` × km²);
- **users** = people × ``traffic.penetration`` (5G users per person) ×
  ``traffic.operator_share`` (share the planned sites serve);
- **busy-hour rate per user** (Mbps) = ``traffic.gb_per_user_month`` ÷
  ``traffic.days_per_month`` × ``traffic.busy_hour_share`` × 8 × 1024 ÷ 3600
  (GB a day, the busy hour's share of it, in megabits per second);
- **busy-hour demand** (Mbps) = users × rate. A demand point carries its
  area's demand in proportion to its demand weight (the km² it stands for
  times the area's ``weight``), so per-point demand adds up to the area's.

Examples
--------
>>> from siteplan.defaults import Assumptions
>>> round(busy_hour_mbps_per_user(Assumptions()), 4)
0.3413
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siteplan.errors import ConfigError, InputError, where
from siteplan.messages import Msg

POPULATION_SOURCES = ("area", "layer", "density")
TRAFFIC_COLUMNS = ("area_id", "area_km2", "people", "people_source", "users", "demand_mbps")


def busy_hour_mbps_per_user(assumptions: Mapping[str, Any]) -> float:
    """Average busy-hour rate of one 5G user (Mbps).

    ``gb_per_user_month / days_per_month × busy_hour_share × 8 × 1024 / 3600``.

    Examples
    --------
    >>> from siteplan.defaults import Assumptions
    >>> a = Assumptions({"traffic.gb_per_user_month": 60.0})
    >>> round(busy_hour_mbps_per_user(a), 4)
    0.6827
    """
    gb = _non_negative(assumptions, "traffic.gb_per_user_month")
    days = _positive(assumptions, "traffic.days_per_month")
    share = _share(assumptions, "traffic.busy_hour_share")
    return gb / days * share * 8.0 * 1024.0 / 3600.0


def _non_negative(assumptions: Mapping[str, Any], key: str) -> float:
    value = float(assumptions[key])
    if not (np.isfinite(value) and value >= 0):
        raise ConfigError(Msg("traffic.assumptions_number", key=key, value=repr(value)))
    return value


def _positive(assumptions: Mapping[str, Any], key: str) -> float:
    value = float(assumptions[key])
    if not (np.isfinite(value) and value > 0):
        raise ConfigError(Msg("capacity.assumptions_number", key=key, value=repr(value)))
    return value


def _share(assumptions: Mapping[str, Any], key: str) -> float:
    value = float(assumptions[key])
    if not (np.isfinite(value) and 0 <= value <= 1):
        raise ConfigError(Msg("traffic.assumptions_share", key=key, value=repr(value)))
    return value


def layer_population(targets_m: gpd.GeoDataFrame, layer_m: gpd.GeoDataFrame, *,
                     column: str = "population", source: str = "population layer") -> np.ndarray:
    """People per target area from a polygon layer with a count per polygon.

    Each polygon's count is shared out by area (areal weighting): a target
    area gets ``count × area(polygon ∩ target) / area(polygon)`` from it.

    Parameters
    ----------
    targets_m, layer_m : geopandas.GeoDataFrame
        Target areas and population polygons in one metric CRS.
    column : str
        Count column of the layer.
    source : str
        Name used in error messages.

    Returns
    -------
    numpy.ndarray
        People per target area (0 where no polygon overlaps it).

    Raises
    ------
    InputError
        Missing column, non-numeric or negative counts, non-polygon rows.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> t = gpd.GeoDataFrame({"area_id": ["a"]}, geometry=[box(0, 0, 100, 100)], crs=32650)
    >>> pop = gpd.GeoDataFrame({"population": [1000]}, geometry=[box(50, 0, 150, 100)],
    ...                        crs=32650)
    >>> layer_population(t, pop).tolist()
    [500.0]
    """
    if column not in layer_m.columns:
        raise InputError(Msg("traffic.no_column_columns", source=source, column=repr(column),
                             columns=[c for c in layer_m.columns if c != 'geometry']))
    if layer_m.crs != targets_m.crs:
        raise InputError(Msg("traffic.population_layer_targets", source=source))
    counts = pd.to_numeric(layer_m[column], errors="coerce").to_numpy(float)
    bad = ~np.isfinite(counts) | (counts < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(Msg("traffic.population_not_count", where=where(source, row=i + 1, column=column),
                             value=repr(layer_m[column].iloc[i])))
    geoms = layer_m.geometry.to_numpy()
    polygonal = np.isin(shapely.get_type_id(geoms), (3, 6))
    if not polygonal.all():
        i = int(np.flatnonzero(~polygonal)[0])
        raise InputError(Msg("traffic.population_features_polygons",
                             where=where(source, row=i + 1, column='geometry')))
    areas = shapely.area(geoms)
    tree = shapely.STRtree(geoms)
    t_idx, p_idx = tree.query(targets_m.geometry.to_numpy(), predicate="intersects")
    out = np.zeros(len(targets_m))
    if t_idx.size:
        inter = shapely.area(shapely.intersection(targets_m.geometry.to_numpy()[t_idx],
                                                  geoms[p_idx]))
        share = np.divide(inter, areas[p_idx], out=np.zeros_like(inter), where=areas[p_idx] > 0)
        np.add.at(out, t_idx, counts[p_idx] * share)
    return out


def area_traffic(targets_m: gpd.GeoDataFrame, assumptions: Mapping[str, Any], *,
                 population: gpd.GeoDataFrame | None = None,
                 population_column: str = "population") -> pd.DataFrame:
    """Busy-hour demand of every target area.

    Parameters
    ----------
    targets_m : geopandas.GeoDataFrame
        Canonical target areas in a metric CRS; an optional ``population``
        column (people, blank = unknown) takes precedence.
    assumptions : mapping
        The assumptions table (``traffic.*``).
    population : geopandas.GeoDataFrame, optional
        Population polygons with a count column, any CRS; used for areas
        without their own population.
    population_column : str
        Count column of ``population``.

    Returns
    -------
    pandas.DataFrame
        One row per area, in order: ``area_id, area_km2, people,
        people_source`` (``area``, ``layer`` or ``density``), ``users`` and
        ``demand_mbps``.

    Raises
    ------
    InputError
        A negative or non-numeric population on an area.
    ConfigError
        An area with no population, no layer and an area class with no
        default density.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> from siteplan.defaults import Assumptions
    >>> t = gpd.GeoDataFrame({"area_id": ["a", "b"], "area_class": ["town_seat", "village"],
    ...     "population": [20000, None]},
    ...     geometry=[box(0, 0, 2000, 2000), box(5000, 0, 5500, 400)], crs=32650)
    >>> tab = area_traffic(t, Assumptions())
    >>> tab[["area_id", "people", "people_source"]].values.tolist()
    [['a', 20000.0, 'area'], ['b', 500.0, 'density']]
    >>> round(float(tab["demand_mbps"].iloc[0]), 1)  # 20,000 x 0.5 x 0.341 Mbps
    3413.3
    """
    if targets_m.crs is None or not targets_m.crs.is_projected:
        raise InputError(Msg("traffic.area_traffic_needs"))
    area_km2 = targets_m.geometry.area.to_numpy() / 1e6
    people = np.full(len(targets_m), np.nan)
    source = np.full(len(targets_m), "", dtype=object)
    if "population" in targets_m.columns:
        raw = targets_m["population"]
        own = pd.to_numeric(raw, errors="coerce").to_numpy(float)
        bad = (np.isnan(own) & raw.notna().to_numpy()) | (own < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(Msg("traffic.population_not_count_2",
                                 where=where('targets', row=i + 1, column='population'),
                                 value=repr(raw.iloc[i])))
        has = np.isfinite(own)
        people[has], source[has] = own[has], "area"
    if population is not None:
        missing = np.isnan(people)
        if missing.any():
            layer = population.to_crs(targets_m.crs) if population.crs is not None else None
            if layer is None:
                raise InputError(Msg("traffic.population_layer_no"))
            counts = layer_population(targets_m[missing], layer, column=population_column)
            people[missing], source[missing] = counts, "layer"
    missing = np.flatnonzero(np.isnan(people))
    for i in missing:
        cls = str(targets_m["area_class"].iloc[i])
        key = f"traffic.density_per_km2.{cls}"
        if key not in set(assumptions.keys()):
            raise ConfigError(
                Msg("traffic.target_area_class", area=repr(targets_m['area_id'].iloc[i]), cls=repr(cls)))
        people[i] = _non_negative(assumptions, key) * area_km2[i]
        source[i] = "density"
    users = (people * _share(assumptions, "traffic.penetration")
             * _share(assumptions, "traffic.operator_share"))
    return pd.DataFrame({
        "area_id": targets_m["area_id"].astype(str).to_numpy(), "area_km2": area_km2,
        "people": people, "people_source": source.astype(str), "users": users,
        "demand_mbps": users * busy_hour_mbps_per_user(assumptions),
    })


def point_demand_mbps(demand: pd.DataFrame, traffic: pd.DataFrame) -> np.ndarray:
    """Busy-hour Mbps of each demand point: its area's demand shared by weight.

    Examples
    --------
    >>> d = pd.DataFrame({"area_id": ["a", "a", "b"], "weight": [1.0, 3.0, 2.0]})
    >>> t = pd.DataFrame({"area_id": ["a", "b"], "demand_mbps": [100.0, 10.0]})
    >>> point_demand_mbps(d, t).tolist()
    [25.0, 75.0, 10.0]
    """
    area = demand["area_id"].astype(str).to_numpy()
    weight = demand["weight"].to_numpy(float)
    per_area = pd.Series(traffic["demand_mbps"].to_numpy(float),
                         index=traffic["area_id"].astype(str).to_numpy())
    unknown = ~pd.Index(area).isin(per_area.index)
    if unknown.any():
        raise InputError(Msg("traffic.demand_point_area", area=repr(area[unknown][0])))
    total_w = pd.Series(weight).groupby(area).transform("sum").to_numpy()
    share = np.divide(weight, total_w, out=np.zeros_like(weight), where=total_w > 0)
    return per_area.reindex(area).to_numpy() * share
