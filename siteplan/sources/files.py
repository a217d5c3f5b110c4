"""Read GIS layers (GeoPackage, GeoJSON, Shapefile) and lon/lat CSV files.

Examples
--------
>>> from siteplan.sources import read_candidates
>>> from siteplan.datasets import sample_path
>>> cands = read_candidates(sample_path("candidates.gpkg"))
>>> sorted(cands.columns)[:3]
['geometry', 'height_m', 'kind']
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from siteplan.errors import InputError
from siteplan.schema import validate_candidates, validate_targets
from siteplan.sources.coords import to_wgs84

LON_NAMES = ("lon", "lng", "long", "longitude", "x", "经度")
LAT_NAMES = ("lat", "latitude", "y", "纬度")
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


def _pick(columns: list[str], names: tuple[str, ...], given: str | None, path: Path,
          what: str) -> str:
    if given is not None:
        if given not in columns:
            raise InputError(f"{path}: no column {given!r} for {what}; columns are {columns}.")
        return given
    lowered = {str(c).strip().lower(): c for c in columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise InputError(
        f"{path}: cannot find the {what} column; expected one of {', '.join(names)}, "
        f"found {columns}. Rename it or pass lon=/lat= (or lon_column/lat_column in config)."
    )


def read_csv_points(path: str | Path, *, lon: str | None = None, lat: str | None = None,
                    crs: str | int = "EPSG:4326") -> gpd.GeoDataFrame:
    """Read a CSV with longitude/latitude columns into a point GeoDataFrame.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, or UTF-8 with BOM as Excel writes it).
    lon, lat : str, optional
        Column names; found automatically (lon/lng/longitude/经度, lat/纬度).
    crs : str or int
        CRS of the coordinates: any EPSG code, or ``"gcj02"``/``"bd09"`` for
        the obfuscated systems of Chinese map apps (converted to WGS84).

    Returns
    -------
    geopandas.GeoDataFrame
        Points; ``attrs["row_offset"] = 2`` so errors name CSV line numbers.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", sep=None, engine="python")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{path}: cannot read as CSV ({exc}). Save it as UTF-8 CSV.") from exc
    columns = list(frame.columns)
    lon_col = _pick(columns, LON_NAMES, lon, path, "longitude")
    lat_col = _pick(columns, LAT_NAMES, lat, path, "latitude")
    xs = pd.to_numeric(frame[lon_col], errors="coerce").to_numpy(float)
    ys = pd.to_numeric(frame[lat_col], errors="coerce").to_numpy(float)
    bad = np.isnan(xs) | np.isnan(ys)
    if bad.any():
        line = int(np.flatnonzero(bad)[0]) + 2
        raise InputError(
            f"{path}, line {line}, columns {lon_col!r}/{lat_col!r}: coordinate is empty or not a "
            f"number ({int(bad.sum())} rows in all). Fill it in or remove the row."
        )
    text_crs = str(crs).lower()
    if text_crs in ("gcj02", "gcj-02", "bd09", "bd-09"):
        xs, ys = to_wgs84(xs, ys, text_crs.replace("-", ""))
        crs = "EPSG:4326"
    frame = frame.drop(columns=[lon_col, lat_col])
    out = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs=crs)
    out.attrs["row_offset"] = 2
    return out


def read_layer(path: str | Path, *, layer: str | None = None, lon: str | None = None,
               lat: str | None = None, crs: str | int | None = None) -> gpd.GeoDataFrame:
    """Read any vector layer or lon/lat CSV.

    Parameters
    ----------
    path : str or Path
        GeoPackage, GeoJSON, Shapefile, any GDAL vector format, or CSV.
    layer : str, optional
        Layer name in a multi-layer file.
    lon, lat, crs
        For CSV files, see :func:`read_csv_points`. For GIS files ``crs`` sets
        the CRS of a layer that has none.

    Raises
    ------
    InputError
        The file is missing, unreadable, or the layer does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found. Check the path (relative paths are "
                         "resolved from the config file's folder).")
    if path.suffix.lower() in CSV_SUFFIXES:
        return read_csv_points(path, lon=lon, lat=lat, crs=crs or "EPSG:4326")
    try:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError) as exc:
        layers = ""
        try:
            layers = f" Layers in the file: {[n for n, _ in pyogrio.list_layers(path)]}."
        except (DataSourceError, DataLayerError):
            pass
        raise InputError(f"{path}: cannot read layer {layer or '(first)'} ({exc}).{layers}") from exc
    if frame.crs is None and crs is not None:
        frame = frame.set_crs(crs)
    frame.attrs["row_offset"] = 1
    return frame


def read_candidates(path: str | Path, **kwargs: object) -> gpd.GeoDataFrame:
    """Read and validate a candidate-site layer (see :func:`read_layer`)."""
    return validate_candidates(read_layer(path, **kwargs), source=str(path))  # type: ignore[arg-type]


def read_targets(path: str | Path, **kwargs: object) -> gpd.GeoDataFrame:
    """Read and validate a target-area layer (see :func:`read_layer`)."""
    return validate_targets(read_layer(path, **kwargs), source=str(path))  # type: ignore[arg-type]
