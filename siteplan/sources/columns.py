"""Planners' column names (Chinese or English) to siteplan's canonical columns.

A canonical column already in the layer is kept; otherwise the first header
found among its names (compared without case, spaces or units in brackets)
is renamed. A layer's ``columns`` option (``{area_class = "folder_1"}``)
names the column explicitly, and ``defaults`` fills a column the layer
lacks (or its empty cells).

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"区域名称": ["城区"], "区域类型": ["主城区"], "无线环境": ["密集城区"],
...                     "建设年度": ["2021年"]})
>>> out = canonical_columns(raw, TARGET_HEADERS, source="areas.kml")
>>> sorted(out.columns)
['area_class', 'environment', 'milestone', 'name']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.schema import COST_HEADERS, suggest
from siteplan.sources.text import norm_header

TARGET_HEADERS: dict[str, tuple[str, ...]] = {
    "area_id": ("区域编号", "区域编码", "编号", "编码", "序号", "id", "area_id"),
    "name": ("名称", "区域名称", "name"),
    "area_class": ("区域类型", "区域类别", "场景类型", "场景", "类别", "类型", "area_class",
                   "class"),
    "environment": ("无线环境", "覆盖环境", "环境", "地物类型", "environment"),
    "milestone": ("建设年度", "年度", "年份", "里程碑", "milestone", "year"),
    "coverage_target": ("覆盖率目标", "目标覆盖率", "覆盖目标", "coverage_target"),
    "indoor": ("是否室内", "室内", "室内覆盖", "indoor"),
    "weight": ("权重", "需求权重", "weight"),
}
CANDIDATE_HEADERS: dict[str, tuple[str, ...]] = {
    "site_id": ("站址编码", "资源编码", "编号", "资源编号", "站址编号", "编码", "序号", "id",
                "site_id"),
    "name": ("名称", "资源名称", "站址名称", "点位名称", "name"),
    "kind": ("站址类型", "类型", "资源类型", "杆塔类型", "设施类型", "type", "kind"),
    "owner": ("产权单位", "权属单位", "所属单位", "产权方", "owner"),
    "height_m": ("挂高", "高度", "杆高", "height", "height_m"),
    "open_access": ("是否免费开放", "免费开放", "是否开放", "open_access"),
    "on_air": ("是否开通", "已开通", "在网", "on_air"),
    "power_supply": ("供电方式", "供电类型", "power_supply"),
    "own_cost_cny": COST_HEADERS,
}


def canonical_columns(frame: pd.DataFrame, headers: Mapping[str, tuple[str, ...]], *,
                      columns: Mapping[str, str] | None = None,
                      defaults: Mapping[str, Any] | None = None,
                      source: str = "layer") -> pd.DataFrame:
    """Rename known headers to canonical columns (see the module notes).

    Raises
    ------
    InputError
        ``columns`` names a canonical column that does not exist, or a file
        column the layer does not have.
    """
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    present = [c for c in out.columns if c != "geometry"]
    renames = _given(out, headers, columns or {}, present, source)
    taken = set(renames.values())
    normal = {norm_header(c): c for c in present}
    for canonical, names in headers.items():
        if canonical in taken or canonical in out.columns:
            continue
        for name in names:
            column = normal.get(norm_header(name))
            if column is not None and column not in renames and column not in headers:
                renames[column] = canonical
                break
    clash = [c for c in renames.values() if c in out.columns and c not in renames]
    out = out.drop(columns=clash).rename(columns=renames)
    _fill_defaults(out, headers, defaults or {}, source)
    return out


def _given(out: pd.DataFrame, headers: Mapping[str, tuple[str, ...]],
           columns: Mapping[str, str], present: list[str], source: str) -> dict[str, str]:
    """The ``columns`` option as renames (file column → canonical), checked."""
    renames: dict[str, str] = {}
    for canonical, column in columns.items():
        if canonical not in headers:
            raise InputError(Msg("column.map_unknown", source=source, canonical=canonical,
                                 quoted=repr(canonical), hint=suggest(canonical, headers),
                                 headers=', '.join(headers)))
        if column not in out.columns:
            raise InputError(Msg("column.map_absent", source=source, canonical=canonical,
                                 column=repr(column), hint=suggest(column, present), present=present))
        renames[column] = canonical
    return renames


def _fill_defaults(out: pd.DataFrame, headers: Mapping[str, tuple[str, ...]],
                   defaults: Mapping[str, Any], source: str) -> None:
    """Fill missing columns and empty cells from the ``defaults`` option (in place)."""
    for canonical, value in defaults.items():
        if canonical not in headers:
            raise InputError(Msg("columns.defaults_not_column", source=source, canonical=canonical,
                                 quoted=repr(canonical), suggest=suggest(canonical, headers),
                                 headers=', '.join(headers)))
        if canonical not in out.columns:
            out[canonical] = value
        else:
            empty = out[canonical].isna() | (out[canonical].astype(str).str.strip() == "")
            out.loc[empty, canonical] = value


def target_ids(frame: pd.DataFrame, stem: str) -> pd.DataFrame:
    """Give areas without an ``area_id`` column one: the name when names are
    unique and filled, else ``<file stem>-<row>``.

    Examples
    --------
    >>> target_ids(pd.DataFrame({"name": ["东区", "西区"]}), "areas")["area_id"].tolist()
    ['东区', '西区']
    >>> target_ids(pd.DataFrame({"name": ["区", "区"]}), "areas")["area_id"].tolist()
    ['areas-1', 'areas-2']
    """
    if "area_id" in frame.columns:
        return frame
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    names = out["name"].astype("string").str.strip() if "name" in out.columns else None
    if names is not None and names.notna().all() and (names != "").all() and names.is_unique:
        out["area_id"] = names.astype(str)
    else:
        out["area_id"] = [f"{stem}-{i + 1}" for i in range(len(out))]
    return out


def candidate_ids(frame: pd.DataFrame, stem: str) -> pd.DataFrame:
    """Give the rows of a point table (CSV/TXT/XLSX, ``attrs["lines"]``)
    without a ``site_id`` column ids ``<file stem>:<line>``, as open lists get.

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["a", "b"]})
    >>> table.attrs["lines"] = [3, 5]
    >>> candidate_ids(table, "marks")["site_id"].tolist()
    ['marks:3', 'marks:5']
    """
    lines = frame.attrs.get("lines")
    if "site_id" in frame.columns or lines is None or len(lines) != len(frame):
        return frame
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    out["site_id"] = [f"{stem}:{n}" for n in lines]
    return out
