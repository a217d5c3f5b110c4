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
from siteplan.messages import Msg
from siteplan.schema import (
    COST_HEADERS,
    KIND_NAMES,
    KINDS,
    LAT_HEADERS,
    LON_HEADERS,
    normalise_kind,
    suggest,
    validate_candidates,
)
from siteplan.sources.coords import CRS_NAMES, lonlat_problems, shifted_system, to_wgs84
from siteplan.sources.files import parse_degrees
from siteplan.sources.rows import BadRows, Lines, check_policy
from siteplan.sources.text import (  # noqa: F401
    EXCEL_SUFFIXES,
    norm_header,
    read_table,
    skipped_note,
)

HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": ("站址编码", "资源编码", "编号", "资源编号", "站址编号", "编码", "序号", "id",
                "site_id"),
    "name": ("名称", "资源名称", "站址名称", "点位名称", "name"),
    "kind": ("类型", "资源类型", "杆塔类型", "设施类型", "type", "kind"),
    "lon": LON_HEADERS,
    "lat": LAT_HEADERS,
    "owner": ("产权单位", "权属单位", "所属单位", "产权方", "owner"),
    "height_m": ("高度", "挂高", "杆高", "height", "height_m"),
    "open_access": ("是否免费开放", "免费开放", "是否开放", "free", "open_access"),
    "own_cost_cny": COST_HEADERS,
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


def map_headers(columns: list[str], source: str,
                given: dict[str, str] | None = None) -> dict[str, str]:
    """Canonical name → the file's column, or an error listing what is accepted.

    ``given`` (a layer's ``columns`` option, ``{lon = "东经"}``) names
    columns explicitly; ``cost_cny`` stands for ``own_cost_cny``.

    Examples
    --------
    >>> map_headers(["类型", "经度", "纬度", "备注"], "x.csv")
    {'kind': '类型', 'lon': '经度', 'lat': '纬度'}
    >>> map_headers(["设施", "E", "N"], "x.csv", {"kind": "设施", "lon": "E", "lat": "N"})
    {'kind': '设施', 'lon': 'E', 'lat': 'N'}
    """
    found = _given_headers(columns, source, given or {})
    normal = {_norm(c): c for c in columns}
    for canonical, names in HEADERS.items():
        hit = next((normal[_norm(n)] for n in names if _norm(n) in normal), None)
        if canonical not in found and hit is not None and hit not in found.values():
            found[canonical] = hit
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        expected = "; ".join(f"{c}: {' / '.join(HEADERS[c])}" for c in missing)
        raise InputError(Msg("openlist.cannot_find_column", source=source, missing=', '.join(missing),
                             columns=columns, expected=expected, first=missing[0]))
    return {k: found[k] for k in HEADERS if k in found}


def _given_headers(columns: list[str], source: str, given: dict[str, str]) -> dict[str, str]:
    """The ``columns`` option checked against the canonical names and the file."""
    found: dict[str, str] = {}
    for canonical, column in given.items():
        key = "own_cost_cny" if canonical == "cost_cny" else canonical
        if key not in HEADERS:
            raise InputError(Msg("openlist.columns_not_column", source=source, canonical=canonical,
                                 quoted=repr(canonical), suggest=suggest(canonical, HEADERS),
                                 headers=', '.join(HEADERS)))
        if column not in columns:
            raise InputError(Msg("openlist.columns_file_has", source=source, canonical=canonical,
                                 column=repr(column), suggest=suggest(column, columns), columns=columns))
        found[key] = column
    return found


def _system(crs: str) -> str:
    """``gcj02``/``bd09``, ``EPSG:4326`` or the EPSG name of a ``crs`` option."""
    if shifted_system(crs):
        return str(shifted_system(crs))
    named = CRS_NAMES.get(str(crs).strip().lower().replace("-", "_").replace(" ", ""))
    return "EPSG:4326" if str(crs).lower() in ("wgs84", "epsg:4326") else (named or str(crs))


def _screen_rows(table: pd.DataFrame, cols: dict[str, str], lines: np.ndarray, system: str,
                 bad: BadRows) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                        pd.Series]:
    """Coordinates, kinds and heights of every row, and the mask of usable
    rows (the others recorded in ``bad``)."""
    lon = table[cols["lon"]].map(parse_degrees).to_numpy(float)
    lat = table[cols["lat"]].map(parse_degrees).to_numpy(float)
    ok = np.ones(len(table), dtype=bool)
    for mask, why, params in lonlat_problems(lon, lat, system):
        for i in np.flatnonzero(mask & ok):
            bad.add([lines[i]], f"{cols['lon']}/{cols['lat']}",
                    Msg(why, lon=table[cols["lon"]].iloc[i], lat=table[cols["lat"]].iloc[i],
                        **params))
        ok &= ~mask
    words = table[cols["kind"]].fillna("").astype(str).str.strip()
    kinds = words.map(lambda w: normalise_kind(w) or "").to_numpy()
    accepted = "、".join(k for k in KIND_WORDS if not k.isascii())
    for i in np.flatnonzero(ok & (kinds == "")):
        bad.add([lines[i]], cols["kind"], Msg(
            "row.unknown_kind_hint", kind=repr(words.iloc[i]),
            hint=suggest(words.iloc[i], KIND_WORDS), zh=accepted, en=", ".join(KINDS)))
    ok &= kinds != ""
    height = pd.Series(np.nan, index=table.index)
    if "height_m" in cols:
        raw = table[cols["height_m"]].astype("string").str.replace(r"[米mM\s]", "",
                                                                   regex=True)
        height = pd.to_numeric(raw, errors="coerce")
        wrong = ok & (height.isna() & table[cols["height_m"]].notna()).to_numpy()
        bad.add(lines[wrong], cols["height_m"], Msg("row.height_m"))
        ok &= ~wrong
    return lon, lat, kinds, ok, height


def _ids(keep: pd.DataFrame, cols: dict[str, str], lines: np.ndarray, path: Path) -> pd.Series:
    """Site ids of the kept rows (see the module notes)."""
    if "site_id" not in cols:
        return pd.Series([f"{path.stem}:{n}" for n in lines])
    ids = keep[cols["site_id"]].astype("string").str.strip()
    empty_id = ids.isna() | (ids == "")
    if empty_id.any():
        raise InputError(Msg("openlist.line_column_id", path=path,
                             lines=lines[int(np.flatnonzero(empty_id)[0])], cols=repr(cols['site_id'])))
    ids = ids.str.replace(r"\.0$", "", regex=True)
    if norm_header(cols["site_id"]) in ROW_NUMBER_HEADERS:  # a list's own numbering
        ids = f"{path.stem}:" + ids
    return ids


def _to_wgs84(x: np.ndarray, y: np.ndarray, system: str) -> tuple[np.ndarray, np.ndarray]:
    if system in ("gcj02", "bd09"):
        return to_wgs84(x, y, system)
    if system != "EPSG:4326":
        frame = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=system).to_crs(4326)
        return frame.x.to_numpy(), frame.y.to_numpy()
    return x, y


def read_open_list(path: str | Path, *, crs: str = "wgs84", sheet: str | int | None = None,
                   on_bad_rows: str = "raise", encoding: str | None = None,
                   columns: dict[str, str] | None = None) -> gpd.GeoDataFrame:
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
    columns : dict, optional
        Canonical name → the file's column (``{"lon": "东经"}``), for headers
        not recognised by themselves.

    Returns
    -------
    geopandas.GeoDataFrame
        Canonical candidates in EPSG:4326 (``source`` = the file name).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    check_policy(on_bad_rows)
    known = [n for names in HEADERS.values() for n in names] + list((columns or {}).values())
    table = read_table(path, known, need=3, sheet=sheet, encoding=encoding)
    if table.empty:
        raise InputError(Msg("openlist.no_rows_under", path=path, line=table.attrs['header_line']))
    cols = map_headers(list(table.columns), str(path), columns)
    lines = table.index.to_numpy()
    table = table.reset_index(drop=True)
    bad = BadRows(str(path))
    system = _system(crs)
    lon, lat, kinds, ok, height = _screen_rows(table, cols, lines, system, bad)
    rejected = bad.finish(on_bad_rows)
    if not ok.any():
        raise InputError(Msg("openlist.no_usable_row", path=path))
    x, y = _to_wgs84(lon[ok], lat[ok], system)
    keep = table[ok].reset_index(drop=True)
    out = gpd.GeoDataFrame({
        "site_id": _ids(keep, cols, lines[ok], path).astype(str).to_numpy(), "kind": kinds[ok],
        "name": keep[cols["name"]].fillna("").to_numpy() if "name" in cols else "",
        "owner": keep[cols["owner"]].fillna("").to_numpy() if "owner" in cols else "",
        "height_m": height[ok].to_numpy(float), "line": lines[ok], "source": path.name,
    }, geometry=gpd.points_from_xy(x, y), crs=4326)
    for canonical in ("open_access", "own_cost_cny"):
        if canonical in cols:
            out[canonical] = keep[cols[canonical]].to_numpy()
    out.attrs["lines"] = Lines(int(n) for n in lines[ok])
    out.attrs["row_offset"] = 2
    out = validate_candidates(out, source=str(path))
    out.attrs["encoding"] = table.attrs.get("encoding")
    out.attrs["notes"] = skipped_note(table, path) + (
        [Msg("n.lonlat_converted", source=path, system=crs)] if system != "EPSG:4326" else [])
    out.attrs["rejected"] = rejected
    out.attrs["columns"] = cols
    return out
