"""Seeded generator of the files a Chinese county planner really has.

A synthetic county near Fuzhou (119.6°E, 26.0°N), laid out in CGCS2000
3-degree Gauss–Krüger zone 40 (EPSG:4528) as a grid of 500 m land parcels,
and written the way the offices hand their data over:

- ``开放清单.xlsx``: the open-resource list copied from Amap, **GCJ-02**,
  a title row above the Chinese header, ids in 序号, a 合计 row at the end;
- ``电力杆清单.csv``: the grid company's pole list, **GBK**, **BD-09**,
  站址编码 ids, a title row and a 小计 row;
- ``目标区域.kml``: target areas drawn in 奥维 (**GCJ-02**), Chinese
  ``<name>``, ExtendedData 区域类型/无线环境/建设年度, one folder per year;
- ``三调/DLTB.shp`` (GBK DBF **with** ``.cpg``) and ``三调_无cpg/DLTB.shp``
  (the same without): the land-survey parcels with BSM/DLBM/DLMC in
  **EPSG:4528**;
- ``生态保护红线.shp``: the red line in CGCS2000 (EPSG:4490), no class column;
- ``永久基本农田.geojson``: basic farmland in GCJ-02, no class column.

:class:`County` keeps the truth: every candidate's WGS84 position and the
land-use conflicts the bureau expects for it (from the same geometry the
files were written from, computed independently of siteplan's reader).

Examples
--------
>>> county = County(seed=1)
>>> len(county.candidates) > 50, county.parcel_class(0, 0)
(True, '0701')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import box

from siteplan.sources.coords import wgs84_to_bd09, wgs84_to_gcj02

GK = 4528  # CGCS2000 / 3-degree Gauss-Kruger zone 40 (zone number in the easting)
CELL_M = 500.0
#: Parcel classes (三调 DLBM) by row (south to north) and column (west to east).
LAYOUT = [
    ["0701", "05H1", "0701", "08H2", "0101", "0103", "0301", "0301"],
    ["0702", "0701", "0601", "0701", "0101", "0102", "0301", "0305"],
    ["1003", "0701", "0701", "0702", "0201", "1101", "0301", "0301"],
    ["0101", "0101", "0404", "0702", "0201", "1101", "0307", "0305"],
]
NAMES = {"0101": "水田", "0102": "水浇地", "0103": "旱地", "0201": "果园", "0301": "乔木林地",
         "0305": "灌木林地", "0307": "其他林地", "0404": "其他草地", "0601": "工业用地",
         "0701": "城镇住宅用地", "0702": "农村宅基地", "05H1": "商业服务业设施用地",
         "08H2": "科教文卫用地", "1003": "公路用地", "1101": "河流水面"}
SURVEY = {"0101": "cultivated", "0102": "cultivated", "0103": "cultivated",
          "0201": "agricultural", "0301": "forest", "0305": "forest", "0307": "forest",
          "0404": "unused", "0601": "construction", "0701": "construction",
          "0702": "construction", "05H1": "construction", "08H2": "construction",
          "1003": "construction", "1101": "water"}
#: The red line covers these cells (row, col); basic farmland these.
RED_LINE = [(2, 6), (2, 7), (3, 6), (3, 7)]
BASIC_FARMLAND = [(3, 0)]
#: Rules of siteplan's defaults table, restated here for the expectation.
RULES = {
    "basic_farmland": {"new_tower": "forbidden", "new_pole": "restricted"},
    "ecological_red_line": {"new_tower": "forbidden", "new_pole": "forbidden"},
    "forest": {"new_tower": "restricted", "new_pole": "restricted"},
    "water": {"new_tower": "forbidden", "new_pole": "forbidden"},
    "cultivated": {"new_tower": "restricted", "new_pole": "restricted"},
    "agricultural": {"new_tower": "restricted", "new_pole": "allowed"},
    "construction": {"new_tower": "allowed", "new_pole": "allowed"},
    "unused": {"new_tower": "allowed", "new_pole": "allowed"},
}
OPEN_KINDS = ["路灯", "监控杆", "楼顶", "铁塔", "交通杆"]
GROUP = {"新建铁塔": "new_tower", "智慧杆": "new_pole"}


@dataclass
class County:
    """The truth behind the files (see the module notes)."""

    seed: int = 0
    origin: tuple[float, float] = field(init=False)
    candidates: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.to_gk = Transformer.from_crs(4326, GK, always_xy=True)
        self.to_wgs = Transformer.from_crs(GK, 4326, always_xy=True)
        x0, y0 = self.to_gk.transform(119.6, 26.0)
        self.origin = (round(x0, -2), round(y0, -2))
        self.candidates = self._candidates()

    # --- geometry -------------------------------------------------------------------------
    def cell_box(self, row: int, col: int):
        x0, y0 = self.origin
        return box(x0 + col * CELL_M, y0 + row * CELL_M, x0 + (col + 1) * CELL_M,
                   y0 + (row + 1) * CELL_M)

    def parcel_class(self, row: int, col: int) -> str:
        return LAYOUT[row][col]

    def _point(self, row: int, col: int, margin_m: float = 60.0) -> tuple[float, float]:
        x0, y0 = self.origin
        dx, dy = self.rng.uniform(margin_m, CELL_M - margin_m, 2)
        return x0 + col * CELL_M + dx, y0 + row * CELL_M + dy

    def _candidates(self) -> pd.DataFrame:
        rows = []
        x0, y0 = self.origin
        # existing structures on a 150 m lattice over the built-up west (cols 0-3)
        n = 0
        for gy in np.arange(50.0, 4 * CELL_M, 150.0):
            for gx in np.arange(50.0, 4 * CELL_M, 150.0):
                x = x0 + gx + self.rng.uniform(-20, 20)
                y = y0 + gy + self.rng.uniform(-20, 20)
                kind = OPEN_KINDS[n % len(OPEN_KINDS)]
                source = "pole" if n % 7 == 3 else "open"
                rows.append({"x": x, "y": y, "kind": "电力杆" if source == "pole" else kind,
                             "source": source})
                n += 1
        # new builds placed in chosen parcels, 60 m inside every edge
        for row in range(4):
            for col in range(8):
                for kind in ("新建铁塔", "智慧杆"):
                    x, y = self._point(row, col)
                    rows.append({"x": x, "y": y, "kind": kind, "source": "open"})
        frame = pd.DataFrame(rows)
        lon, lat = self.to_wgs.transform(frame["x"].to_numpy(), frame["y"].to_numpy())
        frame["lon"], frame["lat"] = lon, lat
        frame["height_m"] = self.rng.choice([8.0, 10.0, 12.0, 25.0, 40.0], len(frame))
        open_rows = frame["source"] == "open"
        frame.loc[open_rows, "site_id"] = [f"开放清单:{i + 1}" for i in range(int(open_rows.sum()))]
        frame.loc[~open_rows, "site_id"] = [f"3501020{i:05d}" for i in
                                            range(int((~open_rows).sum()))]
        frame["name"] = [f"{k}{i + 1}号" for i, k in enumerate(frame["kind"])]
        return frame

    # --- truth -----------------------------------------------------------------------------
    def zones_at(self, x: float, y: float) -> list[tuple[str, str]]:
        """(zone class, zone description) under a point, from the layout."""
        x0, y0 = self.origin
        col, row = int((x - x0) // CELL_M), int((y - y0) // CELL_M)
        out = []
        if 0 <= row < 4 and 0 <= col < 8:
            out.append((SURVEY[LAYOUT[row][col]], LAYOUT[row][col]))
            if (row, col) in RED_LINE:
                out.append(("ecological_red_line", "red line"))
            if (row, col) in BASIC_FARMLAND:
                out.append(("basic_farmland", "farmland"))
        return out

    def expected_conflicts(self, site_ids: set[str] | None = None) -> set[tuple[str, str, str]]:
        """``(site_id, zone_class, rule)`` the bureau expects (rule not allowed)."""
        found = set()
        for r in self.candidates.itertuples():
            if site_ids is not None and r.site_id not in site_ids:
                continue
            group = GROUP.get(r.kind)
            if group is None:
                continue  # existing structures take no land
            for zone_class, _ in self.zones_at(r.x, r.y):
                rule = RULES[zone_class][group]
                if rule != "allowed":
                    found.add((r.site_id, zone_class, rule))
        return found

    def truth_xy(self) -> pd.DataFrame:
        """site_id -> (x, y) in EPSG:4528 metres."""
        return self.candidates.set_index("site_id")[["x", "y"]]

    # --- files -----------------------------------------------------------------------------
    def write(self, folder: Path) -> dict[str, Path]:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return {"xlsx": self.write_open_list(folder / "开放清单.xlsx"),
                "csv": self.write_pole_list(folder / "电力杆清单.csv"),
                "kml": self.write_targets(folder / "目标区域.kml"),
                "dltb": self.write_parcels(folder / "三调" / "DLTB.shp", cpg=True),
                "dltb_nocpg": self.write_parcels(folder / "三调_无cpg" / "DLTB.shp", cpg=False),
                "red_line": self.write_red_line(folder / "生态保护红线.shp"),
                "farmland": self.write_farmland(folder / "永久基本农田.geojson")}

    def write_open_list(self, path: Path) -> Path:
        part = self.candidates[self.candidates["source"] == "open"]
        glon, glat = wgs84_to_gcj02(part["lon"].to_numpy(), part["lat"].to_numpy())
        body = [[sid.split(":")[1], name, kind, f"{x:.7f}", f"{y:.7f}", h, "城市管理局"]
                for sid, name, kind, x, y, h in zip(part["site_id"], part["name"], part["kind"],
                                                   glon, glat, part["height_m"], strict=True)]
        rows = [["某县2021年5G开放资源清单（高德坐标）", None, None, None, None, None, None],
                ["序号", "资源名称", "资源类型", "经度", "纬度", "挂高（米）", "产权单位"],
                *body, ["合计", f"{len(body)}个", None, None, None, None, None]]
        pd.DataFrame(rows).to_excel(path, header=False, index=False)
        return path

    def write_pole_list(self, path: Path) -> Path:
        part = self.candidates[self.candidates["source"] == "pole"]
        blon, blat = wgs84_to_bd09(part["lon"].to_numpy(), part["lat"].to_numpy())
        lines = ["国网某县供电公司 电力杆资源表（百度坐标）",
                 "站址编码,站址名称,类型,经度,纬度,杆高(m),权属单位"]
        lines += [f"{sid},{name},{kind},{x:.7f},{y:.7f},{h},国网某县供电公司"
                  for sid, name, kind, x, y, h in zip(part["site_id"], part["name"], part["kind"],
                                                     blon, blat, part["height_m"], strict=True)]
        lines.append(f"小计,{len(part)},,,,,")
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
        return path

    def write_ovital_txt(self, path: Path) -> Path:
        """The towers as an 奥维 point export: GBK text, tab-separated, a title
        line, GCJ-02 in degrees-minutes-seconds, no kind and no id column."""
        part = self.candidates[self.candidates["kind"] == "铁塔"]
        glon, glat = wgs84_to_gcj02(part["lon"].to_numpy(), part["lat"].to_numpy())

        def dms(value: float, hemisphere: str) -> str:
            d = int(value)
            m = int((value - d) * 60)
            sec = (value - d - m / 60) * 3600
            return f"{d}°{m}′{sec:.3f}″{hemisphere}"

        lines = ["奥维互动地图 导出标签", "名称\t经度\t纬度\t海拔\t备注"]
        lines += [f"{name}\t{dms(x, 'E')}\t{dms(y, 'N')}\t12\t"
                  for name, x, y in zip(part["name"], glon, glat, strict=True)]
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
        return path

    def target_areas(self) -> list[dict]:
        """Two target areas over the built-up west (GK metres)."""
        x0, y0 = self.origin
        return [
            {"name": "城关镇中心", "class": "主城区", "env": "一般城区", "year": "2021年",
             "geometry": box(x0 + 200, y0 + 200, x0 + 1200, y0 + 1000)},
            {"name": "工业园区", "class": "工业园区", "env": "郊区", "year": "2022年",
             "geometry": box(x0 + 1300, y0 + 300, x0 + 1900, y0 + 1100)},
        ]

    def write_targets(self, path: Path, *, areas: list[dict] | None = None) -> Path:
        folders: dict[str, list[str]] = {}
        for area in areas or self.target_areas():
            ring = np.array(area["geometry"].exterior.coords)
            lon, lat = self.to_wgs.transform(ring[:, 0], ring[:, 1])
            glon, glat = wgs84_to_gcj02(lon, lat)
            coords = " ".join(f"{a:.8f},{b:.8f},0" for a, b in zip(glon, glat, strict=True))
            data = "".join(f'<Data name="{k}"><value>{v}</value></Data>'
                           for k, v in (("区域类型", area["class"]), ("无线环境", area["env"]),
                                        ("建设年度", area["year"]), ("Name", area["name"])))
            folders.setdefault(area["year"], []).append(
                f"<Placemark><name>{area['name']}</name><ExtendedData>{data}</ExtendedData>"
                f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}</coordinates>"
                "</LinearRing></outerBoundaryIs></Polygon></Placemark>")
        body = "".join(f"<Folder><name>{year}</name>{''.join(marks)}</Folder>"
                       for year, marks in folders.items())
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>'
                        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
                        f"<name>目标区域</name>{body}</Document></kml>", encoding="utf-8")
        return path

    def parcels(self) -> gpd.GeoDataFrame:
        rows, geoms = [], []
        for row in range(4):
            for col in range(8):
                code = LAYOUT[row][col]
                rows.append({"BSM": f"3501{row:02d}{col:02d}", "DLBM": code, "DLMC": NAMES[code],
                             "QSDWMC": "某村民委员会", "TBMJ": CELL_M * CELL_M})
                geoms.append(self.cell_box(row, col))
        return gpd.GeoDataFrame(rows, geometry=geoms, crs=GK)

    def write_parcels(self, path: Path, *, cpg: bool) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.parcels().to_file(path, encoding="GBK", engine="pyogrio")
        if not cpg:
            path.with_suffix(".cpg").unlink()
        return path

    def write_red_line(self, path: Path) -> Path:
        geom = gpd.GeoSeries([self.cell_box(r, c) for r, c in RED_LINE], crs=GK).union_all()
        frame = gpd.GeoDataFrame({"HXMC": ["某山生态保护红线"], "HXBH": ["HX-01"]},
                                 geometry=[geom], crs=GK).to_crs(4490)
        frame.to_file(path, encoding="GBK", engine="pyogrio")
        return path

    def write_farmland(self, path: Path) -> Path:
        features = []
        for i, (r, c) in enumerate(BASIC_FARMLAND):
            ring = np.array(self.cell_box(r, c).exterior.coords)
            lon, lat = self.to_wgs.transform(ring[:, 0], ring[:, 1])
            glon, glat = wgs84_to_gcj02(lon, lat)
            polygon = {"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in
                                                           zip(glon, glat, strict=True)]]}
            features.append({"type": "Feature", "properties": {"名称": f"基本农田保护片{i + 1}"},
                             "geometry": polygon})
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                   ensure_ascii=False), encoding="utf-8")
        return path

    def config(self, folder: Path, files: dict[str, Path], *, extra: str = "",
               dltb: str = "dltb") -> Path:
        text = f'''[project]
name = "某县5G规划"

[inputs]
candidates = [{{path = "{files['xlsx'].name}", crs = "gcj02"}},
              {{path = "{files['csv'].name}", crs = "bd09"}}]
targets = {{path = "{files['kml'].name}", crs = "gcj02"}}
landuse = [{{path = "{files[dltb].relative_to(folder).as_posix()}"}},
           {{path = "{files['red_line'].name}", class = "生态保护红线"}},
           {{path = "{files['farmland'].name}", class = "永久基本农田", crs = "gcj02"}}]
{extra}
[solver]
time_limit_s = 2
seed = 1

[assumptions]
"demand.spacing_m" = 60
'''
        path = folder / "plan.toml"
        path.write_text(text, encoding="utf-8")
        return path


def gk_distance_m(frame: gpd.GeoDataFrame, truth: pd.DataFrame) -> np.ndarray:
    """Distance (m) of each site of ``frame`` (``site_id`` + geometry) from its truth."""
    gk = frame.to_crs(GK)
    xy = truth.loc[gk["site_id"]]
    return np.hypot(gk.geometry.x.to_numpy() - xy["x"].to_numpy(),
                    gk.geometry.y.to_numpy() - xy["y"].to_numpy())


__all__ = ["County", "gk_distance_m"]
