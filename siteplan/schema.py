"""Canonical columns, site kinds, area classes, and validation of input tables.

Column names here are part of the public API (see ``docs/architecture.md``).
Validation turns whatever a user loaded into the canonical form, or raises an
:class:`~siteplan.errors.InputError` that names the file, the row, the column
and what to do.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> raw = gpd.GeoDataFrame({"site_id": ["a"], "kind": ["tower"]},
...                        geometry=[Point(119.5, 25.9)], crs=4326)
>>> row = validate_candidates(raw, source="demo").iloc[0]
>>> row["site_id"], row["kind"], bool(row["on_air"]), row["power_supply"]
('a', 'tower', False, 'unknown')
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siteplan.errors import InputError, where
from siteplan.kinds import KIND_INFO, find_kind, kinds_where, value_key
from siteplan.kinds import KINDS as _KINDS
from siteplan.messages import Msg

#: Site kinds, their reuse/new-build split, macro kinds and sharing ranks all come
#: from the one registry in :mod:`siteplan.kinds`.
KINDS: tuple[str, ...] = _KINDS
#: Kinds that reuse a structure that already stands (no new build).
REUSED_KINDS: frozenset[str] = kinds_where(new_build=False)
#: Kinds that carry a macro site; the others carry pole-mounted micro sites.
MACRO_KINDS: frozenset[str] = kinds_where(macro=True)
#: Indoor distribution systems (室分): serve indoor demand of their building only.
INDOOR_KINDS: frozenset[str] = kinds_where(indoor=True)
ENVIRONMENTS: tuple[str, ...] = ("dense_urban", "urban", "suburban", "rural")
AREA_CLASSES: tuple[str, ...] = (
    "main_urban", "key_area", "transport_hub", "town_seat", "industrial_park",
    "scenic_area", "village", "road_corridor",
)
POWER_SUPPLY: tuple[str, ...] = ("direct", "transfer", "unknown")

#: Every accepted name of each kind (its Chinese name, then its aliases), from the
#: kind registry (:mod:`siteplan.kinds`).
KIND_NAMES: dict[str, tuple[str, ...]] = {
    k: tuple(dict.fromkeys((info.zh, *info.aliases))) for k, info in KIND_INFO.items()}
AREA_CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "main_urban": ("主城区", "中心城区", "城区", "main urban"),
    "key_area": ("重点区域", "重点场所", "热点区域", "key area"),
    "transport_hub": ("交通枢纽", "枢纽", "transport hub"),
    "town_seat": ("县城", "乡镇", "镇区", "乡镇驻地", "town seat", "town"),
    "industrial_park": ("工业园区", "产业园区", "园区", "开发区", "industrial park"),
    "scenic_area": ("景区", "旅游景区", "风景区", "scenic area"),
    "village": ("行政村", "村庄", "农村", "自然村", "village"),
    "road_corridor": ("道路", "交通干线", "高速公路", "高速", "高铁", "铁路", "road corridor",
                      "road"),
}
ENVIRONMENT_NAMES: dict[str, tuple[str, ...]] = {
    "dense_urban": ("密集城区", "密集市区", "dense urban", "dense"),
    "urban": ("一般城区", "城区", "市区", "一般市区"),
    "suburban": ("郊区", "县城", "乡镇", "sub urban"),
    "rural": ("农村", "乡村", "rural area"),
}

def alias_table(names: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``value_key(alias) -> canonical`` for every canonical value and alias."""
    table: dict[str, str] = {}
    for canonical, aliases in names.items():
        for alias in (canonical, *aliases):
            table.setdefault(value_key(alias), canonical)
    return table


_AREA_CLASS_ALIASES = alias_table(AREA_CLASS_NAMES)
_ENVIRONMENT_ALIASES = alias_table(ENVIRONMENT_NAMES)


def suggest(text: object, choices: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest choices, or ``""``.

    Examples
    --------
    >>> suggest("forbiden", ["forbidden", "restricted", "allowed"])
    " Did you mean 'forbidden'?"
    """
    choices = list(dict.fromkeys(choices))
    key = value_key(text)
    close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
    if not close:
        keyed = {value_key(c): c for c in choices}
        close = [keyed[k] for k in difflib.get_close_matches(key, keyed, n=1, cutoff=0.6)]
    return f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def normalise_kind(text: object) -> str | None:
    """Canonical site kind of a kind name in any case, Chinese or English
    (``None`` when unknown); the names live in the kind registry
    (:func:`siteplan.kinds.find_kind`).

    Examples
    --------
    >>> normalise_kind("Greenfield tower"), normalise_kind("路灯"), normalise_kind("TOWER")
    ('greenfield', 'streetlight', 'tower')
    >>> normalise_kind("spaceship") is None
    True
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    return find_kind(text)


def normalise_area_class(text: object) -> str | None:
    """Canonical area class (``"县城"`` → ``"town_seat"``), ``None`` if unknown."""
    return _AREA_CLASS_ALIASES.get(value_key(text))


def normalise_environment(text: object) -> str | None:
    """Canonical environment (``"密集城区"`` → ``"dense_urban"``), ``None`` if unknown."""
    return _ENVIRONMENT_ALIASES.get(value_key(text))


def canonical_values(frame: pd.DataFrame, source: str, column: str, normalise,
                     names: Mapping[str, Iterable[str]], what: str) -> pd.Series:
    """Map a column through ``normalise``; an unknown value is an
    :class:`InputError` naming the row, the value, the accepted names and the
    closest one.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"kind": ["Tower", "路灯", "towr"]})
    >>> canonical_values(f, "a.csv", "kind", normalise_kind, KIND_NAMES, "kind")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    siteplan.errors.InputError: a.csv, row 3, column 'kind': unknown kind 'towr'. Did you mean 'tower'? ...
    """
    raw = frame[column]
    found = {v: normalise(v) for v in pd.unique(raw.dropna().to_numpy(dtype=object))}
    mapped = raw.map(found)
    unknown = mapped.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        value = raw.iloc[i]
        every = [a for c, aliases in names.items() for a in (c, *aliases)]
        chinese = [a for aliases in names.values() for a in aliases[:1] if not a.isascii()][:5]
        more = f" ({int(unknown.sum())} rows in all)" if unknown.sum() > 1 else ""
        shown = "empty" if pd.isna(value) or not str(value).strip() else repr(value)
        place = where(source, row=_row(frame, i), column=column)
        if shown == "empty":
            raise InputError(Msg("value.empty", where=place, what=what, more=more,
                                 choices=", ".join(names), examples=", ".join(chinese)))
        raise InputError(Msg("value.unknown", where=place, what=what, value=shown, more=more,
                             hint=suggest(value, every), choices=", ".join(names),
                             examples=", ".join(chinese)))
    return mapped.astype(str)


#: Longitude / latitude headings as planners write them (compared after
#: :func:`siteplan.sources.text.norm_header`: units in brackets of either width
#: and a trailing ``°`` dropped, so ``经度(°)``, ``纬度（度）``, ``东经/°`` match).
LON_HEADERS: tuple[str, ...] = ("lon", "lng", "long", "longitude", "x", "经度", "东经",
                                "经度坐标", "x坐标", "gps经度", "wgs84经度", "lon_wgs84")
LAT_HEADERS: tuple[str, ...] = ("lat", "latitude", "y", "纬度", "北纬", "纬度坐标", "y坐标",
                                "gps纬度", "wgs84纬度", "lat_wgs84")
#: Headings of a candidate's own cost (CNY), kept instead of the kind's default cost.
COST_HEADERS: tuple[str, ...] = ("投资", "投资(元)", "造价", "费用", "建设费用", "建设成本",
                                 "成本", "cost", "cost_cny", "own_cost_cny")

CANDIDATE_COLUMNS: tuple[str, ...] = (
    "site_id", "kind", "height_m", "owner", "open_access", "on_air", "power_supply", "name",
)
TARGET_COLUMNS: tuple[str, ...] = (
    "area_id", "name", "area_class", "environment", "milestone", "coverage_target",
    "indoor", "weight",
)


def _row(frame: pd.DataFrame, position: int) -> int:
    """Row number as the user sees it (feature number, or CSV line number;
    ``attrs["lines"]`` when a reader skipped title or summary rows)."""
    lines = frame.attrs.get("lines")
    if lines is not None and len(lines) == len(frame):
        return int(lines[int(position)])
    return int(position) + int(frame.attrs.get("row_offset", 1))


def _bad(frame: pd.DataFrame, source: str, mask: np.ndarray, column: str, what: str | Msg,
         hint: Msg) -> None:
    positions = np.flatnonzero(np.asarray(mask))
    if positions.size:
        first = positions[0]
        more = f" ({positions.size} rows in all)" if positions.size > 1 else ""
        raise InputError(Msg("schema.error", where=where(source, row=_row(frame, first), column=column),
                             what=what, more=more, hint=hint))


def check_geometry(frame: gpd.GeoDataFrame, source: str, *, allowed: tuple[str, ...]) -> None:
    """Raise :class:`InputError` for a missing CRS, or null, empty, invalid or
    wrong-type geometry, or coordinates outside the geographic range.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> f = gpd.GeoDataFrame(geometry=[Point(25.9, 119.5)], crs=4326)
    >>> check_geometry(f, "x.csv", allowed=("Point",))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    siteplan.errors.InputError: x.csv, row 1, column 'geometry': latitude 119.5 is outside ...
    """
    if len(frame) == 0:
        raise InputError(Msg("layer.empty", source=source))
    if frame.crs is None:
        raise InputError(
            Msg("layer.no_crs", source=source)
        )
    geometry = frame.geometry
    _bad(frame, source, geometry.isna().to_numpy(), "geometry", Msg("schema.geometry_missing"),
         Msg("schema.geometry_hint"))
    _bad(frame, source, geometry.is_empty.to_numpy(), "geometry", Msg("schema.geometry_empty"),
         Msg("schema.geometry_hint"))
    types = geometry.geom_type.to_numpy()
    _bad(frame, source, ~np.isin(types, allowed), "geometry",
         Msg("schema.geometry_type", allowed=", ".join(allowed)),
         Msg("schema.geometry_type_hint"))
    coords, index = shapely.get_coordinates(geometry.to_numpy(), return_index=True)
    nan = np.zeros(len(frame), bool)
    nan[index[~np.isfinite(coords).all(axis=1)]] = True
    _bad(frame, source, nan, "geometry", Msg("schema.coordinate_nan"),
         Msg("schema.coordinate_nan_hint"))
    _bad(frame, source, ~geometry.is_valid.to_numpy(), "geometry",
         Msg("schema.geometry_invalid"), Msg("schema.geometry_invalid_hint"))
    if frame.crs.is_geographic:
        bounds = geometry.bounds.to_numpy()
        lon_bad = (bounds[:, 0] < -180) | (bounds[:, 2] > 180)
        lat_bad = (bounds[:, 1] < -90) | (bounds[:, 3] > 90)
        bad = lon_bad | lat_bad
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            lon, lat = bounds[i, 0], bounds[i, 1]
            swapped = abs(lat) > 90 and abs(lon) <= 90
            raise InputError(Msg(
                "schema.latitude" if lat_bad[i] else "schema.longitude",
                where=where(source, row=_row(frame, i), column="geometry"), lat=f"{lat:g}",
                lon=f"{lon:g}", swapped=Msg("schema.swapped" if swapped else "schema.stop")))


def _require(frame: pd.DataFrame, source: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(Msg(
            "column.missing", source=source, missing=", ".join(map(repr, missing)),
            present=", ".join(map(repr, [c for c in frame.columns if c != "geometry"])),
            first=missing[0]))


def _as_bool(frame: pd.DataFrame, source: str, column: str, default: bool) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(default, index=frame.index, dtype=bool)
    raw = frame[column]
    text = raw.astype("string").str.strip().str.lower()
    true = text.isin(["1", "true", "yes", "y", "t", "是", "1.0"])
    false = text.isin(["0", "false", "no", "n", "f", "否", "0.0", ""]) | raw.isna()
    _bad(frame, source, (~(true | false)).to_numpy(), column,
         Msg("schema.bool", column=column, value=repr(raw[~(true | false)].iloc[0]))
         if (~(true | false)).any() else "", Msg("schema.bool_hint"))
    return true.fillna(False).astype(bool) | (raw.isna() & default)


def _as_number(frame: pd.DataFrame, source: str, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        _bad(frame, source, bad.to_numpy(), column,
             Msg("schema.number", column=column, value=repr(frame[column][bad].iloc[0])),
             Msg("schema.number_hint"))
    return values.astype(float)


def _check_cost(frame: pd.DataFrame, source: str) -> pd.Series:
    """A candidate layer's own ``own_cost_cny`` column as numbers (NaN where
    empty: the kind's default cost is used there); negative or infinite
    costs raise naming the row. ``元``/``万元``/thousands separators are
    read (``"3.5万"`` is 35,000)."""
    raw = frame["own_cost_cny"]
    text = raw.astype("string").str.strip().str.replace(r"[,，\s]|元$", "", regex=True)
    wan = text.str.endswith("万").fillna(False)
    number = pd.to_numeric(text.str.removesuffix("万"), errors="coerce")
    number = number.where(~wan, number * 10_000)
    bad = (number.isna() & raw.notna() & (text.fillna("") != "")).to_numpy()
    if bad.any():
        _bad(frame, source, bad, "cost_cny",
             Msg("schema.cost", value=repr(raw[bad].iloc[0])), Msg("schema.cost_hint"))
    wrong = ((number < 0) | np.isinf(number)).fillna(False).to_numpy()
    _bad(frame, source, wrong, "cost_cny", Msg("schema.cost_negative"),
         Msg("schema.cost_negative_hint"))
    return number.astype(float)


def validate_candidates(frame: gpd.GeoDataFrame, source: str = "candidates") -> gpd.GeoDataFrame:
    """Check a candidate layer and return it in canonical form.

    Required columns: ``site_id``, ``kind`` and point geometry (polygons are
    replaced by a point on their surface, e.g. a roof). Optional columns get
    defaults: ``height_m`` NaN (the kind's default height is used),
    ``owner``/``name`` empty, ``open_access``/``on_air`` false,
    ``power_supply`` ``"unknown"``. A ``cost_cny`` column (the candidate's own
    cost) becomes ``own_cost_cny`` in numbers (``cost_cny`` is the plan's derived
    cost), kept by :func:`siteplan.policy.site_costs`.
    Extra columns are kept.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Raw layer in any CRS.
    source : str
        File or layer name used in error messages.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates, same CRS, ``site_id`` as text.

    Raises
    ------
    InputError
        Missing column, duplicate id, unknown kind, bad geometry or CRS.
    """
    check_geometry(frame, source, allowed=("Point", "Polygon", "MultiPolygon"))
    _require(frame, source, ("site_id", "kind"))
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    if not (out.geom_type == "Point").all():
        out.geometry = out.geometry.where(out.geom_type == "Point", out.geometry.representative_point())
    ids = out["site_id"]
    _bad(out, source, ids.isna().to_numpy(), "site_id", Msg("schema.site_id_empty"),
         Msg("schema.site_id_empty_hint"))
    ids = ids.astype(str).str.strip()
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        first = ids[dup].iloc[0]
        _bad(out, source, dup, "site_id", Msg("schema.site_id_duplicate", value=repr(first)),
             Msg("schema.site_id_duplicate_hint"))
    out["site_id"] = ids
    out["kind"] = canonical_values(out, source, "kind", normalise_kind, KIND_NAMES, "kind")
    out["height_m"] = _as_number(out, source, "height_m") if "height_m" in out else np.nan
    tall = out["height_m"]
    bad_height = ((tall <= 0) | (tall > 300) | np.isinf(tall)).to_numpy()
    if bad_height.any():
        got = float(tall[bad_height].iloc[0])
        _bad(out, source, bad_height, "height_m",
             Msg("schema.height", value=f"{got:g}"), Msg("schema.height_hint"))
    if "cost_cny" in out.columns and "own_cost_cny" not in out.columns:
        out = out.rename(columns={"cost_cny": "own_cost_cny"})  # the plan's cost_cny is derived
    if "own_cost_cny" in out.columns:
        out["own_cost_cny"] = _check_cost(out, source)
    for column in ("owner", "name"):
        out[column] = out[column].fillna("").astype(str) if column in out else ""
    out["open_access"] = _as_bool(out, source, "open_access", False)
    out["on_air"] = _as_bool(out, source, "on_air", False)
    supply = (out["power_supply"].fillna("unknown").astype(str).map(value_key)
              .replace({"直供": "direct", "直供电": "direct", "转供": "transfer",
                        "转供电": "transfer", "未知": "unknown", "": "unknown"})
              if "power_supply" in out else pd.Series("unknown", index=out.index))
    _bad(out, source, (~supply.isin(POWER_SUPPLY)).to_numpy(), "power_supply",
         Msg("schema.power_supply"),
         Msg("schema.power_supply_hint", choices=", ".join(POWER_SUPPLY)))
    out["power_supply"] = supply
    ordered = [*CANDIDATE_COLUMNS, *[c for c in out.columns if c not in CANDIDATE_COLUMNS]]
    return out[ordered].reset_index(drop=True)


def validate_targets(frame: gpd.GeoDataFrame, source: str = "targets") -> gpd.GeoDataFrame:
    """Check a target-area layer and return it in canonical form.

    Required: ``area_id``, ``area_class``, ``environment``, ``milestone`` and
    polygon geometry. Defaults: ``name`` = area_id, ``coverage_target`` 0.95,
    ``indoor`` false, ``weight`` 1.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> raw = gpd.GeoDataFrame({"area_id": ["c"], "area_class": ["main_urban"],
    ...     "environment": ["urban"], "milestone": [2020]},
    ...     geometry=[box(119.5, 25.9, 119.51, 25.91)], crs=4326)
    >>> float(validate_targets(raw)["coverage_target"].iloc[0])
    0.95
    """
    check_geometry(frame, source, allowed=("Polygon", "MultiPolygon"))
    _require(frame, source, ("area_id", "area_class", "environment", "milestone"))
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    ids = out["area_id"].astype(str).str.strip()
    dup = ids.duplicated().to_numpy()
    _bad(out, source, dup, "area_id", "duplicate area_id", "Make area_id unique.")
    out["area_id"] = ids
    out["name"] = out["name"].fillna(ids).astype(str) if "name" in out else ids
    out["environment"] = canonical_values(out, source, "environment", normalise_environment,
                                          ENVIRONMENT_NAMES, "environment")
    out["area_class"] = canonical_values(out, source, "area_class", normalise_area_class,
                                         AREA_CLASS_NAMES, "area class")
    if out["milestone"].dtype == object or pd.api.types.is_string_dtype(out["milestone"]):
        out["milestone"] = out["milestone"].astype("string").str.strip() \
            .str.replace(r"\s*年(度)?$", "", regex=True)
    milestone = _as_number(out, source, "milestone")
    _bad(out, source, (milestone.isna() | (milestone % 1 != 0)).to_numpy(), "milestone",
         "milestone must be a whole number (a year, e.g. 2021)", "Write the milestone year.")
    _bad(out, source, ((milestone < 1990) | (milestone > 2100)).to_numpy(), "milestone",
         "milestone must be a year between 1990 and 2100",
         "Write the milestone year (e.g. 2021).")
    out["milestone"] = milestone.astype(int)
    target = (_as_number(out, source, "coverage_target") if "coverage_target" in out
              else pd.Series(0.95, index=out.index)).fillna(0.95)
    _bad(out, source, ((target <= 0) | (target > 1)).to_numpy(), "coverage_target",
         "coverage_target must be in (0, 1]", "Give a fraction such as 0.95.")
    out["coverage_target"] = target
    out["indoor"] = _as_bool(out, source, "indoor", False)
    weight = (_as_number(out, source, "weight") if "weight" in out
              else pd.Series(1.0, index=out.index)).fillna(1.0)
    _bad(out, source, ((weight <= 0) | ~np.isfinite(weight) | (weight > 1e6)).to_numpy(),
         "weight", "weight must be a positive number no larger than 1,000,000",
         "Give a positive demand weight per km² (1 = ordinary; a busy hub 10-100).")
    out["weight"] = weight
    ordered = [*TARGET_COLUMNS, *[c for c in out.columns if c not in TARGET_COLUMNS]]
    return out[ordered].reset_index(drop=True)
