"""Site lists as planners' tables: canonical columns in English, the
headings and terms of Chinese site lists in Chinese (站址编码, 站址名称, 经度,
纬度, 站址类型, 共享/新建, 建设年度, 挂高, 产权单位, 供电方式 …).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> s = gpd.GeoDataFrame({"site_id": ["a"], "kind": ["tower"], "status": ["reused"],
...                       "since": [2021], "power_supply": ["direct"]},
...                      geometry=[Point(119.5, 25.9)], crs=4326)
>>> zh = localise(sites_table(s), "zh")
>>> list(zh.columns)
['站址编码', '经度', '纬度', '站址类型', '共享/新建', '建设年度', '供电方式']
>>> [v.item() if hasattr(v, "item") else v for v in zh.iloc[0]]
['a', 119.5, 25.9, '铁塔', '共享', 2021, '直供电']
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from siteplan.i18n import check_lang, headers, term

SITE_COLUMNS = ["site_id", "name", "lon", "lat", "kind", "status", "since", "height_m", "owner",
                "power_supply", "open_access", "on_air", "cost_cny"]
"""Column order of the site lists (then any other input column)."""

TERM_COLUMNS = ("kind", "status", "power_supply", "supply", "zone_class", "rule", "area_class")
BOOL_COLUMNS = ("open_access", "on_air", "target_met")


def sites_table(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """Sites as a plain table with WGS84 ``lon``/``lat`` (7 decimals, ~1 cm)."""
    wgs = sites.to_crs(4326)
    table = pd.DataFrame(wgs.drop(columns="geometry"))
    table["lon"] = wgs.geometry.x.round(7)
    table["lat"] = wgs.geometry.y.round(7)
    cols = [c for c in SITE_COLUMNS if c in table] + [
        c for c in table.columns if c not in SITE_COLUMNS]
    return table[cols]


def localise(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``table`` with headings, kinds, statuses, supplies and yes/no in ``lang``
    (unchanged for English: canonical names stay machine-readable)."""
    if check_lang(lang) == "en":
        return table
    out = table.copy()
    for col in TERM_COLUMNS:
        if col in out:
            out[col] = out[col].map(lambda v: term(v, lang) if isinstance(v, str) else v)
    for col in BOOL_COLUMNS:
        if col in out and out[col].dtype == bool:
            out[col] = out[col].map({True: "是", False: "否"})
    return out.rename(columns=headers(out.columns, lang))
