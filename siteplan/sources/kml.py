"""KML and KMZ from Google Earth and 奥维 (Ovital) maps.

Read with the standard library's XML parser (expat, which refuses entity
expansion bombs) rather than GDAL's KML drivers: those fail on a Placemark
field called ``Name`` beside ``<name>`` (``Error adding field 'Name'``) and
drop folders. Every Placemark becomes a row:

- ``name`` ← ``<name>``, ``description`` ← ``<description>``,
- ``folder`` ← the folder path (``"2021/城区"``), ``folder_1``, ``folder_2`` …
  each level,
- one column per ExtendedData field (``<Data name=…><value>``,
  ``<SchemaData><SimpleData name=…>``), Chinese names kept; a field whose
  name clashes with the columns above gets a ``_data`` suffix,
- geometry from Point, LineString, LinearRing, Polygon (with holes),
  MultiGeometry and ``gx:Track``; altitudes dropped.

KML is WGS84 by definition (EPSG:4326); 奥维 and Amap exports are often
GCJ-02 and need ``crs = "gcj02"`` (see :func:`siteplan.sources.read_layer`).

Examples
--------
>>> import tempfile, pathlib
>>> text = '''<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>2021</name>
... <Placemark><name>城区</name><ExtendedData><Data name="区域类型"><value>主城区</value></Data>
... </ExtendedData><Polygon><outerBoundaryIs><LinearRing><coordinates>
... 119.5,25.9,0 119.6,25.9,0 119.6,26.0,0 119.5,25.9,0</coordinates></LinearRing>
... </outerBoundaryIs></Polygon></Placemark></Folder></Document></kml>'''
>>> path = pathlib.Path(tempfile.mkdtemp()) / "areas.kml"
>>> _ = path.write_text(text, encoding="utf-8")
>>> row = read_kml(path).iloc[0]
>>> row["name"], row["folder"], row["区域类型"], row.geometry.geom_type
('城区', '2021', '主城区', 'Polygon')
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LinearRing, LineString, Point, Polygon

from siteplan.errors import InputError
from siteplan.messages import Msg
from siteplan.sources.limits import check_size, read_member

SUFFIXES = (".kml", ".kmz")
BASE_COLUMNS = ("name", "description", "folder")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _child_text(element: ET.Element, name: str) -> str | None:
    for c in element:
        if _local(c.tag) == name:
            return (c.text or "").strip()
    return None


def _coords(text: str | None, source: str, where: str, sep: str = ",") -> np.ndarray:
    """``lon,lat[,alt]`` tuples (``sep=" "`` for a ``gx:coord``) as an n×2 array;
    bad numbers, a missing latitude and NaN or infinite values raise naming
    the Placemark."""
    parts = (text or "").replace("\n", " ").replace("\t", " ").split() if sep == "," \
        else [",".join((text or "").split())]
    shown = (text or "").strip()[:60]
    try:
        values = [tuple(float(v) for v in p.split(",")[:2]) for p in parts]
    except ValueError:
        raise InputError(Msg("kml.coordinates_not_lon", source=source, where=where,
                             shown=repr(shown), sep=sep)) from None
    if any(len(v) != 2 for v in values):
        raise InputError(Msg("kml.coordinate_has_no", source=source, where=where, shown=repr(shown)))
    xy = np.array(values, dtype=float).reshape(-1, 2)
    if not np.isfinite(xy).all():
        raise InputError(Msg("kml.coordinate_nan_infinite", source=source, where=where, shown=repr(shown)))
    return xy


def _ring(element: ET.Element | None, source: str, where: str) -> np.ndarray | None:
    if element is None:
        return None
    rings = [e for e in element.iter() if _local(e.tag) == "LinearRing"]
    if not rings:
        return None
    return _coords(_child_text(rings[0], "coordinates"), source, where)


def _polygon(element: ET.Element, source: str, where: str) -> list:
    outer = _ring(next(iter(_children(element, "outerBoundaryIs")), None), source, where)
    if outer is None or len(outer) < 3:
        return []
    holes = [_ring(h, source, where) for h in _children(element, "innerBoundaryIs")]
    return [Polygon(outer, [h for h in holes if h is not None and len(h) >= 3])]


def _track(element: ET.Element, source: str, where: str) -> list:
    points = [_coords(c.text, source, f"{where}, gx:coord {k + 1}", sep=" ")
              for k, c in enumerate(e for e in element if _local(e.tag) == "coord")]
    xy = np.vstack(points) if points else np.empty((0, 2))
    return [LineString(xy)] if len(xy) >= 2 else []


def _simple(element: ET.Element, tag: str, source: str, where: str) -> list:
    """Point, LineString or LinearRing."""
    xy = _coords(_child_text(element, "coordinates"), source, where)
    need, make = {"Point": (1, lambda a: Point(a[0])), "LineString": (2, LineString),
                  "LinearRing": (3, LinearRing)}[tag]
    return [make(xy)] if len(xy) >= need else []


def _geometry(element: ET.Element, source: str, where: str) -> list:
    """Shapely geometries of one geometry element (MultiGeometry flattened,
    without recursion: nesting depth is the file's choice)."""
    found: list = []
    stack = [element]
    while stack:
        item = stack.pop()
        tag = _local(item.tag)
        if tag in ("Point", "LineString", "LinearRing"):
            found += _simple(item, tag, source, where)
        elif tag == "Polygon":
            found += _polygon(item, source, where)
        elif tag == "Track":
            found += _track(item, source, where)
        elif tag in ("MultiGeometry", "MultiTrack"):
            stack.extend(reversed(list(item)))
    return found


def _combine(parts: list):
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    types = {p.geom_type for p in parts}
    if types <= {"Polygon"}:
        return shapely.MultiPolygon(parts)
    if types <= {"LineString", "LinearRing"}:
        return shapely.MultiLineString([LineString(p.coords) for p in parts])
    if types <= {"Point"}:
        return shapely.MultiPoint(parts)
    return shapely.GeometryCollection(parts)


def _extended(placemark: ET.Element) -> dict[str, str]:
    fields: dict[str, str] = {}
    for data in (e for e in placemark if _local(e.tag) == "ExtendedData"):
        for item in data.iter():
            tag = _local(item.tag)
            if tag == "Data" and item.get("name"):
                value = _child_text(item, "value")
                fields[item.get("name", "").strip()] = value if value is not None else ""
            elif tag == "SimpleData" and item.get("name"):
                fields[item.get("name", "").strip()] = (item.text or "").strip()
    return fields


def _parse(data: bytes, source: str) -> ET.Element:
    """Parse KML bytes; a GBK/GB18030 declaration (expat reads no multi-byte
    codec) is decoded here and the declaration dropped."""
    head = data[:200].lower()
    if b"encoding=" in head and not any(e in head for e in (b'"utf-8"', b"'utf-8'",
                                                              b'"utf8"', b"'utf8'")):
        match = re.search(rb"encoding=[\"']([A-Za-z0-9_\-]+)[\"']", data[:200])
        if match:
            from siteplan.sources.text import decode

            text, _ = decode(data, source, match.group(1).decode("ascii"))
            return ET.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    return ET.fromstring(data)


def _root(path: Path) -> ET.Element:
    try:
        if path.suffix.lower() == ".kmz":
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".kml")]
                if not names:
                    raise InputError(Msg("kml.kmz_holds_no", path=path))
                name = "doc.kml" if "doc.kml" in names else sorted(names)[0]
                data = read_member(archive, name, path)  # size capped while inflating
        else:
            check_size(path, path.stat().st_size)
            data = path.read_bytes()
        return _parse(data, str(path))
    except zipfile.BadZipFile as exc:
        raise InputError(Msg("kml.not_kmz_zip", path=path, detail=exc)) from None
    except ET.ParseError as exc:
        raise InputError(Msg("kml.not_valid_kml", path=path, detail=exc)) from None


#: Folders nested deeper than this are refused (real documents nest a few levels;
#: each level becomes a column).
MAX_FOLDER_DEPTH = 100


def _placemarks(root: ET.Element, source: str):
    """Every Placemark with its folder path, in document order (an explicit
    stack: 20,000 nested folders raise a clear error, not RecursionError)."""
    stack: list[tuple[ET.Element, tuple[str, ...]]] = [(root, ())]
    while stack:
        element, folders = stack.pop()
        if _local(element.tag) == "Placemark":
            yield element, folders
            continue
        todo = []
        for child in element:
            tag = _local(child.tag)
            if tag == "Placemark":
                todo.append((child, folders))
            elif tag in ("Folder", "Document", "kml"):
                name = _child_text(child, "name") if tag == "Folder" else None
                inner = (*folders, name) if name else folders
                if len(inner) > MAX_FOLDER_DEPTH:
                    raise InputError(Msg("kml.folders_nested_more", source=source,
                                         max_folder_depth=MAX_FOLDER_DEPTH, name=repr(name)))
                todo.append((child, inner))
        stack.extend(reversed(todo))


def _row(placemark: ET.Element, folders: tuple[str, ...], number: int) -> dict[str, object]:
    """The attribute row of one Placemark (see the module notes)."""
    row: dict[str, object] = {"name": _child_text(placemark, "name") or "",
                              "description": _child_text(placemark, "description") or "",
                              "folder": "/".join(folders)}
    for level, folder in enumerate(folders, start=1):
        row[f"folder_{level}"] = folder
    for key, value in _extended(placemark).items():
        clash = key.lower() in {c.lower() for c in row} | {"geometry"}
        row[f"{key}_data" if clash else key] = value
    return row


def read_kml(path: str | Path) -> gpd.GeoDataFrame:
    """Every Placemark of a KML or KMZ file (see the module notes).

    Raises
    ------
    InputError
        Not KML/KMZ, broken XML, bad coordinates (naming the Placemark), or
        no Placemark with a geometry.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Msg("file.not_found", path=path))
    root = _root(path)
    rows: list[dict[str, object]] = []
    geoms: list[object] = []
    for child, folders in _placemarks(root, str(path)):
        rows.append(_row(child, folders, len(rows) + 1))
        where = f"Placemark {len(rows)} ({rows[-1]['name']!r})" if rows[-1]["name"] else \
            f"Placemark {len(rows)}"
        geoms.append(_combine([g for e in child for g in _geometry(e, str(path), where)]))
    if _local(root.tag) != "kml":
        raise InputError(Msg("kml.not_kml_document", path=path, local=repr(_local(root.tag))))
    if not rows:
        raise InputError(Msg("kml.no_placemark_kml", path=path))
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)
    for column in frame.columns:
        if column.startswith("folder_"):
            frame[column] = frame[column].fillna("")
    frame.attrs["row_offset"] = 1
    frame.attrs["row_label"] = "Placemark"
    return frame
