"""Open-resource lists (开放清单): the yearly lists of public buildings and
poles opened for 5G, as CSV or Excel with Chinese or English headers.

Accepted headers (case and spaces ignored, units in brackets allowed, e.g.
``高度（米）``):

=============  =====================================================  ==============
canonical      headers                                                required
=============  =====================================================  ==============
site_id        编号, 资源编号, 站址编号, id, site_id                    no (generated)
name           名称, 资源名称, 站址名称, 点位名称, name                   no
kind           类型, 资源类型, 杆塔类型, 设施类型, type, kind             yes
lon            经度, lon, lng, longitude                              yes
lat            纬度, lat, latitude                                    yes
owner          产权单位, 权属单位, 所属单位, 产权方, owner                 no
height_m       高度, 挂高, 杆高, height, height_m                       no
open_access    是否免费开放, 免费开放, 是否开放, free, open_access        no
=============  =====================================================  ==============

Kind words: 路灯/灯杆 → streetlight; 监控杆/监控/视频监控杆 → monitoring_pole;
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

import csv
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from siteplan.errors import InputError
from siteplan.schema import KINDS, validate_candidates
from siteplan.sources.coords import lonlat_problems, to_wgs84
from siteplan.sources.rows import BadRows, check_policy

HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": ("编号", "资源编号", "站址编号", "id", "site_id"),
    "name": ("名称", "资源名称", "站址名称", "点位名称", "name"),
    "kind": ("类型", "资源类型", "杆塔类型", "设施类型", "type", "kind"),
    "lon": ("经度", "lon", "lng", "longitude"),
    "lat": ("纬度", "lat", "latitude"),
    "owner": ("产权单位", "权属单位", "所属单位", "产权方", "owner"),
    "height_m": ("高度", "挂高", "杆高", "height", "height_m"),
    "open_access": ("是否免费开放", "免费开放", "是否开放", "free", "open_access"),
}
REQUIRED = ("kind", "lon", "lat")
KIND_WORDS: dict[str, str] = {
    **{w: "streetlight" for w in ("路灯", "灯杆", "路灯杆")},
    **{w: "monitoring_pole" for w in ("监控杆", "监控", "视频监控杆", "治安监控杆")},
    **{w: "power_pole" for w in ("电力杆", "电杆", "电线杆", "电力塔")},
    **{w: "traffic_pole" for w in ("交通标志杆", "交通杆", "信号灯杆", "标志杆", "交通信号杆")},
    **{w: "tower" for w in ("铁塔", "通信塔", "通信铁塔")},
    **{w: "rooftop" for w in ("楼顶", "屋顶", "楼宇", "楼面")},
    **{w: "public_building" for w in ("公共建筑", "政府楼宇", "机关", "学校", "医院", "场馆")},
    **{w: "smart_pole" for w in ("智慧杆", "多功能杆", "综合杆")},
    **{w: "existing_site" for w in ("基站", "存量站", "存量站址")},
    **{k: k for k in KINDS},
}
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_UNIT = re.compile(r"[（(].*?[)）]")


def _norm(header: object) -> str:
    return _UNIT.sub("", str(header)).strip().lower().replace(" ", "")


def _read_table(path: Path, sheet: str | int | None) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty.")
    try:
        if path.suffix.lower() in EXCEL_SUFFIXES:
            return pd.read_excel(path, sheet_name=sheet or 0, dtype=str)
        return pd.read_csv(path, encoding="utf-8-sig", sep=None, engine="python", dtype=str)
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{path}: the file is empty.") from exc
    except (pd.errors.ParserError, csv.Error, UnicodeDecodeError, ValueError, OSError) as exc:
        hint = "Save it as .xlsx or UTF-8 CSV." if path.suffix.lower() not in EXCEL_SUFFIXES \
            else "Open it in Excel and save it again as .xlsx."
        raise InputError(f"{path}: cannot read ({exc}). {hint}") from exc


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
                   on_bad_rows: str = "raise") -> gpd.GeoDataFrame:
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

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates in EPSG:4326 (``source`` = the file name).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found.")
    check_policy(on_bad_rows)
    table = _read_table(path, sheet)
    if table.empty:
        raise InputError(f"{path}: no rows under the header.")
    cols = map_headers(list(table.columns), str(path))
    lines = np.arange(len(table)) + 2
    bad = BadRows(str(path))
    lon = pd.to_numeric(table[cols["lon"]], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(table[cols["lat"]], errors="coerce").to_numpy(float)
    ok = np.ones(len(table), dtype=bool)
    system = "EPSG:4326" if crs.lower() in ("wgs84", "epsg:4326") else crs
    for mask, why in lonlat_problems(lon, lat, system):
        for i in np.flatnonzero(mask & ok):
            bad.add([lines[i]], f"{cols['lon']}/{cols['lat']}",
                    why.format(lon=table[cols["lon"]].iloc[i], lat=table[cols["lat"]].iloc[i]))
        ok &= ~mask
    words = table[cols["kind"]].fillna("").astype(str).str.strip()
    kinds = words.map(lambda w: KIND_WORDS.get(w, KIND_WORDS.get(w.lower(), ""))).to_numpy()
    unknown = ok & (kinds == "")
    if unknown.any():
        accepted = "、".join(k for k in KIND_WORDS if not k.isascii())
        for i in np.flatnonzero(unknown):
            bad.add([lines[i]], cols["kind"], f"unknown kind {words.iloc[i]!r}; use one of "
                    f"{accepted} or {', '.join(KINDS)}")
        ok &= ~unknown
    height = pd.Series(np.nan, index=table.index)
    if "height_m" in cols:
        raw = table[cols["height_m"]].str.replace(r"[米mM\s]", "", regex=True)
        height = pd.to_numeric(raw, errors="coerce")
        wrong = ok & (height.isna() & table[cols["height_m"]].notna()).to_numpy()
        bad.add(lines[wrong], cols["height_m"], "height is not a number of metres")
        ok &= ~wrong
    rejected = bad.finish(on_bad_rows)
    if not ok.any():
        raise InputError(f"{path}: no usable row (see the rejected rows).")
    x, y = lon[ok], lat[ok]
    if crs.lower().replace("-", "") in ("gcj02", "bd09"):
        x, y = to_wgs84(x, y, crs)
    elif system != "EPSG:4326":
        frame = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=system).to_crs(4326)
        x, y = frame.x.to_numpy(), frame.y.to_numpy()
    keep = table[ok].reset_index(drop=True)
    ids = keep[cols["site_id"]] if "site_id" in cols else pd.Series(
        [f"{path.stem}:{n}" for n in lines[ok]])
    out = gpd.GeoDataFrame({
        "site_id": ids.astype(str).to_numpy(), "kind": kinds[ok],
        "name": keep[cols["name"]].fillna("").to_numpy() if "name" in cols else "",
        "owner": keep[cols["owner"]].fillna("").to_numpy() if "owner" in cols else "",
        "height_m": height[ok].to_numpy(float), "line": lines[ok], "source": path.name,
    }, geometry=gpd.points_from_xy(x, y), crs=4326)
    if "open_access" in cols:
        out["open_access"] = keep[cols["open_access"]].to_numpy()
    out.attrs["row_offset"] = 2
    out = validate_candidates(out, source=str(path))
    out.attrs["rejected"] = rejected
    return out
