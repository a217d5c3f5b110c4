"""Site lists as planners' tables: canonical columns in English, the
headings and terms of Chinese site lists in Chinese (站址编码, 站址名称, 经度,
纬度, 站址类型, 共享/新建, 建设年度, 挂高, 产权单位, 供电方式 …).

Every table siteplan writes goes through :func:`localise`: whole numbers
stored as floats (``20000.0``) become integers in both languages; in Chinese
every heading, every enumeration value (kinds, statuses, supplies, land-use
classes and rules, proposal reasons, work-order actions, the kinds of a
multi-use pole, the names siteplan gives its proposals) and every yes/no
column (是/否) is written as Chinese planners write them. Text from the
inputs (names, owners, ids) is kept as given.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> s = gpd.GeoDataFrame({"site_id": ["a"], "kind": ["tower"], "status": ["reused"],
...                       "since": [2021], "power_supply": ["direct"], "cost_cny": [20000.0],
...                       "proposed": [False]},
...                      geometry=[Point(119.5, 25.9)], crs=4326)
>>> zh = localise(sites_table(s), "zh")
>>> list(zh.columns)
['站址编码', '经度', '纬度', '站址类型', '共享/新建', '建设年度', '供电方式', '投资(元)', '规划新增']
>>> [v.item() if hasattr(v, "item") else v for v in zh.iloc[0]]
['a', 119.5, 25.9, '铁塔', '共享', 2021, '直供电', 20000, '否']
>>> localise(sites_table(s), "en")["cost_cny"].tolist()
[20000]
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.i18n import COLUMNS, check_lang, headers, term

SITE_COLUMNS = ["site_id", "name", "lon", "lat", "kind", "status", "since", "height_m", "owner",
                "power_supply", "open_access", "on_air", "cost_cny"]
"""Column order of the site lists (then any other input column)."""

TERM_COLUMNS = ("kind", "status", "power_supply", "supply", "zone_class", "rule", "area_class",
                "proposal_reason", "landuse_flag", "action", "environment")
"""Columns whose values are one enumeration term each."""
JOINED_COLUMNS = {"uses": "+"}
"""Columns holding several terms joined by a separator (a multi-use pole's kinds)."""
BOOL_COLUMNS = ("open_access", "on_air", "target_met", "proposed", "site_target_met")
"""Yes/no columns (any other column holding only booleans is treated the same)."""

_PROPOSED_NAME = re.compile(r"Proposed (?P<kind>[a-z ]+?) (?P<n>\S+)")
_RULE_REASON = re.compile(r"(?P<rule>forbidden|restricted): (?P<classes>[a-z_, ]+)")
#: siteplan's own names and owners of the sites it adds (relocation rings, proposals)
_REPLACEMENT_NAME = re.compile(r"Replacement (?P<n>\d+) for (?P<site>.+)")
_OWNERS = {"proposed": COLUMNS["proposed"]["zh"], "relocation (new)": "迁改新建"}  # no owner yet


def sites_table(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Sites as a plain table with WGS84 ``lon``/``lat`` (7 decimals, ~1 cm)."""
    wgs = sites.to_crs(4326)
    table = pd.DataFrame(wgs.drop(columns="geometry"))
    table["lon"] = wgs.geometry.x.round(7)
    table["lat"] = wgs.geometry.y.round(7)
    cols = [c for c in SITE_COLUMNS if c in table] + [
        c for c in table.columns if c not in SITE_COLUMNS]
    return table[cols]


def whole_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with float columns whose values are all whole numbers as
    integers (missing values stay empty), so a CSV says ``20000``, not
    ``20000.0``.

    Examples
    --------
    >>> whole_numbers(pd.DataFrame({"a": [1.0, None], "b": [1.5, 2.0]}))["a"].tolist()
    [1, None]
    """
    out = table.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype.kind != "f":
            continue
        finite = values.dropna().to_numpy(dtype=float)
        if finite.size and np.all(np.isfinite(finite)) and np.all(finite == np.round(finite)) \
                and np.all(np.abs(finite) < 2**53):
            out[col] = pd.Series([None if pd.isna(v) else int(v) for v in values],
                                 index=out.index, dtype=object)
    return out


def _is_bool_column(series: pd.Series) -> bool:
    if series.dtype == bool:
        return True
    if series.dtype != object:
        return False
    present = series.dropna()
    return bool(len(present)) and all(isinstance(v, bool | np.bool_) for v in present)


def term_value(column: str, value: object, lang: str) -> object:
    """One cell of ``column`` in ``lang``: terms, joined terms, siteplan's
    proposal names and rule reasons translated; anything else unchanged.

    Examples
    --------
    >>> term_value("name", "Proposed greenfield 12", "zh")
    '规划新增新建铁塔 12'
    >>> term_value("reason", "forbidden: basic_farmland, forest", "zh")
    '禁止：永久基本农田、林地'
    >>> term_value("uses", "monitoring_pole+streetlight", "zh")
    '监控杆+路灯杆'
    >>> term_value("name", "Replacement 3 for T0011", "zh"), term_value("owner", "proposed", "zh")
    ('T0011 的替代站址 3', '规划新增')
    """
    if check_lang(lang) == "en" or not isinstance(value, str):
        return value
    if column in TERM_COLUMNS:
        return term(value, lang)
    if column in JOINED_COLUMNS:
        sep = JOINED_COLUMNS[column]
        return sep.join(term(v, lang) for v in value.split(sep))
    if column == "name" and (found := _PROPOSED_NAME.fullmatch(value)):
        return f"规划新增{term(found['kind'].replace(' ', '_'), lang)} {found['n']}"
    if column == "name" and (found := _REPLACEMENT_NAME.fullmatch(value)):
        return f"{found['site']} 的替代站址 {found['n']}"
    if column == "owner" and value in _OWNERS:
        return _OWNERS[value]
    if column == "reason" and (found := _RULE_REASON.fullmatch(value)):
        classes = "、".join(term(c.strip(), lang) for c in found["classes"].split(","))
        return f"{term(found['rule'], lang)}：{classes}"
    return value


def localise(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with headings, enumeration values and yes/no in ``lang``
    (English keeps canonical names, machine-readable); whole-number floats
    as integers in both (:func:`whole_numbers`)."""
    out = whole_numbers(table)
    if check_lang(lang) == "en":
        return out
    yes_no = {True: "是", False: "否"}
    for col in out.columns:
        if col in BOOL_COLUMNS or _is_bool_column(out[col]):
            if _is_bool_column(out[col]):
                out[col] = out[col].map(lambda v: yes_no.get(bool(v)) if not pd.isna(v)
                                        else None)
            continue
        if out[col].dtype.kind not in "biufcmM":  # text (object or pandas' string dtype)
            out[col] = out[col].astype(object).map(lambda v, c=col: term_value(str(c), v, lang))
    return out.rename(columns=headers(out.columns, lang))
