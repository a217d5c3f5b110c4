"""Units of a region: county/district polygons from a layer, or square tiles.

A unit has a ``unit_code`` (unique, from the layer's code column), a
``unit_name`` (display text, never markup) and a ``folder`` name that is safe
on any file system whatever the code says (``007-C07``).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> targets = gpd.GeoDataFrame(geometry=[box(0, 0, 25_000, 9_000)], crs=32650)
>>> tiles = tile_units(targets, tile_km=10)
>>> tiles["unit_code"].tolist()
['T00_00', 'T00_01', 'T00_02']
>>> safe_folder(3, "../../etc")
'003-______etc'
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box
from shapely.validation import make_valid

from siteplan.config import LayerSpec
from siteplan.errors import InputError
from siteplan.landuse import local_metric_crs
from siteplan.messages import Msg
from siteplan.sources import read_layer

UNIT_COLUMNS = ["unit_code", "unit_name", "folder", "geometry"]


def safe_folder(position: int, code: str) -> str:
    """A folder name for a unit: its position and its code with every
    character but letters, digits, ``_`` and ``-`` replaced by ``_``."""
    slug = re.sub(r"[^\w-]", "_", str(code))[:40]
    return f"{position:03d}-{slug}"


def _unit_codes(frame: gpd.GeoDataFrame, path: object, code_column: str) -> pd.Series:
    """The unit codes as text; an empty or repeated code is an InputError
    naming the file, the rows and the column."""
    codes = frame[code_column]
    for row, value in enumerate(codes.tolist(), start=1):
        if value is None or (isinstance(value, float) and np.isnan(value)) or not str(value).strip():
            raise InputError(Msg("region.units.row_column_empty", path=path, row=row,
                                 code_column=repr(code_column)))
    text = codes.astype(str).str.strip()
    dup = text[text.duplicated(keep=False)]
    if len(dup):
        rows = [int(i) + 1 for i in dup.index[:5]]
        raise InputError(Msg("region.units.rows_column_unit", path=path, rows=rows,
                             code_column=repr(code_column), code=repr(dup.iloc[0])))
    return text


def _unit_polygons(frame: gpd.GeoDataFrame, path: object, text: pd.Series) -> list:
    """Each unit's polygon (made valid); an empty or non-polygon geometry is
    an InputError naming the file, the row and the unit."""
    geoms = []
    for row, geom in enumerate(frame.geometry.tolist(), start=1):
        if geom is None or geom.is_empty:
            raise InputError(Msg("region.units.row_column_geometry", path=path, row=row,
                                 code=repr(text.iloc[row - 1])))
        if not geom.is_valid:
            geom = make_valid(geom)
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(Msg("region.units.row_column_geometry_2", path=path, row=row,
                                 code=repr(text.iloc[row - 1]), geom_type=geom.geom_type))
        geoms.append(geom)
    return geoms


def read_units(spec: LayerSpec, *, code_column: str = "code",
               name_column: str | None = "name") -> gpd.GeoDataFrame:
    """Read and check a unit layer: polygons with a unique code.

    Raises
    ------
    InputError
        Missing file, layer or column; empty, duplicate or missing code;
        a geometry that is not a polygon; no CRS. The message names the
        file, the row (1-based) and the column.
    """
    path = spec.path
    frame = read_layer(path, **spec.read_kwargs())
    if frame.crs is None:
        raise InputError(Msg("region.units.unit_layer_has", path=path))
    if len(frame) == 0:
        raise InputError(Msg("region.units.unit_layer_has_2", path=path))
    columns = [c for c in frame.columns if c != "geometry"]
    for role, column in (("code_column", code_column), ("name_column", name_column)):
        if column is not None and column not in frame.columns:
            raise InputError(Msg("column.not_given", path=path, given=repr(column),
                                 what=f"the unit {role.split('_')[0]}",
                                 columns=f'{columns}. Set [region] {role} in the config'))
    text = _unit_codes(frame, path, code_column)
    geoms = _unit_polygons(frame, path, text)
    names = text if name_column is None else frame[name_column].fillna("").astype(str)
    return gpd.GeoDataFrame({
        "unit_code": text.to_numpy(), "unit_name": names.to_numpy(),
        "folder": [safe_folder(i + 1, c) for i, c in enumerate(text)],
    }, geometry=geoms, crs=frame.crs)


def tile_units(targets: gpd.GeoDataFrame, *, tile_km: float) -> gpd.GeoDataFrame:
    """Square tiles of ``tile_km`` over the target areas (only tiles that touch
    one), in the targets' local metric CRS, codes ``T<row>_<col>``."""
    if not tile_km > 0:
        raise InputError(Msg("region.units.tile_km_positive", tile_km=repr(tile_km)))
    metric = local_metric_crs(targets)  # the data's UTM / Gauss-Krüger zone, never Web Mercator
    areas = targets.to_crs(metric)
    side = tile_km * 1000.0
    minx, miny, maxx, maxy = areas.total_bounds
    x0, y0 = np.floor(minx / side) * side, np.floor(miny / side) * side
    n_cols, n_rows = int(np.ceil((maxx - x0) / side)), int(np.ceil((maxy - y0) / side))
    tiles = gpd.GeoDataFrame({
        "unit_code": [f"T{r:02d}_{c:02d}" for r in range(n_rows) for c in range(n_cols)],
    }, geometry=[box(x0 + c * side, y0 + r * side, x0 + (c + 1) * side, y0 + (r + 1) * side)
                 for r in range(n_rows) for c in range(n_cols)], crs=metric)
    area_pos, tile_pos = tiles.sindex.query(areas.geometry, predicate="intersects")
    shared = areas.geometry.iloc[area_pos].intersection(tiles.geometry.iloc[tile_pos],
                                                        align=False).area.to_numpy()
    tiles = tiles.iloc[np.unique(tile_pos[shared > 0])].reset_index(drop=True)
    tiles["unit_name"] = "Tile " + tiles["unit_code"]
    tiles["folder"] = [safe_folder(i + 1, c) for i, c in enumerate(tiles["unit_code"])]
    return gpd.GeoDataFrame(pd.DataFrame(tiles[UNIT_COLUMNS]), geometry="geometry", crs=metric)
