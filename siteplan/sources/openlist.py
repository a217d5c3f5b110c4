"""Open-resource lists (开放清单): the yearly lists of public buildings and
poles opened for 5G, as CSV or Excel with Chinese or English headers.

Accepted headers (case and spaces ignored, units in brackets allowed, e.g.
``高度（米）``):

=============  =====================================================  ==============
canonical      headers                                                required
=============  =====================================================  ==============
site_id        站址编码, 资源编码, 编号, 资源编号, 站址编号, 序号, id, site_id  no (line no.)
name           名称, 资源名称, 站址名称, 点位名称, name                   no
kind           类型, 资源类型, 杆塔类型, 设施类型, type, kind             yes
lon            经度, lon, lng, longitude                              yes
lat            纬度, lat, latitude                                    yes
owner          产权单位, 权属单位, 所属单位, 产权方, owner                 no
height_m       高度, 挂高, 杆高, height, height_m                       no
open_access    是否免费开放, 免费开放, 是否开放, free, open_access        no
=============  =====================================================  ==============

The header row may sit below title rows; 合计/小计 rows are left out; CSV
may be UTF-8 or GBK (see :mod:`siteplan.sources.text`). Ids come from the
first id column found (站址编码 before 编号 before 序号), so they stay when
rows are deleted; 序号 only numbers a list, so its ids read ``<file>:<序号>``;
without an id column, ``<file>:<line>``.

Kind words (case and width ignored, see :func:`siteplan.schema.normalise_kind`):
路灯/灯杆 → streetlight; 监控杆/监控/视频监控杆 → monitoring_pole;
电力杆/电杆/电线杆/电力塔 → power_pole; 交通标志杆/交通杆/信号灯杆/标志杆/
交通信号杆 → traffic_pole; 铁塔/通信塔/通信铁塔 → tower; 楼顶/屋顶/楼宇/
楼面 → rooftop; 公共建筑/政府楼宇/机关/学校/医院/场馆 → public_building;
智慧杆/多功能杆/综合杆 → smart_pole; 基站/存量站/存量站址 → existing_site;
and the English kind names themselves.

Examples
--------
>>> import tempfile, pathlib
>>> text = "名称,类型,经度,纬度,产权单位,高度（米）,是否免费开放\\n" \\
...        "五一路路灯12号,路灯,119.30,26.08,城市管理局,10,是\\n"
>>> path = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
>>> _ = path.write_text(text, encoding="utf-8")
>>> row = read_open_list(path).iloc[0]
>>> row["kind"], row["owner"], float(row["height_m"]), bool(row["open_access"])
('streetlight', '城市管理局', 10.0, True)
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.errors import InputError
from siteplan.schema import KIND_NAMES, KINDS, normalise_kind, suggest, validate_candidates
from siteplan.sources.coords import CRS_NAMES, lonlat_problems, shifted_system, to_wgs84
from siteplan.sources.files import parse_degrees
from siteplan.sources.rows import BadRows, Lines, check_policy
from siteplan.sources.text import EXCEL_SUFFIXES, norm_header, read_table  # noqa: F401

HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": ("站址编码", "资源编码", "编号", "资源编号", "站址编号", "编码", "序号", "id",
                "site_id"),
    "name": ("名称", "资源名称", "站址名称", "点位名称", "name"),
    "kind": ("类型", "资源类型", "杆塔类型", "设施类型", "type", "kind"),
    "lon": ("经度", "lon", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "owner": ("产权单位", "权属单位", "所属单位", "产权方", "owner"),
    "height_m": ("高度", "挂高", "杆高", "height", "height_m"),
    "open_access": ("是否免费开放", "免费开放", "是否开放", "free", "open_access"),
}
REQUIRED = ("kind", "lon", "lat")
#: Id columns that only number a list's rows: their ids get the file name in front
#: (``清单:12``), so two lists numbered from 1 do not clash.
ROW_NUMBER_HEADERS = ("序号",)
#: Every accepted kind word (kept for callers; the matching is
#: :func:`siteplan.schema.normalise_kind`).
KIND_WORDS: dict[str, str] = {w: k for k, names in KIND_NAMES.items() for w in (k, *names)}


def _norm(header: object) -> str:
    return norm_header(header)


def map_headers(columns: list[str], source: str) -> dict[str, str]:
    """Canonical name → the file's column, or an error listing what is accepted.

    Examples
    --------
    >>> map_headers(["类型", "经度", "纬度", "备注"], "x.csv")
    {'kind': '类型', 'lon': '经度', 'lat': '纬度'}
    """
    found: dict[str, str] = {}
    normal = {_norm(c): c for c in columns}
    for canonical, names in HEADERS.items():
        for name in names:
            if _norm(name) in normal:
                found[canonical] = normal[_norm(name)]
                break
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        expected = "; ".join(f"{c}: {' / '.join(HEADERS[c])}" for c in missing)
        raise InputError(f"{source}: cannot find the column(s) {', '.join(missing)}. The file has "
                         f"{columns}. Expected headers — {expected}. Rename the columns.")
    return found


def read_open_list(path: str | Path, *, crs: str = "wgs84", sheet: str | int | None = None,
                   on_bad_rows: str = "raise", encoding: str | None = None
                   ) -> gpd.GeoDataFrame:
    """Candidates from an open-resource list (CSV or Excel).

    Parameters
    ----------
    path : str or Path
        ``.csv`` (UTF-8, Excel's BOM accepted) or ``.xlsx``.
    crs : str
        System of the lon/lat columns: ``"wgs84"``, ``"gcj02"`` (Amap,
        Tencent), ``"bd09"`` (Baidu), or a geographic EPSG code such as
        ``"EPSG:4490"`` (CGCS2000). Converted to WGS84.
    sheet : str or int, optional
        Excel sheet (the first by default).
    on_bad_rows : {"raise", "report"}
        Rows with unusable coordinates or kind raise an error naming their
        lines, or are skipped and listed in ``attrs["rejected"]``.
    encoding : str, optional
        Encoding of a CSV (UTF-8 or GBK detected by default).

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates in EPSG:4326 (``source`` = the file name).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    check_policy(on_bad_rows)
    table = read_table(path, [n for names in HEADERS.values() for n in names], need=3,
                       sheet=sheet, encoding=encoding)
    if table.empty:
        raise InputError(f"{path}: no rows under the header (line {table.attrs['header_line']}).")
    cols = map_headers(list(table.columns), str(path))
    lines = table.index.to_numpy()
    table = table.reset_index(drop=True)
    bad = BadRows(str(path))
    lon = table[cols["lon"]].map(parse_degrees).to_numpy(float)
    lat = table[cols["lat"]].map(parse_degrees).to_numpy(float)
    ok = np.ones(len(table), dtype=bool)
    named = CRS_NAMES.get(str(crs).strip().lower().replace("-", "_").replace(" ", ""))
    system = "EPSG:4326" if str(crs).lower() in ("wgs84", "epsg:4326") else (named or str(crs))
    if shifted_system(crs):
        system = shifted_system(crs)
    for mask, why in lonlat_problems(lon, lat, system):
        for i in np.flatnonzero(mask & ok):
            bad.add([lines[i]], f"{cols['lon']}/{cols['lat']}",
                    why.format(lon=table[cols["lon"]].iloc[i], lat=table[cols["lat"]].iloc[i]))
        ok &= ~mask
    words = table[cols["kind"]].fillna("").astype(str).str.strip()
    kinds = words.map(lambda w: normalise_kind(w) or "").to_numpy()
    unknown = ok & (kinds == "")
    if unknown.any():
        accepted = "、".join(k for k in KIND_WORDS if not k.isascii())
        for i in np.flatnonzero(unknown):
            bad.add([lines[i]], cols["kind"], f"unknown kind {words.iloc[i]!r}."
                    f"{suggest(words.iloc[i], KIND_WORDS)} Use one of "
                    f"{accepted} or {', '.join(KINDS)}")
        ok &= ~unknown
    height = pd.Series(np.nan, index=table.index)
    if "height_m" in cols:
        raw = table[cols["height_m"]].astype("string").str.replace(r"[米mM\s]", "",
                                                                   regex=True)
        height = pd.to_numeric(raw, errors="coerce")
        wrong = ok & (height.isna() & table[cols["height_m"]].notna()).to_numpy()
        bad.add(lines[wrong], cols["height_m"], "height is not a number of metres")
        ok &= ~wrong
    rejected = bad.finish(on_bad_rows)
    if not ok.any():
        raise InputError(f"{path}: no usable row (see the rejected rows).")
    x, y = lon[ok], lat[ok]
    if shifted_system(crs):
        x, y = to_wgs84(x, y, shifted_system(crs))
    elif system != "EPSG:4326":
        frame = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=system).to_crs(4326)
        x, y = frame.x.to_numpy(), frame.y.to_numpy()
    keep = table[ok].reset_index(drop=True)
    ids = keep[cols["site_id"]].astype("string").str.strip() if "site_id" in cols \
        else pd.Series([f"{path.stem}:{n}" for n in lines[ok]])
    if "site_id" in cols:
        empty_id = ids.isna() | (ids == "")
        if empty_id.any():
            raise InputError(f"{path}, line {lines[ok][int(np.flatnonzero(empty_id)[0])]}, "
                             f"column {cols['site_id']!r}: the id is empty. Give every row an "
                             "id, or delete the column to number rows by line.")
        ids = ids.str.replace(r"\.0$", "", regex=True)
        if norm_header(cols["site_id"]) in ROW_NUMBER_HEADERS:  # a list's own numbering
            ids = f"{path.stem}:" + ids
    out = gpd.GeoDataFrame({
        "site_id": ids.astype(str).to_numpy(), "kind": kinds[ok],
        "name": keep[cols["name"]].fillna("").to_numpy() if "name" in cols else "",
        "owner": keep[cols["owner"]].fillna("").to_numpy() if "owner" in cols else "",
        "height_m": height[ok].to_numpy(float), "line": lines[ok], "source": path.name,
    }, geometry=gpd.points_from_xy(x, y), crs=4326)
    if "open_access" in cols:
        out["open_access"] = keep[cols["open_access"]].to_numpy()
    out.attrs["lines"] = Lines(int(n) for n in lines[ok])
    out.attrs["row_offset"] = 2
    out = validate_candidates(out, source=str(path))
    out.attrs["encoding"] = table.attrs.get("encoding")
    if shifted_system(crs) or system != "EPSG:4326":
        out.attrs["notes"] = [f"{path}: lon/lat converted from {crs} to WGS84."]
    out.attrs["rejected"] = rejected
    return out
