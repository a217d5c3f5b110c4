"""Land use: zone classes, rules per site group, footprints, conflicts.

The natural-resources bureau checks every new site against the territorial
spatial plan: no new tower on permanent basic farmland or inside the
ecological protection red line, forest land only with a permit, nothing
radiating inside a satellite earth station's protection zone. Rules live in
the assumptions table (``landuse.rule.<class>.<group>``, overridable) with
an optional protection buffer per class (``landuse.buffer_m.<class>``).

Examples
--------
>>> normalise_class("永久基本农田"), normalise_class("Forest land")
('basic_farmland', 'forest')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from siteplan.defaults import RULE_WORDS, Assumptions
from siteplan.errors import InputError, where
from siteplan.kinds import KIND_INFO, STRICTEST_GROUP
from siteplan.landuse_classes import (
    CODE_COLUMNS,
    NAME_COLUMNS,
    class_column_hint,
    name_fallback,
    survey_class,
    survey_names,
)
from siteplan.messages import Msg
from siteplan.schema import normalise_kind, suggest, value_key

ZONE_CLASSES: dict[str, tuple[str, ...]] = {
    "basic_farmland": ("永久基本农田", "基本农田", "permanent_basic_farmland", "farmland",
                       "permanent basic farmland", "基本农田保护区"),
    "ecological_red_line": ("生态保护红线", "生态红线", "red_line", "ecological protection red line",
                            "ecological_protection_red_line"),
    "forest": ("林地", "forest_land", "forest land"),
    "water": ("水域", "水体", "水库", "water_body", "water body"),
    "satellite_earth_station": ("卫星地球站", "卫星站", "satellite", "satellite earth station"),
    "urban_development": ("城镇开发边界", "urban_development_boundary",
                          "urban development boundary"),
    "cultivated": ("耕地", "一般耕地", "cultivated land", "arable land"),
    "agricultural": ("农用地", "其他农用地", "agricultural land"),
    "wetland": ("湿地", "wetland area"),
    "construction": ("建设用地", "现状建设用地", "construction_land", "construction land",
                     "built-up land"),
    "special": ("特殊用地", "special land"),
    "unused": ("未利用地", "unused land"),
}
#: The three control lines of the territorial spatial plan (三线), each usually its own layer.
CONTROL_LINES = ("ecological_red_line", "basic_farmland", "urban_development")
RULES = ("forbidden", "restricted", "allowed")
RULE_NAMES: dict[str, tuple[str, ...]] = {
    rule: tuple(word for word, meant in RULE_WORDS if meant == rule) for rule in RULES}
CONFLICT_COLUMNS = ["site_id", "kind", "zone_id", "zone_class", "rule", "overlap_m2",
                    "distance_m"]
#: Columns used as a zone's id when there is no ``zone_id`` (三调: 标识码, 图斑编号).
ZONE_ID_COLUMNS = ("zone_id", "BSM", "标识码", "TBBH", "图斑编号")

_ALIASES = {value_key(a): c for c, names in ZONE_CLASSES.items() for a in (c, *names)}


def normalise_class(name: object) -> str | None:
    """Canonical zone class for a Chinese or English name, or a land-survey
    (三调) code or name (None if unknown).

    Examples
    --------
    >>> normalise_class("Ecological-Red-Line"), normalise_class("0103"), normalise_class("水田")
    ('ecological_red_line', 'cultivated', 'cultivated')
    """
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return None
    return _ALIASES.get(value_key(name)) or survey_class(name)


def check_rules(assumptions: Mapping[str, Any]) -> dict[str, str]:
    """Every ``landuse.rule.*`` value in canonical form (``"Forbidden"``,
    ``"禁止"`` → ``"forbidden"``), through the key's one validator
    (:meth:`siteplan.defaults.Default.check`, the one
    :class:`~siteplan.defaults.Assumptions` uses): a plain mapping is judged
    exactly as a config's ``[assumptions]``.

    Examples
    --------
    >>> check_rules({"landuse.rule.forest.new_tower": "禁止"})["landuse.rule.forest.new_tower"]
    'forbidden'
    >>> check_rules({"landuse.rule.forest.new_tower": "forbiden"})
    Traceback (most recent call last):
    siteplan.errors.ConfigError: assumptions: 'landuse.rule.forest.new_tower' = 'forbiden' ...
    """
    if isinstance(assumptions, Assumptions):
        items = {f"landuse.rule.{k}": v for k, v in assumptions.section("landuse.rule").items()}
    else:
        items = dict(Assumptions({k: v for k, v in assumptions.items()
                                  if k.startswith("landuse.rule.")}).items())
    return {k: str(v) for k, v in items.items() if k.startswith("landuse.rule.")}


def _transverse_mercator_near(crs: CRS, lon_deg: float) -> bool:
    """Whether ``crs`` is a metre Transverse Mercator (UTM, CGCS2000
    Gauss-Krüger) whose central meridian lies within 6° of ``lon_deg``
    (scale error below 0.6 %: data of a zone's edge, or just across it, keep
    their zone; Web Mercator's 11 % at 26°N never passes)."""
    operation = crs.coordinate_operation
    units = {axis.unit_name for axis in crs.axis_info}
    if operation is None or "Transverse Mercator" not in operation.method_name \
            or units != {"metre"}:
        return False
    centre = next((p.value for p in operation.params
                   if p.name == "Longitude of natural origin"), None)
    return centre is not None and abs((lon_deg - centre + 180.0) % 360.0 - 180.0) <= 6.0


def local_metric_crs(*frames: gpd.GeoDataFrame) -> CRS:
    """The CRS to measure distances, buffers and areas of ``frames`` in: the
    first frame's own CRS when it is the local UTM or Gauss-Krüger zone of
    the data, else the UTM zone of the data's centre. Never Web Mercator
    (EPSG:3857 metres are ~11 % long at 26°N) nor degrees.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoDataFrame(geometry=[Point(113.0, 26.0)], crs=4326)
    >>> local_metric_crs(pts).to_epsg(), local_metric_crs(pts.to_crs(3857)).to_epsg()
    (32649, 32649)
    >>> local_metric_crs(pts.to_crs(4547), pts).to_epsg()  # CGCS2000 GK zone, 114°E
    4547
    """
    located = [f for f in frames if f is not None and f.crs is not None and len(f)]
    if not located:
        raise InputError(Msg("landuse.no_located_data"))
    bounds = np.array([Transformer.from_crs(f.crs, 4326, always_xy=True).transform_bounds(
        *f.total_bounds) for f in located])  # corners only: 10^5 parcels do not move
    lon = float((np.nanmin(bounds[:, 0]) + np.nanmax(bounds[:, 2])) / 2.0)
    for frame in located:
        crs = CRS.from_user_input(frame.crs)
        if crs.is_projected and _transverse_mercator_near(crs, lon):
            return crs
    return located[0].estimate_utm_crs()


def site_group(kind: object) -> str | None:
    """``new_tower`` (greenfield), ``new_pole`` (smart pole), ``existing``, or
    ``None`` for a kind no name matches (callers judge it as a new tower).

    Examples
    --------
    >>> site_group("Greenfield tower"), site_group("智慧杆"), site_group("铁塔"), site_group("?")
    ('new_tower', 'new_pole', 'existing', None)
    """
    kind = normalise_kind(kind)
    return None if kind is None else KIND_INFO[kind].landuse_group


def site_groups(kinds: Iterable[object]) -> tuple[np.ndarray, list[str]]:
    """Groups per site, unknown kinds judged as ``new_tower`` (the strictest
    group), and the sorted unknown kinds so callers can say so.

    Examples
    --------
    >>> groups, unknown = site_groups(["Greenfield", "路灯", "windmill"])
    >>> groups.tolist(), unknown
    (['new_tower', 'existing', 'new_tower'], ['windmill'])
    """
    groups, unknown = [], set()
    for kind in kinds:
        group = site_group(kind)
        if group is None:
            unknown.add("" if kind is None or (isinstance(kind, float) and np.isnan(kind))
                        else str(kind))
            group = STRICTEST_GROUP
        groups.append(group)
    return np.array(groups, dtype=object), sorted(unknown)


def _class_source(zones: gpd.GeoDataFrame, class_column: str | None, zone_class: str | None,
                  source: str) -> str | None:
    """The column holding the classes (None when ``zone_class`` names one class)."""
    columns = [c for c in zones.columns if c != "geometry"]
    if zone_class is not None:
        if class_column is not None:
            raise InputError(
                Msg("landuse.both_class_whole", source=source, zone_class=repr(zone_class),
                    class_column=repr(class_column)))
        return None
    if class_column is not None:
        if class_column not in zones.columns:
            raise InputError(Msg("zone.no_class_column_named", source=source, column=repr(class_column),
                                 columns=columns))
        return class_column
    upper = {str(c).upper(): c for c in columns}
    for name in ("zone_class", *CODE_COLUMNS, *NAME_COLUMNS):
        if name.upper() in upper:
            return upper[name.upper()]
    raise InputError(
        Msg("zone.no_class_column", source=source, columns=columns))


def _refuse_unknown(out: gpd.GeoDataFrame, raw: pd.Series, canonical: pd.Series,
                    column: str | None, source: str, offset: int) -> None:
    """Raise naming the unknown classes, the first row and the closest names."""
    unknown_mask = canonical.isna().to_numpy()
    if unknown_mask.any():
        unknown = sorted({str(v) for v in raw[unknown_mask]})
        first = int(np.flatnonzero(unknown_mask)[0])
        names = [a for c, n in ZONE_CLASSES.items() for a in (c, *n)] + survey_names()
        hint = suggest(unknown[0], names) + class_column_hint(out, column)
        known = ", ".join(f"{c} ({'/'.join(ZONE_CLASSES[c][:2])})" for c in ZONE_CLASSES)
        label = "the layer's class" if column is None else f"column {column!r}"
        raise InputError(
            Msg("landuse.unknown_zone_classes",
                where=where(source, row=None if column is None else first + offset), label=label,
                unknown=unknown[:10], value=' …' if len(unknown) > 10 else '', hint=hint, known=known))


def _zone_classes(out: gpd.GeoDataFrame, column: str | None, zone_class: str | None,
                  class_map: Mapping[str, str] | None, source: str, offset: int
                  ) -> tuple[pd.Series, list[str]]:
    """Canonical class of every zone (class map first, then names and survey
    codes; a raw 三调 layer's DLMC where its DLBM code is unknown), and the
    notes; unknown classes raise naming the first row."""
    mapping = {value_key(k): v for k, v in (class_map or {}).items()}
    bad_map = {k: v for k, v in (class_map or {}).items() if normalise_class(v) is None}
    if bad_map:
        k, v = next(iter(bad_map.items()))
        raise InputError(Msg("zone.class_map_unknown", local=repr(k), cls=repr(v),
                             hint=suggest(v, [a for c, n in ZONE_CLASSES.items() for a in (c, *n)]),
                             known=', '.join(ZONE_CLASSES)))

    def lookup(value: object) -> str | None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        mapped = mapping.get(value_key(value))
        return normalise_class(mapped if mapped is not None else value)

    raw = (pd.Series(zone_class, index=out.index, dtype=object) if column is None
           else out[column])
    found = {v: lookup(v) for v in pd.unique(raw.to_numpy(dtype=object))}  # few distinct
    canonical = raw.map(lambda v: found.get(v) if not (isinstance(v, float) and np.isnan(v))
                        else None)
    canonical, filled = name_fallback(out, column, canonical, lookup)  # 三调: DLMC after DLBM
    _refuse_unknown(out, raw, canonical, column, source, offset)
    return canonical, [f"{source}: {filled}"] if filled else []


def prepare_zones(zones: gpd.GeoDataFrame, *, source: str = "zones",
                  class_column: str | None = None, zone_class: str | None = None,
                  class_map: Mapping[str, str] | None = None,
                  ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Validate zones: class, known classes, polygons (repaired).

    Parameters
    ----------
    zones : GeoDataFrame
        Any polygon layer with a CRS.
    source : str
        File name for messages.
    class_column : str, optional
        Column with the classes. By default ``zone_class``, else a land-survey
        layer's ``DLBM`` (code) or ``DLMC`` (name).
    zone_class : str, optional
        One class for every zone (a control-line layer such as 生态保护红线).
    class_map : mapping, optional
        Local class names to classes (``{"基本农田保护区": "永久基本农田"}``),
        looked up before the built-in names.

    Returns the zones with canonical ``zone_id``/``zone_class`` and a list of
    notes (e.g. geometries repaired with ``make_valid``).

    Examples
    --------
    >>> from shapely.geometry import box
    >>> red = gpd.GeoDataFrame({"HXMC": ["某山"]}, geometry=[box(0, 0, 1, 1)], crs=4528)
    >>> prepare_zones(red, zone_class="生态保护红线")[0]["zone_class"].tolist()
    ['ecological_red_line']
    >>> dltb = gpd.GeoDataFrame({"BSM": ["1"], "DLBM": ["0103"], "DLMC": ["旱地"]},
    ...                         geometry=[box(0, 0, 1, 1)], crs=4528)
    >>> prepare_zones(dltb)[0][["zone_id", "zone_class"]].values.tolist()
    [['1', 'cultivated']]

    Raises
    ------
    InputError
        No CRS, no class column, unknown classes (listed with the closest
        known one), a class column beside a layer class, missing geometry.
    """
    if zones.crs is None:
        raise InputError(Msg("zone.no_crs", source=source))
    if len(zones) == 0:
        raise InputError(Msg("zone.empty", source=source))
    column = _class_source(zones, class_column, zone_class, source)
    out = zones.copy()
    offset = int(zones.attrs.get("row_offset", 1))
    canonical, notes = _zone_classes(out, column, zone_class, class_map, source, offset)
    out["zone_class"] = canonical
    id_col = next((c for c in ZONE_ID_COLUMNS if c in out.columns), None)
    if id_col is None:
        out["zone_id"] = [f"Z{i + 1}" for i in range(len(out))]
    else:
        out["zone_id"] = out[id_col].astype(str)
    missing = (out.geometry.isna() | out.geometry.is_empty).to_numpy()
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        raise InputError(Msg("landuse.zone_has_no", where=where(source, row=i + offset, column='geometry'),
                             count=int(missing.sum())))
    invalid = ~out.geometry.is_valid
    if invalid.any():
        out.loc[invalid, "geometry"] = shapely.make_valid(out.geometry[invalid].to_numpy())
        notes.append(Msg("n.repaired", source=source, count=int(invalid.sum()),
                         ids=', '.join(out.loc[invalid, 'zone_id'][:5])))
    polygonal = out.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])
    if not polygonal.all():
        i = int(np.flatnonzero(~polygonal.to_numpy())[0])
        raise InputError(Msg("landuse.zones_polygons_not",
                             where=where(source, row=i + offset, column='geometry'),
                             geom_type=out.geom_type.iloc[i]))
    return out, notes


def footprints(sites_m: gpd.GeoDataFrame, assumptions: Mapping[str, Any]) -> gpd.GeoSeries:
    """Land a site takes: a square compound for a new ground tower, a pole base
    for a new smart pole, nothing new (the point) on existing structures.
    Polygon sites keep their own shape."""
    geom = sites_m.geometry
    kinds = sites_m["kind"] if "kind" in sites_m else pd.Series("greenfield", index=sites_m.index)
    groups, _ = site_groups(kinds.to_numpy())
    sizes = {"new_tower": float(assumptions["landuse.tower_footprint_m"]),
             "new_pole": float(assumptions["landuse.pole_footprint_m"])}
    side = np.array([sizes.get(g, 0.0) for g in groups], dtype=float)
    points = geom.geom_type.to_numpy() == "Point"
    out = geom.copy()
    squares = points & (side > 0)
    if squares.any():
        out[squares] = geom[squares].buffer(side[squares] / 2.0, cap_style="square")
    return out


def conflicts(sites_m: gpd.GeoDataFrame, zones_m: gpd.GeoDataFrame,
              assumptions: Mapping[str, Any]) -> pd.DataFrame:
    """Every site–zone pair whose rule is not ``allowed``.

    Parameters
    ----------
    sites_m : GeoDataFrame
        Sites (in the data's local UTM or Gauss-Krüger zone; any other CRS,
        Web Mercator or degrees, is reprojected to one first) with ``site_id`` (and ``kind``; without it, or
        where a kind matches no known name, a site is judged as a new ground
        tower, the strictest reading; ``attrs["unknown_kinds"]`` lists those
        kinds so the caller can say so).
    zones_m : GeoDataFrame
        Prepared zones (:func:`prepare_zones`) in the same CRS.

    Returns
    -------
    pandas.DataFrame
        ``site_id, kind, zone_id, zone_class, rule, overlap_m2, distance_m``
        plus ``site_index`` (row of ``sites_m``); ``distance_m`` is the distance
        from the site to the zone itself (0 inside), set for buffered classes.
    """
    if sites_m.crs != zones_m.crs:
        raise InputError(Msg("landuse.conflicts_sites_zones"))
    metric = local_metric_crs(zones_m, sites_m)
    if metric != sites_m.crs:  # never measure in degrees or Web Mercator metres
        sites_m, zones_m = sites_m.to_crs(metric), zones_m.to_crs(metric)
    rule_of = check_rules(assumptions)
    kinds = (sites_m["kind"].astype(object) if "kind" in sites_m
             else pd.Series("greenfield", index=sites_m.index))
    all_groups, unknown_kinds = site_groups(kinds.to_numpy())
    buffers = zones_m["zone_class"].map(lambda c: float(assumptions[f"landuse.buffer_m.{c}"]))
    zone_area = zones_m.geometry.copy()
    buffered_zone = (buffers > 0).to_numpy()
    if buffered_zone.any():  # only the classes with a protection buffer (10^5 parcels have none)
        zone_area[buffered_zone] = zones_m.geometry[buffered_zone].buffer(
            buffers[buffered_zone].to_numpy())
    feet = footprints(sites_m, assumptions)
    tree = shapely.STRtree(zone_area.to_numpy())
    site_idx, zone_idx = tree.query(feet.to_numpy(), predicate="intersects")
    if site_idx.size == 0:
        empty = pd.DataFrame(columns=[*CONFLICT_COLUMNS, "site_index"])
        empty.attrs["unknown_kinds"] = unknown_kinds
        return empty
    zclass = zones_m["zone_class"].to_numpy()[zone_idx]
    groups = all_groups[site_idx]
    rules = np.array([rule_of[f"landuse.rule.{c}.{g}"] for c, g in zip(zclass, groups,
                                                                      strict=True)])
    keep = rules != "allowed"
    site_idx, zone_idx, zclass, rules = site_idx[keep], zone_idx[keep], zclass[keep], rules[keep]
    zone_geom = zones_m.geometry.to_numpy()[zone_idx]
    foot = feet.to_numpy()[site_idx]
    overlap = shapely.area(shapely.intersection(foot, zone_geom))
    buffered = buffers.to_numpy()[zone_idx] > 0
    distance = np.where(buffered, shapely.distance(sites_m.geometry.to_numpy()[site_idx],
                                                   zone_geom), np.nan)
    table = pd.DataFrame({
        "site_id": sites_m["site_id"].astype(str).to_numpy()[site_idx],
        "kind": kinds.to_numpy()[site_idx],
        "zone_id": zones_m["zone_id"].to_numpy()[zone_idx], "zone_class": zclass,
        "rule": rules, "overlap_m2": np.round(overlap, 3), "distance_m": np.round(distance, 3),
        "site_index": site_idx,
    }).sort_values(["site_index", "zone_id"]).reset_index(drop=True)
    table.attrs["unknown_kinds"] = unknown_kinds
    return table


def summary(conflict_table: pd.DataFrame) -> dict[str, Any]:
    """Counts per class and rule, and the number of sites in conflict."""
    per_class = (conflict_table.groupby(["zone_class", "rule"]).size().unstack(fill_value=0)
                 if len(conflict_table) else pd.DataFrame())
    return {
        "forbidden_conflicts": int((conflict_table["rule"] == "forbidden").sum()),
        "restricted_conflicts": int((conflict_table["rule"] == "restricted").sum()),
        "sites_forbidden": int(conflict_table.loc[conflict_table["rule"] == "forbidden",
                                                  "site_id"].nunique()),
        "sites_restricted": int(conflict_table.loc[conflict_table["rule"] == "restricted",
                                                   "site_id"].nunique()),
        "per_class": {c: {r: int(v) for r, v in row.items()} for c, row in per_class.iterrows()},
    }
