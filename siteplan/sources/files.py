"""Read GIS layers (GeoPackage, GeoJSON, Shapefile, KML/KMZ) and point
tables (CSV, TXT, XLSX with lon/lat columns), in any coordinate system.

- Shapefiles without a ``.cpg`` are decoded as UTF-8 or GBK/GB18030 by
  their text (:func:`siteplan.sources.text.dbf_encoding`); ``encoding``
  overrides, and a ``.cpg`` that does not fit the text is an error.
- CSV/TXT in UTF-8 (with or without BOM) or GBK; the header row may sit
  below title rows; 合计/小计 rows are left out; lon/lat may be decimal
  degrees or degrees-minutes-seconds (``119°18'05.1"E``).
- ``crs = "gcj02"`` or ``"bd09"`` on *any* layer moves every vertex to
  WGS84; other ``crs`` values set the layer's CRS; CGCS2000 and its
  Gauss–Krüger zones are recognised without an EPSG code.

Examples
--------
>>> from siteplan.sources import read_candidates
>>> from siteplan.datasets import sample_path
>>> cands = read_candidates(sample_path("candidates.gpkg"))
>>> sorted(cands.columns)[:3]
['geometry', 'height_m', 'kind']
>>> parse_degrees("119°18′36″E"), parse_degrees("26.5"), parse_degrees("北纬26度30分")
(119.31, 26.5, 26.5)
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.schema import LAT_HEADERS, LON_HEADERS, validate_candidates, validate_targets
from siteplan.sources.coords import (
    CRS_NAMES,
    recognise_crs,
    shift_to_wgs84,
    shifted_system,
)
from siteplan.sources.kml import SUFFIXES as KML_SUFFIXES
from siteplan.sources.kml import read_kml
from siteplan.sources.rows import Lines
from siteplan.sources.text import (
    EXCEL_SUFFIXES,
    dbf_encoding,
    norm_header,
    read_table,
    skipped_note,
)

LON_NAMES = LON_HEADERS
LAT_NAMES = LAT_HEADERS
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
TABLE_SUFFIXES = (*CSV_SUFFIXES, *EXCEL_SUFFIXES)

_DMS = re.compile(r"^\s*([NSEW东西南北]|东经|西经|南纬|北纬)?\s*(-?\d+(?:\.\d+)?)\s*(?:°|度|d)?"
                  r"\s*(?:(\d+(?:\.\d+)?)\s*(?:'|′|分))?\s*(?:(\d+(?:\.\d+)?)\s*"
                  r"(?:\"|″|''|秒)?)?\s*([NSEW东西南北])?\s*$", re.I)


def parse_degrees(text: object) -> float:
    """Decimal degrees from a number or a degrees-minutes-seconds text
    (``119°18'36"E``, ``119度18分36秒``, ``N26.5``); NaN when it is neither."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return float("nan")
    try:
        return float(str(text).strip())
    except ValueError:
        pass
    found = _DMS.match(str(text))
    if not found:
        return float("nan")
    prefix, deg, minutes, seconds, suffix = found.groups()
    if minutes is None and seconds is None and prefix is None and suffix is None:
        return float("nan")
    value = abs(float(deg)) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    hemisphere = (prefix or "") + (suffix or "")
    negative = float(deg) < 0 or any(h in hemisphere.upper() for h in ("S", "W", "西", "南"))
    return round(-value if negative else value, 10)


def _pick(columns: list[str], names: tuple[str, ...], given: str | None, path: Path,
          what: str) -> str:
    if given is not None:
        if given not in columns:
            raise InputError(Msg("column.not_given", path=path, given=repr(given), what=what,
                                 columns=columns))
        return given
    lowered = {norm_header(c): c for c in columns}
    for name in names:
        if norm_header(name) in lowered:
            return lowered[norm_header(name)]
    raise InputError(
        Msg("column.not_found", path=path, what=what, names=', '.join(names), columns=columns)
    )


def apply_crs(frame: gpd.GeoDataFrame, crs: str | int | None, source: str) -> gpd.GeoDataFrame:
    """Put a layer into the coordinate system the user says it is in.

    ``"gcj02"``/``"bd09"``: the layer's lon/lat are in that shifted system;
    every vertex is moved to WGS84 (EPSG:4326). Any other value (``"EPSG:4490"``)
    is the layer's CRS (replacing what the file declares, with a note). Then
    CGCS2000 and its zones are recognised (:func:`recognise_crs`).

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> amap = gpd.GeoDataFrame(geometry=[LineString([(116.4032, 39.9094), (116.41, 39.92)])],
    ...                         crs=4326)
    >>> moved = apply_crs(amap, "gcj02", "road.geojson")
    >>> [round(c, 4) for c in moved.geometry.iloc[0].coords[0]], moved.attrs["notes"][0][-21:]
    ([116.397, 39.908], 'WGS84 (every vertex).')
    """
    notes = list(frame.attrs.get("notes", []))
    system = shifted_system(crs)
    if system is not None:
        if frame.crs is not None and not frame.crs.is_geographic:
            raise InputError(Msg("files.crs_means_lon", source=source, crs=repr(crs), system=system,
                                 layer_crs=frame.crs.name))
        try:
            moved = shift_to_wgs84(frame.geometry.to_numpy(), system)
        except InputError as exc:
            raise InputError(Msg("files.error", source=source, detail=exc)) from None
        attrs = dict(frame.attrs)
        frame = gpd.GeoDataFrame(frame.drop(columns=frame.geometry.name), geometry=moved,
                                 crs=4326)
        frame.attrs = attrs
        notes.append(Msg("n.converted", source=source, system=system.upper()))
    elif crs is not None:
        named = CRS_NAMES.get(str(crs).strip().lower().replace("-", "_").replace(" ", ""))
        try:
            target = CRS.from_user_input(named or crs)
        except CRSError as exc:
            raise InputError(Msg("crs.unknown", source=source, crs=repr(crs), detail=exc)) from None
        if frame.crs is not None and frame.crs != target:
            notes.append(Msg("n.declared", source=source, declared=frame.crs.name, crs=repr(crs)))
        frame = frame.set_crs(target, allow_override=True)
    if frame.crs is not None:
        recognised = recognise_crs(frame.crs)
        if recognised is not frame.crs and recognised != frame.crs:
            frame = frame.set_crs(recognised, allow_override=True)
    frame.attrs["notes"] = notes
    return frame


def read_points_table(path: str | Path, *, lon: str | None = None, lat: str | None = None,
                      crs: str | int | None = "EPSG:4326", encoding: str | None = None,
                      sheet: str | int | None = None, known: tuple[str, ...] = ()
                      ) -> gpd.GeoDataFrame:
    """Read a CSV/TXT/XLSX table with longitude/latitude columns into points.

    Parameters
    ----------
    path : str or Path
        CSV/TXT (UTF-8, UTF-8 with BOM, or GBK; comma, tab or semicolon) or
        an Excel workbook.
    lon, lat : str, optional
        Column names; found automatically (lon/lng/longitude/经度, lat/纬度).
    crs : str or int
        CRS of the coordinates: any EPSG code, or ``"gcj02"``/``"bd09"`` for
        the shifted systems of Chinese map apps (converted to WGS84).
    encoding, sheet : optional
        Text encoding (detected by default); Excel sheet (the first).
    known : tuple of str
        More header names that help find the header row below title rows.

    Returns
    -------
    geopandas.GeoDataFrame
        Points; ``attrs["lines"]`` holds each row's line (CSV) or row (Excel)
        number so errors name them.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "marks.txt"
    >>> _ = path.write_bytes("导出\\n名称\\t经度\\t纬度\\n塔1\\t119°18′00″E\\t26°03′00″N\\n"
    ...                      .encode("gbk"))
    >>> points = read_points_table(path)
    >>> points["名称"].tolist(), points.geometry.x.tolist(), list(points.attrs["lines"])
    (['塔1'], [119.3], [3])
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    names = tuple(n for n in (lon, lat) if n)
    table = read_table(path, (*LON_NAMES, *LAT_NAMES, *names, *known), need=2, sheet=sheet,
                       encoding=encoding)
    columns = list(table.columns)
    lon_col = _pick(columns, LON_NAMES, lon, path, "longitude")
    lat_col = _pick(columns, LAT_NAMES, lat, path, "latitude")
    xs = table[lon_col].map(parse_degrees).to_numpy(float)
    ys = table[lat_col].map(parse_degrees).to_numpy(float)
    bad = np.isnan(xs) | np.isnan(ys)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            Msg("coord.bad", path=path, line=table.index[i], lon=repr(lon_col), lat=repr(lat_col),
                x=repr(table[lon_col].iloc[i]), y=repr(table[lat_col].iloc[i]), count=int(bad.sum())))
    lines = [int(i) for i in table.index]
    frame = table.drop(columns=[lon_col, lat_col]).reset_index(drop=True)
    out = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs=None)
    out.attrs["encoding"] = table.attrs.get("encoding")
    out.attrs["notes"] = skipped_note(table, path)
    out = apply_crs(out, crs, str(path))
    out.attrs["lines"] = Lines(lines)
    out.attrs["row_offset"] = lines[0] if lines else 2
    return out


def read_csv_points(path: str | Path, *, lon: str | None = None, lat: str | None = None,
                    crs: str | int = "EPSG:4326", encoding: str | None = None
                    ) -> gpd.GeoDataFrame:
    """Read a lon/lat CSV into points (see :func:`read_points_table`)."""
    return read_points_table(path, lon=lon, lat=lat, crs=crs, encoding=encoding)


def _read_gis(path: Path, layer: str | None, encoding: str | None) -> gpd.GeoDataFrame:
    options = {}
    if path.suffix.lower() in (".shp", ".dbf"):
        found = dbf_encoding(path, encoding)
        if found:
            options["encoding"] = found
    elif encoding:
        options["encoding"] = encoding
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = gpd.read_file(path, layer=layer, engine="pyogrio", **options)
    except (DataSourceError, DataLayerError) as exc:
        layers = ""
        try:
            layers = f" Layers in the file: {[n for n, _ in pyogrio.list_layers(path)]}."
        except (DataSourceError, DataLayerError):
            pass
        hint = (" A shapefile needs its .shp, .shx and .dbf (and .prj) side by side: copy them "
                "again." if path.suffix.lower() == ".shp" else "")
        raise InputError(Msg("layer.read", path=path, layer=layer or '(first)', detail=exc,
                             more=f'{layers}{hint}')) from None
    except UnicodeDecodeError as exc:
        raise InputError(Msg("file.decode", path=path, encoding=options.get('encoding'),
                             detail=exc.reason)) from None
    if "encoding" in options:
        frame.attrs["encoding"] = options["encoding"]
    return frame


def read_layer(path: str | Path, *, layer: str | None = None, lon: str | None = None,
               lat: str | None = None, crs: str | int | None = None,
               encoding: str | None = None, sheet: str | int | None = None
               ) -> gpd.GeoDataFrame:
    """Read any vector layer, KML/KMZ, or lon/lat table (CSV, TXT, XLSX).

    Parameters
    ----------
    path : str or Path
        GeoPackage, GeoJSON, Shapefile, KML/KMZ, any GDAL vector format, or
        a CSV/TXT/XLSX point table.
    layer : str, optional
        Layer name in a multi-layer file.
    lon, lat
        Column names of point tables (found automatically).
    crs : str or int, optional
        ``"gcj02"``/``"bd09"``: the layer is in that shifted system and every
        vertex is moved to WGS84; otherwise the layer's CRS (see
        :func:`apply_crs`). Point tables default to WGS84.
    encoding : str, optional
        Text encoding of a shapefile's DBF or a CSV (detected by default).
    sheet : str or int, optional
        Excel sheet.

    Raises
    ------
    InputError
        The file is missing, unreadable, the layer does not exist, or the
        encoding or coordinate system does not fit.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found_config", path=path))
    if path.is_dir() and path.suffix.lower() not in (".gdb",):
        raise InputError(Msg("file.is_folder", path=path))
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        if layer is not None:
            if suffix not in EXCEL_SUFFIXES:
                raise InputError(Msg("files.csv_txt_table", path=path, layer=repr(layer)))
            if sheet is not None and sheet != layer:
                raise InputError(Msg("files.both_layer_sheet", path=path, layer=repr(layer),
                                     sheet=repr(sheet)))
            sheet = layer
        return read_points_table(path, lon=lon, lat=lat, crs=crs or "EPSG:4326",
                                 encoding=encoding, sheet=sheet)
    if suffix in KML_SUFFIXES:
        frame = read_kml(path)
    else:
        if suffix == ".zip":
            from siteplan.sources.limits import check_zip

            check_zip(path)  # member sizes before GDAL inflates them
        frame = _read_gis(path, layer, encoding)
        frame.attrs["row_offset"] = 1
    return apply_crs(frame, crs, str(path))


def read_candidates(path: str | Path, *, columns: dict[str, str] | None = None,
                    defaults: dict | None = None, **kwargs: object) -> gpd.GeoDataFrame:
    """Read and validate a candidate-site layer (see :func:`read_layer`);
    Chinese headers (站址编码, 站址类型, 挂高 …) are recognised, ``columns``
    and ``defaults`` as in :func:`siteplan.sources.columns.canonical_columns`."""
    from siteplan.sources.columns import CANDIDATE_HEADERS, candidate_ids, canonical_columns

    frame = read_layer(path, **kwargs)  # type: ignore[arg-type]
    frame = canonical_columns(frame, CANDIDATE_HEADERS, columns=columns, defaults=defaults,
                              source=str(path))
    frame = candidate_ids(frame, Path(path).stem)
    return validate_candidates(frame, source=str(path))


def read_targets(path: str | Path, *, columns: dict[str, str] | None = None,
                 defaults: dict | None = None, **kwargs: object) -> gpd.GeoDataFrame:
    """Read and validate a target-area layer (see :func:`read_layer`):
    Chinese headers (区域名称, 区域类型, 无线环境, 建设年度 …) and values
    (主城区, 密集城区, 2021年) are recognised; a KML ``<name>`` is the area's
    name (and its id when names are unique)."""
    from siteplan.sources.columns import TARGET_HEADERS, canonical_columns, target_ids

    frame = read_layer(path, **kwargs)  # type: ignore[arg-type]
    frame = canonical_columns(frame, TARGET_HEADERS, columns=columns, defaults=defaults,
                              source=str(path))
    return validate_targets(target_ids(frame, Path(path).stem), source=str(path))
